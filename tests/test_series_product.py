"""Check the claims of the product quantization page on its own results.

Codes are checked against a brute-force nearest codeword, images are rebuilt from the
codes by slicing, PSNRs and rates are recomputed, and the page's comparison with residual
quantization is checked on the residual page's own results.
"""

import lzma

import numpy as np
import pytest
from independent import independent_blocks, independent_entropy, independent_psnr

PAGE = "series/plot_11_product_quantization.py"
RESIDUAL_PAGE = "series/plot_10_residual_quantization.py"
KEYS = [(16, 1), (16, 2), (16, 4), (16, 8), (256, 1), (256, 2), (256, 4)]


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


@pytest.fixture(scope="module")
def stdout(run_script):
    return run_script(PAGE).stdout


def test_blocks_and_sample(page):
    raccoon, blocks = page["raccoon"], page["blocks"]
    assert np.array_equal(blocks, independent_blocks(raccoon))
    assert np.array_equal(page["merge_blocks"](blocks.astype(np.uint8)), raccoon)
    chosen = np.random.default_rng(0).choice(len(blocks), size=5000, replace=False)
    assert np.array_equal(page["sample"], blocks[chosen])


def test_codes_are_nearest_codewords_piece_by_piece(page):
    blocks, results = page["blocks"].astype(np.int64), page["results"]
    assert sorted(results) == KEYS
    rng = np.random.default_rng(4)
    chosen = rng.choice(len(blocks), size=1500, replace=False)
    for (k, m), result in results.items():
        assert len(result["codebooks"]) == m
        for j, (piece, codebook) in enumerate(
            zip(np.split(blocks[chosen], m, axis=1), result["codebooks"])
        ):
            assert codebook.shape == (k, 16 // m) and codebook.dtype == np.uint8
            distances = ((piece[:, None, :] - codebook[None].astype(np.int64)) ** 2).sum(-1)
            picked = distances[np.arange(len(chosen)), result["codes"][chosen, j]]
            assert np.array_equal(picked, distances.min(axis=1)), (k, m, j)


def test_images_are_the_pieces_side_by_side(page):
    for (k, m), result in page["results"].items():
        rebuilt = independent_blocks(result["image"])
        width = 16 // m
        for j, codebook in enumerate(result["codebooks"]):
            piece = codebook[result["codes"][:, j]]
            assert np.array_equal(rebuilt[:, j * width : (j + 1) * width], piece), (k, m)
    # Two pieces: the top two rows of every block come from the first codebook.
    result = page["results"][16, 2]
    top_rows = np.stack([result["image"][r::4] for r in (0, 1)], axis=1)
    top_halves = top_rows.reshape(-1, 2, 256, 4).transpose(0, 2, 1, 3).reshape(-1, 8)
    assert np.array_equal(top_halves, result["codebooks"][0][result["codes"][:, 0]])


def test_psnrs_rates_and_sizes_are_recomputed(page):
    raccoon = page["raccoon"]
    for (k, m), r in page["results"].items():
        assert r["psnr"] == pytest.approx(independent_psnr(raccoon, r["image"]))
        assert r["fixed"] == pytest.approx(m * np.log2(k) / 16)
        entropy = sum(independent_entropy(r["codes"][:, j]) for j in range(m)) / 16
        assert r["entropy"] == pytest.approx(entropy) and r["entropy"] <= r["fixed"]
        stored = len(lzma.compress(r["codes"].astype(np.uint8).tobytes())) + 16 * k
        assert r["lzma"] == pytest.approx(8 * stored / raccoon.size)
        # 16 k values whatever the number of pieces.
        assert r["bytes"] == 16 * k == sum(c.size for c in r["codebooks"])


def test_one_codebook_wins_at_equal_rate_both_ways(page):
    results = page["results"]
    plain, pieces = results[256, 1], results[16, 2]
    assert plain["fixed"] == pieces["fixed"] == 0.5
    assert plain["psnr"] - pieces["psnr"] == pytest.approx(page["gap_fixed"])
    assert page["gap_fixed"] > 1
    curve = [results[16, m] for m in (1, 2, 4, 8)]
    rates = [r["lzma"] for r in curve]
    assert rates == sorted(rates)
    i = np.searchsorted(rates, plain["lzma"])
    lo, hi = curve[i - 1], curve[i]
    mse = [255.0**2 / 10 ** (r["psnr"] / 10) for r in (lo, hi)]
    t = (plain["lzma"] - lo["lzma"]) / (hi["lzma"] - lo["lzma"])
    at_rate = 10 * np.log10(255.0**2 / (mse[0] + t * (mse[1] - mse[0])))
    assert page["gap_lzma"] == pytest.approx(plain["psnr"] - at_rate) and page["gap_lzma"] > 1


def test_residual_quantization_spends_the_same_bits_better(page, run_example):
    """ "residual quantization, on the previous page, spends the same bits better"."""
    residual = run_example(RESIDUAL_PAGE)["results"]
    product = page["results"]
    # The same plain quantizers on both pages, whichever k-means fitted them.
    for k in (16, 256):
        assert abs(residual["VQ", k, 1]["psnr"] - product[k, 1]["psnr"]) < 0.1
    compared = 0
    for (k, m), r in product.items():
        if m > 1 and ("RVQ", k, m) in residual:
            other = residual["RVQ", k, m]
            assert other["fixed"] == r["fixed"]
            assert other["psnr"] > r["psnr"], (k, m)
            compared += 1
    assert compared == 5
    # After lzma: better in all cases but one, where the two are within 0.1 dB.
    margins = []
    for k, n_max in [(16, 8), (256, 4)]:
        curve = [residual["RVQ", k, n] for n in range(1, n_max + 1)]
        rates = [c["lzma"] for c in curve]
        assert rates == sorted(rates)
        mse = [255.0**2 / 10 ** (c["psnr"] / 10) for c in curve]
        for m in (2, 4, 8):
            if (k, m) in product:
                assert rates[0] <= product[k, m]["lzma"] <= rates[-1]
                at_rate = 10 * np.log10(255.0**2 / np.interp(product[k, m]["lzma"], rates, mse))
                margins.append(at_rate - product[k, m]["psnr"])
    assert len(margins) == 5
    assert sum(margin > 0 for margin in margins) == 4 and min(margins) > -0.1


def test_halves_are_correlated_and_each_half_codebook_spans_all_brightness(page):
    blocks, results = page["blocks"], page["results"]
    top, bottom = blocks[:, :8].mean(1), blocks[:, 8:].mean(1)
    top, bottom = top - top.mean(), bottom - bottom.mean()
    correlation = (top @ bottom) / np.sqrt((top @ top) * (bottom @ bottom))
    assert correlation == pytest.approx(page["half_correlation"]) and correlation > 0.9
    whole = np.ptp(results[16, 1]["codebooks"][0].astype(float).mean(1))
    for codebook in results[16, 2]["codebooks"]:
        assert np.ptp(codebook.astype(float).mean(1)) > 0.95 * whole


def test_product_tiles_split_into_halves(page):
    raccoon, results = page["raccoon"], page["results"]

    def ratio(image):
        image = image.astype(np.int64)
        between, inside = [], []
        for top in range(0, image.shape[0], 4):
            between.append(np.abs(image[top + 2] - image[top + 1]))
            inside += [np.abs(image[top + 1] - image[top]), np.abs(image[top + 3] - image[top + 2])]
        return np.mean(between) / np.mean(inside)

    for name, key in page["shown"].items():
        image = raccoon if key is None else results[key]["image"]
        assert ratio(image) == pytest.approx(page["half_steps"][name]), name
    assert ratio(raccoon) == pytest.approx(1, abs=0.1)
    assert ratio(results[16, 2]["image"]) > 5 * ratio(results[256, 1]["image"])
    assert ratio(results[256, 2]["image"]) > 1.5 * ratio(results[256, 1]["image"])


def test_distances_come_from_tables_for_any_query(page):
    product = page["results"][256, 2]
    codes, codebooks = product["codes"], product["codebooks"]
    decoded = np.hstack([c[codes[:, j]].astype(np.int64) for j, c in enumerate(codebooks)])
    rng = np.random.default_rng(5)
    for query in rng.integers(0, 256, size=(3, 16)):
        tables = [
            ((query[j * 8 : (j + 1) * 8] - c.astype(np.int64)) ** 2).sum(1)
            for j, c in enumerate(codebooks)
        ]
        looked_up = tables[0][codes[:, 0]] + tables[1][codes[:, 1]]
        assert np.array_equal(looked_up, ((decoded - query) ** 2).sum(1))
    assert page["largest_difference"] == 0
    assert np.array_equal(page["looked_up"], ((decoded - page["query"]) ** 2).sum(1))


def test_printed_lines_fit_and_carry_the_numbers(page, stdout):
    for line in stdout.splitlines():
        assert len(line) <= 72, line
    assert f"one codebook better by {page['gap_fixed']:.2f} dB" in stdout
    assert f"better by {page['gap_lzma']:.2f} dB" in stdout
    assert "49152 distances from 512 numbers" in stdout
    for (k, m), r in page["results"].items():
        assert f"{m} × {k:<5} {r['fixed']:6.3f} {r['entropy']:6.3f} {r['lzma']:5.3f}" in stdout
