"""Check the claims of the rate-distortion page on the results its own code computed.

The dynamic programme the page implements is also checked against brute force on small
histograms, and the fits on the histogram against fits on every pixel.
"""

import itertools
import warnings

import numpy as np
import pytest
from sklearn.preprocessing import KBinsDiscretizer

PAGE = "series/plot_03_rate_distortion.py"
STRATEGIES = ["uniform", "quantile", "k-means"]


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


def squared_error(counts, groups):
    """Total squared error of a histogram whose levels are grouped by the label ``groups``,
    each group shown by its weighted mean (computed directly, group by group)."""
    levels = np.arange(len(counts), dtype=float)
    total = 0.0
    for label in np.unique(groups):
        member = groups == label
        weight = counts[member].sum()
        if weight > 0:
            mean = np.sum(counts[member] * levels[member]) / weight
            total += np.sum(counts[member] * (levels[member] - mean) ** 2)
    return total


def random_histograms(n_levels, n_histograms, seed):
    """Small random histograms, some levels empty, some heavy."""
    rng = np.random.default_rng(seed)
    for _ in range(n_histograms):
        counts = rng.integers(0, 50, size=n_levels).astype(float)
        counts[rng.random(n_levels) < 0.25] = 0
        if counts.sum() == 0:
            counts[0] = 1
        yield counts


def test_optimum_mse_is_never_above_any_strategy_at_any_rate(page):
    assert list(page["bits"]) == list(range(1, 9))
    for name in STRATEGIES:
        assert len(page["mse"][name]) == 8
        assert np.all(page["mse"]["optimum"] <= page["mse"][name] + 1e-9), name


def test_optimum_psnr_never_decreases_with_bits(page):
    psnr = page["psnr_db"]["optimum"]
    finite = psnr[np.isfinite(psnr)]
    assert np.all(np.diff(finite) > 0)
    # Once lossless, it stays lossless.
    first_lossless = np.argmax(np.isinf(psnr))
    assert np.all(np.isinf(psnr[first_lossless:]))
    assert np.all(np.diff(page["mse"]["optimum"]) <= 0)


@pytest.mark.parametrize("n_levels", [8, 9, 10])
def test_dynamic_programme_matches_brute_force_over_all_interval_splits(page, n_levels):
    optimal_squared_errors = page["optimal_squared_errors"]
    for counts in random_histograms(n_levels, 20, seed=n_levels):
        errors, _ = optimal_squared_errors(counts, 4)
        for k in range(2, 5):
            best = np.inf
            for cuts in itertools.combinations(range(1, n_levels), k - 1):
                groups = np.searchsorted(np.array(cuts), np.arange(n_levels), side="right")
                best = min(best, squared_error(counts, groups))
            assert errors[k] == pytest.approx(best, rel=1e-9, abs=1e-9), (counts, k)


def test_dynamic_programme_matches_brute_force_over_all_partitions(page):
    # Every grouping of 8 levels into at most k groups, intervals or not: the best one
    # is made of intervals, which is what lets the page search intervals only.
    optimal_squared_errors = page["optimal_squared_errors"]
    n_levels = 8
    for counts in random_histograms(n_levels, 5, seed=0):
        errors, _ = optimal_squared_errors(counts, 4)
        for k in range(2, 5):
            best = min(
                squared_error(counts, np.array(groups))
                for groups in itertools.product(range(k), repeat=n_levels)
                if groups[0] == 0  # labels are interchangeable: fix the first one
            )
            assert errors[k] == pytest.approx(best, rel=1e-9, abs=1e-9), (counts, k)


def test_optimal_edges_give_the_optimal_error(page):
    for n_levels in [2, 8, 32, 128]:
        edges = page["optimal_edges"](page["optimal_starts"], n_levels)
        assert len(edges) == n_levels + 1
        expected = page["optimal_errors"][n_levels] / page["n_pixels"]
        assert page["distortion"](edges) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_best_3_bit_intervals_resemble_kmeans_shifted_darker_in_the_bright_half(page):
    best = page["best_3_bits"][:-1]
    kmeans = np.ceil(page["converged_edges"][:-1])
    bright = kmeans > 125
    assert np.all(best[bright] < kmeans[bright])
    assert np.all(kmeans - best <= 10)
    assert page["optimal_errors"][8] / page["n_pixels"] < page["distortion"](
        page["converged_edges"]
    )


def test_histogram_distortion_equals_the_mse_on_every_pixel(page):
    raccoon = page["raccoon"].astype(float)
    flat = raccoon.ravel()
    for edges in [
        page["edges_on_pixels"]["uniform"],
        page["edges_on_pixels"]["quantile"],
        page["kmeans_edges"](32)[0],
        page["optimal_edges"](page["optimal_starts"], 16),
    ]:
        bins = np.searchsorted(edges[1:-1], flat, side="right")
        means = np.array([flat[bins == b].mean() for b in np.unique(bins)])
        reconstructed = means[np.searchsorted(np.unique(bins), bins)]
        mse = np.mean((flat - reconstructed) ** 2)
        assert page["distortion"](edges) == pytest.approx(mse, rel=1e-9)


def full_fit_edges(strategy, n_bins, pixels):
    fitted = KBinsDiscretizer(
        n_bins=n_bins, encode="ordinal", strategy=strategy, subsample=None
    ).fit(pixels)
    return fitted.bin_edges_[0]


