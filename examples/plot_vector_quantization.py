"""
============================================
From 256 grey levels to 8: a first quantizer
============================================

A grey-scale photograph stores one of 256 grey levels in every pixel. *Quantizing* it
means choosing a few representative grey levels and replacing every pixel by one of
them. Fewer levels should need fewer bits per pixel, at the price of some detail.

This page quantizes SciPy's raccoon face to 8 grey levels with scikit-learn's
:class:`~sklearn.preprocessing.KBinsDiscretizer`, first with equally wide bins and then
with bins placed by k-means, measures the error of each, and ends with the memory the
result takes. It retells, with the same numbers, scikit-learn's *Vector Quantization
Example*.

Despite that example's name, what it does is *scalar* quantization: each pixel's grey
level is quantized on its own, one number at a time. *Vector* quantization replaces a
group of numbers at once by one entry of a table: the three colours of a pixel
(:ref:`sphx_glr_auto_examples_series_plot_07_colour_quantization.py`) or a block of
neighbouring pixels
(:ref:`sphx_glr_auto_examples_series_plot_09_block_vector_quantization.py`), later in
the course.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 2

# %%
# Loading the image
# -----------------
# :func:`scipy.datasets.face` returns the raccoon photograph; ``gray=True`` converts it
# to one grey level per pixel. The first call downloads the image file (about 1.5 MB)
# with `pooch <https://www.fatiando.org/pooch/>`_ and keeps it in a local cache, so
# pooch must be installed next to SciPy.
from scipy.datasets import face

raccoon = face(gray=True)

print(f"Shape of the image: {raccoon.shape}")
print(f"Type of each pixel: {raccoon.dtype}")
print(f"Bytes in memory: {raccoon.nbytes}")

# %%
# The image has 768 rows of 1024 pixels. Each pixel is an unsigned 8-bit integer, one
# byte, so it can take one of 2⁸ = 256 grey levels (0 is black, 255 white), and the
# whole image takes 768 × 1024 = 786432 bytes.
#
# How are the grey levels used?
# -----------------------------
# A histogram counts the pixels at each grey level. Because the levels are integers,
# :func:`numpy.unique` counts them exactly, and we draw one bar per level, one level
# wide. The white frame on the photograph marks the detail that the figures below
# enlarge.
import matplotlib.pyplot as plt
import numpy as np

np.set_printoptions(linewidth=69)

# The detail: 216 rows and 288 columns around the nose and a leaf.
rows, cols = slice(390, 606), slice(590, 878)


def draw_histogram(ax, image):
    """Draw the number of pixels at each grey level of ``image``."""
    levels, counts = np.unique(image, return_counts=True)
    # One filled outline for all bars, each one level wide.
    edges = np.column_stack([levels - 0.5, levels + 0.5]).ravel()
    heights = np.column_stack([counts, np.zeros_like(counts)])
    ax.stairs(heights.ravel()[:-1], edges, fill=True)
    ax.set_xlim(-0.5, 255.5)
    ax.set_xlabel("Grey level (0 = black, 255 = white)")
    ax.set_ylabel("Number of pixels")
    return levels


with plt.rc_context({"font.size": 15}):
    fig, (ax_image, ax_hist) = plt.subplots(
        ncols=2, figsize=(10.8, 4.6), width_ratios=(1, 1.25)
    )
    fig.subplots_adjust(
        left=0.07, right=0.99, bottom=0.15, top=0.86, wspace=0.3
    )
    ax_image.imshow(raccoon, cmap="gray", vmin=0, vmax=255)
    corner = (cols.start - 0.5, rows.start - 0.5)
    size = (cols.stop - cols.start, rows.stop - rows.start)
    frame = plt.Rectangle(corner, *size, fill=False, ec="w", lw=2)
    ax_image.add_patch(frame)
    ax_image.set_title("The photograph")
    ax_image.set_xlabel("Column (pixels)")
    ax_image.set_ylabel("Row (pixels)")
    levels = draw_histogram(ax_hist, raccoon)
    ax_hist.set_title(f"Pixels per grey level ({len(levels)} used)")
    fig.suptitle("The original image: 256 possible grey levels")

darkest, brightest = raccoon.min(), raccoon.max()
print(f"Darkest pixel: {darkest}, brightest pixel: {brightest}")

# %%
# The histogram is far from flat: most pixels are mid-grey, very dark and very bright
# pixels are rare, and nothing is brighter than 250. The top of the range is empty
# mostly because of the way the grey image is made. ``face(gray=True)`` mixes
# the red, green and blue of each pixel with weights that add up to 0.99, not 1, and
# the cast to ``uint8`` cuts off the decimals instead of rounding. Even a pure white
# pixel could not come out brighter than 252:
weights = np.array([0.21, 0.71, 0.07])
colour = face()
red, green, blue = np.moveaxis(colour, -1, 0)
r, g, b = weights
grey_again = r * red + g * green + b * blue
white = np.array([255, 255, 255])

print(f"Sum of the weights: {weights.sum():.2f}")
white_grey = (white @ weights).astype(np.uint8)
print(f"Grey level of pure white: {white_grey}")
same = np.array_equal(grey_again.astype(np.uint8), raccoon)
print(f"Same image as face(gray=True): {same}")
faithful = np.round(grey_again / weights.sum())
print(f"Brightest pixel, weights summing to 1: {faithful.max():.0f}")

# %%
# So grey levels 253 to 255 cannot occur in this image, whatever was photographed. The
# conversion also darkens every pixel by 1 %, and by up to one more level when it cuts
# off the decimals: with weights that add up to 1 and rounding, the brightest pixel
# would be 253, not 250. (No pixel of the colour photograph is pure white.)
#
# Quantizing with equally wide bins
# ---------------------------------
# To keep only 8 grey levels, we cut the range of grey levels into 8 *bins* and replace
# every pixel by the number of its bin, from 0 to 7. Eight values fit in 3 bits instead
# of 8, so the image could in principle shrink to 3/8 of its size, about 2.7 times
# smaller. :class:`~sklearn.preprocessing.KBinsDiscretizer` learns the bin edges from
# the data. With ``strategy="uniform"`` all bins are equally wide.
#
# The discretizer expects a table with one row per sample and one column per feature,
# so we hand it the pixels as a single column and reshape its answer back to an image.
#
# .. note::
#
#    Since scikit-learn 1.5, ``KBinsDiscretizer`` learns its bins from a random sample
#    of 200 000 rows by default (``subsample=200_000``). We pass ``subsample=None`` to
#    learn from every one of the 786432 pixels, as scikit-learn's example did when it
#    was written; the end of the k-means section shows what the sample changes.
from sklearn.preprocessing import KBinsDiscretizer

n_bins = 8
pixels = raccoon.reshape(-1, 1)
options = {"n_bins": n_bins, "encode": "ordinal", "random_state": 0}
every_pixel = {"subsample": None, **options}

uniform = KBinsDiscretizer(strategy="uniform", **every_pixel)
uniform_codes = uniform.fit_transform(pixels).reshape(raccoon.shape)

# %%
# ``uniform_codes`` holds bin numbers, not grey levels. To look at the result,
# :meth:`~sklearn.preprocessing.KBinsDiscretizer.inverse_transform` maps each bin number
# back to a grey level, the centre of its bin, which keeps the quantized image on the
# same scale as the original.
#
# Shrunk to fit the page, a photograph hides the very errors we want to see, so the
# figure shows the framed detail at its own size: one pixel of the image is one pixel
# of the figure (``interpolation="nearest"``, and the figure's size set in pixels at
# its 100 dots per inch). The original's detail sits on the left, the quantized one on
# the right.
uniform_image = uniform_codes.reshape(-1, 1)
uniform_image = uniform.inverse_transform(uniform_image)
uniform_image = uniform_image.reshape(raccoon.shape)


def show_details(image, title):
    """The detail of the original and of ``image``, at 1:1."""
    height, width = rows.stop - rows.start, cols.stop - cols.start
    fig_width, fig_height = 624, 290  # pixels, at 100 dots per inch
    fig = plt.figure(
        figsize=(fig_width / 100, fig_height / 100), dpi=100
    )

    def axes_at(left, top, width, height):
        """Axes placed in pixels from the figure's left and top."""
        bottom = fig_height - top - height
        return fig.add_axes(
            [left / fig_width, bottom / fig_height]
            + [width / fig_width, height / fig_height]
        )

    for left, shown, name in [
        (16, raccoon, "Original detail"),
        (16 + width + 16, image, "Quantized detail"),
    ]:
        ax = axes_at(left, 56, width, height)
        ax.imshow(
            shown[rows, cols],
            cmap="gray",
            vmin=0,
            vmax=255,
            interpolation="nearest",
        )
        ax.set_title(f"{name}, {height} × {width} pixels")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title)


