"""A maintainer builds the site, rebuilds it with nothing changed, then edits things.

sphinx-gallery's own rebuild logic runs only the examples whose source changed, and Sphinx
writes only the pages that changed. A no-op rebuild runs nothing and writes no page; its
one line about the configuration names only the values extensions change while building
(the README says why), and a real change in conf.py is reported by name. Built on the
small site, in this process. Also, through ``make html`` with two jobs: Ctrl+C stops a
build at once, and an example that kills its worker process fails the build.
"""

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from project_copy import SMALL_EXAMPLES, build_in_process, copy_project_with_small_gallery

EDITED = SMALL_EXAMPLES[1]
EDIT = "\n# %%\n# A sentence added by the rebuild test.\n"
HEADER_EDIT = "\nA line added to the header of the course by the rebuild test.\n"
CONF_EDIT = '\nhtml_title = "Quantizing images, edited"\n'
CONFIG_CHANGED = re.compile(r"The configuration has changed \(\d+ options?: ([^)]*)\)")
# What the theme, sphinx-copybutton and sphinx-gallery change while building, which Sphinx
# then compares with conf.py's values (README, "Build speed").
CHANGED_WHILE_BUILDING = {"html_static_path", "sphinx_gallery_conf", "templates_path"}

# Sphinx writes its index and search pages on every build, changed or not.
ALWAYS_WRITTEN = {"genindex.html", "search.html"}


def pages(html):
    """Each page written from a document, with the time it was last written."""
    return {
        path: path.stat().st_mtime_ns
        for path in html.rglob("*.html")
        if path.relative_to(html).as_posix() not in ALWAYS_WRITTEN
    }


def options_said_changed(log):
    match = CONFIG_CHANGED.search(log)
    return set(re.findall(r"'(\w+)'", match.group(1))) if match else set()


@pytest.fixture(scope="module")
def builds(tmp_path_factory, reader_env):
    """Five builds of one small site: clean, no-op, after editing one example, after
    editing the header of the course's folder, after changing a value in conf.py."""
    folder = tmp_path_factory.mktemp("rebuild")
    project = copy_project_with_small_gallery(folder / "project")
    env = {"XDG_CACHE_HOME": reader_env["XDG_CACHE_HOME"], "QI_INVENTORIES": "off"}
    html = folder / "build" / "html"

    def build():
        result = build_in_process(project, folder / "build", env=env)
        assert result["statuscode"] == 0, result["log"]
        return result["log"]

    runs = {"clean": build()}
    before_noop = pages(html)
    runs["noop"] = build()
    after_noop = pages(html)
    edited = project / "examples" / EDITED
    edited.write_text(edited.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    runs["edit"] = build()
    after_edit = pages(html)
    header = project / "examples" / "series" / "GALLERY_HEADER.rst"
    header.write_text(header.read_text(encoding="utf-8") + HEADER_EDIT, encoding="utf-8")
    runs["header"] = build()
    conf = project / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + CONF_EDIT, encoding="utf-8")
    runs["conf"] = build()
    return {"log": runs, "html": html, "pages": (before_noop, after_noop, after_edit)}


def test_a_clean_build_runs_every_example(builds):
    ran = re.search(r"executed (\d+) out of (\d+) file", builds["log"]["clean"])
    assert ran and ran.groups() == (str(len(SMALL_EXAMPLES)),) * 2, builds["log"]["clean"]


def test_a_no_op_rebuild_runs_nothing_and_rewrites_no_page(builds):
    log = builds["log"]["noop"]
    assert "executed 0 out of 0 files" in log, log
    assert "0 added, 0 changed, 0 removed" in log, log
    before, after, _ = builds["pages"]
    assert len(before) >= len(SMALL_EXAMPLES)
    assert after == before


def test_a_no_op_rebuild_claims_no_change_in_conf_py(builds):
    # Sphinx's line may name what extensions change while building, nothing else.
    for run in ("noop", "edit", "header"):
        said = options_said_changed(builds["log"][run])
        assert said <= CHANGED_WHILE_BUILDING, builds["log"][run]


