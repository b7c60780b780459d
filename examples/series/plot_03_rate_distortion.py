"""
===================
Rate and distortion
===================

More bits per pixel buy more grey levels and a more faithful image. This page measures
that trade for every rate from 1 to 8 bits per pixel, for the three strategies of
:class:`~sklearn.preprocessing.KBinsDiscretizer` (uniform, quantile and k-means bins),
and compares them with the best quantizer that can exist: the exact minimum of the error
over every way of grouping the 256 grey levels, which a short dynamic programme finds.
On the way, it fits the discretizer on the image's histogram instead of its 786432
pixels, and checks that this gives the same bins, much faster, with one surprise for
k-means.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 1

# %%
# The histogram is all we need
# ----------------------------
# Every quantizer on this page maps each *grey level* to a bin, so the error it makes
# depends on the image only through the number of pixels at each level: the histogram.
# :func:`numpy.bincount` counts them, one count for each of the 256 levels.
import numpy as np
from scipy.datasets import face

raccoon = face(gray=True)
n_pixels = raccoon.size
grey_levels = np.arange(256)
counts = np.bincount(raccoon.ravel(), minlength=256)

in_use = counts > 0
levels_in_use = grey_levels[in_use]
weights_in_use = counts[in_use].astype(float)
print(f"Pixels: {n_pixels}")
print(f"Grey levels in use: {in_use.sum()} (from {levels_in_use.min()} to {levels_in_use.max()})")

# %%
# Rate, distortion and how we score them
# --------------------------------------
# The *rate* is the number of bits spent on each pixel: with :math:`b` bits per pixel a
# quantizer can use :math:`k = 2^b` grey levels, from 2 levels at 1 bit to 256 at 8
# bits. The *distortion* is the mean squared error (MSE): the average, over all pixels,
# of the squared difference between the original grey level and the one that replaces
# it. Image people usually quote it as a peak signal-to-noise ratio (PSNR), in decibels:
#
# .. math::
#
#    \mathrm{PSNR} = 10 \log_{10} \frac{255^2}{\mathrm{MSE}}\ \mathrm{dB},
#
# where 255 is the largest grey level. Higher is better; dividing the MSE by 10 adds
# 10 dB, and an exact copy (MSE = 0) has an infinite PSNR.
#
# A set of bins does not fix the grey level each bin is shown with. The walkthrough used
# the centre of the bin. Here every bin is shown with the *mean* grey level of its
# pixels: for a fixed bin, that is the one value with the smallest squared error (the
# page :ref:`sphx_glr_auto_examples_series_plot_01_choosing_bins.py` shows why), so every
# strategy is scored at its best and the comparison is about where the bins are, nothing
# else.
#
# With the histogram, both the bin means and the error are sums over 256 levels instead
# of 786432 pixels. A bin's edges work as in ``KBinsDiscretizer.transform``: a level
# falls in the bin whose left edge is the last one at or below it.


def distortion(edges):
    """MSE of the image when each bin between ``edges`` is shown by its mean grey level."""
    bins = np.searchsorted(edges[1:-1], grey_levels, side="right")
    pixels_per_bin = np.bincount(bins, weights=counts)
    sums_per_bin = np.bincount(bins, weights=counts * grey_levels)
    means = np.divide(
        sums_per_bin, pixels_per_bin, out=np.zeros_like(sums_per_bin), where=pixels_per_bin > 0
    )
    return np.sum(counts * (grey_levels - means[bins]) ** 2) / n_pixels


def psnr(mse):
    """Peak signal-to-noise ratio in dB of an 8-bit image; infinite for an exact copy."""
    return np.inf if mse == 0 else 10 * np.log10(255**2 / mse)


# %%
# As a check, we quantize the actual 786432 pixels once, with the walkthrough's 8
# equally wide bins, and compare with the histogram's answer.
from sklearn.preprocessing import KBinsDiscretizer

pixels = raccoon.reshape(-1, 1)
uniform_3_bits = KBinsDiscretizer(
    n_bins=8, encode="ordinal", strategy="uniform", subsample=None
).fit(pixels)
codes = uniform_3_bits.transform(pixels).astype(int).ravel()
bin_means = np.bincount(codes, weights=raccoon.ravel()) / np.bincount(codes)
mse_from_pixels = np.mean((raccoon.ravel() - bin_means[codes]) ** 2)
mse_from_histogram = distortion(uniform_3_bits.bin_edges_[0])
assert np.isclose(mse_from_pixels, mse_from_histogram)
print(f"MSE computed on the pixels:    {mse_from_pixels:.4f}")
print(f"MSE computed on the histogram: {mse_from_histogram:.4f}")
print(f"PSNR: {psnr(mse_from_histogram):.2f} dB")

# %%
# Fitting on the histogram
# ------------------------
# The bins themselves can be learnt from the histogram too. In scikit-learn 1.9,
# :meth:`KBinsDiscretizer.fit <sklearn.preprocessing.KBinsDiscretizer.fit>` takes a
# ``sample_weight`` for all three strategies (for uniform bins since 1.7): we hand it
# the 251 grey levels in use,
# each weighted by its number of pixels, as if each level were repeated that many
# times. (For ``strategy="quantile"``, weights need ``quantile_method`` to be
# ``"inverted_cdf"`` or ``"averaged_inverted_cdf"``; the latter is the default since
# 1.9, and the one an unweighted fit uses too.) With 251 rows the 200 000-row subsample
# never applies, so ``subsample=None`` only matters for the fit on the pixels.
#
# We fit each strategy both ways with the walkthrough's 8 bins and compare the edges. We
# also time the fits: the slow fit on the pixels once, the quick one on the histogram as
# the median of 5 runs.
import time


def median_seconds(function, *args, repeats=5, **kwargs):
    """Median wall-clock time of ``function(*args, **kwargs)`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return np.median(times)


def discretizer(strategy, n_bins):
    """An unfitted one-feature discretizer that learns from every row it is given."""
    return KBinsDiscretizer(n_bins=n_bins, encode="ordinal", strategy=strategy, subsample=None)


column_in_use = levels_in_use.reshape(-1, 1).astype(float)
edges_on_pixels = {}
edges_on_histogram = {}
for strategy in ["uniform", "quantile", "kmeans"]:
    start = time.perf_counter()
    on_pixels = discretizer(strategy, 8).fit(pixels)
    seconds_pixels = time.perf_counter() - start
    on_histogram = discretizer(strategy, 8).fit(column_in_use, sample_weight=weights_in_use)
    edges_on_pixels[strategy] = on_pixels.bin_edges_[0]
    edges_on_histogram[strategy] = on_histogram.bin_edges_[0]
    largest_gap = np.abs(edges_on_pixels[strategy] - edges_on_histogram[strategy]).max()
    seconds_histogram = median_seconds(
        discretizer(strategy, 8).fit, column_in_use, sample_weight=weights_in_use
    )
    print(
        f"{strategy:>8}: largest difference between the edges {largest_gap:.3g} grey levels; "
        f"fit on pixels {1000 * seconds_pixels:.1f} ms, on histogram "
        f"{1000 * seconds_histogram:.1f} ms"
    )

# %%
# Uniform and quantile bins come out identical, to the last digit, from a table 3000
# times shorter. Uniform bins only need the darkest and brightest level, so both fits
# are instant; the quantile and k-means fits, which work through every row, are many
# times faster on the histogram (the times above were measured while this page was
# built). K-means is the surprise: its edges differ by more than two grey levels.
#
# Why k-means stops early on the histogram
# ----------------------------------------
# The weights are not the problem. One round of k-means (:class:`~sklearn.cluster.KMeans`
# with Lloyd's algorithm) puts each row in the cluster of its nearest centre, then moves
# each centre to the weighted mean of its rows: on the histogram, exactly what it does on
# the pixels. The difference is *when it stops*. ``KMeans`` stops once the squared
# distances the centres moved in the last round, added up, fall below ``tol`` times the
# variance of its input (``tol=1e-4`` by default), and that variance is computed from the
# rows alone, without the weights:
print(f"Variance of the 786432 pixels:          {raccoon.var():.0f}")
print(f"Variance of the 251 levels, unweighted: {levels_in_use.var():.0f}")

# %%
# Levels spread evenly from 0 to 250 vary more than the pixels, which crowd in the middle
# grey levels, so the histogram fit accepts larger moves as "converged" and stops
# sooner. ``KBinsDiscretizer`` does not let us change ``tol``, but its k-means step is
# short: a 1-D ``KMeans`` started from the centres of equally wide bins, with the edges
# halfway between neighbouring centres. We run it ourselves on the histogram with
# ``tol=0``, which means "stop when no row changes cluster" (Lloyd's algorithm cannot
# move any further then).
#
# Asking for more centres than there are distinct grey levels makes no sense (``KMeans``
# refuses on 251 rows), so at 8 bits we ask for 251 levels: they still fit in 8 bits.
from sklearn.cluster import KMeans


def kmeans_edges(n_bins):
    """KBinsDiscretizer's k-means edges, fitted on the histogram and run to convergence."""
    n_bins = min(n_bins, len(levels_in_use))
    low, high = levels_in_use.min(), levels_in_use.max()
    uniform_edges = np.linspace(low, high, n_bins + 1)
    start = (uniform_edges[:-1] + uniform_edges[1:]).reshape(-1, 1) / 2
    kmeans = KMeans(n_clusters=n_bins, init=start, n_init=1, tol=0)
    kmeans.fit(column_in_use, sample_weight=weights_in_use)
    centres = np.sort(kmeans.cluster_centers_.ravel())
    return np.r_[low, (centres[:-1] + centres[1:]) / 2, high], kmeans.n_iter_


EDGE_TOLERANCE = 1e-6  # grey levels
converged_edges, _ = kmeans_edges(8)
largest_gap = np.abs(converged_edges - edges_on_pixels["kmeans"]).max()
assert largest_gap < EDGE_TOLERANCE
seconds_converged = median_seconds(kmeans_edges, 8)
print(f"Largest difference from the fit on all pixels: {largest_gap:.2g} grey levels")
print(f"Time of the converged fit on the histogram: {1000 * seconds_converged:.1f} ms")

# %%
# Run to the end, the histogram fit finds the pixels' edges to within rounding
# (:math:`10^{-6}` of a grey level is the tolerance we hold it to), still much faster.
# (On the pixels, the default tolerance happened to be tight enough here.)
#
# One tie remains. The starting centres are evenly spaced over the levels 0 to 250 and
# their number is even, so level 125, the middle of the range, lies exactly halfway
# between the two middle centres. Which of the two gets it is decided by rounding
# errors in scikit-learn's distance computation, and they need not fall the same way for
# 251 rows as for 786432 pixels. Usually the following rounds wash the difference out;
# on the machine that built this page, at 7 bits (128 levels), where k-means stops after
# 2 rounds, they did not:
even_edges = np.linspace(levels_in_use.min(), levels_in_use.max(), 129)
start_7_bits = (even_edges[:-1] + even_edges[1:]) / 2
middle_pair = start_7_bits[63:65]
print(f"Starting centres on either side of level 125: {middle_pair}")
print(f"Distances of level 125 from them: {125 - middle_pair[0]}, {middle_pair[1] - 125}")

pixels_7_bits = discretizer("kmeans", 128).fit(pixels).bin_edges_[0]
histogram_7_bits, _ = kmeans_edges(128)
largest_gap = np.abs(pixels_7_bits - histogram_7_bits).max()
psnr_gap_7_bits = psnr(distortion(pixels_7_bits)) - psnr(distortion(histogram_7_bits))
assert abs(psnr_gap_7_bits) < 0.01
print(f"7 bits: largest difference between the edges {largest_gap:.2f} grey levels")
print(f"7 bits: PSNR of the fit on pixels minus the fit on the histogram {psnr_gap_7_bits:.4f} dB")

# %%
# Both are quantizers that Lloyd's algorithm cannot improve, and they differ by a
# negligible fraction of a dB. From now on, "k-means" means the converged bins fitted on
# the histogram, and all fits are made on the histogram.
#
# The best possible quantizer
# ---------------------------
# With :math:`k` levels, which grouping of the 256 grey levels into :math:`k` bins has
# the smallest MSE? Two facts make the question small enough to answer exactly.
#
# * The best bins are *intervals* of grey levels. In the best quantizer each pixel is
#   shown with the closest of the :math:`k` reconstruction values (otherwise moving it
#   would lower the error), and the grey levels closest to one value form an interval.
# * The error splits into one term per interval: the pixels' squared distance to their
#   interval's mean. With running totals (prefix sums) of the counts :math:`c_x`, of
#   :math:`c_x x` and of :math:`c_x x^2`, the error of any interval takes three
#   subtractions: :math:`\sum c x^2 - (\sum c x)^2 / \sum c`.
#
# Let :math:`E_m(j)` be the smallest error when levels :math:`0, \dots, j-1` are split
# into :math:`m` intervals. The last interval starts at some level :math:`i < j`, so
#
# .. math::
#
#    E_m(j) = \min_{i < j} \big( E_{m-1}(i) + \mathrm{cost}(i, j) \big),
#    \qquad E_0(0) = 0,
#
# and the answer for :math:`k` levels is :math:`E_k(256)`. This is *dynamic
# programming*: each row :math:`E_m` is built from the previous one. With a table of
# all :math:`257 \times 257` interval costs, the minimum over :math:`i` is one NumPy
# reduction per row, so all numbers of levels from 1 to 256 take 256 such steps.


def optimal_squared_errors(counts, max_levels):
    """Smallest total squared error for 1..max_levels intervals of the histogram ``counts``.

    Returns ``errors`` (``errors[m]`` for ``m`` intervals) and ``starts``, where
    ``starts[m, j]`` is where the last interval begins in the best split of the first
    ``j`` levels into ``m`` intervals.
    """
    counts = np.asarray(counts, dtype=float)
    n = len(counts)
    x = np.arange(n)
    # Prefix sums: total over levels 0..j-1 sits at index j.
    s0, s1, s2 = (np.r_[0, np.cumsum(counts * x**p)] for p in range(3))
    i, j = np.arange(n + 1)[:, None], np.arange(n + 1)[None, :]
    pixels, total, squares = s0[j] - s0[i], s1[j] - s1[i], s2[j] - s2[i]
    cost = squares - total**2 / np.where(pixels > 0, pixels, 1)
    cost = np.where(j > i, np.maximum(cost, 0), np.inf)  # an interval holds >= 1 level

    best = np.full(n + 1, np.inf)
    best[0] = 0  # zero levels split into zero intervals
    errors = np.full(max_levels + 1, np.inf)
    starts = np.zeros((max_levels + 1, n + 1), dtype=int)
    for m in range(1, max_levels + 1):
        candidates = best[:, None] + cost  # row i: last interval starts at level i
        starts[m] = candidates.argmin(axis=0)
        best = candidates[starts[m], np.arange(n + 1)]
        errors[m] = best[n]
    return errors, starts


def optimal_edges(starts, n_levels):
    """First level of each interval of the best split into ``n_levels``, then the end."""
    edges = [starts.shape[1] - 1]
    for m in range(n_levels, 0, -1):
        edges.append(starts[m, edges[-1]])
    return np.array(edges[::-1], dtype=float)


start = time.perf_counter()
optimal_errors, optimal_starts = optimal_squared_errors(counts, 256)
seconds_optimum = time.perf_counter() - start
print(f"Best quantizers for 1 to 256 levels found in {1000 * seconds_optimum:.0f} ms")

# %%
# The edges ``optimal_edges`` returns are bin edges like any other (each interval starts
# at its edge), so ``distortion`` scores them too, and must find the programme's own
# minimum. At 3 bits the best intervals resemble the k-means bins, those in the bright
# half starting a few levels darker, for a slightly lower MSE:
best_3_bits = optimal_edges(optimal_starts, 8)
assert np.isclose(distortion(best_3_bits), optimal_errors[8] / n_pixels)
print(f"Best intervals at 3 bits start at levels: {best_3_bits[:-1].astype(int)}")
print(f"K-means bins at 3 bits start at levels:   {np.ceil(converged_edges[:-1]).astype(int)}")
print(f"MSE of the best 3-bit quantizer: {optimal_errors[8] / n_pixels:.4f}")
print(f"MSE of the k-means 3-bit bins:   {distortion(converged_edges):.4f}")

# %%
# Every rate, every strategy
# --------------------------
# We now fit the three strategies at every rate from 1 to 8 bits, on the histogram, and
# score them next to the optimum. Quantile bins need one precaution. Some single grey
# levels hold more than 1/256 of the pixels, so at 256 bins several quantiles fall on the
# same level; ``KBinsDiscretizer`` then drops the empty bins and says so with a
# ``UserWarning``. We silence exactly that message and print how many bins were kept.
import warnings

bits = np.arange(1, 9)
strategies = ["uniform", "quantile", "k-means"]
mse = {name: np.zeros(len(bits)) for name in strategies + ["optimum"]}
quantile_bins_kept = np.zeros(len(bits), dtype=int)
kmeans_rounds = np.zeros(len(bits), dtype=int)

for row, b in enumerate(bits):
    n_bins = 2**b
    uniform = discretizer("uniform", n_bins).fit(column_in_use, sample_weight=weights_in_use)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Bins whose width are too small")
        quantile = discretizer("quantile", n_bins).fit(column_in_use, sample_weight=weights_in_use)
    quantile_bins_kept[row] = quantile.n_bins_[0]
    edges, kmeans_rounds[row] = kmeans_edges(n_bins)

    mse["uniform"][row] = distortion(uniform.bin_edges_[0])
    mse["quantile"][row] = distortion(quantile.bin_edges_[0])
    mse["k-means"][row] = distortion(edges)
    mse["optimum"][row] = optimal_errors[n_bins] / n_pixels

# No strategy can beat the optimum at the same number of levels.
for name in strategies:
    assert np.all(mse["optimum"] <= mse[name] + 1e-9), name

psnr_db = {name: np.array([psnr(m) for m in values]) for name, values in mse.items()}


def show(value):
    return "lossless" if np.isinf(value) else f"{value:.2f}"


print("PSNR in dB")
print("bits  levels   uniform  quantile   k-means   optimum")
for row, b in enumerate(bits):
    cells = "".join(f"{show(psnr_db[name][row]):>10}" for name in mse)
    print(f"{b:>4}  {2**b:>6}{cells}")
print(f"Quantile bins kept at each rate: {quantile_bins_kept}")
print(f"Rounds of k-means at each rate: {kmeans_rounds}")

# %%
# At 8 bits the optimum, uniform bins and k-means are all *lossless*: the image uses
# only 251 grey levels, and 256 bins (251 for k-means) give each its own bin. (Uniform
# bins over 0 to 250 are less than one level wide, so no bin holds two levels.) Quantile
# bins are not: with 199 bins kept, some still group several levels.
#
# The 6 dB-per-bit rule
# ---------------------
# A rule of thumb says each extra bit is worth about 6 dB. One more bit doubles the
# number of levels; if the grey levels were spread evenly, each bin would become half as
# wide, and the error inside a bin, which grows like the square of its width, would fall
# by 4: :math:`10 \log_{10} 4 \approx 6.02` dB. For a signal spread evenly over the 256
# levels and bins of width :math:`\Delta = 256 / 2^b`, the MSE is :math:`\Delta^2/12`,
# which gives the dashed line below. Lossless points have no finite PSNR: we mark them
# above the dotted line at the top of the plot instead.
import matplotlib.pyplot as plt

styles = {
    "uniform": {"color": "tab:blue", "marker": "o"},
    "quantile": {"color": "tab:orange", "marker": "s"},
    "k-means": {"color": "tab:green", "marker": "D"},
    "optimum": {"color": "black", "marker": "*", "markersize": 10},
}
rule_of_thumb = 10 * np.log10(255**2 * 12 / (256 / 2.0**bits) ** 2)
top = 64

fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
ax.plot(bits, rule_of_thumb, "--", color="grey", label="6.02 dB per bit (evenly spread levels)")
for name, values in psnr_db.items():
    finite = np.isfinite(values)
    ax.plot(bits[finite], values[finite], label=name, **styles[name])
    ax.plot(bits[~finite], np.full((~finite).sum(), top - 2), linestyle="none", **styles[name])
lossless = [name for name in psnr_db if np.isinf(psnr_db[name][-1])]
ax.axhline(top - 4, color="grey", linestyle=":", linewidth=1)
ax.annotate(
    "lossless (MSE = 0, PSNR infinite):\n" + ", ".join(lossless),
    xy=(8, top - 2),
    xytext=(-10, 0),
    textcoords="offset points",
    ha="right",
    va="center",
)
ax.set_ylim(10, top)
ax.set_xticks(bits)
ax.set_title("Quality against rate on the raccoon face")
ax.set_xlabel("Rate (bits per pixel)")
ax.set_ylabel("PSNR (dB)")
ax.legend(loc="lower right")

steps = np.diff(psnr_db["optimum"][:-1])
above_rule = psnr_db["optimum"][:-1] - rule_of_thumb[:-1]
print(f"PSNR gained by the optimum with each bit from 1 to 7 (dB): {np.round(steps, 2)}")
print(f"Optimum above the dashed line from 1 to 7 bits (dB): {np.round(above_rule, 2)}")
mean_gain = {name: (values[6] - values[0]) / 6 for name, values in psnr_db.items()}
for name, gain in mean_gain.items():
    print(f"{name:>8}: {gain:.2f} dB per bit on average from 1 to 7 bits")

# %%
# Each bit adds close to 6 dB for the optimum, k-means and uniform bins, noticeably less
# for quantile bins, which fall behind from 4 bits on. The optimum stays 1 to 2 dB
# above the line: the image's levels are not spread evenly, and a quantizer that
# follows the histogram does better than one for an even spread. The rule breaks at the
# top: an image made of whole grey levels is copied exactly at 8 bits, where the formula
# still predicts a finite error.
#
# How far from the optimum?
# -------------------------
# The curves are too close to tell apart on the scale above. The distance of a strategy
# from the optimum, in dB, is the ratio of their MSEs: :math:`10 \log_{10}
# (\mathrm{MSE} / \mathrm{MSE}_\mathrm{best})`. It is defined where the optimum's error is
# not zero, so from 1 to 7 bits.
lossy = np.isfinite(psnr_db["optimum"])
gap_db = {name: psnr_db["optimum"][lossy] - psnr_db[name][lossy] for name in strategies}

fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
for name in strategies:
    ax.plot(bits[lossy], gap_db[name], label=name, **styles[name])
ax.axhline(0, color="black", linewidth=1, label="optimum")
ax.set_xticks(bits[lossy])
ax.set_title("Distance from the best quantizer with as many levels")
ax.set_xlabel("Rate (bits per pixel)")
ax.set_ylabel("PSNR below the optimum (dB)")
ax.legend()

for name in strategies:
    print(f"{name:>8} below the optimum (dB): {np.round(gap_db[name], 2)}")

# %%
# * **Uniform bins** are the furthest behind from 1 to 3 bits, where spending levels on
#   the nearly empty dark and bright ends costs most, and stay less than 1 dB behind at
#   every rate.
# * **Quantile bins** start well but fall furthest behind from 4 bits on, more with
#   every bit. Equal pixel counts make the bins narrow in the crowded middle and very
#   wide in the sparse bright end, and one wide bin holds a large share of the error (see
#   below).
# * **K-means** is almost optimal up to 3 bits. From 6 bits on it does no better than
#   uniform bins.
worst_low = [max(strategies, key=lambda name: gap_db[name][row]) for row in range(3)]
worst_high = [max(strategies, key=lambda name: gap_db[name][row]) for row in range(3, 7)]
assert worst_low == ["uniform"] * 3 and worst_high == ["quantile"] * 4
assert np.all(gap_db["uniform"] < 1) and np.all(np.diff(gap_db["quantile"][2:]) > 0)
assert np.all(gap_db["k-means"][:3] < 0.1)
assert np.all(np.abs(psnr_db["k-means"][5:7] - psnr_db["uniform"][5:7]) < 0.01)
print(f"Largest gap of k-means up to 3 bits: {gap_db['k-means'][:3].max():.3f} dB")
print(
    "K-means minus uniform at 5, 6 and 7 bits (dB): "
    f"{np.round(psnr_db['k-means'][4:7] - psnr_db['uniform'][4:7], 3)}"
)

