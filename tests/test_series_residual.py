"""Check the claims of the residual quantization page on its own results.

Nearest codewords are found again by brute force in integer arithmetic, blocks are cut
by slicing, reconstructions are decoded again from the codes, PSNRs and rates are
recomputed, and the page's hand-written k-means is compared with scikit-learn's
``KMeans``: a slip in the page's helpers shows here rather than in its prose.
"""

import lzma

import numpy as np
import pytest
from independent import independent_blocks, independent_entropy, independent_psnr

PAGE = "series/plot_10_residual_quantization.py"


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


@pytest.fixture(scope="module")
def stdout(run_script):
    return run_script(PAGE).stdout


def brute_force_codes(vectors, codebook):
    """Nearest codeword of each vector from every squared distance, in int64; first on ties."""
    vectors = np.asarray(vectors, dtype=np.int64)
    codebook = np.asarray(codebook, dtype=np.int64)
    distances = ((vectors[:, None, :] - codebook[None, :, :]) ** 2).sum(axis=-1)
    return distances.argmin(axis=1), distances


def test_blocks_are_cut_row_by_row_and_merged_back(page):
    raccoon, blocks = page["raccoon"], page["blocks"]
    assert np.array_equal(blocks, independent_blocks(raccoon))
    assert np.array_equal(blocks[1], raccoon[0:4, 4:8].ravel())
    assert np.array_equal(page["merge_blocks"](blocks), raccoon)
    chosen = np.random.default_rng(0).choice(len(blocks), size=5000, replace=False)
    assert np.array_equal(page["sample"], blocks[chosen])


