"""Check the claims of the colour-quantization page on the results its own code computed.

The PSNRs are recomputed here from the page's images with an implementation of our own,
and the uniform grid is rebuilt independently, so a slip in the page's helpers shows.
"""

import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

PAGE = "series/plot_07_colour_quantization.py"
SOURCE = Path(__file__).resolve().parent.parent / "examples" / PAGE


def our_psnr(image, reference):
    """PSNR in dB over all pixels and channels, in exact integer arithmetic for the MSE."""
    difference = image.astype(np.int64) - reference.astype(np.int64)
    mse = np.sum(difference * difference) / difference.size
    return 10 * np.log10(255**2 / mse)


def colour_codes(array):
    """One integer per colour (red * 256**2 + green * 256 + blue) of an image or palette."""
    rows = np.asarray(array).reshape(-1, 3).astype(np.int64)
    return (rows[:, 0] << 16) | (rows[:, 1] << 8) | rows[:, 2]


def distinct_colours(array):
    """The distinct colours of an image or palette, as integers."""
    return np.unique(colour_codes(array))


def grid_image(original, bits_per_channel):
    """Each channel cut into 2**b equal bins, every value replaced by its bin centre."""
    width = 256 // 2**bits_per_channel
    return ((original // width) * width + width // 2).astype(np.uint8)


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


@pytest.fixture(scope="module")
def printed(run_script):
    """What the page prints (stdout, stderr) when run as a plain script."""
    result = run_script(PAGE)
    return result.stdout, result.stderr


def test_page_shows_the_same_budgets_for_both_methods(page):
    assert page["budgets"] == sorted(page["budgets"])
    assert len(page["budgets"]) >= 3
    for name in ["uniform_images", "kmeans_images", "uniform_palettes", "kmeans_palettes"]:
        assert sorted(page[name]) == page["budgets"], name


def test_kmeans_beats_the_uniform_grid_at_every_budget_shown(page):
    original = page["original"]
    for bits in page["budgets"]:
        uniform = our_psnr(page["uniform_images"][bits], original)
        kmeans = our_psnr(page["kmeans_images"][bits], original)
        # The page's own numbers (printed and in the figure titles) are these.
        assert page["uniform_psnr"][bits] == pytest.approx(uniform, abs=1e-9)
        assert page["kmeans_psnr"][bits] == pytest.approx(kmeans, abs=1e-9)
        # "more than 8 dB above the grid" at every budget.
        assert kmeans > uniform + 8, (bits, uniform, kmeans)


def test_uniform_images_are_each_channel_at_its_bin_centre(page):
    original = page["original"]
    for bits in page["budgets"]:
        assert bits % 3 == 0
        expected = grid_image(original, bits // 3)
        np.testing.assert_array_equal(page["uniform_images"][bits], expected)


def test_palettes_have_the_stated_number_of_colours(page):
    for bits in page["budgets"]:
        for name in ["uniform_palettes", "kmeans_palettes"]:
            palette = page[name][bits]
            assert palette.shape == (2**bits, 3), (name, bits)
            assert palette.dtype == np.uint8
            # No two palette entries are the same colour (rounding merged none).
            assert len(distinct_colours(palette)) == 2**bits, (name, bits)
        # The grid is every combination of 2**(bits/3) levels per channel.
        grid = page["uniform_palettes"][bits]
        for channel in range(3):
            assert len(np.unique(grid[:, channel])) == 2 ** (bits // 3)


def test_quantized_images_contain_only_palette_colours(page):
    for bits in page["budgets"]:
        for images, palettes in [
            (page["uniform_images"], page["uniform_palettes"]),
            (page["kmeans_images"], page["kmeans_palettes"]),
        ]:
            used = distinct_colours(images[bits])
            assert np.isin(used, colour_codes(palettes[bits])).all(), bits


def test_every_pixel_gets_its_nearest_kmeans_palette_colour(page):
    original = page["original"].reshape(-1, 3).astype(np.int64)
    _, first = np.unique(colour_codes(original), return_index=True)
    colours = original[first]
    for bits in page["budgets"]:
        palette = page["kmeans_palettes"][bits].astype(np.int64)
        assigned = page["kmeans_images"][bits].reshape(-1, 3).astype(np.int64)[first]
        nearest = np.full(len(colours), np.iinfo(np.int64).max)
        for colour in palette:
            nearest = np.minimum(nearest, np.sum((colours - colour) ** 2, axis=1))
        np.testing.assert_array_equal(np.sum((colours - assigned) ** 2, axis=1), nearest)


def test_bits_per_pixel_are_log2_of_the_number_of_colours(page, printed):
    stdout, _ = printed
    lines = re.findall(r"^(Uniform|K-means), (\d+) bits per pixel: (\d+) colours", stdout, re.M)
    shown = {(method, int(bits)) for method, bits, _ in lines}
    assert shown == {(m, b) for m in ["Uniform", "K-means"] for b in page["budgets"]}
    for method, bits, n_colours in lines:
        assert 2 ** int(bits) == int(n_colours), (method, bits, n_colours)
        assert np.log2(int(n_colours)) == int(bits)
        palettes = page["uniform_palettes" if method == "Uniform" else "kmeans_palettes"]
        assert len(palettes[int(bits)]) == int(n_colours)


def test_printed_psnrs_are_those_of_the_images(page, printed):
    stdout, _ = printed
    original = page["original"]
    for method, images in [("Uniform", "uniform_images"), ("K-means", "kmeans_images")]:
        for bits in page["budgets"]:
            match = re.search(
                rf"^{method}, {bits} bits per pixel.*?PSNR (\d+\.\d+) dB", stdout, re.M
            )
            assert match, (method, bits)
            assert float(match.group(1)) == pytest.approx(
                our_psnr(page[images][bits], original), abs=0.005
            )


def test_grid_uses_few_of_its_colours(page):
    original = page["original"]
    for bits in page["budgets"]:
        used = len(distinct_colours(grid_image(original, bits // 3)))
        assert page["uniform_counts"][bits].sum() == original.shape[0] * original.shape[1]
        assert np.count_nonzero(page["uniform_counts"][bits]) == used
    # "at 9 bits per pixel, fewer than a quarter of the 512 grid colours appear"
    assert len(distinct_colours(grid_image(original, 3))) < 512 / 4


def test_kmeans_beats_even_the_grid_with_mean_colours(page):
    original = page["original"]
    flat = original.reshape(-1, 3).astype(np.float64)
    for bits in page["budgets"]:
        # Number the occupied cells, then average the pixels of each.
        _, cell = np.unique(
            colour_codes(original // (256 // 2 ** (bits // 3))), return_inverse=True
        )
        sums = np.column_stack([np.bincount(cell, weights=flat[:, c]) for c in range(3)])
        means = np.rint(sums / np.bincount(cell)[:, None]).astype(np.uint8)
        cell_mean = our_psnr(means[cell].reshape(original.shape), original)
        assert page["cell_mean_psnr"][bits] == pytest.approx(cell_mean, abs=1e-9)
        # Better colours help the grid, "by 2 to 3 dB", but not enough.
        assert 2 < cell_mean - our_psnr(page["uniform_images"][bits], original) < 3
        assert cell_mean < our_psnr(page["kmeans_images"][bits], original)


def test_kmeans_at_9_bits_beats_the_grid_at_12_bits(page):
    original = page["original"]
    assert our_psnr(page["kmeans_images"][9], original) > our_psnr(
        grid_image(original, 4), original
    )


def test_kmeans_is_fitted_on_the_stated_sample(page):
    from sklearn.cluster import KMeans

    assert page["n_sample"] == len(page["sample"]) == 10_000
    pixels = page["original"].reshape(-1, 3)
    sample = np.random.default_rng(0).choice(pixels, size=10_000, replace=False)
    assert np.array_equal(page["sample"], sample)
    centres = KMeans(n_clusters=8, n_init=1, random_state=0).fit(sample).cluster_centers_
    assert np.array_equal(page["kmeans_palettes"][3], np.rint(centres).astype(np.uint8))


def test_the_detail_is_inside_the_image_and_drawn_at_twice_its_size(page):
    # "the 128 × 96 pixels framed in white in the first figure"
    rows, columns = page["detail_rows"], page["detail_columns"]
    height, width = page["original"].shape[:2]
    assert (rows.stop - rows.start, columns.stop - columns.start) == (96, 128)
    assert 0 <= rows.start < rows.stop <= height
    assert 0 <= columns.start < columns.stop <= width
    frame = page["frame"]
    assert (frame.get_width(), frame.get_height()) == (128, 96)
    assert frame.get_xy() == (columns.start - 0.5, rows.start - 0.5)
    # Each image pixel is 2 × 2 figure pixels at 100 dpi.
    assert page["zoom"] == 2
    assert (page["panel_width"], page["panel_height"]) == (256, 192)


def test_the_palettes_are_sorted_by_scipys_grey_weights_bt709_cut(page):
    from scipy.datasets import face

    luma = page["LUMA"]
    # BT.709's weights cut (not rounded) to two decimals.
    np.testing.assert_allclose(luma, np.floor(np.array([0.2126, 0.7152, 0.0722]) * 100) / 100)
    original = page["original"]
    grey = original[..., 0] * 0.21 + original[..., 1] * 0.71 + original[..., 2] * 0.07
    np.testing.assert_array_equal(face(gray=True), grey.astype(np.uint8))


def test_kmeans_gains_at_equal_number_of_colours(page):
    gains = [page["gains"][bits] for bits in page["budgets"]]
    # "more than 8 dB above the grid: its MSE is 6 to 11 times smaller"
    assert min(gains) > 8 and max(gains) < 10.5
    ratios = [10 ** (gain / 10) for gain in gains]
    assert 6 <= min(ratios) and max(ratios) < 11.5
    # "still has 10 times the MSE of the k-means image" at 512 colours
    assert round(10 ** (page["gains"][9] / 10)) == 10


def test_index_entropies_and_the_comparison_at_equal_rate(page):
    original = page["original"]
    for bits in page["grid_bits"]:
        width = 256 // 2 ** (bits // 3)
        codes = colour_codes(original // width)
        counts = np.unique(codes, return_counts=True)[1]
        p = counts / counts.sum()
        assert page["uniform_entropy"][bits] == pytest.approx(-np.sum(p * np.log2(p)))
        assert page["uniform_psnr"][bits] == pytest.approx(
            our_psnr(grid_image(original, bits // 3), original), abs=1e-9
        )
    for bits in page["budgets"]:
        counts = np.unique(colour_codes(page["kmeans_images"][bits]), return_counts=True)[1]
        p = counts / counts.sum()
        assert page["kmeans_entropy"][bits] == pytest.approx(-np.sum(p * np.log2(p)))
        # "k-means' points hardly move", the grid's "far to the left"
        assert bits - page["kmeans_entropy"][bits] < 0.35
        if bits >= 6:
            assert bits - page["uniform_entropy"][bits] > 2
        # Read inside the grid's line, never beyond its ends.
        rates = page["grid_rates"]
        assert rates == sorted(rates) and rates[0] < page["kmeans_entropy"][bits] < rates[-1]
        expected = np.interp(page["kmeans_entropy"][bits], rates, page["grid_psnr"])
        assert page["grid_at_rate"][bits] == pytest.approx(expected)
    leads = {bits: page["kmeans_psnr"][bits] - page["grid_at_rate"][bits] for bits in (3, 9)}
    # "by 4.4 dB at 3 bits and less than 1 dB near 9 bits"
    assert round(leads[3], 1) == 4.4 and 0 < leads[9] < 1
    for bits in page["budgets"]:
        assert page["kmeans_psnr"][bits] > page["grid_at_rate"][bits]
        assert page["kmeans_psnr"][bits] - page["grid_at_rate"][bits] < page["gains"][bits]


def test_palette_png_files(page):
    """The page's PNG rates, from files written again here and decoded."""
    original = page["original"]
    n_pixels = original.shape[0] * original.shape[1]
    for name, images, palettes, entropies in [
        ("Uniform", page["uniform_images"], page["uniform_palettes"], page["uniform_entropy"]),
        ("K-means", page["kmeans_images"], page["kmeans_palettes"], page["kmeans_entropy"]),
    ]:
        for bits in (3, 6):
            palette = palettes[bits].astype(np.int64)
            codes = colour_codes(images[bits])
            order = np.argsort(colour_codes(palette))
            index = order[np.searchsorted(colour_codes(palette), codes, sorter=order)]
            size = (original.shape[1], original.shape[0])
            file = Image.frombytes("P", size, index.astype(np.uint8).tobytes())
            file.putpalette(palettes[bits].tobytes())
            buffer = io.BytesIO()
            file.save(buffer, "PNG", optimize=True)
            rate = 8 * buffer.tell() / n_pixels
            assert page["png_rate"][name, bits] == pytest.approx(rate), (name, bits)
            decoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
            np.testing.assert_array_equal(decoded, images[bits])
            # "The PNG files take less than the index entropy"
            assert rate < entropies[bits]
    # "its 8-colour file is smaller than the grid's 64-colour file, and 2.11 dB better"
    assert page["png_rate"]["K-means", 3] < page["png_rate"]["Uniform", 6]
    assert round(page["kmeans_psnr"][3] - page["uniform_psnr"][6], 2) == 2.11


def test_printed_output_fits_the_column(printed):
    stdout, _ = printed
    assert max(len(line) for line in stdout.splitlines()) <= 72
