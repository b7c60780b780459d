"""A maintainer's example never finishes: the build stops it, fails and names it.

sphinxext/helpers/example_time_limit.py arms a timer before each example through sphinx-gallery's
``reset_modules`` hook. Checked on a site of its own, not the project's, built in a
temporary folder with its own conf.py: two tiny examples, one that ends and one that
loops forever, and a 2-second limit (``QI_EXAMPLE_TIME_LIMIT``). The build must fail
naming the looping example and the limit, and still publish the other one's page with
its output; serially, and with sphinx-gallery's ``"parallel": 2`` (joblib's workers).
The build runs under a timeout of its own, so that a regression fails instead of hanging.
"""

import os
import subprocess
import sys

import pytest
from conftest import ROOT, make
from project_copy import SMALL_EXAMPLES, copy_project_with_small_gallery

CONF = """
import sys
sys.path.insert(0, {root!r})
project = "time limit"
extensions = ["sphinx_gallery.gen_gallery"]
exclude_patterns = ["_build"]
sphinx_gallery_conf = {{
    "examples_dirs": ["examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"\\.py$",
    "reset_modules": ("sphinxext.helpers.example_time_limit.arm",),
    "reset_modules_order": "both",
    "parallel": {parallel},
    "download_all_examples": False,
    "plot_gallery": True,
}}
"""

QUICK = '''"""
A quick example
===============

It ends.
"""

print("the quick example finished")
'''

FOREVER = '''"""
An example that never ends
==========================

A loop with no way out.
"""

print("the endless example started")
while True:
    pass
'''


def build(folder, parallel, limit):
    source = folder / "source"
    (source / "examples").mkdir(parents=True)
    (source / "conf.py").write_text(CONF.format(root=str(ROOT), parallel=parallel))
    (source / "index.rst").write_text(
        "Time limit\n==========\n\n.. toctree::\n\n   auto_examples/index\n"
    )
    (source / "examples" / "README.rst").write_text("Examples\n========\n")
    (source / "examples" / "plot_a_quick.py").write_text(QUICK)
    (source / "examples" / "plot_b_forever.py").write_text(FOREVER)
    env = dict(os.environ, QI_EXAMPLE_TIME_LIMIT=str(limit), MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(source), str(folder / "html")],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    return result, folder / "html"


@pytest.mark.parametrize("parallel", [False, 2], ids=["serial", "parallel-2"])
def test_an_endless_example_fails_the_build_named_and_the_others_are_kept(tmp_path, parallel):
    result, html = build(tmp_path, parallel, limit=2)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert "plot_b_forever.py ran longer than its time limit of 2 s" in output, output[-3000:]
    assert "ExampleTimeLimitExceeded" in output
    assert "plot_a_quick.py ran longer" not in output

    quick = (html / "auto_examples" / "plot_a_quick.html").read_text(encoding="utf-8")
    assert "the quick example finished" in quick
    forever = (html / "auto_examples" / "plot_b_forever.html").read_text(encoding="utf-8")
    assert "the endless example started" in forever  # its output so far, and its traceback
    assert "ran longer than its time limit" in forever


def test_a_bad_limit_is_refused_with_what_to_set(tmp_path):
    result, _ = build(tmp_path, False, limit="five minutes")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "QI_EXAMPLE_TIME_LIMIT='five minutes' is not a number of seconds" in output, output[
        -2000:
    ]


def test_the_projects_build_stops_an_endless_example_too(tmp_path, reader_env):
    # The project's own conf.py and make html, on the small gallery plus the endless example.
    project = copy_project_with_small_gallery(tmp_path / "project")
    (project / "examples" / "plot_zz_forever.py").write_text(FOREVER)
    env = dict(reader_env, QI_EXAMPLE_TIME_LIMIT="3")
    result = make(project, "html", env, tmp_path / "build")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert "plot_zz_forever.py ran longer than its time limit of 3 s" in output, output[-3000:]
    for example in SMALL_EXAMPLES:
        page = tmp_path / "build" / "html" / "auto_examples" / example.with_suffix(".html")
        assert "The largest square: 81" in page.read_text(encoding="utf-8"), example
