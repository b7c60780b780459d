"""Copy the project's sources, without what builds generate, for a build elsewhere.

The tests and the benchmark build the site in a temporary copy, so that they never
touch the checkout's own build and always start from the sources alone.
"""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ["conf.py", "Makefile", "requirements.txt", "docs", "examples", "data", "sphinxext"]
# What sphinx-gallery, the API page and Python write inside those folders.
GENERATED = shutil.ignore_patterns(
    "auto_examples",
    "gen_modules",
    "sg_execution_times.rst",
    "sg_api_usage.rst",
    "api_used.rst",
    "__pycache__",
    "_build",
)


def copy_project(dest):
    """Copy the project's sources to ``dest`` (created if needed) and return it."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=GENERATED)
        else:
            shutil.copy2(source, dest / name)
    return dest


# -- A small gallery, for tests of the build's machinery ----------------------------------
# Tests whose subject is how the build runs examples (a pool, a fallback, a failure), not
# what the examples show, build this instead of the real gallery: a clean build of it
# takes a few seconds, of the real one about 16 s on two cores, and make test runs several.

SMALL_EXAMPLE = '''"""
{title}
{underline}

A small example for the tests of the build: one figure and one printed line.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause

# %%
# A figure
# --------
import matplotlib.pyplot as plt
import numpy as np

fig, ax = plt.subplots(figsize=(4, 3))
ax.plot(np.arange(10) ** 2)
ax.set_title("Squares")
ax.set_xlabel("Number")
ax.set_ylabel("Its square")
print(f"The largest square: {{(np.arange(10) ** 2).max()}}")
'''

# Its pages, as paths relative to examples/: the walkthrough's name (docs/index.rst links
# to it) and one course page, so that both gallery directories are there.
SMALL_EXAMPLES = [Path("plot_vector_quantization.py"), Path("series/plot_1_small.py")]


def small_gallery(folder):
    """Write the small gallery, laid out as the project's, into ``folder``; return it."""
    folder = Path(folder)
    for name, title in zip(SMALL_EXAMPLES, ["A small walkthrough", "A small course page"]):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SMALL_EXAMPLE.format(title=title, underline="=" * len(title)))
        header = ROOT / "examples" / name.parent / "GALLERY_HEADER.rst"
        (path.parent / header.name).write_text(header.read_text(encoding="utf-8"))
    return folder


def copy_project_with_small_gallery(dest):
    """``copy_project(dest)``, its examples replaced by the small gallery."""
    project = copy_project(dest)
    shutil.rmtree(project / "examples")
    small_gallery(project / "examples")
    return project
