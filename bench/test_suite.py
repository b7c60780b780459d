"""Time ``make test`` on a fresh clone against a clean ``make html`` on another.

Run with ``make bench-tests`` (or ``python bench/test_suite.py --runs 3``). It measures the
test-suite target of the lean-build issue: ``make test`` (pytest-xdist, one worker per
core) should take at most 6 times as long as a clean ``make html`` timed on the same
machine, so that the suite stays in proportion to the build it checks. Each run clones
the repository's committed ``HEAD`` into a temporary folder and runs the target there with
this interpreter (``PYTHON=...``), so neither the checkout's build nor its caches are
used, as in CI (the dataset cache is the user's, as for any build). The two alternate, so
that whatever else the machine does weighs on both; the medians and their ratio are
printed and written to ``bench/results/tests-<time>.md`` and ``.json``. It takes a while
(a run of ``make test`` is minutes), so it is a separate command, not part of ``make
bench``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 6.0
# What is timed: make <target> with these extra arguments.
# pytest's --durations: the report lists the slowest tests of the last run.
WAYS = {
    "make html": ("html", []),
    "make test": ("test", ["PYTEST_ARGS=-p no:cacheprovider --durations=15"]),
}


def clone(source, dest):
    """A fresh clone of ``source``'s committed HEAD in ``dest``."""
    subprocess.run(["git", "clone", "--quiet", str(source), str(dest)], check=True)
    return dest


def time_make(project, python, target, extra):
    """Seconds ``make <target>`` took in ``project``, and its output; exits if it failed."""
    command = ["make", "-C", str(project), target, f"PYTHON={python}", *extra]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(
            f"make {target} failed in {project} ({' '.join(command[3:])}), so its time "
            f"means nothing; fix it first:\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
        )
    return seconds, result.stdout


def _slowest(output):
    """pytest's table of the slowest durations, from ``make test``'s output."""
    start = output.find("slowest 15 durations")
    return output[start:].split("\n=")[0].strip() if start >= 0 else ""


def report(times, runs, slowest=""):
    """The Markdown report and the JSON data of the measured ``times`` ({way: [s]})."""
    median = {way: statistics.median(values) for way, values in times.items()}
    ratio = median["make test"] / median["make html"]
    lines = [
        f"# make test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{runs} run(s) each way, alternating, median; {os.cpu_count()} CPUs; fresh clones.",
        "",
        "| command | median | all runs |",
        "| --- | ---: | --- |",
    ]
    for way, values in times.items():
        shown = ", ".join(f"{value:.1f}" for value in values)
        lines.append(f"| {way} | {median[way]:.1f} s | {shown} |")
    met = "yes" if ratio <= LIMIT else "NO"
    lines += [
        "",
        "| target | ratio | limit | met |",
        "| --- | ---: | ---: | --- |",
        f"| make test / clean make html | {ratio:.2f} | {LIMIT} | {met} |",
    ]
    if slowest:
        lines += ["", "The slowest tests of the last run of make test:", "", "```", slowest, "```"]
    data = {"runs": times, "median": median, "ratio": ratio, "limit": LIMIT}
    return "\n".join(lines) + "\n", data


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs each way (median)")
    parser.add_argument("--python", default=sys.executable, help="interpreter with the tests")
    parser.add_argument("--repository", type=Path, default=ROOT, help="what to clone")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    times, slowest = {way: [] for way in WAYS}, ""
    with tempfile.TemporaryDirectory(prefix="qi-bench-tests-") as workdir:
        for run in range(args.runs):
            for way, (target, extra) in WAYS.items():
                project = clone(args.repository, Path(workdir) / f"{run}-{target}")
                seconds, output = time_make(project, args.python, target, extra)
                times[way].append(seconds)
                if target == "test":
                    slowest = _slowest(output)
                print(f"run {run + 1}/{args.runs}, {way}: {times[way][-1]:.1f} s", file=sys.stderr)

    text, data = report(times, args.runs, slowest)
    print(text)
    args.output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (args.output / f"tests-{stamp}.md").write_text(text)
    (args.output / f"tests-{stamp}.json").write_text(json.dumps(data, indent=2))
    print(f"written: {args.output / f'tests-{stamp}'}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
