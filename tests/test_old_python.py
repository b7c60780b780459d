"""Someone runs ``make html`` with a Python older than the one the README asks for.

The Makefile must stop before it creates ``.venv`` or installs anything, with one line
naming the version it found and the one it needs; a supported Python goes on as before.
No Python 3.10 is needed: the "old" interpreter is this one, started with a
``sitecustomize`` that makes it report 3.10.12, so it answers the Makefile's question
as a real 3.10 would, and would create a virtualenv if asked to.

The README, the Makefile and the workflow must name the same oldest Python.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT
from ruamel.yaml import YAML


def makefile_min_python():
    found = re.search(r"^MIN_PYTHON := (\d+\.\d+)$", (ROOT / "Makefile").read_text(), re.M)
    assert found, "the Makefile defines no MIN_PYTHON"
    return found.group(1)


def version(text):
    return tuple(int(part) for part in text.split("."))


def fake_python(folder, reported):
    """An executable ``folder/python`` that runs this interpreter but reports ``reported``."""
    folder.mkdir()
    major, minor, micro = reported
    (folder / "sitecustomize.py").write_text(
        "import sys\n"
        f"sys.version_info = ({major}, {minor}, {micro}, 'final', 0)\n"
        f"sys.version = '{major}.{minor}.{micro} (fake)'\n"
    )
    script = folder / "python"
    script.write_text(f'#!/bin/sh\nPYTHONPATH="{folder}" exec "{sys.executable}" "$@"\n')
    script.chmod(0o755)
    return script


@pytest.fixture
def project(tmp_path):
    """The files the Makefile's environment rules read, and nothing built."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy2(ROOT / "Makefile", copy)
    for path in [*ROOT.glob("requirements*.txt"), *ROOT.glob("locks/*.txt")]:
        target = copy / path.relative_to(ROOT)
        target.parent.mkdir(exist_ok=True)
        shutil.copy2(path, target)
    return copy


# What a make that runs these tests passes down to the makes they start: `make test
# PYTHON=...` puts PYTHON into MAKEFLAGS, which would override the interpreter under test.
INHERITED = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PYTHON", "BOOTSTRAP_PYTHON"}


def run_make(project, *args):
    """``make`` as a user starts it in ``project``, with nothing from an enclosing make."""
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    return subprocess.run(
        ["make", "-C", str(project), "--no-print-directory", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize("target", ["html", "test", "lint", "html-noplot"])
def test_an_old_python_is_refused_in_one_line_before_anything_is_created(project, tmp_path, target):
    old = fake_python(tmp_path / "py310", (3, 10, 12))
    # The fake really answers as 3.10 does.
    answer = subprocess.run(
        [old, "-c", "import sys; print(sys.version_info[:2])"],
        text=True,
        capture_output=True,
        check=True,
    )
    assert answer.stdout.strip() == "(3, 10)"

    result = run_make(project, target, f"BOOTSTRAP_PYTHON={old}")

    assert result.returncode != 0, result.stdout
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    needed = makefile_min_python()
    assert f"Found Python 3.10.12 ({old})" in lines[0], lines[0]
    assert f"needs Python {needed} or newer" in lines[0], lines[0]
    assert not (project / ".venv").exists(), "the environment was created anyway"


def test_a_missing_interpreter_is_named(project):
    result = run_make(project, "html", "BOOTSTRAP_PYTHON=python-that-does-not-exist")
    assert result.returncode != 0
    assert "python-that-does-not-exist does not run" in result.stderr, result.stderr
    assert not (project / ".venv").exists()


def test_the_oldest_supported_python_goes_on_to_create_the_environment(project, tmp_path):
    needed = version(makefile_min_python())
    fake = fake_python(tmp_path / "oldest", (*needed, 0))
    # A dry run: make prints the commands that would create and fill .venv.
    result = run_make(project, "-n", "html", f"BOOTSTRAP_PYTHON={fake}")
    assert result.returncode == 0, result.stderr
    assert f"{fake} -m venv .venv" in result.stdout, result.stdout


def test_an_old_environment_left_in_venv_is_refused_too(project, tmp_path):
    # .venv/bin/python from an earlier, older Python: make checks it, not the bootstrap one.
    old = fake_python(tmp_path / "py310", (3, 10, 12))
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(old)
    result = run_make(project, "html")
    assert result.returncode != 0
    assert "Found Python 3.10.12 (.venv/bin/python)" in result.stderr, result.stderr


def test_readme_makefile_and_workflow_name_the_same_oldest_python():
    needed = makefile_min_python()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    promised = re.findall(r"Python (\d+\.\d+) or newer", readme)
    assert promised and set(promised) == {needed}, (promised, needed)

    workflow = YAML(typ="safe", pure=True).load(ROOT / ".github" / "workflows" / "site.yml")
    tested = set()
    for job in workflow["jobs"].values():
        tested.update(str(v) for v in job.get("strategy", {}).get("matrix", {}).get("python", []))
    assert tested, "no job of the workflow has a python matrix"
    assert min(tested, key=version) == needed, f"the workflow tests {sorted(tested)}"

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'target-version = "py{needed.replace(".", "")}"' in pyproject
