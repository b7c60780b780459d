"""Use the live figures as a reader does: move the controls, read the numbers and images.

A small site built in-process (``sphinx.testing``) shows where the extension puts a
figure and how it fails on a wrong section; the real site, opened in Chromium, shows
that each figure is driven by the keyboard, agrees with the numbers its Python page
printed in the same build (the JPEG figure, which codes a crop, with Pillow's JPEG of
that crop), follows the reader's choice in its image and alt text, works
in dark mode and without a network, and stays out of the downloads.
"""

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from conftest import numbers_after
from independent import independent_psnr
from PIL import Image

LIVE_PAGES = {
    "auto_examples/plot_vector_quantization.html": "levels",
    "auto_examples/series/plot_05_dithering.html": "dither",
    "auto_examples/series/plot_07_colour_quantization.html": "colour",
    "auto_examples/series/plot_12_transform_coding.html": "jpeg",
}
WALKTHROUGH = "auto_examples/plot_vector_quantization.html"


# -- The extension, on a small site ------------------------------------------------------


SMALL_PAGE = """\
A page
======

Intro.

First section
-------------

Text of the first section.

Inner
~~~~~

Inner text.

Second section
--------------

Text of the second section.
"""


@pytest.fixture
def small_site(tmp_path, face_in_this_process):
    """A two-page site with ``live_figures`` as the test sets it, built in this process."""
    from sphinx.testing.util import SphinxTestApp

    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["sphinxext.frontend.live_figures"]\n')
    (source / "index.rst").write_text(".. toctree::\n\n   page\n")
    (source / "page.rst").write_text(SMALL_PAGE)

    def build(live_figures):
        app = SphinxTestApp(
            "html",
            srcdir=source,
            builddir=tmp_path / "build",
            confoverrides={"live_figures": live_figures},
            freshenv=True,
        )
        try:
            app.build()
        finally:
            app.cleanup()
        return tmp_path / "build" / "html"

    return build


def test_a_live_figure_goes_at_the_end_of_its_section_hidden_until_the_script_runs(
    small_site,
):
    html = small_site({"page": [("first-section", "levels")]})
    soup = BeautifulSoup((html / "page.html").read_text(), "html.parser")
    figure = soup.select_one("figure.live-figure")
    assert figure is not None and figure.has_attr("hidden")
    # In the first section, after its text and before its subsection.
    section = figure.find_parent("section")
    assert section["id"] == "first-section"
    assert figure.find_previous("p").get_text() == "Text of the first section."
    assert figure.find_next("p").get_text() == "Inner text."
    # Every control has a label; the numbers are announced.
    for control in figure.select("input, select"):
        assert figure.select_one(f'label[for="{control["id"]}"]'), control
    assert figure.select_one(".live-numbers")["aria-live"] == "polite"
    # The script and style are on this page only.
    assert soup.select_one('script[src*="live-figures.js"]')
    index = BeautifulSoup((html / "index.html").read_text(), "html.parser")
    assert not index.select_one('script[src*="live-figures.js"]')
    assert not index.select_one("figure.live-figure")


def test_the_build_writes_the_raccoon_the_figures_compute_from_losslessly(small_site):
    from scipy.datasets import face

    html = small_site({"page": [("first-section", "levels")]})
    src = BeautifulSoup((html / "page.html").read_text(), "html.parser").select_one(
        "figure.live-figure"
    )["data-src"]
    with Image.open(html / src) as image:
        assert image.format == "WEBP"
        assert np.array_equal(np.asarray(image.convert("L")), face(gray=True))
    with Image.open(html / "_static" / "live" / "raccoon-colour-half.webp") as image:
        assert np.array_equal(np.asarray(image.convert("RGB")), face()[::2, ::2])


def test_a_section_that_is_not_there_stops_the_build_and_says_which_are(small_site):
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match="no section 'renamed'.*first-section"):
        small_site({"page": [("renamed", "levels")]})
    with pytest.raises(ExtensionError, match="unknown kind 'sliders'"):
        small_site({"page": [("first-section", "sliders")]})


# -- The live figures on the real site ---------------------------------------------------


