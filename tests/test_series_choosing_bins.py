"""Check the claims of the "Choosing the bins" page on its own results, and independently.

The page quantizes the raccoon to 8 grey levels with uniform, quantile and k-means bins,
measures MSE and PSNR, and shows each bin either as the midpoint of its edges (what
``KBinsDiscretizer.inverse_transform`` returns) or as the mean of its pixels.
"""

import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import numbers_after
from sklearn.cluster import KMeans
from sklearn.preprocessing import KBinsDiscretizer

PAGE = "series/plot_01_choosing_bins.py"
STRATEGIES = ["uniform", "quantile", "kmeans"]
# The page says: "Every quantile bin is within 3 % of an eighth of the image."
QUANTILE_TOLERANCE = 0.03


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


@pytest.fixture(scope="module")
def printed(run_script):
    """What the page prints when a reader runs it as a plain script."""
    return run_script(PAGE)


# -- Independent computations (no bincount, no inverse_transform) ----------------------


def bin_of(values, edges):
    """Bin number of each value: bin k holds edges[k] <= x < edges[k+1], the last bin
    also holds its upper edge (and the first and last bins everything beyond)."""
    values = np.asarray(values, dtype=np.float64)
    numbers = np.zeros(values.shape, dtype=int)
    for inner_edge in edges[1:-1]:
        numbers += values >= inner_edge
    return numbers


def mse_by_definition(original, quantized):
    return float(np.mean((np.asarray(original, np.float64) - quantized) ** 2))


def psnr_by_definition(mse):
    return 10 * np.log10(255.0**2 / mse)


def reconstructions(values, edges):
    """Midpoint and mean reconstructions of ``values`` for bins with these ``edges``."""
    values = np.asarray(values, dtype=np.float64)
    numbers = bin_of(values, edges)
    midpoint = np.empty_like(values)
    mean = np.empty_like(values)
    for k in range(len(edges) - 1):
        in_bin = numbers == k
        midpoint[in_bin] = (edges[k] + edges[k + 1]) / 2
        if in_bin.any():
            mean[in_bin] = values[in_bin].mean()
    return midpoint, mean


# -- The mean is never worse than the midpoint ------------------------------------------


def test_mean_reconstruction_is_never_worse_for_every_strategy_on_the_page(page):
    raccoon = page["raccoon"]
    for strategy in STRATEGIES:
        edges = page["discretizers"][strategy].bin_edges_[0]
        midpoint, mean = reconstructions(raccoon, edges)
        mse_midpoint = mse_by_definition(raccoon, midpoint)
        mse_mean = mse_by_definition(raccoon, mean)
        assert mse_mean <= mse_midpoint, strategy
        # The page's own numbers are these.
        assert page["midpoint_mse"][strategy] == pytest.approx(mse_midpoint, rel=1e-9)
        assert page["mean_mse"][strategy] == pytest.approx(mse_mean, rel=1e-9)


def random_images():
    rng = np.random.default_rng(0)
    return {
        "uniform noise": rng.integers(0, 256, size=(60, 80)),
        "dark, skewed": np.round(255 * rng.beta(0.6, 4.0, size=(60, 80))),
        "bright, skewed": np.round(255 * rng.beta(5.0, 0.8, size=(60, 80))),
        "two blobs": np.clip(
            np.round(np.r_[rng.normal(40, 12, 2400), rng.normal(190, 25, 2400)]), 0, 255
        ).reshape(60, 80),
    }


