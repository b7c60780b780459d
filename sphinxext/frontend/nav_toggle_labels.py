"""A Sphinx extension that names the expand buttons of the theme's navigation sidebar.

pydata-sphinx-theme draws each sidebar entry that has sub-pages with a ``<summary>`` that
holds only a chevron icon: a button without a name, which a screen reader announces as
nothing useful and axe-core reports (rule ``summary-name``). The theme has no option for
it. Its templates build the sidebar by calling ``generate_toctree_html`` from the page's
context, so we wrap that function: every ``<summary>`` without text gets an ``aria-label``
naming the entry it opens. If a later theme renames the function, nothing is wrapped, and
the browser tests' axe check says so.
"""

import functools

from sphinxext import PRIORITY

THEME_FUNCTION = "generate_toctree_html"


def _label_toggles(soup):
    if not hasattr(soup, "select"):  # the theme returned plain HTML: leave it
        return soup
    for summary in soup.select("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        entry = summary.find_parent("li")
        link = entry.find("a") if entry is not None else None
        name = link.get_text(" ", strip=True) if link is not None else "this section"
        summary["aria-label"] = f"Show or hide the pages under {name}"
    return soup


def wrap_sidebar_function(app, pagename, templatename, context, doctree):
    generate = context.get(THEME_FUNCTION)
    if generate is None:
        return

    @functools.wraps(generate)
    def labelled(*args, **kwargs):
        return _label_toggles(generate(*args, **kwargs))

    context[THEME_FUNCTION] = labelled


def setup(app):
    # After the theme's own handler (priority 500) has put the function in the context.
    app.connect(
        "html-page-context",
        wrap_sidebar_function,
        priority=PRIORITY["frontend.nav_toggle_labels"],
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
