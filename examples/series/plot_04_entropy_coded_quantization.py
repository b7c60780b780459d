"""
==========================
Entropy-coded quantization
==========================

An entropy coder spends few bits on common indices and many on rare ones, so what a
quantizer costs is no longer set by its number of levels alone. This page counts bits that
way for the grey raccoon. A plain uniform quantizer with more levels, entropy coded, then
beats the best fixed-rate quantizer at equal rate from 3 bits per pixel on, and an
entropy-constrained quantizer, found exactly, does better still. The high-rate theory of
Gish and Pierce explains why.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 1

# %%
# The fixed-rate optimum, in brief
# --------------------------------
# :ref:`sphx_glr_auto_examples_series_plot_03_rate_distortion.py` compared quantizers at
# a *fixed rate*, :math:`\log_2 k` bits per pixel (bpp) for :math:`k` levels, and found
# the best one exactly. It also defined the *entropy-coded rate*, the entropy
# :math:`H = -\sum_j p_j \log_2 p_j` of the indices, with :math:`p_j` the share of the
# pixels in bin :math:`j`: an entropy coder spends about :math:`-\log_2 p_j` bits on an
# index of bin :math:`j`. This page compares quantizers at that rate. First, briefly,
# what it needs from the previous one. Every quantizer here maps each grey level to a
# bin, so its error and its rate depend on the image only through the histogram; each
# bin is shown by the mean of its pixels, and the distortion is the mean squared error
# (MSE), quoted as a PSNR (:ref:`mse-psnr`).
import numpy as np
from scipy.datasets import face

raccoon = face(gray=True)
n_pixels = raccoon.size
grey_levels = np.arange(256)
counts = np.bincount(raccoon.ravel(), minlength=256)
levels_in_use = np.flatnonzero(counts)


def score(bins):
    """MSE and index entropy (bits) when grey level ``x`` goes to bin
    ``bins[x]`` and each bin is shown by the mean of its pixels."""
    pixels = np.bincount(bins, weights=counts)
    sums = np.bincount(bins, weights=counts * grey_levels)
    means = sums / np.where(pixels > 0, pixels, 1)
    errors = counts * (grey_levels - means[bins]) ** 2
    shares = pixels[pixels > 0] / n_pixels
    return errors.sum() / n_pixels, -np.sum(shares * np.log2(shares))


def psnr(mse):
    """PSNR in dB of an 8-bit image; infinite for an exact copy."""
    return np.inf if mse == 0 else 10 * np.log10(255**2 / mse)


# %%
# The previous page found the best :math:`k`-level quantizer for the fixed-length rate
# exactly, by a *dynamic programme*: its bins are intervals, so with :math:`E_m(j)` the
# smallest squared error when levels :math:`0, \dots, j - 1` make :math:`m` intervals,
# :math:`E_m(j) = \min_{i < j} E_{m-1}(i) + \mathrm{cost}(i, j)`, where
# :math:`\mathrm{cost}(i, j)` is the squared error of levels :math:`i` to :math:`j - 1`
# about their mean. We run it again, for every :math:`k` from 1 to 256.


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
bits = np.arange(1, 9)
optimum_mse = mse_k[2**bits]  # the best 2**b levels, at b bits
optimum_db = np.array([psnr(m) for m in optimum_mse])
print("PSNR of the fixed-rate optimum at 1 to 7 bits (dB):")
print(np.round(optimum_db[:7], 2))

# %%
# Entropy coding a uniform quantizer
# ----------------------------------
# The fixed-rate optimum is the best quantizer *when every index costs the same*. Entropy
# coding changes the question: common indices become cheap, so it can pay to use *more*
# levels, even evenly spaced ones. A uniform quantizer with step :math:`\Delta` sends
# grey level :math:`x` to bin :math:`\mathrm{round}(x / \Delta)`; we try every step
# from 1 to 256 grey levels, in twentieths of a level.
quantizer_steps = np.round(np.arange(1, 256, 0.05), 2)
uniform_bins = [
    np.rint(grey_levels / s).astype(int) for s in quantizer_steps
]
uniform_mse, uniform_rate = np.transpose(
    [score(b) for b in uniform_bins]
)
for step, b in [(27.5, 3), (13.5, 4)]:
    at = np.flatnonzero(quantizer_steps == step)[0]
    n_levels = np.unique(np.rint(levels_in_use / step)).size
    rate, db = uniform_rate[at], psnr(uniform_mse[at])
    print(
        f"Step {step}: {n_levels} levels, {rate:.3f} bits, {db:.2f}"
        f" dB (optimum, {b} bits: {optimum_db[b - 1]:.2f})"
    )

# %%
# Ten evenly spaced levels cost fewer than 3 bits per pixel once entropy coded, and beat
# the best 8-level quantizer; twenty beat the best 16-level one. Gish and Pierce (1968,
# "Asymptotically efficient quantizing", IEEE Trans. Inf. Theory) showed why: at high
# rate, a uniform quantizer followed by entropy coding is the best scalar quantizer for
# the entropy-coded rate, with :math:`\mathrm{MSE} \approx \Delta^2 / 12` and
# :math:`H \approx h - \log_2 \Delta`, where :math:`h = -\int p \log_2 p` is the
# differential entropy of the grey levels; for independent values of that density it
# is then within :math:`10 \log_{10}(\pi e / 6)` dB of Shannon's rate-distortion bound.
# For the fixed-rate optimum, Panter and Dite (1951, "Quantization distortion in
# pulse-count modulation with nonuniform spacing of levels", Proc. IRE) predicted
# :math:`\mathrm{MSE} \approx \frac{1}{12 k^2} (\int p^{1/3})^3` at :math:`\log_2 k`
# bits, which the previous page checked against the exact optimum. At equal rate, the
# two high-rate formulas predict a gain from entropy coding of
# :math:`10 \log_{10} \big( (\int p^{1/3})^3 / 2^{2h} \big)` dB, with :math:`p` the
# histogram divided by the number of pixels:
shares = counts / n_pixels
entropy = -np.sum(shares[shares > 0] * np.log2(shares[shares > 0]))
predicted_gain = 10 * np.log10(
    np.sum(shares ** (1 / 3)) ** 3 / 2 ** (2 * entropy)
)
print(f"Differential entropy of the grey levels: {entropy:.3f} bits")
print(f"Predicted gain of entropy coding: {predicted_gain:.2f} dB")
shannon_gap = 10 * np.log10(np.pi * np.e / 6)
print(f"Gap to Shannon's bound: {shannon_gap:.2f} dB")

# %%
# An entropy-constrained quantizer
# --------------------------------
# Evenly spaced levels are not the best for the entropy-coded rate either. Chou,
# Lookabaugh and Gray (1989, "Entropy-constrained vector quantization", IEEE Trans.
# Acoust., Speech, Signal Process.) minimize the Lagrangian
# :math:`J = \mathrm{MSE} + \lambda H`: each value goes to the level :math:`j` with the
# smallest :math:`(x - y_j)^2 + \lambda (-\log_2 p_j)`, its squared error plus
# :math:`\lambda` times the length of its code, and each level moves to its bin's mean.
# We run this Lagrangian Lloyd iteration on the histogram, starting from each grey
# level in a bin of its own.


def lagrangian_lloyd(lam, levels, rounds=300):
    """Chou, Lookabaugh and Gray's iteration: each level's bin."""
    lengths = np.full(len(levels), np.log2(len(levels)))
    for _ in range(rounds):
        cost = (grey_levels[:, None] - levels) ** 2 + lam * lengths
        bins = cost.argmin(axis=1)
        pixels = np.bincount(bins, counts, minlength=len(levels))
        sums = np.bincount(bins, counts * grey_levels, len(levels))
        used = pixels > 0
        if np.array_equal(sums[used] / pixels[used], levels):
            break
        levels = sums[used] / pixels[used]
        lengths = -np.log2(pixels[used] / n_pixels)
    return bins


# %%
# Like Lloyd's, the iteration stops at a local minimum. But its bins are intervals
# too, and :math:`J` splits into one term per interval (an interval of :math:`n` of
# the :math:`N` pixels adds :math:`\lambda n (-\log_2 (n / N))` to the total), so the
# dynamic programme finds the exact minimum, with no limit on the number of levels, in
# one row: :math:`E(j) = \min_{i<j} E(i) + \mathrm{cost}(i, j) + \lambda\,
# \mathrm{bits}(i, j)`. We run it for 160 values of :math:`\lambda` at once.
squared_errors, interval_pixels = interval_costs(counts.astype(float))
interval_bits = interval_pixels * -np.log2(
    np.where(interval_pixels > 0, interval_pixels, 1) / n_pixels
)
lambdas = np.geomspace(0.5, 20000, 160)  # grey levels squared per bit
lagrangian = np.zeros((len(lambdas), 257))
last_start = np.zeros((len(lambdas), 257), dtype=int)
for j in range(1, 257):
    candidates = lagrangian[:, :j] + squared_errors[:j, j]
    candidates += lambdas[:, None] * interval_bits[:j, j]
    last_start[:, j] = candidates.argmin(axis=1)
    lagrangian[:, j] = candidates.min(axis=1)


def ecsq_bins(row):
    """Bin of each grey level in the minimum for ``lambdas[row]``."""
    firsts = [256]
    while firsts[-1] > 0:
        firsts.append(last_start[row, firsts[-1]])
    return np.searchsorted(firsts[-2:0:-1], grey_levels, side="right")


ecsq_mse, ecsq_rate = np.transpose(
    [score(ecsq_bins(row)) for row in range(len(lambdas))]
)
near_3 = np.argmin(np.where(ecsq_rate > 3, ecsq_rate, np.inf))
lloyd_bins = lagrangian_lloyd(lambdas[near_3], grey_levels)
lloyd_mse, lloyd_rate = score(lloyd_bins)
print(f"lambda = {lambdas[near_3]:.0f} (grey levels squared per bit)")
for name, bins in [
    ("Lloyd iteration", lloyd_bins),
    ("Exact minimum", ecsq_bins(near_3)),
]:
    d, r = score(bins)
    print(
        f"{name:>15}: {np.unique(bins[levels_in_use]).size} levels, "
        f"{r:.3f} bits, {psnr(d):.2f} dB, "
        f"J = {d + lambdas[near_3] * r:.1f}"
    )

# %%
# Just above 3 bits, the exact minimum uses 10 levels, as the uniform step 27.5 does,
# but unevenly spaced: 30.96 dB at 3.067 bits. For the same :math:`\lambda` the Lloyd
# iteration stops at a higher :math:`J`, with more levels and more bits.
#
# Quality against rate, both kinds
# --------------------------------
# The figure draws each quantizer at the rate it really costs: the fixed-rate optimum at
# :math:`\log_2 k` bits, and again at the entropy of its own indices; the uniform and
# the entropy-constrained quantizers at their index entropies. The thin lines are the
# high-rate predictions of Panter and Dite (fixed rate) and of Gish and Pierce (uniform
# steps, entropy coded). Between two of its quantizers the entropy-constrained curve
# is a straight segment of MSE against rate, which using each on part of the image
# reaches.
import matplotlib.pyplot as plt

optimal_rate = np.array(
    [score(optimal_bins(optimal_starts, 2**b))[1] for b in bits]
)
rates = np.linspace(0.5, 7, 200)
theory = 10 * np.log10(255**2 * 12 * 4.0**rates)
panter_dite_line = theory - 30 * np.log10(np.sum(shares ** (1 / 3)))
gish_pierce_line = theory - 20 * np.log10(2) * entropy
# The fixed-rate optimum with k levels, for every k, at log2 k bits.
k = np.arange(1, 129)
fixed_rate, fixed_db = np.log2(k), 10 * np.log10(255**2 / mse_k[k])
curves = {
    "fixed-rate optimum": (bits, optimum_mse, "k*-"),
    "the same, entropy coded": (optimal_rate, optimum_mse, "k*:"),
    "uniform step, entropy coded": (uniform_rate, uniform_mse, "C0-"),
    "entropy-constrained": (ecsq_rate, ecsq_mse, "C3.-"),
}
fig, (top, bottom) = plt.subplots(
    2,
    1,
    figsize=(8, 8),
    sharex=True,
    height_ratios=(3, 2),
    layout="constrained",
)
for label, (x, y, style) in curves.items():
    keep = (y > 0) & (x <= 7)
    db = 10 * np.log10(255**2 / y[keep])
    top.plot(x[keep], db, style, label=label)
    above = db - np.interp(x[keep], fixed_rate, fixed_db)
    bottom.plot(x[keep], above, style, label=label)
for line, style, label in [
    (panter_dite_line, "0.5", "Panter-Dite (fixed rate)"),
    (gish_pierce_line, "C0--", "Gish-Pierce (entropy coded)"),
]:
    top.plot(rates, line, style, linewidth=1, label=label)
bottom.axhline(predicted_gain, color="C0", linestyle="--", lw=1)
top.set(ylim=(10, 56), ylabel="PSNR (dB)")
top.set_title("Quality against rate, grey raccoon")
bottom.set(xlim=(1, 7), ylim=(-1, 1.5), xlabel="Rate (bits/pixel)")
bottom.set_ylabel(
    "PSNR above the fixed-rate\noptimum at equal rate (dB)"
)
for ax in (top, bottom):
    ax.grid(alpha=0.3)
top.legend(loc="lower right")

# %%
# On the scale of the whole curve the quantizers look alike: about 6 dB per bit. The
# lower panel subtracts the fixed-rate optimum at the same rate (its :math:`k`-level
# quantizer for every :math:`k`, at :math:`\log_2 k` bits), which makes the gains
# visible; the dashed line is the 0.71 dB the high-rate formulas predict. Entropy
# coding the optimum's own indices already gains a little, since its levels are not
# equally used; the uniform step loses below about 3 bits, where its evenly spaced
# levels waste bits on the sparse dark and bright ends, and gains above.
#
# At equal rate
# -------------
# The table reads the curves at whole numbers of bits: the fixed-rate optimum, the best
# uniform step whose index entropy is at most that rate, and the entropy-constrained
# curve at exactly that rate, on the segment between its two nearest quantizers.
table_bits = bits[:6]
best_uniform = [
    psnr(uniform_mse[uniform_rate <= b].min()) for b in table_bits
]
order = np.argsort(ecsq_rate)
ecsq_at = [
    psnr(np.interp(b, ecsq_rate[order], ecsq_mse[order]))
    for b in table_bits
]
print("PSNR (dB) at equal rate (the optimum's index entropy, bits)")
print("   b  fixed-rate optimum (entropy)  uniform + EC  entropy-c.")
for row, b in enumerate(table_bits):
    print(
        f"{b:>4}{optimum_db[row]:>20.2f}"
        f" ({optimal_rate[row]:.3f})"
        f"{best_uniform[row]:>14.2f}{ecsq_at[row]:>21.2f}"
    )

# %%
# From 3 bits on, entropy coding wins at equal rate, by 0.2 to 0.6 dB, approaching the
# 0.71 dB the high-rate formulas predict. At 1 and 2 bits the optimum holds its own
# against the uniform step, and the entropy-constrained quantizer gains little. The
# optimum's own indices, entropy coded, also cost less than :math:`\log_2 k` bits
# (second column): same image, fewer bits.
#
# What to take away
# -----------------
# * The fixed-rate optimum of the previous page is the best quantizer only when every
#   index costs :math:`\log_2 k` bits. Once the indices are entropy coded, a uniform
#   quantizer with more levels beats it at equal rate from 3 bits on, and an
#   entropy-constrained quantizer, found exactly by the same kind of dynamic programme,
#   does better still.
# * At high rate the gain approaches what Gish and Pierce's and Panter and Dite's
#   formulas predict, 0.71 dB for this histogram.
# * All these quantizers code one pixel at a time. Later pages code blocks of pixels
#   (:ref:`sphx_glr_auto_examples_series_plot_09_block_vector_quantization.py`) and
#   their transforms (:ref:`sphx_glr_auto_examples_series_plot_12_transform_coding.py`).

plt.show()
