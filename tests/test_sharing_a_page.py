"""A reader shares a page, or finds it through a search engine.

Every page carries Open Graph and Twitter card tags (sphinxext-opengraph): its title, its
first paragraph (also the meta description) and, for an example, its gallery thumbnail,
for the home page its picture (sphinxext/social_images.py, home_picture.py). With the
site's address known (READTHEDOCS_CANONICAL_URL, which Read the Docs sets: the site the
tests read is built as it builds it) the URLs are absolute and sitemap.xml lists every
page; without it, in a maintainer's build, there is no sitemap.
"""

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLES, env_with_cache, make
from pages import site_pages
from project_copy import copy_project
from read_the_docs import CANONICAL_URL

EXAMPLE_PAGES = [f"auto_examples/{p.with_suffix('.html').as_posix()}" for p in EXAMPLES]
# Sphinx's generated pages, without prose: a sentence of the site's template describes them.
GENERATED = ("search.html", "genindex.html")
NOT_IN_SITEMAP = GENERATED  # a search form and an index of terms are not for search engines


def _page(html_dir, path):
    return BeautifulSoup((Path(html_dir) / path).read_text(encoding="utf-8"), "html.parser")


def _tags(page):
    """{property or name: [contents]} of the page's meta tags."""
    tags = {}
    for meta in page.head.find_all("meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            tags.setdefault(key, []).append(meta.get("content", ""))
    return tags


def _one(tags, key, path):
    assert len(tags.get(key, [])) == 1, f"{path}: {key} appears {len(tags.get(key, []))} times"
    return tags[key][0]


def _first_paragraph(page):
    first = page.select_one("article section > p")
    return " ".join(first.get_text().split())


@pytest.fixture(scope="module")
def local(tmp_path_factory, dataset_cache):
    """The site as a maintainer builds it, whose address is not known (prose only: quick)."""
    project = copy_project(tmp_path_factory.mktemp("local") / "project")
    result = make(project, "html-noplot", env_with_cache(dataset_cache), project / "_build")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "_build" / "html"


def test_every_page_says_what_it_is_when_shared(site):
    html = site["html"]
    for path in site_pages(html):
        page = _page(html, path)
        tags = _tags(page)
        title = _one(tags, "og:title", path)
        assert title and page.title.get_text().startswith(title.split(" - ")[0]), (path, title)
        description = _one(tags, "og:description", path)
        assert _one(tags, "description", path) == description, path
        assert 20 < len(description) <= 160, (path, description)
        assert tags.get("twitter:card"), f"{path} has no twitter:card"
        assert _one(tags, "og:site_name", path) == "Quantizing images"
        if path in GENERATED:
            continue
        # The page's own first paragraph (cut with "..." where it is longer).
        start = description.removesuffix("...").strip()
        first = _first_paragraph(page)
        assert first.startswith(start) or start.startswith(first), (path, description, first)


def test_example_pages_share_their_thumbnail_and_the_home_page_its_picture(site):
    html = site["html"]
    for path in EXAMPLE_PAGES + ["index.html"]:
        tags = _tags(_page(html, path))
        # The site knows its address (it is built as Read the Docs builds it): absolute.
        shared = _one(tags, "og:image", path)
        assert shared.startswith(CANONICAL_URL), (path, shared)
        image = shared.removeprefix(CANONICAL_URL)
        if path == "index.html":
            expected = "_images/home-4-levels-"
        else:
            expected = f"_images/sphx_glr_{Path(path).stem}_thumb."
        assert image.startswith(expected), (path, image)
        assert (html / image).is_file(), f"{path} shares {image}, which the site does not serve"
        assert _one(tags, "og:image:alt", path)


def test_a_local_build_has_no_sitemap_and_no_address(local):
    html = local
    assert not (html / "sitemap.xml").exists()
    page = _page(html, "index.html")
    assert page.find("link", rel="canonical") is None
    assert not _tags(page)["og:url"][0].startswith("http")


def test_with_its_address_the_site_has_a_sitemap_of_every_page(site):
    # The site is built as Read the Docs builds it, which gives it its address.
    published = site["html"]
    tree = ElementTree.parse(published / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = sorted(loc.text for loc in tree.getroot().findall("s:url/s:loc", namespace))
    pages = [p for p in site_pages(published) if p not in NOT_IN_SITEMAP]
    assert listed == sorted(CANONICAL_URL + p for p in pages)
    assert len(pages) >= len(EXAMPLES) + 3


def test_with_its_address_shared_links_are_absolute(site):
    published = site["html"]
    for path in ["index.html", EXAMPLE_PAGES[0], "search.html"]:
        page = _page(published, path)
        tags = _tags(page)
        assert _one(tags, "og:url", path) == CANONICAL_URL + path
        assert page.find("link", rel="canonical")["href"] == CANONICAL_URL + path
        if path == "index.html":
            assert _one(tags, "og:image", path).startswith(CANONICAL_URL + "_images/home-4-levels-")