@pytest.mark.parametrize("n_bins", [2, 3, 5, 16])
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("name", list(random_images()))
def test_mean_reconstruction_is_never_worse_on_other_images_and_bin_counts(name, strategy, n_bins):
    image = random_images()[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a collapsed bin would warn: we want none here
        discretizer = KBinsDiscretizer(
            n_bins=n_bins,
            encode="ordinal",
            strategy=strategy,
            quantile_method="averaged_inverted_cdf",
            subsample=None,
        ).fit(image.reshape(-1, 1))
    edges = discretizer.bin_edges_[0]
    midpoint, mean = reconstructions(image.ravel(), edges)
    # inverse_transform is the midpoint reconstruction.
    codes = discretizer.transform(image.reshape(-1, 1))
    np.testing.assert_allclose(discretizer.inverse_transform(codes).ravel(), midpoint)
    assert mse_by_definition(image.ravel(), mean) <= mse_by_definition(image.ravel(), midpoint)


def test_the_bin_mean_beats_every_other_value_for_a_fixed_bin():
    """Brute force: scan candidate values across each bin; none beats the mean."""
    rng = np.random.default_rng(1)
    image = np.round(255 * rng.beta(2.0, 5.0, size=3000))
    edges = np.array([0, 30, 55, 90, 255.0])
    numbers = bin_of(image, edges)
    for k in range(len(edges) - 1):
        x = image[numbers == k]
        candidates = np.linspace(edges[k], edges[k + 1], 4001)
        errors = ((x[None, :] - candidates[:, None]) ** 2).sum(axis=1)
        best = ((x - x.mean()) ** 2).sum()
        assert best <= errors.min() + 1e-9
        assert abs(candidates[np.argmin(errors)] - x.mean()) <= np.diff(candidates)[0]


def test_the_midpoints_cost_exactly_the_sum_of_n_times_the_squared_gap(page):
    raccoon = page["raccoon"]
    n_pixels = raccoon.size
    for strategy in STRATEGIES:
        edges = page["discretizers"][strategy].bin_edges_[0]
        numbers = bin_of(raccoon, edges)
        extra = 0.0
        for k in range(len(edges) - 1):
            x = raccoon[numbers == k].astype(np.float64)
            extra += x.size * (x.mean() - (edges[k] + edges[k + 1]) / 2) ** 2
        gap = page["midpoint_mse"][strategy] - page["mean_mse"][strategy]
        assert extra / n_pixels == pytest.approx(gap, rel=1e-9)


# -- MSE and PSNR are what the page defines, and what it prints -------------------------


def test_images_on_the_page_are_the_midpoint_and_mean_reconstructions(page):
    raccoon = page["raccoon"]
    for strategy in STRATEGIES:
        edges = page["discretizers"][strategy].bin_edges_[0]
        midpoint, mean = reconstructions(raccoon.ravel(), edges)
        np.testing.assert_allclose(page["midpoint_images"][strategy].ravel(), midpoint)
        np.testing.assert_allclose(page["mean_images"][strategy].ravel(), mean)
        np.testing.assert_allclose(page["midpoints"][strategy], (edges[:-1] + edges[1:]) / 2)


def test_page_mse_and_psnr_agree_with_the_definitions(page):
    raccoon = page["raccoon"]
    for strategy in STRATEGIES:
        for images, mses in [("midpoint_images", "midpoint_mse"), ("mean_images", "mean_mse")]:
            mse = mse_by_definition(raccoon, page[images][strategy])
            assert page[mses][strategy] == pytest.approx(mse, rel=1e-12)
            assert page["psnr"](mse) == pytest.approx(psnr_by_definition(mse), rel=1e-12)
    # The PSNR function itself, on values worked out by hand.
    assert page["psnr"](255.0**2) == pytest.approx(0.0)
    assert page["psnr"](255.0**2 / 100) == pytest.approx(20.0)


def test_printed_table_matches_the_definitions(page, printed):
    raccoon = page["raccoon"]
    for strategy in STRATEGIES:
        row = re.search(rf"^\s*{strategy} \|(.*)$", printed.stdout, flags=re.MULTILINE)
        assert row, printed.stdout
        numbers = [float(x) for x in re.findall(r"-?\d+\.\d+", row.group(1))]
        mse_mid = mse_by_definition(raccoon, page["midpoint_images"][strategy])
        mse_mean = mse_by_definition(raccoon, page["mean_images"][strategy])
        expected = [
            mse_mid,
            mse_mean,
            psnr_by_definition(mse_mid),
            psnr_by_definition(mse_mean),
            psnr_by_definition(mse_mean) - psnr_by_definition(mse_mid),
        ]
        np.testing.assert_allclose(numbers, expected, atol=0.0051)
        # The first table, midpoints only, says the same.
        first = numbers_after(f"{strategy} bins: MSE", printed.stdout)
        np.testing.assert_allclose(first[:2], [mse_mid, psnr_by_definition(mse_mid)], atol=0.0051)


# -- Pixels per bin -----------------------------------------------------------------------


def test_quantile_bins_hold_within_3_percent_of_an_eighth_of_the_pixels(page):
    raccoon = page["raccoon"]
    edges = page["discretizers"]["quantile"].bin_edges_[0]
    counts = np.array([np.sum(bin_of(raccoon, edges) == k) for k in range(8)])
    np.testing.assert_array_equal(counts, page["pixels_per_bin"]["quantile"])
    assert counts.sum() == raccoon.size
    gaps = counts / (raccoon.size / 8) - 1
    assert np.abs(gaps).max() < QUANTILE_TOLERANCE
    # "... but not exactly on it."
    assert np.abs(gaps).max() > 0


def test_quantile_edges_are_whole_levels_that_cannot_split_a_level(page, printed):
    """The page explains the unequal counts: an edge cannot split a grey level. So each
    quantile edge is the level at which the pixel count crosses its target, and each
    bin misses an eighth by less than the pixels of the most frequent level."""
    raccoon = page["raccoon"]
    edges = page["discretizers"]["quantile"].bin_edges_[0]
    np.testing.assert_array_equal(edges, np.round(edges))
    per_level = np.bincount(raccoon.ravel(), minlength=256)
    below = np.concatenate([[0], np.cumsum(per_level)])  # below[v]: pixels under level v
    for k, edge in enumerate(edges[1:-1], start=1):
        target = k * raccoon.size / 8
        assert below[int(edge)] <= target <= below[int(edge) + 1]
    misses = np.abs(page["pixels_per_bin"]["quantile"] - raccoon.size / 8)
    assert misses.max() < per_level.max()
    assert numbers_after("most frequent grey level:", printed.stdout) == [per_level.max()]
    largest_gap = numbers_after("a quantile bin to an eighth:", printed.stdout)[0]
    assert largest_gap == pytest.approx(100 * misses.max() / (raccoon.size / 8), abs=0.051)


def test_pixels_per_bin_add_up_and_uniform_bins_are_the_most_unequal(page):
    counts = page["pixels_per_bin"]
    for strategy in STRATEGIES:
        assert counts[strategy].sum() == page["raccoon"].size
    spread = {s: counts[s].max() / counts[s].min() for s in STRATEGIES}
    assert spread["quantile"] < spread["kmeans"] < spread["uniform"]
    # "the brightest holds few pixels"
    assert np.argmin(counts["uniform"]) == 7


def test_kmeans_edges_mostly_lie_between_uniform_and_quantile_edges(page):
    inner = {s: page["discretizers"][s].bin_edges_[0][1:-1] for s in STRATEGIES}
    low = np.minimum(inner["uniform"], inner["quantile"])
    high = np.maximum(inner["uniform"], inner["quantile"])
    between = (low <= inner["kmeans"]) & (inner["kmeans"] <= high)
    assert between.sum() > len(between) / 2


# -- The rankings and the explanations the page gives -----------------------------------


def test_rankings_of_the_strategies(page):
    mid, mean, gain = page["midpoint_mse"], page["mean_mse"], page["psnr_gain"]
    assert mid["kmeans"] < mid["uniform"] < mid["quantile"]
    assert mean["kmeans"] < mean["quantile"] < mean["uniform"]
    assert gain["uniform"] < gain["kmeans"] < gain["quantile"]


def test_almost_all_the_quantile_extra_error_comes_from_the_brightest_bin(page):
    n = page["pixels_per_bin"]["quantile"]
    gap = page["bin_means"]["quantile"] - page["midpoints"]["quantile"]
    per_bin = n * gap**2
    assert np.argmax(per_bin) == 7
    assert per_bin[7] / per_bin.sum() > 0.9
    # "most of its pixels sit in its lower half"
    assert page["lower_half_share"] > 0.5


def test_means_make_the_face_close_up_worse_but_help_more_pixels_than_they_hurt(page):
    raccoon = page["raccoon"].astype(np.float64)
    crop = page["crop"]
    midpoint = page["midpoint_images"]["quantile"]
    mean = page["mean_images"]["quantile"]
    assert mse_by_definition(raccoon[crop], mean[crop]) > mse_by_definition(
        raccoon[crop], midpoint[crop]
    )
    change = (raccoon - mean) ** 2 - (raccoon - midpoint) ** 2
    assert np.mean(change < 0) > np.mean(change > 0)
    assert change.sum() < 0


def test_kmeans_bin_means_are_the_centres_kmeans_finds(page):
    """Fit scikit-learn's KMeans directly, with the discretizer's initialization."""
    raccoon = page["raccoon"]
    pixels = raccoon.reshape(-1, 1).astype(np.float64)
    uniform_edges = np.linspace(pixels.min(), pixels.max(), 9)
    init = ((uniform_edges[:-1] + uniform_edges[1:]) / 2).reshape(-1, 1)
    centres = np.sort(KMeans(n_clusters=8, init=init, n_init=1).fit(pixels).cluster_centers_[:, 0])
    np.testing.assert_allclose(page["bin_means"]["kmeans"], centres, atol=0.01)
    # And each inner edge lies halfway between neighbouring centres.
    edges = page["discretizers"]["kmeans"].bin_edges_[0]
    np.testing.assert_allclose(edges[1:-1], (centres[:-1] + centres[1:]) / 2, atol=0.01)


def test_outermost_kmeans_bins_move_most_from_midpoint_to_mean(page):
    moves = np.abs(page["bin_means"]["kmeans"] - page["midpoints"]["kmeans"])
    assert set(np.argsort(moves)[-2:]) == {0, 7}


# -- Rates, printed numbers, and the figures ------------------------------------------


def test_entropy_coded_rates_run_opposite_to_the_fixed_length_ranking(page, printed):
    """Same 3 bits fixed-length; the entropies order uniform < k-means < quantile."""
    rates = {}
    for strategy in STRATEGIES:
        counts = np.array([np.sum(page["codes"][strategy] == k) for k in range(8)], dtype=float)
        p = counts / counts.sum()
        rates[strategy] = -np.sum(p * np.log2(p))
        printed_rate = numbers_after(f"{strategy} bins: MSE", printed.stdout)[2]
        assert printed_rate == pytest.approx(rates[strategy], abs=5e-4)
        assert page["entropy"][strategy] == pytest.approx(rates[strategy], rel=1e-12)
    assert numbers_after("Fixed-length rate of every strategy:", printed.stdout) == [3]
    assert rates["uniform"] < rates["kmeans"] < rates["quantile"] <= 3
    # "equally full, leave nothing for an entropy coder to save"
    assert rates["quantile"] > 2.999


def test_the_brightest_quantile_bin_holds_almost_all_the_extra_error(page, printed):
    n = page["pixels_per_bin"]["quantile"]
    gaps = page["bin_means"]["quantile"] - page["midpoints"]["quantile"]
    per_bin = n * gaps**2
    share = per_bin[7] / per_bin.sum()
    assert numbers_after("midpoints' extra error:", printed.stdout) == [round(100 * share)]
    # "its midpoint costs more than all the other bins together"
    assert share > 0.5
    # The identity: the extra error is the gap between the two MSEs.
    gap = page["midpoint_mse"]["quantile"] - page["mean_mse"]["quantile"]
    assert per_bin.sum() / n.sum() == pytest.approx(gap, rel=1e-9)


def test_other_printed_numbers(page, printed):
    out = printed.stdout
    raccoon = page["raccoon"]
    counts = page["pixels_per_bin"]["uniform"]
    share = numbers_after("Smallest uniform bin:", out)[0]
    assert share == pytest.approx(100 * counts.min() / raccoon.size, abs=0.051)
    edges = page["discretizers"]["quantile"].bin_edges_[0]
    assert numbers_after("Brightest quantile bin:", out) == [edges[7], edges[8]]
    top = raccoon[page["codes"]["quantile"].reshape(raccoon.shape) == 7]
    below = np.mean(top < (edges[7] + edges[8]) / 2)
    assert numbers_after("below its midpoint:", out) == [round(100 * below)]
    assert numbers_after("its mean:", out) == [round(top.mean(), 1)]
    assert numbers_after("k-means edge to halfway point:", out) == [0.0]
    for name, images in [("midpoints", "midpoint_images"), ("means", "mean_images")]:
        crop = page["crop"]
        mse = mse_by_definition(raccoon[crop], page[images]["quantile"][crop])
        label = f"quantile bins as their {name}:"
        assert numbers_after(label, out) == [round(mse, 1)]
    assert max(len(line) for line in out.splitlines()) <= 72


def test_details_are_shown_at_native_pixels_beside_the_original(page):
    crop = page["crop"]
    image = page["midpoint_images"]["uniform"]
    fig = page["detail_figure"]([(0, 0, page["raccoon"], "a"), (1, 0, image, "b")], 600, "t")
    try:
        fig.canvas.draw()
        assert fig.get_figwidth() * fig.dpi == 624
        for ax, source in zip(fig.axes, [page["raccoon"], image]):
            box = ax.get_window_extent()
            height, width = source[crop].shape
            assert (round(box.width), round(box.height)) == (width, height)
            (shown,) = ax.get_images()
            assert shown.get_interpolation() == "nearest"
            np.testing.assert_array_equal(shown.get_array(), source[crop])
    finally:
        plt.close(fig)
