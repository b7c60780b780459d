"""Build the site, then read its pages as a visitor would find them."""

import os
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLES, ROOT, WALKTHROUGH, check_walkthrough_output


def read_page(site, relative):
    path = site["html"] / relative
    assert path.is_file(), f"{relative} was not built"
    return path, BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def local_target(page_path, href):
    """The file a relative link on ``page_path`` points at."""
    assert href and not urlparse(href).scheme, f"expected a relative link, got {href!r}"
    return (page_path.parent / unquote(urlparse(href).path)).resolve()


@pytest.fixture(scope="module")
def walkthrough(site):
    return read_page(site, f"auto_examples/{WALKTHROUGH}.html")


def test_build_runs_every_example(site):
    # make html runs with -W, so a Sphinx warning would have failed the fixture already.
    ran = re.search(r"executed (\d+) out of (\d+) file", site["log"])
    assert ran, site["log"]
    assert int(ran.group(1)) == int(ran.group(2)) == len(EXAMPLES)


def test_the_examples_run_in_parallel_one_per_core(site):
    # make html passes -j auto, and sphinx-gallery's parallel option follows it (conf.py).
    if os.cpu_count() >= 2:
        assert f"generating gallery (with parallel={os.cpu_count()})" in site["log"]
    else:
        assert "with parallel=" not in site["log"]


def test_example_code_is_highlighted(site):
    # Online or offline, with API links or without, every code cell comes out coloured.
    for example in EXAMPLES:
        _, page = read_page(site, f"auto_examples/{example.with_suffix('.html')}")
        cells = page.select("div.highlight-Python pre")
        assert cells, f"{example} shows no code"
        for pre in cells:
            lines = [line.strip() for line in pre.get_text().splitlines() if line.strip()]
            if not lines:
                continue
            if all(line.startswith("#") for line in lines):
                # A cell of comments only, such as the authors and licence lines.
                assert pre.select("span.c1, span.c, span.cm"), f"{example}: {pre}"
            else:
                assert pre.select("span.n, span.nn, span.k, span.kn"), f"{example}: {pre}"


def test_examples_print_no_warnings(site):
    for example in EXAMPLES:
        _, page = read_page(site, f"auto_examples/{example.with_suffix('.html')}")
        printed = " ".join(pre.get_text() for pre in page.select("div.sphx-glr-script-out"))
        assert "Warning" not in printed, f"{example} printed a warning: {printed}"


def test_walkthrough_shows_five_figures_with_alt_text(walkthrough):
    path, page = walkthrough
    figures = page.select("img.sphx-glr-single-img, img.sphx-glr-multi-img")
    assert len(figures) == 5
    for img in figures:
        assert img.get("alt", "").strip(), f"{img['src']} has no alt text"
        assert local_target(path, img["src"]).is_file(), f"{img['src']} is missing"


def test_walkthrough_prints_the_seed_numbers(walkthrough):
    _, page = walkthrough
    printed = "\n".join(pre.get_text() for pre in page.select("div.sphx-glr-script-out pre"))
    check_walkthrough_output(printed)


def test_walkthrough_shows_its_running_time(walkthrough):
    _, page = walkthrough
    timing = page.select_one("p.sphx-glr-timing")
    assert timing is not None
    assert "Total running time of the script" in timing.get_text()


def test_download_buttons_deliver_the_script_and_the_notebook(walkthrough):
    path, page = walkthrough
    links = {Path(a["href"]).suffix: a["href"] for a in page.select("a.reference.download")}
    assert {".py", ".ipynb"} <= set(links), links
    script = local_target(path, links[".py"])
    assert script.read_bytes() == (ROOT / "examples" / f"{WALKTHROUGH}.py").read_bytes()
    notebook = local_target(path, links[".ipynb"])
    assert notebook.is_file() and b'"cells"' in notebook.read_bytes()


@pytest.mark.parametrize("kind, suffix", [("python", ".py"), ("jupyter", ".ipynb")])
def test_the_zip_holds_every_example(site, kind, suffix):
    path, page = read_page(site, "auto_examples/index.html")
    hrefs = [a["href"] for a in page.select("a.reference.download")]
    zip_href = next((h for h in hrefs if h.endswith(f"auto_examples_{kind}.zip")), None)
    assert zip_href, f"no link to the {kind} zip on the gallery index: {hrefs}"
    with zipfile.ZipFile(local_target(path, zip_href)) as archive:
        names = sorted(Path(name) for name in archive.namelist())
    assert names == [p.with_suffix(suffix) for p in EXAMPLES]


