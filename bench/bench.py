"""Benchmark the site build: how long maintainers and readers wait, measured side by side.

Run with ``make bench`` (or ``python bench/bench.py --runs 5``). Every scenario builds a
fresh copy of the project in a temporary folder, so the checkout is never touched. Each
repetition runs all scenarios one after the other, so that whatever else the machine is
doing weighs on all of them alike; the table reports the median of the repetitions, and
the CPU time the scenario's processes used (when it is far above the wall time, both
cores were busy; when the wall time is far above it, something else was running).

Scenarios:
  clean         the whole site from nothing (dataset already cached), as ``make html``
                does (``-j auto``); also ``clean -j 1`` and ``clean -j 2``, the same build
                on one core and on two;
  noop          ``make html`` again with nothing changed;
  edit-one      ``make html`` after one example's text changed (it must run again);
  sphinx-only   ``make html`` with the build folder removed but the examples' results
                kept: Sphinx's own share of a clean build;
  stock         the same examples built by a stock sphinx-gallery site: its default
                configuration, the same theme, generated into a temporary folder from the
                project's ``examples/``; serial (``stock``, and its no-op ``stock-noop``),
                and with sphinx-gallery's ``parallel`` option and ``-j 2``
                (``stock-parallel``, and its no-op ``stock-parallel-noop``);
  reference     a stock site holding only the walkthrough (serial), with its no-op and
                Sphinx-only builds: what "running the walkthrough once" costs in Sphinx;
  scripts       each example run as a plain script (``python examples/...py``, Agg);
  with-figures  the walkthrough and the seed example's code, each run as a script that
                then saves every figure it drew, as sphinx-gallery does
                (``profile_examples.py --save-figures``); the seed's code is taken from
                the seed text (``../shared/seeds`` beside the repository, or ``--seed``),
                never stored in the repository; without it that row is skipped, saying so;
and the walkthrough's page weight: its HTML plus the images it shows, in bytes.

The ratios against the targets are printed and written, with all timings, to
``bench/results/<time>.json`` and ``.md``. ``--examples DIR`` benchmarks another gallery
folder in place of ``examples/`` (it must hold a ``plot_vector_quantization.py``),
e.g. a small one, to check every scenario quickly.
"""

import argparse
import ast
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from profile_examples import profile  # noqa: E402
from project_copy import copy_project  # noqa: E402

WALKTHROUGH = "plot_vector_quantization.py"
EDITED = WALKTHROUGH  # the example whose text edit-one changes
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_TITLE = "Vector Quantization Example"  # how the seed text of the walkthrough starts
RUNNER = ROOT / "bench" / "profile_examples.py"

STOCK_CONF = """\
project = "Stock"
extensions = ["sphinx_gallery.gen_gallery"]
html_theme = "pydata_sphinx_theme"
sphinx_gallery_conf = {{"examples_dirs": "../examples", "gallery_dirs": "auto_examples"{extra}}}
"""
STOCK_INDEX = """\
Stock
=====

.. toctree::

   auto_examples/index
"""

