"""A Sphinx extension that makes the gallery's images light to load and readable on a phone.

sphinx-gallery writes each figure as ``<img src srcset alt class>``, with no size, no lazy
loading, no link to the image file, and the high-density variants (``image_srcset``) as
``2x`` candidates, which phones (2x to 3x screens) download although the 1x file already
has more pixels than their screen gives the figure. Its thumbnails come without a size.
So, in the doctree, before Sphinx collects the images:

* each figure (sphinx-gallery's ``imgsgnode``) becomes a ``figure_image``, an ordinary
  image node that Sphinx copies to ``_images/`` as any other, carrying its width and
  height (read from the file) and its high-density variants with their pixel widths;
* images load lazily, except the first of a page when no code comes before it (a gallery's
  first thumbnail, which may be the page's largest paint): a figure comes after the code
  that draws it and the page's introduction, below the first screen (on this site its top
  is 2,200 px or more down on a 1280 px wide screen, and further on a phone; tests/test_browser.py
  checks that no lazy image starts on the first screen);
* each figure is wrapped in a link to its largest file, so a tap opens it at full size;
* thumbnails get their width and height, and no link to their file (they sit in a card
  that links to their example).

The HTML writer then gives each figure ``width``, ``height``, ``loading`` and a
``srcset`` in ``w`` units with ``sizes``, so the browser picks the high-density file only
when the figure is shown wider than its 1x file on that screen: never on a 1x screen.
"""

import posixpath
import urllib.parse
from pathlib import Path

from docutils import nodes
from PIL import Image
from sphinx.util.osutil import relative_uri

from sphinxext import PRIORITY

try:
    from sphinx_gallery.directives import imgsgnode
except ImportError:  # sphinx-gallery moved it: figures keep sphinx-gallery's own HTML
    imgsgnode = None


class figure_image(nodes.image):
    """A gallery figure: an image with high-density variants (``node["hires"]``)."""


def _size(path):
    with Image.open(path) as image:
        return image.size


def _srcset_paths(srcset):
    """sphinx-gallery's ``:srcset:`` ("a.webp, a_2_00x.webp 2.00x") as (path, factor)."""
    for entry in srcset.split(","):
        path, _, factor = entry.strip().partition(" ")
        yield path, float(factor.rstrip("x")) if factor else 1.0


def size_gallery_images(app, doctree):
    docname = app.env.docname
    first = True
    code_above = False
    watched = (nodes.image, nodes.literal_block) + ((imgsgnode,) if imgsgnode else ())
    for node in list(doctree.findall(lambda n: isinstance(n, watched))):
        if isinstance(node, nodes.literal_block):
            code_above = True
            continue
        if _is_sg(node):
            variants = sorted(_srcset_paths(node["srcset"] or node["uri"]), key=lambda v: v[1])
            (uri, _), *hires = variants
            width, height = _size(app.env.relfn2path(uri, docname)[1])
            image = figure_image(uri=uri, alt=node["alt"], classes=list(node["class"] or []))
            image["hires"] = []
            for path, _factor in hires:
                relative, absolute = app.env.relfn2path(path, docname)
                app.env.images.add_file(docname, relative)
                app.env.note_dependency(relative)
                image["hires"].append((relative, _size(absolute)[0]))
            node.replace_self(image)
            node = image
        elif "_thumb." in node["uri"]:
            path = Path(app.env.relfn2path(node["uri"], docname)[1])
            if not path.is_file():
                # A thumbnail is in the format of its example's figures (WebP here), or a
                # PNG placeholder when the examples are not run (make html-noplot): a
                # page that names one (the home page's cards) gets the one there is.
                there = sorted(path.parent.glob(f"{path.stem}.*"))
                if not there:  # Sphinx warns of the missing file itself
                    continue
                path = there[0]
                node["uri"] = posixpath.join(posixpath.dirname(node["uri"]), path.name)
            width, height = _size(path)
            node["classes"].append("no-scaled-link")
        else:
            continue
        node["width"], node["height"] = str(width), str(height)
        if not first or code_above:
            node["loading"] = "lazy"
        first = False


def _is_sg(node):
    return imgsgnode is not None and isinstance(node, imgsgnode)


def link_figures_to_full_size(app, doctree, docname):
    """Register the high-density files for copying; link each figure to its largest file."""
    if app.builder.format != "html":
        return
    page = app.builder.get_target_uri(docname)
    for node in list(doctree.findall(figure_image)):
        largest = node["uri"]
        for path, _width in node["hires"]:
            app.builder.images[path] = app.env.images[path][1]
            largest = path
        name = app.env.images[largest][1]
        link = nodes.reference("", "", internal=True, classes=["figure-full-size"])
        link["refuri"] = relative_uri(page, f"{app.builder.imagedir}/{name}")
        node.replace_self(link)
        link.append(node)


def visit_figure_image(self, node):
    images = self.builder.images
    if node["uri"] not in images:  # not copied (e.g. a missing file): Sphinx's own tag
        self.visit_image(node)
        return

    def url(path):
        return posixpath.join(self.builder.imgpath, urllib.parse.quote(images[path]))

    width = int(node["width"])
    atts = {"src": url(node["uri"]), "alt": node.get("alt", ""), "width": node["width"]}
    atts["height"] = node["height"]
    if node.get("loading") == "lazy":
        atts["loading"] = "lazy"
    if node["hires"]:
        candidates = [(node["uri"], width), *node["hires"]]
        atts["srcset"] = ", ".join(f"{url(path)} {w}w" for path, w in candidates)
        # The figure is shown at its 1x width, or narrower on a narrower screen.
        atts["sizes"] = f"(max-width: {width}px) 100vw, {width}px"
    self.body.append(self.emptytag(node, "img", "\n", **atts))


def depart_figure_image(self, node):
    pass


def setup(app):
    # Before Sphinx's image collector (priority 500), so that it collects our nodes.
    app.connect("doctree-read", size_gallery_images, priority=PRIORITY["frontend.figure_images"])
    app.connect("doctree-resolved", link_figures_to_full_size)
    app.add_node(figure_image, html=(visit_figure_image, depart_figure_image))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
