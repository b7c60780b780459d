"""
=================
Choosing the bins
=================

The walkthrough quantized the raccoon face to 8 grey levels twice, with equally wide
bins and with bins placed by k-means, and compared the results by eye. This page adds
the third strategy of :class:`~sklearn.preprocessing.KBinsDiscretizer`, bins holding
equal numbers of pixels, and puts numbers on the error of each: the mean squared error
and the peak signal-to-noise ratio.

It then looks at a second choice, hidden in
:meth:`~sklearn.preprocessing.KBinsDiscretizer.inverse_transform`: the grey level each
bin is turned back into. The discretizer uses the midpoint of the bin's two edges; the
mean of the pixels that fell in the bin is never worse, and sometimes much better.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 2

# %%
# Three ways to place 8 bins
# --------------------------
# As in the walkthrough, we load the grey raccoon and hand its 786432 pixels to the
# discretizer as a single column, learning from all of them (``subsample=None``). The
# three strategies are:
#
# - ``"uniform"``: 8 bins of equal width between the darkest and the brightest pixel;
# - ``"quantile"``: edges at the 12.5th, 25th, ... percentiles of the pixels, so that
#   each bin should hold an eighth of them;
# - ``"kmeans"``: a one-dimensional k-means looks for 8 grey levels close to the
#   pixels, and the edges lie halfway between neighbouring levels.
#
# For ``"quantile"`` we name the way percentiles are computed,
# ``quantile_method="averaged_inverted_cdf"``: it is the default since scikit-learn
# 1.9, and versions 1.7 and 1.8 warn when it is left out. The other strategies ignore it.
# We run the fits on one thread, with threadpoolctl (which scikit-learn installs): the
# k-means edges then do not depend on the machine (with two threads they differ in the
# eleventh digit), and a one-dimensional k-means gains little from more threads, which
# on a busy machine wait for each other.
import numpy as np
from scipy.datasets import face
from sklearn.preprocessing import KBinsDiscretizer
from threadpoolctl import threadpool_limits

raccoon = face(gray=True)
pixels = raccoon.reshape(-1, 1)
n_pixels = pixels.shape[0]
n_bins = 8
strategies = ["uniform", "quantile", "kmeans"]

discretizers = {}
codes = {}
for strategy in strategies:
    discretizer = KBinsDiscretizer(
        n_bins=n_bins,
        encode="ordinal",
        strategy=strategy,
        quantile_method="averaged_inverted_cdf",
        subsample=None,
    )
    # The bin number, from 0 to 7, of every pixel, as integers we can index with.
    with threadpool_limits(limits=1):
        codes[strategy] = discretizer.fit_transform(pixels).ravel().astype(np.intp)
    discretizers[strategy] = discretizer
    print(f"Edges of the {strategy} bins: {np.round(discretizer.bin_edges_[0], 2)}")

# %%
# The uniform edges are evenly spaced. The quantile edges are whole grey levels, close
# together in the middle of the range, where the walkthrough's histogram showed most
# pixels, and far apart at both ends. The k-means edges mostly lie between the two.
#
# What the three images look like
# --------------------------------
# :meth:`~sklearn.preprocessing.KBinsDiscretizer.inverse_transform` replaces each bin
# number by the midpoint of its bin (what the walkthrough called the bin's centre). We
# draw the three results next to the original, with a close-up of the raccoon's face
# below each, where the white fur shows the differences best.
import matplotlib.pyplot as plt

midpoint_images = {
    strategy: discretizers[strategy]
    .inverse_transform(codes[strategy].reshape(-1, 1))
    .reshape(raccoon.shape)
    for strategy in strategies
}

# Rows and columns of the close-up, and where it lies in the image (for the axes).
crop = (slice(130, 390), slice(440, 780))
crop_extent = (crop[1].start - 0.5, crop[1].stop - 0.5, crop[0].stop - 0.5, crop[0].start - 0.5)


def show_close_up(ax, image, title):
    """Draw the close-up of ``image``, its axes numbered as in the whole image."""
    ax.imshow(image[crop], cmap="gray", vmin=0, vmax=255, extent=crop_extent)
    ax.set_title(title)
    ax.set_xlabel("Column (pixels)")


fig, axes = plt.subplots(nrows=2, ncols=4, figsize=(12, 5.6))
# Fixed margins: a layout engine would draw these eight images twice, once to measure them.
fig.subplots_adjust(left=0.05, right=0.99, bottom=0.035, top=0.945, wspace=0.24, hspace=0.09)
panels = [("original", raccoon)] + [
    (strategy, midpoint_images[strategy]) for strategy in strategies
]
for (name, image), ax_full, ax_crop in zip(panels, axes[0], axes[1]):
    ax_full.imshow(image, cmap="gray", vmin=0, vmax=255)
    ax_full.set_title("Original (256 levels)" if name == "original" else f"{name} bins")
    ax_full.set_xlabel("Column (pixels)")
    show_close_up(ax_crop, image, f"{name}: close-up")
axes[0, 0].set_ylabel("Row (pixels)")
axes[1, 0].set_ylabel("Row (pixels)")
fig.suptitle("8 grey levels, three ways to place the bins (each bin shown as its midpoint)")

# %%
# The uniform image bands the mid-greys of the fur. The quantile image renders the
# mid-greys finely, but the white fur of the face turns into one flat, pale patch.
# K-means sits in between. Let us measure all of this.
#
# How many pixels fall in each bin?
# ---------------------------------
# :func:`numpy.bincount` counts how often each bin number occurs.
pixels_per_bin = {
    strategy: np.bincount(codes[strategy], minlength=n_bins) for strategy in strategies
}
for strategy in strategies:
    print(f"Pixels per {strategy} bin: {pixels_per_bin[strategy]}")
print(f"An eighth of the image: {n_pixels / n_bins:.0f} pixels")

# %%
# Drawn on the grey-level axis, each bin becomes a bar as wide as the bin and as high as
# its number of pixels. The dashed line marks an eighth of the image.
fig, axes = plt.subplots(ncols=3, figsize=(12, 3.6), layout="constrained", sharey=True)
for strategy, ax in zip(strategies, axes):
    edges = discretizers[strategy].bin_edges_[0]
    ax.bar(
        edges[:-1],
        pixels_per_bin[strategy],
        width=np.diff(edges),
        align="edge",
        edgecolor="white",
    )
    ax.axhline(n_pixels / n_bins, color="black", linestyle="--", linewidth=1)
    ax.set_xlim(-0.5, 255.5)
    ax.set_title(f"{strategy} bins")
    ax.set_xlabel("Grey level (0 = black, 255 = white)")
axes[0].set_ylabel("Number of pixels in the bin")
fig.suptitle("Pixels per bin (dashed: an eighth of the image)")

# %%
# Equal widths give very unequal bins: the brightest holds few pixels, the middle ones
# many. The k-means bins are more even. The quantile bins are all close to the dashed
# line, but not exactly on it. How far off are they?
smallest_uniform_share = pixels_per_bin["uniform"].min() / n_pixels
print(f"Share of the image in the smallest uniform bin: {smallest_uniform_share:.1%}")

quantile_gaps = pixels_per_bin["quantile"] / (n_pixels / n_bins) - 1
print(f"Largest gap between a quantile bin and an eighth: {np.abs(quantile_gaps).max():.1%}")

pixels_per_level = np.bincount(raccoon.ravel(), minlength=256)
print(f"Pixels at the most frequent grey level: {pixels_per_level.max()}")

# %%
# Every quantile bin is within 3 % of an eighth of the image. It cannot do much better:
# the pixels take only 256 values, and all the pixels at one grey level fall in the
# same bin. An edge can move from one level to the next, not split a level, and a
# single level holds up to several thousand pixels.
assert np.abs(quantile_gaps).max() < 0.03

# %%
# Measuring the error
# -------------------
# Two numbers summarize how far a quantized image is from the original.
#
# - The *mean squared error* (MSE) is the average, over all pixels, of the squared
#   difference between the original grey level and the quantized one. Its unit is a
#   squared grey level; 0 means a perfect copy.
# - The *peak signal-to-noise ratio* (PSNR) compares that error with the largest
#   possible grey level, 255: :math:`\mathrm{PSNR} = 10 \log_{10}(255^2 /
#   \mathrm{MSE})`, in decibels (dB). Higher is better; 3 dB more means about half the
#   MSE, 10 dB more a tenth of it.
#
# The original pixels are unsigned 8-bit integers, which cannot be negative: in that
# type ``10 - 20`` wraps around to 246. We convert to floats before subtracting.


def mean_squared_error(original, quantized):
    """Mean over the pixels of the squared difference, in squared grey levels."""
    difference = original.astype(np.float64) - quantized
    return np.mean(difference**2)


def psnr(mse):
    """Peak signal-to-noise ratio in dB of an 8-bit image whose MSE is ``mse``."""
    return 10 * np.log10(255**2 / mse)


midpoint_mse = {
    strategy: mean_squared_error(raccoon, midpoint_images[strategy]) for strategy in strategies
}
for strategy in strategies:
    mse = midpoint_mse[strategy]
    print(f"{strategy:>8} bins: MSE {mse:6.2f} grey levels², PSNR {psnr(mse):5.2f} dB")

# %%
# K-means comes first. The surprise is the quantile strategy: the bins that looked
# finest in the mid-greys give the largest error of the three, larger even than equal
# widths.
assert midpoint_mse["kmeans"] < midpoint_mse["uniform"] < midpoint_mse["quantile"]

# %%
# The value a bin stands for
# --------------------------
# Placing the edges is one choice; the grey level that then replaces all the pixels of
# a bin is another. ``inverse_transform`` takes the midpoint of the edges, whatever the
# pixels inside the bin look like.
#
# For a bin with fixed edges, which single value :math:`c` gives the smallest error? If
# the bin holds :math:`n` pixels :math:`x_1, \dots, x_n` with mean :math:`\bar x`, the
# sum of their squared errors splits into two parts:
#
# .. math::
#
#    \sum_{i=1}^{n} (x_i - c)^2 = \sum_{i=1}^{n} (x_i - \bar x)^2 + n\,(\bar x - c)^2 .
#
# (Write :math:`x_i - c = (x_i - \bar x) + (\bar x - c)` and expand; the cross term
# vanishes because the :math:`x_i - \bar x` add up to zero.) The first part does not
# depend on :math:`c`: it is the spread of the pixels inside the bin. The second is zero
# for :math:`c = \bar x` and positive for any other value. So the mean of a bin's
# pixels is the best value for that bin, and using the midpoint instead costs exactly
# :math:`n\,(\bar x - c)^2` more.
#
# ``np.bincount`` with ``weights`` adds up the grey levels of the pixels in each bin;
# dividing by the number of pixels gives the means. (An empty bin would have no mean;
# none of ours is empty.)
midpoints = {}
bin_means = {}
for strategy in strategies:
    edges = discretizers[strategy].bin_edges_[0]
    midpoints[strategy] = (edges[:-1] + edges[1:]) / 2
    sums = np.bincount(codes[strategy], weights=raccoon.ravel(), minlength=n_bins)
    bin_means[strategy] = sums / pixels_per_bin[strategy]
    print(f"{strategy:>8} bins, midpoints: {np.round(midpoints[strategy], 1)}")
    print(f"{'':>8}       means:     {np.round(bin_means[strategy], 1)}")

# %%
# The two agree in the crowded middle of the range and part in the outer bins. There
# the histogram slopes, so the pixels of a bin pile up on the side nearer the middle
# and pull the mean that way. The brightest quantile bin is the extreme case: it
# stretches from its lower edge up to the brightest pixel, and most of its pixels sit
# in its lower half.
top = n_bins - 1
top_edges = discretizers["quantile"].bin_edges_[0][top : top + 2]
in_top_bin = codes["quantile"] == top
lower_half_share = np.mean(raccoon.ravel()[in_top_bin] < midpoints["quantile"][top])
print(f"Brightest quantile bin: grey levels {top_edges[0]:.0f} to {top_edges[1]:.0f}")
print(f"Its midpoint: {midpoints['quantile'][top]:.1f}, its mean: {bin_means['quantile'][top]:.1f}")
print(f"Share of its pixels below the midpoint: {lower_half_share:.0%}")

# %%
# On the original histogram, with each bin shaded and its two values drawn:
fig, axes = plt.subplots(nrows=3, figsize=(10, 7.5), layout="constrained", sharex=True)
levels = np.arange(256)
for strategy, ax in zip(strategies, axes):
    # The bin of every grey level; each bin's levels are drawn as one shaded block.
    level_bins = discretizers[strategy].transform(levels.reshape(-1, 1)).ravel()
    for number in range(n_bins):
        in_bin = np.flatnonzero(level_bins == number)
        ax.stairs(
            pixels_per_level[in_bin],
            np.append(in_bin, in_bin[-1] + 1) - 0.5,
            fill=True,
            color="silver" if number % 2 == 0 else "dimgray",
        )
    # Vertical lines from the bottom to the top of the axes.
    spans = {"transform": ax.get_xaxis_transform(), "linewidth": 1.5}
    ax.vlines(midpoints[strategy], 0, 1, colors="tab:orange", linestyles="--", **spans)
    ax.vlines(bin_means[strategy], 0, 1, colors="tab:blue", **spans)
    ax.set_title(f"{strategy} bins")
    ax.set_ylabel("Pixels per level")
fig.legend(
    handles=[
        plt.Line2D([], [], color="tab:orange", linestyle="--", label="midpoint of the edges"),
        plt.Line2D([], [], color="tab:blue", label="mean of the bin's pixels"),
    ],
    loc="outside lower center",
    ncols=2,
)
axes[-1].set_xlim(-0.5, 255.5)
axes[-1].set_xlabel("Grey level (0 = black, 255 = white)")
fig.suptitle("The two values of each bin on the original histogram (bins shaded alternately)")

# %%
# Midpoint or mean: the error
# ---------------------------
# Indexing the array of 8 means with the bin numbers rebuilds each image with the bin
# means. We measure both reconstructions; the last column is the gain in PSNR.
mean_images = {
    strategy: bin_means[strategy][codes[strategy]].reshape(raccoon.shape) for strategy in strategies
}
mean_mse = {strategy: mean_squared_error(raccoon, mean_images[strategy]) for strategy in strategies}
psnr_gain = {
    strategy: psnr(mean_mse[strategy]) - psnr(midpoint_mse[strategy]) for strategy in strategies
}

print("MSE in grey levels², PSNR in dB, with each bin shown as its midpoint or its mean")
header = ["bins", "MSE midpoint", "MSE mean", "PSNR midpoint", "PSNR mean", "gain"]
print("{:>8} | {:>12} {:>9} | {:>13} {:>9} {:>5}".format(*header))
for strategy in strategies:
    mid, mean = midpoint_mse[strategy], mean_mse[strategy]
    print(
        f"{strategy:>8} | {mid:12.2f} {mean:9.2f} | {psnr(mid):13.2f} {psnr(mean):9.2f} "
        f"{psnr_gain[strategy]:5.2f}"
    )

# %%
# The means win for every strategy, as they must. The gain is small for the uniform
# bins, larger for k-means, and largest for the quantile bins, enough to lift them from
# last place to second, close to k-means. Comparing strategies by the error of
# ``inverse_transform`` alone partly compares the midpoint rule, not the bins.
for strategy in strategies:
    assert mean_mse[strategy] <= midpoint_mse[strategy]
assert psnr_gain["uniform"] < psnr_gain["kmeans"] < psnr_gain["quantile"]
assert mean_mse["kmeans"] < mean_mse["quantile"] < mean_mse["uniform"]

# %%
# The identity above says more: the extra error of the midpoints is exactly the sum of
# :math:`n\,(\bar x - c)^2` over the bins, divided by the number of pixels. We check it,
# and see which bin costs the most.
for strategy in strategies:
    extra_per_bin = pixels_per_bin[strategy] * (bin_means[strategy] - midpoints[strategy]) ** 2
    extra = extra_per_bin.sum() / n_pixels
    assert np.isclose(extra, midpoint_mse[strategy] - mean_mse[strategy])
    worst = np.argmax(extra_per_bin)
    print(
        f"{strategy:>8}: midpoints add {extra:5.2f} grey levels² to the MSE, "
        f"{extra_per_bin[worst] / n_pixels:5.2f} of them from bin {worst}"
    )

# %%
# For the quantile bins, almost all of the extra error comes from the brightest bin
# (bin 7), whose midpoint sits far above most of its pixels.
#
# Best for the bin, not for every pixel
# -------------------------------------
# The mean is the best single value for all the pixels of a bin together. Pixels of the
# bin that lie closer to the midpoint than to the mean lose, and a whole region can
# lose. The face in our close-up is one: its white fur holds the brightest pixels of the
# brightest bin, closer to the midpoint. We compare the two close-ups, and map, over the
# whole image, how the squared error of each pixel changes when the quantile bins are
# shown as their means instead of their midpoints.
original = raccoon.astype(np.float64)
error_change = (original - mean_images["quantile"]) ** 2 - (
    original - midpoint_images["quantile"]
) ** 2
close_up_mse = {
    name: mean_squared_error(raccoon[crop], images["quantile"][crop])
    for name, images in [("midpoints", midpoint_images), ("means", mean_images)]
}
for name, mse in close_up_mse.items():
    print(f"MSE of the close-up, quantile bins shown as their {name}: {mse:.1f} grey levels²")
print(f"Pixels whose error the means lower: {np.mean(error_change < 0):.1%}")
print(f"Pixels whose error the means raise: {np.mean(error_change > 0):.1%}")

fig, axes = plt.subplots(ncols=3, figsize=(12, 4), layout="constrained")
for ax, name, images in zip(axes, close_up_mse, [midpoint_images, mean_images]):
    show_close_up(
        ax,
        images["quantile"],
        f"Close-up, {name}\n(MSE {close_up_mse[name]:.1f} grey levels²)",
    )
axes[0].set_ylabel("Row (pixels)")
# Colours stop at ±400 so that small changes show; a few pixels go beyond.
change_map = axes[2].imshow(error_change, cmap="RdBu_r", vmin=-400, vmax=400)
axes[2].set_title("Change of each pixel's squared error\n(blue: the mean is closer)")
axes[2].set_xlabel("Column (pixels)")
axes[2].set_ylabel("Row (pixels)")
fig.colorbar(change_map, ax=axes[2], extend="both", shrink=0.8, label="Change (grey levels²)")
fig.suptitle("Quantile bins: each bin shown as its midpoint or its mean")

# %%
# In the face, the means make the close-up worse: its bright whites were closer to the
# midpoint. Over the whole image, blue wins: more pixels gain than lose and, as the
# identity above guarantees, the gains outweigh the losses in total. The mean is the
# right value for a bin as a whole; no single value per bin suits every region of the
# image.
assert close_up_mse["means"] > close_up_mse["midpoints"]
assert np.mean(error_change < 0) > np.mean(error_change > 0)

# %%
# K-means had found the means already
# -----------------------------------
# The k-means bins gain too, which may seem odd: k-means is built to minimize this very
# error. It does, but the discretizer keeps only the edges it derives from the 8 k-means
# levels, and ``inverse_transform`` returns the midpoints of those edges, not the
# levels. The levels k-means found are the bin means: each inner k-means edge lies
# halfway between the means of the two bins it separates.
kmeans_edges = discretizers["kmeans"].bin_edges_[0]
halfway = (bin_means["kmeans"][:-1] + bin_means["kmeans"][1:]) / 2
print(
    "Largest gap between an inner k-means edge and the halfway point: "
    f"{np.abs(kmeans_edges[1:-1] - halfway).max():.3f} grey levels"
)

# %%
# So the k-means bins shown with their means meet the two conditions any quantizer
# with the lowest possible error must meet: each value is the mean of its bin, and each
# edge lies halfway between neighbouring values, so every pixel gets the nearest value.
# (These conditions are necessary, not sufficient; a later page measures how close to
# the best we are.) Between midpoint and mean, the outermost bins move most: their outer
# edge is the darkest or brightest pixel, not a halfway point.
kmeans_moves = np.abs(bin_means["kmeans"] - midpoints["kmeans"])
print(f"How far each k-means bin moves, midpoint to mean: {np.round(kmeans_moves, 1)}")
assert set(np.argsort(kmeans_moves)[-2:]) == {0, n_bins - 1}

# %%
# Conclusion
# ----------
#
# Uniform bins waste levels on rare grey levels, quantile bins follow the pixels but
# their outer midpoints are far off, and k-means bins give the lowest error. Whatever
# the bins, show each one as the mean of its pixels, and compare strategies with the
# same reconstruction: the mean is never worse, and 8 means take no more room than 8
# midpoints. Turning 3 bits per pixel, with a table of 8 grey levels, into real bytes
# saved is the subject of the next page.
