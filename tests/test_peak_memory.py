"""The memory figure on each page: it must see the arrays an example makes."""

import gc

import numpy as np

from sphinxext.helpers.peak_memory import _imported_modules, peak_memory, prepare_example


def run_like_sphinx_gallery(tmp_path, blocks):
    """Call the hooks in sphinx-gallery's order; return what the page would print."""
    (tmp_path / "plot_x.py").write_text("import numpy as np\n")
    gallery_conf = {"src_dir": str(tmp_path), "examples_dirs": ["."]}
    prepare_example(gallery_conf, "plot_x.py", when="before")
    gc.collect()  # sphinx-gallery's execute_script collects before its first reading
    start, _ = peak_memory(lambda: None)
    marks = [peak_memory(block)[0] for block in blocks]
    prepare_example(gallery_conf, "plot_x.py", when="after")
    return max(marks) - start


def test_an_array_written_in_a_block_is_counted(tmp_path):
    used = run_like_sphinx_gallery(tmp_path, [lambda: np.ones(80_000_000 // 8).sum()])
    assert used >= 75  # MB: the 80 MB array, even though it is freed by the end


def test_garbage_an_earlier_example_left_is_not_subtracted(tmp_path):
    # A worker runs one example after another. What the earlier one left in reference
    # cycles (figures, mostly) is freed by a collection; if that came after the mark was
    # reset, the memory it freed would be subtracted from the next example's use.
    class Cycle:
        pass

    left_over = Cycle()
    left_over.myself, left_over.array = left_over, np.ones(80_000_000 // 8)
    gc.disable()  # so that only the hooks collect it, as in a busy worker
    try:
        del left_over
        used = run_like_sphinx_gallery(tmp_path, [lambda: np.ones(40_000_000 // 8).sum()])
    finally:
        gc.enable()
    assert used >= 37  # MB: the example's 40 MB array


def test_a_block_that_allocates_nothing_reports_little(tmp_path):
    used = run_like_sphinx_gallery(tmp_path, [lambda: sum(range(1000))])
    assert used < 20


def test_imports_are_found_so_they_can_happen_before_measuring():
    source = "import numpy as np\nfrom scipy.datasets import face\nfrom . import local\n"
    assert _imported_modules(source) == ["numpy", "scipy.datasets", "scipy.datasets.face"]
