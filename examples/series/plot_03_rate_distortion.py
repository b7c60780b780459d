"""
===================
Rate and distortion
===================

More bits per pixel buy a more faithful image. This page measures the trade for the grey
raccoon at a *fixed rate*, where every pixel's index takes the same number of bits, 3 for
8 levels: it compares KBinsDiscretizer's strategies and k-means with the best fixed-rate
scalar quantizer, found exactly, and checks the high-rate theory against it.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 1

# %%
# The histogram is all we need
# ----------------------------
# :ref:`sphx_glr_auto_examples_series_plot_02_saving_memory.py` stored 8 grey levels
# in 3 bits per pixel and measured what an entropy coder would need. This page asks
# how faithful the image can be for each number of bits. Every quantizer on this page
# maps each *grey level* to a bin, so its error and its rate depend on the image only
# through the number of pixels at each of the 256 levels: the histogram, which
# :func:`numpy.bincount` counts.
import numpy as np
from scipy.datasets import face

raccoon = face(gray=True)
n_pixels = raccoon.size
grey_levels = np.arange(256)
counts = np.bincount(raccoon.ravel(), minlength=256)
levels_in_use = np.flatnonzero(counts)
print(f"Pixels: {n_pixels}")
print(
    f"Grey levels in use: {len(levels_in_use)} "
    f"(from {levels_in_use.min()} to {levels_in_use.max()})"
)

# %%
# Distortion and two kinds of rate
# --------------------------------
# The distortion is the mean squared error (MSE) over all pixels, quoted as a PSNR
# (:ref:`mse-psnr`). Each bin is shown by the *mean* of its pixels, its best value
# (:ref:`sphx_glr_auto_examples_series_plot_01_choosing_bins.py`), so that strategies
# differ only in where they put the bins.
#
# The *fixed-length rate* of :math:`k` levels is :math:`\log_2 k` bits per pixel (bpp):
# every index takes the same bits. The *entropy-coded rate* is the entropy of the
# indices, :math:`H = -\sum_j p_j \log_2 p_j`, with :math:`p_j` the share of the
# pixels in bin :math:`j`: an entropy coder spends about :math:`-\log_2 p_j` bits on
# an index of bin :math:`j`, few on common bins, many on rare ones
# (:ref:`sphx_glr_auto_examples_series_plot_02_saving_memory.py` writes real files).
# This page compares quantizers at fixed-length rates;
# :ref:`sphx_glr_auto_examples_series_plot_04_entropy_coded_quantization.py` compares
# them at entropy-coded ones.


def score(bins):
    """MSE and index entropy (bits) when grey level ``x`` goes to bin
    ``bins[x]`` and each bin is shown by the mean of its pixels."""
    pixels = np.bincount(bins, weights=counts)
    sums = np.bincount(bins, weights=counts * grey_levels)
    means = sums / np.where(pixels > 0, pixels, 1)
    errors = counts * (grey_levels - means[bins]) ** 2
    shares = pixels[pixels > 0] / n_pixels
    return errors.sum() / n_pixels, -np.sum(shares * np.log2(shares))


def bins_of(edges):
    """Bin of each grey level, as KBinsDiscretizer bins it."""
    return np.searchsorted(edges[1:-1], grey_levels, side="right")


def psnr(mse):
    """PSNR in dB of an 8-bit image; infinite for an exact copy."""
    return np.inf if mse == 0 else 10 * np.log10(255**2 / mse)


# %%
# Four ways to place the bins
# ---------------------------
# :meth:`KBinsDiscretizer.fit <sklearn.preprocessing.KBinsDiscretizer.fit>` takes a
# ``sample_weight``: we hand it the 251 grey levels in use, each weighted by its number
# of pixels, which gives the same uniform and quantile bins as a fit on the 786 432
# pixels.
#
# KBinsDiscretizer's k-means runs :class:`~sklearn.cluster.KMeans` once, from the
# centres of equally wide bins. We run that deterministic start ourselves with
# ``tol=0``, until no grey level changes bin (on the histogram, the default tolerance,
# scaled by the rows' unweighted variance, stops it early). Beside it, ``KMeans`` with
# its k-means++ start and 10 restarts, on the same weighted histogram.
import warnings

from sklearn.cluster import KMeans
from sklearn.preprocessing import KBinsDiscretizer

column = levels_in_use.reshape(-1, 1).astype(float)
weights = counts[levels_in_use].astype(float)


def discretizer_edges(strategy, n_bins):
    """Edges of a KBinsDiscretizer fitted on the histogram."""
    # quantile_method: the weighted quantiles (the default from
    # scikit-learn 1.9 on; earlier releases need it named).
    options = {"quantile_method": "averaged_inverted_cdf"}
    fitted = KBinsDiscretizer(
        n_bins,
        encode="ordinal",
        strategy=strategy,
        **(options if strategy == "quantile" else {}),
    )
    return fitted.fit(column, sample_weight=weights).bin_edges_[0]


def kmeans_edges(n_bins, restarts=None):
    """K-means bins: KBinsDiscretizer's start run to convergence, or
    k-means++ with ``restarts`` restarts."""
    n_bins = min(n_bins, len(levels_in_use))
    if restarts is None:
        even = np.linspace(column.min(), column.max(), n_bins + 1)
        start = ((even[:-1] + even[1:]) / 2).reshape(-1, 1)
        kmeans = KMeans(n_bins, init=start, n_init=1, tol=0)
    else:
        kmeans = KMeans(n_bins, n_init=restarts, random_state=0)
    kmeans.fit(column, sample_weight=weights)
    centres = np.sort(kmeans.cluster_centers_.ravel())
    # Edges halfway between centres, as KBinsDiscretizer puts them.
    return np.r_[0, (centres[:-1] + centres[1:]) / 2, 255]


# %%
# The best fixed-rate quantizer
# -----------------------------
# Lloyd (1982, "Least squares quantization in PCM", IEEE Trans. Inf. Theory; a Bell
# Labs memo of 1957) and Max (1960, "Quantizing for minimum distortion", IRE Trans. Inf.
# Theory) gave two conditions that a :math:`k`-level quantizer with the smallest MSE
# meets: each value goes to its *nearest* level (so the bins are intervals with edges
# halfway between levels), and each level is the *centroid* (mean) of its bin. Lloyd's
# algorithm, k-means in one dimension, alternates the two and stops at *a* quantizer
# that meets both, not necessarily the best. On a histogram the best is found exactly:
# its bins are intervals and the error is a sum over them, so with :math:`E_m(j)` the
# smallest error when levels :math:`0, \dots, j - 1` make :math:`m` intervals,
#
# .. math::
#
#    E_m(j) = \min_{i < j} \big( E_{m-1}(i) + \mathrm{cost}(i, j) \big),
#    \qquad E_0(0) = 0,
#
# where :math:`\mathrm{cost}(i, j)` is the squared error of levels :math:`i` to
# :math:`j - 1` about their mean, three subtractions of running totals of :math:`c_x`,
# :math:`c_x x` and :math:`c_x x^2` (with :math:`c_x` pixels at level :math:`x`). This
# *dynamic programme* gives the best fixed-rate :math:`k`-level scalar quantizer for
# every :math:`k` from 1 to 256, one NumPy reduction per row.


def interval_costs(counts):
    """Squared error of levels i..j-1 about their mean, all i < j."""
    x = np.arange(len(counts))
    sums = [np.r_[0, np.cumsum(counts * x**q)] for q in range(3)]
    s0, s1, s2 = sums  # running totals: level j-1 and below at j
    i, j = np.ogrid[: len(counts) + 1, : len(counts) + 1]
    pixels, total = s0[j] - s0[i], s1[j] - s1[i]
    cost = s2[j] - s2[i] - total**2 / np.where(pixels > 0, pixels, 1)
    # An interval holds at least one level.
    return np.where(j > i, np.maximum(cost, 0), np.inf), pixels


def optimal_squared_errors(counts, max_levels):
    """Smallest squared error for 1..max_levels intervals, and
    ``starts[m, j]``, start of the last of m intervals of 0..j-1."""
    counts = np.asarray(counts, dtype=float)
    cost, _ = interval_costs(counts)
    best = np.full(len(counts) + 1, np.inf)
    best[0] = 0
    errors = np.full(max_levels + 1, np.inf)
    starts = np.zeros((max_levels + 1, len(counts) + 1), dtype=int)
    for m in range(1, max_levels + 1):
        # Row i: the last interval starts at level i.
        candidates = best[:, None] + cost
        starts[m] = candidates.argmin(axis=0)
        best = candidates[starts[m], np.arange(len(counts) + 1)]
        errors[m] = best[-1]
    return errors, starts


def optimal_bins(starts, n_levels):
    """Bin of each grey level in the best split into ``n_levels``."""
    firsts = [starts.shape[1] - 1]
    for m in range(n_levels, 0, -1):
        firsts.append(starts[m, firsts[-1]])
    return np.searchsorted(firsts[-2:0:-1], grey_levels, side="right")


optimal_errors, optimal_starts = optimal_squared_errors(counts, 256)
mse_k = optimal_errors / n_pixels  # MSE of the best k levels, at k

# %%
# The optimum meets both of Lloyd's and Max's conditions, as it must: its levels are
# the means of their bins, and every grey level in use is nearest to its own level.
bins_3_bits = optimal_bins(optimal_starts, 8)
pixels_3_bits = np.bincount(bins_3_bits, counts)
means_3_bits = (
    np.bincount(bins_3_bits, counts * grey_levels) / pixels_3_bits
)
nearest = np.abs(levels_in_use[:, None] - means_3_bits).argmin(axis=1)
not_nearest = np.sum(nearest != bins_3_bits[levels_in_use])
print(f"Best 3-bit levels: {np.round(means_3_bits, 1)}")
print(f"Grey levels in use not at their nearest level: {not_nearest}")
print(f"MSE of the best 3-bit quantizer: {score(bins_3_bits)[0]:.4f}")

# %%
# Every fixed rate
# ----------------
# We score the four strategies and the optimum at every rate from 1 to 8 bits. At 8
# bits, quantile bins merge where single grey levels hold more than 1/256 of the
# pixels, which ``KBinsDiscretizer`` reports with a warning we silence; and k-means is
# asked for the 251 levels in use, which fit in 8 bits.
bits = np.arange(1, 9)
fixed = ["uniform", "quantile", "k-means", "k-means++", "optimum"]
mse = {name: np.zeros(len(bits)) for name in fixed}
for row, b in enumerate(bits):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Bins whose width")
        quantile = discretizer_edges("quantile", 2**b)
    edges = [discretizer_edges("uniform", 2**b), quantile]
    edges += [kmeans_edges(2**b), kmeans_edges(2**b, restarts=10)]
    for name, e in zip(fixed, edges):
        mse[name][row] = score(bins_of(e))[0]
    mse["optimum"][row] = mse_k[2**b]
psnr_db = {
    name: np.array([psnr(m) for m in mse[name]]) for name in fixed
}

print("PSNR (dB) at a fixed rate of b bits per pixel")
print("   b  uniform quantile  k-means k-means++  optimum")
for row, b in enumerate(bits):
    cells = [f"{psnr_db[name][row]:>9.2f}" for name in fixed]
    print(f"{b:>4}" + "".join(cells).replace("inf", "exact"))

# %%
# At 8 bits every strategy but quantile gives each grey level its own bin: an exact
# copy (infinite PSNR). Below, the distance of each strategy from the optimum, in dB.
import matplotlib.pyplot as plt

lossy = bits < 8
gap_db = {
    name: psnr_db["optimum"][lossy] - psnr_db[name][lossy]
    for name in fixed[:-1]
}
markers = dict(zip(fixed, "osD^"))

fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
for name in fixed[:-1]:
    ax.plot(bits[:7], gap_db[name], markers[name] + "-", label=name)
ax.axhline(0, color="black", linewidth=1, label="fixed-rate optimum")
ax.set_title("Distance from the best fixed-rate quantizer")
ax.set_xlabel("Fixed-length rate (bits per pixel)")
ax.set_ylabel("PSNR below the optimum (dB)")
ax.legend()
for name in fixed[:-1]:
    print(f"{name:>9} below (dB): {np.round(gap_db[name], 2)}")

# %%
# Uniform bins lose most at low rates, where levels spent on the nearly empty dark and
# bright ends cost most. Quantile bins fall further behind with every bit from 4 bits
# on: equal pixel counts make one very wide bin in the sparse bright end. K-means from
# KBinsDiscretizer's evenly spaced start is close to optimal up to 3 bits and then
# stalls: pixels sit on whole grey levels, so a centre can move a fraction of a level
# without any level changing bin, and Lloyd's algorithm stops near its start. That gap
# belongs to the start, not to k-means: k-means++ with restarts comes within
# 0.06, 0.24 and 0.35 dB of the optimum at 4, 5 and 6 bits (the last figures shift by a
# few hundredths with the random seed). At 7 bits, 128 centres for 251 grey levels,
# its random starts fare worse than the even one.
#
# The high-rate theory
# --------------------
# Bennett (1948, "Spectra of quantized signals", Bell Syst. Tech. J.) showed that with
# many levels a quantizer whose levels have density :math:`\lambda(x)` (a share of the
# :math:`k` levels per unit of grey) has
# :math:`\mathrm{MSE} \approx \frac{1}{12 k^2} \int p(x) \lambda(x)^{-2}\, dx`, for
# *any* smooth density :math:`p` of the grey levels, evenly spread or not: doubling
# :math:`k` divides the MSE by 4, 6.02 dB per bit. Panter and Dite (1951,
# "Quantization distortion in pulse-count modulation with nonuniform spacing of levels",
# Proc. IRE) found the best density, :math:`\lambda \propto p^{1/3}`, which gives
#
# .. math::
#
#    \mathrm{MSE} \approx \frac{1}{12 k^2} \Big( \int p(x)^{1/3} dx \Big)^3 .
#
# With :math:`p` the histogram divided by the number of pixels, the integral is a sum
# over the 256 levels:
shares = counts / n_pixels
panter_dite_mse = np.sum(shares ** (1 / 3)) ** 3 / (12 * 4.0**bits)
panter_dite_db = 10 * np.log10(255**2 / panter_dite_mse)
steps = np.diff(psnr_db["optimum"][:-1])
print("   b  Panter-Dite  optimum  (dB)")
for b in range(4, 8):
    optimum_db = psnr_db["optimum"][b - 1]
    print(f"{b:>4}{panter_dite_db[b - 1]:>13.2f}{optimum_db:>9.2f}")
print(f"Gain per bit, 1 to 7 bits (dB): {np.round(steps, 2)}")

# %%
# At 4, 5 and 6 bits the prediction is within 0.35 dB of the exact optimum, and each
# bit adds close to 6 dB. The formula assumes a density smooth at the scale of a bin:
# at 7 bits, with bins of two grey levels, the optimum beats it by 0.9 dB, and at 8
# bits the image is copied exactly.
#
# What the optimum is optimal for
# -------------------------------
# The dynamic programme's quantizer is the best of :math:`k` levels *when every index
# costs the same*, :math:`\log_2 k` bits. Its levels are not equally used, though, so
# an entropy coder would spend fewer bits on its indices:
rate_3_bits = score(bins_3_bits)[1]
print(
    f"Index entropy of the best 3-bit quantizer: {rate_3_bits:.3f} bits"
)

# %%
# What to take away
# -----------------
# * Among quantizers whose indices all cost :math:`\log_2 k` bits, the dynamic programme
#   gives the exact optimum for the histogram; k-means comes close to it with k-means++
#   and restarts, and the high-rate theory predicts it within a fraction of a dB.
# * That optimum is the best for the fixed-length rate only: entropy coded, the best 8
#   levels cost 2.971 bits per pixel, not 3. Whether it is still the best quantizer
#   once bits are counted that way, at equal rate, is the question of
#   :ref:`sphx_glr_auto_examples_series_plot_04_entropy_coded_quantization.py`.

plt.show()
