"""Check the claims of the page that compares the course's methods at measured rates.

Every rate is recomputed from the bytes the page stored (PNG and JPEG files, lzma streams
and codebooks) or from the page's bins, every PSNR from the decoded bytes, with the plain
definitions of tests/independent.py; JPEG's files are made again with Pillow. The claims
of the transform coding page, where this comparison came from, are checked in
test_series_transform_coding.py.
"""

import io
import lzma
import re
from pathlib import Path

import numpy as np
import pytest
from independent import independent_entropy, independent_psnr
from PIL import Image

PAGE = "series/plot_13_measured_rates.py"
SOURCE = Path(__file__).parent.parent / "examples" / PAGE
QUALITIES = (5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95)


@pytest.fixture(scope="module")
def page(run_example):
    return run_example(PAGE)


def rows_of(page, method):
    return {setting: rest for m, setting, *rest in page["comparison"] if m == method}


def jpeg_rate_and_psnr(image, quality):
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    decoded = np.asarray(Image.open(buffer))
    return 8 * len(buffer.getvalue()) / image.size, independent_psnr(image, decoded)


def test_every_method_works_on_the_crop_from_row_4_and_column_4(page):
    raccoon, moved = page["raccoon"], page["moved"]
    assert raccoon.shape == (768, 1024) and moved.shape == (760, 1016)
    assert np.array_equal(moved, raccoon[4:764, 4:1020])
    assert page["n_pixels"] == 760 * 1016 == moved.size
    assert page["pairs"].shape == (380 * 508, 4)
    assert page["greys"].size == len(np.unique(moved))
    assert page["grey_counts"].sum() == moved.size
    # The page's helpers against the independent definitions.
    rng = np.random.default_rng(1)
    noisy = np.clip(moved + rng.integers(-9, 10, moved.shape), 0, 255).astype(np.uint8)
    assert page["psnr"](noisy, moved) == pytest.approx(independent_psnr(moved, noisy))
    codes = rng.integers(0, 7, 1000)
    assert page["entropy_bits"](codes) == pytest.approx(1000 * independent_entropy(codes))


