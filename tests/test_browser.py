"""Read the built site in a real browser: headless Chromium, driven by playwright.

The site is served from a local HTTP server, as a reader would get it. Without Chromium
these tests skip, saying why; with REQUIRE_BROWSER=1 (as in CI) they fail instead.
A screenshot of every page is saved beside the built site, in ``screenshots/``.
"""

import functools
import http.server
import io
import json
import os
import threading
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, WALKTHROUGH

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXAMPLE_PAGES = [f"auto_examples/{p.with_suffix('.html').as_posix()}" for p in EXAMPLES]
PAGES = ["index.html", "auto_examples/index.html", "api_used.html", *EXAMPLE_PAGES]


def _unavailable(reason):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and REQUIRE_BROWSER=1 says the browser tests must run")
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base_url(site):
    handler = functools.partial(_QuietHandler, directory=str(site["html"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Visit:
    """A browser tab that records what a reader would not want to happen."""

    def __init__(self, context, base_url):
        self.base_url = base_url
        self.page = context.new_page()
        self.console_errors, self.failed, self.foreign = [], [], []
        self.page.on(
            "console",
            lambda m: m.type == "error" and self.console_errors.append(f"{m.text} {m.location}"),
        )
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on(
            "response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}")
        )
        self.page.on(
            "request",
            lambda r: (
                not r.url.startswith((base_url, "data:", "blob:")) and self.foreign.append(r.url)
            ),
        )

    def open(self, path):
        self.page.goto(self.base_url + path, wait_until="networkidle")
        # Images below the fold may load lazily: ask for all of them, and wait.
        self.page.evaluate(
            """() => Promise.all(Array.from(document.images).map(img => {
                   img.loading = "eager";
                   return img.complete ? null : new Promise(done => {
                       img.addEventListener("load", done); img.addEventListener("error", done);
                   });
               }))"""
        )
        return self.page

    def images(self):
        return self.page.evaluate(
            """() => Array.from(document.images).map(img => ({
                   src: img.getAttribute("src"), alt: img.alt,
                   width: img.naturalWidth, shown: img.getBoundingClientRect().width}))"""
        )


@pytest.fixture
def context(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def visit(context, base_url):
    return Visit(context, base_url)


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_offline(visit, screenshots, path):
    page = visit.open(path)
    images = visit.images()
    assert images, f"{path} shows no image at all"
    for image in images:
        assert image["width"] > 0, f"{image['src']} did not load on {path}"
        assert image["alt"].strip(), f"{image['src']} has no alt text on {path}"
    assert visit.console_errors == [], visit.console_errors
    assert visit.failed == [], visit.failed
    assert visit.foreign == [], f"requests to other hosts: {visit.foreign}"
    title = page.title()
    assert title and not title.startswith("<") and "Quantizing images" in title

    page.screenshot(path=str(screenshots / (path.replace("/", "__") + ".png")), full_page=True)


def test_search_finds_the_walkthrough(visit):
    page = visit.open("search.html?q=kmeans")
    page.wait_for_selector("#search-results li a", timeout=15000)
    found = page.eval_on_selector_all(
        "#search-results li a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert any(WALKTHROUGH in href for href in found), found


def _luminance_spread(png_bytes):
    from PIL import Image, ImageStat

    grey = Image.open(io.BytesIO(png_bytes)).convert("L")
    stat = ImageStat.Stat(grey)
    return stat.mean[0], stat.stddev[0]


def test_figures_stay_visible_in_dark_mode(browser, base_url):
    # A reader whose system is dark gets the dark theme ("auto" mode follows it).
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    visit = Visit(context, base_url)
    page = visit.open(f"auto_examples/{WALKTHROUGH}.html")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    figures = page.query_selector_all("img.sphx-glr-single-img, img.sphx-glr-multi-img")
    assert len(figures) == 5
    for figure in figures:
        figure.scroll_into_view_if_needed()
        style = figure.evaluate(
            "img => { const s = getComputedStyle(img);"
            " return [s.visibility, s.opacity, s.display]; }"
        )
        assert style[0] == "visible" and float(style[1]) > 0.9 and style[2] != "none", style
        mean, spread = _luminance_spread(figure.screenshot())
        # A drawn figure on its own light background, not a dark or empty box.
        assert mean > 128 and spread > 20, (mean, spread, background)
    assert visit.console_errors == [] and visit.failed == []
    context.close()


def test_theme_menu_switches_to_dark_and_it_sticks(visit):
    page = visit.open("index.html")
    page.click("button.theme-switch-button:visible")
    page.click("button.theme-change-button[data-mode='dark']:visible")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page = visit.open(f"auto_examples/{WALKTHROUGH}.html")  # the choice is remembered
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert visit.console_errors == []


@pytest.mark.parametrize("suffix", [".py", ".ipynb"])
def test_download_buttons_deliver_the_files(visit, suffix):
    page = visit.open(f"auto_examples/{WALKTHROUGH}.html")
    with page.expect_download() as download_info:
        page.click(f"a.reference.download[href$='{suffix}']")
    download = download_info.value
    assert download.suggested_filename == f"{WALKTHROUGH}{suffix}"
    content = Path(download.path()).read_bytes()
    if suffix == ".py":
        assert content == (ROOT / "examples" / f"{WALKTHROUGH}.py").read_bytes()
    else:
        notebook = json.loads(content)
        sources = "".join("".join(cell["source"]) for cell in notebook["cells"])
        assert "from scipy.datasets import face" in sources


def test_copy_button_copies_the_code_without_its_output(context, base_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    visit = Visit(context, base_url)
    page = visit.open(f"auto_examples/{WALKTHROUGH}.html")
    cell = page.locator("div.highlight-Python").first
    cell.hover()
    cell.locator("button.copybtn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "from scipy.datasets import face" in copied
    assert "Shape of the image: (768, 1024)" not in copied  # the printed output
    # Output blocks carry no copy button of their own.
    assert page.locator("div.sphx-glr-script-out button.copybtn").count() == 0


def test_formulas_are_typeset_by_the_sites_own_mathjax(visit):
    page = visit.open("auto_examples/series/plot_1_choosing_bins.html")
    page.wait_for_selector("mjx-container", timeout=15000)
    assert page.locator("mjx-container").count() > 0
    scripts = page.eval_on_selector_all("script[src]", "s => s.map(e => e.src)")
    assert any("/_static/mathjax/tex-chtml.js" in src for src in scripts), scripts
    assert visit.failed == [] and visit.foreign == []
