"""Check the claims of the page on judging dithering on the results its own code computed.

The page recomputes the dithered images of the dithering page: they must be the same,
pixel for pixel. Independent checks where one exists: PSNR against scikit-image's and
SSIM against scikit-image in double precision; the blurred PSNR by blurring the error in
double precision; the PNG sizes by writing and reading the files again; the share of
contrast a blur keeps on sinusoids.
"""

import io
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy.ndimage import gaussian_filter
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

PAGE = "series/plot_06_judging_dithering.py"
DITHERING_PAGE = "series/plot_05_dithering.py"
EXAMPLES = Path(__file__).parent.parent / "examples"
SOURCE = EXAMPLES / PAGE
NEAREST = "Nearest"
ORDERED = "Ordered"
DIFFUSED = "Floyd–Steinberg"
DITHERS = (ORDERED, DIFFUSED)
BITS = (1, 2, 3)
# The SSIM of Wang et al. (2004), as the page computes it.
SSIM_SETTINGS = {
    "data_range": 255,
    "gaussian_weights": True,
    "sigma": 1.5,
    "use_sample_covariance": False,
}


@pytest.fixture(scope="module")
def page(run_example, run_script):
    """The page's variables, and what it printed under "printed"."""
    namespace = dict(run_example(PAGE))
    namespace["printed"] = run_script(PAGE).stdout
    return namespace


def levels_of(bits):
    """The even grey levels, computed here: round(i * 255 / (L - 1))."""
    n_levels = 2**bits
    return [int(Fraction(255 * i, n_levels - 1) + Fraction(1, 2)) for i in range(n_levels)]


def our_psnr(image, reference):
    """PSNR in dB, with the squared error summed exactly in integers."""
    error = np.asarray(image, np.int64) - np.asarray(reference, np.int64)
    mse = int(np.sum(error * error)) / error.size
    return 10 * np.log10(255**2 / mse)


def blurred_psnr(image, reference, sigma=1.5):
    """PSNR after the blur, by blurring the error (the blur is linear), in float64."""
    error = np.asarray(image, float) - np.asarray(reference, float)
    mse = np.mean(gaussian_filter(error, sigma) ** 2)
    return 10 * np.log10(255**2 / mse)


def test_ssim_is_defined_here_once_for_the_course():
    text = SOURCE.read_text(encoding="utf-8")
    # SSIM is defined here, once for the whole course to link to.
    assert text.count("# .. _ssim:") == 1
    elsewhere = [
        path
        for path in EXAMPLES.rglob("*.py")
        if path != SOURCE and ".. _ssim:" in path.read_text(encoding="utf-8")
    ]
    assert elsewhere == []
    # It opens with the page it follows.
    first_paragraph = text.split("\n\n")[1]
    assert ":ref:`sphx_glr_auto_examples_series_plot_05_dithering.py`" in first_paragraph


def test_printed_lines_fit_the_column(page):
    output = page["printed"]
    assert "PNG bytes" in output
    assert not [line for line in output.splitlines() if len(line) > 69]


def test_the_images_are_the_dithering_pages_pixel_for_pixel(page, run_example):
    before = run_example(DITHERING_PAGE)
    np.testing.assert_array_equal(page["raccoon"], before["raccoon"])
    assert list(page["methods"]) == list(before["methods"]) == [NEAREST, *DITHERS]
    for name in page["methods"]:
        for bits in BITS:
            ours, theirs = page["methods"][name][bits], before["methods"][name][bits]
            assert ours.dtype == theirs.dtype == np.uint8
            np.testing.assert_array_equal(ours, theirs, err_msg=f"{name}, {bits} bpp")
            assert page["scores"][bits, name]["psnr"] == before["pixel_psnr"][bits, name]
    # The shortened functions are the dithering page's on other images too.
    rng = np.random.default_rng(0)
    odd = rng.integers(0, 256, (37, 53), dtype=np.uint8)
    for bits in BITS:
        assert page["grey_levels"](bits).tolist() == levels_of(bits)
        np.testing.assert_array_equal(
            page["ordered_dither"](odd, bits), before["ordered_dither"](odd, bits)
        )
        np.testing.assert_array_equal(
            page["floyd_steinberg"](odd, bits), before["floyd_steinberg"](odd, bits)
        )


def test_tables_keep_the_layout_the_live_figure_is_checked_against(page):
    """tests/test_live_figures.py reads the PSNR and the index entropy of each method at
    1, 2 and 3 bpp from these lines of the printed output."""
    output = page["printed"]
    for bits in BITS:
        for name in page["methods"]:
            psnr = re.search(rf"^{bits}\s+{name}\s+([\d.]+)", output, re.M)
            entropy = re.search(rf"^{bits}\s+{name}\s+{bits}\s+([\d.]+)", output, re.M)
            assert psnr and entropy, (bits, name)
            assert float(psnr.group(1)) == round(page["scores"][bits, name]["psnr"], 2)
            assert float(entropy.group(1)) == round(page["entropies"][bits, name], 3)
    assert "3    Floyd–Steinberg   25.70  0.6416 |" in output
    assert "3   Floyd–Steinberg      3   2.633" in output


