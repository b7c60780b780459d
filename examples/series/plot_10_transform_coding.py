"""
==================================
Transform coding: the DCT and JPEG
==================================

Every page so far quantized grey levels, alone or in small blocks, and left the image in
the pixel domain. Photographs are stored another way: JPEG first turns each 8×8 block of
pixels into 64 cosine *frequencies*, quantizes those, coarsely where the eye looks
least, and entropy-codes the many zeros that result. This page builds JPEG's lossy part
in a few lines of NumPy: the discrete cosine transform, the standard's quantization
table and its quality scaling, the zig-zag order. It checks the result against Pillow's
JPEG encoder, shows the blocking that coarse steps cause at native pixels, counts the
bits after entropy coding, and ends by comparing, on measured bits per pixel, JPEG with
the quantizers of the earlier pages.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 3

# %%
# Blocks of 8×8 pixels
# --------------------
# JPEG cuts the image into 8×8 blocks and codes each on its own. The grey raccoon's 768
# rows and 1024 columns are multiples of 8, so it splits into 96 × 128 = 12288 blocks
# with two reshapes. Before the transform, JPEG subtracts 128 from every grey level (the
# *level shift*), so that the values lie around zero, from -128 to 127. The error is
# measured as on every page, with the MSE and PSNR of :ref:`mse-psnr`.
import numpy as np
from scipy.datasets import face

raccoon = face(gray=True)
n_pixels = raccoon.size


def to_blocks(image):
    """The 8×8 blocks of ``image``, as an array (block row, block column, 8, 8)."""
    height, width = image.shape
    if height % 8 or width % 8:
        raise ValueError(
            f"an image of {height}×{width} pixels does not split into 8×8 "
            "blocks: crop it to multiples of 8 first"
        )
    return image.reshape(height // 8, 8, width // 8, 8).swapaxes(1, 2)


def from_blocks(blocks):
    """The image made of ``blocks`` (the inverse of ``to_blocks``)."""
    rows, columns = blocks.shape[:2]
    return blocks.swapaxes(1, 2).reshape(rows * 8, columns * 8)


def psnr(image, reference):
    """PSNR of ``image`` against ``reference``, in dB."""
    error = image.astype(np.float64) - reference.astype(np.float64)
    return 10 * np.log10(255**2 / np.mean(error**2))


shifted = to_blocks(raccoon.astype(np.float64) - 128)
print(f"Blocks: {shifted.shape[0]} × {shifted.shape[1]} of 8×8 pixels")

# %%
# The discrete cosine transform
# -----------------------------
# The two-dimensional DCT (Ahmed, Natarajan & Rao, 1974, "Discrete cosine transform")
# writes each block as a weighted sum of 64 fixed 8×8 patterns, the *basis functions*:
# products of a horizontal and a vertical cosine, from the flat pattern (frequency 0, 0)
# to a fine checkerboard (7, 7). Its 64 weights are the block's *coefficients*. With
# ``norm="ortho"`` the transform is orthonormal: it only rotates the 64-dimensional
# vector of a block, so the sum of squares, and therefore any squared error, is the same
# on coefficients as on pixels. :func:`scipy.fft.dctn` transforms every block at once
# along the two last axes.
#
# JPEG reads the coefficients in *zig-zag* order, along the anti-diagonals of the 8×8
# array from low to high frequency, alternately up and down (T.81, Figure 5). The
# figure draws the 64 basis functions with that path over them.
import matplotlib.pyplot as plt
from scipy.fft import dctn, idctn

coefficients = dctn(shifted, axes=(2, 3), norm="ortho")
print(
    "Energy kept by the transform: "
    f"{np.sum(coefficients**2) / np.sum(shifted**2):.12f}"
)

rows, columns = np.divmod(np.arange(64), 8)
diagonal = rows + columns
zigzag = np.lexsort((np.where(diagonal % 2, rows, columns), diagonal))
print(f"Zig-zag order, first 10 positions: {zigzag[:10]}")

basis = idctn(np.eye(64).reshape(64, 8, 8), axes=(1, 2), norm="ortho")
mosaic = np.full((8 * 9, 8 * 9), np.nan)
for position, pattern in enumerate(basis):
    row, column = divmod(position, 8)
    mosaic[9 * row : 9 * row + 8, 9 * column : 9 * column + 8] = pattern
fig, ax = plt.subplots(figsize=(7.2, 7.2), layout="constrained")
ax.imshow(mosaic, cmap="gray", interpolation="nearest")
ax.plot(
    9 * columns[zigzag] + 3.5, 9 * rows[zigzag] + 3.5, color="tab:red"
)
ax.set_title("The 64 DCT basis functions and the zig-zag order")
ax.set_xticks(9 * np.arange(8) + 3.5, np.arange(8))
ax.set_yticks(9 * np.arange(8) + 3.5, np.arange(8))
ax.set_xlabel("Horizontal frequency")
ax.set_ylabel("Vertical frequency")

# %%
# The photograph's blocks are mostly smooth, so most of their energy sits in the first
# few coefficients of the zig-zag order: this *energy compaction* is what the transform
# is for.
energy = np.mean(coefficients**2, axis=(0, 1)).ravel()[zigzag]
shares = np.cumsum(energy) / energy.sum()
ac_shares = np.cumsum(energy[1:]) / energy[1:].sum()
for n in (1, 6, 15):
    print(
        f"Energy in the first {n:2d} zig-zag coefficients: {shares[n - 1]:.2%}"
    )
print(
    f"Share of the AC energy in the first 14 AC terms: {ac_shares[13]:.2%}"
)

# %%
# JPEG's quantization table and its quality scaling
# -------------------------------------------------
# JPEG quantizes every coefficient uniformly, dividing it by a *step* and rounding, with
# one step per frequency. The standard suggests steps for luminance (ITU-T T.81, 1992,
# Annex K, Table K.1) that grow with the frequency, because the eye sees fine detail
# less; Wallace (1992, "The JPEG still picture compression standard") tells how they
# were chosen. The quality setting of the Independent JPEG Group's libjpeg, which Pillow
# uses, scales the table: by 5000/q percent for a quality q below 50 and by 200 − 2q
# percent from 50 on, rounded, and clipped to 1..255 (baseline JPEG stores 8-bit
# steps). Quality 50 gives Table K.1 itself; quality 100 a step of 1 everywhere.
TABLE_K1 = np.array(
    [
        [16, 11, 10, 16, 24, 40, 51, 61],
        [12, 12, 14, 19, 26, 58, 60, 55],
        [14, 13, 16, 24, 40, 57, 69, 56],
        [14, 17, 22, 29, 51, 87, 80, 62],
        [18, 22, 37, 56, 68, 109, 103, 77],
        [24, 35, 55, 64, 81, 104, 113, 92],
        [49, 64, 78, 87, 103, 121, 120, 101],
        [72, 92, 95, 98, 112, 100, 103, 99],
    ]
)


def quantization_table(quality):
    """libjpeg's luminance table for ``quality`` (1 to 100), baseline."""
    if not 1 <= quality <= 100:
        raise ValueError(
            f"quality must be from 1 to 100, not {quality}"
        )
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return np.clip((TABLE_K1 * scale + 50) // 100, 1, 255)


print("Steps at quality 50 (Table K.1) and at quality 10:")
for row_50, row_10 in zip(
    quantization_table(50), quantization_table(10)
):
    print(
        " ".join(f"{s:3d}" for s in row_50),
        "|",
        *(f"{s:3d}" for s in row_10),
    )

# %%
# What coarse steps do to high frequencies
# ----------------------------------------
# A coefficient smaller than half its step rounds to zero. The figure sets, for each
# zig-zag position, the typical size of the raccoon's coefficients (their root mean
# square over the blocks) against half the step at three qualities: wherever the curve
# of coefficients falls below a dashed line, that quality zeroes most of them.
qualities_shown = (10, 50, 90)
fig, ax = plt.subplots(figsize=(7.2, 4.2), layout="constrained")
ax.semilogy(np.sqrt(energy), "k.-", label="Coefficients (RMS)")
for quality in qualities_shown:
    half_steps = quantization_table(quality).ravel()[zigzag] / 2
    ax.semilogy(half_steps, "--", label=f"Half step, quality {quality}")
ax.set_title("The raccoon's DCT coefficients against JPEG's steps")
ax.set_xlabel("Zig-zag position (0 = DC, 63 = finest)")
ax.set_ylabel("Grey levels (log scale)")
ax.grid(alpha=0.3)
ax.legend()

# %%
# Quantizing and decoding in NumPy
# --------------------------------
# The encoder keeps the integer ``round(coefficient / step)``; the decoder multiplies it
# by the step, applies the inverse DCT, adds 128 back, rounds and clips to 0..255. At
# low quality almost every high-frequency coefficient becomes zero:


def jpeg_quantize(blocks, quality):
    """The quantized DCT coefficients of level-shifted ``blocks`` (integers)."""
    steps = quantization_table(quality)
    return np.rint(dctn(blocks, axes=(2, 3), norm="ortho") / steps)


def jpeg_decode(quantized, quality):
    """The 8-bit image that the quantized coefficients stand for."""
    steps = quantization_table(quality)
    pixels = idctn(quantized * steps, axes=(2, 3), norm="ortho") + 128
    return np.clip(np.rint(from_blocks(pixels)), 0, 255).astype(
        np.uint8
    )


for quality in qualities_shown:
    zeros = np.mean(jpeg_quantize(shifted, quality) == 0)
    print(
        f"Quality {quality}: {zeros:.1%} of the coefficients are zero"
    )

# %%
# Checking against Pillow's JPEG encoder
# --------------------------------------
# Pillow writes a grey image as a one-component JPEG, without any colour conversion or
# chroma. Reading the file back, ``Image.open(...).quantization`` gives the tables that
# the file holds, in natural (row by row) order.
import io

from PIL import Image


def pillow_jpeg(image, quality, **options):
    """Pillow's JPEG file of ``image`` at ``quality``, and its decoded pixels."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(
        buffer, "JPEG", quality=quality, **options
    )
    data = buffer.getvalue()
    opened = Image.open(io.BytesIO(data))
    return data, opened.quantization, np.asarray(opened)


checked = (5, 10, 25, 50, 75, 95)
pillow = {q: pillow_jpeg(raccoon, q) for q in checked}
ours = {q: jpeg_decode(jpeg_quantize(shifted, q), q) for q in checked}
same_tables = all(
    np.array_equal(
        np.reshape(pillow[q][1][0], (8, 8)), quantization_table(q)
    )
    for q in checked
)
print(
    f"Pillow's tables equal ours at qualities {checked}: {same_tables}"
)
for q in checked:
    difference = np.abs(ours[q].astype(int) - pillow[q][2])
    print(
        f"Quality {q:2d}: decodes {psnr(ours[q], pillow[q][2]):.1f} dB apart,"
        f" {np.mean(difference == 0):.1%} of pixels equal,"
        f" max {difference.max()}"
    )

# %%
# The tables are the same, and the two decodes agree to within 47 dB or better, far
# closer than either is to the original. They are not identical, for two reasons that we
# can separate. libjpeg computes the DCT in integer arithmetic, so a coefficient that
# lands near a rounding boundary may be rounded to the neighbouring integer, which then
# changes a whole block by one step of that frequency. And its inverse DCT rounds
# differently from SciPy's floating-point one. To see which is which, we recover
# Pillow's quantized coefficients from its decoded pixels: a decoded pixel is off by at
# most half a grey level plus the decoder's error, far less than half a step at these
# qualities, so transforming and rounding again gives them back. Then we decode them
# ourselves.
for q in (5, 10, 25, 50):
    recovered = jpeg_quantize(to_blocks(pillow[q][2] - 128.0), q)
    n_other = np.sum(recovered != jpeg_quantize(shifted, q))
    redecoded = jpeg_decode(recovered, q).astype(int)
    gap = np.abs(redecoded - pillow[q][2]).max()
    print(
        f"Quality {q:2d}: {n_other} coefficients rounded otherwise;"
        f" decoded by us, within {gap} of Pillow"
    )

# %%
# Only a few hundred of the 786432 coefficients differ, each by one, and from the same
# coefficients the two decoders differ by at most one grey level.
#
# Blocking, at native pixels
# --------------------------
# With most high frequencies gone, each block is left with a few smooth patterns, and
# neighbouring blocks no longer meet: their edges show as a grid of 8×8 tiles. The crop
# below (the nose and the fur, 176 × 176 pixels, on the block grid) is drawn at twice
# its size, each image pixel a 2×2 square of figure pixels; the PSNR in each title is
# that of the whole image, decoded by Pillow.
crop = (slice(400, 576), slice(480, 656))
closeups = [("Original, 8 bpp", raccoon)]
for q in (50, 20, 8):
    data, _, decoded = pillow_jpeg(raccoon, q)
    closeups.append(
        (
            f"Quality {q}: {8 * len(data) / n_pixels:.2f} bpp,"
            f" {psnr(decoded, raccoon):.1f} dB",
            decoded,
        )
    )
size, gap, top = 352, 12, 34  # panel, gap and title height, in pixels
width, height = 2 * size + 3 * gap, 2 * (size + top) + gap
fig, axes = plt.subplots(
    2, 2, figsize=(width / 100, height / 100), dpi=100
)
fig.subplots_adjust(
    left=gap / width,
    right=1 - gap / width,
    bottom=gap / height,
    top=1 - top / height,
    wspace=gap / size,
    hspace=top / size,
)
for ax, (title, image) in zip(axes.flat, closeups):
    ax.imshow(
        image[crop],
        cmap="gray",
        vmin=0,
        vmax=255,
        interpolation="nearest",
    )
    ax.set_title(title)
    ax.set_axis_off()

# %%
# At quality 50 the crop is hard to tell from the original. At quality 20 the smooth
# shading of the nose turns into flat tiles with steps at their edges, and at quality 8
# the fur is a mosaic of 8×8 squares, some flat (only their DC term survived), some with
# one coarse stripe; sharp edges ring.
#
# The rate after entropy coding
# -----------------------------
# The quantized coefficients are not stored at a fixed length: JPEG codes them with
# Huffman codes (Huffman, 1952). The DC term is coded as its difference from the
# previous block's. Each nonzero AC term, in zig-zag order, becomes a symbol made of the
# *run* of zeros before it (0 to 15) and its *size* (the number of bits of its value),
# followed by those bits; one symbol, EOB, ends a block's last run of zeros, and another,
# ZRL, stands for 16 zeros. We count what an ideal code of these symbols would spend:
# their entropy, plus the size bits, for the DC and for the AC symbols. A Huffman code
# fitted to the image spends at most one bit per symbol more. Pillow writes either the
# standard's example Huffman tables (T.81, Annex K.3) or, with ``optimize=True``,
# tables fitted to the image.


def entropy_bits(symbols):
    """Shannon entropy of the ``symbols``, times their number, in bits."""
    counts = np.unique(symbols, return_counts=True)[1]
    return -np.sum(counts * np.log2(counts / counts.sum()))


def jpeg_symbol_bits(quantized):
    """Bits of an ideal entropy code of JPEG's DC and (run, size) symbols."""
    flat = quantized.reshape(-1, 64)[:, zigzag].astype(np.int64)
    dc_change = np.diff(flat[:, 0], prepend=0)
    dc_size = np.frexp(np.abs(dc_change))[1]
    block, position = np.nonzero(flat[:, 1:])
    first = np.r_[True, block[1:] != block[:-1]]
    previous = np.where(first, -1, np.r_[-1, position[:-1]])
    run = position - previous - 1
    size = np.frexp(np.abs(flat[:, 1:][block, position]))[1]
    n_eob = len(flat) - np.count_nonzero(flat[:, 63])
    n_zrl = np.sum(run // 16)
    symbols = np.r_[16 * (run % 16) + size, [0] * n_eob, [240] * n_zrl]
    return (
        entropy_bits(dc_size)
        + dc_size.sum()
        + entropy_bits(symbols)
        + size.sum()
    )


print("Quality  entropy  file, K.3 tables  file, fitted tables (bpp)")
for q in (10, 25, 50, 75):
    estimate = jpeg_symbol_bits(jpeg_quantize(shifted, q)) / n_pixels
    standard = 8 * len(pillow[q][0]) / n_pixels
    fitted = (
        8 * len(pillow_jpeg(raccoon, q, optimize=True)[0]) / n_pixels
    )
    print(f"{q:7d} {estimate:8.3f} {standard:17.3f} {fitted:20.3f}")

# %%
# With fitted tables the files come within a few percent of the entropy of their
# symbols (the rest is Huffman's rounding of code lengths and a few hundred bytes of
# header); the standard's tables cost more. Bits per pixel from here on are real file
# sizes, bytes × 8 / pixels, with Pillow's default (standard) tables.
#
# This raccoon was a JPEG already
# -------------------------------
# Sweep the quality and a surprise appears: the PSNR leaps from about quality 65 on,
# peaks at quality 80, and falls again at 85. The photograph was stored as a JPEG before
# it became a SciPy data set, on this very block grid, at about quality 80: quantizing
# it again with the same steps loses almost nothing. Moving the grid by 4 pixels (JPEG
# of the crop that starts at row 4 and column 4, 760 × 1016 pixels) breaks that
# alignment, and gives the honest curve that we compare with.
qualities = (5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95)
moved = raccoon[4:764, 4:1020]
jpeg = {"aligned": [], "moved": []}
for q in qualities:
    for name, image in (("aligned", raccoon), ("moved", moved)):
        data, _, decoded = pillow_jpeg(image, q)
        jpeg[name].append(
            (8 * len(data) / image.size, psnr(decoded, image))
        )
print("Quality  on the grid (bpp, dB)  grid moved by 4 (bpp, dB)")
for q, aligned, other in zip(qualities, jpeg["aligned"], jpeg["moved"]):
    print(f"{q:7d} {aligned[0]:13.3f} {aligned[1]:6.2f}", end="")
    print(f" {other[0]:18.3f} {other[1]:6.2f}")

# %%
# The course's quantizers, on measured rates
# ------------------------------------------
# Now the comparison, each method at the rate it really reaches on the grey raccoon,
# and where it has one, at its fixed-length rate too:
#
# * **Palette PNG** of a scalar quantizer with 2, 4, 8 and 16 k-means levels, as on
#   :ref:`sphx_glr_auto_examples_series_plot_02_saving_memory.py`: the rate is the
#   file's size; the fixed-length rate is :math:`\log_2 k`.
# * **Entropy-coded scalar quantization**: a uniform quantizer of step :math:`\Delta`
#   (bins :math:`\lfloor x / \Delta \rfloor`, each shown at the mean of its pixels), its
#   rate the entropy of the bin index, as on
#   :ref:`sphx_glr_auto_examples_series_plot_03_rate_distortion.py`.
# * **Entropy-coded block VQ**: k-means codebooks of 2×2 blocks, as on
#   :ref:`sphx_glr_auto_examples_series_plot_07_block_vector_quantization.py`, fitted
#   on 10 000 sample blocks; the rate is the size of the block indices compressed by
#   :mod:`lzma`, codebook included (the index entropy is printed too); the fixed-length
#   rate is :math:`\log_2 k / 4`.
# * **JPEG** at the qualities above, with the grid moved by 4 pixels.
import lzma

from sklearn.cluster import KMeans

rows_out = []  # (method, fixed-length bpp, entropy bpp, file bpp, PSNR)
grey_levels, level_counts = np.unique(raccoon, return_counts=True)
for k in (2, 4, 8, 16):
    kmeans = KMeans(n_clusters=k, n_init=1, random_state=0)
    kmeans.fit(grey_levels[:, None], sample_weight=level_counts)
    levels = np.sort(np.rint(kmeans.cluster_centers_.ravel()))
    levels = levels.astype(np.uint8)
    edges = (levels[1:].astype(int) + levels[:-1]) // 2 + 1
    codes = np.searchsorted(edges, raccoon, side="right").astype(
        np.uint8
    )
    png = Image.fromarray(codes, "P")
    png.putpalette(np.repeat(levels, 3).tobytes())
    buffer = io.BytesIO()
    png.save(buffer, "PNG", optimize=True)
    rate = 8 * len(buffer.getvalue()) / n_pixels
    rows_out.append(
        (
            f"PNG, {k} levels",
            np.log2(k),
            None,
            rate,
            psnr(levels[codes], raccoon),
        )
    )

for step in (8, 12, 16, 24, 32, 48, 64, 96):
    bins = raccoon // step
    counts = np.bincount(bins.ravel())
    used = counts > 0
    sums = np.bincount(bins.ravel(), weights=raccoon.ravel())
    means = np.rint(sums / np.maximum(counts, 1)).astype(np.uint8)
    p = counts[used] / n_pixels
    rows_out.append(
        (
            f"Uniform, step {step}",
            np.log2(used.sum()),
            -np.sum(p * np.log2(p)),
            None,
            psnr(means[bins], raccoon),
        )
    )
blocks_2x2 = (
    raccoon.reshape(384, 2, 512, 2).swapaxes(1, 2).reshape(-1, 4)
)
rng = np.random.default_rng(0)
sample = blocks_2x2[rng.choice(len(blocks_2x2), 10_000, replace=False)]
for k in (4, 16, 64, 256):
    kmeans = KMeans(n_clusters=k, n_init=1, random_state=0)
    kmeans.fit(sample.astype(np.float64))
    codebook = np.rint(kmeans.cluster_centers_).astype(np.uint8)
    codes = kmeans.predict(blocks_2x2.astype(np.float64)).astype(
        np.uint8
    )
    stored = len(lzma.compress(codes.tobytes())) + codebook.nbytes
    p = np.bincount(codes) / len(codes)
    p = p[p > 0]
    image = codebook[codes].reshape(384, 512, 2, 2).swapaxes(1, 2)
    rows_out.append(
        (
            f"2×2 VQ, {k} words",
            np.log2(k) / 4,
            -np.sum(p * np.log2(p)) / 4,
            8 * stored / n_pixels,
            psnr(image.reshape(raccoon.shape), raccoon),
        )
    )
for q, (rate, score) in zip(qualities, jpeg["moved"]):
    rows_out.append((f"JPEG, quality {q}", None, None, rate, score))

print("Method              fixed  entropy   file    PSNR")
print("                    (bpp)    (bpp)  (bpp)    (dB)")
for name, *numbers, score in rows_out:
    cells = ["    —" if x is None else f"{x:5.3f}" for x in numbers]
    print(
        f"{name:18s} {cells[0]:>6s} {cells[1]:>8s} {cells[2]:>6s}"
        f" {score:7.2f}"
    )

# %%
# Where transform coding wins
# ---------------------------
methods = {
    "PNG": "Palette PNG, k-means levels (file)",
    "Uniform": "Uniform scalar (index entropy)",
    "2×2 VQ": "2×2 VQ (lzma file)",
    "JPEG": "JPEG, grid moved by 4 (file)",
}
curves = {}
for key in methods:
    points = [
        (file if file is not None else entropy, score)
        for name, fixed, entropy, file, score in rows_out
        if name.startswith(key)
    ]
    curves[key] = np.array(sorted(points)).T


def psnr_at(key, rate):
    """The method's PSNR at ``rate``, interpolated; NaN outside its range."""
    rates, scores = curves[key]
    if not rates[0] <= rate <= rates[-1]:
        return np.nan
    return np.interp(rate, rates, scores)


gains = {}
for rate in (0.5, 1.0):
    others = {
        key: psnr_at(key, rate) for key in methods if key != "JPEG"
    }
    best = max(
        (k for k in others if not np.isnan(others[k])), key=others.get
    )
    jpeg_rate = np.interp(
        others[best], curves["JPEG"][1], curves["JPEG"][0]
    )
    gains[rate] = psnr_at("JPEG", rate) - others[best]
    print(
        f"At {rate:.2f} bpp: JPEG {psnr_at('JPEG', rate):.2f} dB,"
        f" best other {best} {others[best]:.2f} dB:"
        f" {gains[rate]:+.2f} dB"
    )
    print(
        f"  JPEG reaches {others[best]:.2f} dB at {jpeg_rate:.3f} bpp,"
        f" {rate / jpeg_rate:.1f} times fewer bits"
    )

fig, ax = plt.subplots(figsize=(7.2, 4.8), layout="constrained")
for (key, label), marker in zip(methods.items(), "os^D"):
    ax.plot(*curves[key], marker=marker, label=label)
ax.plot(
    *np.array(jpeg["aligned"]).T,
    ":",
    color="grey",
    label="JPEG on the original grid (file)",
)
ax.set(xlim=(0, 3), ylim=(15, 55))
ax.set_title("The grey raccoon: quality against measured rate")
ax.set_xlabel("Bits per pixel (file size or index entropy)")
ax.set_ylabel("PSNR (dB)")
ax.grid(alpha=0.3)
ax.legend()
plt.show()
