"""Check the walkthrough's claims on the results its own code computed, and independently.

The page (examples/plot_vector_quantization.py) quantizes the grey raccoon to 8 levels
with uniform and k-means bins, explains where its brightest levels went, what the
default sample of ``KBinsDiscretizer`` changes, and measures MSE, PSNR, entropy and
memory. ``run_example`` gives the page's variables, ``run_script`` what it prints.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import WALKTHROUGH, check_walkthrough_output, numbers_after
from sklearn.preprocessing import KBinsDiscretizer

PAGE = f"{WALKTHROUGH}.py"


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


@pytest.fixture(scope="module")
def printed(run_script):
    return run_script(PAGE).stdout


def psnr_by_definition(original, quantized):
    mse = np.mean((np.asarray(original, np.float64) - quantized) ** 2)
    return 10 * np.log10(255.0**2 / mse)


def test_prints_the_seed_numbers_with_short_lines(printed):
    check_walkthrough_output(printed)
    assert max(len(line) for line in printed.splitlines()) <= 72


def test_brightest_and_darkest_pixels(page, printed):
    raccoon = page["raccoon"]
    assert numbers_after("Darkest pixel:", printed) == [0, 250]
    assert (raccoon.min(), raccoon.max()) == (0, 250)
    assert len(page["levels"]) == len(np.unique(raccoon)) == 251


def test_the_grey_conversion_caps_white_at_252(page, printed):
    # Every colour, not only white: the weights are positive, so white is the brightest.
    weights = page["weights"]
    assert weights.sum() == pytest.approx(0.99)
    assert numbers_after("Sum of the weights:", printed) == [0.99]
    assert numbers_after("Grey level of pure white:", printed) == [252]
    assert int(np.floor(255 * weights.sum())) == 252
    # The page's recomputation is face(gray=True) itself.
    assert "Same image as face(gray=True): True" in printed
    colour = page["colour"]
    np.testing.assert_array_equal(
        (0.21 * colour[..., 0] + 0.71 * colour[..., 1] + 0.07 * colour[..., 2]).astype(np.uint8),
        page["raccoon"],
    )
    # "No pixel of the colour photograph is pure white."
    assert not np.any(np.all(colour == 255, axis=-1))
    # With weights summing to 1 and rounding, the brightest pixel would be 253.
    faithful = np.round(colour.astype(np.float64) @ (weights / weights.sum()))
    assert faithful.max() == 253
    assert numbers_after("weights summing to 1:", printed) == [253]


def test_uniform_bins_are_31_25_levels_wide_and_the_brightest_holds_few(page, printed):
    edges = page["uniform"].bin_edges_[0]
    np.testing.assert_allclose(np.diff(edges), 250 / 8)
    assert numbers_after("Width of every bin:", printed) == [31.25]
    counts = np.bincount(page["uniform_codes"].ravel().astype(int), minlength=8)
    assert np.argmin(counts) == 7
    assert counts[7] < counts.sum() / 50


def test_kmeans_centres_differ_from_the_kmeans_levels_most_at_the_top(page):
    codes = page["kmeans_codes"].ravel().astype(int)
    means = np.bincount(codes, weights=page["raccoon"].ravel()) / np.bincount(codes)
    gaps = np.abs(page["kmeans_centres"] - means)
    assert np.argmax(gaps) == 7 and gaps[7] > 5


def test_quantized_images_use_the_printed_centres(page):
    for image, centres in [
        (page["uniform_image"], page["uniform_centres"]),
        (page["kmeans_image"], page["kmeans_centres"]),
    ]:
        np.testing.assert_allclose(np.unique(image), centres)


def test_the_default_sample_is_drawn_with_replacement_and_misses_level_250(page, printed):
    raccoon, drawn = page["raccoon"], page["drawn"]
    # The page's sample is the one the default fit uses: the same edges, learnt from it.
    for strategy in ["uniform", "kmeans"]:
        refit = KBinsDiscretizer(n_bins=8, encode="ordinal", strategy=strategy, subsample=None).fit(
            page["sample"]
        )
        np.testing.assert_allclose(
            refit.bin_edges_[0], page["default_fits"][strategy].bin_edges_[0]
        )
    # With replacement: fewer distinct pixels than draws.
    distinct = np.unique(drawn).size
    assert distinct < 200_000
    assert numbers_after("Distinct pixels among the 200 000 drawn:", printed) == [distinct]
    # Only level 250 is missing, and only one pixel has it.
    missing = np.setdiff1d(np.unique(raccoon), np.unique(raccoon.ravel()[drawn]))
    np.testing.assert_array_equal(missing, [250])
    assert np.sum(raccoon == 250) == 1
    assert numbers_after("not in the sample:", printed) == [250]
    assert numbers_after("Pixels at those levels:", printed) == [1]
    # The fitted uniform edges run from 0 to 249.
    np.testing.assert_array_equal(page["default_fits"]["uniform"].bin_edges_[0][[0, -1]], [0, 249])
    assert numbers_after("default sample:", printed) == [0, 249]


def test_the_default_sample_moves_the_centres(page, printed):
    for strategy, fitted in [("uniform", page["uniform"]), ("kmeans", page["kmeans"])]:
        sampled = page["default_fits"][strategy]
        move = np.abs(page["bin_centres"](sampled) - page["bin_centres"](fitted)).max()
        assert move > 0.1  # a visible change, not rounding noise
        label = f"{strategy}: largest move of a centre"
        assert numbers_after(label, printed) == [round(move, 3)]


def test_printed_mse_and_psnr_follow_the_definition(page, printed):
    raccoon = page["raccoon"]
    values = {}
    for name, key in [("uniform", "uniform_image"), ("k-means", "kmeans_image")]:
        psnr = psnr_by_definition(raccoon, page[key])
        mse = 255.0**2 / 10 ** (psnr / 10)
        assert numbers_after(f"PSNR of the {name} bins:", printed) == [round(psnr, 2)]
        assert numbers_after(f"MSE of the {name} bins:", printed)[0] == round(mse, 2)
        values[name] = psnr
    assert page["uniform_psnr"] == pytest.approx(values["uniform"], rel=1e-12)
    assert page["kmeans_psnr"] == pytest.approx(values["k-means"], rel=1e-12)
    # "K-means is ahead, but by only about a third of a decibel."
    assert 0.25 < values["k-means"] - values["uniform"] < 0.45
    # PSNR helper on values worked out by hand: MSE 255² is 0 dB, a hundredth 20 dB.
    flat = np.zeros((4, 4), np.uint8)
    assert page["psnr"](flat, flat + 255.0) == pytest.approx(0.0)
    assert page["psnr"](flat, flat + 25.5) == pytest.approx(20.0)


def test_entropy_coded_rates_favour_the_uniform_bins(page, printed):
    rates = {}
    for name, key in [("uniform", "uniform_codes"), ("k-means", "kmeans_codes")]:
        counts = np.unique(page[key], return_counts=True)[1]
        p = counts / counts.sum()
        rates[name] = -np.sum(p * np.log2(p))
        label = f"Entropy of the {name} codes:"
        assert numbers_after(label, printed) == [round(rates[name], 3)]
    assert numbers_after("Fixed-length rate of both:", printed) == [3]
    assert rates["uniform"] < rates["k-means"] < 3


def test_uint8_codes_take_exactly_the_original_size(page, printed):
    assert page["codes_as_bytes"].nbytes == page["raccoon"].nbytes
    assert np.array_equal(page["codes_as_bytes"], page["kmeans_codes"])
    assert numbers_after("Bytes as uint8:", printed) == [786432]


def test_details_are_drawn_at_native_pixels_beside_the_original(page):
    page["show_details"](page["uniform_image"], "test")
    fig = plt.gcf()  # the figure it drew (it returns nothing: the notebook shows it once)
    try:
        fig.canvas.draw()
        rows, cols = page["rows"], page["cols"]
        details = [ax for ax in fig.axes if ax.get_images()]
        assert len(details) == 2
        for ax, source in zip(details, [page["raccoon"], page["uniform_image"]]):
            box = ax.get_window_extent()
            assert round(box.width) == cols.stop - cols.start
            assert round(box.height) == rows.stop - rows.start
            (image,) = ax.get_images()
            assert image.get_interpolation() == "nearest"
            np.testing.assert_array_equal(image.get_array(), source[rows, cols])
        # Shown at its own size in the article column at 1280 x 800: 624 pixels.
        assert fig.get_figwidth() * fig.dpi <= 624
    finally:
        plt.close(fig)
