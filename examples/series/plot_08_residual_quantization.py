"""
======================================================
Beyond one codebook: residual and product quantization
======================================================

The page on :ref:`block vector quantization
<sphx_glr_auto_examples_series_plot_07_block_vector_quantization.py>` ended at a wall. To
spend R bits on each pixel of a 4×4 block, one codebook needs a codeword for every code
of 16R bits: 256 codewords at half a bit per pixel, 65536 at one bit, more than the
image has blocks.

This page gets past the wall with several small codebooks instead of one huge one.
*Residual* vector quantization encodes a block in stages, each stage a small codebook
for the error that the stages before it left. *Product* quantization cuts the block into
pieces, with a codebook for each piece. We compare both with plain block quantization
at equal bits per pixel on the grey raccoon, for quality, codebook size and encoding
time, and end with where the two methods are used today.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 3

# %%
# The image, its blocks and the error
# -----------------------------------
# The conventions are those of the block quantization page. The image is the grey
# raccoon, 768 rows of 1024 pixels of one byte each. A 4×4 block is read row by row into
# a vector of 16 grey levels, and the blocks are taken row of blocks by row of blocks
# from the top left. The error is scored by the peak signal-to-noise ratio,
#
# .. math:: \mathrm{PSNR} = 10 \log_{10} \frac{255^2}{\mathrm{MSE}}
#
# in decibels (dB), where the MSE is the mean squared difference of grey levels over all
# pixels; higher is better.
import numpy as np
from scipy.datasets import face

raccoon = face(gray=True)
n_pixels = raccoon.size
b = 4  # the side of a block, in pixels


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


def psnr(original, quantized):
    """Peak signal-to-noise ratio of ``quantized`` against ``original``, in dB."""
    error = original.astype(np.float64) - quantized.astype(np.float64)
    return 10 * np.log10(255**2 / np.mean(error**2))


blocks = split_blocks(raccoon, b)
n_blocks = len(blocks)
assert np.array_equal(merge_blocks(blocks, b, raccoon.shape), raccoon)
print(f"{n_blocks} blocks of {b}×{b} pixels, vectors of {blocks.shape[1]} grey levels")

# %%
# The wall
# --------
# An index into a codebook of :math:`k` codewords takes :math:`\log_2 k` bits and stands
# for the 16 pixels of a block. R bits per pixel (bpp) are therefore :math:`16R` bits
# per block, a codebook of :math:`k = 2^{16R}` codewords of 16 bytes each:
print("  bpp      codewords     codebook bytes  blocks of the image per codeword")
for rate in (0.25, 0.5, 0.75, 1, 1.5, 2):
    k_needed = 2 ** round(16 * rate)
    print(f"{rate:5}  {k_needed:13,d}  {16 * k_needed:17,d}  {n_blocks / k_needed:.4g}")
assert 2**16 > n_blocks and 2**16 * 16 > raccoon.nbytes

# %%
# At 1 bpp there would be more codewords than blocks, and a codebook larger than the raw
# image; at 2 bpp, four billion codewords. One codebook stops being something we can
# learn, store or search long before the rates a photograph needs.
#
# Encoding: the nearest codeword, exactly
# ---------------------------------------
# To *encode* a vector is to find its nearest codeword. Writing the squared distance as
# :math:`\|x - c\|^2 = \|x\|^2 - 2\,x \cdot c + \|c\|^2`, the first term is the same
# for every codeword, and the rest, for all vectors and codewords at once, is one
# matrix product. We write this encoder ourselves rather than call
# :func:`~sklearn.metrics.pairwise_distances_argmin`, for two guarantees that
# scikit-learn does not document. First, exact distances: blocks, residuals and codewords
# are all integers on this page, a few hundred at most in size, so every product and
# partial sum in the matrix product is an integer well below :math:`2^{24}`. 32-bit
# floating point, half the size of 64-bit, holds every integer up to :math:`2^{24}`
# exactly, so the distances come out exact in whatever order the linear-algebra library
# adds; the encoder refuses input whose distances could exceed that bound. Second, an
# explicit rule for ties: :func:`numpy.argmin` returns the *first* of equal minima, so a
# vector equally far from two codewords gets the one with the smaller index. Together
# they make the codes the same on every machine.
#
# The products are small, 16 columns wide, and this page computes hundreds of them, so
# we keep each on one thread: sharing such a small product among threads gains little,
# and on a busy machine the threads wait for each other. threadpoolctl, which
# scikit-learn installs, sets the number of threads of NumPy's linear-algebra library.
from threadpoolctl import ThreadpoolController

linear_algebra = ThreadpoolController()


def encode(vectors, codebook):
    """For each row of ``vectors``, the index of its nearest codeword (the first on ties).

    Both must hold integers small enough for exact distances in 32-bit floating point.
    """
    vectors, codebook = np.asarray(vectors), np.asarray(codebook)
    largest_vector = int(np.abs(vectors).max(initial=0))
    largest_codeword = int(np.abs(codebook).max(initial=0))
    dimension = codebook.shape[1]
    bound = dimension * largest_codeword * (2 * largest_vector + largest_codeword)
    if not (np.issubdtype(vectors.dtype, np.integer) and np.issubdtype(codebook.dtype, np.integer)):
        raise TypeError("encode() needs integer vectors and codewords; round them first")
    if bound >= 2**24:
        raise ValueError(f"distances up to {bound} are not exact in float32; scale the data down")
    codewords = codebook.astype(np.float32)
    squared_norms = np.sum(codewords**2, axis=1)
    minus_twice = -2 * codewords.T
    codes = np.empty(len(vectors), dtype=np.intp)
    with linear_algebra.limit(limits=1, user_api="blas"):
        for start in range(0, len(vectors), 4096):  # in chunks, to bound the memory used
            distances = vectors[start : start + 4096].astype(np.float32) @ minus_twice
            distances += squared_norms  # |x - c|² - |x|², for every codeword c
            codes[start : start + 4096] = np.argmin(distances, axis=1)
    return codes


# Ties: a repeated codeword, and a vector exactly halfway between two codewords.
flat_codebook = np.array([[10] * 16, [20] * 16, [10] * 16])
assert encode(np.full((1, 16), 10), flat_codebook)[0] == 0
assert encode(np.full((1, 16), 15), flat_codebook)[0] == 0

# %%
# Learning a codebook
# -------------------
# Every codebook on this page is learned by k-means on a fixed sample of 5000 of the
# image's blocks, drawn once with seed 0 (or on pieces, or residuals, of those same
# blocks). The starting codewords are chosen by scikit-learn's
# :func:`~sklearn.cluster.kmeans_plusplus` with ``random_state=0``; on integer data its
# distances are exact too. Then come Lloyd's iterations, the heart of k-means: give each
# vector the index of its nearest codeword, move each codeword to the mean of its
# vectors, repeat. We write those few lines ourselves rather than use
# :class:`~sklearn.cluster.KMeans`, because ``KMeans`` keeps fractional centres, whose
# distances different linear-algebra libraries and thread counts round differently; a
# vector nearly halfway between two centres can then join either, and the codebooks,
# and the numbers on this page, could depend on the machine. Our iterations round each
# mean to the nearest integer, so that the encoder above stays exact; a codeword that
# loses all its vectors stays where it is. They stop when no code changes, or after 20
# iterations, which keeps the page quick. At 256 codewords, the largest codebook here,
# the sample has about 20 blocks per codeword. The codewords are stored in the smallest
# integer type that holds them, so the bytes we count are the bytes of real arrays.
from sklearn.cluster import kmeans_plusplus

n_sample = 5000
rng = np.random.default_rng(0)
sample = blocks[rng.choice(n_blocks, size=n_sample, replace=False)]


def smallest_integer_type(values):
    """``values`` as the first of uint8, int8 and int16 that holds them all."""
    for dtype in (np.uint8, np.int8, np.int16):
        limits = np.iinfo(dtype)
        if limits.min <= values.min() and values.max() <= limits.max:
            return values.astype(dtype)
    raise ValueError(f"values from {values.min()} to {values.max()} do not fit in 16 bits")


def fit_codebook(vectors, k, max_iter=20):
    """K-means with integer codewords on the rows of ``vectors``: ``k`` codewords."""
    vectors = vectors.astype(np.int64)
    with linear_algebra.limit(limits=1, user_api="blas"):  # small products: one thread
        start, _ = kmeans_plusplus(vectors.astype(np.float64), k, random_state=0)
    codebook = start.astype(np.int64)  # k-means++ starts from vectors: integers already
    codes = None
    for _ in range(max_iter):
        new_codes = encode(vectors, codebook)
        if codes is not None and np.array_equal(new_codes, codes):
            break
        codes = new_codes
        counts = np.bincount(codes, minlength=k)
        # The sum of each codeword's vectors, one coordinate at a time (exact: integers).
        sums = np.column_stack(
            [np.bincount(codes, weights=column, minlength=k) for column in vectors.T]
        )
        used = counts > 0
        codebook[used] = np.rint(sums[used] / counts[used, None])
    return smallest_integer_type(codebook)


# %%
# Every quantizer below turns its codes back into blocks, merges them into an image and
# is described by the same numbers: its rate, in bits of index per pixel; its PSNR; the
# size of its codebooks, in codewords ("entries") and bytes; the number of codeword
# values the encoder compares with each block, that is its multiply-adds per block in
# the matrix products above; and the time it took to encode the whole image, on one
# thread, measured once on the machine that built this page. Grey levels outside 0 to
# 255 are clipped before the image is made.
from time import perf_counter


def describe(codebooks, codes, decoded, seconds):
    """The numbers and the image of one quantizer (``decoded``: one row per block)."""
    image = merge_blocks(np.clip(decoded, 0, 255).astype(np.uint8), b, raccoon.shape)
    return {
        "codebooks": codebooks,
        "codes": codes,
        "image": image,
        "rate": sum(np.log2(len(codebook)) for codebook in codebooks) / b**2,
        "psnr": psnr(raccoon, image),
        "entries": sum(len(codebook) for codebook in codebooks),
        "bytes": sum(codebook.nbytes for codebook in codebooks),
        "values_per_block": sum(codebook.size for codebook in codebooks),
        "seconds": seconds,
    }


def print_result(name, result):
    print(
        f"{name:<18} {result['rate']:5.3f} bpp  {result['psnr']:5.2f} dB  "
        f"{result['entries']:4d} entries  {result['bytes']:5d} bytes  "
        f"{result['values_per_block']:5d} values/block  {1000 * result['seconds']:5.1f} ms"
    )


# %%
# Plain block quantization
# ------------------------
# The reference is one codebook of k codewords of 16 grey levels, as on the block
# quantization page, for k = 16, 64 and 256: 0.25 to 0.5 bpp. The results are kept in a
# dictionary keyed by the method, the number of codewords of each codebook and the
# number of codebooks.
results = {}
for k in (16, 64, 256):
    codebook = fit_codebook(sample, k)
    start = perf_counter()
    codes = encode(blocks, codebook)
    seconds = perf_counter() - start
    results["VQ", k, 1] = describe([codebook], codes[:, None], codebook[codes], seconds)
    print_result(f"Plain, {k}", results["VQ", k, 1])

# %%
# Residual vector quantization
# ----------------------------
# The first stage is a plain block quantizer. What it gets wrong, the *residual*
# :math:`x - c_1`, the block minus its codeword, is itself a vector of 16 numbers, of
# either sign. A second codebook, learned by k-means on the residuals of the sample,
# quantizes it, and so on. After S stages the block is the sum of one codeword per stage,
#
# .. math:: x \approx c_1 + c_2 + \dots + c_S,
#
# its code is S indices, and the error is what the last stage left. With S stages of k
# codewords the rate is :math:`S \log_2 k / 16` bpp, the codebooks hold :math:`S k`
# codewords, and the encoder compares each block with :math:`S k` codewords: costs that
# grow *linearly* with the rate, where those of one codebook grow exponentially. Each
# stage here picks the codeword nearest to what is left, without looking ahead: a
# *greedy* encoder.


def fit_residual(sample, k, n_stages):
    """One codebook of ``k`` codewords per stage, each learned on the previous residuals."""
    residuals = sample.astype(np.int32)
    codebooks = []
    for _ in range(n_stages):
        codebook = fit_codebook(residuals, k)
        residuals = residuals - codebook[encode(residuals, codebook)]
        codebooks.append(codebook)
    return codebooks


def encode_residual(vectors, codebooks):
    """Greedy residual encoding: the codes (one column per stage) and the last residuals."""
    residuals = vectors.astype(np.int32)
    codes = np.empty((len(vectors), len(codebooks)), dtype=np.intp)
    for stage, codebook in enumerate(codebooks):
        codes[:, stage] = encode(residuals, codebook)
        residuals = residuals - codebook[codes[:, stage]]
    return codes, residuals


def decode_residual(codes, codebooks):
    """For each block, the sum of its codeword of every stage."""
    return sum(
        codebook[codes[:, stage]].astype(np.int32) for stage, codebook in enumerate(codebooks)
    )


# %%
# We learn two residual quantizers: 4 stages of 256 codewords (8 bits a stage) and 8
# stages of 16 codewords (4 bits a stage), both up to 2 bpp. Encoding with the first S
# codebooks of either gives the quantizer of S stages; each is timed on its own. The
# reconstruction is decoded from the codes alone, and its error is checked to be exactly
# the residual the last stage left.
residual_codebooks = {256: fit_residual(sample, 256, 4), 16: fit_residual(sample, 16, 8)}
residuals_left = {}
for k, codebooks in residual_codebooks.items():
    for n_stages in range(1, len(codebooks) + 1):
        start = perf_counter()
        codes, residuals = encode_residual(blocks, codebooks[:n_stages])
        seconds = perf_counter() - start
        decoded = decode_residual(codes, codebooks[:n_stages])
        assert np.array_equal(blocks - decoded, residuals)
        results["RVQ", k, n_stages] = describe(codebooks[:n_stages], codes, decoded, seconds)
        residuals_left[k, n_stages] = residuals
        print_result(f"Residual, {n_stages} × {k}", results["RVQ", k, n_stages])

# %%
# Three facts to check on these numbers. The first stage of 256 codewords *is* the plain
# quantizer of 256 codewords: same sample, same seed, same codebook, same codes. Every
# added stage raises the PSNR. And the code of fewer stages is the beginning of the code
# of more stages, because a stage only looks at what the stages before it left: a coder
# can drop the last indices to lower the rate, without encoding again.
assert np.array_equal(residual_codebooks[256][0], results["VQ", 256, 1]["codebooks"][0])
assert np.array_equal(results["RVQ", 256, 1]["codes"], results["VQ", 256, 1]["codes"])
for k, codebooks in residual_codebooks.items():
    quality = [results["RVQ", k, s]["psnr"] for s in range(1, len(codebooks) + 1)]
    assert np.all(np.diff(quality) > 0), quality
    full_code = results["RVQ", k, len(codebooks)]["codes"]
    for n_stages in range(1, len(codebooks)):
        assert np.array_equal(results["RVQ", k, n_stages]["codes"], full_code[:, :n_stages])

# %%
# What the codebooks hold: the first stage's codewords are grey levels between 0 and
# 255, the later ones are small corrections of either sign, within a narrower range at
# each stage of 256 codewords. They all fit in one byte (``uint8`` for the first stage,
# ``int8`` for the others), so, as on the block quantization page, every codebook takes
# one byte per value.
for k, codebooks in residual_codebooks.items():
    ranges = ", ".join(f"{c.min()} to {c.max()}" for c in codebooks)
    print(f"Stages of {k} codewords, from first to last: {ranges}")
    assert codebooks[0].dtype == np.uint8
    assert all(codebook.dtype == np.int8 for codebook in codebooks[1:])
spread = [np.abs(codebook.astype(int)).max() for codebook in residual_codebooks[256][1:]]
assert all(earlier > later for earlier, later in zip(spread, spread[1:])), spread

# %%
# Stage by stage, on a 128×128 crop around the raccoon's eye, enlarged so that each
# pixel shows: the image after 1, 2 and 4 stages of 256 codewords, and below each, the
# error left, on one colour scale.
import matplotlib.pyplot as plt

crop = (slice(256, 384), slice(512, 640))
extent = (512, 640, 384, 256)  # so that the axes count pixels of the full image
fig, axes = plt.subplots(2, 3, figsize=(9, 6.2), layout="constrained")
for column, n_stages in enumerate((1, 2, 4)):
    result = results["RVQ", 256, n_stages]
    error_image = merge_blocks(residuals_left[256, n_stages], b, raccoon.shape)
    stages = f"{n_stages} stage{'s' if n_stages > 1 else ''}"
    ax = axes[0, column]
    ax.imshow(
        result["image"][crop], cmap="gray", vmin=0, vmax=255, interpolation="nearest", extent=extent
    )
    ax.set_title(f"{stages}, {result['rate']:g} bpp: {result['psnr']:.1f} dB")
    ax = axes[1, column]
    error_shown = ax.imshow(
        error_image[crop], cmap="RdBu", vmin=-60, vmax=60, interpolation="nearest", extent=extent
    )
    ax.set_title(f"Error left after {stages}")
for ax in axes.ravel():
    ax.set_xlabel("Column (pixels)")
for ax in axes[:, 0]:
    ax.set_ylabel("Row (pixels)")
fig.colorbar(error_shown, ax=axes[1], shrink=0.8, label="Original minus quantized\n(grey levels)")
fig.suptitle("Residual quantization with 256 codewords a stage, crop around the eye")

# %%
# One stage draws the eye with 4×4 tiles, and its error is largest along the whiskers
# and in the fur; each further stage takes a share of what is left.
#
# Is greedy encoding the best use of the codebooks? Two stages of 16 codewords can
# produce :math:`16 \times 16 = 256` different blocks :math:`c_1 + c_2`. Searching all
# 256 for each block, which our encoder does if we hand it the 256 sums as one codebook,
# finds a strictly better pair than the greedy choice for more than one block in ten:
first, second = (c.astype(np.int32) for c in residual_codebooks[16][:2])
all_sums = (first[:, None, :] + second[None, :, :]).reshape(-1, 16)  # row 16 i + j: c1_i + c2_j
best_pairs = encode(blocks, all_sums)
best_errors = np.sum((blocks - all_sums[best_pairs]) ** 2, axis=1)
greedy_errors = np.sum(residuals_left[16, 2].astype(np.int64) ** 2, axis=1)
assert np.all(best_errors <= greedy_errors)
share_improved = np.mean(best_errors < greedy_errors)
exhaustive_psnr = psnr(
    raccoon, merge_blocks(np.clip(all_sums[best_pairs], 0, 255), b, raccoon.shape)
)
print(f"Blocks with a better pair than the greedy one: {share_improved:.1%}")
print(
    f"2 × 16, greedy: {results['RVQ', 16, 2]['psnr']:.2f} dB; best pair: "
    f"{exhaustive_psnr:.2f} dB; plain VQ with 256 codewords: "
    f"{results['VQ', 256, 1]['psnr']:.2f} dB"
)
assert share_improved > 0.1
assert results["RVQ", 16, 2]["psnr"] < exhaustive_psnr < results["VQ", 256, 1]["psnr"]
assert exhaustive_psnr - results["RVQ", 16, 2]["psnr"] < 0.5

# %%
# The best pairs gain less than half a decibel, and do not reach 256 freely chosen
# codewords: the 256 sums are made of 16 + 16 vectors. The search over all pairs grows
# exponentially with the number of stages, so practical encoders keep a few candidates
# at each stage instead (a *beam*), between greedy and exhaustive.
#
# Product quantization
# --------------------
# Product quantization cuts each block into m pieces, *sub-vectors* of :math:`16 / m`
# grey levels, and gives each piece a codebook of its own, learned by k-means on that
# piece of the sample blocks. We cut into consecutive runs of the vector, as Jégou,
# Douze and Schmid do: a block being read row by row, m = 2 gives its top and bottom
# halves (2×4 pixels each), m = 4 its four rows, m = 8 its half-rows of 2 pixels. The
# code of a block is m indices, one per piece, and the block is rebuilt by putting the m
# codewords side by side.
#
# With m pieces of k codewords the rate is :math:`m \log_2 k / 16` bpp, as for m stages
# of a residual quantizer. The codebooks hold :math:`m k` codewords, but each is only
# :math:`16 / m` values long: :math:`16 k` values in all, whatever m. The encoder
# compares each block with those :math:`16 k` values, m times fewer than a residual
# quantizer of m stages. The :math:`k^m` blocks that can be put together from the pieces
# form an implicit codebook that is never stored.


def fit_product(sample, k, m):
    """One codebook of ``k`` codewords for each of the ``m`` consecutive pieces of a vector."""
    return [fit_codebook(piece, k) for piece in np.split(sample, m, axis=1)]


def encode_product(vectors, codebooks):
    """The code of each piece, one column per piece."""
    pieces = np.split(vectors, len(codebooks), axis=1)
    return np.column_stack([encode(piece, codebook) for piece, codebook in zip(pieces, codebooks)])


def decode_product(codes, codebooks):
    """The codewords of the pieces, side by side."""
    return np.hstack([codebook[codes[:, j]] for j, codebook in enumerate(codebooks)])


for k, cuts in [(256, (2, 4)), (16, (2, 4, 8))]:
    for m in cuts:
        codebooks = fit_product(sample, k, m)
        start = perf_counter()
        codes = encode_product(blocks, codebooks)
        seconds = perf_counter() - start
        results["PQ", k, m] = describe(codebooks, codes, decode_product(codes, codebooks), seconds)
        print_result(f"Product, {m} × {k}", results["PQ", k, m])
        assert results["PQ", k, m]["values_per_block"] == 16 * k
        if ("RVQ", k, m) in results:  # m stages compare m times as many values
            assert results["RVQ", k, m]["values_per_block"] == m * 16 * k

# %%
# Quality against rate, and against codebook size
# -----------------------------------------------
# On the left, PSNR against rate; on the right, the same points against the bytes of
# their codebooks, on a logarithmic axis. Solid lines join quantizers made of codebooks
# of 256 codewords, dashed lines those made of codebooks of 16. Each residual and
# product curve starts from the plain quantizer with the same number of codewords: one
# stage, or one piece, is plain block quantization.
names = {"VQ": "Plain VQ", "RVQ": "Residual VQ", "PQ": "Product quantization"}
styles = {"VQ": ("tab:green", "o"), "RVQ": ("tab:blue", "s"), "PQ": ("tab:orange", "^")}
families = {
    ("VQ", "16 to 256 codewords"): [("VQ", 16, 1), ("VQ", 64, 1), ("VQ", 256, 1)],
    ("RVQ", "stages of 256"): [("RVQ", 256, n) for n in (1, 2, 3, 4)],
    ("RVQ", "stages of 16"): [("RVQ", 16, n) for n in range(1, 9)],
    ("PQ", "pieces of 256"): [("VQ", 256, 1), ("PQ", 256, 2), ("PQ", 256, 4)],
    ("PQ", "pieces of 16"): [("VQ", 16, 1), ("PQ", 16, 2), ("PQ", 16, 4), ("PQ", 16, 8)],
}
fig, (ax_rate, ax_size) = plt.subplots(1, 2, figsize=(11, 4.8), layout="constrained")
for (method, detail), keys in families.items():
    color, marker = styles[method]
    linestyle = "--" if detail.endswith(" 16") else "-"
    family = [results[key] for key in keys]
    for ax, x in [(ax_rate, "rate"), (ax_size, "bytes")]:
        ax.plot(
            [r[x] for r in family],
            [r["psnr"] for r in family],
            marker=marker,
            linestyle=linestyle,
            color=color,
            label=f"{names[method]}, {detail}",
        )
ax_rate.set_xlabel("Rate (bits per pixel)")
ax_rate.set_title("Quality against rate")
ax_size.set_xscale("log")
ax_size.set_xlabel("Size of the codebooks (bytes, log scale)")
ax_size.set_title("Quality against codebook size")
for ax in (ax_rate, ax_size):
    ax.set_ylabel("PSNR (dB)")
    ax.grid(alpha=0.3)
ax_rate.legend(loc="upper left", fontsize=9)

# %%
# On the right, the product quantizers stand on vertical lines: whatever the number of
# pieces, their codebooks hold :math:`16 k` values. Residual quantization with stages
# of 16 codewords gets the most out of the bytes it stores: with the 1024 bytes of plain
# quantization's 64 codewords, its four stages are about 5 dB better.
psnr_of = {key: result["psnr"] for key, result in results.items()}
assert results["RVQ", 16, 4]["bytes"] == results["VQ", 64, 1]["bytes"] == 1024
assert psnr_of["RVQ", 16, 4] - psnr_of["VQ", 64, 1] > 4.5

# %%
# At equal rate
# -------------
# The table puts side by side the quantizers that spend the same number of bits per
# pixel.
comparisons = {
    0.5: [("VQ", 256, 1), ("RVQ", 16, 2), ("PQ", 16, 2)],
    1.0: [("RVQ", 256, 2), ("RVQ", 16, 4), ("PQ", 256, 2), ("PQ", 16, 4)],
    2.0: [("RVQ", 256, 4), ("RVQ", 16, 8), ("PQ", 256, 4), ("PQ", 16, 8)],
}
print("quantizer                       bpp  PSNR (dB)  entries  bytes  values/block  encode (ms)")
for rate, keys in comparisons.items():
    for method, k, n in keys:
        result = results[method, k, n]
        assert result["rate"] == rate
        name = f"{names[method]}, {n} × {k}"
        print(
            f"{name:<30} {rate:4.2f}  {result['psnr']:9.2f}  {result['entries']:7d}  "
            f"{result['bytes']:5d}  {result['values_per_block']:12d}  "
            f"{1000 * result['seconds']:11.1f}"
        )

# %%
# Three things stand out.
#
# **Where one codebook is possible, it is best.** At 0.5 bpp the 256 codewords of plain
# block quantization beat two stages of 16, which beat two pieces of 16.
assert psnr_of["VQ", 256, 1] > psnr_of["RVQ", 16, 2] > psnr_of["PQ", 16, 2]

# %%
# **Beyond it, residual quantization wins on this image**, at every rate and for both
# codebook sizes, against the product quantizer with as many codebooks of as many
# codewords. It even wins with 4 times fewer bytes: at 1 bpp, four stages of 16
# codewords (1024 bytes) beat two pieces of 256 (4096 bytes), and their encoder compares
# each block with 4 times fewer values.
for rate, keys in comparisons.items():
    for method, k, n in keys:
        if method == "RVQ":
            assert psnr_of["RVQ", k, n] > psnr_of["PQ", k, n], (rate, k, n)
small_residual, large_product = results["RVQ", 16, 4], results["PQ", 256, 2]
assert small_residual["psnr"] > large_product["psnr"]
assert 4 * small_residual["bytes"] == large_product["bytes"]
assert 4 * small_residual["values_per_block"] == large_product["values_per_block"]

# %%
# **At equal rate, fewer and larger codebooks are better**: 2 codebooks of 256 beat 4
# of 16, and 4 of 256 beat 8 of 16, for both methods, at the price of 8 times the
# bytes and the encoding work for residual quantization, 16 times for product
# quantization.
for rate in (1.0, 2.0):
    n_large = round(rate * 16 / 8)
    for method, ratio in [("RVQ", 8), ("PQ", 16)]:
        large, small = results[method, 256, n_large], results[method, 16, 2 * n_large]
        assert large["psnr"] > small["psnr"], (method, rate)
        assert large["bytes"] == ratio * small["bytes"]
        assert large["values_per_block"] == ratio * small["values_per_block"]

# %%
# None of them is near the wall: the largest residual quantizer here, at 2 bpp, stores
# 1024 codewords in 16 KiB, where one codebook would need :math:`2^{32}` codewords.
largest = results["RVQ", 256, 4]
print(f"Residual VQ at 2 bpp: {largest['entries']} codewords, {largest['bytes']} bytes")
assert largest["entries"] == 1024 and largest["bytes"] == 16 * 1024

# %%
# The encoding times are single measurements on a machine that may be busy with other
# work, so we draw no conclusion from them. The work they measure is the count of
# values compared with each block, which the table gives exactly.
#
# Why product quantization does worse here
# ----------------------------------------
# Product quantization spends its bits on each piece separately, which is wasteful when
# the pieces depend on each other. In a photograph they do: the top and bottom halves of
# a 4×4 block are mostly about as bright as each other. Over the whole image the
# correlation of their mean grey levels is close to 1:
top_means = blocks[:, :8].mean(axis=1)
bottom_means = blocks[:, 8:].mean(axis=1)
half_correlation = np.corrcoef(top_means, bottom_means)[0, 1]
print(f"Correlation of the mean grey levels of the top and bottom halves: {half_correlation:.2f}")
assert half_correlation > 0.9

# %%
# Each half's codebook must therefore spend its codewords on the whole range of
# brightness, and the code says the brightness of a block twice, once per half. The
# first stage of a residual quantizer says it once for the whole block and leaves the
# later stages to the details. With 16 codewords, the mean grey levels of the codewords
# span about the same range for each half as for whole blocks:


def mean_level_range(codebook):
    """The lowest and highest mean grey level of the codewords of ``codebook``."""
    means = codebook.mean(axis=1)
    return means.min(), means.max()


whole_low, whole_high = mean_level_range(results["RVQ", 16, 1]["codebooks"][0])
print(f"Whole blocks, first stage: mean grey levels {whole_low:.0f} to {whole_high:.0f}")
for half, codebook in zip(("Top", "Bottom"), results["PQ", 16, 2]["codebooks"]):
    low, high = mean_level_range(codebook)
    print(f"{half} halves: mean grey levels {low:.0f} to {high:.0f}")
    assert high - low > 0.9 * (whole_high - whole_low)

# %%
# Product quantization does best when its pieces are close to independent.
#
# It has another strength, which images do not need but search does. The squared
# distance from any vector :math:`q` to a product-coded block is the sum, over the
# pieces, of the squared distances from :math:`q`'s piece to that piece's codeword.
# With a table of those :math:`m \times k` distances, computed once for :math:`q`, the
# distance to every coded block costs m look-ups and additions, without decoding. Here
# is the table at work, with a block of the image as :math:`q`, against every block
# coded by the product quantizer with 2 pieces of 256 codewords:
query = blocks[12345].astype(np.int64)
product = results["PQ", 256, 2]
tables = [
    ((piece[None, :] - codebook.astype(np.int64)) ** 2).sum(axis=1)
    for piece, codebook in zip(np.split(query, 2), product["codebooks"])
]
looked_up = tables[0][product["codes"][:, 0]] + tables[1][product["codes"][:, 1]]
decoded = decode_product(product["codes"], product["codebooks"]).astype(np.int64)
assert np.array_equal(looked_up, ((decoded - query) ** 2).sum(axis=1))
print(
    f"Distances from one query to {len(looked_up)} coded blocks: from a table of "
    f"{sum(len(t) for t in tables)} numbers, equal to the distances to the decoded blocks"
)

# %%
# A residual code does not split so cleanly. Expanding
# :math:`\|q - c_1 - c_2\|^2` gives a term for each stage,
# :math:`\|c_s\|^2 - 2\, q \cdot c_s`, which tables give as before, plus
# :math:`\|q\|^2`, plus a cross term :math:`2\, c_1 \cdot c_2` that mixes the two
# stages. That term does not depend on :math:`q`, so a search system can compute it once
# per coded vector and store it beside the code, at the price of some memory:
residual = results["RVQ", 256, 2]
first_stage, second_stage = (c.astype(np.int64) for c in residual["codebooks"])
i, j = residual["codes"][:, 0], residual["codes"][:, 1]
stage_tables = [(c**2).sum(axis=1) - 2 * c @ query for c in (first_stage, second_stage)]
cross_terms = 2 * np.sum(first_stage[i] * second_stage[j], axis=1)
exact = ((first_stage[i] + second_stage[j] - query) ** 2).sum(axis=1)
assert np.array_equal(query @ query + stage_tables[0][i] + stage_tables[1][j] + cross_terms, exact)
share_nonzero = np.mean(cross_terms != 0)
print(f"Blocks whose cross term is not zero: {share_nonzero:.0%}")
assert share_nonzero > 0.5

# %%
# Looking at the images
# ---------------------
# The same crop at 0.5 bpp (top row) and at 1 bpp (bottom row, beside the original).
# In each row, product quantization has the same number of codewords as residual
# quantization.
shown = [
    ("Plain VQ, 256, 0.5 bpp", ("VQ", 256, 1)),
    ("Product, 2 × 16, 0.5 bpp", ("PQ", 16, 2)),
    ("Residual, 2 × 16, 0.5 bpp", ("RVQ", 16, 2)),
    ("Original, 8 bpp", None),
    ("Product, 2 × 256, 1 bpp", ("PQ", 256, 2)),
    ("Residual, 2 × 256, 1 bpp", ("RVQ", 256, 2)),
]
fig, axes = plt.subplots(2, 3, figsize=(9, 7.6), layout="constrained")
for ax, (title, key) in zip(axes.ravel(), shown):
    image = raccoon if key is None else results[key]["image"]
    ax.imshow(image[crop], cmap="gray", vmin=0, vmax=255, interpolation="nearest", extent=extent)
    ax.set_title(title if key is None else f"{title}\n{psnr_of[key]:.1f} dB")
for ax in axes.ravel():
    ax.set_xlabel("Column (pixels)")
for ax in axes[:, 0]:
    ax.set_ylabel("Row (pixels)")
fig.suptitle("Crop around the eye")

# %%
# At 0.5 bpp all three draw the eye with visible 4×4 tiles, and the product quantizer's
# tiles are often split into a top and a bottom half of different greys, because its two
# pieces are encoded independently. We can measure that: compare the step in grey level
# between the two halves of a block (from its second row to its third) with the steps
# between neighbouring rows inside a half (first to second, third to fourth).


def half_step_ratio(image):
    """Mean step between the halves of the 4×4 blocks over the mean step inside a half."""
    steps = np.abs(np.diff(image.astype(np.float64), axis=0))
    # Row i of ``steps`` is the step from image row i to row i + 1, inside one block
    # unless i + 1 is a multiple of 4, and between its halves when i % 4 == 1.
    position = np.arange(len(steps)) % 4
    return steps[position == 1].mean() / steps[(position == 0) | (position == 2)].mean()


half_steps = {
    title: half_step_ratio(raccoon if key is None else results[key]["image"])
    for title, key in shown
}
for title, ratio in half_steps.items():
    print(f"{title}: steps between block halves are {ratio:.2f} times those inside")
assert half_steps["Product, 2 × 16, 0.5 bpp"] > 5
for rate in ("0.5 bpp", "1 bpp"):
    product_ratio = half_steps[f"Product, 2 × {16 if rate == '0.5 bpp' else 256}, {rate}"]
    others = [
        ratio
        for title, ratio in half_steps.items()
        if title.endswith(rate) and not title.startswith("Product")
    ]
    assert product_ratio > 1.5 * max(others), (rate, product_ratio, others)

assert abs(half_steps["Original, 8 bpp"] - 1) < 0.1
assert all(ratio < 1.5 for title, ratio in half_steps.items() if not title.startswith("Product"))

# %%
# In the original the two kinds of step are about equal, and plain and residual
# quantization keep them within a factor of 1.5 of each other. Product quantization
# raises the ratio above 5 at 0.5 bpp, and it still stands out at 1 bpp.
#
# Where these are used today
# --------------------------
# **Product quantization** was proposed for nearest-neighbour search by Hervé Jégou,
# Matthijs Douze and Cordelia Schmid ("Product quantization for nearest neighbor
# search", IEEE Transactions on Pattern Analysis and Machine Intelligence, 2011). The
# vectors there are image descriptors (SIFT and GIST) rather than pixels, and the aim is
# to hold very many of them in memory, each as a short code, and to find those nearest
# to a query with tables of distances, as above, without decoding. For the largest
# collections they join the two ideas of this page: a first, coarse quantizer sorts the
# vectors into lists, and what it gets wrong, each vector's residual, is product
# quantized; the paper searches two billion vectors this way. The FAISS library for
# similarity search, developed at Meta AI Research, implements product quantizers, and
# residual quantizers too, whose encoder keeps a beam of candidate codes at each stage
# rather than the greedy choice made here.
#
# **Residual vector quantization** is the quantizer of neural audio codecs, among them
# SoundStream (Neil Zeghidour and colleagues at Google, "SoundStream: An End-to-End
# Neural Audio Codec", 2021) and EnCodec (Alexandre Défossez and colleagues at Meta,
# "High Fidelity Neural Audio Compression", 2022). A neural network turns the sound into
# a sequence of vectors, which a residual quantizer encodes. The property checked above,
# that the code of fewer stages is the beginning of the code of more, is how they
# change rate: SoundStream is trained with its last stages dropped at random, so that
# one model serves from 3 to 18 kbit/s, and EnCodec's 24 kHz model uses 2 to 32
# codebooks of 1024 codewords for 1.5 to 24 kbit/s.
#
# In short, on this image:
#
# * **One codebook** is best where it is possible, up to 256 codewords here, 0.5 bpp
#   with 4×4 blocks; its cost grows exponentially with the rate.
# * **Residual quantization** reaches any rate with costs that grow linearly: 2 bpp
#   with 1024 codewords. It loses a little to one codebook at equal rate, partly
#   because its encoder is greedy, and it was the better of the two ways past the wall
#   at every rate we tried.
# * **Product quantization** has the smallest codebooks, the fewest values to compare
#   when encoding, and distances computed from tables alone; it pays for them on
#   images, whose pieces are strongly correlated.
