"""Check the claims of the dithering page on the results its own code computed.

Independent checks where one exists: the Bayer matrix against its recursive definition
written as loops and against its closed form in bits; ordered dithering against a pixel
loop in exact rational arithmetic; Pillow's Floyd–Steinberg against an error diffusion
of our own; PSNR against scikit-image's. The next page's scores (SSIM, blurred images,
bits) are checked in tests/test_series_judging_dithering.py.
"""

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy.ndimage import gaussian_filter
from skimage.metrics import peak_signal_noise_ratio

PAGE = "series/plot_05_dithering.py"
SOURCE = Path(__file__).parent.parent / "examples" / PAGE
NEAREST = "Nearest"
ORDERED = "Ordered"
DIFFUSED = "Floyd–Steinberg"
DITHERS = (ORDERED, DIFFUSED)
BITS = (1, 2, 3)
NEXT_PAGE = ":ref:`sphx_glr_auto_examples_series_plot_06_judging_dithering.py`"


@pytest.fixture(scope="module")
def page(run_example, run_script):
    """The page's variables, and what it printed under "printed"."""
    namespace = dict(run_example(PAGE))
    namespace["printed"] = run_script(PAGE).stdout
    return namespace


def test_the_page_leaves_judging_to_the_next_one():
    text = SOURCE.read_text(encoding="utf-8")
    # SSIM moved to the next page, which the last section points to for judging.
    assert "_ssim:" not in text
    assert NEXT_PAGE in text[text.index("# In short") :]
    # The live figure is attached to this heading (conf.py's live_figures).
    assert "\n# The three side by side\n# ----------------------\n" in text


def test_printed_lines_fit_the_column(page):
    output = page["printed"]
    assert "tied greys" in output
    assert not [line for line in output.splitlines() if len(line) > 69]


def test_close_ups_draw_each_image_pixel_on_whole_figure_pixels(page):
    raccoon = page["raccoon"]
    for zoom, ncols, rows, columns in [
        (3, 2, *page["crop"]),
        (2, 4, *page["crop"]),
        (2, 2, *page["face_crop"]),
    ]:
        fig, axes = page["close_ups"]([(raccoon, "")] * 4, ncols, zoom, rows, columns)
        width_px = fig.get_figwidth() * fig.dpi
        assert width_px >= 720, (zoom, ncols)
        for ax in axes.flat:
            box = ax.get_position()
            assert box.width * width_px == pytest.approx((columns.stop - columns.start) * zoom)
            height_px = fig.get_figheight() * fig.dpi
            assert box.height * height_px == pytest.approx((rows.stop - rows.start) * zoom)
        fig.clf()


def levels_of(bits):
    """The even grey levels, computed here: round(i * 255 / (L - 1))."""
    n_levels = 2**bits
    return [int(Fraction(255 * i, n_levels - 1) + Fraction(1, 2)) for i in range(n_levels)]


def our_psnr(image, reference):
    """PSNR in dB, with the squared error summed exactly in integers where possible."""
    if np.issubdtype(np.asarray(image).dtype, np.integer):
        error = np.asarray(image, np.int64) - np.asarray(reference, np.int64)
        mse = int(np.sum(error * error)) / error.size
    else:
        mse = np.mean((np.asarray(image, float) - np.asarray(reference, float)) ** 2)
    return 10 * np.log10(255**2 / mse)