@pytest.fixture
def live(browser, base_url):
    """Open a page and return (page, figure) once the live figure has drawn itself."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requested = []
    errors = []
    tabs = []

    def open_page(path, **options):
        page = context.new_page()
        tabs.append(page)
        page.on("request", lambda r: requested.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(base_url + path)
        figure = page.locator("figure.live-figure").first
        figure.evaluate("f => f.scrollIntoView()")
        wait_for_update(page, 1)
        return page, figure

    yield open_page
    for tab in tabs:
        tab.close()
    context.close()
    assert not errors, errors
    foreign = [url for url in requested if not url.startswith(base_url)]
    assert not foreign, foreign


def updates(page):
    return int(page.locator("figure.live-figure").first.get_attribute("data-updates") or 0)


def wait_for_update(page, at_least):
    page.wait_for_function(
        "n => Number(document.querySelector('figure.live-figure').dataset.updates) >= n",
        arg=at_least,
        timeout=30000,
    )


def press(page, control, key):
    """Press ``key`` on ``control`` and wait until the figure has drawn the result."""
    before = updates(page)
    control.focus()
    page.keyboard.press(key)
    wait_for_update(page, before + 1)


def shown(figure):
    """The numbers the figure shows, as {term: text}."""
    terms = figure.locator(".live-term").all_inner_texts()
    data = figure.locator(".live-data").all_inner_texts()
    return {t.rstrip(": "): d for t, d in zip(terms, data)}


def value(text):
    return float(re.match(r"-?[\d.]+", text).group())


def grey_values(figure):
    """The distinct grey values in the figure's image canvas."""
    return figure.locator(".live-image").evaluate(
        """canvas => {
            const { width, height } = canvas;
            const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
            const seen = new Set();
            for (let i = 0; i < data.length; i += 4) seen.add(data[i]);
            return [...seen].sort((a, b) => a - b);
        }"""
    )


def printed_output(site, path):
    soup = BeautifulSoup((site["html"] / path).read_text(), "html.parser")
    return "\n".join(block.get_text() for block in soup.select("div.sphx-glr-script-out pre"))


def choose(page, figure, name, option_value):
    """Pick an option of a select with the keyboard, as a reader does."""
    select = figure.locator(f'select[name="{name}"]')
    options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    current = options.index(select.input_value())
    target = options.index(option_value)
    for _ in range(abs(target - current)):
        press(page, select, "ArrowDown" if target > current else "ArrowUp")
    assert select.input_value() == option_value


def test_every_live_figure_is_on_its_page(site):
    for path, kind in LIVE_PAGES.items():
        soup = BeautifulSoup((site["html"] / path).read_text(), "html.parser")
        assert [f["data-kind"] for f in soup.select("figure.live-figure")] == [kind], path


def test_walkthrough_figure_at_8_levels_agrees_with_the_python_page(site, live):
    page, figure = live(WALKTHROUGH)
    output = printed_output(site, WALKTHROUGH)
    assert figure.locator('input[name="levels"]').input_value() == "8"
    for method, label in [("uniform", "uniform"), ("kmeans", "k-means")]:
        choose(page, figure, "method", method)
        numbers = shown(figure)
        levels = [float(x) for x in numbers["Levels"].split(", ")]
        centres = numbers_after(f"Centres of the {label} bins:", output)
        if method == "uniform":
            assert levels == centres
        else:
            assert np.allclose(levels, centres, atol=0.05), (levels, centres)
        psnr = numbers_after(f"PSNR of the {label} bins:", output)[0]
        assert abs(value(numbers["PSNR"]) - psnr) <= 0.05, (numbers["PSNR"], psnr)
        assert numbers["Fixed-length code"].startswith("3 bits")


def test_walkthrough_figure_follows_the_keyboard_down_to_2_levels(live):
    page, figure = live(WALKTHROUGH)
    slider = figure.locator('input[name="levels"]')
    alt_before = figure.locator(".live-image").get_attribute("aria-label")
    press(page, slider, "ArrowRight")
    assert slider.input_value() == "9"
    assert len(shown(figure)["Levels"].split(", ")) == 9
    assert len(grey_values(figure)) == 9
    press(page, slider, "Home")
    assert slider.input_value() == "2"
    assert figure.locator("output").first.inner_text() == "2"
    for method in ("uniform", "kmeans", "optimal"):
        choose(page, figure, "method", method)
        assert len(grey_values(figure)) == 2, method
        alt = figure.locator(".live-image").get_attribute("aria-label")
        assert "2 grey levels" in alt and alt != alt_before
        assert shown(figure)["Fixed-length code"].startswith("1 bits")


