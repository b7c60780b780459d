"""
=====================================================
Quantizing blocks of pixels: true vector quantization
=====================================================

The walkthrough quantized one pixel at a time: every grey level was replaced by the
nearest of a few representative levels. That is *scalar* quantization, and it cannot
spend less than 1 bit on a pixel, because even two levels need one bit to tell them
apart.

This page quantizes small square *blocks* of pixels instead. A 2×2 block is a vector of
4 grey levels, a 4×4 block a vector of 16; k-means learns a few typical blocks, and every
block of the image is replaced by the nearest of them. This is vector quantization in the
full sense of the name. We compare it with a good scalar quantizer at the same number
of bits per pixel, go below 1 bit per pixel where scalar quantization cannot follow, and
look at what block quantization costs: visible block edges, a table of blocks to store,
and rates it cannot reach in practice.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 3

# %%
# Loading the image and measuring the error
# -----------------------------------------
# We use the same grey raccoon as the walkthrough: 768 rows of 1024 pixels, one byte
# per pixel.
#
# To compare quantizers we need a number for "how far is the quantized image from the
# original?". The *mean squared error* (MSE) is the average, over all pixels, of the
# squared difference between the original grey level and the quantized one. Image
# processing usually quotes the *peak signal-to-noise ratio* (PSNR) instead,
#
# .. math:: \mathrm{PSNR} = 10 \log_{10} \frac{255^2}{\mathrm{MSE}}
#
# in decibels (dB), where 255 is the largest possible grey level. Higher is better; a
# PSNR 10 dB higher means an MSE 10 times smaller.
import numpy as np
from scipy.datasets import face

raccoon = face(gray=True)
n_pixels = raccoon.size
print(f"Shape of the image: {raccoon.shape}, {n_pixels} pixels")


def psnr(original, quantized):
    """Peak signal-to-noise ratio of ``quantized`` against ``original``, in dB."""
    error = original.astype(np.float64) - quantized.astype(np.float64)
    return 10 * np.log10(255**2 / np.mean(error**2))


# %%
# The scalar baseline
# -------------------
# A scalar quantizer with :math:`2^n` grey levels stores an :math:`n`-bit number per
# pixel: the *rate* is :math:`n` bits per pixel (bpp). The original image is at 8 bpp.
#
# As in the walkthrough we place the levels with k-means, which minimizes the MSE for a
# given number of levels (up to the usual local minima). Rather than handing k-means all
# 786432 pixels, we hand it the 256 possible grey levels, each weighted by the number of
# pixels at that level: it is the same problem, and it is solved in milliseconds. Every
# pixel is then replaced by the centre of its cluster, which is the mean grey level of
# the pixels in it, rounded to an integer so that the result is again an 8-bit image.
# The table from grey level to quantized level has only 256 entries, so we compute it
# once and index it with the image.
#
# The k-means fits and nearest-codeword searches of this page are small, so we run them
# on one thread, with threadpoolctl (which scikit-learn installs): sharing a small
# problem among threads gains little, and on a busy machine the threads wait for each
# other. One thread also makes the codebooks the same on every machine.
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

grey_levels, pixel_counts = np.unique(raccoon, return_counts=True)

scalar = {}
for bits in (1, 2, 3, 4):
    levels_kmeans = KMeans(n_clusters=2**bits, n_init=10, random_state=0)
    with threadpool_limits(limits=1):
        levels_kmeans.fit(grey_levels.reshape(-1, 1), sample_weight=pixel_counts)
    levels = np.sort(np.rint(levels_kmeans.cluster_centers_.ravel())).astype(np.uint8)
    # For each of the 256 grey levels, the nearest of the quantized levels.
    all_greys = np.arange(256).reshape(-1, 1)
    nearest = np.abs(all_greys - levels.astype(int)).argmin(axis=1)
    image = levels[nearest][raccoon]
    scalar[bits] = {"levels": levels, "image": image, "rate": bits, "psnr": psnr(raccoon, image)}
    print(f"Scalar, {2**bits:2d} levels: {bits} bpp, PSNR {scalar[bits]['psnr']:.2f} dB")

# %%
# Each extra bit per pixel buys about 6 dB. In the other direction there is a floor: the
# smallest rate is 1 bpp, two grey levels, a two-tone poster of the raccoon.
#
# Why blocks can do better
# ------------------------
# Neighbouring pixels are rarely independent: a pixel is usually close to the one next
# to it. Take the image as pairs of horizontal neighbours (columns 0 and 1, 2 and 3, ...)
# and draw each pair as a point, the left pixel's grey level against the right one's.
# With 2 bits per pixel, scalar quantization gives each pixel of the pair 4 levels: the
# pair can take one of :math:`4 \times 4 = 16` values, a grid. K-means on the *pairs*
# can also pick 16 points, which still costs :math:`\log_2 16 = 4` bits per pair, 2
# bits per pixel, but it puts them where the pairs are.
from sklearn.metrics import pairwise_distances_argmin

pairs = raccoon.reshape(-1, 2)
rng = np.random.default_rng(0)
pair_sample = pairs[rng.choice(len(pairs), size=10_000, replace=False)]
with threadpool_limits(limits=1):
    pair_kmeans = KMeans(n_clusters=16, n_init=1, random_state=0)
    pair_kmeans.fit(pair_sample.astype(np.float64))
pair_codebook = np.rint(pair_kmeans.cluster_centers_).astype(np.uint8)
left, right = np.meshgrid(scalar[2]["levels"], scalar[2]["levels"])
pair_grid = np.column_stack([left.ravel(), right.ravel()])


def quantize_pairs(points):
    """Replace every pair by its nearest point; return the image and each point's share."""
    with threadpool_limits(limits=1):
        nearest = pairwise_distances_argmin(pairs.astype(np.float64), points.astype(np.float64))
    share = np.bincount(nearest, minlength=len(points)) / len(pairs)
    return points[nearest].reshape(raccoon.shape), share


