"""Check the claims of the transform coding (DCT and JPEG) page on its own results.

The JPEG tables, the zig-zag order and the entropy of JPEG's symbols are recomputed here
independently of the page's helpers: from the standard's numbers, from Pillow, and with
plain Python loops. Rates are recomputed from the bytes of the files the page measured.
The course's methods at measured rates, which came after this on the same page, are checked
in test_series_measured_rates.py.
"""

import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy.fft import dctn

PAGE = "series/plot_12_transform_coding.py"

# ITU-T T.81 (1992), Annex K, Table K.1, the luminance table, row after row.
TABLE_K1 = np.reshape([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
], (8, 8)).tolist()  # fmt: skip
# T.81, Figure 5: the zig-zag sequence, as natural (row-major) positions.
ZIGZAG = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]  # fmt: skip


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


def independent_psnr(image, reference):
    """PSNR in dB, from the sum of squared errors."""
    squared = np.subtract(image, reference, dtype=np.float64) ** 2
    return 10 * np.log10(255.0**2 * squared.size / squared.sum())


def ijg_table(quality):
    """libjpeg's jpeg_quality_scaling and jpeg_add_quant_table, entry by entry."""
    scale = 5000 // quality if quality < 50 else 200 - quality * 2
    return [[min(max((t * scale + 50) // 100, 1), 255) for t in row] for row in TABLE_K1]


def pillow_table(image, quality):
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    return np.reshape(Image.open(buffer).quantization[0], (8, 8))


def test_table_is_t81_at_quality_50_and_follows_libjpeg_and_pillow(page):
    table = page["jpeg_table"]
    assert np.array_equal(page["TABLE_K1"], TABLE_K1)
    assert np.array_equal(table(50), TABLE_K1)
    for quality in range(1, 101):
        assert np.array_equal(table(quality), ijg_table(quality)), quality
    # Pillow's own tables, at qualities the page does not check too.
    small = page["raccoon"][:64, :64]
    for quality in (1, 5, 12, 33, 50, 67, 75, 90, 100):
        assert np.array_equal(table(quality), pillow_table(small, quality)), quality
    assert np.all(table(100) == 1) and table(1).max() == 255
    for bad in (0, 101, -5):
        with pytest.raises(ValueError, match="quality must be from 1 to 100"):
            table(bad)
    # What the page found, and "every step is 10 or more" at the recovered qualities.
    assert page["same"] is True
    assert all(table(q).min() >= 10 for q in (5, 10, 25, 50))


def test_zigzag_order_is_the_standards(page):
    assert list(page["zigzag"]) == ZIGZAG


def test_blocks_round_trip_and_dct_is_orthonormal(page):
    to_blocks, from_blocks = page["to_blocks"], page["from_blocks"]
    raccoon = page["raccoon"]
    blocks = to_blocks(raccoon)
    assert blocks.shape == (96, 128, 8, 8)
    assert np.array_equal(blocks[3, 5], raccoon[24:32, 40:48])
    assert np.array_equal(from_blocks(blocks), raccoon)
    with pytest.raises(ValueError, match="multiples of 8"):
        to_blocks(raccoon[:761])
    coefficients, shifted = page["coefficients"], page["shifted"]
    assert np.isclose(np.sum(coefficients**2), np.sum(shifted**2))
    # Coefficient (0, 0) of a block is 8 times its mean level-shifted value.
    assert np.allclose(coefficients[..., 0, 0], 8 * shifted.mean(axis=(2, 3)))
    # The basis functions are orthonormal.
    basis = page["basis"].reshape(64, 64)
    assert np.allclose(basis @ basis.T, np.eye(64))


def test_energy_and_zero_shares_quoted_in_the_prose(page):
    share = page["energy_share"]
    assert round(100 * share[0]) == 86 and round(100 * share[14]) == 99
    zeros = page["zero_share"]
    assert round(100 * zeros[10], 1) == 93.7
    assert round(100 * zeros[50], 1) == 83.1  # what the live figure shows too
    assert abs(zeros[90] - 2 / 3) < 0.01  # "two in three"
    assert zeros[10] > zeros[50] > zeros[90]


def crop_blocks(raccoon, top, left):
    """The level-shifted 8×8 blocks of the 760 × 1016 crop from (top, left), one by one."""
    return np.array([
        [raccoon[top + 8 * i : top + 8 * i + 8, left + 8 * j : left + 8 * j + 8] - 128.0
         for j in range(127)]
        for i in range(95)
    ])  # fmt: skip


def zero_shares(blocks):
    """The share of coefficients that round to 0 at qualities 10, 50 and 90.

    Halves go to even, as with NumPy's rounding on the page (libjpeg rounds them away
    from zero; at these qualities, 5 to 284 coefficients fall exactly on a half).
    """
    coefficients = dctn(blocks, axes=(2, 3), norm="ortho")
    return {q: np.mean(np.round(coefficients / np.array(ijg_table(q))) == 0) for q in (10, 50, 90)}


def test_coefficient_statistics_are_on_the_grid_moved_by_4(page):
    raccoon, moved = page["raccoon"], page["moved"]
    assert raccoon.shape == (768, 1024) and moved.shape == (760, 1016)
    assert np.array_equal(moved, raccoon[4:764, 4:1020])
    assert page["n_pixels"] == 760 * 1016 == moved.size
    # The blocks everything is computed on are those of the crop from row 4, column 4.
    blocks = crop_blocks(raccoon, 4, 4)
    assert np.array_equal(page["shifted"], blocks)
    coefficients = dctn(blocks, axes=(2, 3), norm="ortho")
    assert np.allclose(page["coefficients"], coefficients)
    energy = np.mean(coefficients**2, axis=(0, 1)).ravel()[ZIGZAG]
    assert np.allclose(page["energy_share"], np.cumsum(energy) / energy.sum())
    moved_zeros = zero_shares(blocks)
    for quality, share in page["zero_share"].items():
        assert share == moved_zeros[quality]
    # On the aligned grid (the raccoon's old JPEG blocks) the shares would be higher:
    # what the page would print if it went back to the grid from (0, 0).
    aligned_zeros = zero_shares(crop_blocks(raccoon, 0, 0))
    assert aligned_zeros[50] > moved_zeros[50] + 0.02
    assert aligned_zeros[90] > moved_zeros[90] + 0.05
    # Pillow's files and the close-ups are of the same crop.
    assert all(decoded.shape == (760, 1016) for _, _, decoded in page["pillow"].values())
    assert page["closeups"][0][1] is moved
    assert page["fidelity"][50] == pytest.approx(
        independent_psnr(page["pillow"][50][2], raccoon[4:764, 4:1020])
    )


def test_numpy_decode_agrees_with_pillows_within_the_stated_bound(page):
    moved, ours, pillow = page["moved"], page["ours"], page["pillow"]
    assert sorted(ours) == sorted(pillow) == [5, 10, 25, 50, 75, 95]
    for quality, (data, _, decoded) in pillow.items():
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(data))), decoded)
        between = independent_psnr(ours[quality], decoded)
        assert between == pytest.approx(page["agreement"][quality])
        fidelity = independent_psnr(decoded, moved)
        assert fidelity == pytest.approx(page["fidelity"][quality])
        # "At least 50 dB", more than Pillow's decode against the original.
        assert between >= 50 and between > fidelity
        # And the two are not identical: the prose explains why.
        assert not np.array_equal(ours[quality], decoded)


def test_margins_quoted_in_the_prose(page):
    margin = {q: page["agreement"][q] - page["fidelity"][q] for q in page["checked"]}
    assert round(margin[95]) == 8  # "by 8 dB at quality 95"
    assert round(margin[10]) >= 20 and round(margin[5]) >= 20  # "20 dB and more"
    assert min(margin.values()) == margin[95]


def test_differences_come_from_a_few_coefficients_and_one_level_of_idct(page):
    quantize, decode, to_blocks = page["jpeg_quantize"], page["jpeg_decode"], page["to_blocks"]
    shifted, table = page["shifted"], page["jpeg_table"]
    for quality in (5, 10, 25, 50):
        decoded = page["pillow"][quality][2]
        recovered = quantize(to_blocks(decoded - 128.0), quality)
        ours = quantize(shifted, quality)
        off = np.abs(recovered - ours)
        assert 0 < np.count_nonzero(off) < 1000  # "fewer than a thousand"
        assert off.max() == 1  # "by one step each"
        redecoded = decode(recovered, quality)
        # Recovered right: the redecode is within one level, in every block but one.
        error = to_blocks(np.abs(redecoded.astype(int) - decoded)).max(axis=(2, 3))
        far = np.argwhere(error > 1)
        assert error.max() == (3 if quality == 50 else 1)
        assert len(far) == (1 if quality == 50 else 0)
        for row, column in far:
            # The exception: dark pixels at the block's left edge, which the decode of
            # the page's own coefficients puts below 0 and Pillow clips to 0 ...
            pixels = decoded[8 * row : 8 * row + 8, 8 * column : 8 * column + 8]
            steps = np.array(table(quality))
            raw = idct_block(ours[row, column] * steps) + 128
            assert raw[:, :2].min() < -5 and pixels[:, :2].min() == 0
            # ... so that the recovery, not the decoder, is wrong there: decoding the
            # page's coefficients gives Pillow's pixels within one level.
            assert np.abs(np.clip(np.rint(raw), 0, 255) - pixels).max() <= 1
            assert np.count_nonzero(recovered[row, column] != ours[row, column]) >= 1


def idct_block(coefficients):
    """The orthonormal inverse 8×8 DCT, as the sum of the 64 basis images."""
    x = np.arange(8)
    cosines = np.array([
        (np.sqrt(0.5) if u == 0 else 1) * 0.5 * np.cos((2 * x + 1) * u * np.pi / 16)
        for u in range(8)
    ])  # fmt: skip
    return cosines.T @ coefficients @ cosines


def independent_symbol_bits(quantized, zigzag):
    """JPEG's DC and AC symbols built block by block, then their ideal bits."""
    dc_symbols, ac_symbols, value_bits = [], [], 0
    previous_dc = 0
    for block in quantized.reshape(-1, 64):
        sequence = [int(block[i]) for i in zigzag]
        difference = sequence[0] - previous_dc
        previous_dc = sequence[0]
        size = abs(difference).bit_length()
        dc_symbols.append(size)
        value_bits += size
        run = 0
        for value in sequence[1:]:
            if value == 0:
                run += 1
                continue
            while run > 15:
                ac_symbols.append((15, 0))  # ZRL
                run -= 16
            size = abs(value).bit_length()
            ac_symbols.append((run, size))
            value_bits += size
            run = 0
        if run:
            ac_symbols.append((0, 0))  # EOB

    def ideal(symbols):
        _, counts = np.unique(
            np.array(symbols).reshape(len(symbols), -1), axis=0, return_counts=True
        )
        return -np.sum(counts * np.log2(counts / counts.sum()))

    return ideal(dc_symbols) + ideal(ac_symbols) + value_bits


def test_symbol_entropy_matches_a_block_by_block_count(page):
    quantize, bits = page["jpeg_quantize"], page["jpeg_symbol_bits"]
    rng = np.random.default_rng(3)
    # Blocks of the raccoon, and random blocks with long runs of zeros and large values.
    some = page["shifted"][40:44, 10:30]
    noise = rng.integers(-300, 300, size=(2, 9, 8, 8)) * (rng.random((2, 9, 8, 8)) < 0.1)
    noise[0, 0, :, :] = 0
    noise[0, 0, 7, 7] = 5  # 62 zeros, then the last coefficient: ZRLs, no EOB
    for quantized in (quantize(some, 10), quantize(some, 75), noise.astype(float)):
        assert bits(quantized) == pytest.approx(
            independent_symbol_bits(quantized, ZIGZAG), rel=1e-9
        )


def test_rates_after_entropy_coding_are_file_sizes_and_near_the_entropy(page):
    rates, n_pixels = page["rates"], page["n_pixels"]
    for quality in (10, 25, 50, 75):
        data = page["pillow"][quality][0]
        assert rates["K.3 tables"][quality] == 8 * len(data) / n_pixels
        entropy, fitted = rates["entropy"][quality], rates["fitted tables"][quality]
        # "Within 3 % of the entropy"; the standard's tables cost more.
        assert entropy < fitted < 1.03 * entropy
        assert rates["K.3 tables"][quality] > fitted


def jpeg_rate_and_psnr(image, quality):
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    decoded = np.asarray(Image.open(buffer))
    return 8 * len(buffer.getvalue()) / image.size, independent_psnr(decoded, image)


def test_the_raccoon_was_a_jpeg_and_the_moved_grid_is_fair(page):
    raccoon, qualities, sweep = page["raccoon"], page["qualities"], page["sweep"]
    moved = page["moved"]
    assert moved.shape == (760, 1016)
    assert np.array_equal(moved, raccoon[4:764, 4:1020])
    for quality, aligned, other in zip(qualities, sweep["aligned"], sweep["moved"]):
        assert aligned == pytest.approx(jpeg_rate_and_psnr(raccoon, quality))
        assert other == pytest.approx(jpeg_rate_and_psnr(moved, quality))
    aligned = dict(zip(qualities, (p for _, p in sweep["aligned"])))
    other = dict(zip(qualities, (p for _, p in sweep["moved"])))
    # The leap between 60 and 70, the peak at 80, the fall at 85; none of it moved.
    assert aligned[70] - aligned[60] > 3 > other[70] - other[60]
    assert aligned[80] > aligned[85] + 3 and aligned[80] > aligned[70] + 5
    assert aligned[80] > other[80] + 10
    assert aligned[80] > max(other.values())  # "more than ... even at quality 95"
    assert round(aligned[80], 2) == 52.66
    assert np.all(np.diff([other[q] for q in qualities]) > 0)  # "rises steadily"


def test_closeups_are_at_twice_native_size_with_real_file_rates(page):
    moved, crop = page["moved"], page["crop"]
    rows, columns = crop
    assert rows.start % 8 == 0 and columns.start % 8 == 0  # on the block grid
    assert page["size"] == 2 * (rows.stop - rows.start) == 2 * (columns.stop - columns.start)
    assert page["width"] >= 720
    titles = [title for title, _ in page["closeups"]]
    assert titles[0].startswith("Original")
    for title, image in page["closeups"][1:]:
        quality = int(re.search(r"Quality (\d+)", title).group(1))
        rate, score = jpeg_rate_and_psnr(moved, quality)
        assert f"{rate:.2f} bpp" in title and f"{score:.1f} dB" in title
        assert independent_psnr(image, moved) == pytest.approx(score)


def test_printed_lines_fit_the_column(run_script):
    output = run_script(PAGE).stdout
    assert "Pillow's tables equal ours at qualities (5, 10, 25, 50, 75, 95): True" in output
    too_long = [line for line in output.splitlines() if len(line) > 69]
    assert not too_long, too_long


def test_lines_the_live_figure_reads_are_printed(page, run_script):
    # tests/test_live_figures.py reads the first "Quality 50:" line (the zero share) and
    # the row of the sweep that starts with 50 and has four numbers (its last, the PSNR
    # on the grid moved by 4).
    output = run_script(PAGE).stdout
    first = re.search(r"^Quality 50:(.*)$", output, re.M).group(1)
    assert first == " 83.1% of coefficients are 0"
    assert f"{page['zero_share'][50]:.1%}" == "83.1%"
    assert "Quality     on the grid      grid moved by 4" in output
    rows = re.findall(r"^\s*50\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", output, re.M)
    assert len(rows) == 1, rows
    index = page["qualities"].index(50)
    (rate, score), (moved_rate, moved_score) = (page["sweep"][k][index] for k in page["sweep"])
    assert rows[0] == (f"{rate:.3f}", f"{score:.2f}", f"{moved_rate:.3f}", f"{moved_score:.2f}")
    assert list(page["sweep"]) == ["aligned", "moved"]


def test_thumbnail_is_the_blocky_closeup():
    source = (Path(__file__).parent.parent / "examples" / PAGE).read_text()
    number = int(re.search(r"sphinx_gallery_thumbnail_number = (\d+)", source).group(1))
    starts = [m.start() for m in re.finditer(r"plt\.(subplots|figure)\(", source)]
    assert len(starts) == 3
    section = source.index("Blocking, at native pixels")
    following = source.index("# %%", source.index("closeups = ["))
    assert section < starts[number - 1] < following


def test_page_ends_by_pointing_to_the_measured_rates():
    source = (Path(__file__).parent.parent / "examples" / PAGE).read_text()
    last = source[source.rindex("# %%") :]
    assert ":ref:`sphx_glr_auto_examples_series_plot_13_measured_rates.py`" in last
    # The section the next page links to, by its label, and the live figure's heading.
    label = source.index("# .. _raccoon-was-a-jpeg:\n#\n# This raccoon was a JPEG already\n")
    assert source.index("# Blocking, at native pixels\n# ---") < label
