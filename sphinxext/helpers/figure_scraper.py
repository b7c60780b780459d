"""The figure scraper: sphinx-gallery's matplotlib scraper, saving lossless WebP.

A tutorial on quantization cannot show compression artefacts of its own, so figures stay
lossless, and lossless WebP is the smallest lossless format every current browser reads
(``bench/pages.py --formats`` compares it with PNG; the README has the numbers). The
pixels are exactly the ones Matplotlib drew.

Each figure is laid out once: a figure with a layout engine is laid out at every save,
and the scraper saves it twice (1x and 2x), so the engine runs once and is then switched
off (``set_layout_engine("none")``, public API). A high-density (2x) file is saved only
where it sharpens what a screen shows: the article column is at most 720 CSS px wide, so
a figure 1080 px wide or more already has most of the pixels a 2x screen gives it. One
call of the scraper saves all figures of a code block with one ``image_srcset``, so a
block with one narrow figure keeps 2x for all. sphinx-gallery's thumbnails are its own
(lossy WebP previews).
"""

# Matplotlib is imported where it is used: sphinx-gallery's worker processes import this
# module to read the configuration, even in a no-op rebuild, where no figure is drawn.

# Pillow's WebP options: lossless; `method` (0-6) is the encoder's effort and, in lossless
# mode, `quality` (0-100) the effort spent within that method.
FIGURE_OPTIONS = {
    "format": "webp",
    "pil_kwargs": {"lossless": True, "method": 0, "quality": 50},
}


def lay_out_once(figure):
    """Run the figure's layout engine now, and keep its result for every later save."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = figure.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        return  # fixed margins, or already laid out
    engine.execute(figure)
    figure.set_layout_engine("none")


# Figures this wide (in pixels, at 1x) or wider get no high-density variant (see above).
HIGH_DENSITY_BELOW = 1080


def width_in_pixels(figure):
    """The width of the figure's 1x file: its size at ``savefig.dpi`` (the figure's dpi)."""
    import matplotlib

    dpi = matplotlib.rcParams["savefig.dpi"]
    return round(figure.get_figwidth() * (figure.dpi if dpi == "figure" else dpi))


def matplotlib_webp(block, block_vars, gallery_conf):
    """sphinx-gallery's matplotlib scraper: lossless WebP, laid out once, 2x where it pays."""
    import matplotlib.pyplot as plt
    from sphinx_gallery.scrapers import matplotlib_scraper

    figures = [plt.figure(number) for number in plt.get_fignums()]
    for figure in figures:
        lay_out_once(figure)
    if not any(width_in_pixels(figure) < HIGH_DENSITY_BELOW for figure in figures):
        gallery_conf = {**gallery_conf, "image_srcset": []}
    return matplotlib_scraper(block, block_vars, gallery_conf, **FIGURE_OPTIONS)