grid_image, grid_share = quantize_pairs(pair_grid)
pair_image, pair_share = quantize_pairs(pair_codebook)
# On a grid, the nearest point of a pair is made of the nearest level of each pixel.
assert np.array_equal(grid_image, scalar[2]["image"])
assert psnr(raccoon, pair_image) > psnr(raccoon, grid_image)
for name, image, share in [
    ("Scalar grid", grid_image, grid_share),
    ("K-means pairs", pair_image, pair_share),
]:
    print(
        f"{name}: PSNR {psnr(raccoon, image):.2f} dB; the busiest point stands for "
        f"{share.max():.1%} of the pairs, and {np.sum(share < 0.001)} of the 16 points "
        f"for under 0.1% each"
    )

# %%
import matplotlib.pyplot as plt
from matplotlib.colors import LogNorm

fig, ax = plt.subplots(figsize=(6.5, 5.5), layout="constrained")
edges = np.arange(257) - 0.5
*_, counts_image = ax.hist2d(
    pairs[:, 0], pairs[:, 1], bins=[edges, edges], cmap="Greys", norm=LogNorm()
)
fig.colorbar(counts_image, ax=ax, label="Number of pairs")
ax.plot(
    pair_grid[:, 0],
    pair_grid[:, 1],
    "s",
    color="tab:orange",
    markersize=8,
    label="Scalar: 4 levels × 4 levels",
)
ax.plot(
    pair_codebook[:, 0],
    pair_codebook[:, 1],
    "o",
    color="tab:blue",
    markersize=8,
    label="K-means on pairs: 16 points",
)
ax.set_aspect("equal")
ax.set_title("Pairs of neighbouring pixels and 16 ways to represent them (2 bpp)")
ax.set_xlabel("Grey level of the left pixel")
ax.set_ylabel("Grey level of the right pixel")
ax.legend(loc="upper left")