def test_gallery_index_has_a_thumbnail_per_example(site):
    path, page = read_page(site, "auto_examples/index.html")
    thumbnails = page.select("div.sphx-glr-thumbcontainer")
    assert len(thumbnails) == len(EXAMPLES)
    for thumb in thumbnails:
        img = thumb.select_one("img")
        assert local_target(path, img["src"]).is_file()
        assert thumb.select_one("a")  # the thumbnail leads to its page


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_each_thumbnail_is_a_figure_of_its_page(site, example):
    # A thumbnail number past the page's last figure gives sphinx-gallery's stock
    # picture instead, silently.
    source = (ROOT / "examples" / example).read_text(encoding="utf-8")
    chosen = re.search(r"sphinx_gallery_thumbnail_number = (-?\d+)", source)
    number = int(chosen.group(1)) if chosen else 1
    _, page = read_page(site, Path("auto_examples") / example.with_suffix(".html"))
    n_figures = len(page.select("img.sphx-glr-single-img, img.sphx-glr-multi-img"))
    position = number if number > 0 else n_figures + 1 + number  # -1: the last
    assert 1 <= position <= n_figures, f"{example}: thumbnail {number} of {n_figures} figures"
    thumb = site["html"] / "_images" / f"sphx_glr_{example.stem}_thumb.webp"
    assert thumb.is_file(), f"{example}: its thumbnail is not one of its figures"


def test_execution_times_page_is_linked_from_the_home_page(site):
    path, page = read_page(site, "index.html")
    hrefs = [a["href"] for a in page.select("a[href]")]
    times_href = next((h for h in hrefs if "sg_execution_times" in h), None)
    assert times_href, "the home page does not link the execution-times page"
    times = BeautifulSoup(local_target(path, times_href).read_text(), "html.parser")
    assert f"{WALKTHROUGH}.py" in times.get_text()


def test_home_page_leads_into_the_gallery(site):
    path, page = read_page(site, "index.html")
    targets = {local_target(path, a["href"]) for a in page.select("a.reference.internal")}
    assert site["html"].joinpath("auto_examples", "index.html").resolve() in targets
    assert site["html"].joinpath("auto_examples", f"{WALKTHROUGH}.html").resolve() in targets


def test_every_example_page_shows_its_peak_memory(site):
    for example in EXAMPLES:
        _, page = read_page(site, f"auto_examples/{example.with_suffix('.html')}")
        match = re.search(r"Estimated memory usage:\s*([\d.]+)\s*MB", page.get_text(" "))
        assert match, f"{example} shows no memory figure"
        assert float(match.group(1)) > 0


def test_walkthrough_memory_figure_counts_its_arrays(walkthrough):
    # The page holds float64 codes and float64 images, 6291456 bytes each: a measurement
    # that sees NumPy's allocations cannot report less than that.
    _, page = walkthrough
    memory = float(re.search(r"Estimated memory usage:\s*([\d.]+)", page.get_text(" ")).group(1))
    assert memory >= 4 * 6291456 / 1e6


def test_gallery_index_says_what_the_memory_figure_measures(site):
    _, page = read_page(site, "auto_examples/index.html")
    text = " ".join(page.get_text(" ").split())
    assert "estimated memory usage" in text and "resident memory" in text


def test_every_example_page_recommends_related_examples(site):
    if len(EXAMPLES) < 2:
        pytest.skip("related examples need more than one example")
    for example in EXAMPLES:
        _, page = read_page(site, f"auto_examples/{example.with_suffix('.html')}")
        rubric = next(
            (p for p in page.select("p.rubric") if "Related examples" in p.get_text()), None
        )
        assert rubric is not None, f"{example} has no related examples"
        related = rubric.find_next("div", class_="sphx-glr-thumbnails")
        assert related and related.select("div.sphx-glr-thumbcontainer")


def test_api_page_has_a_mini_gallery_per_object_the_examples_use(site):
    path, page = read_page(site, "api_used.html")
    headings = {h.get_text(" ", strip=True).rstrip("#").strip() for h in page.select("h3")}
    for name in [
        "sklearn.preprocessing.KBinsDiscretizer",
        "scipy.datasets.face",
        "numpy.unique",
    ]:
        assert f"Examples using {name}" in headings, headings
    # Each mini-gallery leads to the examples.
    walkthrough = site["html"] / "auto_examples" / f"{WALKTHROUGH}.html"
    targets = {
        local_target(path, a["href"]) for a in page.select("div.sphx-glr-thumbcontainer a[href]")
    }
    assert walkthrough.resolve() in targets
    # Made from the code, not by hand: no private or inherited names.
    assert not any("._" in h or h.split()[-1].startswith("_") for h in headings)
