"""A reader's first visit: nothing but style sheets stands between the page and its paint.

sphinxext/frontend/head_assets.py and docs/_templates/layout.html defer every script of the head,
leave the search index to the search page, link basic.css without the theme's @import,
and drop style sheets and scripts a page does not use. These tests check the helpers, the
built pages' heads, and, in Chromium, that the deferred scripts still do their work:
the page's Sphinx options, copy buttons, and search from any page's search box.
"""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from conftest import WALKTHROUGH
from pages import site_pages

from sphinxext.frontend.head_assets import (
    deferred_tag,
    on_page,
    without_search_scripts,
    without_unused_fontawesome,
)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ('<script src="a.js?v=1"></script>', '<script defer src="a.js?v=1"></script>'),
        (
            '<script data-x="1" src="a.js"></script>',
            '<script defer data-x="1" src="a.js"></script>',
        ),
        ("<script>DOCUMENTATION_OPTIONS.pagename = 'x';</script>", None),
        ('<script defer="defer" src="a.js"></script>', "same"),
        ('<script async="async" src="a.js"></script>', "same"),
        ('<script src="a.js" type="module"></script>', "same"),
        ('<script type="text/x-config">{}</script>', "same"),
    ],
)
def test_script_tags_are_deferred_in_order(tag, expected):
    if expected is None:  # inline: a module, which runs in the deferred scripts' queue
        expected = tag.replace("<script>", '<script type="module">')
    elif expected == "same":
        expected = tag
    assert deferred_tag(tag) == expected


def test_fontawesome_js_only_where_a_custom_icon_is():
    head = (
        '<link href="s.css" rel="stylesheet" />\n'
        '  <script defer src="_static/scripts/fontawesome.js?digest=1"></script>\n'
    )
    assert "fontawesome.js" not in without_unused_fontawesome(head, "<p>text</p>")
    assert "s.css" in without_unused_fontawesome(head, "<p>text</p>")
    assert without_unused_fontawesome(head, '<i class="fa-custom fa-x"></i>') == head


def _kept(body, css, js=()):
    """The style sheets and scripts on_page keeps for a page whose body is ``body``."""
    css_files = [SimpleNamespace(filename=f"_static/{name}?v=1") for name in css]
    script_files = [SimpleNamespace(filename=f"_static/{name}") for name in js]
    shared = (list(css_files), list(script_files))
    context = {"css_files": shared[0], "script_files": shared[1], "body": body}
    on_page(None, "page", "page.html", context, None)
    # The builder's own lists, shared by every page, are left alone.
    assert shared == (css_files, script_files)
    return [
        asset.filename.split("/")[-1].split("?")[0]
        for key in ("css_files", "script_files")
        for asset in context[key]
    ]


def test_style_sheets_and_scripts_only_where_what_they_act_on_is():
    css = ["pygments.css", "sg_gallery.css", "sg_gallery-binder.css", "copybutton.css"]
    css += ["sg_gallery-dataframe.css", "sg_gallery-rendered-html.css", "sphinx-design.min.css"]
    css += ["site.css"]
    js = ["documentation_options.js", "clipboard.min.js", "copybutton.js", "design-tabs.js"]
    output = '<div class="rendered_html">x</div>'
    assert _kept(output, css, js) == [
        "sg_gallery.css",
        "sg_gallery-rendered-html.css",
        "site.css",
        "documentation_options.js",
    ]
    code = '<div class="highlight-Python notranslate"><div class="highlight"><pre>x</pre>'
    assert _kept(code, css, js) == [
        "pygments.css",
        "sg_gallery.css",
        "copybutton.css",
        "site.css",
        "documentation_options.js",
        "clipboard.min.js",
        "copybutton.js",
    ]
    cards = '<div class="sd-container-fluid"><div class="sd-card sd-shadow-sm">x</div>'
    assert "sphinx-design.min.css" in _kept(cards, css, js)
    assert "design-tabs.js" not in _kept(cards, css, js)
    tabs = '<div class="sd-tab-set docutils">x</div>'
    assert {"sphinx-design.min.css", "design-tabs.js"} <= set(_kept(tabs, css, js))


