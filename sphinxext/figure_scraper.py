"""The figure scraper: sphinx-gallery's matplotlib scraper, saving lossless WebP.

A tutorial on quantization cannot show compression artefacts of its own, so figures stay
lossless; lossless WebP is the smallest lossless format every current browser reads.
Measured on this site's 22 figures and their 2x variants (the RGBA pixels Matplotlib drew,
median of 5 encodings on one core; ``bench/pages.py --formats`` repeats the comparison):

  PNG, zlib level 3 (the previous setting)  1x 4.77 MB in 0.44 s, 2x 14.26 MB in 1.51 s
  WebP lossless, method 0, quality 50       1x 3.32 MB in 0.23 s, 2x 10.85 MB in 1.02 s
  WebP lossless, method 0, quality 100      1x 3.19 MB in 0.51 s, 2x 10.24 MB in 3.09 s
  WebP lossless, method 2, quality 50       1x 2.64 MB, 2x 7.77 MB, 3 to 9 times slower

Method 0, quality 50: 30 % smaller than PNG and faster to encode; more effort saves a few
per cent more for two to nine times the encoding time, which every build pays. The pixels
are the ones Matplotlib drew, exactly: tests/test_browser.py decodes the served files and
compares them with the figures drawn again.

Thumbnails are sphinx-gallery's: scaled from the chosen figure's file and saved in its
format with Pillow's defaults, which for WebP is lossy at quality 80 (6 to 10 kB each,
against 18 to 39 kB as PNG). They are previews shown at 160 x 112 px, not figures.

Each figure is laid out once. With ``layout="constrained"`` (most of the course's
figures), Matplotlib runs the layout engine at every save, measuring every label again at
the save's resolution; the scraper saves each figure twice (1x and 2x). So before saving,
the engine runs once at the figure's own resolution and is then switched off
(``set_layout_engine("none")``, Matplotlib's public API). The 1x files are pixel for pixel
the ones saved before; the 2x files are now exactly the 1x layout at twice the resolution,
where before each was laid out on its own and could shift by a pixel. Saving the figures of
pages 1, 2, 6, 7 and 8 at 1x and 2x took 13.2 s and takes 11.2 s (sums over the five pages,
means of three runs side by side, on a loaded machine).

A high-density variant (``image_srcset``) is saved only where it pays. The theme's article
column is at most 720 CSS px wide (measured in Chromium at 1280 to 1920 px wide windows), so
a 2x screen shows a figure on at most 1440 device pixels, and a phone (390 CSS px at 3x) on
about 1100. A figure 1100 or 1200 px wide at 1x already has 76 to 83 % of the pixels a 2x
screen gives it, more than a phone gives it: its 2x file, three to four times the bytes,
would barely sharpen it. One 600 to 1000 px wide has 50 to 69 % of them, and its 2x file
shows visibly finer text and lines. So figures from 1080 px wide on keep their 1x file only.
Of the 34 figures, 11 are that wide, most of them rows of raccoon panels. Clean builds of
the nine examples took 36.4 s of CPU with a 2x file for every figure, 33.1 s with this rule
and 29.9 s with no 2x file at all (means of two, loaded machine); the images weigh 17.6,
11.7 and 4.5 MB.

A code block's figures are saved by one call of sphinx-gallery's scraper, which applies one
``image_srcset`` to all of them: a block with at least one narrow figure keeps 2x for all.
"""

import matplotlib.pyplot as plt
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from sphinx_gallery.scrapers import matplotlib_scraper

# Pillow's WebP options: lossless; `method` (0-6) is the encoder's effort and, in lossless
# mode, `quality` (0-100) the effort spent within that method.
FIGURE_OPTIONS = {
    "format": "webp",
    "pil_kwargs": {"lossless": True, "method": 0, "quality": 50},
}


def lay_out_once(figure):
    """Run the figure's layout engine now, and keep its result for every later save."""
    engine = figure.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        return  # fixed margins, or already laid out
    engine.execute(figure)
    figure.set_layout_engine("none")


# Figures this wide (in pixels, at 1x) or wider get no high-density variant (see above).
HIGH_DENSITY_BELOW = 1080


def width_in_pixels(figure):
    """The width of the figure's 1x file: its size at ``savefig.dpi`` (the figure's dpi)."""
    dpi = plt.rcParams["savefig.dpi"]
    return round(figure.get_figwidth() * (figure.dpi if dpi == "figure" else dpi))


def matplotlib_webp(block, block_vars, gallery_conf):
    """sphinx-gallery's matplotlib scraper: lossless WebP, laid out once, 2x where it pays."""
    figures = [plt.figure(number) for number in plt.get_fignums()]
    for figure in figures:
        lay_out_once(figure)
    if not any(width_in_pixels(figure) < HIGH_DENSITY_BELOW for figure in figures):
        gallery_conf = {**gallery_conf, "image_srcset": []}
    return matplotlib_scraper(block, block_vars, gallery_conf, **FIGURE_OPTIONS)
