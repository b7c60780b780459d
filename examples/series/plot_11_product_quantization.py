"""
=============================================
Product quantization: one codebook per piece
=============================================

One codebook for 4×4 blocks grows exponentially with the rate, as the page on
:ref:`block vector quantization
<sphx_glr_auto_examples_series_plot_09_block_vector_quantization.py>` showed, and
:ref:`residual quantization <sphx_glr_auto_examples_series_plot_10_residual_quantization.py>`
got past that wall by quantizing the error in stages. *Product* quantization cuts the
vector into pieces instead, with a small codebook for each piece. Jégou, Douze and Schmid
made it the tool of large-scale search ("Product quantization for nearest neighbor
search", IEEE Transactions on Pattern Analysis and Machine Intelligence, 2011). We compare
it with one codebook at equal rate on the grey raccoon, see why images do not suit it,
and where it pays.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 2

# %%
# Blocks and codebooks
# --------------------
# The image is cut into 4×4 blocks, each read row by row into a vector of 16 grey
# levels, and scored by its PSNR over all pixels (:ref:`mse-psnr`). Every codebook is
# learned by k-means, one start from the same 5000 blocks drawn at random, its
# codewords rounded to integers, and every vector is encoded as the index of its
# nearest codeword.
import lzma

import numpy as np
from scipy.datasets import face
from sklearn.cluster import KMeans
from sklearn.metrics import pairwise_distances_argmin

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


blocks = split_blocks(raccoon).astype(np.float64)
rng = np.random.default_rng(0)
sample = blocks[rng.choice(len(blocks), size=5000, replace=False)]

# %%
# Product quantization
# --------------------
# The quantizer cuts each block into m pieces, *sub-vectors* of :math:`16 / m` grey
# levels, consecutive in the vector as in Jégou and colleagues' paper: m = 2 gives the
# top and bottom halves of a block (2×4 pixels each), m = 4 its rows, m = 8 its
# half-rows. Each piece has a codebook of k codewords learned on that piece of the
# sample. The code of a block is m indices, and the block is rebuilt by putting the m
# codewords side by side. With m = 1 it is plain block quantization.
#
# With m pieces of k codewords the fixed-length rate is :math:`m \log_2 k / 16` bits
# per pixel (bpp). The codebooks hold :math:`16 k` values whatever m, and the encoder
# compares each block with those :math:`16 k` values, while the :math:`k^m` blocks
# that the pieces can form, an implicit codebook, are never stored.


def fit_product(vectors, k, m):
    """One codebook of ``k`` integer codewords for each of ``m`` pieces."""
    codebooks = []
    for piece in np.split(vectors, m, axis=1):
        kmeans = KMeans(k, n_init=1, random_state=0).fit(piece)
        codebooks.append(
            np.rint(kmeans.cluster_centers_).astype(np.uint8)
        )
    return codebooks


def encode_product(vectors, codebooks):
    """The index of each piece's nearest codeword, one column a piece."""
    pieces = np.split(vectors, len(codebooks), axis=1)
    codes = [
        pairwise_distances_argmin(p, c)
        for p, c in zip(pieces, codebooks)
    ]
    return np.column_stack(codes)


def decode_product(codes, codebooks):
    """The codewords of the pieces, side by side."""
    return np.hstack([c[codes[:, j]] for j, c in enumerate(codebooks)])


# %%
# The rate is also counted after entropy coding: the *index entropy* (the Shannon
# entropy of each column of indices, summed) and the real bytes of the indices, one
# byte each, compressed by :mod:`lzma`, plus the bytes of the codebooks, all divided by
# the 16 pixels of a block.


def entropy(indices):
    """Shannon entropy of ``indices``, in bits per index."""
    p = np.bincount(indices) / len(indices)
    p = p[p > 0]
    return -np.sum(p * np.log2(p))


