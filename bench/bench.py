"""Benchmark the site build: how long maintainers wait, measured side by side.

Run with ``make bench`` (or ``python bench/bench.py --runs 5``). Every scenario builds a
fresh copy of the project in a temporary folder, so the checkout is never touched. Each
repetition runs all scenarios one after the other, so that whatever else the machine is
doing weighs on all of them alike; the table reports the median of the repetitions.

Scenarios:
  clean       the whole site from nothing (dataset already cached), as ``make html`` does;
  reference   a site holding only the walkthrough, sphinx-gallery's default configuration,
              the same theme, serial: what "running the walkthrough once" costs in Sphinx;
  noop        ``make html`` again with nothing changed (and the reference's own no-op);
  edit-one    ``make html`` after one example's text changed (it must run again);
  sphinx-only ``make html`` with the build folder removed but the examples' results kept:
              Sphinx's own share of a clean build (and the same for the reference);
  scripts     each example run as a plain script (``python examples/...py``, Agg), and the
              time the edited example's figures take to draw and encode, which a plain
              script under Agg skips (``bench/profile_examples.py``);
and the walkthrough's page weight: its HTML plus the images it shows, in bytes.

The ratios against the targets are printed and written, with all timings, to
``bench/results/<time>.json`` and ``.md``.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "sphinxext"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from profile_examples import profile  # noqa: E402
from project_copy import copy_project  # noqa: E402

WALKTHROUGH = "plot_vector_quantization.py"
EDITED = WALKTHROUGH  # the example whose text edit-one changes
REFERENCE_CONF = """\
project = "Reference"
extensions = ["sphinx_gallery.gen_gallery"]
html_theme = "pydata_sphinx_theme"
sphinx_gallery_conf = {"examples_dirs": "../examples", "gallery_dirs": "auto_examples"}
"""
REFERENCE_INDEX = """\
Reference
=========

.. toctree::

   auto_examples/index
"""

TARGETS = [
    # (name, measured, limit, description)
    (
        "clean / reference",
        lambda m: m["clean"] / m["reference"],
        1.5,
        "clean build of the whole site vs the one-example reference build",
    ),
    (
        "edit-one / (example + noop)",
        lambda m: m["edit-one"] / (m[f"script:{EDITED}"] + m["noop"]),
        1.2,
        "rebuild after editing one example vs that example's run time plus a no-op rebuild",
    ),
    (
        "noop / reference noop",
        lambda m: m["noop"] / m["reference-noop"],
        1.1,
        "no-op rebuild vs the reference site's no-op rebuild",
    ),
]


def make_reference(dest):
    """A project with only the walkthrough and sphinx-gallery's default configuration."""
    (dest / "docs").mkdir(parents=True)
    (dest / "examples").mkdir()
    (dest / "docs" / "conf.py").write_text(REFERENCE_CONF)
    (dest / "docs" / "index.rst").write_text(REFERENCE_INDEX)
    (dest / "examples" / "GALLERY_HEADER.rst").write_text("Examples\n========\n")
    shutil.copy2(ROOT / "examples" / WALKTHROUGH, dest / "examples" / WALKTHROUGH)
    return dest


def timed(command, cwd, env):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        step = " ".join(map(str, command))
        sys.exit(f"benchmark step failed: {step}\n{result.stdout}\n{result.stderr}")
    return elapsed


def page_weight(html_root):
    """Bytes of the walkthrough's HTML plus every image it shows."""
    from html.parser import HTMLParser

    page = html_root / "auto_examples" / Path(WALKTHROUGH).with_suffix(".html")

    sources = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                sources.append(dict(attrs).get("src"))

    Images().feed(page.read_text(encoding="utf-8"))
    images = {(page.parent / src).resolve() for src in sources if src}
    return page.stat().st_size + sum(p.stat().st_size for p in images)


def one_repetition(workdir, python, env):
    measured = {}
    project = copy_project(workdir / "project")
    make = ["make", "-C", str(project), "html", f"PYTHON={python}", f"BUILDDIR={workdir / 'build'}"]
    measured["clean"] = timed(make, project, env)
    measured["weight"] = page_weight(workdir / "build" / "html")
    measured["noop"] = timed(make, project, env)
    edited = next((project / "examples").rglob(EDITED))
    edited.write_text(edited.read_text() + "\n# %%\n# (An edit, made by the benchmark.)\n")
    measured["edit-one"] = timed(make, project, env)
    # The same build with the examples' results kept: what Sphinx itself costs.
    shutil.rmtree(workdir / "build")
    measured["sphinx-only"] = timed(make, project, env)

    reference = make_reference(workdir / "reference")
    sphinx = [python, "-m", "sphinx", "-b", "html", "-q", "docs", str(workdir / "reference-build")]
    measured["reference"] = timed(sphinx, reference, env)
    measured["reference-noop"] = timed(sphinx, reference, env)
    shutil.rmtree(workdir / "reference-build")
    measured["reference-sphinx-only"] = timed(sphinx, reference, env)

    for script in sorted((ROOT / "examples").rglob("*.py")):
        name = script.relative_to(ROOT / "examples").as_posix()
        measured[f"script:{name}"] = timed([python, str(script)], workdir, env)
    # A plain script under Agg never draws its figures (plt.show() does nothing); a
    # reader's run in Jupyter or in a window does, and so does the build.
    parts = profile(ROOT / "examples" / EDITED, python)
    measured[f"figures:{EDITED}"] = parts["drawing"] + parts["encoding"]
    return measured


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions (median reported)")
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter with the requirements"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("SPHINXOPTS", None)
    runs = []
    for repetition in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="qi-bench-") as workdir:
            runs.append(one_repetition(Path(workdir), args.python, env))
        print(f"repetition {repetition + 1}/{args.runs} done", file=sys.stderr)

    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    lines = [
        f"# Build benchmark, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"{args.runs} repetition(s), median; {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}.",
        "",
        "| measurement | median | all runs |",
        "| --- | ---: | --- |",
    ]
    for key, value in median.items():
        if key == "weight":
            continue
        all_runs = ", ".join(f"{run[key]:.2f}" for run in runs)
        lines.append(f"| {key} | {value:.2f} s | {all_runs} |")
    lines.append(f"| walkthrough page weight | {median['weight'] / 1e6:.2f} MB | HTML + images |")
    lines += ["", "| target | ratio | limit | met |", "| --- | ---: | ---: | --- |"]
    ratios = {}
    for name, ratio_of, limit, _ in TARGETS:
        ratio = ratio_of(median)
        ratios[name] = {"ratio": ratio, "limit": limit, "met": ratio <= limit}
        lines.append(f"| {name} | {ratio:.2f} | {limit} | {'yes' if ratio <= limit else 'NO'} |")
    drawn = median[f"script:{EDITED}"] + median[f"figures:{EDITED}"] + median["noop"]
    lines += [
        "",
        f"For comparison (not a target): edit-one / (example with its figures drawn + noop) "
        f"= {median['edit-one'] / drawn:.2f}.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)

    args.output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    (args.output / f"{stamp}.md").write_text(report)
    (args.output / f"{stamp}.json").write_text(
        json.dumps({"runs": runs, "median": median, "ratios": ratios}, indent=2)
    )
    print(f"written: {args.output / stamp}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
