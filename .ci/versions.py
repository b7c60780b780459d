"""Build and test the site with other versions than the locks': the newest or the oldest.

    python .ci/versions.py newest [--python python3] [--dir _build/newest]
    python .ci/versions.py oldest [--python python3.11] [--dir _build/oldest]
    python .ci/versions.py pythons

``newest`` installs the newest release of everything requirements-test.txt names,
ignoring the locks and the ranges' upper bounds (a release the ranges do not allow yet
is what we want to hear about first), then runs the canary tests of sphinx-gallery's
and Sphinx's internals and builds the site. ``oldest`` installs the lowest versions the
ranges allow for what they name directly (uv's ``--resolution lowest-direct``, for the
oldest Python the README names), builds the site and runs the page tests: the lower
bounds in requirements*.txt, and the comments beside them, are true if it passes.

``pythons`` asks the package index which Pythons every locked package has Linux wheels
for, and fails unless the newest of them is the newest the workflow tests on
(.github/workflows/site.yml's matrix), so that the README's promise stays true.

Either way it prints which installed packages differ from locks/requirements-test.txt,
before the run and again when it fails, so that a failure says which package moved.
`make test-newest` and `make test-oldest` run it; so does the weekly workflow
(.github/workflows/versions.yml). It needs uv (requirements-lint.txt) and packaging.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "locks" / "requirements-test.txt"
REQUIREMENTS = ROOT / "requirements-test.txt"
# What each run checks besides the build.
CANARIES = ["tests/test_sphinx_gallery_internals.py"]
PAGE_TESTS = ["tests/test_walkthrough_claims.py", "tests/test_series_*.py"]


def requirement_lines(path):
    """The requirements of a ranges file, following ``-r`` includes."""
    found = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("-r "):
            found += requirement_lines(Path(path).parent / line[3:].strip())
        elif line:
            found.append(Requirement(line))
    return found


def without_upper_bounds(requirement):
    """``requirement`` with only its lower bounds (and exclusions) kept."""
    kept = []
    for spec in requirement.specifier:
        if spec.operator in (">=", ">", "!="):
            kept.append(str(spec))
        elif spec.operator in ("==", "~=", "==="):
            kept.append(f">={spec.version}")
    marker = f" ; {requirement.marker}" if requirement.marker else ""
    return f"{requirement.name}{','.join(kept)}{marker}"


def locked_versions(path=LOCK):
    """{package: version} of a lock, for the packages its markers select on this machine."""
    text = Path(path).read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?: ; ([^\\\n]+))?", text, re.M)
    return {
        canonicalize_name(name): version
        for name, version, marker in pins
        if not marker or Marker(marker.strip()).evaluate()
    }


def installed_versions(python):
    listed = subprocess.run(
        [sys.executable, "-m", "uv", "pip", "list", "--python", str(python), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return {canonicalize_name(p["name"]): p["version"] for p in json.loads(listed.stdout)}


def moved(locked, installed):
    """Rows (package, locked, installed) where the environment differs from the lock."""
    rows = []
    for name in sorted(locked.keys() | installed.keys()):
        old, new = locked.get(name, "-"), installed.get(name, "-")
        if old != new and name not in ("pip", "setuptools"):
            rows.append((name, old, new))
    return rows


def report(rows, heading):
    print(heading)
    if not rows:
        print("    (none: every package is at its locked version)")
        return
    width = max([len(row[0]) for row in rows] + [7])
    print(f"    {'package':{width}}  {'locked':>12}  {'installed':>12}")
    for name, old, new in rows:
        print(f"    {name:{width}}  {old:>12}  {new:>12}")
    sys.stdout.flush()


def run(command, **kwargs):
    print("$ " + " ".join(str(word) for word in command), flush=True)
    return subprocess.run([str(word) for word in command], cwd=ROOT, **kwargs).returncode


def workflow_pythons():
    text = (ROOT / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8")
    found = re.search(r"^\s*python: \[(.*)\]", text, re.M)
    return [tuple(map(int, v.strip(' "').split("."))) for v in found.group(1).split(",")]


def pythons():
    """Fail unless the workflow's newest Python is the newest the locks have wheels for."""
    tested = max(workflow_pythons())
    with_wheels = []
    for minor in range(tested[1] - 3, tested[1] + 3):
        version = f"{tested[0]}.{minor}"
        check = subprocess.run(
            [
                sys.executable,
                "-m",
                "uv",
                "pip",
                "compile",
                "--quiet",
                "--only-binary",
                ":all:",
                "--python-version",
                version,
                "--python-platform",
                "x86_64-manylinux_2_28",
                "-c",
                LOCK,
                REQUIREMENTS,
                "-o",
                os.devnull,
            ],
            capture_output=True,
            text=True,
        )
        if check.returncode == 0:
            print(f"Python {version}: wheels for every locked package")
        else:
            lacking = re.findall(r"Because (\S+==\S+) has no", check.stderr) or ["a package"]
            print(f"Python {version}: no wheel of {lacking[0]}")
        if check.returncode == 0:
            with_wheels.append((tested[0], minor))
    newest = max(with_wheels, default=None)
    if newest != tested:
        return (
            f"the workflow tests Python {tested[0]}.{tested[1]} as its newest, but the "
            f"newest with wheels for every locked package is {newest}: update "
            ".github/workflows/site.yml and README.md"
        )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("which", choices=["newest", "oldest", "pythons"])
    parser.add_argument("--python", default="python3", help="the interpreter to build with")
    parser.add_argument("--dir", type=Path, help="work folder (default _build/<which>)")
    parser.add_argument("--pytest-args", default="-n auto", help="extra options for pytest")
    args = parser.parse_args(argv)
    if args.which == "pythons":
        return pythons()
    work = (args.dir or ROOT / "_build" / args.which).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    venv = work / "venv"
    python = venv / "bin" / "python"
    uv = [sys.executable, "-m", "uv"]

    if run([*uv, "venv", "--quiet", "--python", args.python, venv]) != 0:
        return f"could not create a virtualenv with {args.python}"
    if args.which == "newest":
        relaxed = work / "requirements.txt"
        lines = [without_upper_bounds(r) for r in requirement_lines(REQUIREMENTS)]
        relaxed.write_text("\n".join(lines) + "\n", encoding="utf-8")
        install = [*uv, "pip", "install", "--python", python, "-r", relaxed]
    else:
        version = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        install = [
            *uv,
            "pip",
            "install",
            "--python",
            python,
            "--resolution",
            "lowest-direct",
            "--python-version",
            version,
            "-r",
            REQUIREMENTS,
        ]
    if run(install) != 0:
        return f"the {args.which} versions the ranges allow cannot be installed (above)"
    rows = moved(locked_versions(), installed_versions(python))
    report(rows, f"Packages at other versions than {LOCK.relative_to(ROOT)}:")

    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("SPHINXOPTS", None)
    pytest = [python, "-m", "pytest", *args.pytest_args.split(), "-p", "no:cacheprovider"]
    build = ["make", "html", f"PYTHON={python}", f"BUILDDIR={work / 'build'}"]
    if args.which == "newest":
        steps = [[*pytest, *CANARIES], build]
    else:
        pages = sorted(
            str(p.relative_to(ROOT)) for pattern in PAGE_TESTS for p in ROOT.glob(pattern)
        )
        steps = [build, [*pytest, *pages]]
    for step in steps:
        if run(step, env=env) != 0:
            report(rows, f"FAILED with the {args.which} versions; what moved from the locks:")
            return f"the {args.which} versions fail: {' '.join(str(w) for w in step[:4])} ..."
    print(f"The site builds and its tests pass with the {args.which} versions.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
