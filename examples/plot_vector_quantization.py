"""
============================================
From 256 grey levels to 8: a first quantizer
============================================

A grey-scale photograph stores one of 256 grey levels in every pixel. *Quantizing* it
means choosing a few representative grey levels and replacing every pixel by one of
them. Fewer levels should need fewer bits per pixel, at the price of some detail.

This page quantizes SciPy's raccoon face to 8 grey levels with scikit-learn's
:class:`~sklearn.preprocessing.KBinsDiscretizer`, first with equally wide bins and then
with bins placed by k-means, and ends by measuring the memory the result takes. It
retraces, step by step and with the same numbers, scikit-learn's *Vector Quantization
Example*.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 5

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
# byte, so it can take one of 2⁸ = 256 grey levels (0 is black, 255 white),
# and the whole image takes 768 × 1024 = 786432 bytes.
#
# How are the grey levels used?
# -----------------------------
# A histogram counts the pixels at each grey level. Because the levels are integers,
# we count them exactly with :func:`numpy.unique` and draw one bar per level, each bar
# one grey level wide. (The seed calls ``plt.hist(..., bins=256)``, which spreads 256
# bins over the data's range, 0 to 250 here: the bins are narrower than one level, so
# some hold no integer at all and the histogram shows gaps that are not in the image.)
#
# We will draw the same kind of figure three times, so a small function does it.
import matplotlib.pyplot as plt
import numpy as np


def draw_histogram(ax, image):
    """Draw the number of pixels at each grey level of ``image``, one level wide."""
    levels, counts = np.unique(image, return_counts=True)
    # All the bars as one filled outline (Axes.stairs): much quicker to draw than one
    # rectangle per level. Each bar spans its level ± 0.5; between two bars the outline
    # drops to zero (over no width at all where the levels are neighbours).
    edges = np.column_stack([levels - 0.5, levels + 0.5]).ravel()
    heights = np.column_stack([counts, np.zeros_like(counts)]).ravel()[:-1]
    ax.stairs(heights, edges, fill=True)
    ax.set_xlim(-0.5, 255.5)
    ax.set_xlabel("Grey level (0 = black, 255 = white)")
    ax.set_ylabel("Number of pixels")
    return levels


def show_image_and_histogram(image, title):
    """Draw ``image`` beside the number of pixels at each of its grey levels."""
    fig, (ax_image, ax_hist) = plt.subplots(ncols=2, figsize=(12, 4), width_ratios=(1, 1.5))
    # Fixed margins: a layout engine would draw every figure twice, once to measure it.
    fig.subplots_adjust(left=0.055, right=0.995, bottom=0.12, top=0.87, wspace=0.21)
    ax_image.imshow(image, cmap="gray", vmin=0, vmax=255)
    ax_image.set_title("The image")
    ax_image.set_xlabel("Column (pixels)")
    ax_image.set_ylabel("Row (pixels)")

    levels = draw_histogram(ax_hist, image)
    ax_hist.set_title(f"Pixels per grey level ({len(levels)} levels in use)")
    fig.suptitle(title)
    return fig, ax_hist


show_image_and_histogram(raccoon, "The original image: 256 possible grey levels")
print(f"Darkest pixel: {raccoon.min()}, brightest pixel: {raccoon.max()}")

# %%
# The histogram is far from flat: most pixels are mid-grey, very dark and very bright
# pixels are rare, and the brightest levels are not used at all.
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
#    of 200 000 rows (``subsample=200_000``) instead of all of them. The seed example
#    was published before that change. To learn from every one of the 786432 pixels and
#    get the published numbers, we pass ``subsample=None``; the end of the k-means
#    section measures what the sample would have changed.
from sklearn.preprocessing import KBinsDiscretizer

n_bins = 8
pixels = raccoon.reshape(-1, 1)

uniform = KBinsDiscretizer(
    n_bins=n_bins, encode="ordinal", strategy="uniform", subsample=None, random_state=0
)
uniform_codes = uniform.fit_transform(pixels).reshape(raccoon.shape)

# %%
# ``uniform_codes`` holds bin numbers, not grey levels. To look at the result,
# :meth:`~sklearn.preprocessing.KBinsDiscretizer.inverse_transform` maps each bin number
# back to a grey level: the centre of the bin. (The seed displays the bin numbers
# themselves, stretched to the screen's range; going back to grey levels keeps the
# quantized image comparable with the original, on the same axis.)
uniform_image = uniform.inverse_transform(uniform_codes.reshape(-1, 1)).reshape(raccoon.shape)

show_image_and_histogram(uniform_image, "8 equally wide bins (3 bits per pixel)")

# %%
# At a glance the picture survives well. Look closer and smooth gradients turn into
# bands, in the fur and in the leaves at the bottom right. The histogram now has 8
# bars, and they are very unequal: some grey levels stand for hundreds of thousands of
# pixels, the brightest for very few.
#
# Where did the bins go? The discretizer keeps the 9 edges of the 8 bins in
# ``bin_edges_``; the centre of a bin lies halfway between its two edges.


def bin_centres(discretizer):
    """Centre of each bin of a one-feature ``KBinsDiscretizer``."""
    edges = discretizer.bin_edges_[0]
    return (edges[:-1] + edges[1:]) / 2


uniform_centres = bin_centres(uniform)
print(f"Centres of the uniform bins: {uniform_centres}")
print(f"Width of every bin: {np.diff(uniform.bin_edges_[0])}")

# %%
# The 8 bins split the range from the darkest to the brightest pixel into equal parts,
# so each is an eighth of that range wide. Laid over the original histogram, the
# centres are evenly spread, whatever the number of pixels around them:


def show_centres_on_histogram(image, centres, title):
    """Mark the grey level of each bin centre on the histogram of ``image``."""
    fig, ax = plt.subplots(figsize=(8, 4))
    fig.subplots_adjust(left=0.085, right=0.995, bottom=0.12, top=0.895)
    draw_histogram(ax, image)
    for centre in centres:
        ax.axvline(centre, color="tab:orange", linewidth=1.5)
        # x in data units, y just above the top of the axes.
        ax.annotate(
            f"{centre:.1f}",
            xy=(centre, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            color="tab:orange",
        )
    ax.set_title(title, pad=18)
    return fig, ax


show_centres_on_histogram(raccoon, uniform_centres, "Uniform bin centres on the original histogram")

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
# histogram get narrow bins, empty parts wide ones.
kmeans = KBinsDiscretizer(
    n_bins=n_bins, encode="ordinal", strategy="kmeans", subsample=None, random_state=0
)
kmeans_codes = kmeans.fit_transform(pixels).reshape(raccoon.shape)
kmeans_image = kmeans.inverse_transform(kmeans_codes.reshape(-1, 1)).reshape(raccoon.shape)

show_image_and_histogram(kmeans_image, "8 bins placed by k-means (3 bits per pixel)")

# %%
# The bars are more even now, and the bands in the fur are less visible. Here are the
# centres of the new bins. Like the uniform ones, they are the midpoints between each
# bin's two edges, the values ``inverse_transform`` uses; they are close to the grey
# levels k-means found but not equal to them, and
# :ref:`sphx_glr_auto_examples_series_plot_01_choosing_bins.py` measures what that costs.
kmeans_centres = bin_centres(kmeans)
print(f"Centres of the k-means bins: {kmeans_centres}")

# %%
show_centres_on_histogram(raccoon, kmeans_centres, "K-means bin centres on the original histogram")

# %%
# The centres crowd together in the busy middle of the histogram and spread out in the
# sparse dark and bright tails.
#
# How much would the default sample have changed? Fitting again with scikit-learn's
# current default, a random sample of 200 000 pixels, moves the centres a little; the
# uniform bins also move, because the sample misses the extreme grey levels 0 and 250:
for strategy, fitted in [("uniform", uniform), ("kmeans", kmeans)]:
    sampled = KBinsDiscretizer(
        n_bins=n_bins, encode="ordinal", strategy=strategy, random_state=0
    ).fit(pixels)
    shift = np.abs(bin_centres(sampled) - bin_centres(fitted)).max()
    print(f"{strategy}: the largest move of a centre is {shift:.3f} grey levels")

# %%
# A third strategy, ``strategy="quantile"``, goes all the way: it places the edges so
# that every bin holds the same number of pixels.
#
# How much memory did we save?
# ----------------------------
# We expected 3 bits per pixel instead of 8. Let us measure the array the discretizer
# returned.
print(f"Bytes in memory: {kmeans_codes.nbytes}")
print(f"Size compared with the original: {kmeans_codes.nbytes / raccoon.nbytes}")

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
# real saving, the codes have to be packed several to a byte; the image then also needs
# its table of 8 grey levels to be displayed again.
# :ref:`sphx_glr_auto_examples_series_plot_02_saving_memory.py` does exactly that, and
# measures every byte.
