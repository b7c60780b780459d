"""Live figures: the reader moves a control, and the image, histogram and numbers follow.

A live figure is computed in the reader's browser by ``docs/_static/live-figures.js``
from a lossless image of the raccoon that this extension writes into the site. Its HTML
is put at the end of a section of an example's page, named in ``conf.py``::

    live_figures = {"auto_examples/plot_vector_quantization": [("section-id", "levels")]}

so nothing of it is in the example's source: the downloaded script and notebook carry
no trace of it. The figure is ``hidden`` until the script shows it, so without
JavaScript the page shows its static figures only. A section that is not found stops
the build with the page's section ids, so a renamed heading cannot drop a figure
silently.
"""

import html
import json
from pathlib import Path

import numpy as np
from docutils import nodes
from PIL import Image
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

SCRIPT = "live-figures.js"
STYLE = "live-figures.css"
# What each kind of figure is computed from (written into _static/live/ by the build).
IMAGES = {
    "grey": "raccoon-grey.webp",  # scipy.datasets.face(gray=True), 1024 x 768
    "colour": "raccoon-colour-half.webp",  # face()[::2, ::2], 512 x 384
}

# Each kind: its image, its controls (label, name, HTML of the control), the label of its
# third canvas (histogram, palette or table) until the script draws it, and its caption.
_LEVELS_SELECT = (
    '<select name="method">'
    '<option value="uniform">equally wide bins</option>'
    '<option value="kmeans" selected>k-means bins</option>'
    '<option value="optimal">optimal, fixed rate</option>'
    "</select>"
)
_DITHER_SELECT = (
    '<select name="dither">'
    '<option value="none">none (nearest level)</option>'
    '<option value="ordered">ordered (Bayer 8×8)</option>'
    '<option value="fs" selected>Floyd–Steinberg</option>'
    "</select>"
)


def _range(name, low, high, value):
    return f'<input type="range" name="{name}" min="{low}" max="{high}" value="{value}">'


# The dithering figure's most levels: its slider's end, and how far the build computes
# Pillow's choice of level (data-pillow-edges).
DITHER_LEVELS = 16

# The JPEG figure's part of the grey image, on the page's block grid (from row and
# column 4), small enough to be coded again within a frame; its close-up, in the
# crop's coordinates, is the other figures' (x 560, y 300 of the whole image).
JPEG_CROP = {"x": 356, "y": 164, "width": 512, "height": 384, "closeup": {"x": 204, "y": 136}}

KINDS = {
    "levels": {
        "image": "grey",
        "controls": [
            ("Grey levels", "levels", _range("levels", 2, 64, 8)),
            ("Bins", "method", _LEVELS_SELECT),
        ],
        "side_label": "Histogram of the original grey levels, with the levels marked",
        "caption": "Quantize the raccoon yourself: choose the number of grey levels "
        "and how the bins are placed.",
    },
    "dither": {
        "image": "grey",
        "controls": [
            ("Grey levels", "levels", _range("levels", 2, DITHER_LEVELS, 8)),
            ("Dither", "dither", _DITHER_SELECT),
        ],
        "side_label": "Histogram of the original grey levels, with each level's share",
        "data": {"pillow-edges": lambda: pillow_nearest_edges(DITHER_LEVELS)},
        "caption": "Dither the raccoon yourself: evenly spaced grey levels, with or "
        "without dithering.",
    },
    "colour": {
        "image": "colour",
        "controls": [("Colours", "colours", _range("colours", 2, 64, 8))],
        "side_label": "The palette, each colour as wide as its share of the pixels",
        "caption": "Build a palette yourself: k-means on 4096 pixels drawn from the "
        "image, computed in your browser (every other row and column of the raccoon). "
        "With its own sample, its PSNR comes within a few tenths of a decibel of the "
        "page's.",
    },
    "jpeg": {
        "image": "grey",
        "controls": [("JPEG quality", "quality", _range("quality", 1, 100, 50))],
        "side_label": "JPEG's luminance quantization table at the chosen quality",
        "data": {"crop": lambda: JPEG_CROP},
        "caption": "Compress the raccoon's face yourself: JPEG's luminance table scaled "
        f"by the quality, on the 8 × 8 blocks of a {JPEG_CROP['width']} × "
        f"{JPEG_CROP['height']} crop around its eyes, on the grid from row 4 and column 4 "
        "as on this page. The numbers are the crop's, not the whole image's.",
    },
}


def pillow_nearest_edges(max_levels):
    """Where Pillow's palette lookup puts each grey, for 2 to ``max_levels`` even levels.

    For n levels (``rint(i * 255 / (n - 1))``), the first grey that goes to each level but
    the lowest. Pillow's Floyd–Steinberg, which the dithering page uses, picks a level
    through a cache of 4-grey cells, which sends a few greys next to a midpoint to the
    farther level; the live figure makes the same choice, so that it shows the page's
    numbers.
    """
    ramp = Image.fromarray(np.arange(256, dtype=np.uint8)[None, :]).convert("RGB")
    edges = []
    for n in range(2, max_levels + 1):
        levels = np.rint(np.arange(n) * 255 / (n - 1)).astype(np.uint8)
        palette = Image.new("P", (1, 1))
        palette.putpalette(np.repeat(levels, 3).tolist())
        index = np.asarray(ramp.quantize(palette=palette, dither=Image.Dither.NONE))[0]
        if np.any(np.diff(index.astype(int)) < 0):
            raise ExtensionError(f"Pillow's palette lookup is not monotone for {n} levels")
        edges.append([int(np.argmax(index >= k)) for k in range(1, n)])
    return edges


