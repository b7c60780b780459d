"""Check the claims of the residual and product quantization page on its own results.

Nearest codewords are found again by brute force in integer arithmetic, blocks are cut
by slicing, reconstructions are decoded again from the codes, PSNRs are recomputed, and
the page's hand-written k-means is compared with scikit-learn's ``KMeans``: a slip in
the page's helpers shows here rather than in its prose.
"""

import re

import numpy as np
import pytest

PAGE = "series/plot_08_residual_quantization.py"


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


def independent_psnr(original, quantized):
    difference = original.astype(np.int64) - quantized.astype(np.int64)
    return 10 * np.log10(255.0**2 / np.mean(difference**2))


def independent_blocks(image, b=4):
    """The b×b blocks in block-row-major order, each read row by row, built by slicing."""
    height, width = image.shape
    parts = [image[r::b, c::b] for r in range(b) for c in range(b)]
    return np.stack(parts, axis=-1).reshape((height // b) * (width // b), b * b)


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
    assert np.array_equal(page["merge_blocks"](blocks, 4, raccoon.shape), raccoon)
    assert page["n_blocks"] == raccoon.size // 16 == 49152


def test_the_sample_is_a_fixed_draw_of_distinct_blocks(page):
    blocks, sample = page["blocks"], page["sample"]
    chosen = np.random.default_rng(0).choice(len(blocks), size=5000, replace=False)
    assert len(set(chosen.tolist())) == 5000 == page["n_sample"]
    assert np.array_equal(sample, blocks[chosen])


def test_the_wall_one_codebook_at_1_bpp_is_larger_than_the_image(page):
    raccoon = page["raccoon"]
    k_at_1_bpp = 2 ** (16 * 1)
    assert k_at_1_bpp > page["n_blocks"]
    assert k_at_1_bpp * 16 > raccoon.nbytes
    assert page["results"]["RVQ", 256, 4]["entries"] < 2**32


def test_encoder_finds_a_nearest_codeword_with_ties_to_the_first(page):
    encode = page["encode"]
    rng = np.random.default_rng(3)
    # Random integer codebooks with repeated rows, and vectors on and between codewords.
    for _ in range(20):
        codebook = rng.integers(-40, 41, size=(12, 6))
        codebook[7] = codebook[2]
        codebook[11] = codebook[5]
        vectors = np.concatenate(
            [
                rng.integers(-60, 61, size=(200, 6)),
                codebook,
                (codebook[:6] + codebook[6:]) // 2,
            ]
        )
        expected, distances = brute_force_codes(vectors, codebook)
        assert np.array_equal(encode(vectors, codebook), expected)
        # Where several codewords are equally near, the first of them was taken.
        for row, code in zip(distances, expected):
            assert code == np.flatnonzero(row == row.min())[0]
    # A vector halfway between two codewords gets the first, either way round.
    a, c = np.zeros((1, 4), int), np.full((1, 4), 2)
    assert encode(np.ones((1, 4), int), np.vstack([a, c]))[0] == 0
    assert encode(np.ones((1, 4), int), np.vstack([c, a]))[0] == 0


def test_encoder_refuses_input_it_cannot_encode_exactly(page):
    encode = page["encode"]
    with pytest.raises(TypeError, match="integer"):
        encode(np.zeros((2, 16)), np.zeros((4, 16), dtype=int))
    with pytest.raises(ValueError, match="float32"):
        encode(np.full((2, 16), 5000), np.full((4, 16), 5000))


def test_every_code_on_the_page_is_a_nearest_codeword_by_brute_force(page):
    blocks, results = page["blocks"], page["results"]
    rng = np.random.default_rng(4)
    chosen = rng.choice(len(blocks), size=1500, replace=False)
    originals = blocks[chosen].astype(np.int64)
    for (method, k, n), result in results.items():
        codebooks, codes = result["codebooks"], result["codes"][chosen]
        if method == "PQ":
            for j, (piece, codebook) in enumerate(zip(np.split(originals, n, axis=1), codebooks)):
                expected, _ = brute_force_codes(piece, codebook)
                assert np.array_equal(codes[:, j], expected), (method, k, n, j)
        else:  # plain, and residual stage after stage on what is left
            residuals = originals.copy()
            for stage, codebook in enumerate(codebooks):
                expected, _ = brute_force_codes(residuals, codebook)
                assert np.array_equal(codes[:, stage], expected), (method, k, n, stage)
                residuals -= codebook[expected].astype(np.int64)


def test_one_stage_of_residual_quantization_is_plain_vq_with_the_same_codebook(page):
    blocks, results = page["blocks"], page["results"]
    encode_residual, decode_residual = page["encode_residual"], page["decode_residual"]
    for k in (16, 64, 256):
        plain = results["VQ", k, 1]
        (codebook,) = plain["codebooks"]
        codes, residuals = encode_residual(blocks, [codebook])
        assert np.array_equal(codes, plain["codes"])
        assert np.array_equal(residuals, blocks.astype(np.int64) - codebook[codes[:, 0]])
        decoded = decode_residual(codes, [codebook])
        assert np.array_equal(decoded, codebook[plain["codes"][:, 0]])
    # On the page, the first stage of 256 is the plain quantizer of 256, fitted again.
    assert np.array_equal(
        results["RVQ", 256, 1]["codebooks"][0], results["VQ", 256, 1]["codebooks"][0]
    )
    assert np.array_equal(results["RVQ", 256, 1]["image"], results["VQ", 256, 1]["image"])


def test_reconstruction_error_is_the_last_residual(page):
    blocks, results = page["blocks"], page["results"]
    for (method, k, n), result in results.items():
        if method != "RVQ":
            continue
        codes, codebooks = result["codes"], result["codebooks"]
        decoded = np.zeros(blocks.shape, dtype=np.int64)
        for stage in range(n):
            decoded += codebooks[stage][codes[:, stage]].astype(np.int64)
        residual = page["residuals_left"][k, n]
        assert np.array_equal(blocks.astype(np.int64) - decoded, residual)
        # The image is the clipped reconstruction; clipping can only lower the error.
        expected_image = np.clip(decoded, 0, 255).astype(np.uint8)
        assert np.array_equal(independent_blocks(result["image"]), expected_image)
        unclipped_psnr = 10 * np.log10(255.0**2 / np.mean(residual.astype(np.int64) ** 2))
        assert unclipped_psnr <= result["psnr"] + 1e-9
        assert result["psnr"] - unclipped_psnr < 0.05


def test_product_blocks_are_their_pieces_side_by_side(page):
    blocks, results = page["blocks"], page["results"]
    for (method, k, m), result in results.items():
        if method != "PQ":
            continue
        width = 16 // m
        rebuilt = independent_blocks(result["image"])
        for j, codebook in enumerate(result["codebooks"]):
            assert codebook.shape == (k, width)
            piece = np.clip(codebook[result["codes"][:, j]], 0, 255)
            assert np.array_equal(rebuilt[:, j * width : (j + 1) * width], piece)
        # m = 2: the top two rows of every block in the image come from the first codebook.
        if m == 2:
            first = np.clip(result["codebooks"][0][result["codes"][:, 0]], 0, 255)
            top_rows = np.stack([result["image"][r::4] for r in (0, 1)], axis=1)  # rows 0, 1
            top_halves = top_rows.reshape(-1, 2, 256, 4).transpose(0, 2, 1, 3).reshape(-1, 8)
            assert np.array_equal(top_halves, first)
            assert np.array_equal(blocks[:, :8], independent_blocks(page["raccoon"])[:, :8])


def test_rates_entries_bytes_and_work_are_counted_from_the_codebooks(page):
    results, n_blocks = page["results"], page["n_blocks"]
    for (method, k, n), result in results.items():
        codebooks, codes = result["codebooks"], result["codes"]
        assert len(codebooks) == n and codes.shape == (n_blocks, n)
        assert 0 <= codes.min() and codes.max() < k
        values_per_codeword = 16 // n if method == "PQ" else 16
        for codebook in codebooks:
            assert codebook.shape == (k, values_per_codeword)
            assert codebook.dtype.itemsize == 1  # one byte per value
        bits = n * (k.bit_length() - 1)
        assert result["rate"] == pytest.approx(bits / 16)
        assert result["entries"] == n * k
        assert result["bytes"] == n * k * values_per_codeword
        assert result["values_per_block"] == n * k * values_per_codeword
        # Every code is used by the index bits counted: nothing hides in the codebook.
        assert result["rate"] * page["raccoon"].size == pytest.approx(n_blocks * bits)


def test_psnrs_on_the_page_are_those_of_its_images(page):
    raccoon = page["raccoon"]
    for key, result in page["results"].items():
        assert result["image"].dtype == np.uint8 and result["image"].shape == raccoon.shape
        assert result["psnr"] == pytest.approx(independent_psnr(raccoon, result["image"])), key


def test_residual_stages_improve_and_a_shorter_code_is_a_prefix(page):
    results = page["results"]
    for k, n_stages in [(256, 4), (16, 8)]:
        quality = [
            independent_psnr(page["raccoon"], results["RVQ", k, s]["image"])
            for s in range(1, n_stages + 1)
        ]
        assert all(later > earlier for earlier, later in zip(quality, quality[1:])), quality
        full = results["RVQ", k, n_stages]["codes"]
        for s in range(1, n_stages):
            assert np.array_equal(results["RVQ", k, s]["codes"], full[:, :s])
        # Later stages hold signed corrections; the first, grey levels.
        codebooks = page["residual_codebooks"][k]
        assert codebooks[0].min() >= 0
        assert all(codebook.min() < 0 < codebook.max() for codebook in codebooks[1:])


def test_equal_rate_claims(page):
    raccoon, results = page["raccoon"], page["results"]
    quality = {key: independent_psnr(raccoon, result["image"]) for key, result in results.items()}
    # 0.5 bpp: one codebook, then residual, then product.
    assert quality["VQ", 256, 1] > quality["RVQ", 16, 2] > quality["PQ", 16, 2]
    # Residual beats product with as many codebooks of as many codewords, at every rate.
    pairs = [key for key in results if key[0] == "PQ"]
    assert len(pairs) == 5
    for _, k, n in pairs:
        assert results["RVQ", k, n]["rate"] == results["PQ", k, n]["rate"]
        assert quality["RVQ", k, n] > quality["PQ", k, n], (k, n)
    # ... even with 4 times fewer bytes and values compared, at 1 bpp.
    small, large = results["RVQ", 16, 4], results["PQ", 256, 2]
    assert small["rate"] == large["rate"] == 1
    assert quality["RVQ", 16, 4] > quality["PQ", 256, 2]
    assert large["bytes"] == 4 * small["bytes"] == 4096
    # Fewer, larger codebooks beat more, smaller ones at equal rate.
    for method in ("RVQ", "PQ"):
        for n in (2, 4):
            assert quality[method, 256, n] > quality[method, 16, 2 * n], (method, n)
    # The table on the page shows quantizers of equal rate together.
    for rate, keys in page["comparisons"].items():
        assert {results[key]["rate"] for key in keys} == {rate}


def test_exhaustive_pairs_beat_greedy_but_not_one_codebook(page):
    raccoon, blocks, results = page["raccoon"], page["blocks"], page["results"]
    first, second = (c.astype(np.int64) for c in page["residual_codebooks"][16][:2])
    sums = (first[:, None, :] + second[None, :, :]).reshape(256, 16)
    x = blocks.astype(np.int64)
    # Every block against all 256 sums, in int64.
    distances = (x**2).sum(1)[:, None] - 2 * x @ sums.T + (sums**2).sum(1)[None, :]
    best = distances.argmin(axis=1)
    greedy = 16 * results["RVQ", 16, 2]["codes"][:, 0] + results["RVQ", 16, 2]["codes"][:, 1]
    rows = np.arange(len(x))
    assert np.all(distances[rows, best] <= distances[rows, greedy])
    improved = distances[rows, best] < distances[rows, greedy]
    assert np.mean(improved) == pytest.approx(page["share_improved"])
    assert np.mean(improved) > 0.1
    image = page["merge_blocks"](np.clip(sums[best], 0, 255).astype(np.uint8), 4, raccoon.shape)
    exhaustive = independent_psnr(raccoon, image)
    assert exhaustive == pytest.approx(page["exhaustive_psnr"])
    assert results["RVQ", 16, 2]["psnr"] < exhaustive < results["VQ", 256, 1]["psnr"]


def test_halves_of_a_block_are_correlated(page):
    blocks = page["blocks"].astype(np.float64)
    top, bottom = blocks[:, :8].mean(1), blocks[:, 8:].mean(1)
    top, bottom = top - top.mean(), bottom - bottom.mean()
    correlation = (top @ bottom) / np.sqrt((top @ top) * (bottom @ bottom))
    assert correlation == pytest.approx(page["half_correlation"])
    assert correlation > 0.9


def test_product_distances_come_from_tables_for_any_query(page):
    blocks, product = page["blocks"], page["results"]["PQ", 256, 2]
    rng = np.random.default_rng(5)
    decoded = np.hstack(
        [c[product["codes"][:, j]].astype(np.int64) for j, c in enumerate(product["codebooks"])]
    )
    for query in rng.integers(0, 256, size=(3, 16)):
        tables = [
            ((query[j * 8 : (j + 1) * 8] - c.astype(np.int64)) ** 2).sum(1)
            for j, c in enumerate(product["codebooks"])
        ]
        looked_up = sum(t[product["codes"][:, j]] for j, t in enumerate(tables))
        assert np.array_equal(looked_up, ((decoded - query) ** 2).sum(1))
    assert np.array_equal(page["looked_up"], ((decoded - page["query"]) ** 2).sum(1))
    assert np.array_equal(page["query"], blocks[12345])


def test_product_tiles_split_into_halves(page):
    """The step between a block's halves, over the steps inside them, computed row by row."""
    raccoon, results = page["raccoon"], page["results"]

    def ratio(image):
        image = image.astype(np.int64)
        between, inside = [], []
        for top in range(0, image.shape[0], 4):
            between.append(np.abs(image[top + 2] - image[top + 1]))
            inside += [np.abs(image[top + 1] - image[top]), np.abs(image[top + 3] - image[top + 2])]
        return np.mean(between) / np.mean(inside)

    for title, key in page["shown"]:
        image = raccoon if key is None else results[key]["image"]
        assert ratio(image) == pytest.approx(page["half_steps"][title]), title
    assert ratio(results["PQ", 16, 2]["image"]) > 5
    assert ratio(results["PQ", 16, 2]["image"]) > 3 * ratio(results["RVQ", 16, 2]["image"])
    assert ratio(results["PQ", 256, 2]["image"]) > 1.5 * ratio(results["RVQ", 256, 2]["image"])
    assert ratio(raccoon) == pytest.approx(1, abs=0.1)


def test_hand_written_kmeans_is_as_good_as_scikit_learns(page):
    """A second method: scikit-learn's KMeans on the same sample, from the same seed."""
    from sklearn.cluster import KMeans

    blocks, sample = page["blocks"].astype(np.int64), page["sample"].astype(np.float64)
    for k in (16, 256):
        kmeans = KMeans(n_clusters=k, n_init=1, random_state=0).fit(sample)
        centres = np.rint(kmeans.cluster_centers_).astype(np.int64)
        # Nearest centre by |x - c|² - |x|², in exact int64 arithmetic.
        codes = np.argmin((centres**2).sum(1)[None, :] - 2 * blocks @ centres.T, axis=1)
        error = blocks - centres[codes]
        reference = 10 * np.log10(255.0**2 / np.mean(error**2))
        assert abs(page["results"]["VQ", k, 1]["psnr"] - reference) < 0.3, (k, reference)


def test_fitting_again_gives_the_same_codebooks(page):
    from threadpoolctl import threadpool_limits

    sample = page["sample"]
    fitted = []
    for threads in (1, 2):  # whatever the caller's thread setting
        with threadpool_limits(threads):
            fitted.append(page["fit_residual"](sample, 256, 2))
    for one, two, on_the_page in zip(*fitted, page["residual_codebooks"][256]):
        assert np.array_equal(one, two)
        assert np.array_equal(one, on_the_page)


def test_encoder_is_exact_for_large_values_and_exact_ties(page):
    """Codewords that are permutations of one another are equally far from any constant
    vector: every such tie must go to the first, however large the values."""
    encode = page["encode"]
    rng = np.random.default_rng(7)
    base = rng.integers(-255, 256, size=16)
    permuted = np.array([rng.permutation(base) for _ in range(40)])
    constant = np.outer(rng.integers(-300, 301, size=200), np.ones(16, dtype=int))
    expected, distances = brute_force_codes(constant, permuted)
    assert np.all(distances == distances[:, :1])  # all 40 codewords tie, for every vector
    assert np.array_equal(encode(constant, permuted), np.zeros(200, dtype=int))
    # Near ties: the same codewords with one coordinate up by 1 and another down by 1.
    nudged = permuted.copy()
    nudged[:, 0] += 1
    nudged[:, 1] -= 1
    codebook = np.clip(np.vstack([permuted, nudged]), -255, 255)
    vectors = np.vstack([constant, rng.integers(-300, 301, size=(300, 16))])
    expected, _ = brute_force_codes(vectors, codebook)
    assert np.array_equal(encode(vectors, codebook), expected)


def test_printed_table_matches_the_results(run_script, page):
    stdout = run_script(PAGE).stdout
    results = page["results"]
    names = {"VQ": "Plain VQ", "RVQ": "Residual VQ", "PQ": "Product quantization"}
    for keys in page["comparisons"].values():
        for method, k, n in keys:
            line = re.search(rf"^{re.escape(f'{names[method]}, {n} × {k}')} +(.*)$", stdout, re.M)
            assert line, (method, k, n)
            rate, quality, entries, size, values, _ = (float(x) for x in line.group(1).split())
            result = results[method, k, n]
            assert rate == result["rate"] and quality == round(result["psnr"], 2)
            assert (entries, size, values) == (
                result["entries"],
                result["bytes"],
                result["values_per_block"],
            )


def test_each_half_codebook_spans_the_whole_range_of_brightness(page):
    results = page["results"]
    (whole,) = results["RVQ", 16, 1]["codebooks"]
    whole_means = whole.astype(np.int64).sum(axis=1) / 16
    for codebook in results["PQ", 16, 2]["codebooks"]:
        means = codebook.astype(np.int64).sum(axis=1) / 8
        assert np.ptp(means) > 0.9 * np.ptp(whole_means)
        # The darkest and the lightest half-codewords are as far apart as whole blocks'.
        assert means.min() < whole_means.min() + 10 and means.max() > whole_means.max() - 10


def test_residual_distances_need_a_cross_term_the_tables_cannot_give(page):
    residual = page["results"]["RVQ", 256, 2]
    first, second = (c.astype(np.int64) for c in residual["codebooks"])
    i, j = residual["codes"][:, 0], residual["codes"][:, 1]
    rng = np.random.default_rng(6)
    for query in rng.integers(0, 256, size=(3, 16)):
        exact = ((first[i] + second[j] - query) ** 2).sum(axis=1)
        per_stage = [((c - query) ** 2).sum(axis=1) for c in (first, second)]
        # Tables of the distance to each stage's codewords alone do not add up to it...
        assert np.mean(per_stage[0][i] + per_stage[1][j] != exact) > 0.5
        # ... but with the query-free cross term 2 c1·c2 and the right constants they do.
        cross = 2 * (first[i] * second[j]).sum(axis=1)
        total = per_stage[0][i] + (second**2).sum(axis=1)[j] - 2 * second[j] @ query + cross
        assert np.array_equal(total, exact)
    assert page["share_nonzero"] > 0.5


def test_small_residual_stages_get_the_most_out_of_a_kilobyte(page):
    raccoon, results = page["raccoon"], page["results"]
    residual, plain = results["RVQ", 16, 4], results["VQ", 64, 1]
    assert residual["bytes"] == plain["bytes"] == sum(c.nbytes for c in residual["codebooks"])
    gain = independent_psnr(raccoon, residual["image"]) - independent_psnr(raccoon, plain["image"])
    assert gain > 4.5
    # Product quantizers keep 16 k values whatever their number of pieces.
    for k, cuts in [(256, (2, 4)), (16, (2, 4, 8))]:
        assert {results["PQ", k, m]["bytes"] for m in cuts} == {16 * k}