def test_search_scripts_are_filtered_out_and_the_rest_of_the_block_kept():
    block = (
        '\n  <meta name="viewport" content="width=device-width"/>'
        '\n  <meta name="new-in-a-theme-release" content="x"/>'
        '\n    <script src="../_static/searchtools.js"></script>'
        '\n    <script src="../_static/language_data.js?v=1"></script>'
        '\n    <script src="../searchindex.js"></script>'
        '\n    <script src="../_static/other.js"></script>'
    )
    assert without_search_scripts(block) == (
        '\n  <meta name="viewport" content="width=device-width"/>'
        '\n  <meta name="new-in-a-theme-release" content="x"/>'
        '\n    <script src="../_static/other.js"></script>'
    )


def _theme_head_meta_names():
    """The names of the meta tags pydata-sphinx-theme's extrahead block writes."""
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    text = (theme / "layout.html").read_text(encoding="utf-8")
    block = re.search(r"{%-? block extrahead %}(.*?){%-? endblock", text, re.S)
    assert block, "pydata-sphinx-theme's layout.html has no extrahead block any more"
    return re.findall(r'<meta name="([^"]+)"', block.group(1))


def test_the_themes_head_tags_reach_every_page(site):
    # docs/_templates/layout.html filters the theme's block instead of copying it, so
    # what a theme release adds there reaches the pages.
    names = _theme_head_meta_names()
    assert "viewport" in names, names
    for path in site_pages(site["html"]):
        head = _head(site, path)
        for name in names:
            if name == "docbuild:last-update":  # only with html_last_updated_fmt
                continue
            assert head.find("meta", attrs={"name": name}), (path, name)


def _head(site, path):
    html = (Path(site["html"]) / path).read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").head


def test_no_script_in_the_head_delays_the_first_paint(site):
    for path in site_pages(site["html"]):
        head = _head(site, path)
        stylesheets = [link["href"] for link in head.find_all("link", rel="stylesheet")]
        assert not any("styles/theme.css" in href for href in stylesheets), path
        assert any("_static/basic.css" in href for href in stylesheets), path
        assert not any("sg_gallery-binder" in href for href in stylesheets), path
        scripts = head.find_all("script")
        sources = [script.get("src", "") for script in scripts]
        assert not any("fontawesome.js" in src for src in sources), path
        if path == "search.html":  # the search page runs its search at once
            assert any(src.endswith("searchindex.js") for src in sources), path
            continue
        assert not any("searchindex.js" in src or "searchtools" in src for src in sources), path
        for script in scripts:
            if script.get("data-cfasync") == "false":  # the theme's dark-mode switch
                continue
            waits = script.has_attr("defer") or script.has_attr("async")
            assert waits or script.get("type") == "module", (path, str(script)[:120])


def _head_files(site, path):
    head = _head(site, path)
    links = [link["href"] for link in head.find_all("link", rel="stylesheet")]
    sources = [script["src"] for script in head.find_all("script", src=True)]
    return {href.split("/")[-1].split("?")[0] for href in links + sources}


def test_the_home_page_gets_the_card_styles_and_the_example_pages_the_code_styles(site):
    home, walkthrough = (
        _head_files(site, "index.html"),
        _head_files(site, f"auto_examples/{WALKTHROUGH}.html"),
    )
    code = {"pygments.css", "copybutton.css", "copybutton.js", "clipboard.min.js"}
    assert "sphinx-design.min.css" in home and not code & home, home
    assert code <= walkthrough and "sphinx-design.min.css" not in walkthrough, walkthrough
    # No page here has tabs.
    assert not any("design-tabs.js" in _head_files(site, path) for path in site_pages(site["html"]))


def test_deferred_scripts_still_work_and_search_works_from_any_page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(f"{base_url}auto_examples/{WALKTHROUGH}.html", wait_until="load")
        options = page.evaluate("[DOCUMENTATION_OPTIONS.pagename, typeof Search]")
        assert options == [f"auto_examples/{WALKTHROUGH}", "undefined"]
        assert page.locator("div.highlight-Python button.copybtn").count() > 0
        # The search box (Ctrl+K) opens the search page, which finds the walkthrough.
        page.keyboard.press("Control+k")
        field = page.locator("#pst-search-dialog input[name=q]")
        field.fill("kmeans")
        field.press("Enter")
        page.wait_for_url("**/search.html?q=kmeans*")
        page.wait_for_selector("#search-results li a", timeout=15000)
        found = page.eval_on_selector_all(
            "#search-results li a", "links => links.map(a => a.getAttribute('href'))"
        )
        assert any(WALKTHROUGH in href for href in found), found
        assert errors == []
    finally:
        context.close()
