"""A Sphinx extension that serves MathJax from the site itself, not from a CDN.

Pages with formulas would otherwise load MathJax from a CDN: a request to another host,
and no formulas at all offline. The MathJax 3 files come from the PyPI package
``sphinx-mathjax-offline`` (in requirements.txt); we copy only what the TeX-to-HTML
component needs (about 2.5 MB, not the package's 24 MB) and only when missing, so a
rebuild costs nothing.
"""

import importlib.metadata
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util.fileutil import copy_asset

# What tex-chtml.js loads: itself, its fonts, and the TeX extensions it can autoload.
NEEDED = ["tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions"]


def _mathjax_source():
    try:
        dist = importlib.metadata.distribution("sphinx-mathjax-offline")
    except importlib.metadata.PackageNotFoundError:
        dist = None
    # The package installs a folder named with hyphens, so it is found as files.
    folder = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax")) if dist else None
    if folder is None or not (folder / "tex-chtml.js").is_file():
        raise ExtensionError(
            "MathJax files not found: install the 'sphinx-mathjax-offline' package "
            "(pip install -r requirements.txt)."
        )
    return folder


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = _mathjax_source()
    target = Path(app.outdir, "_static", "mathjax")
    for item in NEEDED:
        if not (target / item).exists():
            if (source / item).is_dir():
                copy_asset(source / item, target / item)
            else:
                (target / item).parent.mkdir(parents=True, exist_ok=True)
                (target / item).write_bytes((source / item).read_bytes())


def setup(app):
    _mathjax_source()  # fail at start-up, not after the whole build
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