def test_comparison_rates_are_measured_from_the_stored_bytes(page):
    moved, n_pixels, files = page["moved"], page["n_pixels"], page["stored_files"]
    png = rows_of(page, "PNG")
    assert sorted(png) == sorted(f"{k} levels" for k in (2, 4, 8, 16))
    for k in (2, 4, 8, 16):
        fixed, entropy, file, score = png[f"{k} levels"]
        data = files["PNG", k]
        assert file == 8 * len(data) / n_pixels and fixed == np.log2(k)
        opened = Image.open(io.BytesIO(data))
        assert opened.format == "PNG" and opened.mode == "P"
        decoded = np.asarray(opened.convert("L"))
        assert len(np.unique(decoded)) == k
        assert independent_psnr(moved, decoded) == pytest.approx(score)
        assert entropy == pytest.approx(independent_entropy(np.asarray(opened)))
        assert entropy <= fixed
    vq = rows_of(page, "2×2 VQ")
    assert sorted(vq) == sorted(f"{k} words" for k in (4, 16, 64, 256))
    for k in (4, 16, 64, 256):
        fixed, entropy, file, score = vq[f"{k} words"]
        compressed, codebook = files["2×2 VQ", k]
        assert file == 8 * (len(compressed) + codebook.size) / n_pixels
        codes = np.frombuffer(lzma.decompress(compressed), dtype=np.uint8)
        assert len(codes) == n_pixels // 4 and codebook.shape == (k, 4)
        image = codebook[codes].reshape(380, 508, 2, 2).swapaxes(1, 2).reshape(760, 1016)
        assert independent_psnr(moved, image) == pytest.approx(score)
        assert entropy == pytest.approx(independent_entropy(codes) / 4)
        assert fixed == np.log2(k) / 4 and file < entropy <= fixed
    uniform = rows_of(page, "Uniform")
    assert sorted(uniform) == sorted(f"step {s}" for s in (12, 16, 24, 32, 48, 64, 96))
    for setting, (fixed, entropy, file, score) in uniform.items():
        step = int(setting.split()[-1])
        bins = moved.ravel() // step
        p = np.bincount(bins)[np.bincount(bins) > 0] / n_pixels
        assert entropy == pytest.approx(-np.sum(p * np.log2(p)))
        assert fixed == pytest.approx(np.log2(len(p))) and file is None
        # Each bin shown at the rounded mean of its pixels.
        means = np.zeros(256 // step + 1)
        for b in np.unique(bins):
            means[b] = round(moved.ravel()[bins == b].mean())
        shown = means[bins].reshape(moved.shape)
        assert independent_psnr(moved, shown) == pytest.approx(score)
    jpeg = rows_of(page, "JPEG")
    assert page["qualities"] == QUALITIES
    assert sorted(jpeg) == sorted(f"quality {q}" for q in QUALITIES)
    for quality in QUALITIES:
        fixed, entropy, file, score = jpeg[f"quality {quality}"]
        assert fixed is None and entropy is None  # the file is JPEG's rate
        data = files["JPEG", quality]
        assert file == 8 * len(data) / n_pixels
        decoded = np.asarray(Image.open(io.BytesIO(data)))
        assert independent_psnr(moved, decoded) == pytest.approx(score)
        # Pillow's default JPEG of the crop at that quality, made again here.
        assert (file, score) == pytest.approx(jpeg_rate_and_psnr(moved, quality))


def test_the_dotted_curve_is_jpeg_on_the_original_grid(page):
    raccoon, aligned = page["raccoon"], page["aligned"]
    assert len(aligned) == len(QUALITIES)
    for quality, point in zip(QUALITIES, aligned):
        assert point == pytest.approx(jpeg_rate_and_psnr(raccoon, quality))
    # It scores far better than the moved grid at some rate: the caution of the end.
    old = dict(zip(QUALITIES, aligned))
    moved = rows_of(page, "JPEG")["quality 80"]
    assert old[80][1] > moved[3] + 10


def interpolated(points, rate):
    rates, scores = np.array(sorted(points)).T
    if not rates[0] <= rate <= rates[-1]:
        return None
    return np.interp(rate, rates, scores)


def measured_points(page):
    """Each method's (file rate, or index entropy without a file; PSNR) pairs."""
    measured = {}
    for method, _, _, entropy, file, score in page["comparison"]:
        measured.setdefault(method, []).append((entropy if file is None else file, score))
    return measured


def test_gains_at_equal_rate_are_what_the_table_shows(page):
    measured = measured_points(page)
    for rate in (0.5, 1.0):
        jpeg = interpolated(measured["JPEG"], rate)
        others = {
            method: interpolated(points, rate)
            for method, points in measured.items()
            if method != "JPEG" and interpolated(points, rate) is not None
        }
        best = max(others, key=others.get)
        assert best == "2×2 VQ"
        assert page["gains"][rate] == pytest.approx(jpeg - others[best])
        # The rate JPEG needs for the best other method's PSNR.
        rates, scores = np.array(sorted(measured["JPEG"])).T
        needed = np.interp(others[best], scores, rates)
        assert page["rate_ratios"][rate] == pytest.approx(rate / needed)
        # "About 4 dB", "1.7 times fewer bits".
        assert 3.5 <= page["gains"][rate] <= 4.5
        assert round(page["rate_ratios"][rate], 1) == 1.7
    # "JPEG wins at every rate measured here."
    for method, points in measured.items():
        if method != "JPEG":
            for rate, score in points:
                jpeg = interpolated(measured["JPEG"], rate)
                assert jpeg is None or jpeg > score, (method, rate)
    # "The palette PNGs lie further below, and the uniform quantizer ... lowest."
    # Compared at the measured points of either curve, where the other is defined.
    for lower, higher in (("PNG", "2×2 VQ"), ("Uniform", "PNG")):
        rates = [rate for rate, _ in measured[lower] + measured[higher]]
        pairs = [
            (interpolated(measured[lower], rate), interpolated(measured[higher], rate))
            for rate in rates
        ]
        pairs = [pair for pair in pairs if None not in pair]
        assert len(pairs) >= 2 and all(low < high for low, high in pairs), pairs
    # The fixed-length figures of the last paragraph.
    assert round(rows_of(page, "PNG")["2 levels"][3], 2) == 18.49
    assert rows_of(page, "PNG")["2 levels"][0] == 1
    assert round(rows_of(page, "2×2 VQ")["16 words"][3], 2) == 28.53
    assert rows_of(page, "2×2 VQ")["16 words"][0] == 1
    assert round(interpolated(measured["JPEG"], 1.0), 2) == 36.06


def test_printed_lines_fit_the_column(run_script):
    output = run_script(PAGE).stdout
    assert "Raccoon: (768, 1024), crop: (760, 1016)" in output
    assert re.search(r"At 1\.0 bpp: JPEG 36\.06 dB, 2×2 VQ \d+\.\d+ dB, gain 3\.9\d dB", output)
    assert re.search(r"^JPEG, quality 50 +— +— +0\.938 +35\.60$", output, re.M)
    too_long = [line for line in output.splitlines() if len(line) > 69]
    assert not too_long, too_long


def test_opening_links_the_page_before_and_its_section_on_the_crop():
    source = SOURCE.read_text()
    docstring = source.split('"""')[1]
    link = "sphx_glr_auto_examples_series_plot_12_transform_coding.py"
    assert docstring.split("\n\n")[1].startswith(f":ref:`Transform coding <{link}>`")
    first_cell = source.split("# %%")[1]
    assert ":ref:`raccoon-was-a-jpeg`" in first_cell and "760 × 1016" in first_cell
    # The label is on the page before, just above that section's heading.
    before = (SOURCE.parent / "plot_12_transform_coding.py").read_text()
    assert "# .. _raccoon-was-a-jpeg:\n#\n# This raccoon was a JPEG already\n" in before


def test_thumbnail_is_the_comparison():
    source = SOURCE.read_text()
    number = int(re.search(r"sphinx_gallery_thumbnail_number = (\d+)", source).group(1))
    starts = [m.start() for m in re.finditer(r"plt\.(subplots|figure)\(", source)]
    assert len(starts) == 1 and number == 1
    assert source.index("Where transform coding wins") < starts[0]
