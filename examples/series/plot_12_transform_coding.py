"""
==================================
Transform coding: the DCT and JPEG
==================================

The earlier pages quantized grey levels, one at a time or in small blocks, the last of
them by :ref:`product quantization
<sphx_glr_auto_examples_series_plot_11_product_quantization.py>`. JPEG quantizes something
else: it turns each 8×8 block of pixels into 64 cosine *frequencies*, quantizes those,
coarsely where the eye looks least, and entropy-codes the many zeros that result. This
page builds JPEG's lossy part in NumPy (the discrete cosine transform, the standard's
quantization table and its quality scaling, the zig-zag order) and checks it against
Pillow's encoder. It shows blocking at native pixels, counts the bits after entropy
coding, and shows why this photograph, a JPEG already, is coded on a block grid moved off
its old one.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 3

# %%
# Blocks of 8×8 pixels
# --------------------
# JPEG cuts the image into 8×8 blocks and codes each on its own. One caution first:
# this photograph was itself stored as a JPEG, on the 8×8 grid that starts at row 0 and
# column 0, and a JPEG on that same grid would meet blocks already quantized and score
# better than it should. So the page works on the 760 × 1016 crop that starts at row 4
# and column 4, whose blocks straddle the old ones; its sides are still multiples of 8,
# so two reshapes split it into blocks. The section *This raccoon was a JPEG already*,
# near the end, shows what the aligned grid would flatter. Before the transform, JPEG
# subtracts 128 from every grey level (the *level shift*), so that the values lie
# around zero. Errors are measured with the MSE and PSNR of :ref:`mse-psnr`.
import numpy as np
from scipy.datasets import face

raccoon = face(gray=True)  # 768 × 1024, a JPEG on the grid from (0, 0)
moved = raccoon[4:764, 4:1020]  # 760 × 1016, the grid moved by 4
n_pixels = moved.size


def to_blocks(image):
    """The 8×8 blocks of ``image``, shaped (rows, columns, 8, 8)."""
    height, width = image.shape
    if height % 8 or width % 8:
        raise ValueError(
            f"a {height}×{width} image does not split into 8×8"
            " blocks: crop it to multiples of 8 first"
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


shifted = to_blocks(moved - 128.0)
print(f"Raccoon: {raccoon.shape}, crop: {moved.shape}")
print(f"Blocks: {shifted.shape[:2]}, coefficients: {shifted.size}")

# %%
# The discrete cosine transform and the zig-zag order
# ---------------------------------------------------
# The two-dimensional DCT (Ahmed, Natarajan & Rao, 1974, "Discrete cosine transform")
# writes each block as a weighted sum of 64 fixed 8×8 patterns, its *basis functions*:
# products of a horizontal and a vertical cosine, from the flat pattern (frequency 0, 0)
# to a fine checkerboard (7, 7). The 64 weights are the block's *coefficients*; the
# first, the weight of the flat pattern, is called DC and the others AC. With
# ``norm="ortho"`` the transform is orthonormal: it rotates the 64-dimensional vector of
# a block, so a squared error is the same on coefficients as on pixels.
# :func:`scipy.fft.dctn` transforms all blocks at once along the two last axes.
#
# JPEG reads the coefficients in *zig-zag* order, along the anti-diagonals from low to
# high frequency, alternately up and down (ITU-T T.81, Figure 5). The figure draws the
# 64 basis functions, with that path over them.
import matplotlib.pyplot as plt
from scipy.fft import dctn, idctn

coefficients = dctn(shifted, axes=(2, 3), norm="ortho")
rows, columns = np.divmod(np.arange(64), 8)
diagonal = rows + columns
# By anti-diagonal, then down (by row) if odd, up (by column) if even.
zigzag = np.lexsort((np.where(diagonal % 2, rows, columns), diagonal))
print(f"Zig-zag order, first 10 positions: {zigzag[:10]}")

basis = idctn(np.eye(64).reshape(64, 8, 8), axes=(1, 2), norm="ortho")
mosaic = np.full((72, 72), np.nan)  # 8×8 patterns with a gap of 1
for position, pattern in enumerate(basis):
    row, column = divmod(position, 8)
    top, left = 9 * row, 9 * column
    mosaic[top : top + 8, left : left + 8] = pattern
fig, ax = plt.subplots(figsize=(7.2, 7.2), layout="constrained")
ax.imshow(mosaic, cmap="gray", interpolation="nearest")
centres = 9 * np.arange(8) + 3.5
path = centres[columns[zigzag]], centres[rows[zigzag]]
ax.plot(*path, color="tab:red")
ax.set_title("The 64 DCT basis functions and the zig-zag order")
ax.set_xticks(centres, np.arange(8))
ax.set_yticks(centres, np.arange(8))
ax.set_xlabel("Horizontal frequency")
ax.set_ylabel("Vertical frequency")

# %%
# The photograph's blocks are mostly smooth, so their energy (the mean square of each
# coefficient) gathers in the first coefficients of the zig-zag order. This *energy
# compaction* is what the transform is for: a few numbers carry most of a block.
energy = np.mean(coefficients**2, axis=(0, 1)).ravel()[zigzag]
energy_share = np.cumsum(energy) / energy.sum()
for n in (1, 6, 15):
    print(f"Energy in the first {n:2d}: {energy_share[n - 1]:.1%}")

# %%
# The DC coefficient alone carries 86 % of the energy, and the first 15 of the 64
# coefficients 99 %.
#
# JPEG's quantization table and its quality scaling
# -------------------------------------------------
# JPEG quantizes every coefficient uniformly, dividing it by a *step* and rounding, with
# one step per frequency. The standard suggests steps for luminance (ITU-T T.81, 1992,
# Annex K, Table K.1) that grow with the frequency, where the eye sees errors less;
# Wallace (1992, "The JPEG still picture compression standard") explains the choice.
# The quality setting q of the Independent JPEG Group's libjpeg, which Pillow uses,
# scales that table by 5000/q percent below quality 50 and by 200 − 2q percent from 50
# on, rounds, and clips the steps to 1..255, as baseline JPEG stores 8-bit steps.
# Quality 50 gives Table K.1 itself.
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


def jpeg_table(quality):
    """libjpeg's baseline luminance steps at ``quality``, 1 to 100."""
    if not 1 <= quality <= 100:
        raise ValueError(
            f"quality must be from 1 to 100, not {quality}"
        )
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return np.clip((TABLE_K1 * scale + 50) // 100, 1, 255)


print("Steps at quality 50 (Table K.1) and at quality 10:")
for row in np.hstack([jpeg_table(50), jpeg_table(10)]):
    print(("{:4d}" * 8 + "  |" + "{:4d}" * 8).format(*row))

# %%
# What coarse steps do to high frequencies
# ----------------------------------------
# A coefficient smaller than half its step rounds to zero. The figure sets the typical
# size of the raccoon's coefficients at each zig-zag position (the root of their mean
# square) against half the step at three qualities: where the black curve lies below a
# dashed one, that quality sets most of those coefficients to zero.
shown_qualities = (10, 50, 90)
fig, ax = plt.subplots(figsize=(7.2, 4.2), layout="constrained")
ax.semilogy(np.sqrt(energy), "k.-", label="Coefficients (RMS)")
for q in shown_qualities:
    half_steps = jpeg_table(q).ravel()[zigzag] / 2
    ax.semilogy(half_steps, "--", label=f"Half step, quality {q}")
ax.set_title("The raccoon's DCT coefficients against JPEG's steps")
ax.set_xlabel("Zig-zag position (0 = DC, 63 = finest)")
ax.set_ylabel("Grey levels (log scale)")
ax.grid(alpha=0.3)
ax.legend(loc="upper right")

# %%
# Quantizing and decoding in NumPy
# --------------------------------
# The encoder keeps the integers ``round(coefficient / step)``. The decoder multiplies
# them by the steps, applies the inverse DCT, adds 128, rounds and clips to 0..255.


def jpeg_quantize(blocks, quality):
    """The quantized DCT coefficients of level-shifted ``blocks``."""
    steps = jpeg_table(quality)
    return np.rint(dctn(blocks, axes=(2, 3), norm="ortho") / steps)


def jpeg_decode(quantized, quality):
    """The 8-bit image that the quantized coefficients stand for."""
    steps = jpeg_table(quality)
    pixels = idctn(quantized * steps, axes=(2, 3), norm="ortho") + 128
    pixels = np.clip(np.rint(from_blocks(pixels)), 0, 255)
    return pixels.astype(np.uint8)


zero_share = {}
for q in shown_qualities:
    zero_share[q] = np.mean(jpeg_quantize(shifted, q) == 0)
    print(f"Quality {q}: {zero_share[q]:.1%} of coefficients are 0")

# %%
# At quality 10, 93.7 % of the coefficients are zero, and even at quality 90 two in
# three are: runs of zeros are what the entropy coder, further down, makes cheap.
#
# Checking against Pillow's JPEG encoder
# --------------------------------------
# Pillow writes a grey image as a JPEG of one component: no colour conversion and no
# chroma, and libjpeg shifts the levels by 128 as we did. Read back, the file's tables
# are in ``Image.open(...).quantization``, row by row. We compare them with ours, and
# Pillow's decoded pixels with our decode.
import io

from PIL import Image


def pillow_jpeg(image, q, **options):
    """Pillow's JPEG of ``image``: bytes, tables, decoded pixels."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=q, **options)
    opened = Image.open(buffer)
    return buffer.getvalue(), opened.quantization, np.asarray(opened)


checked = (5, 10, 25, 50, 75, 95)
pillow = {q: pillow_jpeg(moved, q) for q in checked}
ours = {q: jpeg_decode(jpeg_quantize(shifted, q), q) for q in checked}
tables = {q: np.reshape(pillow[q][1][0], (8, 8)) for q in checked}
same = all(np.array_equal(tables[q], jpeg_table(q)) for q in checked)
print(f"Pillow's tables equal ours at qualities {checked}: {same}")
agreement, fidelity = {}, {}
print("Quality  PSNR (dB): ours vs Pillow's  Pillow's vs original")
for q in checked:
    agreement[q] = psnr(ours[q], pillow[q][2])
    fidelity[q] = psnr(pillow[q][2], moved)
    print(f"{q:7d} {agreement[q]:26.1f} {fidelity[q]:21.1f}")

# %%
# The tables are the same, and each decode scores at least 50 dB against the other,
# more than Pillow's decode scores against the original at every quality (by 8 dB at
# quality 95, by 20 dB and more at qualities 10 and 5); but they are not identical.
# libjpeg computes the DCT in integer arithmetic, so a coefficient close to a rounding
# boundary may round the other way, which changes its whole block by one step of that
# frequency; and its inverse DCT rounds differently from SciPy's floating-point one. To
# tell the two apart, we recover Pillow's quantized coefficients from its pixels, by
# transforming and rounding again (at these qualities every step is 10 or more, far more
# than the error of a decoded pixel, unless clipping to 0..255 made that error larger),
# and decode them ourselves.
for q in (5, 10, 25, 50):
    recovered = jpeg_quantize(to_blocks(pillow[q][2] - 128.0), q)
    moved_by = np.abs(recovered - jpeg_quantize(shifted, q))
    pixels = pillow[q][2].astype(int)
    error = np.abs(jpeg_decode(recovered, q) - pixels)
    n_moved = np.count_nonzero(moved_by)
    far = to_blocks(error).max(axis=(2, 3)) > 1
    print(
        f"Quality {q:2d}: {n_moved} coefficients off by"
        f" {moved_by.max():.0f}; decodes within {error.max()}"
    )
    print(f"  blocks decoded more than 1 apart: {far.sum()}")

# %%
# Fewer than a thousand of the 772160 coefficients differ, by one step each, and from the
# same coefficients the two decoders give pixels at most one grey level apart, in every
# block but one at quality 50. That block has very dark pixels at its left edge, which
# the decode puts below 0 and clips to 0: transformed back, the clipped pixels push one
# coefficient past a rounding boundary. There the recovery is wrong, not the decoder.
#
# Blocking, at native pixels
# --------------------------
# With the high frequencies gone, each block keeps a few smooth patterns, and
# neighbouring blocks no longer join up: their edges show as a grid of 8×8 tiles. The
# crop (an eye and the fur around it, 176 × 176 pixels on the block grid) is drawn at
# twice its size, each pixel a 2×2 square; the titles give the whole file's rate and
# the whole image's PSNR.
crop = (slice(400, 576), slice(480, 656))
closeups = [("Original, 8 bpp", moved)]
for q in (50, 20, 8):
    data, _, decoded = pillow_jpeg(moved, q)
    rate, score = 8 * len(data) / n_pixels, psnr(decoded, moved)
    title = f"Quality {q}: {rate:.2f} bpp, {score:.1f} dB"
    closeups.append((title, decoded))
# Each panel placed in pixels: 2 × 176 wide and high, under its title.
size, gap, top = 352, 12, 34  # panel, gap and title height
width, height = 2 * size + 3 * gap, 2 * (size + top) + gap
fig = plt.figure(figsize=(width / 100, height / 100), dpi=100)
grey = plt.Normalize(0, 255)
for i, (title, decoded) in enumerate(closeups):
    row, column = divmod(i, 2)
    left = gap + column * (size + gap)
    bottom = gap + (1 - row) * (size + top)
    x, y = left / width, bottom / height
    ax = fig.add_axes((x, y, size / width, size / height))
    shown = decoded[crop]
    ax.imshow(shown, cmap="gray", norm=grey, interpolation="nearest")
    ax.set_title(title)
    ax.set_axis_off()

# %%
# At quality 50 the crop is hard to tell from the original. At quality 20 the shading
# of the fur turns into tiles with steps at their edges, and at quality 8 the fur is a
# mosaic of 8×8 squares, some flat (only their DC term survived), some with one coarse
# stripe, and the rim of the eye rings.
#
# The rate after entropy coding
# -----------------------------
# JPEG stores the quantized coefficients with Huffman codes (Huffman, 1952, "A method
# for the construction of minimum-redundancy codes"). A block's DC is coded as its
# difference from the previous block's; each nonzero AC coefficient, in zig-zag order,
# as a symbol made of the *run* of zeros before it (0 to 15) and its *size* (the number
# of bits of its value), followed by those bits. The symbol EOB ends a block's last run
# of zeros, ZRL stands for 16 zeros. We count what an ideal code of these symbols spends
# (their entropy, plus the value bits): a Huffman code fitted to the image spends less
# than a bit per symbol more. Pillow uses the standard's example Huffman tables (T.81,
# Annex K.3), or, with ``optimize=True``, tables fitted to the image.


def entropy_bits(symbols):
    """The entropy of ``symbols`` times their number, in bits."""
    counts = np.unique(symbols, return_counts=True)[1]
    return -np.sum(counts * np.log2(counts / counts.sum()))


def jpeg_symbol_bits(quantized):
    """Bits of an ideal code of JPEG's DC and (run, size) symbols."""
    flat = quantized.reshape(-1, 64)[:, zigzag].astype(np.int64)
    dc_size = np.frexp(np.abs(np.diff(flat[:, 0], prepend=0)))[1]
    block, position = np.nonzero(flat[:, 1:])
    first = np.r_[True, block[1:] != block[:-1]]
    previous = np.where(first, -1, np.r_[-1, position[:-1]])
    run = position - previous - 1
    size = np.frexp(np.abs(flat[:, 1:][block, position]))[1]
    n_eob = np.count_nonzero(flat[:, 63] == 0)
    symbols = np.r_[16 * (run % 16) + size, [0] * n_eob]
    symbols = np.r_[symbols, [0xF0] * np.sum(run // 16)]  # ZRL
    dc_bits = entropy_bits(dc_size) + dc_size.sum()
    return dc_bits + entropy_bits(symbols) + size.sum()


rates = {"entropy": {}, "K.3 tables": {}, "fitted tables": {}}
print("Quality  entropy  file, K.3 tables  file, fitted tables (bpp)")
for q in (10, 25, 50, 75):
    bits = jpeg_symbol_bits(jpeg_quantize(shifted, q))
    fitted = pillow_jpeg(moved, q, optimize=True)[0]
    rates["entropy"][q] = bits / n_pixels
    rates["K.3 tables"][q] = 8 * len(pillow[q][0]) / n_pixels
    rates["fitted tables"][q] = 8 * len(fitted) / n_pixels
    entropy, standard, fitted = (rates[key][q] for key in rates)
    print(f"{q:7d} {entropy:8.3f} {standard:17.3f} {fitted:20.3f}")

# %%
# With fitted tables the files come within 3 % of the entropy of their symbols (the
# rest is Huffman's whole-bit code lengths and the file's headers); the
# standard's tables cost more. From here on, JPEG rates are real file sizes with
# Pillow's default, standard tables: bytes × 8 / pixels.
#
# .. _raccoon-was-a-jpeg:
#
# This raccoon was a JPEG already
# -------------------------------
# Here is why the page works on the crop from row 4, column 4. Sweep the quality on the
# whole raccoon, on the grid from (0, 0), and on the crop: on the original grid the PSNR
# leaps between qualities 60 and 70, reaches 52.66 dB at quality 80, more than the moved
# grid reaches even at quality 95, and falls at 85. The photograph was stored as a JPEG
# before, on that very block grid, at a quality close to 80: quantized again with the
# same steps, it loses almost nothing. On the grid moved by 4 pixels the PSNR rises
# steadily with the quality: that is the fair curve, the one every number above was
# computed on.
qualities = (5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95)
sweep = {"aligned": [], "moved": []}
print("Quality     on the grid      grid moved by 4")
print("           bpp      dB         bpp      dB")
for q in qualities:
    for name, image in (("aligned", raccoon), ("moved", moved)):
        data, _, decoded = pillow_jpeg(image, q)
        rate, score = 8 * len(data) / image.size, psnr(decoded, image)
        sweep[name].append((rate, score))
    last = [sweep[name][-1] for name in sweep]
    cells = (f"{rate:7.3f} {score:7.2f}" for rate, score in last)
    print(f"{q:7d}", "    ".join(cells))

# %%
# The rates of the sweep are the sizes of real files. The next page,
# :ref:`sphx_glr_auto_examples_series_plot_13_measured_rates.py`, sets the course's own
# quantizers beside JPEG, each at the rate it really reaches on this same crop, and
# finds where transform coding wins and by how much.
plt.show()
