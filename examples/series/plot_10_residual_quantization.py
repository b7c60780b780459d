"""
==============================================
Residual quantization: one codebook per stage
==============================================

The page on :ref:`block vector quantization
<sphx_glr_auto_examples_series_plot_09_block_vector_quantization.py>` ended at a wall. To
spend R bits on each pixel of a 4×4 block with codes of one length, one codebook needs a
codeword for every code of 16R bits: 256 codewords at half a bit per pixel, 65536 at one
bit, more than the image has blocks.

*Residual* (or *multistage*) vector quantization, introduced by Juang and Gray ("Multiple
stage vector quantization for speech coding", 1982), gets past the wall with several small
codebooks: each stage quantizes the error that the stages before it left. We compare it
with one codebook at equal rate, with codes of one length and after entropy coding, and
see what it pays for and where it pays.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 2

# %%
# Blocks, codebooks and rates
# ---------------------------
# As on the block page, the grey raccoon is cut into 4×4 blocks, each read row by row
# into a vector of 16 grey levels, and results are scored by their PSNR over all pixels
# (:ref:`mse-psnr`).
#
# Every codebook is learned on the same 5000 blocks drawn at random, by k-means: a
# k-means++ start, then Lloyd's iterations (each vector to its nearest codeword, each
# codeword to the rounded mean of its vectors) until no code changes, at most 20 times.
# Blocks, residuals and codewords are all integers, so the squared distances, computed
# as :math:`\|c\|^2 - 2\,x \cdot c` by a matrix product in 64-bit floating point, are
# exact: the codes do not depend on the machine, and a tie goes to the first codeword.
import lzma

import numpy as np
from scipy.datasets import face
from sklearn.cluster import kmeans_plusplus

raccoon = face(gray=True)
n_pixels = raccoon.size


def psnr(original, quantized):
    """Peak signal-to-noise ratio of ``quantized``, in dB."""
    error = original.astype(np.float64) - quantized
    return 10 * np.log10(255**2 / np.mean(error**2))


def split_blocks(image, b=4):
    """The ``b``×``b`` blocks of ``image``, one per row."""
    height, width = image.shape
    blocks = image.reshape(height // b, b, width // b, b)
    return blocks.transpose(0, 2, 1, 3).reshape(-1, b * b)


def merge_blocks(blocks, b=4, shape=raccoon.shape):
    """The image made of ``blocks`` (undoes ``split_blocks``)."""
    height, width = shape
    image = blocks.reshape(height // b, width // b, b, b)
    return image.transpose(0, 2, 1, 3).reshape(height, width)


def encode(vectors, codebook):
    """The index of the nearest codeword of each row of ``vectors``."""
    codewords = codebook.astype(np.float64)
    norms = np.sum(codewords**2, axis=1)
    codes = np.empty(len(vectors), dtype=np.intp)
    for start in range(0, len(vectors), 8192):  # bounded memory
        chunk = vectors[start : start + 8192].astype(np.float64)
        distances = norms - 2 * chunk @ codewords.T
        codes[start : start + 8192] = np.argmin(distances, axis=1)
    return codes


def fit_codebook(vectors, k):
    """``k`` integer codewords for the rows of ``vectors``."""
    vectors = vectors.astype(np.int64)
    start, _ = kmeans_plusplus(vectors.astype(float), k, random_state=0)
    codebook, codes = start.astype(np.int64), None
    for _ in range(20):
        new_codes = encode(vectors, codebook)
        if codes is not None and np.array_equal(new_codes, codes):
            break
        codes = new_codes
        counts = np.bincount(codes, minlength=k)
        sums = np.stack(
            [np.bincount(codes, v, k) for v in vectors.T], 1
        )
        used = counts > 0
        codebook[used] = np.rint(sums[used] / counts[used, None])
    # One byte per value: uint8 for grey levels, int8 for corrections.
    return codebook.astype(np.uint8 if codebook.min() >= 0 else np.int8)


blocks = split_blocks(raccoon)
rng = np.random.default_rng(0)
sample = blocks[rng.choice(len(blocks), size=5000, replace=False)]

# %%
# A quantizer's code is one or more indices per block. Its rate is counted two ways.
# With codes of one length, an index into k codewords takes :math:`\log_2 k` bits: the
# *fixed-length rate*. After entropy coding, we give the *index entropy* (the Shannon
# entropy of each column of indices, summed) and the real bytes of the indices, one
# byte each, compressed by :mod:`lzma`, plus the bytes of the codebooks. All three are
# divided by the 16 pixels of a block. The cost of encoding is counted as the codeword
# values the encoder compares with each block.


def entropy(indices):
    """Shannon entropy of ``indices``, in bits per index."""
    p = np.bincount(indices) / len(indices)
    p = p[p > 0]
    return -np.sum(p * np.log2(p))


def describe(codebooks, codes, decoded):
    """The image, PSNR, rates and costs of one quantizer."""
    image = merge_blocks(np.clip(decoded, 0, 255).astype(np.uint8))
    table_bytes = sum(codebook.nbytes for codebook in codebooks)
    stored = len(lzma.compress(codes.astype(np.uint8).tobytes()))
    return {
        "codebooks": codebooks,
        "codes": codes,
        "image": image,
        "psnr": psnr(raccoon, image),
        "fixed": sum(np.log2(len(c)) for c in codebooks) / 16,
        "entropy": sum(entropy(column) for column in codes.T) / 16,
        "lzma": 8 * (stored + table_bytes) / n_pixels,
        "bytes": table_bytes,
        "values_per_block": sum(
            codebook.size for codebook in codebooks
        ),
    }


def print_result(name, r):
    print(
        f"{name:<11} {r['fixed']:5.3f} {r['entropy']:6.3f} {r['lzma']:5.3f}"
        f" {r['psnr']:6.2f} {r['bytes']:6d} {r['values_per_block']:6d}"
    )


# %%
# One codebook
# ------------
# The reference: one codebook of 16, 64 or 256 codewords, 0.25 to 0.5 bpp with codes
# of one length. The columns: fixed-length rate, index entropy and lzma rate (bpp),
# PSNR (dB), bytes of codebook, values compared per block.
header = "quantizer   fixed  entr.  lzma   PSNR  bytes  values"
print(header)
results = {}
for k in (16, 64, 256):
    codebook = fit_codebook(sample, k)
    codes = encode(blocks, codebook)[:, None]
    results["VQ", k, 1] = describe(
        [codebook], codes, codebook[codes[:, 0]]
    )
    print_result(f"plain {k}", results["VQ", k, 1])

# %%
# Residual quantization
# ---------------------
# The first stage is a plain block quantizer. What it gets wrong, the *residual*
# :math:`x - c_1`, is itself a vector of 16 numbers, of either sign. A second codebook,
# learned on the residuals of the sample, quantizes it, and so on. After S stages the
# block is the sum of one codeword per stage,
#
# .. math:: x \approx c_1 + c_2 + \dots + c_S,
#
# and its code is S indices. With S stages of k codewords the rate is
# :math:`S \log_2 k / 16` bpp, and the codebooks hold, and the encoder compares each
# block with, :math:`S k` codewords: costs that grow *linearly* with the rate, where
# those of one codebook grow exponentially. Each stage picks the codeword nearest to
# what is left, without looking ahead: a *greedy* encoder.


def fit_residual(vectors, k, n_stages):
    """One codebook of ``k`` codewords a stage, each fitted on residuals."""
    residuals, codebooks = vectors.astype(np.int32), []
    for _ in range(n_stages):
        codebooks.append(fit_codebook(residuals, k))
        residuals = (
            residuals - codebooks[-1][encode(residuals, codebooks[-1])]
        )
    return codebooks


def encode_residual(vectors, codebooks):
    """Greedy codes, one column per stage, and the residual after each."""
    residual, codes, left = vectors.astype(np.int32), [], []
    for codebook in codebooks:
        codes.append(encode(residual, codebook))
        residual = residual - codebook[codes[-1]]
        left.append(residual)
    return np.column_stack(codes), left


# %%
# We learn 4 stages of 256 codewords (8 bits a stage) and 8 stages of 16 codewords (4
# bits a stage); the first S codebooks of either give the quantizer of S stages, whose
# code is the first S columns of the code of all stages (see below why).
print(header)
residual_codebooks = {256: fit_residual(sample, 256, 4)}
residual_codebooks[16] = fit_residual(sample, 16, 8)
residuals_left = {}
for k, codebooks in residual_codebooks.items():
    all_codes, left = encode_residual(blocks, codebooks)
    for n in range(1, len(codebooks) + 1):
        decoded = blocks.astype(np.int32) - left[n - 1]
        results["RVQ", k, n] = describe(
            codebooks[:n], all_codes[:, :n], decoded
        )
        residuals_left[k, n] = left[n - 1]
        print_result(f"{n} × {k}", results["RVQ", k, n])

# %%
# One stage of 256 codewords *is* the plain quantizer of 256 codewords, and every added
# stage raises the PSNR. The code of fewer stages is the beginning of the code of more,
# since a stage only sees what the stages before it left: a coder can drop the last
# indices to lower the rate without encoding again. The first codebook holds grey
# levels, the later ones small corrections of either sign, one byte per value.
#
# At equal rate
# -------------
# At 0.5 bpp, the highest rate one codebook reaches here, the two can be compared
# directly, and one codebook wins:
for key in [("VQ", 256, 1), ("RVQ", 16, 2)]:
    r = results[key]
    print(
        f"{key[0]:>3}, {key[2]} × {key[1]}: {r['fixed']:.2f} bpp fixed, "
        f"{r['lzma']:.3f} lzma, {r['psnr']:.2f} dB, {r['bytes']} bytes"
    )
gap_fixed = (
    results["VQ", 256, 1]["psnr"] - results["RVQ", 16, 2]["psnr"]
)
print(f"One codebook better by {gap_fixed:.2f} dB at 0.5 bpp fixed")

# %%
# After lzma, two stages of 16 take fewer bits than the 256 codewords, and give less.
# Read at the lzma rate of the plain quantizer, with the MSE interpolated linearly
# between the points of the residual curve, one codebook still wins:
curve = [results["RVQ", 16, n] for n in range(1, 9)]
curve_mse = [255**2 / 10 ** (r["psnr"] / 10) for r in curve]
plain = results["VQ", 256, 1]
mse_at = np.interp(plain["lzma"], [r["lzma"] for r in curve], curve_mse)
gap_lzma = plain["psnr"] - 10 * np.log10(255**2 / mse_at)
print(
    f"At {plain['lzma']:.3f} bpp lzma, one codebook better by {gap_lzma:.2f} dB"
)

# %%
# Part of the loss is the greedy encoder. Two stages of 16 codewords can produce
# :math:`16 \times 16 = 256` blocks :math:`c_1 + c_2`; searching all of them, by
# handing the 256 sums to the encoder as one codebook, finds a better pair than the
# greedy one for more than one block in ten:
first, second = (c.astype(np.int32) for c in residual_codebooks[16][:2])
all_sums = (first[:, None, :] + second[None, :, :]).reshape(-1, 16)
best_pairs = encode(blocks, all_sums)
best_errors = np.sum((blocks - all_sums[best_pairs]) ** 2, axis=1)
greedy_errors = np.sum(
    residuals_left[16, 2].astype(np.int64) ** 2, axis=1
)
share_improved = np.mean(best_errors < greedy_errors)
best_image = merge_blocks(np.clip(all_sums[best_pairs], 0, 255))
exhaustive_psnr = psnr(raccoon, best_image)
print(
    f"Blocks with a better pair than the greedy one: {share_improved:.1%}"
)
print(f"2 × 16, best pairs: {exhaustive_psnr:.2f} dB")

# %%
# The best pairs gain 0.2 dB and stay below 256 freely chosen codewords: the 256 sums
# are made of only 16 + 16 vectors. A search over all combinations grows exponentially
# with the number of stages, so practical encoders keep a few candidates at each stage
# (a *beam*), between greedy and exhaustive.
#
# Where residual quantization pays
# --------------------------------
# Beyond 0.5 bpp one codebook is out of reach. The figure shows quality against both
# rates, and the bytes of the codebooks against the fixed-length rate: one codebook
# would need :math:`16 \cdot 2^{16R}` bytes (dotted where we did not learn it), residual
# quantization 16 bytes a codeword, a few more codewords each stage.
import matplotlib.pyplot as plt

families = {
    "One codebook": [results["VQ", k, 1] for k in (16, 64, 256)],
    "Residual, stages of 256": [
        results["RVQ", 256, n] for n in range(1, 5)
    ],
    "Residual, stages of 16": curve,
}
fig, (ax_psnr, ax_bytes) = plt.subplots(
    2, 1, figsize=(7.2, 8.4), layout="constrained"
)
for (label, family), color in zip(families.items(), ["C2", "C0", "C1"]):
    psnrs = [r["psnr"] for r in family]
    for kind, style in [("fixed", "o-"), ("lzma", "o--")]:
        rates = [r[kind] for r in family]
        name = (
            f"{label} ({'fixed-length' if kind == 'fixed' else 'lzma'})"
        )
        ax_psnr.plot(rates, psnrs, style, color=color, ms=4, label=name)
    rates = [r["fixed"] for r in family]
    sizes = [r["bytes"] for r in family]
    ax_bytes.plot(rates, sizes, "o-", color=color, label=label)
wanted = np.linspace(0.25, 2, 8)
ax_bytes.plot(wanted, 16 * 2 ** (16 * wanted), ":", color="C2")
ax_psnr.set(xlabel="Rate (bits per pixel)", ylabel="PSNR (dB)")
ax_psnr.set_title("Quality against rate, codes of one length or lzma")
ax_bytes.set(xlabel="Fixed-length rate (bits per pixel)", yscale="log")
ax_bytes.set(ylabel="Bytes of codebooks (log scale)")
ax_bytes.set_title("Codebook size against rate")
ax_bytes.axhline(raccoon.nbytes, color="grey", lw=0.8)
ax_bytes.annotate(
    "the raw image", (2, raccoon.nbytes), va="bottom", ha="right"
)
for ax in (ax_psnr, ax_bytes):
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")

# %%
# At equal rate, fewer and larger stages are better: 2 stages of 256 beat 4 of 16 at
# 1 bpp, and 4 of 256 beat 8 of 16 at 2 bpp, at the price of 8 times the bytes and the
# encoding work. None of them comes near the wall:
for n_large, n_small in [(2, 4), (4, 8)]:
    large, small = (
        results["RVQ", 256, n_large],
        results["RVQ", 16, n_small],
    )
    print(
        f"{large['fixed']:.0f} bpp: {n_large} × 256 {large['psnr']:.2f} dB, "
        f"{large['bytes']} bytes; {n_small} × 16 {small['psnr']:.2f} dB, "
        f"{small['bytes']} bytes"
    )
print(f"One codebook at 2 bpp: {2**32} codewords")

# %%
# Stage by stage
# --------------
# The same 88×88 pixels around the eye, each pixel drawn as 4×4 figure pixels: one
# stage of 256 codewords, then four.
crop = (slice(276, 364), slice(536, 624))
native = {"interpolation": "nearest"}  # squares, not blurs


def show_closeups(panels):
    """Two crops side by side, 4 figure pixels per pixel."""
    side, margin, title = 352, 10, 44  # in figure pixels
    width, height = 3 * margin + 2 * side, margin + title + side
    fig, axes = plt.subplots(
        1, 2, figsize=(width / 100, height / 100), dpi=100
    )
    fig.subplots_adjust(
        left=margin / width,
        right=1 - margin / width,
        bottom=margin / height,
        top=1 - title / height,
        wspace=margin / side,
    )
    for ax, (name, image) in zip(axes, panels):
        ax.imshow(image[crop], cmap="gray", vmin=0, vmax=255, **native)
        ax.set_title(name, fontsize=10)
        ax.set_axis_off()


def stages(n):
    """The title and the image of ``n`` stages of 256 codewords."""
    r = results["RVQ", 256, n]
    name = f"{n} stage{'s' * (n > 1)} of 256: {r['fixed']:g} bpp fixed"
    return f"{name}\n{r['lzma']:.2f} lzma, {r['psnr']:.1f} dB", r[
        "image"
    ]


show_closeups([stages(1), stages(4)])

# %%
# One stage draws the eye with 4×4 tiles; after four stages the fur and the whiskers
# are back. Two stages, next to the original, already soften the tiles into shading:
show_closeups([("Original, 8 bpp", raccoon), stages(2)])

# %%
# Where it is used
# ----------------
# Residual quantization is the quantizer of neural audio codecs such as SoundStream
# (Zeghidour and colleagues, 2021) and EnCodec (Défossez and colleagues, 2022): a
# network turns the sound into vectors, which a residual quantizer encodes, and the
# property seen above, that a shorter code is the beginning of a longer one, lets one
# model serve several rates by dropping the last stages. The :ref:`next page
# <sphx_glr_auto_examples_series_plot_11_product_quantization.py>` cuts the block
# instead of its error.
#
# In short, on this image:
#
# * **One codebook is best where it is possible**: at 0.5 bpp it beats two stages of
#   16 codewords, with codes of one length and after lzma alike.
# * **Residual quantization pays where one codebook cannot follow**: its codebooks and
#   its encoding work grow linearly with the rate, not exponentially; 2 bpp take 1024
#   codewords, where one codebook would need :math:`2^{32}`.
# * Its greedy encoder costs a little; a wider search recovers part of it.

plt.show()
