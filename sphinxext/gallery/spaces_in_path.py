"""A checkout in a folder whose path has spaces builds; an example named with a space does not.

sphinx-gallery 0.22 warns "Example file name(s) with spaces found" when any character of
an example's *whole path* is a space, so a clone in "My Projects" warned for every example
and ``-W`` failed the build. What breaks links is a space in the part of the path the
site uses: the example's name and its folders below ``examples_dirs``. This extension
puts a filter on sphinx-gallery's logger that reads that one warning (subtype
``space_in_filename``), keeps it for the files whose path below their gallery folder has
a space (listing those, relative, so the message names them), and drops it when there
are none. Every other record, and every other sphinx-gallery warning, passes untouched.

If sphinx-gallery changes the warning (its subtype, or its one argument, the list of
paths), the filter lets it through as it is, and
tests/test_build_in_spaced_path.py's canary fails, saying so.
"""

import logging
import re
from pathlib import Path

SUBTYPE = "space_in_filename"
LOGGER = "sphinx.sphinx-gallery"  # sphinx.util.logging.getLogger("sphinx-gallery")


class SpacesBelowGalleryOnly(logging.Filter):
    """Keep sphinx-gallery's spaces warning for spaces below the gallery folders only."""

    def __init__(self, examples_dirs):
        super().__init__()
        # As sphinx-gallery walks them: str(srcdir / examples_dir), not resolved.
        self.examples_dirs = sorted((str(d) for d in examples_dirs), key=len, reverse=True)

    def below_gallery(self, path):
        for folder in self.examples_dirs:
            if path.startswith(folder.rstrip("/") + "/"):
                return path[len(folder.rstrip("/")) + 1 :]
        return None

    def filter(self, record):
        if getattr(record, "subtype", None) != SUBTYPE:
            return True
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        if len(args) != 1 or not isinstance(args[0], list | tuple):
            return True  # not the warning this filter knows: leave it alone
        relative = [self.below_gallery(str(path)) for path in args[0]]
        if None in relative:
            return True
        spaced = sorted(path for path in relative if re.search(r"\s", path))
        if not spaced:
            return False
        record.args = (spaced,)
        return True


def install(app, config):
    examples_dirs = config.sphinx_gallery_conf.get("examples_dirs", [])
    if isinstance(examples_dirs, str):
        examples_dirs = [examples_dirs]
    logger = logging.getLogger(LOGGER)
    for old in [f for f in logger.filters if isinstance(f, SpacesBelowGalleryOnly)]:
        logger.removeFilter(old)
    logger.addFilter(SpacesBelowGalleryOnly(Path(app.srcdir) / d for d in examples_dirs))


def setup(app):
    app.connect("config-inited", install)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
