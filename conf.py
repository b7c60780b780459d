"""Sphinx configuration for the image-quantization tutorial site.

The Makefile runs ``sphinx-build -c . docs _build/html``: this file lives at the top of the
repository, the hand-written pages in ``docs/``, the gallery sources in ``examples/``, and
the site's own Sphinx extensions, with the helpers this file calls, in the package
``sphinxext/`` (as scikit-learn's and matplotlib's ``doc/sphinxext/``; its ``__init__.py``
says what goes where, and orders the extensions' event priorities).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# The repository's root, so that the local package is importable as `sphinxext`.
sys.path.insert(0, str(ROOT))

from sphinx.errors import ConfigError  # noqa: E402
from sphinx.util import logging  # noqa: E402

from sphinxext.helpers.api_links import intersphinx_mapping as _api_links  # noqa: E402
from sphinxext.helpers.dataset import DatasetError, provision  # noqa: E402
from sphinxext.helpers.peak_memory import peak_memory  # noqa: E402

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
    "sphinx_design",  # the home page's grid of course cards
    "sphinx_gallery.gen_gallery",  # examples/ -> pages, notebooks, downloads
    # Local extensions, one module each, grouped by concern (sphinxext/__init__.py).
    # Around sphinx-gallery's generation step:
    "sphinxext.gallery.prune",  # a renamed or deleted example leaves nothing behind
    "sphinxext.gallery.api_page",  # the "API used in this gallery" page
    # On the HTML pages readers get:
    "sphinxext.frontend.mathml",  # formulas written as MathML at build time, no script
    "sphinxext.frontend.gallery_polish",  # thumbnail alt text, distinct page titles
    "sphinxext.frontend.figure_images",  # figure sizes, lazy loading, srcset, tap to full size
    "sphinxext.opengraph",  # Open Graph and Twitter tags, and the meta description
    "sphinxext.frontend.social_images",  # each example page shares its gallery thumbnail
    "sphinxext.frontend.running_times_offline",  # the running-times page without CDN scripts
    "sphinxext.frontend.nav_toggle_labels",  # the sidebar's expand buttons get a name
    "sphinxext.frontend.head_assets",  # no script or unused style sheet before first paint
    "sphinxext.frontend.home_picture",  # the home page's picture, drawn at build time
    "sphinxext.frontend.live_figures",  # figures the reader changes, computed in the browser
    "sphinxext.gallery.spaces_in_path",  # a checkout under a folder with spaces builds
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
# The theme's layout with lighter heads: no script delays the first paint
# (docs/_templates/layout.html; sphinxext/frontend/head_assets.py says why).
templates_path = ["docs/_templates"]
# Accessible thumbnail links, figure links (docs/_static/). Given as Sphinx completes it
# (priority 800: after the extensions' style sheets), so that a rebuild compares equal.
html_css_files = [("site.css", {"priority": 800})]
html_favicon = "docs/_static/favicon.svg"
html_logo = "docs/_static/favicon.svg"
html_theme_options = {
    "logo": {"text": "Quantizing images", "alt_text": "Quantizing images: home"},
    "show_toc_level": 2,
    # The theme's defaults, given here so that a rebuild compares equal (it sets them
    # while building when conf.py does not).
    "icon_links": [],
    # The home page is one section: no "On this page" column beside it, so its picture
    # and its cards have the whole width.
    "secondary_sidebar_items": {"**": ["page-toc", "edit-this-page", "sourcelink"], "index": []},
}
html_permalinks_icon = "#"
html_show_sourcelink = False
# Pages outside the gallery have no section to navigate: no empty left sidebar there.
html_sidebars = {"index": [], "api_used": [], "sg_execution_times": []}
# The theme's script rejects an empty mode (a console error on every first visit):
# start in "auto", which follows the reader's system setting.
html_context = {"default_mode": "auto"}
# Formulas as MathML, written when the site is built (sphinxext/mathml.py): the browser
# draws them, screen readers read them, and no page loads a script for them.
html_math_renderer = "mathml"

# -- Sharing and search engines ----------------------------------------------------------
# The address the site is published at: Read the Docs says it in READTHEDOCS_CANONICAL_URL
# (elsewhere, set it by hand). With it, every page names its canonical URL, the Open Graph
# tags carry absolute URLs, and sphinx-sitemap writes sitemap.xml; without it (a local
# build) there is no sitemap, since its URLs would be unknown.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
if html_baseurl:
    html_baseurl = html_baseurl.rstrip("/") + "/"
    extensions.append("sphinx_sitemap")
# The canonical URL already holds the language and version: pages are listed as they are.
sitemap_url_scheme = "{link}"
# Not pages to be found by a search engine: the search form and the index of terms.
sitemap_excludes = ["search.html", "genindex.html"]
# Open Graph (sphinxext-opengraph): title, description (the page's first paragraph, also
# written as the meta description) and image (an example's gallery thumbnail, the home
# page's picture: sphinxext/social_images.py). No generated social cards: they need
# Matplotlib to draw a card per page, with fonts, and would hide the thumbnails.
ogp_site_url = html_baseurl
ogp_description_length = 160
ogp_social_cards = {"enable": False}
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary_large_image" />']

# -- Live figures ------------------------------------------------------------------------
# Page -> [(section id, kind)]: a live figure at the end of that section
# (sphinxext/frontend/live_figures.py; the kinds are "levels", "dither", "colour" and "jpeg").
live_figures = {
    "auto_examples/plot_vector_quantization": [("quantizing-with-k-means-bins", "levels")],
    "auto_examples/series/plot_05_dithering": [("the-three-side-by-side", "dither")],
    "auto_examples/series/plot_07_colour_quantization": [("a-k-means-palette", "colour")],
    "auto_examples/series/plot_12_transform_coding": [("blocking-at-native-pixels", "jpeg")],
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
# (sphinxext/helpers/api_links.py).
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
    # Makefile passes -j auto: one per core; -j 1 runs them in the build process). It
    # works one gallery folder at a time: the walkthrough, alone in examples/, runs by
    # itself, then the course in examples/series/.
    "parallel": True,
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
    # pixels as PNG in 30 % fewer bytes, and faster to encode
    # (sphinxext/helpers/figure_scraper.py).
    "image_scrapers": ("sphinxext.helpers.figure_scraper.matplotlib_webp",),
    # Figures also at twice the resolution, for high-density screens, where it pays: the
    # column is up to 720 CSS px, figures are 600 to 1200 px wide, and those from 1080 px
    # on get no 2x file (sphinxext/helpers/figure_scraper.py; its cost is in the README).
    # The browser takes it only where the figure is shown wider than its 1x file (never on
    # a 1x screen; sphinxext/frontend/figure_images.py).
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
    # Each example starts from a fresh matplotlib state. prepare_example imports what the
    # example imports and resets the memory mark before it runs. Named as strings, so the
    # configuration Sphinx pickles compares equal from one build to the next.
    # example_time_limit.arm stops an example that runs longer than QI_EXAMPLE_TIME_LIMIT
    # seconds (300 by default) and fails the build naming it.
    "reset_modules": (
        "matplotlib",
        "sphinxext.helpers.peak_memory.prepare_example",
        "sphinxext.helpers.example_time_limit.arm",
    ),
    "reset_modules_order": "both",
    # Peak memory on every page: how far the example raised the process's resident
    # memory (sphinxext/helpers/peak_memory.py says exactly what that counts). Costs no run
    # time and works in serial and parallel builds alike. This option takes no string: the
    # object compares equal to itself across builds.
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