class live_figure(nodes.General, nodes.Element):
    """Where a live figure goes; written as HTML, and as nothing by other builders."""


def figure_html(kind, number, static):
    """The HTML of a live figure of ``kind``, the ``number``-th of its page."""
    spec = KINDS[kind]
    prefix = f"live-{kind}-{number}"
    controls = []
    for label, name, control in spec["controls"]:
        control = control.replace(f'name="{name}"', f'name="{name}" id="{prefix}-{name}"', 1)
        output = ""
        if control.startswith("<input"):
            output = f'<output for="{prefix}-{name}" class="live-value"></output>'
        controls.append(
            f'<div class="live-control"><label for="{prefix}-{name}">{label}</label>'
            f"{control}{output}</div>"
        )
    src = html.escape(f"{static}/live/{IMAGES[spec['image']]}")
    data = "".join(
        f' data-{name}="{html.escape(json.dumps(make(), separators=(",", ":")))}"'
        for name, make in spec.get("data", {}).items()
    )
    return (
        f'<figure class="live-figure" id="{prefix}" data-kind="{kind}" data-src="{src}"{data}'
        " hidden>"
        f"<figcaption>{html.escape(spec['caption'])}</figcaption>"
        f'<div class="live-controls">{"".join(controls)}</div>'
        '<div class="live-numbers" aria-live="polite" aria-atomic="true"></div>'
        '<div class="live-views">'
        # Labels until the first drawing, which replaces them with its numbers.
        '<canvas class="live-image" role="img" '
        'aria-label="The raccoon, drawn with the settings above"></canvas>'
        '<div class="live-side">'
        '<canvas class="live-closeup" role="img" '
        'aria-label="Close-up of the same, 3 screen pixels per image pixel"></canvas>'
        f'<canvas class="live-histogram" role="img" aria-label="{html.escape(spec["side_label"])}">'
        "</canvas>"
        "</div></div>"
        "</figure>"
    )


def place_figures(app, doctree):
    """Put a ``live_figure`` node at the end of each configured section of this page."""
    wanted = app.config.live_figures.get(app.env.docname)
    if not wanted:
        return
    sections = {}
    for section in doctree.findall(nodes.section):
        for section_id in section["ids"]:
            sections[section_id] = section
    for number, (section_id, kind) in enumerate(wanted, start=1):
        if kind not in KINDS:
            raise ExtensionError(
                f"live_figures: unknown kind {kind!r} for {app.env.docname} "
                f"(known kinds: {', '.join(KINDS)})"
            )
        if section_id not in sections:
            raise ExtensionError(
                f"live_figures: {app.env.docname} has no section {section_id!r}; "
                f"its sections are: {', '.join(sorted(sections))}. "
                "Update live_figures in conf.py."
            )
        node = live_figure(kind=kind, number=number)
        section = sections[section_id]
        # After the section's own content, before its subsections.
        subsections = [child for child in section.children if isinstance(child, nodes.section)]
        if subsections:
            section.insert(section.index(subsections[0]), node)
        else:
            section.append(node)


def visit_html(translator, node):
    builder = translator.builder
    static = relative_uri(builder.get_target_uri(builder.current_docname), "_static")
    translator.body.append(figure_html(node["kind"], node["number"], static))
    raise nodes.SkipNode


def skip(translator, node):
    raise nodes.SkipNode


def add_assets(app, pagename, templatename, context, doctree):
    if doctree is not None and any(doctree.findall(live_figure)):
        app.add_css_file(STYLE)
        app.add_js_file(SCRIPT)


def write_images(app, exception):
    """Write the images the live figures compute from, unless they are there already."""
    if exception is not None or app.builder.format != "html" or not app.config.live_figures:
        return
    folder = Path(app.outdir) / "_static" / "live"
    missing = {key: folder / name for key, name in IMAGES.items() if not (folder / name).exists()}
    if not missing:
        return
    from scipy.datasets import face

    folder.mkdir(parents=True, exist_ok=True)
    arrays = {"grey": lambda: face(gray=True), "colour": lambda: face()[::2, ::2]}
    for key, path in missing.items():
        Image.fromarray(arrays[key]()).save(path, "WEBP", lossless=True, quality=100, method=4)
    logger.info("live figures: wrote %s", ", ".join(sorted(p.name for p in missing.values())))


def setup(app):
    app.add_config_value("live_figures", {}, "env", types=[dict])
    app.add_node(
        live_figure,
        html=(visit_html, None),
        latex=(skip, None),
        text=(skip, None),
        man=(skip, None),
        texinfo=(skip, None),
    )
    app.connect("doctree-read", place_figures)
    app.connect("html-page-context", add_assets)
    app.connect("build-finished", write_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