def bayer_by_loops(size):
    """The Bayer matrix from its recursive definition, one element at a time."""
    if size == 1:
        return [[0]]
    half = bayer_by_loops(size // 2)
    offsets = [[0, 2], [3, 1]]
    n = size // 2
    return [
        [4 * half[i % n][j % n] + offsets[i // n][j // n] for j in range(size)] for i in range(size)
    ]


def bayer_by_bits(i, j, size):
    """Closed form: interleave the bits of i XOR j and of i, least significant first,
    into a number read from its most significant bit."""
    value, x = 0, i ^ j
    for bit in range(size.bit_length() - 1):
        value = (value << 2) | (((x >> bit) & 1) << 1) | ((i >> bit) & 1)
    return value


def ordered_by_loop(image, bits):
    """Ordered dithering pixel by pixel, in exact rational arithmetic."""
    matrix = bayer_by_loops(8)
    levels = levels_of(bits)
    out = np.empty(image.shape, dtype=np.uint8)
    for (row, column), grey in np.ndenumerate(image):
        threshold = Fraction(2 * matrix[row % 8][column % 8] + 1, 128)
        index = int(Fraction(int(grey) * (2**bits - 1), 255) + threshold)  # floor: >= 0
        out[row, column] = levels[index]
    return out


def floyd_steinberg_by_loop(image, bits):
    """Error diffusion of our own: reading order, weights 7, 3, 5, 1 sixteenths, floats."""
    levels = np.array(levels_of(bits), dtype=float)
    work = image.astype(float).copy()
    height, width = work.shape
    out = np.empty(image.shape, dtype=np.uint8)
    for row in range(height):
        for column in range(width):
            value = work[row, column]
            level = levels[np.argmin(np.abs(levels - value))]
            out[row, column] = level
            error = value - level
            if column + 1 < width:
                work[row, column + 1] += error * 7 / 16
            if row + 1 < height:
                if column > 0:
                    work[row + 1, column - 1] += error * 3 / 16
                work[row + 1, column] += error * 5 / 16
                if column + 1 < width:
                    work[row + 1, column + 1] += error * 1 / 16
    return out


def blurred_psnr(image, reference, sigma=1.5):
    """PSNR after the blur, by blurring the error (the blur is linear), in float64."""
    error = np.asarray(image, float) - np.asarray(reference, float)
    mse = np.mean(gaussian_filter(error, sigma) ** 2)
    return 10 * np.log10(255**2 / mse)


def test_bayer_matrix_is_its_recursive_definition_and_its_closed_form(page):
    bayer_matrix = page["bayer_matrix"]
    for size in (1, 2, 4, 8, 16):
        matrix = bayer_matrix(size)
        assert matrix.tolist() == bayer_by_loops(size)
        assert matrix.tolist() == [
            [bayer_by_bits(i, j, size) for j in range(size)] for i in range(size)
        ]
        assert sorted(matrix.ravel().tolist()) == list(range(size * size))
    assert bayer_matrix(4).tolist() == [
        [0, 8, 2, 10],
        [12, 4, 14, 6],
        [3, 11, 1, 9],
        [15, 7, 13, 5],
    ]
    np.testing.assert_array_equal(page["bayer"], bayer_matrix(8))


@pytest.mark.parametrize("size", [0, 3, 6, 12, -4])
def test_bayer_matrix_of_a_size_that_is_not_a_power_of_two_says_so(page, size):
    with pytest.raises(ValueError, match="power of 2"):
        page["bayer_matrix"](size)


def test_levels_are_evenly_spread_from_black_to_white(page):
    for bits in BITS:
        levels = page["grey_levels"](bits)
        assert levels.dtype == np.uint8
        assert levels.tolist() == levels_of(bits)


def test_level_formula_never_lands_on_an_integer(page):
    """x (L - 1) / 255 + t is never an integer for the thresholds the page uses, so
    rounding errors cannot decide a pixel's level (exact arithmetic)."""
    thresholds = [Fraction(1, 2)] + [Fraction(2 * b + 1, 128) for b in range(64)]
    for bits in BITS:
        for grey in range(256):
            for threshold in thresholds:
                value = Fraction(grey * (2**bits - 1), 255) + threshold
                assert value.denominator != 1
                distance = min(value - int(value), int(value) + 1 - value)
                assert distance >= Fraction(1, 255 * 128)


def test_ties_between_two_rounded_levels_and_how_the_formula_breaks_them(page):
    counts = np.bincount(page["raccoon"].ravel(), minlength=256)
    for bits in BITS:
        levels = levels_of(bits)
        ties = [
            grey
            for grey in range(256)
            if sorted(abs(grey - level) for level in levels)[:2][0]
            == sorted(abs(grey - level) for level in levels)[1]
        ]
        if bits < 3:
            assert ties == []
            continue
        # "At 3 bpp the greys 18, 91, 164 and 237 are ties"
        assert ties == [18, 91, 164, 237] == page["ties"].tolist()
        assert counts[ties].sum() == 12319 == page["n_tied"]
        # 18 and 91 go to the darker level, 164 and 237 to the brighter one.
        assert page["picked"].tolist() == [0, 73, 182, 255]
        assert [int(v) for v in page["nearest"][3][page["raccoon"] == 164][:1]] == [182]


def test_nearest_level_is_a_nearest_level_at_every_pixel(page):
    raccoon = page["raccoon"].astype(np.int64)
    for bits in BITS:
        levels = np.array(levels_of(bits))
        image = page["nearest"][bits]
        assert image.dtype == np.uint8 and image.shape == raccoon.shape
        distances = np.abs(raccoon[..., None] - levels)
        np.testing.assert_array_equal(np.abs(raccoon - image), distances.min(axis=-1))
        assert set(np.unique(image).tolist()) <= set(levels.tolist())


def test_ordered_dithering_matches_a_pixel_loop(page):
    raccoon = page["raccoon"]
    # A crop of the page's image whose corner is on the 8×8 grid, and an odd-sized image
    # dithered on its own, so the tiling must be cut at both edges.
    aligned = (slice(416, 456), slice(560, 616))
    odd = raccoon[101:138, 203:256]
    for bits in BITS:
        np.testing.assert_array_equal(
            page["ordered"][bits][aligned], ordered_by_loop(raccoon[aligned], bits)
        )
        np.testing.assert_array_equal(page["ordered_dither"](odd, bits), ordered_by_loop(odd, bits))


def test_ordered_dithering_renders_every_flat_grey_right_on_average(page):
    """Over one 8×8 tile, the mean level index is within 1/128 of a step of the grey."""
    for bits in BITS:
        levels = levels_of(bits)
        for grey in range(256):
            tile = ordered_by_loop(np.full((8, 8), grey, dtype=np.uint8), bits)
            mean_index = Fraction(sum(levels.index(int(v)) for v in tile.ravel()), 64)
            assert abs(mean_index - Fraction(grey * (2**bits - 1), 255)) <= Fraction(1, 128)
            np.testing.assert_array_equal(
                page["ordered_dither"](np.full((8, 8), grey, dtype=np.uint8), bits), tile
            )
    # The first pixels to switch on are spread over the tile.
    bayer = np.array(bayer_by_loops(8))
    assert sorted(zip(*np.nonzero(bayer < 4))) == [(0, 0), (0, 4), (4, 0), (4, 4)]
    assert {(r // 2, c // 2) for r, c in zip(*np.nonzero(bayer < 16))} == {
        (r, c) for r in range(4) for c in range(4)
    }


def test_floyd_steinberg_uses_exactly_the_palettes_levels(page):
    raccoon = page["raccoon"]
    for bits in BITS:
        image = page["diffused"][bits]
        assert image.dtype == np.uint8 and image.shape == raccoon.shape
        # Every level is used, and nothing else.
        assert np.unique(image).tolist() == levels_of(bits)
        palette = page["grey_palette"](bits)
        assert palette.mode == "P"
        assert palette.getpalette() == [v for level in levels_of(bits) for v in (level,) * 3]


def test_floyd_steinberg_behaves_like_an_error_diffusion_of_our_own(page):
    """Pillow's integer Floyd–Steinberg and a float one of our own differ pixel by pixel
    (the pattern is chaotic), but make the same kind of image: same levels, the same
    local averages, the same PSNR with and without blur, to within a little."""
    raccoon = page["raccoon"]
    crop = raccoon[400:496, 540:668]
    for bits in BITS:
        ours = floyd_steinberg_by_loop(crop, bits)
        pillows = page["floyd_steinberg"](crop, bits)
        assert set(np.unique(ours).tolist()) <= set(levels_of(bits))
        assert abs(ours.mean() - pillows.mean()) < 1
        assert abs(our_psnr(ours, crop) - our_psnr(pillows, crop)) < 0.5
        assert abs(blurred_psnr(ours, crop) - blurred_psnr(pillows, crop)) < 2
        # And both are far better than the nearest level once blurred.
        plain = page["nearest"][bits][400:496, 540:668]
        assert blurred_psnr(ours, crop) > blurred_psnr(plain, crop) + 8
        # The error only flows right and down: the first 40 rows dithered on their own
        # are the first 40 rows of the page's image.
        np.testing.assert_array_equal(
            page["floyd_steinberg"](raccoon[:40, :], bits), page["diffused"][bits][:40, :]
        )


def test_pillow_quirks_the_page_describes(page):
    """The page works around these; if one of them goes, the page must change (and if
    Pillow implements ordered dithering, the page should use it). With dither=NONE,
    Pillow's colour cache sends a few greys to a farther level: the page computes its
    undithered images itself."""
    raccoon = page["raccoon"]
    palette = page["grey_palette"](1)
    grey = np.asarray(
        Image.fromarray(raccoon).quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)
    )
    assert np.array_equal(grey, raccoon), (
        "Pillow now maps a grey image to a palette: page 5 no longer needs its RGB "
        "conversion; update floyd_steinberg and the paragraph on the grey image"
    )
    rgb = Image.fromarray(raccoon).convert("RGB")
    fs = np.asarray(rgb.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG))
    asked_ordered = np.asarray(rgb.quantize(palette=palette, dither=Image.Dither.ORDERED))
    assert np.array_equal(asked_ordered, fs), (
        "Pillow's Dither.ORDERED now does something else than Floyd–Steinberg: if it is "
        "ordered dithering, page 5 should use it instead of its hand-written version"
    )
    ramp = Image.fromarray(np.arange(256, dtype=np.uint8)[None, :]).convert("RGB")
    levels = np.array(levels_of(3))
    pillow_none = levels[
        np.asarray(ramp.quantize(palette=page["grey_palette"](3), dither=Image.Dither.NONE))[0]
    ]
    nearest_distance = np.abs(np.arange(256)[:, None] - levels).min(axis=1)
    farther = np.abs(np.arange(256) - pillow_none) > nearest_distance
    assert farther.any(), (
        "Pillow's dither=NONE now maps every grey to a nearest level: page 5 could use "
        "it for its undithered images"
    )


def test_dithering_lowers_every_psnr_in_the_titles(page):
    """PSNR as scikit-image computes it; "every PSNR in the titles is lower with
    dithering", at every depth."""
    raccoon = page["raccoon"]
    for bits in BITS:
        for name, images in page["methods"].items():
            image = images[bits]
            expected = peak_signal_noise_ratio(raccoon, image, data_range=255)
            assert page["psnr"](image) == pytest.approx(our_psnr(image, raccoon), abs=1e-9)
            assert page["pixel_psnr"][bits, name] == pytest.approx(expected, abs=1e-9)
        for name in DITHERS:
            assert page["pixel_psnr"][bits, name] < page["pixel_psnr"][bits, NEAREST]