def test_the_optimal_quantizer_is_never_worse_than_the_others(live):
    page, figure = live(WALKTHROUGH)
    slider = figure.locator('input[name="levels"]')
    press(page, slider, "Home")
    for _ in range(3):  # 2, 3, 4 and 5 levels
        psnrs = {}
        for method in ("uniform", "kmeans", "optimal"):
            choose(page, figure, "method", method)
            psnrs[method] = value(shown(figure)["PSNR"])
        assert psnrs["optimal"] >= max(psnrs["uniform"], psnrs["kmeans"]) - 1e-9, psnrs
        press(page, slider, "ArrowRight")


DITHERING = "auto_examples/series/plot_05_dithering.html"
# The page after it prints the tables of the three methods' scores and costs.
JUDGING = "auto_examples/series/plot_06_judging_dithering.html"
DITHER_NAMES = {"none": "Nearest", "ordered": "Ordered", "fs": "Floyd–Steinberg"}


def test_dithering_figure_shows_the_pages_numbers_at_1_2_and_3_bits(site, live):
    output = printed_output(site, JUDGING)
    page, figure = live(DITHERING)
    slider = figure.locator('input[name="levels"]')
    press(page, slider, "Home")
    for bits, steps in ((1, 0), (2, 2), (3, 4)):  # 2, 4 and 8 levels
        for _ in range(steps):
            press(page, slider, "ArrowRight")
        assert slider.input_value() == str(2**bits)
        for dither, name in DITHER_NAMES.items():
            choose(page, figure, "dither", dither)
            numbers = shown(figure)
            # The page's tables: PSNR by method, then index entropy by method.
            psnr = re.search(rf"^{bits}\s+{name}\s+([\d.]+)", output, re.M)
            entropy = re.search(rf"^{bits}\s+{name}\s+{bits}\s+([\d.]+)", output, re.M)
            assert psnr and entropy, (bits, name, output)
            assert abs(value(numbers["PSNR"]) - float(psnr.group(1))) <= 0.01, (bits, name)
            assert abs(value(numbers["Index entropy"]) - float(entropy.group(1))) <= 0.001
            if bits == 1:
                assert grey_values(figure) == [0, 255], dither
    assert shown(figure)["Levels"] == "0, 36, 73, 109, 146, 182, 219, 255"


def test_colour_figure_builds_a_palette_of_the_chosen_size(site, live):
    path = "auto_examples/series/plot_07_colour_quantization.html"
    output = printed_output(site, path)
    page, figure = live(path)
    slider = figure.locator('input[name="colours"]')
    palette = shown(figure)["Palette"].split()
    assert len(palette) == 8 and all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in palette)
    psnr_8 = value(shown(figure)["PSNR"])
    # Its own sample, on the half-size image: near the page's k-means, as the caption says.
    page_8 = numbers_after("K-means, 3 bits per pixel:", output)[-1]
    assert abs(psnr_8 - page_8) <= 0.3, (psnr_8, page_8)
    press(page, slider, "ArrowRight")
    assert len(shown(figure)["Palette"].split()) == 9
    assert value(shown(figure)["PSNR"]) > psnr_8 - 0.5
    assert "9 colours" in figure.locator(".live-image").get_attribute("aria-label")
    press(page, slider, "End")
    page_64 = numbers_after("K-means, 6 bits per pixel:", output)[-1]
    assert abs(value(shown(figure)["PSNR"]) - page_64) <= 0.3


