"""A Sphinx extension that draws the home page's picture when the site is built.

The ``home-picture`` directive shows the same crop of SciPy's raccoon face twice, side by
side: as stored, with its 256 grey levels, and quantized to a few levels (``:levels:``,
equally wide bins, each pixel replaced by its bin's centre). Each image pixel is drawn as
``:scale:`` × ``:scale:`` pixels of the file (nearest neighbour), so the banding shows at
a glance. The images are computed from ``scipy.datasets.face`` (conf.py has put the
shipped ``face.dat`` in SciPy's cache first) and written into the built site's
``_images``; nothing generated is committed. The quantized crop is also the page's
``og:image`` for sphinxext-opengraph.

Options: ``:levels:`` (2 to 128, default 4), ``:scale:`` (1 to 4, default 2) and
``:crop:`` (top, left, height, width in image pixels).
"""

import io
import posixpath
import zlib
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from sphinxext import PRIORITY

ORIGINAL_LEVELS = 256


def crop_and_quantize(crop, levels):
    """The crop of the grey raccoon, and that crop with ``levels`` uniform bins."""
    import numpy as np
    from scipy.datasets import face

    image = face(gray=True)
    top, left, height, width = crop
    if top + height > image.shape[0] or left + width > image.shape[1]:
        raise ValueError(f"the crop {crop} does not fit the {image.shape} image")
    original = image[top : top + height, left : left + width]
    step = ORIGINAL_LEVELS / levels
    quantized = (np.floor(original / step) * step + step / 2).astype(np.uint8)
    return original, quantized


def png_bytes(pixels, scale):
    """A grey PNG of ``pixels``, each pixel repeated ``scale`` × ``scale`` times."""
    import numpy as np
    from PIL import Image

    large = np.repeat(np.repeat(pixels, scale, axis=0), scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(large, mode="L").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), large.shape[::-1]


def _positive_crop(argument):
    values = [int(v) for v in directives.positive_int_list(argument)]
    if len(values) != 4:
        raise ValueError("give four numbers: top, left, height, width (in image pixels)")
    return values


class home_picture(nodes.General, nodes.Element):
    """The picture's settings; the files are drawn when the page is written."""


class HomePicture(SphinxDirective):
    has_content = False
    option_spec = {
        "levels": lambda a: _bounded(a, 2, 128),
        "scale": lambda a: _bounded(a, 1, 4),
        "crop": _positive_crop,
    }

    def run(self):
        node = home_picture()
        node["levels"] = self.options.get("levels", 4)
        node["scale"] = self.options.get("scale", 2)
        node["crop"] = self.options.get("crop", [250, 564, 162, 216])
        try:  # a crop outside the image fails here, naming the page and line
            crop_and_quantize(node["crop"], node["levels"])
        except (ValueError, OSError) as error:
            raise self.error(f"home-picture: {error}") from None
        self.env.note_dependency(__file__)
        return [node]


def visit_home_picture(self, node):
    """Write both images into the site's ``_images`` and the HTML that shows them."""
    original, quantized = crop_and_quantize(node["crop"], node["levels"])
    folder = Path(self.builder.outdir, self.builder.imagedir)
    folder.mkdir(parents=True, exist_ok=True)
    panels = []
    for pixels, count in ((original, ORIGINAL_LEVELS), (quantized, node["levels"])):
        data, (width, height) = png_bytes(pixels, node["scale"])
        # Named by content: a changed crop or scale never shows a stale file.
        name = f"home-{count}-levels-{zlib.crc32(data):08x}.png"
        (folder / name).write_bytes(data)
        src = posixpath.join(self.builder.imgpath, name)
        src_root = posixpath.join(self.builder.imagedir, name)  # from the site's root
        panels.append(
            "<figure>"
            # The largest paint, on the first screen: asked for at high priority at once,
            # not only once layout finds it on screen.
            f'<img src="{src}" width="{width}" height="{height}" fetchpriority="high" '
            f'alt="The raccoon\'s eyes with {count} grey levels">'
            f"<figcaption>{count} grey levels</figcaption></figure>"
        )
    self.body.append('<div class="home-picture">' + "".join(panels) + "</div>\n")
    # The quantized crop is the page's image when it is shared (Open Graph).
    _shared[self.builder.current_docname] = (src_root, f"The raccoon's eyes at {count} grey levels")
    raise nodes.SkipNode


# The image each page with a picture shares, noted when the page is written (in the
# process that writes it, which then sends the page's context through share_picture).
_shared = {}


def share_picture(app, pagename, templatename, context, doctree):
    if pagename not in _shared:
        return
    image, alt = _shared.pop(pagename)
    context["meta"] = {**(context.get("meta") or {}), "og:image": image, "og:image:alt": alt}


def _bounded(argument, low, high):
    value = int(argument)
    if not low <= value <= high:
        raise ValueError(f"must be between {low} and {high}")
    return value


def setup(app):
    app.add_node(home_picture, html=(visit_home_picture, None))
    # Before sphinxext-opengraph's handler (priority 500), which reads the page's fields.
    app.connect("html-page-context", share_picture, priority=PRIORITY["frontend.home_picture"])
    app.add_directive("home-picture", HomePicture)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
