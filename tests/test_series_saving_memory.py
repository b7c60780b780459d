"""Check the claims of "Saving the memory for real" (examples/series/plot_02_saving_memory.py).

The page's own variables come from ``run_example``; the printed sizes come from running the
page as a reader would, as a script. Every size is then recomputed here without the page's
helpers where that is cheap: bit packing on strings of '0' and '1', entropy with SciPy, a
Huffman code built from scratch, PNG chunks read with ``struct``, JPEG qualities scanned
one by one.
"""

import heapq
import io
import lzma
import math
import re
import struct
import zlib

import numpy as np
import pytest
from conftest import WALKTHROUGH, numbers_after
from PIL import Image
from scipy.stats import entropy as scipy_entropy

PAGE = "series/plot_02_saving_memory.py"
CODEBOOK_BYTES = 8
TABLE_LINE = re.compile(
    r"^(?P<name>\S.*?)\s+(?P<bytes>\d+)\s+(?P<bpp>\d+\.\d{3})\s+(?P<ratio>\d+\.\d{3})$",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


@pytest.fixture(scope="module")
def printed(run_script):
    """What the page prints when a reader runs it as a plain script."""
    return run_script(PAGE)


@pytest.fixture(scope="module")
def recomputed(page):
    """Every size of the page's table, recomputed here from the codes and the image."""
    raccoon, codes, codebook = page["raccoon"], page["codes"], page["codebook"]
    n = raccoon.size
    counts = np.unique(codes, return_counts=True)[1]
    entropy = scipy_entropy(counts, base=2)

    def png_size(image):
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return len(buffer.getvalue())

    palette_png = Image.fromarray(codes).convert("P")  # an independent way to build it
    palette_png.putpalette([level for level in codebook for _ in range(3)])
    packed = bytes_from_bit_string(bit_string(codes.ravel(), 3))
    webp = io.BytesIO()
    Image.fromarray(raccoon).save(webp, format="WEBP", lossless=True, quality=50)
    quality = page["equal_psnr_quality"]
    return {
        "Codes as float64": 8 * n + CODEBOOK_BYTES,
        "Original, uint8": n,
        "Codes as uint8": n + CODEBOOK_BYTES,
        "Original, PNG": png_size(Image.fromarray(raccoon)),
        "Original, WebP lossless": len(webp.getvalue()),
        "Codes packed, 3 bits": math.ceil(3 * n / 8) + CODEBOOK_BYTES,
        "Entropy bound": math.ceil(n * entropy / 8) + CODEBOOK_BYTES,
        f"JPEG, quality {quality}": len(jpeg_bytes(raccoon, quality)),
        "Codes as uint8, zlib": len(zlib.compress(codes.tobytes())) + CODEBOOK_BYTES,
        "Codes packed, zlib": len(zlib.compress(packed)) + CODEBOOK_BYTES,
        "Codes as uint8, lzma": len(lzma.compress(codes.tobytes())) + CODEBOOK_BYTES,
        "Codes packed, lzma": len(lzma.compress(packed)) + CODEBOOK_BYTES,
        "Palette PNG of the codes": png_size(palette_png),
    }


def jpeg_bytes(image, quality):
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def psnr_of(original, decoded):
    mse = np.mean((np.asarray(original, np.float64) - decoded) ** 2)
    return 10 * np.log10(255.0**2 / mse)


def bit_string(codes, n_bits):
    """The codes written in binary, ``n_bits`` characters each, one after the other."""
    return "".join(format(int(code), f"0{n_bits}b") for code in codes)


def bytes_from_bit_string(bits):
    """Cut a string of '0' and '1' into bytes, padding the last one with zeros."""
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8))


def test_page_quantizes_exactly_like_the_walkthrough(page, run_example):
    walkthrough = run_example(f"{WALKTHROUGH}.py")
    assert np.array_equal(page["codes"], walkthrough["kmeans_codes"])
    assert page["float_codes"].dtype == np.float64
    # The codebook is the bins' means (the choosing-bins page's conclusion), rounded.
    raccoon, codes = page["raccoon"], page["codes"]
    means = [raccoon[codes == k].mean() for k in range(8)]
    np.testing.assert_array_equal(page["codebook"], np.round(means))
    np.testing.assert_array_equal(page["decoded"], page["codebook"][codes])