# %%
# The pairs crowd along the diagonal, where both pixels are alike. The scalar grid
# ignores that: the points far from the diagonal stand for combinations, a dark pixel
# next to a light one, that hardly ever occur, so several of its 16 points are almost
# never used, while the few points on the diagonal each have to stand for a large share
# of the image. The k-means points all lie along the diagonal, packed more densely
# where the pairs are, and share the work more evenly. Same number of points, same
# rate, a smaller error: that is the whole advantage of quantizing vectors rather than
# numbers. Larger blocks have more correlated pixels to exploit.
#
# Cutting the image into blocks
# -----------------------------
# To cut the image into non-overlapping b×b blocks without a loop, we reshape the
# 768×1024 array to (768/b, b, 1024/b, b): block row, row inside the block, block
# column, column inside the block. Swapping the two middle axes puts the two block
# indices first, and a last reshape flattens every block into a row of :math:`b^2`
# grey levels, read row by row. Merging undoes the three steps in reverse order. Both
# sizes, 2 and 4, divide 768 and 1024 exactly.


def split_blocks(image, b):
    """The ``b``×``b`` blocks of ``image``, one per row, each flattened row by row."""
    height, width = image.shape
    blocks = image.reshape(height // b, b, width // b, b).transpose(0, 2, 1, 3)
    return blocks.reshape(-1, b * b)


def merge_blocks(blocks, b, shape):
    """The image of the given ``shape`` made of ``blocks`` (the inverse of ``split_blocks``)."""
    height, width = shape
    image = blocks.reshape(height // b, width // b, b, b).transpose(0, 2, 1, 3)
    return image.reshape(height, width)


for b in (2, 4):
    blocks = split_blocks(raccoon, b)
    print(f"{b}×{b} blocks: {blocks.shape[0]} vectors of {blocks.shape[1]} grey levels")
    assert np.array_equal(merge_blocks(blocks, b, raccoon.shape), raccoon)


# %%
# Learning a codebook
# -------------------
# The k typical blocks are the *codebook*, each of them a *codeword*. K-means finds
# them; to keep this page fast it learns from 10000 blocks drawn at random, with a
# single initialization, at most 50 iterations and a fixed seed. The codewords are
# rounded to integers, so the codebook is a table of k × b² bytes and the result an
# ordinary 8-bit image.
#
# Then every block of the image, not just the sample, is *encoded*: replaced by the
# index of its nearest codeword, the one at the smallest Euclidean distance, which
# :func:`~sklearn.metrics.pairwise_distances_argmin` finds for all blocks at once. To
# look at the result, each index is *decoded* back to its codeword and the blocks are
# merged into an image.
#
# With k codewords, k a power of two, an index takes :math:`\log_2 k` bits, and it
# stands for the :math:`b^2` pixels of its block. The rate is therefore
#
# .. math:: \text{rate} = \frac{\log_2 k}{b^2} \text{ bits per pixel.}
#
# That counts the indices only. The decoder also needs the codebook, k × b² bytes of 8
# bits; we count it separately, spread over all the pixels of the image. (All rates on
# this page are for fixed-length codes, every index taking the same number of bits;
# giving frequent indices shorter codes would lower the rates of both methods.)
def block_vq(image, b, k, n_sample=10_000, seed=0):
    """Learn ``k`` codewords from a sample of ``b``×``b`` blocks; encode every block."""
    blocks = split_blocks(image, b)
    rng = np.random.default_rng(seed)
    sample = blocks[rng.choice(len(blocks), size=n_sample, replace=False)]
    kmeans = KMeans(n_clusters=k, n_init=1, max_iter=50, random_state=seed)
    with threadpool_limits(limits=1):
        kmeans.fit(sample.astype(np.float64))
        codebook = np.rint(kmeans.cluster_centers_).astype(np.uint8)
        codes = pairwise_distances_argmin(blocks.astype(np.float64), codebook.astype(np.float64))
    return codebook, codes


vq = {}
for b in (2, 4):
    for k in (2, 4, 16, 64, 256):
        codebook, codes = block_vq(raccoon, b, k)
        image = merge_blocks(codebook[codes], b, raccoon.shape)
        rate = np.log2(k) / b**2
        codebook_bits = codebook.size * 8
        vq[b, k] = {
            "codebook": codebook,
            "codes": codes,
            "image": image,
            "rate": rate,
            "rate_with_codebook": rate + codebook_bits / n_pixels,
            "psnr": psnr(raccoon, image),
        }

print("blocks  codewords  bpp (indices)  bpp (with codebook)  PSNR (dB)")
for (b, k), result in vq.items():
    print(
        f"{b}×{b}     {k:9d}  {result['rate']:13.4f}  "
        f"{result['rate_with_codebook']:19.4f}  {result['psnr']:9.2f}"
    )

# %%
# What does a codebook look like? Here are the 16 codewords of the 4×4 quantizer, the
# most used first, each with the share of the image's blocks that it replaces.
codebook_4x4 = vq[4, 16]["codebook"]
usage = np.bincount(vq[4, 16]["codes"], minlength=16) / len(vq[4, 16]["codes"])
fig, axes = plt.subplots(2, 8, figsize=(10, 3.2))
# Fixed margins, quicker than a layout engine, which draws a figure twice to measure it.
fig.subplots_adjust(left=0.005, right=0.995, bottom=0.013, top=0.875, wspace=0.07, hspace=0.15)
for ax, index in zip(axes.ravel(), np.argsort(usage)[::-1]):
    ax.imshow(codebook_4x4[index].reshape(4, 4), cmap="gray", vmin=0, vmax=255)
    ax.set_title(f"{usage[index]:.1%} of blocks", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("The 16 codewords of the 4×4 quantizer (0.25 bpp), 4×4 pixels each")

# %%
# Most codewords are flat blocks of one grey, spread over the range of grey levels;
# the others are gradients and edges, dark on one side and light on the other, in a
# few directions. With only 16 words to describe a photograph, k-means spends most of
# them on brightness and a few on shape.
#
# Quality against rate
# --------------------
# Now the comparison. Each curve joins one quantizer at increasing rates; the dashed
# lines move the block quantizers to the right by the cost of their codebook.
fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
ax.plot(
    [scalar[bits]["rate"] for bits in scalar],
    [scalar[bits]["psnr"] for bits in scalar],
    "s-",
    color="tab:orange",
    label="Scalar (one pixel at a time)",
)
for b, color in [(2, "tab:blue"), (4, "tab:green")]:
    results = [result for (size, _), result in vq.items() if size == b]
    quality = [result["psnr"] for result in results]
    ax.plot(
        [result["rate"] for result in results],
        quality,
        "o-",
        color=color,
        label=f"{b}×{b} blocks, 2 to 256 codewords",
    )
    ax.plot(
        [result["rate_with_codebook"] for result in results],
        quality,
        "o--",
        color=color,
        alpha=0.5,
        markerfacecolor="none",
        label=f"{b}×{b} blocks, codebook counted",
    )
ax.axvline(1, color="grey", linewidth=0.8, linestyle=":")
ax.annotate(
    "scalar quantization\nstarts here",
    xy=(1, 0.03),
    xycoords=("data", "axes fraction"),
    xytext=(4, 0),
    textcoords="offset points",
    color="grey",
)
ax.set_xlabel("Rate (bits per pixel)")
ax.set_ylabel("PSNR (dB)")
ax.set_title("Quality against rate: scalar and block quantization")
ax.grid(alpha=0.3)
ax.legend(loc="lower right")

# %%
# At equal rate, block quantization wins by a wide margin wherever both exist:
for rate, b, k in [(1, 2, 16), (2, 2, 256)]:
    gain = vq[b, k]["psnr"] - scalar[rate]["psnr"]
    print(
        f"At {rate} bpp: {b}×{b} blocks {vq[b, k]['psnr']:.2f} dB, "
        f"scalar {scalar[rate]['psnr']:.2f} dB, gain {gain:.2f} dB"
    )
    assert gain > 5

# %%
# and it reaches rates that scalar quantization cannot: below 1 bpp. With 4×4 blocks
# and only 16 codewords, a quarter of a bit per pixel, it is as good as scalar
# quantization at 2 bpp, with 8 times fewer bits:
print(f"4×4 blocks, 16 codewords, {vq[4, 16]['rate']} bpp: {vq[4, 16]['psnr']:.2f} dB")
print(f"Scalar, 4 levels, {scalar[2]['rate']} bpp: {scalar[2]['psnr']:.2f} dB")
assert vq[4, 16]["psnr"] > scalar[2]["psnr"]

# %%
# Larger blocks are better at a given rate (the 4×4 curve lies above the 2×2 one where
# they overlap, from 0.25 to 0.5 bpp), but each block size stops early: with at most
# 256 codewords, 2×2 blocks end at 2 bpp and 4×4 blocks at 0.5 bpp. The codebook's own
# bytes move the points only a little, because even 256 codewords of 16 bytes are small
# next to the indices of a whole image:
codebook_costs = {key: result["rate_with_codebook"] - result["rate"] for key, result in vq.items()}
(b, k), cost = max(codebook_costs.items(), key=lambda item: item[1])
print(
    f"Largest codebook cost: {cost:.4f} bpp ({b}×{b} blocks, {k} codewords), "
    f"{cost / vq[b, k]['rate']:.1%} of the rate of its indices"
)

# %%
# The codebook would not stay that small at higher rates, as the last section shows.
#
# Looking at the images
# ---------------------
# PSNR says nothing about *how* an image is wrong. Here are the full images and a
# 128×128 crop around the raccoon's eye (framed in orange), enlarged so that each pixel
# shows, for the scalar quantizer at 2 and 1 bpp and the block quantizers at 1 and 0.25
# bpp.
crop = (slice(256, 384), slice(512, 640))
shown = [
    ("Original, 8 bpp", raccoon),
    (f"Scalar, 2 bpp\n{scalar[2]['psnr']:.1f} dB", scalar[2]["image"]),
    (f"Scalar, 1 bpp\n{scalar[1]['psnr']:.1f} dB", scalar[1]["image"]),
    (f"2×2 blocks, 1 bpp\n{vq[2, 16]['psnr']:.1f} dB", vq[2, 16]["image"]),
    (f"4×4 blocks, 0.25 bpp\n{vq[4, 16]['psnr']:.1f} dB", vq[4, 16]["image"]),
]
fig, axes = plt.subplots(2, 5, figsize=(12, 5), height_ratios=(3, 4))
# Fixed margins: a layout engine would draw these ten images twice, once to measure them.
fig.subplots_adjust(left=0.05, right=0.997, bottom=0.062, top=0.94, wspace=0.06, hspace=0.05)
for (title, image), ax_full, ax_crop in zip(shown, axes[0], axes[1]):
    ax_full.imshow(image, cmap="gray", vmin=0, vmax=255)
    ax_full.set_title(title, fontsize=10)
    ax_crop.imshow(
        image[crop],
        cmap="gray",
        vmin=0,
        vmax=255,
        interpolation="nearest",
        extent=(512, 640, 384, 256),
    )
    ax_crop.set_title("Crop around the eye", fontsize=10)
    ax_crop.set_xlabel("Column (pixels)")
    ax_full.set_xticks([])
    ax_full.set_yticks([])
axes[1, 0].set_ylabel("Row (pixels)")
# Frame the crop on the full original.
axes[0, 0].add_patch(plt.Rectangle((512, 256), 128, 128, fill=False, color="tab:orange"))
for ax in axes[1, 1:]:
    ax.set_yticklabels([])

# %%
# The two quantizers go wrong in different ways. The scalar quantizer keeps every edge
# sharp but flattens grey levels into a few bands: at 1 bpp the fur is a two-tone
# poster. The block quantizers keep the shading, but they draw the image with tiles: at
# 0.25 bpp the crop is a mosaic of 4×4 squares, with steps along the block grid that are
# not in the photograph. We can measure that: compare the jump in grey level between
# horizontal or vertical neighbours that lie in two different 4×4 blocks with the jump
# between neighbours inside one block.


def block_edge_ratio(image, b):
    """Mean step between neighbours across ``b``×``b`` block edges over the mean inside."""
    image = image.astype(np.float64)
    across, inside = [], []
    # Steps between horizontal neighbours, then between vertical ones (transposed).
    for steps in (np.abs(np.diff(image, axis=1)), np.abs(np.diff(image, axis=0)).T):
        # Column j holds the steps from pixel j to pixel j + 1: they cross a block edge
        # when j + 1 is a multiple of b.
        crosses = np.arange(1, steps.shape[1] + 1) % b == 0
        across.append(steps[:, crosses].ravel())
        inside.append(steps[:, ~crosses].ravel())
    return np.concatenate(across).mean() / np.concatenate(inside).mean()


edge_ratios = {
    "Original": block_edge_ratio(raccoon, 4),
    "Scalar, 2 bpp": block_edge_ratio(scalar[2]["image"], 4),
    "4×4 blocks, 0.25 bpp": block_edge_ratio(vq[4, 16]["image"], 4),
    "4×4 blocks, 0.5 bpp": block_edge_ratio(vq[4, 256]["image"], 4),
}
for name, ratio in edge_ratios.items():
    print(f"{name}: steps across 4×4 block edges are {ratio:.2f} times the steps inside")
assert min(edge_ratios["4×4 blocks, 0.25 bpp"], edge_ratios["4×4 blocks, 0.5 bpp"]) > 2

# %%
# After block quantization, steps across block edges are more than twice as large as
# steps inside blocks, because each block is replaced on its own, by a codeword that
# knows nothing about its neighbours; more codewords make the steps smaller but do not
# remove them. Our eyes are very good at spotting such a regular grid, so at the same
# PSNR block artefacts can look worse than bands.
#
# In the original and after scalar quantization the ratio is a little above 1. The
# photograph carries a faint grid of its own, 8 pixels wide, most likely left by an
# earlier JPEG compression (JPEG works on 8×8 blocks); every 8×8 edge is also a 4×4 edge.
# A grid whose size does not divide 8 shows nothing:
print(f"Original, 8×8 block edges: ratio {block_edge_ratio(raccoon, 8):.2f}")
print(f"Original, 5×5 block edges: ratio {block_edge_ratio(raccoon, 5):.2f}")

# %%
# What block quantization costs
# -----------------------------
# Rates above what the curves show need bigger codebooks, and the codebook grows
# exponentially with the rate: to spend R bits on each of the :math:`b^2` pixels of a
# block, it needs :math:`k = 2^{R b^2}` codewords of :math:`b^2` bytes each. Here is
# what 4×4 blocks at 1 bpp and 2×2 blocks at 3 bpp would take, two rates that scalar
# quantization reaches with 2 and 8 grey levels:
print(f"The raw image: {raccoon.nbytes} bytes")
for b, rate in [(4, 1), (2, 3)]:
    k_needed = 2 ** (rate * b**2)
    n_blocks = n_pixels // b**2
    print(
        f"{b}×{b} blocks at {rate} bpp: {k_needed} codewords, a codebook of "
        f"{k_needed * b**2} bytes; the image has {n_blocks} blocks, "
        f"{n_blocks / k_needed:.2f} per codeword"
    )

# %%
# With 4×4 blocks, 1 bpp needs more codewords than the image has blocks, and a codebook
# larger than the raw image itself: there is nothing left to learn from and nothing
# saved. Even 2×2 blocks at 3 bpp would need thousands of codewords, each learned from
# a few dozen of the image's blocks. Every codeword also costs
# time: encoding compares each block with all k codewords, :math:`k \times b^2`
# subtractions per block, that is k per pixel, and k-means does the same at every one
# of its iterations. Scalar quantization, by contrast, is a look-up in a table of 256
# entries, whatever the number of levels.
#
# In short, on this image:
#
# * **Block quantization wins** at every rate where both methods exist, by about 10 dB
#   at 1 and 2 bpp, and it is the only one of the two that works below 1 bpp: 4×4 blocks
#   at 0.25 bpp match scalar quantization at 2 bpp.
# * **It loses** on the look of the result, a visible grid of blocks where scalar
#   quantization gives bands; on cost, a codebook to learn, store and search, which
#   grows exponentially with the rate; and so on reach: each block size is confined to
#   low rates. Image codecs such as JPEG take another road: they transform each block
#   and then quantize the transformed numbers one at a time.