def test_encoder_finds_a_nearest_codeword_with_ties_to_the_first(page):
    encode = page["encode"]
    rng = np.random.default_rng(3)
    for _ in range(20):
        codebook = rng.integers(-40, 41, size=(12, 6))
        codebook[7] = codebook[2]
        codebook[11] = codebook[5]
        vectors = np.concatenate(
            [rng.integers(-60, 61, size=(200, 6)), codebook, (codebook[:6] + codebook[6:]) // 2]
        )
        expected, distances = brute_force_codes(vectors, codebook)
        assert np.array_equal(encode(vectors, codebook), expected)
        for row, code in zip(distances, expected):
            assert code == np.flatnonzero(row == row.min())[0]
    # Exact ties between permuted codewords, at the largest values on the page.
    base = rng.integers(-255, 256, size=16)
    permuted = np.array([rng.permutation(base) for _ in range(40)])
    constant = np.outer(rng.integers(-300, 301, size=200), np.ones(16, dtype=int))
    assert np.array_equal(encode(constant, permuted), np.zeros(200, dtype=int))
    # More vectors than one chunk of the encoder.
    vectors = rng.integers(0, 256, size=(20000, 16))
    codebook = rng.integers(0, 256, size=(8, 16))
    assert np.array_equal(encode(vectors, codebook), brute_force_codes(vectors, codebook)[0])


def test_every_code_on_the_page_is_a_nearest_codeword_by_brute_force(page):
    blocks, results = page["blocks"], page["results"]
    assert {key[0] for key in results} == {"VQ", "RVQ"}
    rng = np.random.default_rng(4)
    chosen = rng.choice(len(blocks), size=1500, replace=False)
    originals = blocks[chosen].astype(np.int64)
    for (method, k, n), result in results.items():
        residuals = originals.copy()
        for stage, codebook in enumerate(result["codebooks"]):
            expected, _ = brute_force_codes(residuals, codebook)
            assert np.array_equal(result["codes"][chosen, stage], expected), (method, k, n)
            residuals -= codebook[expected].astype(np.int64)


def test_reconstruction_error_is_the_last_residual(page):
    blocks, results = page["blocks"], page["results"]
    for (method, k, n), result in results.items():
        if method != "RVQ":
            continue
        codes, codebooks = result["codes"], result["codebooks"]
        decoded = sum(codebooks[s][codes[:, s]].astype(np.int64) for s in range(n))
        residual = page["residuals_left"][k, n]
        assert np.array_equal(blocks.astype(np.int64) - decoded, residual)
        expected_image = np.clip(decoded, 0, 255).astype(np.uint8)
        assert np.array_equal(independent_blocks(result["image"]), expected_image)


def test_one_stage_is_plain_vq_and_shorter_codes_are_prefixes(page):
    results, raccoon = page["results"], page["raccoon"]
    plain, one_stage = results["VQ", 256, 1], results["RVQ", 256, 1]
    assert np.array_equal(plain["codebooks"][0], one_stage["codebooks"][0])
    assert np.array_equal(plain["codes"], one_stage["codes"])
    for k, n_stages in [(256, 4), (16, 8)]:
        quality = [
            independent_psnr(raccoon, results["RVQ", k, s]["image"]) for s in range(1, n_stages + 1)
        ]
        assert all(later > earlier for earlier, later in zip(quality, quality[1:])), quality
        full = results["RVQ", k, n_stages]["codes"]
        for s in range(1, n_stages):
            assert np.array_equal(results["RVQ", k, s]["codes"], full[:, :s])
        codebooks = page["residual_codebooks"][k]
        assert codebooks[0].dtype == np.uint8
        assert all(c.dtype == np.int8 and c.min() < 0 < c.max() for c in codebooks[1:])


def test_psnrs_rates_bytes_and_work_are_recomputed(page):
    raccoon, results = page["raccoon"], page["results"]
    n_blocks = raccoon.size // 16
    for (_, k, n), result in results.items():
        codebooks, codes = result["codebooks"], result["codes"]
        assert len(codebooks) == n and codes.shape == (n_blocks, n)
        assert result["psnr"] == pytest.approx(independent_psnr(raccoon, result["image"]))
        assert result["fixed"] == pytest.approx(n * np.log2(k) / 16)
        entropy = sum(independent_entropy(codes[:, s]) for s in range(n)) / 16
        assert result["entropy"] == pytest.approx(entropy)
        assert result["entropy"] <= result["fixed"]
        stored = len(lzma.compress(codes.astype(np.uint8).tobytes())) + n * k * 16
        assert result["lzma"] == pytest.approx(8 * stored / raccoon.size)
        assert result["bytes"] == n * k * 16 == result["values_per_block"]


def test_one_codebook_wins_at_equal_rate_both_ways(page):
    """The reviewer's numbers: 0.5 bpp, 28.44 against 27.72 dB."""
    raccoon, results = page["raccoon"], page["results"]
    plain, residual = results["VQ", 256, 1], results["RVQ", 16, 2]
    assert plain["fixed"] == residual["fixed"] == 0.5
    assert round(independent_psnr(raccoon, plain["image"]), 2) == 28.44
    assert round(independent_psnr(raccoon, residual["image"]), 2) == 27.72
    assert page["gap_fixed"] == pytest.approx(plain["psnr"] - residual["psnr"])
    # After lzma: fewer bits for two stages of 16, and less quality at the plain rate.
    assert residual["lzma"] < plain["lzma"]
    curve = [results["RVQ", 16, n] for n in range(1, 9)]
    rates = [r["lzma"] for r in curve]
    assert rates == sorted(rates)
    i = np.searchsorted(rates, plain["lzma"])
    lo, hi = curve[i - 1], curve[i]
    mse = [255.0**2 / 10 ** (r["psnr"] / 10) for r in (lo, hi)]
    t = (plain["lzma"] - lo["lzma"]) / (hi["lzma"] - lo["lzma"])
    at_rate = 10 * np.log10(255.0**2 / (mse[0] + t * (mse[1] - mse[0])))
    assert page["gap_lzma"] == pytest.approx(plain["psnr"] - at_rate)
    assert 0 < page["gap_lzma"] < page["gap_fixed"]


def test_exhaustive_pairs_beat_greedy_but_not_one_codebook(page):
    raccoon, blocks, results = page["raccoon"], page["blocks"], page["results"]
    first, second = (c.astype(np.int64) for c in page["residual_codebooks"][16][:2])
    sums = (first[:, None, :] + second[None, :, :]).reshape(256, 16)
    x = blocks.astype(np.int64)
    distances = (x**2).sum(1)[:, None] - 2 * x @ sums.T + (sums**2).sum(1)[None, :]
    best = distances.argmin(axis=1)
    greedy = 16 * results["RVQ", 16, 2]["codes"][:, 0] + results["RVQ", 16, 2]["codes"][:, 1]
    rows = np.arange(len(x))
    assert np.all(distances[rows, best] <= distances[rows, greedy])
    improved = distances[rows, best] < distances[rows, greedy]
    assert np.mean(improved) == pytest.approx(page["share_improved"]) and np.mean(improved) > 0.1
    image = page["merge_blocks"](np.clip(sums[best], 0, 255).astype(np.uint8))
    exhaustive = independent_psnr(raccoon, image)
    assert exhaustive == pytest.approx(page["exhaustive_psnr"])
    assert results["RVQ", 16, 2]["psnr"] < exhaustive < results["VQ", 256, 1]["psnr"]
    assert round(exhaustive - results["RVQ", 16, 2]["psnr"], 1) == 0.2  # "gain 0.2 dB"


def test_fewer_larger_stages_win_and_costs_grow_linearly(page):
    results = page["results"]
    for n_large in (2, 4):
        large, small = results["RVQ", 256, n_large], results["RVQ", 16, 2 * n_large]
        assert large["fixed"] == small["fixed"]
        assert large["psnr"] > small["psnr"]
        assert large["bytes"] == 8 * small["bytes"]
        assert large["values_per_block"] == 8 * small["values_per_block"]
    # Linear: each stage adds the same bytes; one codebook: 16 · 2^(16 R) bytes.
    for k, n_stages in [(256, 4), (16, 8)]:
        sizes = [results["RVQ", k, n]["bytes"] for n in range(1, n_stages + 1)]
        assert set(np.diff(sizes)) == {16 * k}
    for k in (16, 64, 256):
        assert results["VQ", k, 1]["bytes"] == 16 * 2 ** (16 * results["VQ", k, 1]["fixed"])
    largest = results["RVQ", 256, 4]
    assert largest["fixed"] == 2
    assert sum(len(c) for c in largest["codebooks"]) == 1024 and largest["bytes"] == 16384


def test_hand_written_kmeans_is_as_good_as_scikit_learns(page):
    from sklearn.cluster import KMeans

    blocks, sample = page["blocks"].astype(np.int64), page["sample"].astype(np.float64)
    for k in (16, 256):
        kmeans = KMeans(n_clusters=k, n_init=1, random_state=0).fit(sample)
        centres = np.rint(kmeans.cluster_centers_).astype(np.int64)
        codes = np.argmin((centres**2).sum(1)[None, :] - 2 * blocks @ centres.T, axis=1)
        error = blocks - centres[codes]
        reference = 10 * np.log10(255.0**2 / np.mean(error**2))
        assert abs(page["results"]["VQ", k, 1]["psnr"] - reference) < 0.3, (k, reference)


def test_fitting_again_gives_the_same_codebooks_whatever_the_threads(page):
    from threadpoolctl import threadpool_limits

    fitted = []
    for threads in (1, 2):
        with threadpool_limits(threads):
            fitted.append(page["fit_residual"](page["sample"], 256, 2))
    for one, two, on_the_page in zip(*fitted, page["residual_codebooks"][256]):
        assert np.array_equal(one, two) and np.array_equal(one, on_the_page)


def test_printed_lines_fit_and_carry_the_numbers_of_the_prose(page, stdout):
    for line in stdout.splitlines():
        assert len(line) <= 72, line
    results = page["results"]
    assert "One codebook better by 0.72 dB at 0.5 bpp fixed" in stdout
    assert f"At {results['VQ', 256, 1]['lzma']:.3f} bpp lzma, one codebook better" in stdout
    assert "Blocks with a better pair than the greedy one: 12.8%" in stdout
    assert "One codebook at 2 bpp: 4294967296 codewords" in stdout
    for (method, k, n), r in results.items():
        name = f"plain {k}" if method == "VQ" else f"{n} × {k}"
        assert f"{name:<11} {r['fixed']:5.3f} {r['entropy']:6.3f} {r['lzma']:5.3f}" in stdout
