"""
=================
Choosing the bins
=================

The walkthrough quantized the raccoon face to 8 grey levels twice, with equally wide
bins and with bins placed by k-means. This page adds the third strategy of
:class:`~sklearn.preprocessing.KBinsDiscretizer`, bins holding equal numbers of pixels,
and compares the three by their error (MSE and PSNR, defined in :ref:`mse-psnr`) and
by their rate, the bits each pixel costs.

It then looks at a second choice, hidden in
:meth:`~sklearn.preprocessing.KBinsDiscretizer.inverse_transform`: the grey level each
bin is turned back into. The discretizer uses the midpoint of the bin's two edges; the
mean of the pixels that fell in the bin is never worse, and sometimes much better.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 1

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
# ``quantile_method="averaged_inverted_cdf"`` names the way percentiles are computed;
# it is the default from scikit-learn 1.9 on, and versions 1.7 and 1.8 warn when it is
# left out.
import numpy as np
from scipy.datasets import face
from sklearn.preprocessing import KBinsDiscretizer

np.set_printoptions(linewidth=69)

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
    # Bin numbers, 0 to 7, as integers to index with.
    fitted = discretizer.fit_transform(pixels)
    codes[strategy] = fitted.ravel().astype(np.intp)
    discretizers[strategy] = discretizer
    edges = np.round(discretizer.bin_edges_[0], 2)
    print(f"Edges of the {strategy} bins:\n{edges}")

# %%
# The uniform edges are evenly spaced. The quantile edges are whole grey levels, close
# together in the middle of the range, where the walkthrough's histogram showed most
# pixels, and far apart at both ends. The k-means edges mostly lie between the two.
#
# What the three images look like
# --------------------------------
# :meth:`~sklearn.preprocessing.KBinsDiscretizer.inverse_transform` replaces each bin
# number by the midpoint of its bin (what the walkthrough called the bin's centre). We
# look at a detail of the raccoon's face, where the white fur shows the differences
# best, at its own size: one pixel of the image is one pixel of the figure.
import matplotlib.pyplot as plt

midpoint_images = {
    strategy: discretizers[strategy]
    .inverse_transform(codes[strategy].reshape(-1, 1))
    .reshape(raccoon.shape)
    for strategy in strategies
}

# The detail: 216 rows and 288 columns of the face.
crop = (slice(160, 376), slice(460, 748))
crop_height, crop_width = 216, 288


def detail_figure(panels, height_in_pixels, title):
    """A figure 624 pixels wide showing the detail ``crop`` of each
    (column, row, image, title) of ``panels``, one image pixel per
    figure pixel."""
    fig = plt.figure(figsize=(6.24, height_in_pixels / 100), dpi=100)
    for column, row, image, name in panels:
        left = 16 + column * (crop_width + 16)
        top = 56 + row * (crop_height + 36)
        bottom = height_in_pixels - top - crop_height
        ax = fig.add_axes(
            [left / 624, bottom / height_in_pixels]
            + [crop_width / 624, crop_height / height_in_pixels]
        )
        grey = {"cmap": "gray", "vmin": 0, "vmax": 255}
        ax.imshow(image[crop], interpolation="nearest", **grey)
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title)
    return fig


panels = [
    (0, 0, raccoon, "Original (256 levels)"),
    (1, 0, midpoint_images["uniform"], "uniform bins"),
    (0, 1, midpoint_images["quantile"], "quantile bins"),
    (1, 1, midpoint_images["kmeans"], "kmeans bins"),
]
fig = detail_figure(
    panels, 540, "8 grey levels, three ways (bins as midpoints)"
)

# %%
# The uniform image bands the mid-greys of the fur. The quantile image renders the
# mid-greys finely, but the white fur turns into one flat, pale patch. K-means sits in
# between. Let us measure all of this.
#
# How many pixels fall in each bin?
# ---------------------------------
# :func:`numpy.bincount` counts how often each bin number occurs.
pixels_per_bin = {
    strategy: np.bincount(codes[strategy], minlength=n_bins)
    for strategy in strategies
}
for strategy in strategies:
    print(f"Pixels per {strategy} bin:\n{pixels_per_bin[strategy]}")
print(f"An eighth of the image: {n_pixels / n_bins:.0f} pixels")

# %%
# Drawn on the grey-level axis, each bin becomes a bar as wide as the bin and as high as
# its number of pixels. The dashed line marks an eighth of the image.
fig, axes = plt.subplots(
    ncols=3, figsize=(7.2, 3.2), layout="constrained", sharey=True
)
for strategy, ax in zip(strategies, axes):
    edges = discretizers[strategy].bin_edges_[0]
    ax.bar(
        edges[:-1],
        pixels_per_bin[strategy] / 1000,
        width=np.diff(edges),
        align="edge",
        edgecolor="white",
    )
    ax.axhline(n_pixels / n_bins / 1000, color="k", ls="--", lw=1)
    ax.set_xlim(-0.5, 255.5)
    ax.set_title(f"{strategy} bins")
axes[0].set_ylabel("Pixels in the bin (thousands)")
fig.supxlabel("Grey level (0 = black, 255 = white)", fontsize=10)
fig.suptitle("Pixels per bin (dashed: an eighth of the image)")

# %%
# Equal widths give very unequal bins: the brightest holds few pixels, the middle ones
# many. The k-means bins are more even. The quantile bins are all close to the dashed
# line, but not exactly on it. How far off are they?
smallest_share = pixels_per_bin["uniform"].min() / n_pixels
print(f"Smallest uniform bin: {smallest_share:.1%} of the image")

quantile_gaps = pixels_per_bin["quantile"] / (n_pixels / n_bins) - 1
largest_gap = np.abs(quantile_gaps).max()
print(f"Largest gap, a quantile bin to an eighth: {largest_gap:.1%}")

pixels_per_level = np.bincount(raccoon.ravel(), minlength=256)
most = pixels_per_level.max()
print(f"Pixels at the most frequent grey level: {most}")

# %%
# Every quantile bin is within 3 % of an eighth of the image. It cannot do much better:
# the pixels take only 256 values, and all the pixels at one grey level fall in the
# same bin. An edge can move from one level to the next, not split a level, and a
# single level holds up to several thousand pixels.
#
# Error and rate
# --------------
# We score each image by its MSE and PSNR (:ref:`mse-psnr`), and by two rates. Each
# image has 8 levels, so written with codes of equal length every bin number takes
# log₂ 8 = 3 bits: the *fixed-length rate*. A coder that gives frequent bin numbers
# shorter codes can go down to the *entropy* of the bin numbers,
# :math:`H = -\sum_k p_k \log_2 p_k` bits per pixel, where :math:`p_k` is the share of
# the pixels in bin :math:`k` (Shannon, "A mathematical theory of communication",
# 1948): the *entropy-coded rate*.


def mean_squared_error(original, quantized):
    """Mean squared difference over all pixels, in grey levels²."""
    difference = original.astype(np.float64) - quantized
    return np.mean(difference**2)


def psnr(mse):
    """PSNR in dB of an 8-bit image whose MSE is ``mse``."""
    return 10 * np.log10(255**2 / mse)


midpoint_mse = {
    strategy: mean_squared_error(raccoon, midpoint_images[strategy])
    for strategy in strategies
}
shares = {s: pixels_per_bin[s] / n_pixels for s in strategies}
entropy = {
    s: -np.sum(shares[s] * np.log2(shares[s])) for s in strategies
}
fixed_rate = np.log2(n_bins)
print(f"Fixed-length rate of every strategy: {fixed_rate:.0f} bits")
for strategy in strategies:
    mse, rate = midpoint_mse[strategy], entropy[strategy]
    print(
        f"{strategy:>8} bins: MSE {mse:6.2f}, "
        f"PSNR {psnr(mse):5.2f} dB, entropy {rate:.3f} bits"
    )

# %%
# At the same fixed-length rate, 3 bits per pixel, k-means comes first. The surprise
# is the quantile strategy: the bins that looked finest in the mid-greys give the
# largest error of the three, larger even than equal widths. The entropy-coded rates
# differ, and in the opposite order: the quantile bins, equally full, leave nothing for
# an entropy coder to save, while the unequal uniform bins are the cheapest to code.
# Comparing at equal entropy-coded rate needs quantizers with other numbers of levels;
# :ref:`sphx_glr_auto_examples_series_plot_04_entropy_coded_quantization.py` does it.
#
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
    sums = np.bincount(
        codes[strategy], weights=raccoon.ravel(), minlength=n_bins
    )
    bin_means[strategy] = sums / pixels_per_bin[strategy]
    print(f"{strategy} midpoints:\n{midpoints[strategy].round(1)}")
    print(f"{strategy} means:\n{np.round(bin_means[strategy], 1)}")

# %%
# The two agree in the crowded middle of the range and part in the outer bins. There
# the histogram slopes, so the pixels of a bin pile up on the side nearer the middle
# and pull the mean that way. The brightest quantile bin is the extreme case: it
# stretches from its lower edge up to the brightest pixel, and most of its pixels sit
# in its lower half, so its midpoint costs more than all the other bins together.
top = n_bins - 1
low, high = discretizers["quantile"].bin_edges_[0][top : top + 2]
top_midpoint = midpoints["quantile"][top]
top_mean = bin_means["quantile"][top]
in_top_bin = codes["quantile"] == top
in_lower_half = raccoon.ravel()[in_top_bin] < top_midpoint
lower_half_share = np.mean(in_lower_half)
print(f"Brightest quantile bin: {low:.0f} to {high:.0f}")
print(f"Its midpoint: {top_midpoint:.1f}, its mean: {top_mean:.1f}")
print(f"Its pixels below its midpoint: {lower_half_share:.0%}")
# Each bin's extra error with its midpoint, n (mean - midpoint)².
gaps = bin_means["quantile"] - midpoints["quantile"]
extra = pixels_per_bin["quantile"] * gaps**2
top_share = extra[top] / extra.sum()
print(f"Its share of the midpoints' extra error: {top_share:.0%}")

# %%
# On the original histogram, with each bin shaded and its two values drawn:
fig, axes = plt.subplots(
    nrows=3, figsize=(7.2, 6.4), layout="constrained", sharex=True
)
levels = np.arange(256)
for strategy, ax in zip(strategies, axes):
    # Each bin's grey levels are drawn as one block.
    level_bins = discretizers[strategy].transform(levels[:, None])
    for number in range(n_bins):
        in_bin = np.flatnonzero(level_bins.ravel() == number)
        ax.stairs(
            pixels_per_level[in_bin],
            np.append(in_bin, in_bin[-1] + 1) - 0.5,
            fill=True,
            color="silver" if number % 2 == 0 else "dimgray",
        )
    # Vertical lines from the bottom to the top of the axes.
    spans = {"transform": ax.get_xaxis_transform(), "linewidth": 1.5}
    ax.vlines(midpoints[strategy], 0, 1, "C1", "--", **spans)
    ax.vlines(bin_means[strategy], 0, 1, colors="C0", **spans)
    ax.set_title(f"{strategy} bins")
    ax.set_ylabel("Pixels per level")
legend_lines = [
    plt.Line2D([], [], color="C1", ls="--", label="midpoint"),
    plt.Line2D([], [], color="C0", label="mean of the pixels"),
]
fig.legend(handles=legend_lines, loc="outside lower center", ncols=2)
axes[-1].set_xlim(-0.5, 255.5)
axes[-1].set_xlabel("Grey level (0 = black, 255 = white)")
fig.suptitle("The two values of each bin (bins shaded alternately)")

# %%
# Midpoint or mean: the error
# ---------------------------
# Indexing the array of 8 means with the bin numbers rebuilds each image with the bin
# means. We measure both reconstructions; the last column is the gain in PSNR. The
# bins, and so both rates, stay the same: 8 means take no more bits than 8 midpoints.
mean_images, mean_mse = {}, {}
for s in strategies:
    mean_images[s] = bin_means[s][codes[s]].reshape(raccoon.shape)
    mean_mse[s] = mean_squared_error(raccoon, mean_images[s])
psnr_gain = {
    s: psnr(mean_mse[s]) - psnr(midpoint_mse[s]) for s in strategies
}

print("MSE in grey levels², PSNR in dB; bins as midpoints or means")
print("    bins | MSE midpoint    mean | PSNR midpoint   mean  gain")
for strategy in strategies:
    mid, mean = midpoint_mse[strategy], mean_mse[strategy]
    gain = psnr_gain[strategy]
    print(
        f"{strategy:>8} |     {mid:8.2f} {mean:7.2f} |      "
        f"{psnr(mid):8.2f} {psnr(mean):6.2f} {gain:5.2f}"
    )

# %%
# The means win for every strategy, as they must. The gain is small for the uniform
# bins, larger for k-means, and largest for the quantile bins, enough to lift them from
# last place to second, close to k-means. Comparing strategies by the error of
# ``inverse_transform`` alone partly compares the midpoint rule, not the bins.
#
# Best for the bin, not for every pixel
# -------------------------------------
# The mean is the best single value for all the pixels of a bin together. Pixels of the
# bin that lie closer to the midpoint than to the mean lose, and a whole region can
# lose. The face in our detail is one: its white fur holds the brightest pixels of the
# brightest bin, closer to the midpoint. We compare the two details at their own size,
# and map, over the whole image, how the squared error of each pixel changes when the
# quantile bins are shown as their means instead of their midpoints.
original = raccoon.astype(np.float64)
error_change = (original - mean_images["quantile"]) ** 2 - (
    original - midpoint_images["quantile"]
) ** 2
quantile_images = {
    "midpoints": midpoint_images["quantile"],
    "means": mean_images["quantile"],
}
close_up_mse = {}
for name, image in quantile_images.items():
    mse = mean_squared_error(raccoon[crop], image[crop])
    close_up_mse[name] = mse
    print(f"Detail MSE, quantile bins as their {name}: {mse:.1f}")
lowered = np.mean(error_change < 0)
raised = np.mean(error_change > 0)
print(f"Pixels whose error the means lower: {lowered:.1%}")
print(f"Pixels whose error the means raise: {raised:.1%}")

panels = [
    (column, 0, image, f"{name} (MSE {close_up_mse[name]:.1f})")
    for column, (name, image) in enumerate(quantile_images.items())
]
title = "Quantile bins: each bin as its midpoint or its mean"
fig = detail_figure(panels, 700, title)
ax = fig.add_axes([70 / 624, 44 / 700, 400 / 624, 300 / 700])
cax = fig.add_axes([490 / 624, 44 / 700, 14 / 624, 300 / 700])
# Colours stop at ±400 so that small changes show (a few go beyond).
limits = {"vmin": -400, "vmax": 400}
change_map = ax.imshow(error_change, cmap="RdBu_r", **limits)
ax.set_title(
    "Change of each pixel's squared error\n(blue: mean is closer)"
)
ax.set_xlabel("Column (pixels)")
ax.set_ylabel("Row (pixels)")
change_label = "Change (grey levels²)"
fig.colorbar(change_map, cax=cax, extend="both", label=change_label)

# %%
# In the face, the means make the detail worse: its bright whites were closer to the
# midpoint. Over the whole image, blue wins: more pixels gain than lose and, as the
# identity above guarantees, the gains outweigh the losses in total. The mean is the
# right value for a bin as a whole; no single value per bin suits every region of the
# image.
#
# K-means had found the means already
# -----------------------------------
# The k-means bins gain too, which may seem odd: k-means is built to minimize this very
# error. It does, but the discretizer keeps only the edges it derives from the 8 k-means
# levels, and ``inverse_transform`` returns the midpoints of those edges, not the
# levels. The levels k-means found are the bin means: each inner k-means edge lies
# halfway between the means of the two bins it separates.
kmeans_edges = discretizers["kmeans"].bin_edges_[0]
halfway = (bin_means["kmeans"][:-1] + bin_means["kmeans"][1:]) / 2
edge_gap = np.abs(kmeans_edges[1:-1] - halfway).max()
print(f"Largest gap, k-means edge to halfway point: {edge_gap:.3f}")

# %%
# So the k-means bins shown with their means meet the two conditions that Lloyd
# ("Least squares quantization in PCM", 1957, published 1982) and Max ("Quantizing for
# minimum distortion", 1960) showed any quantizer with the lowest possible MSE for its
# number of levels must meet: each value is the mean of its bin, and each edge lies
# halfway between neighbouring values, so every pixel gets the nearest value. These
# conditions are necessary, not sufficient;
# :ref:`sphx_glr_auto_examples_series_plot_03_rate_distortion.py` measures how close
# to the best we are. Between midpoint and mean, the outermost bins move most: their
# outer edge is the darkest or brightest pixel, not a halfway point.
kmeans_moves = np.abs(bin_means["kmeans"] - midpoints["kmeans"])
moves = np.round(kmeans_moves, 1)
print(f"Move of each k-means bin, midpoint to mean:\n{moves}")

# %%
# Conclusion
# ----------
#
# Uniform bins waste levels on rare grey levels, quantile bins follow the pixels but
# their outer midpoints are far off, and k-means bins give the lowest error at the same
# fixed-length rate of 3 bits per pixel; entropy coding favours the unequal bins, a
# comparison the rate-distortion page takes up. Whatever the bins, show each one as the
# mean of its pixels, and compare strategies with the same reconstruction: the mean is
# never worse, and 8 means take no more room than 8 midpoints. Turning 3 bits per
# pixel, with a table of 8 grey levels, into real bytes saved is the subject of the
# next page.

plt.show()
