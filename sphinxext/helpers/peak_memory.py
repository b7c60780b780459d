"""The peak memory shown at the end of each example page.

sphinx-gallery's own measurement needs memory_profiler and is switched off in parallel
builds; its ``show_memory`` option also takes a callable, which works in both (it takes no
string, so conf.py imports the object). sphinx-gallery calls it around each code block
and prints the largest value minus the first, as "Estimated memory usage: N MB".

On Linux the number is how far the example raised the resident memory of the process
that ran it: before each example (``reset_modules``, named as a string in conf.py) freed
memory goes back to the system (``malloc_trim``) and the kernel's high-water mark is reset
(``/proc/self/clear_refs``); after each block the mark (``VmHWM``) is read. Libraries the
example imports are imported before the mark is reset and do not count; it costs no run
time. Elsewhere it falls back to tracemalloc (allocations made through Python only, and
slower). MB are 10**6 bytes, the unit sphinx-gallery prints.
"""

import ast
import ctypes
import ctypes.util
import gc
import importlib
import tracemalloc
from pathlib import Path

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _high_water_mark_mb():
    for line in STATUS.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6  # the kernel reports kB
    raise RuntimeError("no VmHWM in /proc/self/status")


def _can_reset_high_water_mark():
    try:
        CLEAR_REFS.write_text("5")
        _high_water_mark_mb()
    except (OSError, RuntimeError):
        return False
    return True


def _release_free_memory():
    """Ask the C allocator to return memory freed by earlier examples to the system."""
    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name) if libc_name else None
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


class PeakMemory:
    """``show_memory`` callable: run ``func``, return (memory mark in MB, its result).

    An instance of a class in an importable module, not a function, so that Sphinx can
    pickle the configuration and tell that it did not change between builds.
    """

    def __call__(self, func):
        if RSS_MODE:
            result = func()
            return _high_water_mark_mb(), result
        if not tracemalloc.is_tracing():
            tracemalloc.start()
        tracemalloc.reset_peak()
        result = func()
        return tracemalloc.get_traced_memory()[1] / 1e6, result

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))

    def __repr__(self):
        return "PeakMemory()"


peak_memory = PeakMemory()
RSS_MODE = _can_reset_high_water_mark()


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


def _example_source(gallery_conf, fname):
    """The text of example ``fname`` (sphinx-gallery passes the bare file name)."""
    for examples_dir in gallery_conf["examples_dirs"]:
        for path in Path(gallery_conf["src_dir"], examples_dir).rglob(Path(fname).name):
            return path.read_text(encoding="utf-8")
    return ""


def prepare_example(gallery_conf, fname, when=None):
    """A sphinx-gallery ``reset_modules`` hook, run before and after each example.

    Before an example: import what it imports (so imports are not counted), collect the
    garbage earlier examples left, release freed memory and reset the high-water mark.
    After it: stop tracemalloc if it ran.

    The collection must come before the reset: sphinx-gallery collects garbage itself
    between this hook and its first memory reading, and what that frees would otherwise
    be subtracted from the example's own use.
    """
    if tracemalloc.is_tracing():
        tracemalloc.stop()
    if when != "before":
        return
    for name in _imported_modules(_example_source(gallery_conf, fname)):
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # "from package import function": not a module; or really missing,
            # in which case the example itself reports it.
    gc.collect()
    if RSS_MODE:
        _release_free_memory()
        CLEAR_REFS.write_text("5")