@pytest.fixture(scope="module")
def recomputed(page):
    """PSNR, SSIM and blurred PSNR of every image, recomputed here in double precision."""
    raccoon = page["raccoon"]
    result = {}
    for bits in BITS:
        for name, images in page["methods"].items():
            image = images[bits]
            result[bits, name] = {
                "psnr": our_psnr(image, raccoon),
                "ssim": structural_similarity(raccoon, image, **SSIM_SETTINGS),
                "psnr_far": blurred_psnr(image, raccoon),
            }
    return result


def test_page_psnr_is_scikit_images(page):
    raccoon = page["raccoon"]
    for bits in BITS:
        for name, images in page["methods"].items():
            image = images[bits]
            ours = our_psnr(image, raccoon)
            assert page["psnr"](image) == pytest.approx(ours, abs=1e-9)
            assert page["scores"][bits, name]["psnr"] == pytest.approx(
                peak_signal_noise_ratio(raccoon, image, data_range=255), abs=1e-9
            )


def test_ssim_scores_are_scikit_images_in_double_precision(page, recomputed):
    raccoon = page["raccoon"]
    raccoon_far = gaussian_filter(raccoon.astype(np.float64), 1.5)
    for bits in BITS:
        for name, images in page["methods"].items():
            scores = page["scores"][bits, name]
            # Single precision on the page changes the score only in the sixth decimal.
            assert scores["ssim"] == pytest.approx(recomputed[bits, name]["ssim"], abs=1e-5)
            image_far = gaussian_filter(images[bits].astype(np.float64), 1.5)
            assert scores["ssim_far"] == pytest.approx(
                structural_similarity(raccoon_far, image_far, **SSIM_SETTINGS), abs=1e-5
            )
            assert scores["psnr_far"] == pytest.approx(
                blurred_psnr(images[bits], raccoon), abs=0.01
            )


def test_pixel_by_pixel_both_measures_prefer_the_bands(recomputed):
    for bits in BITS:
        plain = recomputed[bits, NEAREST]
        for name in DITHERS:
            assert recomputed[bits, name]["ssim"] < plain["ssim"], (bits, name)
            # "1.8 to 3.1 dB here"
            assert 1.75 < plain["psnr"] - recomputed[bits, name]["psnr"] < 3.15, (bits, name)
    # "at 1 bpp it falls from 0.22 to about 0.05"
    assert round(recomputed[1, NEAREST]["ssim"], 2) == 0.22
    for name in DITHERS:
        assert 0.04 < recomputed[1, name]["ssim"] < 0.06


def test_at_a_distance_dithering_wins_by_10_db_or_more(page, recomputed):
    for bits in BITS:
        plain = recomputed[bits, NEAREST]
        for name in DITHERS:
            assert recomputed[bits, name]["psnr_far"] - plain["psnr_far"] >= 10, (bits, name)
            scores = page["scores"]
            assert scores[bits, name]["ssim_far"] > scores[bits, NEAREST]["ssim_far"]
        # Floyd–Steinberg ahead of ordered by 5 to 7 dB, though they start level.
        lead = recomputed[bits, DIFFUSED]["psnr_far"] - recomputed[bits, ORDERED]["psnr_far"]
        assert 5.0 <= round(lead, 1) <= 6.6, (bits, lead)
        start = recomputed[bits, DIFFUSED]["psnr"] - recomputed[bits, ORDERED]["psnr"]
        assert abs(start) < 1.2
    # Two levels with Floyd–Steinberg beat eight without dithering, at a distance.
    assert recomputed[1, DIFFUSED]["psnr_far"] > recomputed[3, NEAREST]["psnr_far"]


def test_grain_raises_the_local_contrast_ssim_compares(page):
    """The median local standard deviation, recomputed in double precision with SSIM's
    own window (Gaussian, σ = 1.5, cut at 3.5 σ)."""

    def median_local_std(image):
        image = np.asarray(image, float)
        mean = gaussian_filter(image, 1.5, truncate=3.5)
        variance = gaussian_filter(image**2, 1.5, truncate=3.5) - mean**2
        return np.median(np.sqrt(np.maximum(variance, 0)))

    assert round(median_local_std(page["raccoon"])) == 12
    for bits in BITS:
        ours = {name: median_local_std(images[bits]) for name, images in page["methods"].items()}
        for name, value in ours.items():
            assert page["contrast"][name][bits] == pytest.approx(value, abs=0.3)
        assert 10 <= ours[NEAREST] < 18
        for name in DITHERS:
            assert ours[name] > ours[NEAREST]
            if bits == 1:
                assert ours[name] > 10 * ours[NEAREST]


def test_dithering_keeps_the_mean_grey_and_banding_does_not(page):
    raccoon = page["raccoon"]
    for bits in BITS:
        assert abs(page["ordered"][bits].mean() - raccoon.mean()) < 0.5
        assert abs(page["diffused"][bits].mean() - raccoon.mean()) < 0.5
    assert raccoon.mean() - page["nearest"][1].mean() > 5


