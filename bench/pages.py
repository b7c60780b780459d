"""What a reader downloads: each page's transferred bytes against its budget, and Lighthouse.

Run with ``make bench`` (weights and budgets) or ``make lighthouse`` (Lighthouse's mobile
scores as well), or ``python bench/pages.py [--site DIR] [--lighthouse] [--formats]``.
Without ``--site`` the site is built first, with ``make html``, in a temporary copy of the
project. ``--formats`` compares lossless encodings (PNG, WebP settings) of the site's own
figures: size and encoding time, for the choice in ``sphinxext/helpers/figure_scraper.py``.

The site is served by a small local HTTP server that gzips text responses (HTML, CSS,
JavaScript, SVG, JSON) when the browser accepts it, as a static host does, and leaves
images and fonts as they are. Each page is opened in a fresh Chromium tab at 1280x900 on a
1x screen, and what the server sent until the network went quiet is noted ("on open":
figures load lazily, so most of a page's figures are not in it). The page is then
scrolled to the bottom, one screen at a time, and everything the server sent for the
visit is the page's weight ("read to the end"): a reader who reads the page through
downloads every figure on it, so that is the weight the budget applies to.

Budgets (decimal units), on the read-to-the-end weight: every page at most 1.5 MB, the
walkthrough at most 700 kB, without the image a live figure computes from (a lossless
raccoon, 425 kB in grey, that the three grey live figures share from the browser's cache):
it is reported in a column of its own, so that the budgets still measure the pages. The
command exits with status 1 when a page is over its budget, or when an image of a page has
still not loaded once it is scrolled to the end (its weight would be understated).
Lighthouse (``bench/node_modules``, from ``npm ci --prefix bench``) runs Debian's Chromium
(``CHROME_PATH``) with its default mobile preset; its scores are a measurement, printed
and written with the weights to ``bench/results/pages-<time>.md`` and ``.json``
(Lighthouse's own reports in ``bench/results/lighthouse/``), never a pass or fail.
"""

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
WALKTHROUGH = "auto_examples/plot_vector_quantization.html"
BUDGET = 1_500_000
BUDGETS = {WALKTHROUGH: 700_000}
TARGET_SCORES = {"performance": 0.90, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}

