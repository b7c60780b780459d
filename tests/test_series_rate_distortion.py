"""Check the claims of the rate-distortion page on the results its own code computed.

The dynamic programme is checked against brute force on small histograms, and the fits
on the histogram against fits on every pixel. The entropy-coded part is checked in
tests/test_series_entropy_coded_quantization.py.
"""

import itertools
from pathlib import Path

import numpy as np
import pytest
from independent import on_pixels, random_histograms, squared_error
from sklearn.preprocessing import KBinsDiscretizer

PAGE = "series/plot_03_rate_distortion.py"
SOURCE = Path(__file__).parent.parent / "examples" / PAGE


@pytest.fixture(scope="module")
def run(run_example, run_script):
    return run_example(PAGE), run_script(PAGE).stdout


@pytest.fixture(scope="module")
def page(run):
    return run[0]


def test_printed_lines_fit_the_column(run):
    _, output = run
    assert "Index entropy of the best 3-bit quantizer" in output
    too_long = [line for line in output.splitlines() if len(line) > 69]
    assert not too_long


# -- The fixed-rate optimum -------------------------------------------------------------


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
    for counts in random_histograms(8, 5, seed=0):
        errors, _ = optimal_squared_errors(counts, 4)
        for k in range(2, 5):
            best = min(
                squared_error(counts, np.array(groups))
                for groups in itertools.product(range(k), repeat=8)
                if groups[0] == 0  # labels are interchangeable: fix the first one
            )
            assert errors[k] == pytest.approx(best, rel=1e-9, abs=1e-9), (counts, k)


def test_optimal_bins_give_the_optimal_error_on_every_pixel(page):
    for n_levels in [2, 8, 32, 128]:
        bins = page["optimal_bins"](page["optimal_starts"], n_levels)
        assert len(np.unique(bins[page["levels_in_use"]])) == n_levels
        expected = page["optimal_errors"][n_levels] / page["n_pixels"]
        assert page["score"](bins)[0] == pytest.approx(expected, rel=1e-9)
        assert on_pixels(page, bins)[0] == pytest.approx(expected, rel=1e-9)


def test_optimum_meets_lloyd_and_max_conditions(page):
    assert page["not_nearest"] == 0
    for n_levels in [8, 16, 64]:
        bins = page["optimal_bins"](page["optimal_starts"], n_levels)
        flat = page["raccoon"].ravel().astype(float)
        codes = bins[page["raccoon"].ravel()]
        means = np.array([flat[codes == c].mean() for c in range(n_levels)])
        levels = page["levels_in_use"]
        # Nearest neighbour: each grey level in use is at least as close to its own
        # level as to any other (centroids are the means, by construction).
        distances = np.abs(levels[:, None] - means)
        own = distances[np.arange(len(levels)), bins[levels]]
        assert np.all(own <= distances.min(axis=1) + 1e-9), n_levels
    assert page["optimal_errors"][8] / page["n_pixels"] == pytest.approx(63.3222, abs=5e-5)


def test_histogram_score_equals_the_mse_and_entropy_on_every_pixel(page):
    for edges in [
        page["discretizer_edges"]("uniform", 8),
        page["discretizer_edges"]("quantile", 32),
        page["kmeans_edges"](16),
        page["kmeans_edges"](16, restarts=10),
    ]:
        bins = page["bins_of"](edges)
        mse, entropy = page["score"](bins)
        assert (mse, entropy) == pytest.approx(on_pixels(page, bins), rel=1e-9)


def full_fit_edges(strategy, n_bins, pixels):
    # The quantiles the page's weighted fit uses, named (the default before 1.9 differs).
    options = {"quantile_method": "averaged_inverted_cdf"} if strategy == "quantile" else {}
    fitted = KBinsDiscretizer(
        n_bins=n_bins, encode="ordinal", strategy=strategy, subsample=None, **options
    ).fit(pixels)
    return fitted.bin_edges_[0]


@pytest.mark.parametrize("b", range(1, 8))
def test_weighted_uniform_and_quantile_fits_give_the_full_fit_edges(page, b):
    pixels = page["raccoon"].reshape(-1, 1)
    for strategy in ["uniform", "quantile"]:
        weighted = page["discretizer_edges"](strategy, 2**b)
        np.testing.assert_allclose(weighted, full_fit_edges(strategy, 2**b, pixels), atol=1e-6)


@pytest.mark.parametrize("b", range(1, 7))
def test_kmeans_is_kbinsdiscretizers_kmeans_on_every_pixel(page, b):
    # Same inner edges as KBinsDiscretizer's own k-means fitted on all pixels.
    edges = page["kmeans_edges"](2**b)
    full = full_fit_edges("kmeans", 2**b, page["raccoon"].reshape(-1, 1))
    np.testing.assert_allclose(edges[1:-1], full[1:-1], atol=1e-6)


def test_fixed_rate_table(page):
    psnr = page["psnr_db"]
    assert list(page["bits"]) == list(range(1, 9))
    for name in page["fixed"]:
        assert np.all(page["mse"]["optimum"] <= page["mse"][name] + 1e-9), name
    np.testing.assert_allclose(psnr["optimum"][2:6], [30.12, 35.94, 42.00, 48.17], atol=0.005)
    # At 8 bits every strategy but quantile is exact.
    for name in ["uniform", "k-means", "k-means++", "optimum"]:
        assert page["mse"][name][-1] == 0 and page["mse"][name][-2] > 0, name
    assert page["mse"]["quantile"][-1] > 0


def test_gaps_from_the_optimum(page):
    gap = page["gap_db"]
    strategies = ["uniform", "quantile", "k-means", "k-means++"]
    worst = [max(strategies, key=lambda name: gap[name][row]) for row in range(7)]
    assert worst[1:3] == ["uniform"] * 2 and worst[3:] == ["quantile"] * 4
    assert np.all(np.diff(gap["quantile"][2:]) > 0)
    assert np.all(gap["k-means"][:3] < 0.1) and np.all(gap["k-means"][3:6] > 0.4)
    # "within 0.06, 0.24 and 0.35 dB at 4, 5 and 6 bits"
    np.testing.assert_allclose(gap["k-means++"][3:6], [0.06, 0.24, 0.35], atol=0.005)
    # "At 7 bits its random starts fare worse than the even one."
    assert gap["k-means++"][6] > gap["k-means"][6]


def test_high_rate_theory(page):
    panter_dite = page["panter_dite_db"]
    optimum = page["psnr_db"]["optimum"]
    np.testing.assert_allclose(panter_dite[3:6], [35.79, 41.81, 47.83], atol=0.005)
    assert np.all(np.abs(optimum[3:6] - panter_dite[3:6]) <= 0.35)
    assert 0.85 < optimum[6] - panter_dite[6] < 0.95
    # 6.02 dB per bit in the formula; close to 6 dB per bit in the optimum.
    np.testing.assert_allclose(np.diff(panter_dite), 20 * np.log10(2))
    assert np.all((page["steps"] > 5.7) & (page["steps"] < 6.6))


def test_the_fixed_rate_optimum_costs_less_once_entropy_coded(page):
    # "entropy coded, the best 8 levels cost 2.971 bits per pixel, not 3"
    bins = page["bins_3_bits"]
    assert len(np.unique(bins[page["levels_in_use"]])) == 8
    entropy = on_pixels(page, bins)[1]
    assert page["rate_3_bits"] == pytest.approx(entropy, rel=1e-9)
    assert round(entropy, 3) == 2.971