results = {}
print("quantizer  fixed  entr.  lzma   PSNR  bytes  values")
for k, cuts in [(16, (1, 2, 4, 8)), (256, (1, 2, 4))]:
    for m in cuts:
        codebooks = fit_product(sample, k, m)
        codes = encode_product(blocks, codebooks)
        image = merge_blocks(decode_product(codes, codebooks))
        table_bytes = sum(c.nbytes for c in codebooks)
        stored = len(lzma.compress(codes.astype(np.uint8).tobytes()))
        r = results[k, m] = {
            "codebooks": codebooks,
            "codes": codes,
            "image": image,
            "psnr": psnr(raccoon, image),
            "fixed": m * np.log2(k) / 16,
            "entropy": sum(entropy(column) for column in codes.T) / 16,
            "lzma": 8 * (stored + table_bytes) / n_pixels,
            "bytes": table_bytes,
        }
        print(
            f"{m} × {k:<5} {r['fixed']:6.3f} {r['entropy']:6.3f} "
            f"{r['lzma']:5.3f} {r['psnr']:6.2f} {table_bytes:6d} {16 * k:6d}"
        )

# %%
# The columns: fixed-length rate, index entropy and lzma rate (bpp), PSNR (dB), bytes
# of the codebooks and values compared per block.
#
# At equal rate
# -------------
# At 0.5 bpp one codebook of 256 codewords and two pieces of 16 codewords spend the
# same bits with codes of one length; after lzma we read the curve of pieces of 16 at
# the plain quantizer's rate, the MSE interpolated linearly between its points.
plain, pieces = results[256, 1], results[16, 2]
gap_fixed = plain["psnr"] - pieces["psnr"]
print(f"At 0.5 bpp fixed: one codebook better by {gap_fixed:.2f} dB")
curve = [results[16, m] for m in (1, 2, 4, 8)]
curve_mse = [255**2 / 10 ** (r["psnr"] / 10) for r in curve]
mse_at = np.interp(plain["lzma"], [r["lzma"] for r in curve], curve_mse)
gap_lzma = plain["psnr"] - 10 * np.log10(255**2 / mse_at)
print(f"At {plain['lzma']:.3f} bpp lzma: better by {gap_lzma:.2f} dB")

# %%
# One codebook wins clearly, both ways. Beyond 0.5 bpp it is out of reach; there the
# figure shows what product quantization buys: codebooks whose size does not grow
# with the rate at all.
import matplotlib.pyplot as plt

fig, (ax_psnr, ax_bytes) = plt.subplots(
    2, 1, figsize=(7.2, 7.6), layout="constrained"
)
for k, color in [(16, "C1"), (256, "C0")]:
    family = [r for (size, _), r in results.items() if size == k]
    psnrs = [r["psnr"] for r in family]
    for kind, style in [("fixed", "o-"), ("lzma", "o--")]:
        label = f"pieces of {k}, {'fixed-length' if kind == 'fixed' else 'lzma'}"
        ax_psnr.plot(
            [r[kind] for r in family],
            psnrs,
            style,
            color=color,
            label=label,
        )
    ax_bytes.plot(
        [r["fixed"] for r in family],
        [r["bytes"] for r in family],
        "o-",
        color=color,
        label=f"pieces of {k} codewords",
    )
wanted = np.linspace(0.25, 2, 8)
ax_bytes.plot(
    wanted,
    16 * 2 ** (16 * wanted),
    ":",
    color="C2",
    label="one codebook",
)
ax_psnr.set(xlabel="Rate (bits per pixel)", ylabel="PSNR (dB)")
ax_psnr.set_title("Quality against rate, 1 to 8 pieces")
ax_bytes.set(xlabel="Fixed-length rate (bits per pixel)", yscale="log")
ax_bytes.set(ylabel="Bytes of codebooks (log scale)", ylim=(100, 1e8))
ax_bytes.set_title("Codebook size against rate")
for ax in (ax_psnr, ax_bytes):
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="upper left")

# %%
# Why images do not suit it
# -------------------------
# Product quantization spends its bits on each piece separately, which is wasteful
# when the pieces depend on each other. In a photograph they do: the top and bottom
# halves of a block are mostly about as bright as each other.
top_means, bottom_means = blocks[:, :8].mean(1), blocks[:, 8:].mean(1)
half_correlation = np.corrcoef(top_means, bottom_means)[0, 1]
print(
    f"Correlation of the halves' mean grey levels: {half_correlation:.2f}"
)
whole = results[16, 1]["codebooks"][0]
print(f"Whole blocks: codeword means {np.ptp(whole.mean(1)):.0f} apart")
for half, codebook in zip(
    ("Top", "Bottom"), results[16, 2]["codebooks"]
):
    print(
        f"{half} halves: codeword means {np.ptp(codebook.mean(1)):.0f} apart"
    )