# What a static host compresses: text. Images and fonts are compressed formats already.
GZIP_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "application/xml",
)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder, gzipping text responses when the request accepts gzip.

    Every response's body size (as sent) is appended to ``self.server.sent`` as
    ``(path, bytes)``, so a caller can add up what one page visit transferred.
    """

    def log_message(self, *args):
        pass

    def end_headers(self):
        # Revalidate on each visit (the weight counts a first visit, in a fresh tab).
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        ctype = self.guess_type(path)
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if os.path.isdir(path) or not os.path.isfile(path) or not ctype.startswith(GZIP_TYPES):
            return self._plain_head()
        if not accepts_gzip:
            return self._plain_head()
        body = gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.server.sent.append((self.path, len(body)))
        return io.BytesIO(body)

    def _plain_head(self):
        handle = super().send_head()
        if handle is not None and hasattr(handle, "fileno"):
            self.server.sent.append((self.path, os.fstat(handle.fileno()).st_size))
        return handle


class QuietServer(http.server.ThreadingHTTPServer):
    """A server that lets a browser drop a response it no longer wants.

    A browser leaving a page cancels the images still coming; the server's default is to
    print the traceback of the broken connection. Any other error is still printed.
    """

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(directory):
    """Serve ``directory`` with gzip on 127.0.0.1; yield the server (``.url``, ``.sent``)."""
    handler = functools.partial(GzipHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", 0), handler)
    server.sent = []
    server.url = f"http://127.0.0.1:{server.server_port}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def site_pages(html_dir):
    """Every page of the built site, as paths relative to ``html_dir`` (posix)."""
    html_dir = Path(html_dir)
    return sorted(
        p.relative_to(html_dir).as_posix()
        for p in html_dir.rglob("*.html")
        if not p.relative_to(html_dir).parts[0].startswith("_")  # theme partials in _static
    )


def scroll_to_bottom(page):
    """Scroll down one screen at a time, as a reader does, so lazy images load.

    After each step, two animation frames: the browser has then run a rendering update,
    in which it decides which lazy images are near enough to load. (A fixed 50 ms per
    step did the same, slower.) Then wait until no request is left.
    """
    page.evaluate(
        """async () => {
            const frame = () => new Promise(done => requestAnimationFrame(done));
            const step = Math.max(200, innerHeight - 100);
            for (let y = 0; y < document.scrollingElement.scrollHeight; y += step) {
                scrollTo(0, y);
                await frame();
                await frame();
            }
            scrollTo(0, document.scrollingElement.scrollHeight);
        }"""
    )
    page.wait_for_load_state("networkidle")


def measure_weights(html_dir, pages):
    """Bytes transferred by a first visit of each page at 1x: on open, and read to its end.

    ``read_to_the_end`` (everything the visit transferred, the page scrolled to its
    bottom) is the weight the budget applies to; ``on_open`` is what the page loads before
    any scrolling. ``images`` and ``requests`` count the whole visit too.
    """
    from playwright.sync_api import sync_playwright

    weights = {}
    with serve(html_dir) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for path in pages:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, device_scale_factor=1
            )
            foreign = []

            def note(request, foreign=foreign):
                if not request.url.startswith((server.url, "data:", "blob:")):
                    foreign.append(request.url)

            context.on("request", note)
            page = context.new_page()
            server.sent.clear()
            page.goto(server.url + path, wait_until="networkidle")
            loaded = list(server.sent)
            scroll_to_bottom(page)
            # A figure the scroll did not load would be missing from the weight.
            not_loaded = page.evaluate(
                "() => [...document.images]"
                ".filter(img => !(img.complete && img.naturalWidth > 0))"
                ".map(img => img.currentSrc || img.src)"
            )
            context.close()
            visit = list(server.sent)
            weights[path] = {
                "read_to_the_end": sum(size for _, size in visit),
                "on_open": sum(size for _, size in loaded),
                "requests": len(visit),
                "images": sum(size for p, size in visit if "/_images/" in p),
                "live_image": sum(size for p, size in visit if "/_static/live/" in p),
                "foreign": foreign,
                "not_loaded": not_loaded,
                "budget": BUDGETS.get(path, BUDGET),
            }
        browser.close()
    return weights


def over_budget(weight):
    """Bytes a page is over its budget (negative: under), its live figure's image apart."""
    return weight["read_to_the_end"] - weight["live_image"] - weight["budget"]


def run_lighthouse(url, out_json):
    """Lighthouse's mobile run of one URL; returns its JSON report."""
    if not LIGHTHOUSE.exists():
        sys.exit(
            f"Lighthouse is not installed in {LIGHTHOUSE.parent.parent}: run "
            "'npm ci --prefix bench' (or 'make lighthouse', which does)."
        )
    flags = " ".join(["--headless", *CHROMIUM_FLAGS])
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out_json}",
        f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
        f"--chrome-flags={flags}",
        "--quiet",
    ]
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not Path(out_json).exists():
        sys.exit(f"Lighthouse failed on {url}:\n{result.stdout}\n{result.stderr}")
    return json.loads(Path(out_json).read_text())


def summarize_lighthouse(report):
    """Scores, the main metrics, and the audits that cost points outside performance."""
    categories = report["categories"]
    audits = report["audits"]
    failed = []
    for name in ("accessibility", "best-practices", "seo"):
        for ref in categories[name]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                failed.append(f"{name}: {ref['id']}")
    metrics = {
        key: audits[key]["numericValue"]
        for key in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
            "speed-index",
        )
    }
    return {
        "scores": {name: categories[name]["score"] for name in LIGHTHOUSE_CATEGORIES},
        "metrics": metrics,
        "failed": failed,
    }


