"""A Sphinx extension that keeps the running-times page on the site's own assets.

sphinx-gallery's running-times page (``sg_execution_times``) embeds raw HTML that loads
jQuery, DataTables and Bootstrap's CSS from three CDNs, to make its table sortable in the
browser: requests to other hosts on every visit, and failed requests and console errors
offline. sphinx-gallery has no option to leave them out. The table needs no script: it
already lists the examples sorted by running time, the slowest first. So the raw HTML of
that page that loads anything from another host is removed from its doctree.
"""

from docutils import nodes

TIMES_PAGE = "sg_execution_times"


def drop_cdn_assets(app, doctree):
    if app.env.docname != TIMES_PAGE:
        return
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split() and "://" in raw.astext():
            raw.parent.remove(raw)


def setup(app):
    app.connect("doctree-read", drop_cdn_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