show_details(uniform_image, "8 equally wide bins (3 bits per pixel)")

# %%
# At a glance the picture survives, but at its own size the detail shows what 8 levels
# do: the smooth shading of the leaf and of the fur around the nose turns into flat
# bands with sharp contours between them.
#
# Where did the bins go? The discretizer keeps the 9 edges of the 8 bins in
# ``bin_edges_``; the centre of a bin lies halfway between its two edges.


def bin_centres(discretizer):
    """Centre of each bin of a one-feature ``KBinsDiscretizer``."""
    edges = discretizer.bin_edges_[0]
    return (edges[:-1] + edges[1:]) / 2


uniform_centres = bin_centres(uniform)
print(f"Centres of the uniform bins:\n{uniform_centres}")
print(f"Width of every bin: {np.diff(uniform.bin_edges_[0])[0]}")

# %%
# The 8 bins split the range from the darkest pixel, 0, to the brightest, 250, into
# equal parts 31.25 levels wide. The histogram of the quantized image has 8 bars, one
# at each centre, and they are very unequal. Laid over the original histogram, the
# centres are evenly spread, whatever the number of pixels around them:


def show_centres_on_histogram(image, centres, title):
    """The histogram of ``image``; the centres on the original's."""
    fig, (ax_image, ax) = plt.subplots(nrows=2, figsize=(7.2, 6.0))
    fig.subplots_adjust(
        left=0.12, right=0.98, bottom=0.08, top=0.88, hspace=0.55
    )
    levels = draw_histogram(ax_image, image)
    ax_image.set_title(f"Quantized image ({len(levels)} levels)")
    draw_histogram(ax, raccoon)
    for centre in centres:
        ax.axvline(centre, color="tab:orange", linewidth=1.5)
        # x in data units, y just above the top of the axes.
        ax.annotate(
            f"{centre:.0f}",
            xy=(centre, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            color="tab:orange",
        )
    ax.set_title("The bin centres on the original image", pad=18)
    fig.suptitle(title)


show_centres_on_histogram(
    uniform_image, uniform_centres, "Pixels per level, uniform bins"
)

# %%
# Equal widths ignore where the pixels are. The brightest bin holds few pixels, so one
# of our only 8 levels is spent on a small part of the image, while each level in the
# crowded middle of the histogram has to stand for a great many different grey levels.
#
# Quantizing with k-means bins
# ----------------------------
# With ``strategy="kmeans"``, the discretizer runs a one-dimensional k-means on the
# pixels: it looks for 8 grey levels such that each pixel is close to one of them, and
# puts the bin edges halfway between neighbouring levels. Crowded parts of the
# histogram get narrow bins, empty parts wide ones. For one number per pixel, k-means
# is Lloyd's algorithm (S. P. Lloyd, "Least squares quantization in PCM", 1957,
# published 1982), which J. Max also described ("Quantizing for minimum distortion",
# 1960).
kmeans = KBinsDiscretizer(strategy="kmeans", **every_pixel)
kmeans_codes = kmeans.fit_transform(pixels).reshape(raccoon.shape)
kmeans_image = kmeans.inverse_transform(kmeans_codes.reshape(-1, 1))
kmeans_image = kmeans_image.reshape(raccoon.shape)

show_details(
    kmeans_image, "8 bins placed by k-means (3 bits per pixel)"
)

# %%
# In the detail, the mid-greys of the leaf get levels closer together and finer bands,
# while the bright fur above the nose, where fewer pixels lie, turns into a flatter
# white patch. Here are the centres of the new bins, again the midpoints between each bin's edges,
# the values ``inverse_transform`` uses. They are not the grey levels k-means found,
# most visibly in the brightest bin;
# :ref:`sphx_glr_auto_examples_series_plot_01_choosing_bins.py` measures what that
# costs.
kmeans_centres = bin_centres(kmeans)
print(f"Centres of the k-means bins:\n{kmeans_centres}")

# %%
show_centres_on_histogram(
    kmeans_image, kmeans_centres, "Pixels per level, k-means bins"
)

# %%
# The bars are more even now. The centres crowd together in the busy middle of the
# histogram and spread out in the sparse dark and bright tails. A third strategy,
# ``strategy="quantile"``, goes all the way: it places the edges so that every bin
# holds the same number of pixels.
#
# What would the default sample have changed? It draws 200 000 of the 786432 pixels at
# random *with replacement*, so some pixels are drawn twice and others not at all.
# :func:`sklearn.utils.resample`, given the same ``random_state``, draws the same sample.
from sklearn.utils import resample

drawn = resample(
    np.arange(raccoon.size),
    n_samples=200_000,
    replace=True,
    random_state=0,
)
sample = pixels[drawn]
missing = np.setdiff1d(np.unique(raccoon), np.unique(sample))
distinct = np.unique(drawn).size
print(f"Distinct pixels among the 200 000 drawn: {distinct}")
print(f"Grey levels in the image but not in the sample: {missing}")
print(f"Pixels at those levels: {np.isin(raccoon, missing).sum()}")

# %%
# The sample misses a single grey level, the brightest one, held by one pixel. The
# uniform bins stretch from the darkest to the brightest value they see, so on the
# sample they end at 249 instead of 250, and every centre moves a little; the k-means
# centres move too, since they are fitted on fewer pixels.
default_fits = {}
for strategy, fitted in [("uniform", uniform), ("kmeans", kmeans)]:
    default_fits[strategy] = KBinsDiscretizer(
        strategy=strategy, **options
    )
    default_fits[strategy].fit(pixels)
    shift = bin_centres(default_fits[strategy]) - bin_centres(fitted)
    move = np.abs(shift).max()
    print(f"{strategy}: largest move of a centre {move:.3f}")
outer = default_fits["uniform"].bin_edges_[0][[0, -1]]
print(f"Outer edges of the uniform bins, default sample: {outer}")

# %%
# .. _mse-psnr:
#
# Measuring the error
# -------------------
# Two numbers summarize how far a quantized image is from the original; the rest of
# the course uses them throughout.
#
# - The *mean squared error* (MSE) is the average, over all pixels, of the squared
#   difference between the original grey level and the quantized one. Its unit is a
#   squared grey level; 0 means a perfect copy.
# - The *peak signal-to-noise ratio* (PSNR) compares that error with the largest grey
#   level, 255: :math:`\mathrm{PSNR} = 10 \log_{10}(255^2 / \mathrm{MSE})`, in
#   decibels (dB). Higher is better; 3 dB more means about half the MSE, 10 dB more a
#   tenth of it.
#
# The original pixels are unsigned 8-bit integers, which cannot be negative (in that
# type ``10 - 20`` wraps around to 246), so we convert to floats before subtracting.


def mean_squared_error(original, quantized):
    """Mean squared difference over all pixels, in grey levels²."""
    difference = original.astype(np.float64) - quantized
    return np.mean(difference**2)


def psnr(original, quantized):
    """Peak signal-to-noise ratio of an 8-bit image, in dB."""
    return 10 * np.log10(
        255**2 / mean_squared_error(original, quantized)
    )


uniform_mse = mean_squared_error(raccoon, uniform_image)
kmeans_mse = mean_squared_error(raccoon, kmeans_image)
uniform_psnr = psnr(raccoon, uniform_image)
kmeans_psnr = psnr(raccoon, kmeans_image)
print(f"MSE of the uniform bins: {uniform_mse:.2f} grey levels²")
print(f"MSE of the k-means bins: {kmeans_mse:.2f} grey levels²")
print(f"PSNR of the uniform bins: {uniform_psnr:.2f} dB")
print(f"PSNR of the k-means bins: {kmeans_psnr:.2f} dB")

# %%
# K-means is ahead, but by only about a third of a decibel. Both images spend the
# same 3 bits per pixel if every bin number is written with a code of the same length,
# the *fixed-length rate*, log₂ 8 = 3 bits. A coder may instead give frequent bin
# numbers shorter codes; the fewest bits per pixel it can spend on average, coding each
# pixel on its own, is the *entropy* of the bin numbers (C. E. Shannon, "A
# mathematical theory of communication", 1948), :math:`H = -\sum_k p_k \log_2 p_k`,
# where :math:`p_k` is the share of the pixels in bin :math:`k`. We call it the
# *entropy-coded rate*.


def entropy(codes):
    """Entropy of the bin numbers, in bits per pixel."""
    shares = np.bincount(codes.ravel().astype(np.intp)) / codes.size
    shares = shares[shares > 0]
    return -np.sum(shares * np.log2(shares))


uniform_entropy = entropy(uniform_codes)
kmeans_entropy = entropy(kmeans_codes)
bpp = "bits per pixel"
print(f"Fixed-length rate of both: {np.log2(n_bins):.0f} {bpp}")
print(f"Entropy of the uniform codes: {uniform_entropy:.3f} {bpp}")
print(f"Entropy of the k-means codes: {kmeans_entropy:.3f} {bpp}")

# %%
# The unequal uniform bins are cheaper to entropy-code: their frequent bin numbers
# get short codes. So k-means wins at the same fixed-length rate, while the uniform
# image costs fewer bits once entropy-coded, and neither comparison settles which bins
# are better at equal entropy-coded rate.
# :ref:`sphx_glr_auto_examples_series_plot_04_entropy_coded_quantization.py` makes that
# comparison.
#
# How much memory did we save?
# ----------------------------
# We expected 3 bits per pixel instead of 8. Let us measure the array the discretizer
# returned.
print(f"Bytes in memory: {kmeans_codes.nbytes}")
ratio = kmeans_codes.nbytes / raccoon.nbytes
print(f"Size compared with the original: {ratio}")

# %%
# The "compressed" image is 8 times *larger* than the original. The reason is its type:
print(f"Type of each quantized pixel: {kmeans_codes.dtype}")

# %%
# ``KBinsDiscretizer`` returns 64-bit floats, 8 bytes for a number that is never more
# than 7. Storing the bin numbers as unsigned 8-bit integers brings us back to exactly
# the original size, and no smaller: NumPy has no 3-bit type, and one byte is the
# smallest element an array can have.
codes_as_bytes = kmeans_codes.astype(np.uint8)
print(f"Bytes as uint8: {codes_as_bytes.nbytes}")

# %%
# So far, quantizing has cost detail and saved nothing. To turn 3 bits per pixel into a
# real saving, the codes have to be packed several to a byte, and the image needs its
# table of 8 grey levels to be displayed again.
# :ref:`sphx_glr_auto_examples_series_plot_02_saving_memory.py` does exactly that, and
# measures every byte.

plt.show()
