"""A Sphinx extension that keeps scripts and unused files out of the way of the first paint.

Lighthouse's mobile preset (simulated slow 4G, a 4x slower CPU; pages served gzipped by
``bench/pages.py``) scored the pages 0.81 to 0.89 for performance, the home page about 0.90.
Every page's largest paint is a paragraph of text (figures are far below the first
screen), so what Lighthouse blamed was what comes before the text can be painted: the
requests the head blocks on, and then the time to lay out a long page. In each head:

* the search index and Sphinx's search scripts (``searchindex.js``, ``searchtools.js``,
  ``language_data.js``: 24 kB gzipped, the largest items of the render-blocking audit,
  460 + 310 + 160 ms), which pydata-sphinx-theme loads on every page for search as you
  type, an option this site leaves off: its search box opens ``search.html``, which loads
  them itself;
* Sphinx's and the extensions' scripts (``documentation_options.js``, ``doctools.js``,
  ``sphinx_highlight.js``, sphinx-copybutton's two, sphinx-gallery's ``sg-tags.js``), all
  synchronous (about 160 ms each in the audit), none needed before the page is shown;
* ``styles/theme.css``, whose only rule is ``@import "../basic.css"``: one more round
  trip before anything is painted;
* the theme's ``fontawesome.js`` (22 kB gzipped, a long task of about 180 ms on the slowed
  CPU), which only draws custom icons (``fa-custom``); the theme's own icons are a web font
  in its style sheet, and this site has no custom icon;
* sphinx-gallery's style sheets for Binder badges, pandas tables and rich HTML output,
  which no page here shows; and, on the pages without what they style, sphinx-design's
  style sheet and tab script (the home page's cards are its only use), and the code
  highlighting style and sphinx-copybutton's files (the galleries, the home, search and
  index pages have no code).

So the site's template (``docs/_templates/layout.html``) leaves the search scripts out of
every page but the search page (:func:`without_search_scripts`; deferred instead if search
as you type is turned on),
links ``basic.css`` itself, drops ``fontawesome.js`` from pages without a custom icon
(:func:`without_unused_fontawesome`), and writes every script tag with
:func:`deferred_tag`: files get ``defer``, inline scripts become modules, which run in
the same queue, after the files before them (they set ``DOCUMENTATION_OPTIONS`` fields, so
they must run after ``documentation_options.js``). The scripts still run in Sphinx's order,
once the page is parsed and before ``DOMContentLoaded``, which is when they start their
work anyway. The optional style sheets and scripts above are left out of each page
without the HTML they act on. Last, ``site.css`` gives every section after a page's first
``content-visibility: auto``: the browser lays out and paints a section only when it
comes near the screen. On the dithering page the first layout, one long task of 443 ms
on the slowed CPU, became 118 ms, and the total blocking time went from 371 to 159-176 ms.

Lighthouse 12.8.2, mobile, medians of 3 runs of each page, before and after taken in
turns on the same loaded 2-core machine (2026-11-25): the eight course pages 0.83-0.86
before, 0.91-0.93 after; the walkthrough 0.88 -> 0.96; the home page 0.90 -> 0.95; the
gallery indexes, the API page, the general index and the running-times page 0.90-0.96 ->
0.94-0.99; the search page (whose scripts stay as they were) 0.91 -> 0.92. First paint
2.1-3.0 s -> 1.6-2.4 s.
Accessibility, best practices and SEO stay 1.00. What remained on the course pages then
was MathJax, whose 1.1 MB script was one long task of 220-800 ms on the slowed CPU, most
of their 160-330 ms of blocking time; ``mathml.py`` has since replaced it.
"""

import re

from sphinxext import PRIORITY

# Style sheets and scripts that act on one kind of content each, with what in a page's
# body shows that content is there (class names, as they appear in the HTML); a page
# without any of them is written without the file. ``highlight``: Pygments' code blocks,
# which sphinx-copybutton gives their buttons (``div.highlight pre``).
_CODE = ("highlight",)
_DESIGN = ('class="sd-', " sd-")
OPTIONAL_FILES = {
    "sg_gallery-binder.css": ("binder-badge", "lite-badge"),
    "sg_gallery-dataframe.css": ("dataframe",),
    "sg_gallery-rendered-html.css": ("rendered_html",),
    "sphinx-design.min.css": _DESIGN,
    "design-tabs.js": ("sd-tab-set",),
    "pygments.css": _CODE,
    "copybutton.css": _CODE,
    "copybutton.js": _CODE,
    "clipboard.min.js": _CODE,
}
# pydata-sphinx-theme's fontawesome.js only draws custom icons (``<i class="fa-custom ...">``,
# added with ``FontAwesome.library.add`` in a script of the site's); its standard icons are
# a web font in its style sheet.
_FONTAWESOME_JS = re.compile(r'\s*<script defer src="[^"]*/scripts/fontawesome\.js[^"]*"></script>')
# The search tools pydata-sphinx-theme's ``extrahead`` block writes into every head but
# the search page's, for search as you type.
_SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:searchtools|language_data|searchindex)\.js[^"]*"></script>'
)
_INLINE = re.compile(r"^<script>")
_FILE = re.compile(r"^<script (?![^>]*\b(?:defer|async|type)=)([^>]*\bsrc=)")


def deferred_tag(tag):
    """A ``<script>`` tag as Sphinx writes it, made to run after the page is parsed.

    A file gets ``defer``; an inline script without attributes becomes a module (deferred
    too, and run in document order with the deferred files). A script that is already
    deferred, asynchronous or of another type is left as it is.
    """
    tag = _FILE.sub(r"<script defer \1", tag, count=1)
    return _INLINE.sub('<script type="module">', tag, count=1)


def without_unused_fontawesome(head, body):
    """``head`` without the theme's fontawesome.js, when ``body`` has no custom icon."""
    return head if "fa-custom" in body else _FONTAWESOME_JS.sub("", head)


def without_search_scripts(head):
    """The theme's ``extrahead`` output without its search scripts; the rest as it is.

    Filtered, not rewritten: whatever else a theme release puts there (meta tags, so
    far) still reaches every page.
    """
    return _SEARCH_SCRIPTS.sub("", head)


def _file_name(asset):
    return str(getattr(asset, "filename", asset)).rsplit("/", 1)[-1].split("?")[0]


def unused_files(body):
    """The names in :data:`OPTIONAL_FILES` whose content ``body`` does not have."""
    return {
        name
        for name, markers in OPTIONAL_FILES.items()
        if not any(marker in body for marker in markers)
    }


def on_page(app, pagename, templatename, context, doctree):
    js_tag = context.get("js_tag")
    if js_tag is not None:
        context["deferred_js_tag"] = lambda js: deferred_tag(js_tag(js))
    body = context.get("body", "")
    # Custom icons are in the page's text, or in the header's icon links.
    icons = body + str(context.get("theme_icon_links", ""))
    context["without_unused_fontawesome"] = lambda head: without_unused_fontawesome(head, icons)
    context["without_search_scripts"] = without_search_scripts
    unused = unused_files(body)
    for key in ("css_files", "script_files"):
        if context.get(key) is not None:
            # A new list: the one in the context is the builder's own, shared by every page.
            context[key] = [asset for asset in context[key] if _file_name(asset) not in unused]


def setup(app):
    # After the theme's and the extensions' handlers, which add files to the page.
    app.connect("html-page-context", on_page, priority=PRIORITY["frontend.head_assets"])
    return {"parallel_read_safe": True, "parallel_write_safe": True}
