"""Read the built site in a real browser: headless Chromium, driven by playwright.

The site is served by a local HTTP server that gzips text as a static host does
(``bench/pages.py``), as a reader would get it. Every built page is opened: it must load
with no console error, no failed request and no request to another host, pass axe-core's
accessibility rules (in its code blocks, on the pages ``code_token_cover`` picks), and
show its code without sideways scrolling at desktop sizes. Each example page is read on a
phone as well, and the figures it serves are checked against what Matplotlib drew.
Without Chromium these tests skip, saying why; with REQUIRE_BROWSER=1 (as in CI) they fail
instead. A screenshot of every page is saved beside the built site, in ``screenshots/``.
"""

import io
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLES, ROOT, WALKTHROUGH
from pages import site_pages
from PIL import Image

from sphinxext.helpers.figure_scraper import HIGH_DENSITY_BELOW

EXAMPLE_PAGES = [f"auto_examples/{p.with_suffix('.html').as_posix()}" for p in EXAMPLES]
GALLERY_PAGES = ["auto_examples/index.html"] + sorted(
    f"auto_examples/{p.parent.relative_to(ROOT / 'examples').as_posix()}/index.html"
    for p in (ROOT / "examples").glob("*/GALLERY_HEADER.rst")
)
# Pages Sphinx and the extensions generate, beside the gallery's.
OTHER_PAGES = ["index.html", "api_used.html", "sg_execution_times.html", "search.html"]
OTHER_PAGES += ["genindex.html"]
PAGES = sorted(OTHER_PAGES + GALLERY_PAGES + EXAMPLE_PAGES)
FIGURES = "img.sphx-glr-single-img, img.sphx-glr-multi-img"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True}


ARTICLE_IMAGES = """() => Array.from(document.querySelectorAll("article img")).map(img => ({
    src: img.getAttribute("src"), loading: img.getAttribute("loading"),
    top: img.getBoundingClientRect().top + scrollY, screen: innerHeight}))"""