def test_the_means_beat_the_midpoints_by_0_6_db(page, printed, run_example):
    walkthrough = run_example(f"{WALKTHROUGH}.py")
    raccoon = page["raccoon"]
    with_means = psnr_of(raccoon, page["decoded"])
    with_midpoints = psnr_of(raccoon, walkthrough["kmeans_image"])
    assert round(with_means - with_midpoints, 1) == 0.6
    assert numbers_after("PSNR with the codebook:", printed.stdout) == [round(with_means, 2)]
    assert numbers_after("PSNR with the midpoints:", printed.stdout) == [round(with_midpoints, 2)]


def test_packing_round_trip_is_exact_on_the_image(page):
    codes, packed = page["codes"], page["packed"]
    assert packed.dtype == np.uint8 and packed.nbytes == math.ceil(3 * codes.size / 8)
    assert np.array_equal(page["unpacked"], codes)
    assert np.array_equal(page["unpack_codes"](packed, codes.shape, 3), codes)
    # The same bytes as writing each code's 3 bits by hand.
    assert packed.tobytes() == bytes_from_bit_string(bit_string(codes.ravel(), 3))


# 1, 5, 35, 33, 13 and 30 codes: with 3 bits each, none fills a whole number of bytes.
@pytest.mark.parametrize("shape", [(1,), (5,), (5, 7), (3, 11), (13, 1), (2, 3, 5)])
@pytest.mark.parametrize("n_bits", [1, 2, 3, 5, 7, 8])
def test_packing_round_trip_is_exact_when_bits_do_not_fill_whole_bytes(page, shape, n_bits):
    rng = np.random.default_rng(sum(shape) * 10 + n_bits)
    codes = rng.integers(0, 2**n_bits, size=shape, dtype=np.uint8)
    codes.flat[0] = 2**n_bits - 1  # the largest code always appears
    packed = page["pack_codes"](codes, n_bits)
    total_bits = codes.size * n_bits
    assert packed.nbytes == math.ceil(total_bits / 8)
    # Same bytes as the slow string version, so the padding bits are zeros.
    assert packed.tobytes() == bytes_from_bit_string(bit_string(codes.ravel(), n_bits))
    unpacked = page["unpack_codes"](packed, shape, n_bits)
    assert unpacked.shape == codes.shape and np.array_equal(unpacked, codes)


def test_packing_refuses_codes_that_do_not_fit_and_says_what_to_do(page):
    with pytest.raises(ValueError, match="use at least 4 bits"):
        page["pack_codes"](np.array([0, 8], dtype=np.uint8), 3)


def test_printed_example_of_packing_is_right(printed, page):
    out = printed.stdout
    first = page["codes"][0, :8]
    assert f"Their bits: {' '.join(format(c, '03b') for c in first)}" in out
    expected = bytes_from_bit_string(bit_string(first, 3))
    assert f"In 3 bytes: {' '.join(format(b, '08b') for b in expected)}" in out
    assert "Unpacked codes equal the codes: True" in out


def test_every_printed_size_matches_a_recomputation(printed, page, recomputed):
    n = page["raccoon"].size
    rows = {m["name"]: m for m in TABLE_LINE.finditer(printed.stdout)}
    assert set(rows) == set(recomputed)
    for name, size in recomputed.items():
        row = rows[name]
        assert int(row["bytes"]) == size, name
        assert float(row["bpp"]) == pytest.approx(8 * size / n, abs=6e-4), name
        assert float(row["ratio"]) == pytest.approx(size / n, abs=6e-4), name
    # The table is printed from the largest to the smallest.
    printed_sizes = [int(rows[m["name"]]["bytes"]) for m in TABLE_LINE.finditer(printed.stdout)]
    assert printed_sizes == sorted(printed_sizes, reverse=True)
    # And the page's own variables agree.
    assert page["sizes"] == recomputed
    assert max(len(line) for line in printed.stdout.splitlines()) <= 72