def test_a_real_change_in_conf_py_is_reported_by_name_and_shown(builds):
    log = builds["log"]["conf"]
    assert "html_title" in options_said_changed(log), log
    index = builds["html"] / "index.html"
    assert "Quantizing images, edited" in index.read_text(encoding="utf-8")


def test_editing_one_example_reruns_it_alone_and_shows_the_edit(builds):
    log = builds["log"]["edit"]
    ran = re.search(r"executed (\d+) out of (\d+) file", log)
    assert ran and ran.groups() == ("1", "1"), log
    edited_page = f"auto_examples/{EDITED.with_suffix('.html').as_posix()}"
    page = builds["html"] / edited_page
    assert "A sentence added by the rebuild test." in page.read_text(encoding="utf-8")
    _, after_noop, after_edit = builds["pages"]
    rewritten = {
        p.relative_to(builds["html"]).as_posix()
        for p in after_edit
        if after_edit[p] != after_noop[p]
    }
    # The other example's page is not written again.
    examples = {f"auto_examples/{e.with_suffix('.html').as_posix()}" for e in SMALL_EXAMPLES}
    assert rewritten & examples == {edited_page}


def test_editing_a_folder_header_regenerates_the_gallery(builds):
    index = builds["html"] / "auto_examples" / "index.html"
    assert HEADER_EDIT.strip() in index.read_text(encoding="utf-8")


# -- Through make html, with two jobs: examples run in sphinx-gallery's worker processes --

TWO_JOBS = "SPHINXOPTS=-W --keep-going -j 2"
SLOW_EXAMPLE = '"""\nSlow {n}\n======\n\nTen seconds.\n"""\n\nimport time\n\ntime.sleep(10)\n'


def test_an_example_that_kills_its_worker_fails_the_build(tmp_path, reader_env):
    # As the system's out-of-memory killer would.
    project = copy_project_with_small_gallery(tmp_path / "project")
    (project / "examples" / "series" / "plot_2_killed.py").write_text(
        '"""\nKilled\n======\n\nIts process dies.\n"""\n\n'
        "import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGKILL)\n"
    )
    command = ["make", "-C", str(project), "html", f"PYTHON={sys.executable}", TWO_JOBS]
    result = subprocess.run(command, env=reader_env, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "worker process managed by the executor was unexpectedly terminated" in output
    assert "SIGKILL" in output, output


def test_ctrl_c_stops_the_build_and_runs_no_further_example(tmp_path, reader_env):
    # Every example of the small site takes ten seconds: the first folder's one, and the
    # course's, queued behind it.
    project = copy_project_with_small_gallery(tmp_path / "project")
    slow = [project / "examples" / example for example in SMALL_EXAMPLES]
    slow += [project / "examples" / "series" / f"plot_{n}_slow.py" for n in (2, 3)]
    for n, path in enumerate(slow):
        path.write_text(SLOW_EXAMPLE.format(n=n))
    # A new session, SIGINT at its default, as for a build started from a terminal.
    build = subprocess.Popen(
        ["make", "-C", str(project), "html", f"PYTHON={sys.executable}", TWO_JOBS],
        env=dict(reader_env, PYTHONUNBUFFERED="1"),  # each line as it is printed
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    output = []
    for line in build.stdout:
        output.append(line)
        if SMALL_EXAMPLES[0].name in line:  # handed to a worker
            break
    time.sleep(1)  # a worker is running it
    os.killpg(build.pid, signal.SIGINT)  # what Ctrl+C does: every process of the build
    output += build.stdout.readlines()
    assert build.wait(timeout=60) != 0, "".join(output)
    # Nothing of the build is left running (the workers take a moment to exit), and no
    # example ran on to its end: an example records its checksum only once it has.
    for _ in range(100):
        try:
            os.killpg(build.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("processes of the build still run after Ctrl+C:\n" + "".join(output))
    finished = list((project / "docs" / "auto_examples").rglob("*.py.md5"))
    assert not finished, "".join(output)