class Visit:
    """A browser tab that records what a reader would not want to happen."""

    def __init__(self, context, base_url):
        self.base_url = base_url
        self.page = context.new_page()
        self.console_errors, self.failed, self.foreign, self.requested = [], [], [], []
        self.page.on(
            "console",
            lambda m: m.type == "error" and self.console_errors.append(f"{m.text} {m.location}"),
        )
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on(
            "response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}")
        )
        self.page.on("request", self._note_request)

    def _note_request(self, request):
        self.requested.append(request.url)
        if not request.url.startswith((self.base_url, "data:", "blob:")):
            self.foreign.append(request.url)

    def open(self, path, all_images=True, until="load"):
        """Open ``path`` as a reader does and wait until what they see is complete.

        By default: the ``load`` event, then, if ``all_images``, every image.
        ``until="networkidle"`` waits, in addition, for half a second without any
        request: a test of what a page requests uses it, to see late requests too; the
        others do not need that half second on every page (test_browser.py alone, in one
        process: 161 s with it on every page, 132 s without).
        """
        self.page.goto(self.base_url + path, wait_until=until)
        # Where each image of the article sits and how it loads, as built (before the
        # images are all asked for, which makes them eager).
        self.article_images = self.page.evaluate(ARTICLE_IMAGES)
        if all_images:
            # Figures below the first screen load lazily: ask for all of them, and wait.
            self.page.evaluate(
                """() => Promise.all(Array.from(document.images).map(img => {
                       img.loading = "eager";
                       return img.complete ? null : new Promise(done => {
                           img.addEventListener("load", done);
                           img.addEventListener("error", done);
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


def _soup(site, path):
    return BeautifulSoup((site["html"] / path).read_text(encoding="utf-8"), "html.parser")


def test_every_built_page_is_checked_here(site):
    assert site_pages(site["html"]) == PAGES


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


# The desktop sizes the column is made for (docs/_static/site.css): the most common one,
# and a full-HD screen.
DESKTOP_SIZES = {"1280x800": (1280, 800), "1920x1080": (1920, 1080)}


def code_token_cover(html_dir):
    """Pages whose code blocks, together, show every kind of code token the site has.

    A kind is a token class (Pygments' ``k``, ``s1``, ...) in a kind of block (Python
    code or printed output), inside a link or not: its colours and background come from
    the style sheets, the same on every page. axe-core's contrast rule spends most of its
    time on the thousands of token spans of an example page, so the code blocks are
    checked on these pages only.
    """
    kinds = {}
    for path in PAGES:
        page = BeautifulSoup((html_dir / path).read_text(encoding="utf-8"), "html.parser")
        found = set()
        for block in page.select("div.highlight"):
            language = " ".join(c for c in block.parent.get("class", []) if "highlight-" in c)
            found.add((language, "", None))  # text outside any token
            for span in block.select("span[class]"):
                link = span.find_parent("a")
                in_link = link and " ".join(link.get("class", []))
                found.add((language, " ".join(span["class"]), in_link))
        kinds[path] = found
    left, cover = set().union(*kinds.values()), []
    while left:
        best = max(PAGES, key=lambda path: len(kinds[path] & left))
        cover.append(best)
        left -= kinds[best]
    return cover


@pytest.fixture(scope="module")
def read_on_a_desktop(browser, base_url, site, screenshots, axe):
    """Open a page once, as a reader at a desktop does, and keep what the tests look at.

    The page is opened at 1280 x 800 and waited for until no request is left (late
    requests and errors count too) and every image has loaded; then its screenshot is
    saved, axe-core's rules are run on it (on its code blocks too if it is one of
    ``code_token_cover``'s pages) and its code blocks are measured, at 1280 x 800 and
    again after the window is widened to 1920 x 1080. One visit per page instead of one
    per check: the checks below read the same page, as a reader would.
    """
    read = {}
    code_checked_on = code_token_cover(site["html"])

    def read_page(path):
        if path in read:
            return read[path]
        width, height = DESKTOP_SIZES["1280x800"]
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            visit = Visit(context, base_url)
            page = visit.open(path, until="networkidle")
            seen = {"visit": visit, "images": visit.images(), "title": page.title()}
            seen["article_images"] = visit.article_images
            seen["requested_at_1x"] = list(visit.requested)  # before the window widens
            page.screenshot(
                path=str(screenshots / (path.replace("/", "__") + ".png")), full_page=True
            )
            # axe-core's own file ships in the package: nothing is fetched.
            outside_code = None if path in code_checked_on else {"exclude": [["div.highlight"]]}
            seen["violations"] = axe.run(page, context=outside_code).response["violations"]
            seen["code_checked"] = outside_code is None
            seen["sideways"] = {}
            for size, (width, height) in DESKTOP_SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                seen["sideways"][size] = page.evaluate(SIDEWAYS)
        finally:
            context.close()
        read[path] = seen
        return seen

    return read_page


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_offline(read_on_a_desktop, path):
    seen = read_on_a_desktop(path)
    visit, images = seen["visit"], seen["images"]
    if path in EXAMPLE_PAGES or path in GALLERY_PAGES:
        assert images, f"{path} shows no image at all"
    for image in images:
        assert image["width"] > 0, f"{image['src']} did not load on {path}"
        assert image["alt"].strip(), f"{image['src']} has no alt text on {path}"
    assert visit.console_errors == [], visit.console_errors
    assert visit.failed == [], visit.failed
    assert visit.foreign == [], f"requests to other hosts: {visit.foreign}"
    title = seen["title"]
    assert title and not title.startswith("<") and "Quantizing images" in title


@pytest.mark.parametrize("path", PAGES)
def test_page_passes_axe_accessibility_rules(read_on_a_desktop, path):
    violations = read_on_a_desktop(path)["violations"]
    described = [
        f"{v['id']} ({v['impact']}): {v['help']}\n    "
        + "\n    ".join(node["html"][:160] for node in v["nodes"][:5])
        for v in violations
    ]
    assert not violations, f"{path}:\n" + "\n".join(described)


def test_axe_checks_code_blocks_on_an_example_page(read_on_a_desktop):
    checked = [path for path in PAGES if read_on_a_desktop(path)["code_checked"]]
    # test_page_passes_axe_accessibility_rules holds their results. At least one example
    # page: the blocks and tokens a reader of the course reads most.
    assert set(checked) & set(EXAMPLE_PAGES), checked


@pytest.mark.parametrize("path", PAGES)
def test_figures_and_thumbnails_say_their_size(site, path):
    # Width and height in the HTML: the browser keeps the room before the file arrives.
    page = _soup(site, path)
    images = page.select(
        "article img.sphx-glr-single-img, article img.sphx-glr-multi-img,"
        " article .sphx-glr-thumbcontainer img"
    )
    for img in images:
        with Image.open((site["html"] / path).parent / img["src"]) as decoded:
            assert (img.get("width"), img.get("height")) == tuple(map(str, decoded.size)), img


def _lazy_below_the_first_screen(path, images, first_eager_if_on_screen):
    assert images, f"{path} shows no image"
    first, *others = images
    for image in others:
        if image["top"] >= image["screen"]:
            assert image["loading"] == "lazy", (path, image)
    # The first image may be the largest paint: eager when it is on the first screen of a
    # desktop (a phone's narrower column can push it a little further down).
    if first_eager_if_on_screen:
        on_first_screen = first["top"] < first["screen"]
        assert first["loading"] == (None if on_first_screen else "lazy"), (path, first)


@pytest.mark.parametrize("path", EXAMPLE_PAGES + GALLERY_PAGES + ["api_used.html"])
def test_images_below_the_first_screen_load_lazily_on_a_desktop(read_on_a_desktop, path):
    _lazy_below_the_first_screen(path, read_on_a_desktop(path)["article_images"], True)


def test_images_below_the_first_screen_of_a_gallery_load_lazily_on_a_phone(browser, base_url):
    # The example pages are checked when they are read on a phone, below.
    context = browser.new_context(**PHONE)
    visit = Visit(context, base_url)
    for path in GALLERY_PAGES + ["api_used.html"]:
        visit.open(path, all_images=False)
        _lazy_below_the_first_screen(path, visit.article_images, False)
    context.close()


def test_figures_are_served_lossless(site, base_url, reader_env, tmp_path):
    """Decode the walkthrough's served figures and compare every pixel with Matplotlib's."""
    # Run the example as a script (Agg) and keep the RGBA pixels of each figure it drew,
    # at the figure's resolution and at twice that (the high-density variant), laid out
    # once as the scraper lays them out.
    drawn = tmp_path / "drawn.npz"
    script = f"""
import contextlib, io, runpy, sys
import numpy as np, matplotlib.pyplot as plt
sys.path.insert(0, {str(site["checkout"])!r})
from sphinxext.helpers.figure_scraper import lay_out_once
with contextlib.redirect_stdout(io.StringIO()):
    runpy.run_path(sys.argv[1], run_name="__main__")
arrays = {{}}
for index, number in enumerate(plt.get_fignums(), 1):
    figure = plt.figure(number)
    lay_out_once(figure)
    for factor in (1, 2):
        dpi = figure.dpi * factor
        buffer = io.BytesIO()
        figure.savefig(buffer, format="rgba", dpi=dpi)
        width, height = (round(x * dpi) for x in figure.get_size_inches())
        arrays[f"{{index}}x{{factor}}"] = np.frombuffer(buffer.getvalue(), np.uint8).reshape(
            height, width, 4)
np.savez({str(drawn)!r}, **arrays)
"""
    example = site["checkout"] / "examples" / f"{WALKTHROUGH}.py"
    result = subprocess.run(
        [sys.executable, "-c", script, str(example)],
        env=reader_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    drawn = np.load(drawn)
    page = _soup(site, f"auto_examples/{WALKTHROUGH}.html")
    figures = page.select(FIGURES)
    assert len(figures) == len(drawn.files) // 2 == 5
    wide = [int(img["width"]) >= HIGH_DENSITY_BELOW for img in figures]
    assert any(wide) and not all(wide), "the walkthrough should show both kinds of figure"
    for index, (img, is_wide) in enumerate(zip(figures, wide), 1):
        urls = [img["src"]] + [c.split()[0] for c in img.get("srcset", "").split(",")[1:]]
        # A 2x file only for figures narrow enough to gain from it (figure_scraper.py).
        assert len(urls) == (1 if is_wide else 2), img
        for factor, url in zip((1, 2), urls):
            served = urllib.request.urlopen(base_url + "auto_examples/" + url).read()
            # A WebP whose bitstream is VP8L: the lossless format (lossy is "VP8 ").
            assert served[:4] == b"RIFF" and served[8:16] == b"WEBPVP8L", (url, served[:16])
            pixels = np.asarray(Image.open(io.BytesIO(served)).convert("RGBA"))
            expected = drawn[f"{index}x{factor}"]
            assert pixels.shape == expected.shape, (url, pixels.shape, expected.shape)
            assert np.array_equal(pixels, expected), f"{url} differs from the drawn figure"


def test_a_1x_screen_never_downloads_the_high_density_figures(read_on_a_desktop):
    # The desktop visit (1280 x 800, 1x) asks for every image of the page.
    for path in EXAMPLE_PAGES:
        requested = read_on_a_desktop(path)["requested_at_1x"]
        figures = [url for url in requested if "/_images/sphx_glr_" in url]
        assert figures, f"{path}: no figure was downloaded at all"
        assert [url for url in figures if "_2_00x." in url] == [], path


def test_a_2x_screen_shows_the_high_density_figures(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=2)
    visit = Visit(context, base_url)
    page = visit.open(f"auto_examples/{WALKTHROUGH}.html")
    shown = page.eval_on_selector_all(
        FIGURES, "imgs => imgs.map(img => [img.currentSrc, +img.getAttribute('width')])"
    )
    narrow = [src for src, width in shown if width < HIGH_DENSITY_BELOW]
    wide = [src for src, width in shown if width >= HIGH_DENSITY_BELOW]
    assert narrow and all("_2_00x." in src for src in narrow), shown
    # A wide figure has its 1x file only, which the 2x screen shows.
    assert wide and not any("_2_00x." in src for src in wide), shown
    context.close()


@pytest.mark.parametrize("path", EXAMPLE_PAGES)
def test_example_page_reads_on_a_phone(browser, base_url, path):
    context = browser.new_context(**PHONE)
    visit = Visit(context, base_url)
    page = visit.open(path)
    _lazy_below_the_first_screen(path, visit.article_images, False)
    width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"{path} scrolls sideways on a phone: {width}"
    figures = page.eval_on_selector_all(
        FIGURES,
        """imgs => imgs.map(img => ({
               shown: img.getBoundingClientRect().width, natural: img.naturalWidth,
               srcset: img.getAttribute("srcset") || "",
               link: img.closest("a") && img.closest("a").href}))""",
    )
    assert figures, f"{path} shows no figure"
    for figure in figures:
        assert figure["shown"] <= width[1], figure
        # A tap opens the figure's largest file, on its own, at full size.
        assert figure["link"] and "/_images/" in figure["link"], figure
        response = context.request.get(figure["link"])
        assert response.status == 200 and response.headers["content-type"] == "image/webp"
        full_width = Image.open(io.BytesIO(response.body())).size[0]
        widths = [int(w) for w in re.findall(r"\s(\d+)w\b", figure["srcset"])]
        assert full_width == max(widths + [figure["natural"]]), (figure, full_width)
    assert visit.failed == [] and visit.foreign == []
    context.close()


# Every code or output block wider than its box, with the first line that does not fit
# (measured with a Range, in the block's own font), and whether the page itself scrolls.
SIDEWAYS = """() => {
    const tooWide = [...document.querySelectorAll("pre")].filter(
        pre => pre.scrollWidth > pre.clientWidth);
    const blocks = tooWide.map(pre => {
        const style = getComputedStyle(pre);
        const room = pre.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
        const probe = document.createElement("span");
        probe.textContent = "0".repeat(100);
        pre.appendChild(probe);
        const character = probe.getBoundingClientRect().width / 100;
        probe.remove();
        const lines = pre.textContent.split("\\n");
        const line = lines.find(l => l.length * character > room) || lines[0];
        return {columns: Math.floor(room / character), length: line.length, line};
    });
    const page = document.scrollingElement.scrollWidth > innerWidth;
    return {blocks, page, count: document.querySelectorAll("pre").length};
}"""


@pytest.mark.parametrize("size", DESKTOP_SIZES)
@pytest.mark.parametrize("path", PAGES)
def test_code_and_output_fit_the_column_on_a_desktop(read_on_a_desktop, path, size):
    found = read_on_a_desktop(path)["sideways"][size]
    assert not found["page"], f"{path} scrolls sideways at {size}"
    blocks = found["blocks"]
    if blocks:
        first = blocks[0]
        pytest.fail(
            f"{path} at {size}: {len(blocks)} of {found['count']} code or output blocks "
            f"scroll sideways; the first line that does not fit ({first['length']} "
            f"characters, room for {first['columns']}):\n{first['line']}"
        )


def _seconds(text):
    minutes, seconds = text.strip().split(":")
    return 60 * int(minutes) + float(seconds)


def test_running_times_list_the_slowest_example_first(visit):
    page = visit.open("sg_execution_times.html")
    scripts = page.eval_on_selector_all("script[src]", "s => s.map(e => e.src)")
    assert all(src.startswith(visit.base_url) for src in scripts), scripts
    rows = page.eval_on_selector_all(
        "table tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))",
    )
    assert len(rows) == len(EXAMPLES)
    listed = sorted(re.search(r"\(([^()]+\.py)\)", row[0]).group(1) for row in rows)
    assert listed == sorted(f"../examples/{p.as_posix()}" for p in EXAMPLES)
    times = [_seconds(row[1]) for row in rows]
    assert times == sorted(times, reverse=True), times
    assert visit.console_errors == [] and visit.foreign == []


def test_search_finds_the_walkthrough(visit):
    page = visit.open("search.html?q=kmeans")
    page.wait_for_selector("#search-results li a", timeout=15000)
    found = page.eval_on_selector_all(
        "#search-results li a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert any(WALKTHROUGH in href for href in found), found


def _edge_and_spread(png_bytes):
    """The mean grey of an image's outermost 3 pixels all round, and its grey's spread."""
    from PIL import Image, ImageStat

    grey = Image.open(io.BytesIO(png_bytes)).convert("L")
    edge = np.asarray(grey, dtype=float)
    inner = edge[3:-3, 3:-3]
    edge_mean = (edge.sum() - inner.sum()) / (edge.size - inner.size)
    return edge_mean, ImageStat.Stat(grey).stddev[0]


def test_figures_stay_visible_in_dark_mode(browser, base_url):
    # A reader whose system is dark gets the dark theme ("auto" mode follows it).
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    visit = Visit(context, base_url)
    page = visit.open(f"auto_examples/{WALKTHROUGH}.html")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    figures = page.query_selector_all(FIGURES)
    assert len(figures) == 5
    for figure in figures:
        figure.scroll_into_view_if_needed()
        style = figure.evaluate(
            "img => { const s = getComputedStyle(img);"
            " return [s.visibility, s.opacity, s.display]; }"
        )
        assert style[0] == "visible" and float(style[1]) > 0.9 and style[2] != "none", style
        edge, spread = _edge_and_spread(figure.screenshot())
        # A drawn figure on its own light background, not a dark or empty box.
        assert edge > 160 and spread > 20, (edge, spread, background)
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
    cell = page.locator("div.highlight-Python", has_text="from scipy.datasets import face").first
    cell.hover()
    cell.locator("button.copybtn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "from scipy.datasets import face" in copied
    assert "Shape of the image: (768, 1024)" not in copied  # the printed output
    # Output blocks carry no copy button of their own.
    assert page.locator("div.sphx-glr-script-out button.copybtn").count() == 0
