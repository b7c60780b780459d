"""Where each example's time goes: imports, computation, drawing figures, encoding them.

Run with ``make profile`` (or ``python bench/profile_examples.py [example ...]``). Each
example runs in a fresh interpreter, as in a build worker: first the modules it imports,
then its code (Agg backend, output discarded), then each figure it left open is drawn and
encoded with the build's own format and settings (its figure scraper in ``sphinxext/helpers/``),
timed apart. The table says which part to attack first; the sum is close to the example's
time in the build, where the imports are paid once per worker process rather than once
per example.

``python bench/profile_examples.py --save-figures DIR script.py`` is the benchmark's
"script that saves its figures": it runs ``script.py`` as a plain script under Agg, then
saves every figure left open to ``DIR`` with ``Figure.savefig`` at the figure's own dpi, as
sphinx-gallery's matplotlib scraper does by default. ``bench/bench.py`` times it for the
walkthrough and for the seed example's code alike.
"""

import argparse
import contextlib
import io
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def figure_options():
    """The format and Pillow options the build's figure scraper saves figures with."""
    try:
        from sphinxext.helpers.figure_scraper import FIGURE_OPTIONS
    except ImportError:  # the scraper's module before it moved to WebP
        from png_scraper import PNG_OPTIONS

        return {"format": "png", **PNG_OPTIONS}
    return FIGURE_OPTIONS


def profile_one(path):
    """Run one example in this process; return its timings (seconds) and encoded bytes."""
    import importlib
    import runpy

    from sphinxext.helpers.peak_memory import _imported_modules

    start = time.perf_counter()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    for module in _imported_modules(Path(path).read_text(encoding="utf-8")):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    imported = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        runpy.run_path(str(path), run_name="__main__")
    computed = time.perf_counter()

    drawing = encoding = 0.0
    encoded_bytes = 0
    options = figure_options()
    figures = plt.get_fignums()
    for number in figures:
        figure = plt.figure(number)
        t0 = time.perf_counter()
        figure.canvas.draw()
        t1 = time.perf_counter()
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(figure.canvas.buffer_rgba())).save(
            buffer, format=options["format"], **options.get("pil_kwargs", {})
        )
        encoding += time.perf_counter() - t1
        drawing += t1 - t0
        encoded_bytes += buffer.tell()
    return {
        "imports": imported - start,
        "computation": computed - imported,
        "drawing": drawing,
        "encoding": encoding,
        "figures": len(figures),
        "encoded_bytes": encoded_bytes,
    }


def run_saving_figures(script, folder):
    """Run ``script`` as ``__main__`` under Agg, then save each open figure as a PNG.

    Returns the paths written. The figures are saved the way sphinx-gallery's matplotlib
    scraper saves them with its default settings: ``savefig`` to a ``.png`` path, at
    :rc:`savefig.dpi` (the figure's own dpi unless a style changes it).
    """
    import runpy

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    script = Path(script)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    runpy.run_path(str(script), run_name="__main__")
    written = []
    for number in plt.get_fignums():
        path = folder / f"{script.stem}_{number:02d}.png"
        plt.figure(number).savefig(path)
        written.append(path)
    plt.close("all")
    return written


def profile(example, python):
    """Profile ``example`` in a fresh interpreter; add its start-up time."""
    start = time.perf_counter()
    result = subprocess.run(
        [python, __file__, "--one", str(example)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{example} failed:\n{result.stderr}")
    timings = json.loads(result.stdout.splitlines()[-1])
    parts = ("imports", "computation", "drawing", "encoding")
    timings["start-up"] = wall - sum(timings[key] for key in parts)
    timings["total"] = wall
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("examples", nargs="*", type=Path, help="default: every example")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--save-figures",
        type=Path,
        metavar="DIR",
        help="run one example as a script and save its figures to DIR (no profile)",
    )
    args = parser.parse_args()
    if args.save_figures:
        if len(args.examples) != 1:
            parser.error("--save-figures runs exactly one script")
        written = run_saving_figures(args.examples[0], args.save_figures)
        print(f"{len(written)} figure(s) saved to {args.save_figures}", file=sys.stderr)
        return
    if args.one:
        print(json.dumps(profile_one(args.one)))
        return

    examples = [p.resolve() for p in args.examples] or sorted((ROOT / "examples").rglob("*.py"))
    columns = ["start-up", "imports", "computation", "drawing", "encoding", "total"]
    lines = [
        "| example | " + " | ".join(columns) + " | figures | encoded |",
        "| --- | " + " | ".join("---:" for _ in columns) + " | ---: | ---: |",
    ]
    sums = dict.fromkeys(columns, 0.0)
    for example in examples:
        timings = profile(example, args.python)
        for key in columns:
            sums[key] += timings[key]
        cells = " | ".join(f"{timings[key]:.2f} s" for key in columns)
        name = example.relative_to(ROOT / "examples").as_posix()
        kb = timings["encoded_bytes"] / 1e3
        lines.append(f"| {name} | {cells} | {timings['figures']} | {kb:.0f} kB |")
    if len(examples) > 1:
        lines.append("| all | " + " | ".join(f"{sums[key]:.2f} s" for key in columns) + " | | |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