# %%
# Each half's codebook spends its codewords on the whole range of brightness, as the
# codebook of whole blocks does, so the code tells a block's brightness twice, once
# per half. And since the halves are encoded independently, the two halves of a tile
# can get different greys. Here are 88×88 pixels around the eye, each pixel drawn as
# 4×4 figure pixels, one codebook and two pieces at the same 0.5 bpp.
crop = (slice(276, 364), slice(536, 624))
native = {"interpolation": "nearest"}  # squares, not blurs
shown = {"Original, 8 bpp": None}
shown["One codebook of 256"] = (256, 1)
shown["2 pieces × 16 codewords"] = (16, 2)
shown["2 pieces × 256 codewords"] = (256, 2)


def show_closeups(names):
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
    for ax, name in zip(axes, names):
        image = (
            raccoon
            if shown[name] is None
            else results[shown[name]]["image"]
        )
        if shown[name] is not None:
            r = results[shown[name]]
            name += (
                f"\n{r['fixed']:g} bpp fixed, {r['lzma']:.2f} lzma, "
            )
            name += f"{r['psnr']:.1f} dB"
        ax.imshow(image[crop], cmap="gray", vmin=0, vmax=255, **native)
        ax.set_title(name, fontsize=10)
        ax.set_axis_off()


show_closeups(["One codebook of 256", "2 pieces × 16 codewords"])

# %%
# At 1 bpp, next to the original, two pieces of 256 codewords still show it, faintly:
show_closeups(["Original, 8 bpp", "2 pieces × 256 codewords"])

# %%
# With two pieces of 16 codewords many tiles are split into a top and a bottom of
# different greys. We can measure it: the step in grey level between the two halves of
# a block (its second row to its third), over the steps inside a half.


def half_step_ratio(image):
    """Mean step between the halves of the blocks over the steps inside."""
    steps = np.abs(np.diff(image.astype(np.float64), axis=0))
    row = np.arange(len(steps)) % 4  # step from row i to row i + 1
    return (
        steps[row == 1].mean() / steps[(row == 0) | (row == 2)].mean()
    )


half_steps = {}
for name, key in shown.items():
    image = raccoon if key is None else results[key]["image"]
    half_steps[name] = half_step_ratio(image)
    print(f"{name:<24} half / inside: {half_steps[name]:.2f}")

# %%
# In the original both kinds of step are alike; one codebook keeps them so, and the
# product quantizer raises the ratio far above, at 0.5 bpp and still at 1 bpp.
#
# Where product quantization pays
# -------------------------------
# Its strength is search. The squared distance from a query :math:`q` to a coded block
# is the sum, over the pieces, of the squared distance from :math:`q`'s piece to that
# piece's codeword. With a table of those :math:`m \times k` distances, computed once
# for :math:`q`, the distance to every coded block costs m look-ups and additions,
# without decoding. Here is the table at work, with a block of the image as query:
query = blocks[12345]
product = results[256, 2]
tables = [
    ((piece - codebook) ** 2).sum(axis=1)
    for piece, codebook in zip(np.split(query, 2), product["codebooks"])
]
looked_up = (
    tables[0][product["codes"][:, 0]]
    + tables[1][product["codes"][:, 1]]
)
decoded = decode_product(product["codes"], product["codebooks"])
exact = ((decoded - query) ** 2).sum(axis=1)
largest_difference = np.abs(looked_up - exact).max()
print(
    f"{len(looked_up)} distances from {sum(map(len, tables))} numbers"
)
print(
    f"Largest difference from the exact distances: {largest_difference}"
)

# %%
# Jégou and colleagues search image descriptors this way, millions to billions of
# them, each held in memory as a short code; for the largest collections a coarse
# quantizer first sorts the vectors into lists and the residual of each vector is
# product quantized, the two ideas of these pages together. The FAISS library
# implements such indexes.
#
# In short, on this image:
#
# * **One codebook is best where it is possible**: at 0.5 bpp it beats two pieces of
#   16 codewords, with codes of one length and after lzma alike.
# * **Product quantization has the smallest codebooks**, 16 k values at any rate, and
#   the least encoding work; it pays for them on images, whose pieces are strongly
#   correlated. Residual quantization, on the previous page, spends the same bits
#   better: at every fixed-length rate compared here, and after lzma in all cases but
#   one, two pieces of 256 codewords, where the two are within 0.1 dB.
# * **It pays in search**, where distances come from small tables without decoding.

plt.show()