def test_blur_keeps_the_stated_share_of_a_patterns_contrast():
    """exp(-2 π² σ² / p²): measured on sinusoids of several periods."""
    columns = np.arange(240)
    for period in (2, 3, 4, 8, 16):
        for sigma in (1.5, 2, 3):
            pattern = np.sin(2 * np.pi * columns / period + 0.3)[None, :].repeat(4, axis=0)
            blurred = gaussian_filter(pattern, sigma, mode="wrap", truncate=8)
            kept = np.sqrt(np.mean(blurred**2) / np.mean(pattern**2))
            assert kept == pytest.approx(np.exp(-2 * np.pi**2 * sigma**2 / period**2), abs=2e-3), (
                period,
                sigma,
            )


def test_png_sizes_are_those_of_real_palette_pngs(page):
    for bits in BITS:
        plain_size = page["png_sizes"][bits, NEAREST]
        for name, images in page["methods"].items():
            levels = np.array(levels_of(bits), dtype=np.uint8)
            indices = np.searchsorted(levels, images[bits]).astype(np.uint8)
            assert np.array_equal(levels[indices], images[bits])
            png = Image.fromarray(indices)
            png.putpalette(np.repeat(levels, 3).tolist())
            buffer = io.BytesIO()
            png.save(buffer, format="PNG")
            data = buffer.getvalue()
            assert len(data) == page["png_sizes"][bits, name]
            # IHDR: bit depth 1, 2 or 4 (no 3-bit PNG), colour type 3 (palette).
            assert data[24] == {1: 1, 2: 2, 3: 4}[bits] and data[25] == 3
            decoded = Image.open(io.BytesIO(data))
            assert decoded.mode == "P"
            np.testing.assert_array_equal(levels[np.asarray(decoded)], images[bits])
        ordered_size = page["png_sizes"][bits, ORDERED]
        diffused_size = page["png_sizes"][bits, DIFFUSED]
        # "1.3 to 2.6 times", Floyd–Steinberg's more than Bayer's.
        assert 1.25 * plain_size < ordered_size < diffused_size < 2.65 * plain_size


def test_contrast_kept_by_the_blur_as_printed(page):
    output = page["printed"]
    assert "Contrast kept by the blur at period 2: 0.0%" in output
    assert "Contrast kept by the blur at period 8: 50.0%" in output


def index_entropy(image):
    _, per_level = np.unique(image, return_counts=True)
    shares = per_level / image.size
    return float(-np.sum(shares * np.log2(shares)))


def test_rates_fixed_length_entropy_coded_and_png(page):
    raccoon = page["raccoon"]
    for bits in BITS:
        plain = index_entropy(page["nearest"][bits])
        for name, images in page["methods"].items():
            entropy = index_entropy(images[bits])
            assert page["entropies"][bits, name] == pytest.approx(entropy, abs=1e-9)
            # Fewer bits than the fixed length log2 L, whatever the method.
            assert entropy <= bits
            # "nearly free too, at most 0.11 bit more per pixel"
            assert 0 <= entropy - plain <= 0.11, (bits, name)
        png_bpp = {n: page["png_sizes"][bits, n] * 8 / raccoon.size for n in page["methods"]}
        # PNG uses context: the banded image costs less than its index entropy.
        assert png_bpp[NEAREST] < plain
    # "At 1 bpp Floyd–Steinberg's PNG costs almost its full index entropy"
    fs_png = page["png_sizes"][1, DIFFUSED] * 8 / raccoon.size
    assert 0.95 * index_entropy(page["diffused"][1]) < fs_png < index_entropy(page["diffused"][1])


def test_at_a_distance_banded_images_lose_to_smaller_dithered_files(page, recomputed):
    """At a distance, "the banded images at 2 and 3 bpp are each beaten by a dithered
    image with a smaller file, and fewer levels; the 1-bit one, the smallest file of all,
    by none"."""
    sizes = page["png_sizes"]
    assert sizes[1, NEAREST] == min(sizes.values())
    for bits in BITS:
        plain_size, plain_far = sizes[bits, NEAREST], recomputed[bits, NEAREST]["psnr_far"]
        beaters = [
            (b, name)
            for b in BITS
            for name in DITHERS
            if sizes[b, name] < plain_size and recomputed[b, name]["psnr_far"] > plain_far
        ]
        if bits == 1:
            assert beaters == []
        else:
            assert beaters and all(b < bits for b, _ in beaters), (bits, beaters)
    assert "beaten by Ordered, 1 bpp: 45633 bytes, 31.66 dB" in page["printed"]


def test_thumbnail_is_the_near_and_far_close_up():
    text = SOURCE.read_text(encoding="utf-8")
    number = int(re.search(r"sphinx_gallery_thumbnail_number = (\d+)", text).group(1))
    figures = [m.start() for m in re.finditer(r"plt\.subplots\(", text)]
    assert number == 1 and len(figures) == 2
    assert text.index("near and far") < figures[1]
