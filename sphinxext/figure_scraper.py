"""The figure scraper: sphinx-gallery's matplotlib scraper, saving lossless WebP.

A tutorial on quantization cannot show compression artefacts of its own, so figures stay
lossless; lossless WebP is the smallest lossless format every current browser reads.
Measured on this site's 23 figures (the RGBA buffers Matplotlib draws, bench/pages.py
--formats): PNG at zlib level 3, the previous setting, 4.77 MB in 0.67 s; lossless WebP
at method 0, quality 100 (the fastest method, the most effort within it) 3.19 MB in 0.84 s;
method 2 or more gives 2.6 MB but encodes 4 to 70 times slower. The pixels are the ones
Matplotlib drew, exactly (tests/test_browser.py decodes the served files and compares).
"""

from sphinx_gallery.scrapers import matplotlib_scraper

# Pillow's WebP options: lossless, with `method` (0-6) the encoder's effort and, in
# lossless mode, `quality` (0-100) the effort spent within that method.
FIGURE_OPTIONS = {
    "format": "webp",
    "pil_kwargs": {"lossless": True, "method": 0, "quality": 100},
}


def matplotlib_webp(block, block_vars, gallery_conf):
    """sphinx-gallery's matplotlib scraper, saving each figure as lossless WebP."""
    return matplotlib_scraper(block, block_vars, gallery_conf, **FIGURE_OPTIONS)
