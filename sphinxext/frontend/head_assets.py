"""A Sphinx extension that keeps scripts and unused files out of the way of the first paint.

A page's largest paint on this site is a paragraph of text, so what delays it is what the
head makes the browser fetch and run first. This module lets the site's template
(``docs/_templates/layout.html``):

* leave Sphinx's search scripts and index out of every page but the search page
  (:func:`without_search_scripts`): the search box opens ``search.html``, which loads them;
* drop the theme's ``fontawesome.js``, which only draws custom icons, from pages without
  one (:func:`without_unused_fontawesome`; the theme's own icons are a web font);
* write every script tag with :func:`deferred_tag`, so that scripts run, in Sphinx's
  order, once the page is parsed;
* leave out of each page the optional style sheets and scripts whose content it lacks
  (:data:`OPTIONAL_FILES`).

README.md ("Page speed") has what each step was measured to save.
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
