"""Sphinx configuration for the image-quantization tutorial site.

The Makefile runs ``sphinx-build -c . docs _build/html``: this file lives at the top of the
repository, the hand-written pages in ``docs/``, the gallery sources in ``examples/``.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))

from provision_data import DatasetError, provision  # noqa: E402
from sphinx.errors import ConfigError  # noqa: E402
from sphinx.util import logging  # noqa: E402

logger = logging.getLogger("conf")

# -- Project ---------------------------------------------------------------------------
project = "Quantizing images"
author = "The Quantizing images authors"
copyright = "2026, The Quantizing images authors"

# -- General -------------------------------------------------------------------------
extensions = [
    "sphinx_gallery.gen_gallery",
]
root_doc = "index"
# Generated pages live under docs/ but are rebuilt from examples/ on every build.
exclude_patterns = ["_build"]
# The pages carry no version of their own; keep titles short.
html_title = "Quantizing images"

# -- HTML output -----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_theme_options = {
    # Nothing on the site calls a remote service.
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_show_sourcelink = False

# -- The dataset -------------------------------------------------------------------------
# The examples call scipy.datasets.face(), which would download face.dat. Put the copy
# shipped in data/ into pooch's cache first (hash-checked), so the build needs no network.
try:
    logger.info(provision())
except DatasetError as error:
    raise ConfigError(str(error)) from None

# -- sphinx-gallery ----------------------------------------------------------------------
sphinx_gallery_conf = {
    # Where the sources are and where the generated pages go (relative to docs/).
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    # Every .py in examples/ is a page whose code runs during the build.
    "filename_pattern": r"\.py$",
    # The series is a course: its pages are numbered (plot_1_..., plot_2_...) and read
    # in that order.
    "within_subsection_order": "FileNameSortKey",
    # An example that raises fails the build (sphinx-gallery reports it by name).
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
    # Figures are drawn off-screen; the notebooks switch to inline plots.
    "matplotlib_animations": False,
    "first_notebook_cell": "%matplotlib inline",
    # Examples print their results explicitly; a trailing expression is not echoed.
    "capture_repr": (),
    # Each example starts from a fresh matplotlib state.
    "reset_modules": ("matplotlib",),
    # Show the time of every example on the execution-times page, however short.
    "min_reported_time": 0,
    # The zip of every example, and each example as .py and .ipynb.
    "download_all_examples": True,
}
