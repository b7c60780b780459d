"""Where each example's time goes: imports, computation, drawing figures, PNG encoding.

Run with ``make profile`` (or ``python bench/profile_examples.py [example ...]``). Each
example runs in a fresh interpreter, as in a build worker: first the modules it imports,
then its code (Agg backend, output discarded), then each figure it left open is drawn and
encoded to PNG with the build's own settings (``sphinxext/png_scraper.py``), timed apart. The
table says which part to attack first; the sum is close to the example's time in the
build, where the imports are paid once per worker process rather than once per example.
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
sys.path.insert(0, str(ROOT / "sphinxext"))


def profile_one(path):
    """Run one example in this process; return its timings (seconds) and PNG bytes."""
    import importlib
    import runpy

    from peak_memory import _imported_modules
    from png_scraper import PNG_OPTIONS

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
    png_bytes = 0
    figures = plt.get_fignums()
    for number in figures:
        figure = plt.figure(number)
        t0 = time.perf_counter()
        figure.canvas.draw()
        t1 = time.perf_counter()
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(figure.canvas.buffer_rgba())).save(
            buffer, format="png", **PNG_OPTIONS["pil_kwargs"]
        )
        encoding += time.perf_counter() - t1
        drawing += t1 - t0
        png_bytes += buffer.tell()
    return {
        "imports": imported - start,
        "computation": computed - imported,
        "drawing": drawing,
        "encoding": encoding,
        "figures": len(figures),
        "png_bytes": png_bytes,
    }


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
    args = parser.parse_args()
    if args.one:
        print(json.dumps(profile_one(args.one)))
        return

    examples = [p.resolve() for p in args.examples] or sorted((ROOT / "examples").rglob("*.py"))
    columns = ["start-up", "imports", "computation", "drawing", "encoding", "total"]
    lines = [
        "| example | " + " | ".join(columns) + " | figures | PNG |",
        "| --- | " + " | ".join("---:" for _ in columns) + " | ---: | ---: |",
    ]
    sums = dict.fromkeys(columns, 0.0)
    for example in examples:
        timings = profile(example, args.python)
        for key in columns:
            sums[key] += timings[key]
        cells = " | ".join(f"{timings[key]:.2f} s" for key in columns)
        name = example.relative_to(ROOT / "examples").as_posix()
        kb = timings["png_bytes"] / 1e3
        lines.append(f"| {name} | {cells} | {timings['figures']} | {kb:.0f} kB |")
    if len(examples) > 1:
        lines.append("| all | " + " | ".join(f"{sums[key]:.2f} s" for key in columns) + " | | |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