# The longest a reader who runs a downloaded example should wait for it, in seconds.
SCRIPT_LIMIT = 5.0
# (name, ratio from the medians, limit, description); a ratio whose measurement is
# missing (the seed's code when no seed text is found) is reported as skipped.
TARGETS = [
    (
        "walkthrough / seed (with figures)",
        lambda m: m[f"with-figures:{WALKTHROUGH}"] / m["with-figures:seed"],
        0.75,
        "the walkthrough vs the seed's code, each as a script that saves its figures",
    ),
    # The build uses sphinx-gallery's public options: what it adds (the theme's pages,
    # figure scraper, pruning, the API page...) may cost a tenth, no more.
    (
        "clean / stock parallel -j 2",
        lambda m: m["clean"] / m["stock-parallel"],
        1.10,
        "clean build vs the stock build with sphinx-gallery's parallel option and -j 2",
    ),
    (
        "noop / stock parallel noop",
        lambda m: m["noop"] / m["stock-parallel-noop"],
        1.2,
        "no-op rebuild vs the same stock site's no-op rebuild (parallel, -j 2)",
    ),
    # In seconds, not a ratio: a reader who downloads a page waits for all of it.
    (
        "slowest example as a plain script (s)",
        lambda m: max(m[key] for key in m if key.startswith("script:")),
        SCRIPT_LIMIT,
        "each example run as `python example.py` (Agg), the slowest one, in seconds",
    ),
]
# Shown beside the targets, not targets themselves.
COMPARISONS = [
    (
        "clean / stock",
        lambda m: m["clean"] / m["stock"],
        "clean build vs a stock sphinx-gallery build of the same examples, serial",
    ),
    (
        "noop / stock noop",
        lambda m: m["noop"] / m["stock-noop"],
        "no-op rebuild vs the serial stock site's no-op rebuild, which starts no worker",
    ),
    (
        "edit-one / (example with figures + noop)",
        lambda m: m["edit-one"] / (m[f"with-figures:{EDITED}"] + m["noop"]),
        "rebuild after editing one example vs that example as a script saving its "
        "figures plus a no-op rebuild",
    ),
    (
        "clean -j 1 / stock",
        lambda m: m["clean -j 1"] / m["stock"],
        "one core each",
    ),
    (
        "clean -j 2 / stock parallel -j 2",
        lambda m: m["clean -j 2"] / m["stock-parallel"],
        "two cores each",
    ),
    (
        "clean / reference",
        lambda m: m["clean"] / m["reference"],
        "the former target: the whole site vs a site of the walkthrough alone, which "
        "grows with the content",
    ),
    (
        "noop / reference noop",
        lambda m: m["noop"] / m["reference-noop"],
        "the former no-op target, against the one-example site",
    ),
    (
        "edit-one / (example + noop)",
        lambda m: m["edit-one"] / (m[f"script:{EDITED}"] + m["noop"]),
        "the former edit-one target: the example as a script that draws no figure",
    ),
]


# -- The seed example's code ---------------------------------------------------------------


class SeedError(ValueError):
    """The seed text cannot be turned into a script; the message says why."""


_OPENER = re.compile(r"(if|elif|else|for|while|with|def|class|try|except|finally)\b")
_CLAUSE = re.compile(r"(elif|else|except|finally)\b")


def _code_part(line):
    """``line`` without a trailing comment (the seed's code has no '#' inside strings)."""
    return line.split("#", 1)[0].rstrip()


def reindent(lines):
    """Give back the indentation a web page's text copy of Python code lost.

    The seed text keeps each line of code but not its leading spaces. The seed's
    compound statements are few and simple, so these rules restore them: a line that
    opens a block (``for ...:``, ``try:``, ...) indents what follows by one level; a clause
    (``else``, ``except``, ...) goes back to the level of the statement it continues; the
    body of an ``except`` or ``finally`` clause is one statement (the seed uses
    ``try``/``except`` for an import fallback only); any other body runs to the end of
    its cell. Lines inside brackets keep the level of the line that opened them.
    """
    out, stack, depth = [], [], 0  # stack: the keyword of each open block
    for raw in lines:
        line = raw.strip()
        if not line:
            out.append("")
            continue
        if depth == 0 and _CLAUSE.match(line):
            if not stack:
                raise SeedError(f"{line!r} continues no statement")
            stack.pop()
        out.append("    " * len(stack) + line)
        opener = _OPENER.match(line) if depth == 0 else None
        code = _code_part(line)
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        if opener and code.endswith(":"):
            stack.append(opener.group(1))
        elif depth == 0 and stack and stack[-1] in ("except", "finally"):
            stack.pop()
    return "\n".join(out) + "\n"


