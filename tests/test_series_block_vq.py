"""Check the claims of the block vector quantization page on the results its code computed.

PSNRs, rates, block splits, nearest codewords and the equal-rate gains are recomputed here
independently of the page's helper functions wherever that is cheap.
"""

import lzma
import re

import numpy as np
import pytest
from independent import independent_blocks, independent_entropy, independent_psnr

PAGE = "series/plot_09_block_vector_quantization.py"
BLOCK_KEYS = [(b, k) for b in (2, 4) for k in (2, 4, 16, 64, 256)]


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


@pytest.fixture(scope="module")
def stdout(run_script):
    return run_script(PAGE).stdout


def mixed_scalar_psnr(scalar, rate, kind):
    """PSNR of two neighbouring scalar quantizers mixed (MSE linear in rate)."""
    points = sorted((r[kind], 255.0**2 / 10 ** (r["psnr"] / 10)) for r in scalar.values())
    for (r0, m0), (r1, m1) in zip(points, points[1:]):
        if r0 <= rate <= r1:
            mse = m0 + (m1 - m0) * (rate - r0) / (r1 - r0)
            return 10 * np.log10(255.0**2 / mse)
    return None


def test_block_split_matches_slicing_and_merge_is_an_exact_round_trip(page):
    split, merge = page["split_blocks"], page["merge_blocks"]
    rng = np.random.default_rng(1)
    small = rng.integers(0, 256, size=(12, 8), dtype=np.uint8)
    for image in (small, page["raccoon"]):
        for b in (1, 2, 4):
            blocks = split(image, b)
            assert np.array_equal(blocks, independent_blocks(image, b))
            assert np.array_equal(merge(blocks, b, image.shape), image)
    assert np.array_equal(split(small, 2)[1], small[0:2, 2:4].ravel())


def test_scalar_baseline_is_the_best_quantizer_of_its_number_of_levels(page):
    """Exhaustive search for 2 and 3 levels, and no worse than k-means with restarts."""
    from sklearn.cluster import KMeans

    raccoon, scalar = page["raccoon"], page["scalar"]
    assert sorted(scalar) == list(range(2, 17))
    counts = np.bincount(raccoon.ravel(), minlength=256).astype(float)
    greys = np.arange(256.0)

    def cell_error(lo, hi):
        c, g = counts[lo:hi], greys[lo:hi]
        n = c.sum()
        return 0.0 if n == 0 else float((c * g**2).sum() - (c * g).sum() ** 2 / n)

    best_two = min(cell_error(0, t) + cell_error(t, 256) for t in range(1, 256))
    best_three = min(
        cell_error(0, t) + cell_error(t, u) + cell_error(u, 256)
        for t in range(1, 255)
        for u in range(t + 1, 256)
    )
    for k, best in [(2, best_two), (3, best_three)]:
        # Rounding the levels to integers costs at most a quarter grey level squared.
        error = np.sum((raccoon.astype(float) - scalar[k]["image"]) ** 2)
        assert best <= error <= best + 0.25 * raccoon.size, k
    for k in (4, 8, 16):
        kmeans = KMeans(n_clusters=k, n_init=10, random_state=0)
        kmeans.fit(greys.reshape(-1, 1), sample_weight=counts)
        centres = np.sort(kmeans.cluster_centers_.ravel())
        nearest = centres[np.abs(raccoon[..., None] - centres).argmin(axis=-1)]
        assert scalar[k]["psnr"] >= independent_psnr(raccoon, nearest) - 0.01, k
    for k, result in scalar.items():
        levels = result["levels"].astype(float)
        assert len(np.unique(levels)) == k
        nearest = levels[np.abs(raccoon[..., None] - levels).argmin(axis=-1)]
        assert np.array_equal(result["image"], nearest)
        assert np.array_equal(result["levels"][result["indices"]], result["image"])


