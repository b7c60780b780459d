"""Time ``make test`` on a fresh clone: on every core, and the same tests in one process.

Run with ``make bench-tests`` (or ``python bench/test_suite.py --runs 3``). It measures the
test-suite target of the speed issue: ``make test`` (pytest-xdist, one worker per core)
should take at most 0.6 times as long as the same tests in one process
(``PYTEST_ARGS="-n 0"``). Each run clones the repository's committed ``HEAD`` into a
temporary folder and runs ``make test`` there with this interpreter (``PYTHON=...``), so
neither the checkout's build nor its caches are used, as in CI. The two ways alternate,
so that whatever else the machine does weighs on both; the medians and their ratio are
printed and written to ``bench/results/tests-<time>.md`` and ``.json``. It takes a while:
one pair of runs took about 10 minutes on two cores (6 in one process, 4 on both).

This is a separate command, not part of ``make bench``, because of that time. Note that
"one process" is not one core: the tests that build a site run ``make html``, which uses
every core (``-j auto``), in either way.
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
LIMIT = 0.6
WAYS = {"one process": "-n 0", "every core": ""}


def clone(source, dest):
    """A fresh clone of ``source``'s committed HEAD in ``dest``."""
    subprocess.run(["git", "clone", "--quiet", str(source), str(dest)], check=True)
    return dest


def time_make_test(project, python, pytest_args):
    """Seconds ``make test`` took in ``project``; exits, with its output, if it failed."""
    command = [
        "make",
        "-C",
        str(project),
        "test",
        f"PYTHON={python}",
        "PYTEST_ARGS=" + " ".join(filter(None, [pytest_args, "-p no:cacheprovider"])),
    ]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(
            f"make test failed in {project} ({' '.join(command[3:])}), so its time means "
            f"nothing; fix the tests first:\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
        )
    return seconds


def report(times, runs):
    """The Markdown report and the JSON data of the measured ``times`` ({way: [s]})."""
    median = {way: statistics.median(values) for way, values in times.items()}
    ratio = median["every core"] / median["one process"]
    lines = [
        f"# make test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{runs} run(s) each way, alternating, median; {os.cpu_count()} CPUs; fresh clones.",
        "",
        "| make test | median | all runs |",
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
        f"| every core / one process | {ratio:.2f} | {LIMIT} | {met} |",
    ]
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

    times = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory(prefix="qi-bench-tests-") as workdir:
        for run in range(args.runs):
            for way, pytest_args in WAYS.items():
                project = clone(args.repository, Path(workdir) / f"{run}-{way.replace(' ', '-')}")
                times[way].append(time_make_test(project, args.python, pytest_args))
                print(f"run {run + 1}/{args.runs}, {way}: {times[way][-1]:.1f} s", file=sys.stderr)

    text, data = report(times, args.runs)
    print(text)
    args.output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (args.output / f"tests-{stamp}.md").write_text(text)
    (args.output / f"tests-{stamp}.json").write_text(json.dumps(data, indent=2))
    print(f"written: {args.output / f'tests-{stamp}'}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
