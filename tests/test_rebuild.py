"""A maintainer builds the site, rebuilds it with nothing changed, then edits one example.

The first build runs every example, from both gallery directories, in one pool of
worker processes (sphinxext/gallery_pool.py); a rebuild runs only what changed, and writes
only the pages that changed (sphinxext/gallery_unchanged.py), and does not claim that the
configuration changed unless it did (sphinxext/stable_config.py). Also: Ctrl+C during the pool,
a worker killed by the system, and the pool other systems than Linux get.
"""

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from conftest import EXAMPLES, env_with_cache, make
from gallery_pool import _can_fork, longest_first
from project_copy import SMALL_EXAMPLES, copy_project, copy_project_with_small_gallery

POOL_LINE = re.compile(r"running (\d+) examples? in (\d+) worker process")
CAN_FORK = _can_fork()
EDITED = "series/plot_03_rate_distortion.py"
EDIT = "\n# %%\n# A sentence added by the rebuild test.\n"
HEADER_EDIT = "\nA line added to the header of the course by the rebuild test.\n"
SKIPPED = "gallery unchanged since the last build"
CONF_EDIT = '\nhtml_title = "Quantizing images, edited"\n'
CONFIG_CHANGED = "The configuration has changed"


# Sphinx writes its index and search pages on every build, changed or not.
ALWAYS_WRITTEN = {"genindex.html", "search.html"}


def pages(html):
    """Each page written from a document, with the time it was last written."""
    return {
        path: path.stat().st_mtime_ns
        for path in html.rglob("*.html")
        if path.relative_to(html).as_posix() not in ALWAYS_WRITTEN
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory, dataset_cache):
    """`make html` five times in one fresh copy: clean, no-op, after editing one example,
    after editing the header of the course's folder, after changing a value in conf.py."""
    project = copy_project(tmp_path_factory.mktemp("rebuild"))
    env = env_with_cache(dataset_cache)
    html = project / "_build" / "html"

    def build():
        result = make(project, "html", env, project / "_build")
        assert result.returncode == 0, f"make html failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout + result.stderr

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
    return {
        "log": runs,
        "html": html,
        "pages": (before_noop, after_noop, after_edit),
    }


@pytest.mark.skipif(os.cpu_count() < 2, reason="one core: sphinx-gallery runs serially")
def test_a_clean_build_runs_every_example_in_one_pool(builds):
    # Not one pool per gallery directory: the walkthrough and the five course pages
    # are shared among the workers together.
    pool = POOL_LINE.search(builds["log"]["clean"])
    assert pool, builds["log"]["clean"]
    assert int(pool.group(1)) == len(EXAMPLES)
    # make html passes -j auto: one worker per core.
    assert int(pool.group(2)) == min(os.cpu_count(), len(EXAMPLES))


def test_the_pool_starts_the_largest_examples_first(tmp_path):
    for name, size in [("plot_a.py", 10), ("plot_b.py", 300), ("plot_c.py", 20)]:
        (tmp_path / name).write_text("#" * size)
    jobs = [(name, tmp_path, tmp_path / "out") for name in ("plot_a.py", "plot_b.py", "plot_c.py")]
    assert [name for name, _, _ in longest_first(jobs)] == ["plot_b.py", "plot_c.py", "plot_a.py"]


def test_a_no_op_rebuild_runs_nothing_and_rewrites_no_page(builds):
    log = builds["log"]["noop"]
    assert not POOL_LINE.search(log), log
    # Not even sphinx-gallery's generation step (sphinxext/gallery_unchanged.py).
    assert SKIPPED in log, log
    assert SKIPPED not in builds["log"]["clean"]
    assert "executed 0 out of 0 files" in log, log
    # Nothing changed, and Sphinx does not claim otherwise (sphinxext/stable_config.py).
    assert CONFIG_CHANGED not in log, log
    before, after, _ = builds["pages"]
    assert len(before) >= len(EXAMPLES)
    assert after == before