def jpeg_of_crop(site, crop, quality):
    """Pillow's JPEG of the figure's crop of the served grey image: PSNR, share of zeros.

    The zeros come from SciPy's orthonormal DCT of each 8 x 8 block, level-shifted by 128,
    divided by Pillow's table and rounded halves away from zero, as libjpeg rounds.
    """
    from scipy.fft import dctn

    served = Path(site["html"]) / "_static/live/raccoon-grey.webp"
    grey = np.asarray(Image.open(served).convert("L"))
    part = grey[crop["y"] : crop["y"] + crop["height"], crop["x"] : crop["x"] + crop["width"]]
    assert part.shape == (crop["height"], crop["width"]), (crop, grey.shape)
    buffer = io.BytesIO()
    Image.fromarray(part).save(buffer, "JPEG", quality=quality)
    table = np.array(Image.open(buffer).quantization[0]).reshape(8, 8)
    decoded = np.asarray(Image.open(buffer))
    h, w = part.shape
    blocks = part.reshape(h // 8, 8, w // 8, 8).swapaxes(1, 2) - 128.0
    ratio = dctn(blocks, axes=(2, 3), norm="ortho") / table
    quantized = np.sign(ratio) * np.floor(np.abs(ratio) + 0.5)
    return independent_psnr(part, decoded), 100 * np.mean(quantized == 0)


def test_jpeg_figure_agrees_with_pillow_on_its_crop_and_loses_more_as_quality_falls(site, live):
    page, figure = live("auto_examples/series/plot_12_transform_coding.html")
    slider = figure.locator('input[name="quality"]')
    assert slider.input_value() == "50"
    crop = json.loads(figure.get_attribute("data-crop"))
    # On the page's block grid (from row and column 4), with the close-up inside.
    assert crop["x"] % 8 == 4 and crop["y"] % 8 == 4, crop
    assert 0 <= crop["closeup"]["x"] <= crop["width"] - 128, crop
    assert 0 <= crop["closeup"]["y"] <= crop["height"] - 96, crop
    expected_psnr, expected_zeros = jpeg_of_crop(site, crop, 50)
    numbers = shown(figure)
    zero_share = "Coefficients quantized to zero"
    assert abs(value(numbers[zero_share]) - expected_zeros) <= 0.1, (numbers, expected_zeros)
    assert abs(value(numbers["PSNR"]) - expected_psnr) <= 0.05, (numbers, expected_psnr)
    press(page, slider, "PageDown")
    assert int(slider.input_value()) < 50
    lower = shown(figure)
    assert value(lower["PSNR"]) < value(numbers["PSNR"])
    assert value(lower[zero_share]) > value(numbers[zero_share])
    entropy = "Entropy, each of the 64 positions coded alone"
    assert value(lower[entropy]) < value(numbers[entropy])
    press(page, slider, "Home")
    expected_psnr, expected_zeros = jpeg_of_crop(site, crop, 1)
    assert abs(value(shown(figure)["PSNR"]) - expected_psnr) <= 0.05, expected_psnr


def test_jpeg_figure_uses_pillows_table_at_every_quality_it_passes(live):
    page, figure = live("auto_examples/series/plot_12_transform_coding.html")
    slider = figure.locator('input[name="quality"]')
    qualities = []
    for key in ["Home"] + ["ArrowRight"] * 6 + ["PageUp"] * 4 + ["End"]:
        press(page, slider, key)
        quality = int(slider.input_value())
        label = figure.locator(".live-histogram").get_attribute("aria-label")
        shown_table = [int(x) for x in label.rsplit(":", 1)[1].split()]
        buffer = io.BytesIO()
        Image.new("L", (8, 8)).save(buffer, "JPEG", quality=quality)
        assert shown_table == list(Image.open(buffer).quantization[0]), quality
        qualities.append(quality)
    assert len(set(qualities)) >= 10 and qualities[-1] == 100, qualities


def test_live_figure_redraws_for_dark_mode(live):
    page, figure = live(WALKTHROUGH)

    def bar_colour():
        return figure.locator(".live-histogram").evaluate(
            """canvas => {
                const { width, height } = canvas;
                const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
                const counts = new Map();
                for (let i = 0; i < data.length; i += 4) {
                    if (data[i + 3] < 255) continue;
                    const key = data.slice(i, i + 3).join(",");
                    counts.set(key, (counts.get(key) || 0) + 1);
                }
                return [...counts].sort((a, b) => b[1] - a[1])[0][0];
            }"""
        )

    light = bar_colour()
    before = updates(page)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    wait_for_update(page, before + 1)
    assert bar_colour() != light


def test_without_javascript_the_page_shows_its_static_figures_only(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + WALKTHROUGH)
    assert not page.locator("figure.live-figure").is_visible()
    assert page.locator("img.sphx-glr-single-img, img.sphx-glr-multi-img").count() >= 3
    context.close()


def test_downloads_carry_no_trace_of_the_live_figures(site):
    for path in LIVE_PAGES:
        name = Path(path).stem
        folder = site["html"] / "_downloads"
        for suffix in (".py", ".ipynb"):
            (download,) = folder.rglob(name + suffix)
            text = download.read_text()
            assert not re.search(r"live[-_ ]figure", text, re.IGNORECASE), download
    for archive in (site["html"] / "_downloads").rglob("*.zip"):
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.namelist():
                text = bundle.read(member).decode(errors="replace")
                assert not re.search(r"live[-_ ]figure", text, re.IGNORECASE), member
