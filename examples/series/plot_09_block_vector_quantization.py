"""
=====================================================
Quantizing blocks of pixels: true vector quantization
=====================================================

The grey pages quantized one pixel at a time: every grey level was replaced by the
nearest of a few representative levels. That is *scalar* quantization. With a code of
the same length for every pixel it cannot spend less than 1 bit on a pixel, because even
two levels need one bit to tell them apart.

This page quantizes small square *blocks* of pixels instead. A 2×2 block is a vector of
4 grey levels, a 4×4 block a vector of 16; k-means learns a few typical blocks, and every
block of the image is replaced by the nearest of them. This is vector quantization in the
full sense of the name. We compare it with a good scalar quantizer at equal rate, counted
two ways: with codes of one length, and after entropy coding, and we look at what blocks
cost: visible block edges and a table of blocks that grows exponentially with the rate.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 4

# %%
# The image and the scalar baseline
# ---------------------------------
# We use the grey raccoon of the walkthrough, 768 rows of 1024 pixels, one byte per
# pixel, and score every result by its PSNR in decibels (dB), over all pixels, as
# defined in :ref:`mse-psnr`.
#
# The scalar baseline is the best quantizer of k levels for codes of one length. As on
# the :ref:`rate-distortion page
# <sphx_glr_auto_examples_series_plot_03_rate_distortion.py>`, we find it exactly by
# dynamic programming over the histogram: the best k cells of grey levels below j are
# the best k - 1 cells below some i, plus the cell from i to j. Each level is the
# mean of its cell, rounded to an integer, and quantizing the image is one look-up in a
# table of 256 entries. We keep from 2 to 16 levels.
import numpy as np
from scipy.datasets import face

raccoon = face(gray=True)
n_pixels = raccoon.size
print(f"Shape of the image: {raccoon.shape}, {n_pixels} pixels")


def psnr(original, quantized):
    """Peak signal-to-noise ratio of ``quantized``, in dB."""
    error = original.astype(np.float64) - quantized
    return 10 * np.log10(255**2 / np.mean(error**2))


greys = np.arange(256)
counts = np.bincount(raccoon.ravel(), minlength=256)
# Sums of counts, of counts × grey and of counts × grey² below each
# grey level: the squared error of any cell in three subtractions.
w, s1, s2 = (
    np.append(0, np.cumsum(counts * greys**p)) for p in (0, 1, 2)
)
start, stop = np.meshgrid(np.arange(257), np.arange(257), indexing="ij")
cell_pixels = np.maximum(w[stop] - w[start], 1)
cell_error = (
    s2[stop] - s2[start] - (s1[stop] - s1[start]) ** 2 / cell_pixels
)
cell_error[stop <= start] = np.inf  # no empty cells


def scalar_levels(k):
    """The ``k`` levels of least squared error, rounded to integers."""
    error, choices = cell_error[0], []
    for _ in range(k - 1):
        candidates = error[:, None] + cell_error
        choices.append(candidates.argmin(axis=0))
        error = candidates.min(axis=0)
    edges = [256]
    for choice in reversed(choices):
        edges.insert(0, choice[edges[0]])
    edges = np.array([0, *edges])
    sums, sizes = np.diff(s1[edges]), np.diff(w[edges])
    return np.rint(sums / sizes).astype(np.uint8)


scalar = {}
for k in range(2, 17):
    levels = scalar_levels(k)
    lookup = np.abs(greys[:, None] - levels.astype(int)).argmin(axis=1)
    indices = lookup[raccoon].astype(np.uint8)
    scalar[k] = dict(
        levels=levels, indices=indices, image=levels[indices]
    )
    scalar[k]["psnr"] = psnr(raccoon, scalar[k]["image"])
for k in (2, 4, 8, 16):
    print(f"Scalar, {k:2d} levels: PSNR {scalar[k]['psnr']:.2f} dB")

# %%
# Why blocks can do better
# ------------------------
# Neighbouring pixels are rarely independent: a pixel is usually close to the one next
# to it. Take the image as pairs of horizontal neighbours and draw each pair as a point,
# the left pixel's grey level against the right one's. Scalar quantization with 4 levels
# gives each pixel of a pair one of 4 levels: the pair takes one of 16 values on a grid.
# K-means on the *pairs* can also pick 16 points, 4 bits per pair like the grid, but it
# puts them where the pairs are.
from sklearn.cluster import KMeans
from sklearn.metrics import pairwise_distances_argmin

pairs = raccoon.reshape(-1, 2).astype(np.float64)
rng = np.random.default_rng(0)
pair_sample = pairs[rng.choice(len(pairs), size=10_000, replace=False)]
pair_kmeans = KMeans(n_clusters=16, n_init=1, random_state=0)
pair_codebook = np.rint(pair_kmeans.fit(pair_sample).cluster_centers_)
left, right = np.meshgrid(scalar[4]["levels"], scalar[4]["levels"])
pair_grid = np.column_stack([left.ravel(), right.ravel()])

pair_share = {}
pair_points = {"Scalar grid": pair_grid, "K-means": pair_codebook}
for name, points in pair_points.items():
    nearest = pairwise_distances_argmin(pairs, points)
    image = points[nearest].reshape(raccoon.shape)
    share = np.bincount(nearest, minlength=16) / len(pairs)
    pair_share[name] = share
    print(
        f"{name}: {psnr(raccoon, image):.2f} dB; busiest point "
        f"{share.max():.1%} of pairs; {np.sum(share < 0.001)} points "
        "under 0.1%"
    )

# %%
import matplotlib.pyplot as plt
from matplotlib.colors import LogNorm

fig, ax = plt.subplots(figsize=(7.2, 6.2), layout="constrained")
edges = np.arange(257) - 0.5
greys_norm = {"cmap": "Greys", "norm": LogNorm()}
*_, pair_counts = ax.hist2d(*pairs.T, [edges, edges], **greys_norm)
fig.colorbar(pair_counts, ax=ax, label="Number of pairs")
for points, style, label in [
    (pair_grid, "s", "Scalar: 4 levels × 4 levels"),
    (pair_codebook, "o", "K-means on pairs: 16 points"),
]:
    ax.plot(*points.T, style, markersize=8, label=label)
ax.set_aspect("equal")
ax.set_title("Pairs of neighbouring pixels, 16 points for them")
ax.set_xlabel("Grey level of the left pixel")
ax.set_ylabel("Grey level of the right pixel")
ax.legend(loc="upper left")

# %%
# The pairs crowd along the diagonal, where both pixels are alike. Several points of
# the scalar grid stand for combinations, a dark pixel next to a light one, that hardly
# ever occur. The k-means points all lie along the diagonal and share the work more
# evenly: same number of points, smaller error.
#
# Cutting the image into blocks
# -----------------------------
# A reshape cuts the image into b×b blocks, one row of :math:`b^2` grey levels each,
# read row by row; merging undoes it.


def split_blocks(image, b):
    """The ``b``×``b`` blocks of ``image``, one per row."""
    height, width = image.shape
    blocks = image.reshape(height // b, b, width // b, b)
    return blocks.transpose(0, 2, 1, 3).reshape(-1, b * b)


def merge_blocks(blocks, b, shape):
    """The image made of ``blocks`` (undoes ``split_blocks``)."""
    height, width = shape
    image = blocks.reshape(height // b, width // b, b, b)
    return image.transpose(0, 2, 1, 3).reshape(height, width)


# %%
# Learning a codebook
# -------------------
# The k typical blocks are the *codebook*, each of them a *codeword*. K-means on vectors
# is the algorithm of Linde, Buzo and Gray ("An algorithm for vector quantizer design",
# 1980), Lloyd's algorithm in many dimensions. Here it learns from 10000 blocks drawn at
# random, with one start and at most 50 iterations, and the codewords are rounded to
# integers. Every block of the image is then *encoded* as the index of its nearest
# codeword, and *decoded* back to that codeword.


def block_vq(image, b, k, seed=0):
    """Learn ``k`` codewords of ``b``×``b`` pixels; encode the image."""
    blocks = split_blocks(image, b).astype(np.float64)
    rng = np.random.default_rng(seed)
    sample = blocks[rng.choice(len(blocks), 10_000, replace=False)]
    kmeans = KMeans(k, n_init=1, max_iter=50, random_state=seed)
    codebook = np.rint(kmeans.fit(sample).cluster_centers_)
    codes = pairwise_distances_argmin(blocks, codebook)
    return codebook.astype(np.uint8), codes.astype(np.uint8)


vq = {}
for b in (2, 4):
    for k in (2, 4, 16, 64, 256):
        codebook, codes = block_vq(raccoon, b, k)
        image = merge_blocks(codebook[codes], b, raccoon.shape)
        vq[b, k] = dict(codebook=codebook, indices=codes, image=image)
        vq[b, k]["psnr"] = psnr(raccoon, image)

# %%
# Here are the 16 codewords of 4×4 pixels, the most used first. Most are flat blocks of
# one grey; the others are gradients and edges in a few directions. With 16 words to
# describe a photograph, k-means spends most of them on brightness, a few on shape.
usage = np.bincount(vq[4, 16]["indices"]) / (n_pixels // 16)
fig, axes = plt.subplots(2, 8, figsize=(7.2, 2.4), layout="constrained")
for ax, index in zip(axes.ravel(), np.argsort(usage)[::-1]):
    codeword = vq[4, 16]["codebook"][index].reshape(4, 4)
    ax.imshow(codeword, cmap="gray", vmin=0, vmax=255)
    ax.set_title(f"{usage[index]:.1%}", fontsize=9)
    ax.set_axis_off()
fig.suptitle("The 16 codewords of 4×4 pixels and their share of blocks")

# %%
# Two ways to count the rate
# --------------------------
# With k codewords an index fits in :math:`\log_2 k` bits and stands for the
# :math:`b^2` pixels of its block: the *fixed-length rate* is
# :math:`\log_2 k / b^2` bits per pixel (bpp), and :math:`\log_2 k` for a scalar
# quantizer of k levels. But frequent indices can get shorter codes. The *index
# entropy* (Shannon's, in bits per index, divided by the pixels per index) is the rate
# of the best code that looks at one index at a time. A real compressor also uses the
# context: we store the indices, one byte each in image order, with :mod:`lzma`, add
# the codebook's (or the levels') bytes, and count bits per pixel of the result.
import lzma


def entropy(indices):
    """Shannon entropy of ``indices``, in bits per index."""
    p = np.bincount(indices.ravel()) / indices.size
    p = p[p > 0]
    return -np.sum(p * np.log2(p))


def add_rates(result, k, pixels_per_index, table_bytes):
    indices = result["indices"]
    result["fixed"] = np.log2(k) / pixels_per_index
    result["entropy"] = entropy(indices) / pixels_per_index
    stored = len(lzma.compress(indices.tobytes())) + table_bytes
    result["bytes"] = stored
    result["lzma"] = 8 * stored / n_pixels


for k, result in scalar.items():
    add_rates(result, k, 1, k)
for (b, k), result in vq.items():
    add_rates(result, k, b * b, result["codebook"].nbytes)

print("quantizer       fixed  entropy   lzma   PSNR  (bpp, dB)")
rows = [(f"scalar, {k}", scalar[k]) for k in (2, 3, 4, 8, 16)]
rows += [(f"{b}×{b}, {k}", vq[b, k]) for (b, k) in vq]
for name, r in rows:
    print(
        f"{name:<14} {r['fixed']:6.3f}  {r['entropy']:7.3f}  "
        f"{r['lzma']:5.3f}  {r['psnr']:5.2f}"
    )

# %%
# Entropy coding changes the picture for scalar quantization: its indices, one per
# pixel, are as correlated as the pixels, and lzma finds that. The 2-level image, which
# needs 1 bpp with codes of one length, takes less than 0.4 bpp. As a palette PNG, the
# format of the :ref:`page on memory
# <sphx_glr_auto_examples_series_plot_02_saving_memory.py>`, it takes about as much:
import io

from PIL import Image

two_levels = Image.fromarray(scalar[2]["indices"] * 255).convert("1")
png_file = io.BytesIO()
two_levels.save(png_file, format="PNG", optimize=True)
png_rate = 8 * png_file.tell() / n_pixels
print(f"2 levels as a 1-bit PNG: {png_rate:.3f} bpp")

# %%
# So the 1 bpp floor of scalar quantization belongs to codes of one length only.
#
# Quality against rate
# --------------------
# The same quantizers at their fixed-length rate (above) and their lzma rate (below).
# Scalar quantizers have 2 to 16 levels.
fig, axes = plt.subplots(2, 1, figsize=(7.2, 8), layout="constrained")
for ax, rate, title, right in [
    (axes[0], "fixed", "Fixed-length codes", 4.1),
    (axes[1], "lzma", "Indices and codebook compressed with lzma", 2),
]:
    curves = [("Scalar", list(scalar.values()))]
    curves += [
        (f"{b}×{b} blocks", [vq[b, k] for k in (2, 4, 16, 64, 256)])
        for b in (2, 4)
    ]
    for label, results in curves:
        x = [r[rate] for r in results]
        ax.plot(
            x, [r["psnr"] for r in results], "o-", ms=4, label=label
        )
    ax.set_title(title)
    ax.set_xlabel("Rate (bits per pixel)")
    ax.set_ylabel("PSNR (dB)")
    ax.set(xlim=(0, right), ylim=(17, 37))
    ax.grid(alpha=0.3)
axes[0].legend(loc="lower right")

# %%
# At equal rate
# -------------
# To compare at exactly the same rate, we need the scalar quantizer between two of its
# points. Quantizing part of the image with one and the rest with the other reaches any
# rate in between, with the MSE in between in the same proportion (for lzma, nearly
# so): we interpolate the scalar MSE linearly in rate and convert it to PSNR.


scalar_mse = np.array(
    [255**2 / 10 ** (r["psnr"] / 10) for r in scalar.values()]
)


def scalar_psnr_at(rate, kind):
    """PSNR of scalar quantizers mixed to reach ``rate`` (or NaN)."""
    rates = np.array([r[kind] for r in scalar.values()])  # increasing
    mse = np.interp(rate, rates, scalar_mse, left=np.nan, right=np.nan)
    return 10 * np.log10(255**2 / mse)


gains = {}
for kind in ("fixed", "entropy", "lzma"):
    for key in [(2, 16), (2, 64), (2, 256), (4, 256)]:
        r = vq[key]
        if np.isnan(scalar_psnr_at(r[kind], kind)):
            continue  # no scalar quantizer at that rate
        gains[kind, key] = r["psnr"] - scalar_psnr_at(r[kind], kind)
        print(
            f"{kind:>7}: {key[0]}×{key[0]}, {key[1]:3d} at {r[kind]:.3f} "
            f"bpp, gain {gains[kind, key]:5.2f} dB"
        )

# %%
# With codes of one length, blocks win by about 10 dB, at 1, 1.5 and 2 bpp, and alone
# reach below 1 bpp. The index entropy lowers both rates a little and keeps the gain.
# Against lzma, which uses the context of each index, the gain of 2×2 blocks falls
# from 5.9 dB at 0.59 bpp to 1.7 dB at 1.47 bpp: lzma takes back much of what the
# scalar quantizer leaves between neighbours. Read straight off the table, 2×2 blocks
# with 16 codewords give 28.5 dB at 0.59 bpp where 4 levels give 24.3 dB at 0.68 bpp,
# about 4 dB better with fewer bits. Larger blocks keep more: 4×4 blocks with 256
# codewords gain 9.2 dB at 0.43 bpp.
#
# Where the advantage comes from
# ------------------------------
# The pairs above show one source of the gain, the correlation of neighbours. It is not
# the only one. Lookabaugh and Gray ("High-resolution quantization theory and the vector
# quantizer advantage", IEEE Transactions on Information Theory, 1989) split the gain of
# vector over scalar quantization at high rate into three. The *memory* advantage comes
# from dependence between the pixels of a block. The *shape* advantage comes from the
# shape of the density: codewords can follow it in many dimensions. The *space-filling*
# advantage remains even for independent, uniform pixels: squares tile the plane
# worse than hexagons, and in many dimensions there are cells rounder still, up to
# :math:`10 \log_{10}(\pi e / 6)` dB in the limit. The gain of a cell is the
# normalized second moment of a cube, 1/12, over its own: :math:`5 / (36 \sqrt 3)`
# for the hexagon, 0.0766 for the best known cell in 4 dimensions (the lattice
# :math:`D_4`), the dimension of 2×2 blocks:
for cell, moment in [
    ("hexagon", 5 / (36 * np.sqrt(3))),
    ("D4", 0.076603),
]:
    print(
        f"Space-filling gain, {cell}: {10 * np.log10(1 / 12 / moment):.2f} dB"
    )
print(
    f"Space-filling gain, limit: {10 * np.log10(np.pi * np.e / 6):.2f} dB"
)

# %%
# So of the 10 dB that 2×2 blocks gain here with codes of one length, less than half a
# decibel can be space filling; the rest is the shape and memory advantages, the
# dependence the pairs figure shows. A compressor that looks at the context of each
# index recovers part of the memory advantage without blocks: that is why the gain
# shrinks after lzma.
#
# Looking at the blocks
# ---------------------
# PSNR says nothing about *how* an image is wrong. Here are 88×88 pixels around the
# raccoon's eye, each pixel drawn as 4×4 pixels of the figure, first the original next
# to 4×4 blocks with 16 codewords, a quarter of a bit per pixel.
crop = (slice(276, 364), slice(536, 624))
native = {"interpolation": "nearest"}  # squares, not blurs


def show_closeups(panels):
    """Crops side by side, two a row, 4 figure pixels per pixel."""
    side, margin, title = 352, 10, 44  # in figure pixels
    nrows = len(panels) // 2
    width = 3 * margin + 2 * side
    height = margin + nrows * (title + side)
    fig, axes = plt.subplots(
        nrows, 2, figsize=(width / 100, height / 100), dpi=100
    )
    fig.subplots_adjust(
        left=margin / width,
        right=1 - margin / width,
        bottom=margin / height,
        top=1 - title / height,
        wspace=margin / side,
        hspace=title / side,
    )
    for ax, (name, result) in zip(axes.ravel(), panels):
        image = raccoon if result is None else result["image"]
        ax.imshow(image[crop], cmap="gray", vmin=0, vmax=255, **native)
        if result is not None:
            name += (
                f"\n{result['fixed']:.2f} bpp fixed, "
                f"{result['lzma']:.2f} lzma, {result['psnr']:.1f} dB"
            )
        ax.set_title(name, fontsize=10)
        ax.set_axis_off()


show_closeups(
    [("Original, 8 bpp", None), ("4×4 blocks, 16 codewords", vq[4, 16])]
)

# %%
# The eye is a mosaic of tiles: each block is replaced on its own, by a codeword that
# knows nothing of its neighbours, and the steps between blocks are not in the
# photograph. Eyes spot such a regular grid easily. Below, at about the same lzma rate,
# 4 levels and 2×2 blocks with 16 codewords fail differently: flat bands on one side,
# small tiles that keep the shading on the other.
show_closeups(
    [
        ("Scalar, 2 levels", scalar[2]),
        ("Scalar, 4 levels", scalar[4]),
        ("2×2 blocks, 16 codewords", vq[2, 16]),
        ("4×4 blocks, 256 codewords", vq[4, 256]),
    ]
)

# %%
# What blocks cost
# ----------------
# To spend R bits on each of the :math:`b^2` pixels of a block with codes of one
# length, a codebook needs :math:`k = 2^{R b^2}` codewords of :math:`b^2` bytes:
for b, rate in [(4, 1), (2, 3)]:
    k_needed = 2 ** (rate * b**2)
    print(
        f"{b}×{b} at {rate} bpp: {k_needed} codewords, {k_needed * b**2} "
        f"bytes, {n_pixels // b**2 / k_needed:.2f} blocks per codeword"
    )

# %%
# With 4×4 blocks, 1 bpp needs more codewords than the image has blocks and a
# codebook larger than the image's 786432 bytes. Encoding compares each block with all
# k codewords, k operations per pixel, where scalar quantization is one look-up. The
# :ref:`next page <sphx_glr_auto_examples_series_plot_10_residual_quantization.py>`
# gets past that wall with several small codebooks.
#
# In short, on this image:
#
# * With codes of one length, **blocks win by about 10 dB** at equal rate, and alone
#   reach below 1 bpp: 4×4 blocks at 0.25 bpp match 4 levels at 2 bpp.
# * **After lzma the gain falls with the rate**, from 5.9 to 1.7 dB for 2×2 blocks,
#   and the 1 bpp floor is gone: 2 levels take 0.38 bpp.
# * **Blocks cost** a visible grid of tiles and a codebook that grows exponentially
#   with the rate. The codecs in use :ref:`transform each block
#   <sphx_glr_auto_examples_series_plot_12_transform_coding.py>` instead, and quantize
#   the transformed numbers one at a time;
#   :ref:`sphx_glr_auto_examples_series_plot_13_measured_rates.py` sets these blocks
#   beside JPEG at the rates their files take.

plt.show()
