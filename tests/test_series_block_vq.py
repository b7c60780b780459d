"""Check the claims of the block vector quantization page on the results its code computed.

PSNRs, rates, block splits and nearest codewords are recomputed here independently of the
page's helper functions wherever that is cheap.
"""

import numpy as np
import pytest

PAGE = "series/plot_07_block_vector_quantization.py"


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


def independent_psnr(original, quantized):
    mse = np.mean((np.asarray(original, float) - np.asarray(quantized, float)) ** 2)
    return 10 * np.log10(255.0**2 / mse)


def independent_blocks(image, b):
    """The b×b blocks in block-row-major order, each read row by row, built by slicing."""
    height, width = image.shape
    # Pixel (r, c) of every block at once is image[r::b, c::b].
    parts = [image[r::b, c::b] for r in range(b) for c in range(b)]
    return np.stack(parts, axis=-1).reshape((height // b) * (width // b), b * b)


def test_block_split_matches_slicing_and_merge_is_an_exact_round_trip(page):
    split, merge = page["split_blocks"], page["merge_blocks"]
    rng = np.random.default_rng(1)
    small = rng.integers(0, 256, size=(12, 8), dtype=np.uint8)
    for image in (small, page["raccoon"]):
        for b in (1, 2, 4):
            blocks = split(image, b)
            assert np.array_equal(blocks, independent_blocks(image, b))
            assert np.array_equal(merge(blocks, b, image.shape), image)
    # One block by hand: the second block of the first block row of a 2×2 split.
    assert np.array_equal(split(small, 2)[1], small[0:2, 2:4].ravel())


def test_rate_is_log2_k_over_b_squared_for_every_configuration(page):
    raccoon, vq = page["raccoon"], page["vq"]
    n_pixels = raccoon.size
    assert sorted(vq) == [(b, k) for b in (2, 4) for k in (2, 4, 16, 64, 256)]
    for (b, k), result in vq.items():
        codebook, codes = result["codebook"], result["codes"]
        assert codebook.shape == (k, b * b)
        assert codebook.dtype == np.uint8
        # One index per block, each one of k values.
        assert codes.shape == (n_pixels // (b * b),)
        assert 0 <= codes.min() and codes.max() < k
        index_bits = int(k).bit_length() - 1
        assert 2**index_bits == k
        assert result["rate"] == pytest.approx(len(codes) * index_bits / n_pixels)
        assert result["rate"] == pytest.approx(np.log2(k) / b**2)
        codebook_bits = k * b * b * 8
        assert result["rate_with_codebook"] == pytest.approx(
            (len(codes) * index_bits + codebook_bits) / n_pixels
        )
    # The rates the prose names.
    assert vq[2, 16]["rate"] == 1 and vq[2, 256]["rate"] == 2
    assert vq[4, 16]["rate"] == 0.25 and vq[4, 256]["rate"] == 0.5
    for bits, result in page["scalar"].items():
        assert len(result["levels"]) == 2**bits and result["rate"] == bits
        assert set(np.unique(result["image"])) <= set(result["levels"])


def test_reconstructions_consist_only_of_nearest_codebook_blocks(page):
    raccoon = page["raccoon"]
    rng = np.random.default_rng(2)
    for (b, k), result in page["vq"].items():
        codebook, codes, image = result["codebook"], result["codes"], result["image"]
        assert image.dtype == np.uint8 and image.shape == raccoon.shape
        blocks = independent_blocks(image, b)
        assert np.array_equal(blocks, codebook[codes])
        # Every distinct block of the image is a row of the codebook.
        codewords = {row.tobytes() for row in codebook}
        assert {row.tobytes() for row in np.unique(blocks, axis=0)} <= codewords
        # Each block of the original went to a nearest codeword (brute force on a sample).
        originals = independent_blocks(raccoon, b).astype(np.int64)
        chosen = rng.choice(len(originals), size=3000, replace=False)
        distances = ((originals[chosen, None, :] - codebook[None].astype(np.int64)) ** 2).sum(-1)
        picked = distances[np.arange(len(chosen)), codes[chosen]]
        assert np.array_equal(picked, distances.min(axis=1)), (b, k)


def test_psnrs_on_the_page_are_the_psnrs_of_its_images(page):
    raccoon = page["raccoon"]
    for result in [*page["vq"].values(), *page["scalar"].values()]:
        assert result["psnr"] == pytest.approx(independent_psnr(raccoon, result["image"]))
    assert page["psnr"](raccoon, raccoon[::-1]) == pytest.approx(
        independent_psnr(raccoon, raccoon[::-1])
    )


def test_block_vq_beats_scalar_at_equal_rate_by_about_10_db(page):
    raccoon, vq, scalar = page["raccoon"], page["vq"], page["scalar"]
    for rate, key in [(1, (2, 16)), (2, (2, 256))]:
        assert vq[key]["rate"] == scalar[rate]["rate"]
        gain = independent_psnr(raccoon, vq[key]["image"]) - independent_psnr(
            raccoon, scalar[rate]["image"]
        )
        assert 9 < gain < 11.5, (rate, gain)


def test_4x4_blocks_at_a_quarter_bit_match_scalar_at_2_bits(page):
    raccoon, vq, scalar = page["raccoon"], page["vq"], page["scalar"]
    assert vq[4, 16]["rate"] * 8 == scalar[2]["rate"]
    assert independent_psnr(raccoon, vq[4, 16]["image"]) > independent_psnr(
        raccoon, scalar[2]["image"]
    )
    # Every rate below 1 bpp on the page comes from block quantization only.
    assert min(result["rate"] for result in scalar.values()) == 1
    assert any(result["rate"] < 1 for result in vq.values())


def test_larger_blocks_are_better_where_the_rates_overlap(page):
    vq = page["vq"]
    for small_key, large_key in [((2, 2), (4, 16)), ((2, 4), (4, 256))]:
        assert vq[small_key]["rate"] == vq[large_key]["rate"]
        assert vq[large_key]["psnr"] > vq[small_key]["psnr"]


def test_scalar_baseline_is_a_good_quantizer(page):
    """Each level is the rounded mean of its pixels, each pixel is at its nearest level,
    and the baseline is at least as good as the walkthrough's k-means bins."""
    from sklearn.preprocessing import KBinsDiscretizer

    raccoon = page["raccoon"]
    for bits, result in page["scalar"].items():
        levels = result["levels"].astype(float)
        image = result["image"]
        nearest = levels[np.abs(raccoon[..., None] - levels).argmin(axis=-1)]
        assert np.array_equal(image, nearest)
        for level in levels:
            members = raccoon[image == level]
            assert abs(members.mean() - level) <= 1.0, (bits, level, members.mean())
        walkthrough = KBinsDiscretizer(
            n_bins=2**bits, encode="ordinal", strategy="kmeans", subsample=None
        )
        codes = walkthrough.fit_transform(raccoon.reshape(-1, 1))
        kbins_image = walkthrough.inverse_transform(codes).reshape(raccoon.shape)
        assert independent_psnr(raccoon, image) >= independent_psnr(raccoon, kbins_image)


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
    assert grid_psnr == pytest.approx(page["scalar"][2]["psnr"])
    assert kmeans_psnr > grid_psnr
    # "several of its 16 points are almost never used"
    assert np.sum(grid_share < 0.001) >= 3
    # "share the work more evenly"
    assert kmeans_share.min() >= 0.001 and kmeans_share.max() < grid_share.max()
    np.testing.assert_allclose(np.sort(kmeans_share), np.sort(page["pair_share"]))


def test_block_edges_show_after_block_quantization_only(page):
    raccoon, vq, scalar = page["raccoon"], page["vq"], page["scalar"]

    def ratio(image, b):
        image = image.astype(float)
        across, inside = [], []
        for steps in (np.abs(image[:, 1:] - image[:, :-1]), np.abs(image[1:] - image[:-1]).T):
            for j in range(steps.shape[1]):
                (across if (j + 1) % b == 0 else inside).append(steps[:, j])
        return np.concatenate(across).mean() / np.concatenate(inside).mean()

    assert ratio(vq[4, 16]["image"], 4) > 2 and ratio(vq[4, 256]["image"], 4) > 2
    # More codewords: smaller steps, still there.
    assert ratio(vq[4, 256]["image"], 4) < ratio(vq[4, 16]["image"], 4)
    # "a little above 1" for the original and the scalar quantizer.
    for image in (raccoon, scalar[2]["image"]):
        assert 1 < ratio(image, 4) < 1.2
    # The original's faint 8-pixel grid, and nothing on a 5-pixel one.
    assert ratio(raccoon, 8) > ratio(raccoon, 4)
    assert ratio(raccoon, 5) == pytest.approx(1, abs=0.02)
    for name, value in page["edge_ratios"].items():
        assert value > 0, name
    assert page["edge_ratios"]["4×4 blocks, 0.25 bpp"] == pytest.approx(
        ratio(vq[4, 16]["image"], 4)
    )


def test_codebook_cost_is_small_on_the_page_and_prohibitive_at_4x4_and_1_bpp(page):
    raccoon, vq = page["raccoon"], page["vq"]
    for (b, k), result in vq.items():
        cost = k * b * b * 8 / raccoon.size
        assert result["rate_with_codebook"] - result["rate"] == pytest.approx(cost)
        assert cost < 0.1 * result["rate"], (b, k)
    # 4×4 blocks at 1 bpp: 2**16 codewords, more than there are blocks, a codebook larger
    # than the raw image.
    k_needed = 2 ** (1 * 16)
    assert k_needed > raccoon.size // 16
    assert k_needed * 16 > raccoon.nbytes
