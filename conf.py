"""Sphinx configuration for the image-quantization tutorial site.

The Makefile runs ``sphinx-build -c . docs _build/html``: this file lives at the top of the
repository, the hand-written pages in ``docs/``, the gallery sources in ``examples/``, and
the site's own Sphinx extensions, with the helpers this file calls, in ``sphinxext/`` (as
scikit-learn's and matplotlib's ``doc/sphinxext/``).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "sphinxext"))

from api_links import intersphinx_mapping as _api_links  # noqa: E402
from peak_memory import peak_memory  # noqa: E402
from provision_data import DatasetError, provision  # noqa: E402
from sphinx.errors import ConfigError  # noqa: E402
from sphinx.util import logging  # noqa: E402

logger = logging.getLogger("conf")

# -- Project ---------------------------------------------------------------------------
project = "Quantizing images"
author = "The Quantizing images authors"
copyright = "2026, The Quantizing images authors"
# Tab titles read "<page> — Quantizing images".
html_title = "Quantizing images"

# -- Extensions --------------------------------------------------------------------------
extensions = [
    # Upstream extensions.
    "sphinx.ext.intersphinx",  # links from code and prose to the upstream API docs
    "sphinx_copybutton",  # a copy button on every code cell
    "sphinx_gallery.gen_gallery",  # examples/ -> pages, notebooks, downloads
    # Local extensions, one module each in sphinxext/.
    "api_usage_page",  # local: the "API used in this gallery" page
    "local_mathjax",  # local: formulas render offline, no CDN request
    "gallery_polish",  # local: thumbnail alt text, distinct page titles
    "gallery_pool",  # local: all examples in one worker pool, or serial
    "gallery_unchanged",  # local: no regeneration when nothing changed
    "code_links",  # local: no code tokenizing for API links when none resolve
    "gallery_prune",  # local: a renamed or deleted example leaves nothing behind
    "stable_config",  # local: a no-op rebuild does not claim the configuration changed
    "figure_images",  # local: figure sizes, lazy loading, srcset, tap to full size
    "page_description",  # local: a meta description from each page's first paragraph
    "running_times_offline",  # local: the running-times page without CDN scripts
    "nav_toggle_labels",  # local: the sidebar's expand buttons get a name
    "mathjax_after_load",  # local: MathJax starts after the page has loaded
    "head_assets",  # local: no script, search index or unused style sheet before first paint
    "live_figures",  # local: figures the reader changes, computed in the browser
]
root_doc = "index"
exclude_patterns = [
    "_build",
    # sphinx-gallery writes a running-times page in every gallery folder as well; the one
    # linked from the home page lists all examples, so the others are not built.
    "auto_examples/sg_execution_times.rst",
    "auto_examples/*/sg_execution_times.rst",
]

# -- HTML output -------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_static_path = ["docs/_static"]
# The theme's layout with lighter heads: Lighthouse mobile 0.83-0.90 -> 0.91-0.99
# (docs/_templates/layout.html; sphinxext/head_assets.py has the measurements).
templates_path = ["docs/_templates"]
html_css_files = ["site.css"]  # accessible thumbnail links, figure links (docs/_static/)
html_favicon = "docs/_static/favicon.svg"
html_logo = "docs/_static/favicon.svg"
html_theme_options = {
    "logo": {"text": "Quantizing images", "alt_text": "Quantizing images: home"},
    "show_toc_level": 2,
}
html_show_sourcelink = False
# Pages outside the gallery have no section to navigate: no empty left sidebar there.
html_sidebars = {"index": [], "api_used": [], "sg_execution_times": []}
# The theme's script rejects an empty mode (a console error on every first visit):
# start in "auto", which follows the reader's system setting.
html_context = {"default_mode": "auto"}

# -- Live figures ------------------------------------------------------------------------
# Page -> [(section id, kind)]: a live figure at the end of that section
# (sphinxext/live_figures.py; the kinds are "levels", "dither", "colour" and "jpeg").
live_figures = {
    "auto_examples/plot_vector_quantization": [("quantizing-with-k-means-bins", "levels")],
    "auto_examples/series/plot_04_dithering": [("the-three-side-by-side", "dither")],
    "auto_examples/series/plot_05_colour_quantization": [("a-k-means-palette", "colour")],
    "auto_examples/series/plot_10_transform_coding": [("the-image", "jpeg")],
}

# -- The dataset -------------------------------------------------------------------------
# The examples call scipy.datasets.face(), which would download face.dat. Put the copy
# shipped in data/ into pooch's cache first (hash-checked), so the build needs no network.
try:
    logger.info(provision())
except DatasetError as error:
    raise ConfigError(str(error)) from None

# -- Links to upstream API docs ------------------------------------------------------------
# Online when the doc hosts answer, from local objects.inv files with QI_INVENTORIES=dir,
# or off; a build without network stays clean and says so in one line
# (sphinxext/api_links.py).
try:
    intersphinx_mapping, _links_note = _api_links()
except ValueError as error:
    raise ConfigError(str(error)) from None
logger.info(_links_note)
# Fetch inventories at most once a week; a failed fetch is a warning, so -W stops on it.
intersphinx_cache_limit = 7
intersphinx_timeout = 10

# -- Copy buttons ------------------------------------------------------------------------
# Only code cells get a button; the printed output below them is not code.
copybutton_selector = "div.highlight-Python pre"
copybutton_exclude = ".linenos, .gp, .go"

# -- sphinx-gallery ----------------------------------------------------------------------
sphinx_gallery_conf = {
    # Run the examples in parallel, as many at once as `sphinx-build -j` says (the
    # Makefile passes -j auto: one per core). sphinx-gallery's own parallel mode runs one
    # gallery directory at a time (a clean build took 1.10 times as long, 11 pairs) and
    # imports joblib even in a no-op rebuild, so it stays off: sphinxext/gallery_pool.py
    # runs the examples to run, from every directory, in one pool of worker processes
    # forked from the build instead. If a sphinx-gallery upgrade changes what the pool
    # relies on, it steps aside and sets this option to the -j value for that build.
    "parallel": False,
    # Where the sources are and where the generated pages go (relative to docs/).
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    # Every .py in examples/ is a page whose code runs during the build.
    "filename_pattern": r"\.py$",
    # The series is a course: its pages are numbered (plot_01_..., plot_02_...) and read
    # in that order.
    "within_subsection_order": "FileNameSortKey",
    # An example that raises fails the build (sphinx-gallery reports it by name).
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
    # Figures are saved as lossless WebP by sphinx-gallery's matplotlib scraper: the same
    # pixels as PNG in 30 % fewer bytes, and faster to encode (sphinxext/figure_scraper.py).
    "image_scrapers": ("figure_scraper.matplotlib_webp",),
    # Figures also at twice the resolution, for high-density screens, where it pays: the
    # column is up to 720 CSS px, figures are 600 to 1200 px wide, and those from 1080 px
    # on get no 2x file (sphinxext/figure_scraper.py). The browser takes it only where the
    # figure is shown wider than its 1x file (never on a 1x screen; figure_images.py).
    # Measured cost, clean builds of the nine examples (CPU, mean of two, loaded machine):
    # no 2x 29.9 s and 4.5 MB of images, 2x where it pays 33.1 s and 11.7 MB, 2x for
    # every figure 36.4 s and 17.6 MB.
    "image_srcset": ["2x"],
    # Figures are drawn off-screen; the notebooks switch to inline plots.
    "matplotlib_animations": False,
    "first_notebook_cell": "%matplotlib inline",
    # Each example picks its thumbnail with a `# sphinx_gallery_thumbnail_number = N`
    # comment; such configuration comments are left out of the page and the notebook (the
    # downloaded .py is the source file, as it is).
    "remove_config_comments": True,
    # Examples print their results explicitly; a trailing expression is not echoed.
    "capture_repr": (),
    # Each example starts from a fresh matplotlib state. peak_memory.prepare_example
    # imports what the example imports and resets the memory mark before it runs.
    "reset_modules": ("matplotlib", "peak_memory.prepare_example"),
    "reset_modules_order": "both",
    # Peak memory on every page: how far the example raised the process's resident
    # memory (sphinxext/peak_memory.py says exactly what that counts). Costs no run time and
    # works in serial and parallel builds alike.
    "show_memory": peak_memory,
    # Show the time of every example on the execution-times page, however short.
    "min_reported_time": 0,
    # The zip of every example, and each example as .py and .ipynb.
    "download_all_examples": True,
    # Which objects each example uses, for the mini-galleries on the API page.
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("sklearn", "numpy", "scipy"),
    # "Related examples" at the end of each page, by similarity of their text.
    "recommender": {"enable": True, "n_examples": 3},
}