def seed_script(text):
    """The code of a seed example's text copy, as one script, and what it printed.

    The text is a copy of a sphinx-gallery page: prose, then fenced blocks that are
    either code or the output shown under the code before them. A block is output when it
    is not Python, or when it directly follows (no prose between) a code block that shows
    something: one that calls ``print``, or ends in a bare expression, whose value
    sphinx-gallery shows. Returns the script and the lines the seed printed (not the
    values of bare expressions, which a script does not print), so that a run of the
    script can be checked against them.
    """
    parts = re.split(r"^```[^\n]*$", text, flags=re.M)
    if len(parts) < 3 or len(parts) % 2 == 0:
        raise SeedError("no fenced code blocks (``` ... ```) found")
    code, printed = [], []
    shows = None  # what the last code block shows: "printed", "value" or None
    for index in range(1, len(parts), 2):
        block = parts[index].strip("\n")
        prose_before = parts[index - 1].strip() != ""
        source = reindent(block.splitlines())
        try:
            tree = ast.parse(source)
        except SyntaxError:
            tree = None
        if tree is None or (shows and not prose_before):
            if tree is None or shows == "printed":
                printed += [line.strip() for line in block.splitlines() if line.strip()]
            shows = None
            continue
        code.append(source)
        last = tree.body[-1] if tree.body else None
        if isinstance(last, ast.Expr) and not isinstance(last.value, ast.Call):
            shows = "value"
        elif any(
            isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"
            for node in ast.walk(tree)
        ):
            shows = "printed"
        else:
            shows = None
    if not code:
        raise SeedError("no block of Python code found")
    return "\n".join(code), printed


def find_seed(path=None):
    """The seed text of the walkthrough: ``path``, or the one in ``../shared/seeds``."""
    if path is not None:
        return Path(path)
    if not SEEDS.is_dir():
        return None
    for candidate in sorted(SEEDS.glob("*.txt")):
        with open(candidate, encoding="utf-8", errors="replace") as stream:
            if SEED_TITLE in stream.readline():
                return candidate
    return None


def write_seed_script(seed_text_path, dest):
    """Write the seed's code to ``dest``; return the lines it must print."""
    script, printed = seed_script(Path(seed_text_path).read_text(encoding="utf-8"))
    dest.write_text(script, encoding="utf-8")
    return printed


# -- Sites and timings -----------------------------------------------------------------------