def test_reconstructions_consist_only_of_nearest_codebook_blocks(page):
    raccoon, vq = page["raccoon"], page["vq"]
    assert sorted(vq) == BLOCK_KEYS
    rng = np.random.default_rng(2)
    for (b, k), result in vq.items():
        codebook, codes, image = result["codebook"], result["indices"], result["image"]
        assert codebook.shape == (k, b * b) and codebook.dtype == np.uint8
        assert codes.shape == (raccoon.size // (b * b),) and codes.max() < k
        assert np.array_equal(independent_blocks(image, b), codebook[codes])
        originals = independent_blocks(raccoon, b).astype(np.int64)
        chosen = rng.choice(len(originals), size=3000, replace=False)
        distances = ((originals[chosen, None, :] - codebook[None].astype(np.int64)) ** 2).sum(-1)
        picked = distances[np.arange(len(chosen)), codes[chosen]]
        assert np.array_equal(picked, distances.min(axis=1)), (b, k)


def test_psnrs_and_the_three_rates_are_recomputed_exactly(page):
    raccoon, n = page["raccoon"], page["raccoon"].size
    entries = [((1, k), r, k) for k, r in page["scalar"].items()]
    entries += [(key, r, r["codebook"].nbytes) for key, r in page["vq"].items()]
    for (b, k), result, table in entries:
        assert result["psnr"] == pytest.approx(independent_psnr(raccoon, result["image"]))
        indices = result["indices"]
        assert result["fixed"] == pytest.approx(np.log2(k) / b**2)
        assert result["entropy"] == pytest.approx(independent_entropy(indices) / b**2)
        assert result["entropy"] <= result["fixed"] + 1e-12
        assert result["lzma"] == pytest.approx(8 * result["bytes"] / n)
        if b == 1 and k not in (2, 4):
            continue  # half a second each: the scalar rows the prose cites are enough
        stored = len(lzma.compress(indices.astype(np.uint8).tobytes())) + table
        assert result["bytes"] == stored, (b, k)


def test_reviewers_numbers_and_the_one_bit_floor(page):
    scalar, vq = page["scalar"], page["vq"]
    # The 2-level image: 1 bpp with codes of one length, far less compressed.
    assert scalar[2]["fixed"] == 1
    assert scalar[2]["lzma"] < 0.4 and round(scalar[2]["lzma"], 2) == 0.38
    assert page["png_rate"] == pytest.approx(0.355, abs=0.002)
    # 4 levels under lzma: 0.68 bpp at 24.3 dB; 2×2 blocks, 16 codewords: 0.59 at 28.5.
    assert round(scalar[4]["lzma"], 2) == 0.68 and round(scalar[4]["psnr"], 1) == 24.3
    assert round(vq[2, 16]["lzma"], 2) == 0.59 and round(vq[2, 16]["psnr"], 1) == 28.5
    direct = vq[2, 16]["psnr"] - scalar[4]["psnr"]
    assert 3.9 < direct < 4.4  # "about 4 dB better with fewer bits"
    assert vq[2, 16]["lzma"] < scalar[4]["lzma"]
    # Only blocks go below 1 bpp with codes of one length.
    assert min(r["fixed"] for r in scalar.values()) == 1
    assert vq[4, 16]["fixed"] == 0.25 and vq[4, 16]["psnr"] > scalar[4]["psnr"]


def test_gains_at_equal_rate_both_ways(page):
    scalar, vq, gains = page["scalar"], page["vq"], page["gains"]
    for (kind, key), gain in gains.items():
        reference = mixed_scalar_psnr(scalar, vq[key][kind], kind)
        assert reference is not None
        assert gain == pytest.approx(vq[key]["psnr"] - reference), (kind, key)
    # Fixed-length: about 10 dB at 1, 1.5 and 2 bpp.
    for key in [(2, 16), (2, 64), (2, 256)]:
        assert 9.5 < gains["fixed", key] < 11.5
    # Index entropy keeps the gain.
    assert all(gains["entropy", key] > 10 for key in [(2, 64), (2, 256)])
    # After lzma: 5.9 falling to 1.7 dB for 2×2 blocks, 9.2 dB for 4×4 at 0.43 bpp.
    lzma_2x2 = [gains["lzma", (2, k)] for k in (16, 64, 256)]
    assert lzma_2x2 == sorted(lzma_2x2, reverse=True)
    assert round(lzma_2x2[0], 1) == 5.9 and round(lzma_2x2[-1], 1) == 1.7
    assert round(vq[2, 256]["lzma"], 2) == 1.47
    assert round(gains["lzma", (4, 256)], 1) == 9.2 and round(vq[4, 256]["lzma"], 2) == 0.43
    # Outside the scalar curve, no comparison is made.
    assert np.isnan(page["scalar_psnr_at"](0.2, "lzma"))


def test_pairs_kmeans_beats_the_scalar_grid_and_uses_all_its_points(page):
    raccoon = page["raccoon"]
    pairs = raccoon.reshape(-1, 2).astype(np.int64)
    results = {}
    for name, points in [("grid", page["pair_grid"]), ("kmeans", page["pair_codebook"])]:
        points = points.astype(np.int64)
        assert points.shape == (16, 2)
        distances = ((pairs[:, None, :] - points[None]) ** 2).sum(-1)
        share = np.bincount(distances.argmin(axis=1), minlength=16) / len(pairs)
        error = distances.min(axis=1).mean() / 2  # per pixel
        results[name] = (share, 10 * np.log10(255**2 / error))
    grid_share, grid_psnr = results["grid"]
    kmeans_share, kmeans_psnr = results["kmeans"]
    assert grid_psnr == pytest.approx(page["scalar"][4]["psnr"])
    assert kmeans_psnr > grid_psnr + 5
    assert np.sum(grid_share < 0.001) >= 3  # "several points ... hardly ever occur"
    assert kmeans_share.min() >= 0.001 and kmeans_share.max() < grid_share.max()
    np.testing.assert_allclose(np.sort(kmeans_share), np.sort(page["pair_share"]["K-means"]))


def test_block_quantized_images_are_tiled(page):
    """Steps across 4×4 block edges dwarf those inside after block quantization only."""
    raccoon, vq, scalar = page["raccoon"], page["vq"], page["scalar"]

    def ratio(image, b=4):
        image = image.astype(float)
        across, inside = [], []
        for steps in (np.abs(image[:, 1:] - image[:, :-1]), np.abs(image[1:] - image[:-1]).T):
            for j in range(steps.shape[1]):
                (across if (j + 1) % b == 0 else inside).append(steps[:, j])
        return np.concatenate(across).mean() / np.concatenate(inside).mean()

    assert ratio(vq[4, 16]["image"]) > 2 and ratio(vq[4, 256]["image"]) > 2
    assert ratio(vq[4, 256]["image"]) < ratio(vq[4, 16]["image"])
    for image in (raccoon, scalar[4]["image"]):
        assert 1 < ratio(image) < 1.2
    # The original's faint 8-pixel grid.
    assert ratio(raccoon, 8) > ratio(raccoon, 4) and ratio(raccoon, 5) == pytest.approx(1, abs=0.02)


def test_one_codebook_at_1_bpp_with_4x4_blocks_is_larger_than_the_image(page):
    raccoon = page["raccoon"]
    k_needed = 2 ** (1 * 16)
    assert k_needed > raccoon.size // 16
    assert k_needed * 16 > raccoon.nbytes == 786432


def test_printed_numbers_are_the_ones_the_prose_states(page, stdout):
    for line in stdout.splitlines():
        assert len(line) <= 72, line
    scalar, vq, gains = page["scalar"], page["vq"], page["gains"]
    assert f"2×2,  16 at {vq[2, 16]['lzma']:.3f} bpp, gain {gains['lzma', (2, 16)]:5.2f}" in (
        stdout
    )
    assert re.search(r"scalar, 4\s+2\.000\s+1\.978\s+0\.684\s+24\.33", stdout)
    assert re.search(r"2×2, 16\s+1\.000\s+0\.966\s+0\.591\s+28\.49", stdout)
    assert "2 levels as a 1-bit PNG: 0.356 bpp" in stdout
    assert "Space-filling gain, hexagon: 0.17 dB" in stdout
    assert "Space-filling gain, D4: 0.37 dB" in stdout
    assert "Space-filling gain, limit: 1.53 dB" in stdout
    assert "4×4 at 1 bpp: 65536 codewords, 1048576 bytes, 0.75 blocks" in stdout
    assert f"Scalar,  4 levels: PSNR {scalar[4]['psnr']:.2f} dB" in stdout
