"""A maintainer tries the site with the newest releases, or the oldest the ranges allow.

``make test-newest`` and ``make test-oldest`` (.ci/versions.py) take minutes and download
their packages, so the weekly workflow runs them, not the tests. Checked here: what they
would install, and how they say which package moved.
"""

import sys

from conftest import ROOT
from packaging.requirements import Requirement

sys.path.insert(0, str(ROOT / ".ci"))
import versions  # noqa: E402


def test_the_newest_run_drops_upper_bounds_and_pins_but_keeps_lower_bounds():
    relax = versions.without_upper_bounds
    assert relax(Requirement("sphinx>=8.1,<10")) == "sphinx>=8.1"
    assert relax(Requirement("zizmor==1.32.0")) == "zizmor>=1.32.0"
    assert relax(Requirement("pillow>=12.0")) == "pillow>=12.0"
    assert relax(Requirement("numpy<3")) == "numpy"
    # Every package requirements-test.txt names, -r requirements.txt included, is tried.
    named = {r.name for r in versions.requirement_lines(ROOT / "requirements-test.txt")}
    build = {r.name for r in versions.requirement_lines(ROOT / "requirements.txt")}
    assert build < named and "sphinx-gallery" in named and "pytest" in named


def test_a_failure_lists_the_packages_that_differ_from_the_locks(capsys):
    locked = versions.locked_versions()
    assert "sphinx" in locked and "colorama" not in locked  # Windows only: not here
    installed = dict(locked, sphinx="99.0", newcomer="1.0")
    del installed["numpy"]
    rows = versions.moved(locked, installed)
    assert rows == [
        ("newcomer", "-", "1.0"),
        ("numpy", locked["numpy"], "-"),
        ("sphinx", locked["sphinx"], "99.0"),
    ]
    versions.report(rows, "moved:")
    printed = capsys.readouterr().out
    assert "sphinx" in printed and "99.0" in printed
    assert versions.moved(locked, dict(locked)) == []


def test_the_workflow_pythons_are_read_from_its_matrix():
    tested = versions.workflow_pythons()
    assert min(tested) == (3, 11) and len(tested) == 2