def test_editing_one_example_reruns_it_alone_and_shows_the_edit(builds):
    log = builds["log"]["edit"]
    # One example to run: in one forked worker, or in the build process where the system
    # cannot fork (a fresh worker would cost more than it saves).
    pool = POOL_LINE.search(log)
    if CAN_FORK and os.cpu_count() >= 2:
        assert pool and pool.groups() == ("1", "1"), log
    else:
        assert not pool, log
    assert SKIPPED not in log, log
    ran = re.search(r"executed (\d+) out of (\d+) file", log)
    assert ran and ran.group(1) == ran.group(2) == "1", log
    page = builds["html"] / "auto_examples" / EDITED.replace(".py", ".html")
    assert "A sentence added by the rebuild test." in page.read_text(encoding="utf-8")
    _, after_noop, after_edit = builds["pages"]
    rewritten = {
        p.relative_to(builds["html"]).as_posix()
        for p in after_edit
        if after_edit[p] != after_noop[p]
    }
    assert f"auto_examples/{EDITED.replace('.py', '.html')}" in rewritten
    # The other examples' pages are not written again.
    others = {f"auto_examples/{e.with_suffix('.html').as_posix()}" for e in EXAMPLES}
    assert rewritten & others == {f"auto_examples/{EDITED.replace('.py', '.html')}"}


def test_an_example_that_kills_its_worker_fails_the_build_by_name(tmp_path, reader_env):
    # Two examples, so that they run in the worker pool; one of them kills its process,
    # as the system's out-of-memory killer would.
    project = copy_project_with_small_gallery(tmp_path / "project")
    (project / "examples" / "series" / "plot_1_small.py").unlink()
    (project / "examples" / "plot_zz_killed.py").write_text(
        '"""\nKilled\n======\n\nIts process dies.\n"""\n\n'
        "import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = make(project, "html", reader_env, tmp_path / "build")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    if os.cpu_count() >= 2:
        assert "A worker process running the examples died" in output, output
        assert "plot_zz_killed.py" in output, output


def test_editing_a_folder_header_regenerates_the_gallery(builds):
    # No example changed: the generation step must still see the edited GALLERY_HEADER.rst.
    log = builds["log"]["header"]
    assert SKIPPED not in log, log
    index = builds["html"] / "auto_examples" / "index.html"
    assert HEADER_EDIT.strip() in index.read_text(encoding="utf-8")


def test_no_rebuild_claims_a_configuration_change_until_conf_py_changes(builds):
    for run in ("noop", "edit", "header"):
        assert CONFIG_CHANGED not in builds["log"][run], builds["log"][run]
    # A real change is still reported, by name (html_short_title follows html_title), and
    # every page shows it.
    log = builds["log"]["conf"]
    assert re.search(rf"{CONFIG_CHANGED} \(\d+ options?: [^)]*'html_title'", log), log
    index = builds["html"] / "index.html"
    assert "Quantizing images, edited" in index.read_text(encoding="utf-8")


@pytest.mark.skipif(not CAN_FORK or os.cpu_count() < 2, reason="no forked worker pool here")
def test_ctrl_c_stops_the_worker_pool_and_runs_no_further_example(tmp_path, reader_env):
    project = copy_project(tmp_path / "project")
    # A new session, SIGINT at its default, as for a build started from a terminal.
    build = subprocess.Popen(
        ["make", "-C", str(project), "html", f"PYTHON={sys.executable}"],
        env=reader_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    output = []
    for line in build.stdout:
        output.append(line)
        if POOL_LINE.search(line):
            break
    time.sleep(0.5)  # the workers are running their first examples
    os.killpg(build.pid, signal.SIGINT)  # what Ctrl+C does: every process of the build
    output += build.stdout.readlines()
    assert build.wait(timeout=60) != 0, "".join(output)
    # Nothing of the build is left running, and no example ran on to its end: not those
    # running (each takes over a second), not those queued. (An example records its
    # checksum only once it has run to the end.)
    with pytest.raises(ProcessLookupError):
        os.killpg(build.pid, 0)
    finished = list((project / "docs" / "auto_examples").rglob("*.py.md5"))
    assert not finished, "".join(output)


@pytest.mark.skipif(os.cpu_count() < 2, reason="one core: sphinx-gallery runs serially")
def test_without_fork_the_examples_run_in_a_loky_pool(tmp_path, reader_env):
    # The path of systems other than Linux: fresh worker processes (loky, as in
    # sphinx-gallery's own parallel mode), here over the small gallery's two directories.
    project = copy_project_with_small_gallery(tmp_path / "project")
    result = make(project, "html", dict(reader_env, QI_GALLERY_POOL="loky"), tmp_path / "b")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    pool = POOL_LINE.search(log)
    workers = min(os.cpu_count(), len(SMALL_EXAMPLES))
    assert pool and pool.groups() == (str(len(SMALL_EXAMPLES)), str(workers)), log
    for example in SMALL_EXAMPLES:
        page = tmp_path / "b" / "html" / "auto_examples" / example.with_suffix(".html")
        assert "Estimated memory usage" in page.read_text(encoding="utf-8"), page