# %%
# The quantile bins at 6 bits show what goes wrong: the brightest bin is by far the
# widest, and it alone makes a large part of the error.
quantile_6_bits = discretizer("quantile", 64).fit(column_in_use, sample_weight=weights_in_use)
edges = quantile_6_bits.bin_edges_[0]
bins = np.searchsorted(edges[1:-1], grey_levels, side="right")
means = np.bincount(bins, weights=counts * grey_levels) / np.bincount(bins, weights=counts)
error_per_bin = np.bincount(bins, weights=counts * (grey_levels - means[bins]) ** 2)
print(f"Widths of the last 4 quantile bins (grey levels): {np.diff(edges)[-4:]}")
print(f"Median width of a quantile bin: {np.median(np.diff(edges)):.1f} grey levels")
print(f"Share of the error in the brightest bin: {error_per_bin[-1] / error_per_bin.sum():.0%}")

# %%
# Why k-means stops short
# -----------------------
# K-means starts from the centres of equally wide bins. Each round moves every centre to
# the mean of its bin; but the pixels sit on whole grey levels, so a centre can move by
# a fraction of a level without any level changing bin, and then the next round changes
# nothing: Lloyd's algorithm has converged, to a quantizer no round of it can improve,
# which is not the best one. At 5 bits (32 levels) we compare how far the k-means edges
# and the best edges lie from the evenly spaced start. (The best intervals start at
# whole levels; their edges sit half a level lower, between two levels.)
best_5_bits = optimal_edges(optimal_starts, 32) - 0.5
kmeans_5_bits, rounds = kmeans_edges(32)
evenly_spaced = np.linspace(levels_in_use.min(), levels_in_use.max(), 33)
kmeans_move = np.abs(kmeans_5_bits - evenly_spaced)[1:-1].mean()
best_move = np.abs(best_5_bits - evenly_spaced)[1:-1].mean()
assert kmeans_move < best_move / 5
print(f"Rounds of k-means at 5 bits: {rounds}")
print(
    f"Mean distance of an inner edge from the evenly spaced start: k-means {kmeans_move:.2f}, "
    f"best {best_move:.2f} grey levels"
)

fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
# One bar per grey level, drawn as a single filled outline (quicker than 256 rectangles).
ax.stairs(counts, np.arange(257) - 0.5, fill=True, color="lightgrey", label="pixels per grey level")
ax.vlines(
    kmeans_5_bits[1:-1],
    0,
    0.5,
    transform=ax.get_xaxis_transform(),
    color="tab:green",
    label="k-means edges",
)
ax.vlines(
    best_5_bits[1:-1],
    0.5,
    1,
    transform=ax.get_xaxis_transform(),
    color="black",
    label="best edges",
)
ax.set_xlim(-0.5, 255.5)
ax.set_title("Bin edges at 5 bits per pixel: k-means (lower half) and best (upper half)")
ax.set_xlabel("Grey level (0 = black, 255 = white)")
ax.set_ylabel("Number of pixels")
fig.legend(loc="outside lower center", ncols=3)

# %%
# K-means edges stay almost evenly spaced, about 8 levels apart; the best edges are
# narrower in the crowded middle and leave a wide last bin for the few bright pixels.
#
# What to take away
# -----------------
# Fitting on the 251 weighted grey levels made every fit on this page cheap, and the
# exact optimum costs a fraction of a second because it too works on the histogram. At
# low rates k-means bins are as good as any; from 4 bits on, the best of the three
# strategies is still 0.4 to 0.9 dB below the optimum, and for a one-channel image with
# 256 grey levels the dynamic programme is simply the quantizer to use.
best_strategy_gap = np.min([gap_db[name] for name in strategies], axis=0)
print(f"Best strategy below the optimum, 1 to 7 bits (dB): {np.round(best_strategy_gap, 2)}")
