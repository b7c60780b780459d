"""Check the claims of the entropy-coded quantization page on the results its own code
computed.

The page recomputes the fixed-rate optimum it compares with: its dynamic programme is
checked against brute force on small histograms, and the entropy-coded rates and errors
against the same quantizers applied to the 786 432 pixels.
"""

import itertools
from pathlib import Path

import numpy as np
import pytest
from independent import on_pixels, random_histograms, squared_error

PAGE = "series/plot_04_entropy_coded_quantization.py"
SOURCE = Path(__file__).parent.parent / "examples" / PAGE


@pytest.fixture(scope="module")
def run(run_example, run_script):
    return run_example(PAGE), run_script(PAGE).stdout


@pytest.fixture(scope="module")
def page(run):
    return run[0]


def test_printed_lines_fit_the_column(run):
    _, output = run
    assert "PSNR (dB) at equal rate" in output
    too_long = [line for line in output.splitlines() if len(line) > 69]
    assert not too_long


# -- The fixed-rate optimum, recomputed ---------------------------------------------------


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


def test_optimal_bins_give_the_optimal_error_on_every_pixel(page):
    for n_levels in [2, 8, 32, 128]:
        bins = page["optimal_bins"](page["optimal_starts"], n_levels)
        assert len(np.unique(bins[page["levels_in_use"]])) == n_levels
        expected = page["optimal_errors"][n_levels] / page["n_pixels"]
        assert page["score"](bins)[0] == pytest.approx(expected, rel=1e-9)
        assert on_pixels(page, bins)[0] == pytest.approx(expected, rel=1e-9)


def test_recomputed_fixed_rate_optimum(page):
    optimum = page["optimum_db"]
    assert list(page["bits"]) == list(range(1, 9))
    np.testing.assert_allclose(
        optimum[:7], [18.50, 24.33, 30.12, 35.94, 42.00, 48.17, 54.74], atol=0.005
    )
    assert page["optimum_mse"][-1] == 0 and np.isinf(optimum[-1])
    assert page["optimal_errors"][8] / page["n_pixels"] == pytest.approx(63.3222, abs=5e-5)


# -- Entropy-coded rates --------------------------------------------------------------


def test_uniform_steps_with_entropy_coding_on_every_pixel(page):
    flat = page["raccoon"].ravel()
    for step, levels, rate, db in [(27.5, 10, 2.997, 30.35), (13.5, 20, 3.982, 36.34)]:
        bins = np.rint(np.arange(256) / step).astype(int)
        assert len(np.unique(bins[flat])) == levels
        mse, entropy = on_pixels(page, bins)
        assert entropy == pytest.approx(rate, abs=5e-4)
        assert 10 * np.log10(255**2 / mse) == pytest.approx(db, abs=0.005)
        at = np.flatnonzero(page["quantizer_steps"] == step)[0]
        assert page["uniform_rate"][at] == pytest.approx(entropy, rel=1e-9)
        assert page["uniform_mse"][at] == pytest.approx(mse, rel=1e-9)
    # Both beat the fixed-rate optimum with fewer bits than log2 k.
    assert 30.35 > page["optimum_db"][2] and 36.34 > page["optimum_db"][3]


def test_high_rate_gain_and_shannon_gap(page):
    assert round(page["predicted_gain"], 2) == 0.71
    assert round(10 * np.log10(np.pi * np.e / 6), 2) == 1.53


def test_entropy_constrained_exact_minimum(page):
    row = page["near_3"]
    bins = page["ecsq_bins"](row)
    mse, entropy = on_pixels(page, bins)
    assert len(np.unique(bins[page["levels_in_use"]])) == 10
    assert entropy == pytest.approx(3.067, abs=5e-4)
    assert 10 * np.log10(255**2 / mse) == pytest.approx(30.96, abs=0.005)
    # The Lagrangian Lloyd iteration stops at a higher J: a local minimum.
    lam = page["lambdas"][row]
    lloyd = page["lloyd_mse"] + lam * page["lloyd_rate"]
    assert lloyd > page["ecsq_mse"][row] + lam * page["ecsq_rate"][row] + 1


def test_entropy_constrained_minimum_beats_every_other_interval_quantizer(page):
    """For every lambda, no uniform step and no fixed-rate optimum (both interval
    quantizers) has a smaller MSE + lambda H than the dynamic programme's."""
    fixed_mse = page["optimal_errors"][1:] / page["n_pixels"]
    fixed_rate = np.array(
        [page["score"](page["optimal_bins"](page["optimal_starts"], k))[1] for k in range(1, 252)]
    )
    for row, lam in enumerate(page["lambdas"]):
        best = page["ecsq_mse"][row] + lam * page["ecsq_rate"][row]
        assert best <= np.min(page["uniform_mse"] + lam * page["uniform_rate"]) + 1e-9
        assert best <= np.min(fixed_mse[:251] + lam * fixed_rate) + 1e-9


def test_equal_rate_table(page):
    optimum = page["optimum_db"][:6]
    uniform = np.array(page["best_uniform"])
    ecsq = np.array(page["ecsq_at"])
    # "From 3 bits on, entropy coding wins at equal rate, by 0.2 to 0.6 dB."
    assert np.all(uniform[2:] - optimum[2:] > 0.2) and np.all(ecsq[2:] - optimum[2:] < 0.65)
    assert np.all(ecsq >= uniform - 1e-9)
    # "At 1 and 2 bits the optimum holds its own against the uniform step."
    assert np.all(uniform[:2] <= optimum[:2] + 0.005)
    assert np.all(ecsq[:2] - optimum[:2] < 0.25)
    # The optimum's own indices cost less than log2 k bits once entropy coded.
    assert np.all(page["optimal_rate"][:7] < page["bits"][:7])
    # The uniform column uses only steps whose index entropy is at most b bits.
    for b, value in zip(page["table_bits"], uniform):
        ok = page["uniform_rate"] <= b
        assert value == pytest.approx(10 * np.log10(255**2 / page["uniform_mse"][ok].min()))


def test_uniform_step_loses_below_3_bits_and_gains_above(page):
    """What the lower panel of the figure shows, against the fixed-rate optimum with
    k levels for every k, at log2 k bits."""
    rate, mse = page["uniform_rate"], page["uniform_mse"]
    above = 10 * np.log10(255**2 / mse[mse > 0]) - np.interp(
        rate[mse > 0], page["fixed_rate"], page["fixed_db"]
    )
    rate = rate[mse > 0]
    assert np.all(above[(rate > 1.05) & (rate < 2.6)] < 0)
    assert np.all(above[(rate > 3) & (rate < 5.5)] > 0)
    # The optimum's own indices, entropy coded, gain at every rate from 2 bits on.
    optimal = page["optimal_rate"][1:7]
    gain = page["optimum_db"][1:7] - np.interp(optimal, page["fixed_rate"], page["fixed_db"])
    assert np.all(gain > 0)
