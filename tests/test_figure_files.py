"""The figure files a reader sees: laid out once, the same at 1x, and 2x an exact double."""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sphinxext.helpers.figure_scraper import lay_out_once  # noqa: E402


def _pixels(figure, dpi):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="rgba", dpi=dpi)
    width, height = (round(x * dpi) for x in figure.get_size_inches())
    return np.frombuffer(buffer.getvalue(), np.uint8).reshape(height, width, 4)


def _constrained_figure():
    fig, axes = plt.subplots(1, 2, figsize=(4, 2), dpi=50, layout="constrained")
    for ax in axes:
        ax.plot([0, 1], [0, 1000])
        ax.set(title="A title", xlabel="Grey level", ylabel="Pixels")
    return fig


def test_a_figure_laid_out_once_looks_the_same_at_1x():
    laid_out_each_time = _pixels(_constrained_figure(), 50)
    fig = _constrained_figure()
    lay_out_once(fig)
    assert fig.get_layout_engine() is not None  # a placeholder: colorbars still work
    assert np.array_equal(_pixels(fig, 50), laid_out_each_time)
    plt.close("all")


def test_the_2x_file_keeps_the_1x_layout():
    fig = _constrained_figure()
    lay_out_once(fig)
    before = [ax.get_position().bounds for ax in fig.axes]
    _pixels(fig, 100)
    assert [ax.get_position().bounds for ax in fig.axes] == before
    # Without it, the engine lays the figure out again at 2x, and the axes move.
    fig = _constrained_figure()
    _pixels(fig, 50)
    before = [ax.get_position().bounds for ax in fig.axes]
    _pixels(fig, 100)
    assert [ax.get_position().bounds for ax in fig.axes] != before
    plt.close("all")


def test_a_figure_with_fixed_margins_is_left_alone():
    fig, ax = plt.subplots(figsize=(4, 2), dpi=50)
    fig.subplots_adjust(left=0.2)
    lay_out_once(fig)
    assert fig.get_layout_engine() is None
    assert ax.get_position().x0 == 0.2
    plt.close("all")