@pytest.mark.parametrize("b", range(1, 8))
def test_weighted_uniform_and_quantile_fits_give_the_full_fit_edges(page, b):
    tolerance = page["EDGE_TOLERANCE"]
    assert tolerance == 1e-6  # the tolerance the page states
    for strategy in ["uniform", "quantile"]:
        weighted = page["discretizer"](strategy, 2**b).fit(
            page["column_in_use"], sample_weight=page["weights_in_use"]
        )
        full = full_fit_edges(strategy, 2**b, page["pixels"])
        np.testing.assert_allclose(weighted.bin_edges_[0], full, rtol=0, atol=tolerance)


@pytest.mark.parametrize("b", range(1, 7))
def test_converged_kmeans_on_the_histogram_gives_the_full_fit_edges(page, b):
    edges, rounds = page["kmeans_edges"](2**b)
    assert rounds < 300  # converged, not cut off at KMeans's max_iter
    full = full_fit_edges("kmeans", 2**b, page["pixels"])
    np.testing.assert_allclose(edges, full, rtol=0, atol=page["EDGE_TOLERANCE"])


def test_kmeans_at_7_bits_differs_only_by_the_tie_at_level_125(page):
    # Level 125 is exactly halfway between the two middle starting centres.
    low, high = page["middle_pair"]
    assert 125 - low == high - 125
    pixels_edges, histogram_edges = page["pixels_7_bits"], page["histogram_7_bits"]
    differ = np.abs(pixels_edges - histogram_edges) > page["EDGE_TOLERANCE"]
    # Whatever the rounding did, only the edges next to level 125 may move ...
    assert np.all(np.abs(pixels_edges[differ] - 125) < 3), pixels_edges[differ]
    # ... and the quality is the same to within a hundredth of a dB.
    assert abs(page["psnr_gap_7_bits"]) < 0.01


def test_weighted_quantile_fit_keeps_the_same_bins_at_8_bits(page):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Bins whose width are too small")
        weighted = page["discretizer"]("quantile", 256).fit(
            page["column_in_use"], sample_weight=page["weights_in_use"]
        )
        full = full_fit_edges("quantile", 256, page["pixels"])
    np.testing.assert_allclose(weighted.bin_edges_[0], full, rtol=0, atol=page["EDGE_TOLERANCE"])


def test_page_shows_the_weighted_fits_it_claims_at_3_bits(page):
    on_pixels, on_histogram = page["edges_on_pixels"], page["edges_on_histogram"]
    for strategy in ["uniform", "quantile"]:
        assert np.array_equal(on_pixels[strategy], on_histogram[strategy])
    # KBinsDiscretizer's own k-means stops early on the histogram: "more than two levels".
    assert np.abs(on_pixels["kmeans"] - on_histogram["kmeans"]).max() > 2
    # ... because KMeans scales its tolerance by the unweighted variance of the rows.
    assert page["levels_in_use"].var() > page["raccoon"].var()


def test_lossless_claims_at_8_bits(page):
    assert page["in_use"].sum() == 251
    mse = page["mse"]
    for name in ["uniform", "k-means", "optimum"]:
        assert mse[name][-1] == 0, name
        assert mse[name][-2] > 0, name
    assert mse["quantile"][-1] > 0
    assert page["quantile_bins_kept"][-1] == 199
    assert list(page["quantile_bins_kept"][:-1]) == [2**b for b in range(1, 8)]


def test_strategy_comparison_claims(page):
    gap = page["gap_db"]
    worst = [max(STRATEGIES, key=lambda name: gap[name][row]) for row in range(7)]
    assert worst == ["uniform"] * 3 + ["quantile"] * 4
    assert np.all(gap["uniform"] < 1)
    assert np.all(np.diff(gap["quantile"]) > 0)
    assert np.all(gap["k-means"][:3] < 0.1)
    psnr = page["psnr_db"]
    assert np.all(np.abs(psnr["k-means"][5:7] - psnr["uniform"][5:7]) < 0.01)
    # From 4 bits on, the best strategy is 0.4 to 0.9 dB below the optimum.
    best_gap = page["best_strategy_gap"][3:]
    assert np.all((best_gap > 0.4) & (best_gap < 0.9))
    # The brightest quantile bin at 6 bits is the widest and holds "a large share".
    widths = np.diff(page["quantile_6_bits"].bin_edges_[0])
    assert widths.argmax() == len(widths) - 1
    share = page["error_per_bin"][-1] / page["error_per_bin"].sum()
    assert share > 0.4


def test_six_db_per_bit_claims(page):
    steps = page["steps"]
    assert np.all((steps > 5.5) & (steps < 7))
    for name in ["uniform", "k-means", "optimum"]:
        assert 5.8 < page["mean_gain"][name] < 6.2, name
    assert page["mean_gain"]["quantile"] < 5.5
    above = page["above_rule"]
    assert np.all((above > 1) & (above < 2))
    # The dashed line really has a slope of 6.02 dB per bit.
    np.testing.assert_allclose(np.diff(page["rule_of_thumb"]), 20 * np.log10(2))


def test_kmeans_edges_stay_near_their_start_while_the_best_move(page):
    assert page["kmeans_move"] < 1
    assert page["best_move"] > 5