def measure_lighthouse(html_dir, pages, runs, workdir):
    results = {}
    with serve(html_dir) as server:
        for path in pages:
            summaries = []
            for run in range(runs):
                out = Path(workdir) / f"{path.replace('/', '__')}.{run}.json"
                summaries.append(summarize_lighthouse(run_lighthouse(server.url + path, out)))
                print(
                    f"lighthouse {path} run {run + 1}: {summaries[-1]['scores']}", file=sys.stderr
                )
            # The median run by performance score: its scores and metrics go together.
            summaries.sort(key=lambda s: s["scores"]["performance"])
            results[path] = summaries[len(summaries) // 2]
            results[path]["performance_runs"] = [s["scores"]["performance"] for s in summaries]
    return results


# Lossless encodings compared by --formats: (label, Pillow format, Pillow options).
FORMATS = [
    ("PNG, zlib level 3 (the previous setting)", "png", {"compress_level": 3}),
    ("PNG, Pillow's default (level 6)", "png", {}),
    (
        "WebP lossless, method 0, quality 50 (the build's)",
        "webp",
        {"lossless": True, "method": 0, "quality": 50},
    ),
    (
        "WebP lossless, method 0, quality 100",
        "webp",
        {"lossless": True, "method": 0, "quality": 100},
    ),
    ("WebP lossless, method 2, quality 50", "webp", {"lossless": True, "method": 2, "quality": 50}),
    ("WebP lossless, Pillow's default effort", "webp", {"lossless": True}),
]


def measure_formats(html_dir, repeats=3):
    """Size and encoding time of each lossless format on the site's own figures.

    The served figures are lossless, so decoding them gives back exactly the RGBA pixels
    Matplotlib drew; each is encoded again with every setting of FORMATS (median time of
    ``repeats``), the 1x files and the high-density (2x) ones apart.
    """
    import time

    from PIL import Image

    files = sorted(
        p for p in Path(html_dir, "_images").glob("sphx_glr_*") if "_thumb" not in p.name
    )
    if not files:
        sys.exit(f"no figures in {html_dir}/_images: build the site first")
    groups = {"1x": [], "2x": []}
    for path in files:
        with Image.open(path) as image:
            groups["2x" if "_2_00x." in path.name else "1x"].append(image.convert("RGBA"))
    results = []
    for label, fmt, options in FORMATS:
        row = {"format": label}
        for group, images in groups.items():
            times, size = [], 0
            for _ in range(repeats):
                start = time.perf_counter()
                size = 0
                for image in images:
                    buffer = io.BytesIO()
                    image.save(buffer, format=fmt, **options)
                    size += buffer.tell()
                times.append(time.perf_counter() - start)
            row[group] = {"bytes": size, "seconds": sorted(times)[len(times) // 2]}
        results.append(row)
        print(f"formats: {label} done", file=sys.stderr)
    return {"figures": {g: len(images) for g, images in groups.items()}, "rows": results}


def formats_report(formats):
    counts = formats["figures"]
    first = formats["rows"][0]
    lines = [
        "",
        f"Lossless encodings of the site's {counts['1x']} figures ({counts['2x']} at 2x), "
        "median encoding time on one core:",
        "",
        "| encoding | 1x bytes | 1x time | 2x bytes | 2x time | size vs first | time vs first |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in formats["rows"]:
        one, two = row["1x"], row["2x"]
        total = one["bytes"] + two["bytes"]
        seconds = one["seconds"] + two["seconds"]
        first_total = first["1x"]["bytes"] + first["2x"]["bytes"]
        first_seconds = first["1x"]["seconds"] + first["2x"]["seconds"]
        lines.append(
            f"| {row['format']} | {one['bytes'] / 1e6:.2f} MB | {one['seconds']:.2f} s "
            f"| {two['bytes'] / 1e6:.2f} MB | {two['seconds']:.2f} s "
            f"| {total / first_total:.2f} | {seconds / first_seconds:.2f} |"
        )
    return "\n".join(lines) + "\n"


def build_site(workdir):
    sys.path.insert(0, str(ROOT / "tests"))
    from project_copy import copy_project

    project = copy_project(Path(workdir) / "project")
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("SPHINXOPTS", None)
    command = ["make", "-C", str(project), "html", f"PYTHON={sys.executable}"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"make html failed:\n{result.stdout}\n{result.stderr}")
    return project / "_build" / "html"


def report(weights, lighthouse):
    lines = [
        f"# Page weights, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "First visit in a fresh tab at 1280x900 on a 1x screen, text gzipped as a host would; "
        "kB = 1000 bytes. 'Read to the end' is everything the visit transferred, the page "
        "scrolled to its bottom so that every lazy figure loaded: the weight the budget "
        "applies to (images and requests are counted over the same visit). 'On open' is what "
        "the page loaded before any scrolling.",
        "",
        "| page | read to the end | of which images | live figure's image | requests "
        "| budget | met | on open |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for path, w in weights.items():
        met = "yes" if over_budget(w) <= 0 else "NO"
        lines.append(
            f"| {path} | {w['read_to_the_end'] / 1e3:.0f} kB | {w['images'] / 1e3:.0f} kB "
            f"| {w['live_image'] / 1e3:.0f} kB | {w['requests']} | {w['budget'] / 1e3:.0f} kB "
            f"| {met} | {w['on_open'] / 1e3:.0f} kB |"
        )
    not_loaded = {p: w["not_loaded"] for p, w in weights.items() if w["not_loaded"]}
    if not_loaded:
        lines += [
            "",
            f"Images not loaded at the end (weight understated): {json.dumps(not_loaded)}",
        ]
    foreign = {p: w["foreign"] for p, w in weights.items() if w["foreign"]}
    if foreign:
        lines += ["", f"Requests to other hosts: {json.dumps(foreign)}"]
    if lighthouse:
        lines += [
            "",
            "Lighthouse (mobile preset), gzip-served:",
            "",
            "| page | performance | accessibility | best practices | SEO | LCP | TBT | CLS "
            "| points lost |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for path, lh in lighthouse.items():
            s, m = lh["scores"], lh["metrics"]
            perf = "/".join(f"{p:.2f}" for p in lh["performance_runs"])
            lines.append(
                f"| {path} | {s['performance']:.2f} ({perf}) | {s['accessibility']:.2f} "
                f"| {s['best-practices']:.2f} | {s['seo']:.2f} "
                f"| {m['largest-contentful-paint'] / 1e3:.1f} s "
                f"| {m['total-blocking-time']:.0f} ms | {m['cumulative-layout-shift']:.3f} "
                f"| {', '.join(lh['failed']) or '-'} |"
            )
        below = [
            f"{path} {name} {lh['scores'][name]:.2f}"
            for path, lh in lighthouse.items()
            for name, target in TARGET_SCORES.items()
            if lh["scores"][name] < target
        ]
        lines += [
            "",
            "Below target (a measurement, not a failure): " + ("; ".join(below) or "none"),
        ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one now)")
    parser.add_argument("--lighthouse", action="store_true", help="run Lighthouse too")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median)")
    parser.add_argument("--pages", nargs="*", help="only these pages (paths in the site)")
    parser.add_argument(
        "--formats", action="store_true", help="compare lossless encodings of the figures too"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not Path(CHROMIUM).is_file():
        sys.exit(f"no Chromium at {CHROMIUM}: install it (Debian: apt-get install chromium)")

    with tempfile.TemporaryDirectory(prefix="qi-pages-") as workdir:
        html_dir = args.site or build_site(workdir)
        if not (Path(html_dir) / "index.html").is_file():
            sys.exit(f"{html_dir} holds no built site (no index.html): run 'make html' first")
        pages = args.pages or site_pages(html_dir)
        weights = measure_weights(html_dir, pages)
        reports = args.output / "lighthouse"
        reports.mkdir(parents=True, exist_ok=True)
        lighthouse = (
            measure_lighthouse(html_dir, pages, args.runs, reports) if args.lighthouse else {}
        )
        formats = measure_formats(html_dir) if args.formats else None
    text = report(weights, lighthouse) + (formats_report(formats) if formats else "")
    print(text)
    args.output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (args.output / f"pages-{stamp}.md").write_text(text)
    (args.output / f"pages-{stamp}.json").write_text(
        json.dumps({"weights": weights, "lighthouse": lighthouse, "formats": formats}, indent=2)
    )
    print(f"written: {args.output / ('pages-' + stamp)}.md and .json", file=sys.stderr)
    over = [p for p, w in weights.items() if over_budget(w) > 0]
    unmeasured = [p for p, w in weights.items() if w["not_loaded"]]
    if over or unmeasured:
        sys.exit(
            f"over budget (read to the end): {', '.join(over) or 'none'}; "
            f"images not loaded, weight understated: {', '.join(unmeasured) or 'none'}"
        )


if __name__ == "__main__":
    main()