def test_printed_lines_before_the_table_match_a_recomputation(printed, page, recomputed):
    out = printed.stdout
    n = page["raccoon"].size
    assert "Original image: 786432 bytes (uint8)" in out
    assert "Codes as returned: 6291456 bytes (float64)" in out
    assert "Codes as uint8: 786432 bytes" in out
    assert " (8 bytes)" in out
    assert f"Packed codes: {math.ceil(3 * n / 8)} bytes + 8 (codebook)" in out
    assert f"Palette PNG: {recomputed['Palette PNG of the codes']} bytes" in out
    assert "Decodes to our image: True" in out
    assert f"Original, PNG: {recomputed['Original, PNG']} bytes" in out
    assert f"Original, WebP: {recomputed['Original, WebP lossless']} bytes" in out
    assert out.count("exact=True") == 2
    for compressor in ["zlib", "lzma"]:
        for layout, name in [("uint8", "Codes as uint8"), ("packed", "Codes packed")]:
            size = recomputed[f"{name}, {compressor}"]
            assert f"{compressor}, {layout}: {size} bytes" in out
    bound = recomputed["Entropy bound"]
    assert f"Bound for a pixel-by-pixel coder: {bound} bytes" in out
    ratio = recomputed["Original, PNG"] / recomputed["Palette PNG of the codes"]
    assert numbers_after("Original PNG / palette PNG:", out) == [round(ratio, 2)]
    assert 3.5 < ratio < 4  # "almost 4 times smaller"


def test_palette_png_decodes_to_the_same_codes_and_grey_levels(page):
    png_data, codes, codebook = page["png_data"], page["codes"], page["codebook"]
    image = Image.open(io.BytesIO(png_data))
    assert image.format == "PNG" and image.mode == "P"
    assert np.array_equal(np.asarray(image), codes)
    assert np.array_equal(np.asarray(image.convert("L")), codebook[codes])
    assert np.array_equal(np.asarray(image.convert("RGB")), np.stack([codebook[codes]] * 3, -1))


