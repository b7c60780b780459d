"""Copy the project's sources, without what builds generate, for a build elsewhere.

The tests and the benchmark build the site in a temporary copy, so that they never
touch the checkout's own build and always start from the sources alone. Tests of the
extensions build a copy with a gallery of two small examples, in the test's own process.
"""

import io
import os
import shutil
import sys
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


# -- A small site, for tests of the extensions and of how the build runs ------------------
# Tests whose subject is the build (rebuilds, renames, a failure, links, the dataset), not
# what the examples show, build the project with this gallery instead of the real one:
# the same conf.py, extensions, theme and pages, and two quick examples.

SMALL_EXAMPLE = '''"""
{title}
{underline}

A small example for the tests of the build: one figure of :func:`numpy.arange`, and one
printed line.
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


def small_gallery(folder, course_pages=1):
    """Write the small gallery, laid out as the project's, into ``folder``; return it.

    With ``course_pages`` > 1, the course has more pages (``series/plot_2_small.py``...).
    """
    folder = Path(folder)
    names = SMALL_EXAMPLES + [Path(f"series/plot_{n}_small.py") for n in range(2, course_pages + 1)]
    titles = ["A small walkthrough"] + [f"A small course page {n}" for n in range(1, len(names))]
    for name, title in zip(names, titles):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SMALL_EXAMPLE.format(title=title, underline="=" * len(title)))
        header = ROOT / "examples" / name.parent / "GALLERY_HEADER.rst"
        (path.parent / header.name).write_text(header.read_text(encoding="utf-8"))
    return folder


def copy_project_with_small_gallery(dest, course_pages=1):
    """``copy_project(dest)``, its examples replaced by the small gallery."""
    project = copy_project(dest)
    shutil.rmtree(project / "examples")
    small_gallery(project / "examples", course_pages)
    # The small gallery has none of the sections the real pages' live figures go in, and
    # none of the pages (or thumbnails) the home page's course cards link to.
    with open(project / "conf.py", "a") as conf:
        conf.write("\nlive_figures = {}\n")
    index = project / "docs" / "index.rst"
    index.write_text(without_directive(index.read_text(encoding="utf-8"), "grid"))
    return project


def without_directive(rst, name):
    """``rst`` without its top-level ``.. name::`` directives (each with its indented body).

    Raises ValueError if there is none, so that a renamed directive is not silently kept.
    """
    lines, kept, skipping, found = rst.splitlines(keepends=True), [], False, False
    for line in lines:
        if line.startswith(f".. {name}::"):
            skipping = found = True
            continue
        if skipping and line.strip() and not line.startswith((" ", "\t")):
            skipping = False
        if not skipping:
            kept.append(line)
    if not found:
        raise ValueError(f"no top-level '.. {name}::' directive to remove")
    return "".join(kept)


def build_in_process(project, builddir, overrides=None, env=None, buildername="html"):
    """Build ``project``'s site in this process, as ``make html`` does; return the result.

    The same call as ``sphinx-build -c <project> -W --keep-going docs <builddir>/html``,
    made through Sphinx's API as ``sphinx.testing`` does (whose ``SphinxTestApp`` wants
    conf.py beside the sources), with one job: the examples run here. ``env`` is set for
    the build's length (``XDG_CACHE_HOME``, ``QI_INVENTORIES``). Returns a dict: ``app``,
    ``log`` (status and warnings), ``statuscode`` (1 after a warning), ``html``.
    """
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    project, builddir = Path(project), Path(builddir)
    status, warning = io.StringIO(), io.StringIO()
    saved_path, saved_env, saved_cwd = sys.path[:], dict(os.environ), os.getcwd()
    os.environ.update({"MPLBACKEND": "Agg", **(env or {})})
    # conf.py imports the copy's own sphinxext package, not the one the tests imported.
    saved_modules = _forget_modules("sphinxext")
    try:
        # As sphinx-build does: docutils' registries are restored after the build.
        with patch_docutils(project), docutils_namespace():
            app = Sphinx(
                project / "docs",
                project,
                builddir / buildername,
                builddir / "doctrees",
                buildername,
                confoverrides=overrides or {},
                status=status,
                warning=warning,
                warningiserror=True,
                parallel=1,
            )
            app.build()
    finally:
        sys.path[:] = saved_path
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        _forget_modules("sphinxext")
        sys.modules.update(saved_modules)
    return {
        "app": app,
        "log": status.getvalue() + warning.getvalue(),
        "statuscode": app.statuscode,
        "html": builddir / buildername,
    }


def _forget_modules(package):
    """Remove ``package`` and its modules from ``sys.modules``; return what was there."""
    names = [name for name in sys.modules if name == package or name.startswith(f"{package}.")]
    return {name: sys.modules.pop(name) for name in names}
