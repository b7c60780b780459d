"""A Sphinx extension: run the examples in parallel only when two or more must run.

sphinx-gallery's ``parallel`` option starts a pool of worker processes, which costs about
half a second, even when no example needs to run (a no-op rebuild) or only one does (after
editing one example). Before the gallery is generated, we count the examples whose source
differs from the copy sphinx-gallery kept of their last run, and go serial below two.

The switch is made on the filled-in configuration at ``builder-inited``, after Sphinx has
hashed the configuration for its build info: changing the value in conf.py instead would
change that hash between a clean build and the next one, and make Sphinx rewrite every page.
"""

from pathlib import Path


def examples_to_run(srcdir, gallery_conf):
    """The examples sphinx-gallery will execute: new ones, and those changed since."""
    stale = []
    for examples_dir, gallery_dir in zip(
        gallery_conf["examples_dirs"], gallery_conf["gallery_dirs"]
    ):
        sources = Path(srcdir, examples_dir)
        for script in sources.rglob("*.py"):
            copy = Path(srcdir, gallery_dir, script.relative_to(sources))
            if not copy.is_file() or copy.read_bytes() != script.read_bytes():
                stale.append(script)
    return stale


def choose_serial_or_parallel(app):
    gallery_conf = app.config.sphinx_gallery_conf
    if gallery_conf.get("parallel") and len(examples_to_run(app.srcdir, gallery_conf)) < 2:
        gallery_conf["parallel"] = False


def setup(app):
    # After sphinx-gallery fills in its configuration (config-inited) and before it
    # generates the gallery (builder-inited, priority 500).
    app.connect("builder-inited", choose_serial_or_parallel, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