def make_stock(dest, examples, parallel=False):
    """A project with sphinx-gallery's default configuration over a copy of ``examples``."""
    (dest / "docs").mkdir(parents=True)
    extra = ', "parallel": True' if parallel else ""
    (dest / "docs" / "conf.py").write_text(STOCK_CONF.format(extra=extra))
    (dest / "docs" / "index.rst").write_text(STOCK_INDEX)
    shutil.copytree(examples, dest / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def make_reference(dest, gallery):
    """A stock project holding only the walkthrough of ``gallery``."""
    examples = dest / "walkthrough-only"
    examples.mkdir(parents=True)
    (examples / "GALLERY_HEADER.rst").write_text("Examples\n========\n")
    shutil.copy2(gallery / WALKTHROUGH, examples / WALKTHROUGH)
    return make_stock(dest / "project", examples)


def timed(command, cwd, env, check=True):
    """Run ``command``; return its wall time and the CPU time its processes used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if check and result.returncode != 0:
        step = " ".join(map(str, command))
        sys.exit(f"benchmark step failed: {step}\n{result.stdout}\n{result.stderr}")
    return elapsed, cpu, result


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


def copy_with_gallery(dest, gallery):
    """A copy of the project whose ``examples/`` is ``gallery``."""
    project = copy_project(dest)
    if gallery != ROOT / "examples":
        shutil.rmtree(project / "examples")
        shutil.copytree(gallery, project / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    return project


def one_repetition(workdir, python, env, seed, notes, gallery):
    measured, cpu = {}, {}

    def run(key, command, cwd, check=True):
        measured[key], cpu[key], result = timed(command, cwd, env, check)
        return result

    def make(project, builddir, jobs=None):
        command = ["make", "-C", str(project), "html", f"PYTHON={python}", f"BUILDDIR={builddir}"]
        if jobs is not None:  # otherwise the Makefile's own options: -j auto
            command.append(f"SPHINXOPTS=-W --keep-going -j {jobs}")
        return command

    project = copy_with_gallery(workdir / "project", gallery)
    build = workdir / "build"
    run("clean", make(project, build), project)
    measured["weight"] = page_weight(build / "html")
    run("noop", make(project, build), project)
    edited = next((project / "examples").rglob(EDITED))
    edited.write_text(edited.read_text() + "\n# %%\n# (An edit, made by the benchmark.)\n")
    run("edit-one", make(project, build), project)
    # The same build with the examples' results kept: what Sphinx itself costs.
    shutil.rmtree(build)
    run("sphinx-only", make(project, build), project)
    # The clean build on one core and on two, whatever this machine has (on two cores,
    # -j auto is -j 2: the clean build above is that measurement).
    for jobs in (1, 2):
        if jobs == os.cpu_count():
            measured[f"clean -j {jobs}"], cpu[f"clean -j {jobs}"] = measured["clean"], cpu["clean"]
            continue
        fresh = copy_with_gallery(workdir / f"project-j{jobs}", gallery)
        run(f"clean -j {jobs}", make(fresh, workdir / f"build-j{jobs}", jobs), fresh)

    # The stock sphinx-gallery site of the same examples: serial, then parallel.
    sphinx = [python, "-m", "sphinx", "-b", "html", "-q", "docs"]
    stock = make_stock(workdir / "stock", gallery)
    run("stock", sphinx + [str(workdir / "stock-build")], stock)
    run("stock-noop", sphinx + [str(workdir / "stock-build")], stock)
    stock_parallel = make_stock(workdir / "stock-parallel", gallery, parallel=True)
    run(
        "stock-parallel",
        sphinx + ["-j", "2", str(workdir / "stock-parallel-build")],
        stock_parallel,
    )
    run(
        "stock-parallel-noop",
        sphinx + ["-j", "2", str(workdir / "stock-parallel-build")],
        stock_parallel,
    )

    reference = make_reference(workdir / "reference", gallery)
    run("reference", sphinx + [str(workdir / "reference-build")], reference)
    run("reference-noop", sphinx + [str(workdir / "reference-build")], reference)
    shutil.rmtree(workdir / "reference-build")
    run("reference-sphinx-only", sphinx + [str(workdir / "reference-build")], reference)

    for script in sorted(gallery.rglob("*.py")):
        name = script.relative_to(gallery).as_posix()
        run(f"script:{name}", [python, str(script)], workdir)

    # Scripts that save their figures: the walkthrough, and the seed's code it retells.
    figures = workdir / "figures"
    saving = [python, str(RUNNER), "--save-figures"]
    run(
        f"with-figures:{WALKTHROUGH}",
        saving + [str(figures / "walkthrough"), str(gallery / WALKTHROUGH)],
        workdir,
    )
    if seed is not None:
        seed_code, printed = seed
        result = run(
            "with-figures:seed", saving + [str(figures / "seed"), str(seed_code)], workdir, False
        )
        missing = [line for line in printed if line not in result.stdout]
        if result.returncode != 0 or missing:
            del measured["with-figures:seed"], cpu["with-figures:seed"]
            notes.add(
                f"the seed's code, extracted from the seed text, did not run as the seed "
                f"did (lines it printed that are missing: {missing}; its error output: "
                f"{result.stderr.strip()[-500:]}): the walkthrough/seed row is skipped"
            )
    # What the edited example's figures cost to draw and encode (bench/profile_examples.py).
    parts = profile(gallery / EDITED, python)
    measured[f"figures:{EDITED}"] = parts["drawing"] + parts["encoding"]
    return measured, cpu


def prepare_seed(path, workdir, notes):
    """Extract the seed's code into ``workdir``; ``None`` (with a note) when impossible."""
    seed_text = find_seed(path)
    if seed_text is None:
        notes.add(
            f"no seed text found in {SEEDS} (pass --seed PATH): the walkthrough/seed row is skipped"
        )
        return None
    if not seed_text.is_file():
        sys.exit(f"--seed {seed_text}: no such file")
    dest = workdir / "seed_code.py"
    try:
        printed = write_seed_script(seed_text, dest)
    except SeedError as error:
        notes.add(f"the seed text {seed_text} could not be read as code ({error}): skipped")
        return None
    return dest, printed


def ratio_rows(median, rows):
    for name, ratio_of, *rest in rows:
        try:
            yield name, ratio_of(median), rest
        except KeyError as missing:
            yield name, None, rest + [f"not measured: {missing}"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions (median reported)")
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter with the requirements"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--seed",
        type=Path,
        help=f"the seed example's text (default: the one in {SEEDS} whose first line "
        f"names the {SEED_TITLE!r})",
    )
    parser.add_argument(
        "--examples",
        type=Path,
        default=ROOT / "examples",
        help="the gallery to build (default: the project's examples/; a small one checks "
        "every scenario quickly)",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.examples = args.examples.resolve()
    if not (args.examples / WALKTHROUGH).is_file():
        parser.error(
            f"--examples {args.examples}: it has no {WALKTHROUGH}, the example "
            "the benchmark edits and compares with the seed"
        )

    # The stock sites do not provision the dataset as conf.py does: do it once here.
    from sphinxext.helpers.dataset import DatasetError, provision

    try:
        provision()
    except DatasetError as error:
        sys.exit(str(error))

    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("SPHINXOPTS", None)
    runs, cpus, notes = [], [], set()
    with tempfile.TemporaryDirectory(prefix="qi-bench-seed-") as seed_dir:
        seed = prepare_seed(args.seed, Path(seed_dir), notes)
        for repetition in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="qi-bench-") as workdir:
                measured, cpu = one_repetition(
                    Path(workdir), args.python, env, seed, notes, args.examples
                )
            runs.append(measured)
            cpus.append(cpu)
            print(f"repetition {repetition + 1}/{args.runs} done", file=sys.stderr)

    keys = [key for key in runs[0] if all(key in run for run in runs)]
    median = {key: statistics.median(run[key] for run in runs) for key in keys}
    median_cpu = {
        key: statistics.median(cpu[key] for cpu in cpus) for key in keys if key in cpus[0]
    }
    lines = [
        f"# Build benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{args.runs} repetition(s), median; {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}; load average before: "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}.",
        "",
        "| measurement | median | CPU | all runs |",
        "| --- | ---: | ---: | --- |",
    ]
    for key, value in median.items():
        if key == "weight":
            continue
        all_runs = ", ".join(f"{run[key]:.2f}" for run in runs)
        used = f"{median_cpu[key]:.2f} s" if key in median_cpu else ""
        lines.append(f"| {key} | {value:.2f} s | {used} | {all_runs} |")
    lines.append(f"| walkthrough page weight | {median['weight'] / 1e6:.2f} MB | | HTML + images |")

    lines += ["", "| target | value | limit | met |", "| --- | ---: | ---: | --- |"]
    ratios = {}
    for name, ratio, (limit, _, *why) in ratio_rows(median, TARGETS):
        if ratio is None:
            ratios[name] = {"ratio": None, "limit": limit, "met": None, "skipped": why[0]}
            lines.append(f"| {name} | skipped | {limit} | ({why[0]}) |")
            continue
        ratios[name] = {"ratio": ratio, "limit": limit, "met": ratio <= limit}
        lines.append(f"| {name} | {ratio:.2f} | {limit} | {'yes' if ratio <= limit else 'NO'} |")

    scripts = {k.removeprefix("script:"): v for k, v in median.items() if k.startswith("script:")}
    slow = [
        f"{name} {seconds:.1f} s"
        for name, seconds in sorted(scripts.items(), key=lambda x: -x[1])
        if seconds > SCRIPT_LIMIT
    ]
    if slow:
        lines += ["", f"Examples over {SCRIPT_LIMIT:g} s as plain scripts: {', '.join(slow)}."]

    lines += ["", "For comparison (not targets):", ""]
    comparisons = {}
    for name, ratio, (description, *_) in ratio_rows(median, COMPARISONS):
        comparisons[name] = ratio
        shown = "not measured" if ratio is None else f"{ratio:.2f}"
        lines.append(f"- {name} = {shown} ({description})")
    drawn = median[f"script:{EDITED}"] + median[f"figures:{EDITED}"] + median["noop"]
    comparisons["edit-one / (example with its figures drawn + noop)"] = median["edit-one"] / drawn
    lines.append(
        f"- edit-one / (example with its figures drawn + noop) = "
        f"{median['edit-one'] / drawn:.2f} (drawing and encoding timed apart by "
        "profile_examples.py)"
    )
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in sorted(notes)]
    report = "\n".join(lines) + "\n"
    print(report)

    args.output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (args.output / f"{stamp}.md").write_text(report)
    (args.output / f"{stamp}.json").write_text(
        json.dumps(
            {
                "runs": runs,
                "cpu": cpus,
                "median": median,
                "median_cpu": median_cpu,
                "ratios": ratios,
                "comparisons": comparisons,
                "notes": sorted(notes),
            },
            indent=2,
        )
    )
    print(f"written: {args.output / stamp}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
