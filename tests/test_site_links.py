"""Follow every internal link and anchor of the built site: nothing may lead nowhere."""

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from bs4 import BeautifulSoup

LINKING = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src"}


@cache
def _parse(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


@cache
def _ids(path):
    page = _parse(path)
    return {tag["id"] for tag in page.find_all(id=True)} | {
        tag["name"] for tag in page.find_all("a", attrs={"name": True})
    }


def _pages(html_root):
    """The site's pages (the theme also drops a template fragment into _static/)."""
    return [p for p in sorted(html_root.rglob("*.html")) if "_static" not in p.parts]


def _internal_links(html_root):
    for page_path in _pages(html_root):
        for tag, attribute in LINKING.items():
            for element in _parse(page_path).find_all(tag, attrs={attribute: True}):
                url = urlparse(element[attribute])
                if url.scheme or url.netloc or element[attribute].startswith("//"):
                    continue  # another site: not ours to check (and never fetched)
                yield page_path, element[attribute], url


def test_every_internal_link_and_anchor_resolves(site):
    html_root = site["html"]
    broken = []
    checked = 0
    for page_path, raw, url in _internal_links(html_root):
        target = page_path if not url.path else (page_path.parent / unquote(url.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        checked += 1
        if not target.is_file():
            broken.append(f"{page_path.relative_to(html_root)}: {raw} (no such file)")
        elif (
            url.fragment and target.suffix == ".html" and unquote(url.fragment) not in _ids(target)
        ):
            broken.append(f"{page_path.relative_to(html_root)}: {raw} (no such anchor)")
    assert checked > 100  # the crawl really ran over the site
    assert broken == [], "\n".join(broken)


def test_every_page_has_a_meaningful_title(site):
    titles = {}
    for page_path in _pages(site["html"]):
        title = _parse(page_path).title
        text = title.get_text(strip=True) if title else ""
        assert text and "<no title>" not in text, f"{page_path} has no title"
        titles.setdefault(text, []).append(page_path.name)
    duplicated = {title: pages for title, pages in titles.items() if len(pages) > 1}
    assert not duplicated, duplicated
