"""A Sphinx extension that gives every page a ``<meta name="description">``.

Search engines show it under the page's title, and Lighthouse's SEO audit asks for it.
Writing a ``.. meta::`` by hand in every page would drift from the text, and the gallery's
pages are generated: so each page's description is its own first paragraph of prose
(for an example, the paragraph under its title in the docstring), cut at a word near
160 characters. Paragraphs inside notes, cards and tables are not prose of the page and
are skipped (sphinx-gallery opens each example with a note about downloading it).
Sphinx's generated pages (search, index) have no paragraph and get a sentence of ours; a
written page with no paragraph is a warning (an error under ``-W``), naming the page.
"""

import html

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

LENGTH = 160
GENERATED = {
    "search": "Search every page of {project}: the walkthrough, the course and its examples.",
    "genindex": "Index of the terms defined across {project}.",
}


def first_paragraph(doctree):
    """The text of the first paragraph that is a section's own prose, or None."""
    for paragraph in doctree.findall(nodes.paragraph):
        if isinstance(paragraph.parent, nodes.section):
            text = " ".join(paragraph.astext().split())
            if text:
                return text
    return None


def shorten(text, length=LENGTH):
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def add_description(app, pagename, templatename, context, doctree):
    project = app.config.project
    if doctree is not None:
        text = first_paragraph(doctree)
        if text is None:
            logger.warning(
                'no paragraph to describe this page in its <meta name="description">: '
                "start it with a paragraph of prose under its title",
                location=pagename,
            )
            return
    else:
        title = html.unescape(context.get("title", ""))
        text = GENERATED.get(pagename, f"{title}: a page of {project}.").format(project=project)
    tag = f'<meta name="description" content="{html.escape(shorten(text))}" />\n'
    context["metatags"] = context.get("metatags", "") + tag


def setup(app):
    app.connect("html-page-context", add_description)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
