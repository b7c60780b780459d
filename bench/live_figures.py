"""How fast the live figures answer the reader, and what they weigh.

Run by ``make bench``, or ``python bench/live_figures.py [--site DIR] [--presses N]``.
Each page with a live figure is opened in Chromium at 1280x900; its control is moved
with the keyboard ``--presses`` times (up and down its range, never past an end), and
the script's own measure of each update (``performance.measure("live-figure-update")``:
computing the quantizer, the image, its close-up, the histogram and the numbers) is read
back. Reported: the median and the 90th percentile per figure, against one frame at
60 Hz (16.7 ms) for the grey figures (issue 19's target; the colour figure runs k-means
and may take longer), and the gzip size of the live figures' script and style against
their 30 kB budget, with the images they load. Exits 1 when a target is missed.
Without ``--site`` the site must already be built in ``_build/html``.
"""

import argparse
import gzip
import json
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from pages import CHROMIUM, CHROMIUM_FLAGS, serve  # noqa: E402

FRAME_MS = 1000 / 60
ASSET_BUDGET = 30_000
# The figures held to one frame: computed from the 1024 x 768 grey image.
ONE_FRAME = {"levels", "dither", "jpeg"}  # the grey ones; colour may take longer


def live_pages(html):
    return sorted(
        p.relative_to(html).as_posix()
        for p in html.rglob("*.html")
        if 'class="live-figure"' in p.read_text(encoding="utf-8", errors="replace")
    )


def measure(html, presses):
    from playwright.sync_api import sync_playwright

    results = []
    with serve(html) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for path in live_pages(html):
            page.goto(server.url + path)
            figure = page.locator("figure.live-figure").first
            figure.evaluate("f => f.scrollIntoView()")
            page.wait_for_function(
                "() => Number(document.querySelector('figure.live-figure').dataset.updates) >= 1",
                timeout=30000,
            )
            page.evaluate("performance.clearMeasures('live-figure-update')")
            slider = figure.locator('input[type="range"]')
            slider.focus()
            low, high = int(slider.get_attribute("min")), int(slider.get_attribute("max"))
            key = "ArrowRight"
            for done in range(presses):
                current = int(slider.input_value())
                if current >= high:
                    key = "ArrowLeft"
                elif current <= low:
                    key = "ArrowRight"
                page.keyboard.press(key)
                page.wait_for_function(
                    "n => performance.getEntriesByName('live-figure-update').length >= n",
                    arg=done + 1,
                    timeout=30000,
                )
            durations = page.evaluate(
                "performance.getEntriesByName('live-figure-update').map(e => e.duration)"
            )
            kind = figure.get_attribute("data-kind")
            median = statistics.median(durations)
            p90 = statistics.quantiles(durations, n=10)[-1] if len(durations) > 1 else median
            results.append({"page": path, "kind": kind, "median_ms": median, "p90_ms": p90})
        browser.close()
    return results


def asset_sizes(html):
    static = html / "_static"
    assets = {
        name: len(gzip.compress((static / name).read_bytes(), 9))
        for name in ("live-figures.js", "live-figures.css")
    }
    images = {p.name: p.stat().st_size for p in sorted((static / "live").glob("*"))}
    return assets, images


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    if not (args.site / "_static" / "live-figures.js").is_file():
        sys.exit(f"no live figures in {args.site}: run 'make html' first (or pass --site)")
    results = measure(args.site, args.presses)
    assets, images = asset_sizes(args.site)
    lines = [
        "| page | figure | median update | 90th percentile | target |",
        "|---|---|---|---|---|",
    ]
    failed = False
    for row in results:
        target = FRAME_MS if row["kind"] in ONE_FRAME else None
        ok = target is None or row["median_ms"] <= target
        failed |= not ok
        target_text = f"{target:.1f} ms {'met' if ok else 'MISSED'}" if target else "(none)"
        lines.append(
            f"| {row['page']} | {row['kind']} | {row['median_ms']:.1f} ms "
            f"| {row['p90_ms']:.1f} ms | {target_text} |"
        )
    total = sum(assets.values())
    failed |= total > ASSET_BUDGET
    lines.append("")
    lines.append(
        f"Script and style, gzip: {total} bytes of {ASSET_BUDGET} "
        f"({', '.join(f'{k} {v}' for k, v in assets.items())}); "
        f"{'within budget' if total <= ASSET_BUDGET else 'OVER BUDGET'}"
    )
    lines.append("Images: " + ", ".join(f"{k} {v} bytes" for k, v in images.items()))
    report = "\n".join(lines)
    print(report)
    args.output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (args.output / f"live-{stamp}.md").write_text(report + "\n")
    (args.output / f"live-{stamp}.json").write_text(
        json.dumps({"figures": results, "assets": assets, "images": images}, indent=2)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
