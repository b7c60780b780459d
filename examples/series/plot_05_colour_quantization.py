"""
=============================================================
Colour quantization: a k-means palette against a uniform grid
=============================================================

The walkthrough quantized a grey-scale image: one number per pixel, 8 grey levels, and
k-means to decide where those levels go. A colour photograph has three numbers per pixel,
its red, green and blue intensities, so quantizing it means choosing a *palette* of a few
colours and replacing every pixel by one of them.

This page compares two ways of choosing the palette for the colour raccoon face, at the
same number of bits per pixel. The first cuts each of the three channels into equally
wide bins, which gives a fixed grid of colours; the second runs k-means on the pixels
themselves, seen as points in a three-dimensional colour space. We look at the images,
at the palettes, and at the error each method makes.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 4

# %%
# Loading the colour image
# ------------------------
# Without ``gray=True``, :func:`scipy.datasets.face` returns the photograph in colour.
from scipy.datasets import face

original = face()

print(f"Shape of the image: {original.shape}")
print(f"Type of each value: {original.dtype}")
print(f"Bytes in memory: {original.nbytes}")

# %%
# The image has 768 rows of 1024 pixels, and each pixel holds three unsigned 8-bit
# integers: its red, green and blue values (the *channels*), each from 0 (none of that
# light) to 255 (full intensity). A pixel therefore takes 3 bytes, 24 bits, and can be
# any of :math:`2^{24}`, about 16.8 million, colours.
#
# For scikit-learn we reshape the image into a table with one row per pixel and three
# columns: 786432 samples with 3 features each. Each row is a point in *colour space*,
# the cube of side 256 whose axes are red, green and blue. How many different points
# does the photograph use? To count them fast, we turn each colour into one integer,
# red × 256² + green × 256 + blue, and let :func:`numpy.unique` list the distinct
# integers; ``colour_index`` tells, for every pixel, which of them it has.
import numpy as np

pixels = original.reshape(-1, 3)
colour_numbers = pixels.astype(np.int64) @ np.array([256**2, 256, 1])
numbers, colour_index = np.unique(colour_numbers, return_inverse=True)
colours = np.column_stack([numbers // 256**2, numbers // 256 % 256, numbers % 256])

print(f"Number of pixels: {len(pixels)}")
print(f"Distinct colours in the image: {len(colours)}")
print(f"Share of the 2**24 possible colours: {len(colours) / 2**24:.2%}")
print(f"Pixels per distinct colour, on average: {len(pixels) / len(colours):.1f}")

# %%
# The photograph uses fewer than 1% of the possible colours, each in about 6 pixels on
# average.
#
# Where are the pixels in colour space?
# -------------------------------------
# To see the cloud of points, we draw a random sample of 10 000 pixels (we will fit
# k-means on the same sample below) and plot their green value against their red value,
# and against their blue value, each dot painted in its own colour. The dashed line is
# the grey axis, where red, green and blue are equal. The white frame on the photograph
# marks a detail that we will look at pixel for pixel once we have quantized the image.
import matplotlib.pyplot as plt

rng = np.random.default_rng(0)
n_sample = 10_000
sample = rng.choice(pixels, size=n_sample, replace=False)

fig, (ax_image, ax_red, ax_blue) = plt.subplots(
    ncols=3, figsize=(12, 3.6), width_ratios=(1.33, 1, 1)
)
# Fixed margins: a layout engine would draw the full-size image twice, once to measure it.
fig.subplots_adjust(left=0.05, right=0.99, bottom=0.105, top=0.955, wspace=0.22)
ax_image.imshow(original)
# The detail shown pixel for pixel further down: the eyes, the nose and a leaf.
detail_rows, detail_columns = slice(296, 488), slice(560, 816)
ax_image.add_patch(
    plt.Rectangle(
        (detail_columns.start - 0.5, detail_rows.start - 0.5),
        detail_columns.stop - detail_columns.start,
        detail_rows.stop - detail_rows.start,
        fill=False,
        edgecolor="white",
        linewidth=1.5,
    )
)
ax_image.set_title("The original image (24 bits per pixel)")
ax_image.set_xlabel("Column (pixels)")
ax_image.set_ylabel("Row (pixels)")
for ax, channel, name in [(ax_red, 0, "Red"), (ax_blue, 2, "Blue")]:
    ax.scatter(sample[:, channel], sample[:, 1], c=sample / 255, s=2, linewidths=0)
    ax.plot([0, 255], [0, 255], color="black", linestyle="--", linewidth=1)
    ax.set(xlim=(0, 255), ylim=(0, 255), aspect="equal")
    ax.set_title(f"{n_sample} pixels: green against {name.lower()}")
    ax.set_xlabel(f"{name} value (0 to 255)")
    ax.set_ylabel("Green value (0 to 255)")

correlations = np.corrcoef(pixels.T)
print(f"Correlation of red and green: {correlations[0, 1]:.2f}")
print(f"Correlation of green and blue: {correlations[1, 2]:.2f}")
print(f"Correlation of red and blue: {correlations[0, 2]:.2f}")
bright_red = (pixels[:, 0] > 150) & (pixels[:, 1] < 80) & (pixels[:, 2] < 80)
print(f"Bright red pixels (red above 150, green and blue below 80): {bright_red.sum()}")

# %%
# The colours do not fill the cube. They form a narrow cloud along the grey axis: the
# three channels rise and fall together, because most of what changes from pixel to
# pixel is brightness, not hue. Their correlations say the same: a correlation is 1 for
# two channels that always rise together and 0 for unrelated ones, and the smallest
# here, between green and blue, is 0.80. The photograph is mostly grey fur and green
# leaves; saturated colours, such as a bright red with little green and blue, do not
# occur at all.
#
# Bits per pixel, MSE and PSNR
# ----------------------------
# A palette of :math:`k` colours lets us store, for each pixel, only the *index* of its
# colour in the palette, a number from 0 to :math:`k - 1`. That takes
# :math:`\log_2 k` *bits per pixel*: 3 bits for 8 colours, 6 bits for 64 colours, 9 bits
# for 512 colours. These are the three budgets we compare.
#
# To score a quantized image we use the *mean squared error* (MSE): the average, over all
# pixels and all three channels, of the squared difference between the original value
# and the quantized one. The *peak signal-to-noise ratio* (PSNR) expresses the same error
# on a logarithmic scale, in decibels (dB), relative to the largest possible value 255:
#
# .. math:: \mathrm{PSNR} = 10 \log_{10} \frac{255^2}{\mathrm{MSE}}.
#
# Higher is better: 3 dB more means half the MSE, 10 dB more a tenth of it.
budgets = [3, 6, 9]


def psnr(image, reference):
    """PSNR in dB of ``image`` against ``reference``, over all pixels and channels."""
    difference = image.astype(np.float64) - reference.astype(np.float64)
    return 10 * np.log10(255**2 / np.mean(difference**2))


# %%
# Uniform quantization of each channel
# ------------------------------------
# The simplest way to spend 3 bits per pixel is 1 bit per channel: cut red, green and
# blue each into 2 equally wide bins, 0 to 127 and 128 to 255. In general, with
# :math:`b` bits per channel each channel is cut into :math:`2^b` bins of width
# :math:`256 / 2^b`, and the bin of a value is given by its :math:`b` leading bits,
# ``value >> (8 - b)``. We reconstruct each bin at its centre, rounded to an integer,
# as the walkthrough's uniform bins did. The palette is the grid of all combinations
# of the three channels' centres: :math:`2^b \times 2^b \times 2^b = 2^{3b}` colours,
# the same whatever the image, so :math:`3b` bits per pixel.


def uniform_quantize(image, bits_per_channel):
    """Cut each channel of ``image`` into ``2**bits_per_channel`` equally wide bins.

    Return the palette of all ``2**(3 * bits_per_channel)`` grid colours (uint8), and,
    for every pixel, the index of its colour in that palette.
    """
    levels = 2**bits_per_channel
    width = 256 // levels
    centres = np.rint(np.arange(levels) * width + (width - 1) / 2).astype(np.uint8)
    red, green, blue = np.meshgrid(centres, centres, centres, indexing="ij")
    palette = np.column_stack([red.ravel(), green.ravel(), blue.ravel()])
    bins = image.reshape(-1, 3).astype(np.int64) >> (8 - bits_per_channel)
    indices = (bins[:, 0] * levels + bins[:, 1]) * levels + bins[:, 2]
    return palette, indices


uniform_palettes, uniform_images, uniform_counts, uniform_psnr = {}, {}, {}, {}
for bits in budgets:
    palette, indices = uniform_quantize(original, bits // 3)
    uniform_palettes[bits] = palette
    uniform_images[bits] = palette[indices].reshape(original.shape)
    uniform_counts[bits] = np.bincount(indices, minlength=len(palette))
    uniform_psnr[bits] = psnr(uniform_images[bits], original)
    print(
        f"Uniform, {bits} bits per pixel ({bits // 3} per channel): "
        f"{len(palette)} colours, PSNR {uniform_psnr[bits]:.2f} dB"
    )

# %%
# ``uniform_counts`` keeps the number of pixels that fall on each grid colour; we will
# need it to see which of them the image really uses.
#
# A k-means palette
# -----------------
# K-means looks for :math:`k` points, the *cluster centres*, such that every sample is
# close to one of them: it minimizes the sum of squared distances from each sample to
# its nearest centre, which for pixels is the MSE above, up to a constant factor. The
# walkthrough ran it on grey levels, one number per pixel;
# :class:`~sklearn.cluster.KMeans` runs it just as well on points with three
# coordinates. The centres, rounded to integers, are our palette, and every pixel gets
# the index of its nearest palette colour, which
# :func:`~sklearn.metrics.pairwise_distances_argmin` finds. This quantizes the three
# channels *together*, one vector per pixel: it is *vector quantization*, and the
# palette is also called a *codebook*.
#
# We fit on the sample of 10 000 pixels drawn above rather than on all 786432, because
# the time k-means takes grows with the number of samples times :math:`k`; we check
# below that the sample is large enough. ``n_init=1`` runs k-means once, from
# scikit-learn's k-means++ starting centres, and ``random_state=0`` makes the result
# the same at every run. Pixels of the same colour get the same palette colour, so we
# look for the nearest palette colour of each distinct colour only, about 6 times fewer
# points than pixels, and copy each answer to the pixels of that colour.
from sklearn.cluster import KMeans
from sklearn.metrics import pairwise_distances_argmin


def kmeans_quantize(sample, n_colours):
    """Fit k-means on ``sample``; return the palette and each pixel's palette index.

    The nearest palette colour is found once per distinct colour of the image
    (``colours``) and copied to its pixels through ``colour_index``.
    """
    kmeans = KMeans(n_clusters=n_colours, n_init=1, random_state=0).fit(sample)
    palette = np.rint(kmeans.cluster_centers_).astype(np.uint8)
    nearest = pairwise_distances_argmin(colours, palette.astype(np.float64))
    return palette, nearest[colour_index]


kmeans_palettes, kmeans_images, kmeans_psnr = {}, {}, {}
for bits in budgets:
    palette, indices = kmeans_quantize(sample, 2**bits)
    kmeans_palettes[bits] = palette
    kmeans_images[bits] = palette[indices].reshape(original.shape)
    kmeans_psnr[bits] = psnr(kmeans_images[bits], original)
    gain = kmeans_psnr[bits] - uniform_psnr[bits]
    print(
        f"K-means, {bits} bits per pixel: {len(palette)} colours, "
        f"PSNR {kmeans_psnr[bits]:.2f} dB, {gain:.2f} dB above the grid "
        f"(MSE {10 ** (gain / 10):.1f} times smaller)"
    )
    assert gain > 8

# %%
# At every budget k-means scores more than 8 dB above the grid: its MSE is 6 to 11
# times smaller.
#
# Is a sample of 10 000 pixels enough? If it stands for the image's colours, the result
# should hardly depend on its size. Let us fit each palette again on the first half of
# the sample, 5 000 pixels, and score both palettes on the whole image:
half_sample_psnr = {}
for bits in budgets:
    palette, indices = kmeans_quantize(sample[: n_sample // 2], 2**bits)
    half_sample_psnr[bits] = psnr(palette[indices].reshape(original.shape), original)
    print(
        f"{2**bits} colours: PSNR {half_sample_psnr[bits]:.2f} dB "
        f"from {n_sample // 2} pixels, {kmeans_psnr[bits]:.2f} dB from {n_sample} pixels "
        f"({n_sample / 2**bits:.0f} sample pixels per colour)"
    )
    assert abs(kmeans_psnr[bits] - half_sample_psnr[bits]) < 0.5

# %%
# Doubling the sample changes the PSNR by a few tenths of a decibel at most, the most for
# 512 colours, where each colour is fitted on only about 20 pixels on average. That is
# small next to the gap between the two methods. A larger sample would still refine the
# 512-colour palette a little, at the price of a longer fit.
#
# The images side by side
# -----------------------
# Shrunk to fit a page, a photograph of 1024 × 768 pixels averages away the very errors
# we want to see, so we look at a detail instead: the 256 × 192 pixels framed in white in
# the first figure, around the eyes and the nose. Each pixel of the detail is one pixel of
# the figure (``interpolation="nearest"``, and margins set in pixels at the figure's 100
# dots per inch): on a screen wide enough to show the figure at its own size, you see the
# quantized pixels as they are. The left column uses the uniform grid, the right column
# the k-means palette, with the same number of bits per pixel on each row; the PSNR in
# each title is that of the whole image.
detail_height = detail_rows.stop - detail_rows.start
detail_width = detail_columns.stop - detail_columns.start
left, gap, right, bottom, title = 62, 14, 8, 42, 50  # margins, in pixels
width = left + 2 * detail_width + gap + right
height = bottom + len(budgets) * (title + detail_height)
fig, axes = plt.subplots(
    nrows=len(budgets),
    ncols=2,
    figsize=(width / 100, height / 100),
    dpi=100,
    sharex=True,
    sharey=True,
)
# Fixed margins: every panel is exactly the detail's size, and drawn once.
fig.subplots_adjust(
    left=left / width,
    right=1 - right / width,
    bottom=bottom / height,
    top=1 - title / height,
    wspace=gap / detail_width,
    hspace=title / detail_height,
)
for row, bits in zip(axes, budgets):
    for ax, name, image, score in [
        (row[0], "Uniform grid", uniform_images[bits], uniform_psnr[bits]),
        (row[1], "K-means palette", kmeans_images[bits], kmeans_psnr[bits]),
    ]:
        ax.imshow(image, interpolation="nearest")
        ax.set_title(f"{name}, {2**bits} colours\n{bits} bits per pixel, PSNR {score:.1f} dB")
        ax.set_xlabel("Column (pixels)")
        ax.set_ylabel("Row (pixels)")
        ax.label_outer()
# The axes are shared: these limits show the detail in all six panels.
axes[0, 0].set(
    xlim=(detail_columns.start - 0.5, detail_columns.stop - 0.5),
    ylim=(detail_rows.stop - 0.5, detail_rows.start - 0.5),
)

# %%
# With 8 colours the uniform image is a poster of a few flat patches: 1 bit per channel
# can only say "dark" or "bright" for each of red, green and blue, so the white fur and
# the black mask turn into two flat greys, with blue patches on the nose, green ones on
# the whiskers and a yellow leaf. The k-means image with the same 8 colours keeps the
# eyes, the shape of the nose and the shading of the fur. With 64 colours the uniform
# image still shows broad bands and false colours, pink in the fur and blue around the
# eyes, while the k-means image shows only faint contours in the smooth shades of the
# leaf. At 512 colours the uniform image looks right at first sight, yet it still has 10
# times the MSE of the k-means image: its white fur and its nose have a lilac tint, and
# its leaf is made of flat patches. The k-means image is hard to tell from the original
# even pixel for pixel: a PSNR of 39 dB is an error of about 3 levels in 255, the square
# root of the MSE.
#
# The palettes
# ------------
# Here are the palettes as swatches of colour, up to 32 to a row, sorted from dark to light by
# *luminance*, the weighted sum 0.21 red + 0.71 green + 0.07 blue that
# ``face(gray=True)`` uses to make its grey image. Grid colours that no pixel of the
# image uses are drawn faded, with a cross.


def show_palette(ax, palette, used=None, columns=32):
    """Draw ``palette`` as swatches sorted by luminance; fade the colours not ``used``."""
    order = np.argsort(palette @ np.array([0.21, 0.71, 0.07]), kind="stable")
    swatches = palette[order] / 255
    columns = min(columns, len(palette))
    if used is not None:
        unused = ~used[order]
        swatches[unused] = 0.2 * swatches[unused] + 0.8
        where = np.flatnonzero(unused)
        ax.scatter(
            where % columns, where // columns, marker="x", s=10, color="0.35", linewidths=0.8
        )
    ax.imshow(swatches.reshape(-1, columns, 3))
    ax.set_xticks([])
    ax.set_yticks([])


fig, axes = plt.subplots(
    nrows=len(budgets),
    ncols=2,
    figsize=(12, 5.6),
    layout="constrained",
    height_ratios=(2, 1, 8),
)
for row, bits in zip(axes, budgets):
    used = uniform_counts[bits] > 0
    show_palette(row[0], uniform_palettes[bits], used)
    row[0].set_title(f"Uniform grid, {bits} bits: {used.sum()} of {used.size} colours used")
    show_palette(row[1], kmeans_palettes[bits])
    row[1].set_title(f"K-means, {bits} bits: {len(kmeans_palettes[bits])} colours")
for ax in axes[-1]:
    ax.set_xlabel("Palette colours, from dark to light")

# %%
# The k-means palettes are greys, greens and greyish lilacs in many close shades: the
# colours of the photograph, with more of them where the image has more pixels. The
# uniform grids hold every combination of dark and bright channels, strong reds, pinks
# and blues included, and from 6 bits on many of them go unused. Let us count, from the
# pixel counts of the grid colours:
for bits in budgets:
    counts = np.sort(uniform_counts[bits])[::-1]
    n_for_90 = np.searchsorted(np.cumsum(counts), 0.9 * len(pixels)) + 1
    print(
        f"Uniform, {bits} bits: {np.count_nonzero(counts)} of {len(counts)} colours used; "
        f"the {n_for_90} most used cover 90% of the pixels"
    )
assert np.count_nonzero(uniform_counts[9]) < 512 / 4

# %%
# Why k-means wins
# ----------------
# With :math:`3b` bits per pixel the grid offers :math:`2^{3b}` colours spread evenly
# over the whole colour cube, but the image's colours lie in a narrow cloud along the
# grey axis. Most grid colours fall outside the cloud, and a handful of them stand for
# most of the pixels: at 9 bits per pixel, fewer than a quarter of the 512 grid colours
# appear in the image at all. The bits pay for colours the image never uses. K-means
# puts all :math:`k` colours inside the cloud, more of them where the pixels are dense,
# and, because it places each colour as a whole rather than channel by channel, it can
# follow the cloud along the diagonal.
#
# Is the comparison fair to the grid? Its colours are fixed in advance, while k-means
# learns its colours from the image. Let us give the grid the same advantage: keep its
# cells, but replace each cell's centre by the mean colour of the pixels in that cell,
# the colour with the smallest MSE for those pixels.


def cell_mean_image(image, bits_per_channel):
    """Uniform cells of ``image``, each reconstructed at the mean colour of its pixels."""
    flat = image.reshape(-1, 3)
    indices = uniform_quantize(image, bits_per_channel)[1]
    counts = np.bincount(indices)
    sums = np.column_stack([np.bincount(indices, weights=flat[:, c]) for c in range(3)])
    means = np.rint(sums / np.maximum(counts, 1)[:, None]).astype(np.uint8)
    return means[indices].reshape(image.shape)


cell_mean_psnr = {}
for bits in budgets:
    cell_mean_psnr[bits] = psnr(cell_mean_image(original, bits // 3), original)
    print(
        f"{bits} bits per pixel: grid {uniform_psnr[bits]:.2f} dB, "
        f"grid cells at their mean colour {cell_mean_psnr[bits]:.2f} dB, "
        f"k-means {kmeans_psnr[bits]:.2f} dB"
    )
    assert uniform_psnr[bits] < cell_mean_psnr[bits] < kmeans_psnr[bits]

# %%
# Better colours lift the grid by 2 to 3 dB, but k-means stays far ahead: what holds the
# grid back is where its cells are, not which colour stands for each cell.
#
# How many bits does the grid need?
# ---------------------------------
# The grid can also spend 4 or 5 bits per channel, 12 or 15 bits per pixel. The figure
# plots the PSNR of each method against the bits per pixel.
grid_bits = [3, 6, 9, 12, 15]
for bits in grid_bits[len(budgets) :]:
    palette, indices = uniform_quantize(original, bits // 3)
    uniform_psnr[bits] = psnr(palette[indices].reshape(original.shape), original)
    print(f"Uniform, {bits} bits per pixel: PSNR {uniform_psnr[bits]:.2f} dB")

fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
ax.plot(
    grid_bits, [uniform_psnr[bits] for bits in grid_bits], "o-", label="Uniform grid (bin centres)"
)
ax.plot(
    budgets,
    [cell_mean_psnr[bits] for bits in budgets],
    "s--",
    label="Uniform grid, cells at their mean colour",
)
ax.plot(budgets, [kmeans_psnr[bits] for bits in budgets], "D-", label="K-means palette")
ax.set_xticks(grid_bits)
ax.set_title("Quality of the quantized image against its bits per pixel")
ax.set_xlabel("Bits per pixel")
ax.set_ylabel("PSNR (dB)")
ax.grid(alpha=0.3)
ax.legend()

assert kmeans_psnr[9] > uniform_psnr[12]

# %%
# The k-means palette of 512 colours, 9 bits per pixel, beats the grid of 4096 colours,
# 12 bits per pixel: the grid needs more than 3 extra bits per pixel, a third more
# storage, to match it.
#
# What a palette image costs
# --------------------------
# An image quantized to a palette is stored as the indices, :math:`\log_2 k` bits per
# pixel once packed several to a byte, plus the palette, 3 bytes per colour. For the
# k-means images:
for bits in budgets:
    index_bytes = len(pixels) * bits // 8
    palette_bytes = kmeans_palettes[bits].nbytes
    print(
        f"{bits} bits per pixel: {index_bytes} bytes of indices + {palette_bytes} bytes "
        f"of palette = {(index_bytes + palette_bytes) / original.nbytes:.1%} of the original"
    )

# %%
# The palette is a negligible part of the total, so the size is set by the bits per
# pixel, and at every budget the k-means palette buys a much better image. It costs a
# k-means fit, whose time grows with :math:`k`, which is why we fit on a sample. Both
# methods still quantize every pixel on its own, whatever its neighbours.