def test_palette_png_stores_4_bits_per_pixel_and_8_grey_palette_entries(page):
    data = page["png_data"]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, position = {}, 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8].decode("ascii")
        chunks.setdefault(kind, []).append(data[position + 8 : position + 8 + length])
        position += 12 + length
    width, height, bit_depth, colour_type = struct.unpack(">IIBB", chunks["IHDR"][0][:10])
    assert (height, width) == page["codes"].shape
    assert bit_depth == 4 and colour_type == 3  # 4-bit indices into a palette
    palette = np.frombuffer(chunks["PLTE"][0], dtype=np.uint8).reshape(-1, 3)
    assert np.array_equal(palette, np.repeat(page["codebook"][:, None], 3, axis=1))
    # Decompressing the rows by hand: each row is a filter byte and 512 bytes of codes.
    rows = zlib.decompress(b"".join(chunks["IDAT"]))
    assert len(rows) == height * (1 + width // 2)


def test_printed_bit_depth_comes_from_the_header(printed):
    assert "Bits per code in the PNG header: 4" in printed.stdout


def test_original_png_is_lossless(page):
    decoded = np.asarray(Image.open(io.BytesIO(page["original_png_data"])))
    assert np.array_equal(decoded, page["raccoon"])


def test_entropy_bound_matches_an_independent_computation(page, recomputed):
    codes = page["codes"]
    counts = np.unique(codes, return_counts=True)[1]
    assert len(counts) == 8
    entropy = scipy_entropy(counts, base=2)
    assert page["entropy"] == pytest.approx(entropy, rel=1e-12)
    assert page["entropy_bytes"] == recomputed["Entropy bound"]


def huffman_code_lengths(counts):
    """Lengths of the words of a Huffman code for symbols with these counts."""
    heap = [(count, [symbol]) for symbol, count in enumerate(counts)]
    heapq.heapify(heap)
    lengths = [0] * len(counts)
    while len(heap) > 1:
        count_a, symbols_a = heapq.heappop(heap)
        count_b, symbols_b = heapq.heappop(heap)
        for symbol in symbols_a + symbols_b:
            lengths[symbol] += 1
        heapq.heappush(heap, (count_a + count_b, symbols_a + symbols_b))
    return lengths


def test_a_huffman_code_lands_between_the_entropy_bound_and_3_bits(page):
    # The page says no pixel-by-pixel coder, a Huffman code for example, beats the
    # entropy, and that the bound saves almost nothing over 3 bits: the best such code
    # must fall in between.
    counts = np.bincount(page["codes"].ravel(), minlength=8)
    lengths = huffman_code_lengths(counts.tolist())
    assert sum(2.0**-length for length in lengths) <= 1  # a prefix code
    huffman_bits = int(np.dot(counts, lengths))
    n = page["codes"].size
    assert n * page["entropy"] <= huffman_bits <= 3 * n


def brute_conditional_entropy(context, code):
    """Entropy of ``code`` within each value of ``context``, weighted by its frequency."""
    context, code = context.ravel(), code.ravel()
    total = 0.0
    for value in np.unique(context):
        inside = code[context == value]
        total += inside.size / code.size * scipy_entropy(np.bincount(inside), base=2)
    return total


def test_conditional_entropies_match_a_brute_force(page):
    codes = page["codes"].astype(np.int64)
    left, above, pixel = codes[1:, :-1], codes[:-1, 1:], codes[1:, 1:]
    given_left = brute_conditional_entropy(left, pixel)
    given_both = brute_conditional_entropy(left * 8 + above, pixel)
    assert page["entropy_given_left"] == pytest.approx(given_left, rel=1e-9)
    assert page["entropy_given_left_above"] == pytest.approx(given_both, rel=1e-9)
    # The prose: one neighbour cuts it by more than half, two cut it further.
    assert given_left < page["entropy"] / 2 and given_both < given_left


def test_neighbour_pairs_and_share_of_equal_neighbours(page):
    codes = page["codes"]
    pairs = np.histogram2d(
        codes[:, 1:].ravel(), codes[:, :-1].ravel(), bins=8, range=[[-0.5, 7.5]] * 2
    )[0]
    assert np.array_equal(page["pairs"], pairs)
    assert page["same_as_left"] == pytest.approx(np.mean(codes[:, 1:] == codes[:, :-1]))
    assert page["same_as_left"] > 0.5  # "most pixels have the same code"


def test_orderings_claimed_on_the_page_hold(page, recomputed):
    size = recomputed
    n = page["raccoon"].size
    compressed = [
        size[f"{layout}, {compressor}"]
        for layout in ["Codes as uint8", "Codes packed"]
        for compressor in ["zlib", "lzma"]
    ]
    bound = size["Entropy bound"]
    png = size["Palette PNG of the codes"]
    # The float codes are 8 times the original, uint8 codes 8 bytes more than it.
    assert size["Codes as float64"] - 8 == 8 * n
    # Packing reaches 3/8; the entropy bound is below it, but by less than 5 %.
    assert bound < size["Codes packed, 3 bits"] < 1.05 * bound
    # Every compressor beats the pixel-by-pixel entropy bound; lzma on bytes is best.
    assert max(compressed + [png]) < bound
    assert min(compressed + [png]) == size["Codes as uint8, lzma"]
    # Packing 3 bits hurts both compressors.
    for compressor in ["zlib", "lzma"]:
        assert size[f"Codes as uint8, {compressor}"] < size[f"Codes packed, {compressor}"]
    # lzma lies between the two conditional-entropy figures (within 5 % of the first).
    lzma_bits = 8 * (size["Codes as uint8, lzma"] - CODEBOOK_BYTES)
    assert n * page["entropy_given_left_above"] < lzma_bits < 1.05 * n * page["entropy_given_left"]
    # PNG: below zlib on bytes, above lzma (and below zlib on 4-bit codes, as PNG stores).
    zlib_4_bits = len(zlib.compress(bytes_from_bit_string(bit_string(page["codes"].ravel(), 4))))
    assert size["Codes as uint8, lzma"] < png < zlib_4_bits + 8 < size["Codes as uint8, zlib"]
    # Quantizing: packed codes beat the original's lossless files.
    assert size["Codes packed, 3 bits"] < size["Original, WebP lossless"] < size["Original, PNG"]


def test_rounded_numbers_in_the_prose(page, recomputed):
    n = page["raccoon"].size
    p = np.bincount(page["codes"].ravel(), minlength=8) / n
    assert 0.05 < p.min() and p.max() < 0.17  # "between 5 % and 17 %"
    assert 8 * CODEBOOK_BYTES / n < 1e-4  # "less than a ten-thousandth of a bit"
    assert np.abs(page["codebook"] - page["bin_means"]).max() <= 0.5
    assert round(100 * recomputed["Original, PNG"] / n) == 59  # "59 %"
    assert round(100 * recomputed["Original, WebP lossless"] / n, 1) == 54.5  # "54.5 %"
    lzma_size = recomputed["Codes as uint8, lzma"]
    assert round(8 * lzma_size / n, 1) == 1.1  # "about 1.1 bits per pixel"
    assert round(n / lzma_size) == 7  # "7 times smaller"


def test_jpeg_qualities_are_the_ones_a_scan_finds(page, printed):
    """The lowest quality reaching the palette PNG's PSNR, the highest no larger."""
    raccoon = page["raccoon"]
    target_psnr = psnr_of(raccoon, page["decoded"])
    png_bytes = len(page["png_data"])
    scores, sizes = {}, {}
    for quality in range(1, 96):
        data = jpeg_bytes(raccoon, quality)
        sizes[quality] = len(data)
        scores[quality] = psnr_of(raccoon, np.asarray(Image.open(io.BytesIO(data))))
    equal_psnr = min(q for q in scores if scores[q] >= target_psnr)
    equal_size = max(q for q in sizes if sizes[q] <= png_bytes)
    assert page["equal_psnr_quality"] == equal_psnr
    assert page["equal_size_quality"] == equal_size
    n = raccoon.size
    out = printed.stdout
    assert numbers_after(f"JPEG, quality {equal_psnr}:", out) == [
        round(8 * sizes[equal_psnr] / n, 3),
        round(scores[equal_psnr], 2),
    ]
    assert numbers_after(f"JPEG, quality {equal_size}:", out) == [
        round(8 * sizes[equal_size] / n, 3),
        round(scores[equal_size], 2),
    ]
    ratio = png_bytes / sizes[equal_psnr]
    assert numbers_after("Palette PNG / JPEG at the same PSNR:", out) == [round(ratio, 2)]
    gain = scores[equal_size] - target_psnr
    assert numbers_after("JPEG's gain at the same size:", out) == [round(gain, 1)]
    # The prose: "about a third of the palette PNG's bytes", "about 9 dB more, an eighth
    # of the MSE".
    assert 2.5 < ratio < 3.5
    assert round(gain) == 9 and round(10 ** (gain / 10)) == 8


def test_detail_is_shown_pixel_for_pixel_beside_the_original(page):
    fig = page["fig"]
    fig.canvas.draw()
    assert fig.get_figwidth() * fig.dpi == 624
    rows, cols = page["detail"]
    images = list(page["panels"].values())
    assert images[0] is page["raccoon"]
    assert np.array_equal(images[1], page["decoded"])
    for ax, source in zip(fig.axes, images):
        box = ax.get_window_extent()
        assert (round(box.width), round(box.height)) == (
            cols.stop - cols.start,
            rows.stop - rows.start,
        )
        (shown,) = ax.get_images()
        assert shown.get_interpolation() == "nearest"
        np.testing.assert_array_equal(shown.get_array(), source[rows, cols])
