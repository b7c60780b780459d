"""The peak memory shown at the end of each example page, measured with tracemalloc.

sphinx-gallery's own measurement needs memory_profiler and is switched off in parallel
builds; its ``show_memory`` option also takes a callable, which works in both. sphinx-gallery
calls it once before an example (with an empty function) and then around each code block,
and reports the largest value minus the first.

What the number means: the most memory the example's code held at one time in objects
allocated through Python, which includes every NumPy array (NumPy reports its buffers to
tracemalloc). The libraries the example imports are imported before tracing starts, so
their code and tables are not counted, whichever example happens to import them first.
Memory that compiled code allocates without telling Python (some BLAS buffers, for
instance) is not seen. The value is in MB (10**6 bytes), the unit sphinx-gallery prints.
"""

import ast
import importlib
import tracemalloc
from pathlib import Path


class TracedPeak:
    """``show_memory`` callable: run ``func``, return (peak MB traced while it ran, result).

    Tracing starts at the first call of an example and runs across its code blocks, so a
    block's peak includes the arrays earlier blocks left alive. An instance of a class in
    an importable module, not a function, so Sphinx can pickle the configuration and tell
    that it did not change between builds.
    """

    def __call__(self, func):
        if not tracemalloc.is_tracing():
            tracemalloc.start()
        tracemalloc.reset_peak()
        result = func()
        _, peak = tracemalloc.get_traced_memory()
        return peak / 1e6, result

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))

    def __repr__(self):
        return "TracedPeak()"


traced_peak = TracedPeak()


def _imported_modules(source):
    """Names of the modules a script imports, in order of appearance."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def prepare_example(gallery_conf, fname, when=None):
    """A sphinx-gallery ``reset_modules`` hook, run before and after each example.

    It stops tracing (so the rest of the build runs at full speed) and, before an example,
    imports the modules the example imports, so that their import is not counted.
    """
    if tracemalloc.is_tracing():
        tracemalloc.stop()
    if when == "before":
        for name in _imported_modules(_example_source(gallery_conf, fname)):
            try:
                importlib.import_module(name)
            except ImportError:
                pass  # "from package import function": not a module; or really missing,
                # in which case the example itself reports it.


def _example_source(gallery_conf, fname):
    """The text of example ``fname`` (sphinx-gallery passes the bare file name)."""
    for examples_dir in gallery_conf["examples_dirs"]:
        for path in Path(gallery_conf["src_dir"], examples_dir).rglob(Path(fname).name):
            return path.read_text(encoding="utf-8")
    return ""
