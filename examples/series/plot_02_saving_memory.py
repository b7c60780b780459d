"""
==========================
Saving the memory for real
==========================

The walkthrough ended on a surprise: quantized to 8 grey levels, the raccoon took 8 times
*more* memory than the original, because the codes came back as 64-bit floats. Eight
levels need only 3 bits per pixel, so the image should take 3/8 of its original size.

This page gets there step by step, measuring the bytes at every step: the codes as one
byte each plus a table of 8 grey levels, then the codes packed 3 bits to a byte. It then
asks how much smaller a lossless coder could make them, with Shannon's entropy, and
checks what standard compressors (zlib, lzma) and a PNG file actually achieve.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 2

# %%
# The quantized image, as in the walkthrough
# ------------------------------------------
# We quantize the raccoon exactly as the walkthrough did: 8 bins placed by k-means,
# learnt from every pixel (``subsample=None``).
from scipy.datasets import face
from sklearn.preprocessing import KBinsDiscretizer

raccoon = face(gray=True)
n_pixels = raccoon.size

kmeans = KBinsDiscretizer(
    n_bins=8, encode="ordinal", strategy="kmeans", subsample=None, random_state=0
)
float_codes = kmeans.fit_transform(raccoon.reshape(-1, 1)).reshape(raccoon.shape)

print(f"Original image: {raccoon.nbytes} bytes ({raccoon.dtype})")
print(f"Codes as returned: {float_codes.nbytes} bytes ({float_codes.dtype})")

# %%
# Throughout the page we count sizes in *bytes* (8 bits each) and, to compare them with
# the original's 8 bits per pixel, in *bits per pixel*: 8 × bytes / number of pixels.
#
# Step 1: one byte per code, and a codebook
# -----------------------------------------
# A code is a bin number from 0 to 7; it fits in an unsigned 8-bit integer
# (``uint8``). The codes alone are not an image: to display it we also need the grey
# level each code stands for. This table of 8 grey levels is the *codebook*. We round
# its levels (the bin centres) to whole grey levels, as an 8-bit screen would anyway,
# so it takes one byte per level. The image is then a look-up: ``codebook[codes]``.
import numpy as np

codes = float_codes.astype(np.uint8)
edges = kmeans.bin_edges_[0]
centres = (edges[:-1] + edges[1:]) / 2
codebook = np.round(centres).astype(np.uint8)
decoded = codebook[codes]

print(f"Codebook: {codebook}")
print(f"Largest change of a grey level by rounding: {np.abs(codebook - centres).max():.3f}")
print(f"Codes as uint8: {codes.nbytes} bytes, codebook: {codebook.nbytes} bytes")

# %%
# Every representation of the codes below needs the codebook to be shown again, so we
# add its 8 bytes to each of them. With one byte per code we are back to the size of
# the original, 8 bytes more: a byte has room for 256 values and we use 8 of them.
#
# Step 2: packing the codes, 3 bits each
# --------------------------------------
# Written in binary, a code from 0 to 7 needs 3 bits: 5 is ``101``. To stop wasting the
# other 5 bits of each byte, we write the 3 bits of every code one after the other in
# one long stream of bits and cut the stream into bytes. :func:`numpy.unpackbits`
# splits each byte into its 8 bits; we keep the last 3 and :func:`numpy.packbits`
# gathers the stream back into bytes, padding the last byte with zeros if the stream
# does not fill it. Unpacking reads the stream back, using ``count`` to drop that
# padding, and rebuilds each code from its 3 bits.


def pack_codes(codes, n_bits):
    """Pack integer codes below ``2**n_bits`` into a stream of ``n_bits`` bits each."""
    codes = np.asarray(codes, dtype=np.uint8).reshape(-1, 1)
    assert codes.max() < 2**n_bits, "a code does not fit in n_bits"
    bits = np.unpackbits(codes, axis=1)[:, 8 - n_bits :]  # most significant bit first
    return np.packbits(bits)


def unpack_codes(packed, shape, n_bits):
    """Read back the codes that :func:`pack_codes` packed, as an array of ``shape``."""
    n_codes = int(np.prod(shape))
    bits = np.unpackbits(packed, count=n_codes * n_bits).reshape(n_codes, n_bits)
    # packbits fills each row's byte from the left: shift the bits back to the right.
    return (np.packbits(bits, axis=1) >> (8 - n_bits)).reshape(shape)


first_codes = codes[0, :8]
print(f"First 8 codes of the top row: {first_codes}")
print(f"Their bits, 3 per code: {' '.join(format(code, '03b') for code in first_codes)}")
first_bytes = pack_codes(first_codes, 3)
print(f"Packed into 3 bytes: {' '.join(format(byte, '08b') for byte in first_bytes)}")

# %%
# The 24 bits of these 8 codes fill exactly 3 bytes, the bits of a code sometimes
# straddling two bytes. Now the whole image, and the way back:
packed = pack_codes(codes, 3)
unpacked = unpack_codes(packed, codes.shape, 3)
assert np.array_equal(unpacked, codes)  # the round trip is exact

packed_bytes = packed.nbytes + codebook.nbytes
print(f"Packed codes: {packed.nbytes} bytes + {codebook.nbytes} for the codebook")
print(f"Bits per pixel: {8 * packed_bytes / n_pixels:.4f}")
print(f"Size compared with the original: {packed_bytes / raccoon.nbytes:.4f}")

# %%
# This is the saving the walkthrough promised: 3 bits per pixel, 3/8 of the original,
# and unpacking gives back every code exactly (the ``assert`` checks it). The codebook's
# 8 bytes add less than a ten-thousandth of a bit per pixel.
#
# Step 3: how far could a lossless coder go?
# ------------------------------------------
# Packing gives every code the same 3 bits. A *lossless* coder (one whose output
# decodes back to exactly the same codes) can do better when some codes are more
# frequent than others, by giving them shorter bit strings, as Morse code does for the
# letter E. Shannon's *entropy* measures the limit. If :math:`p_k` is the fraction of
# the pixels whose code is :math:`k`, the entropy is
#
# .. math::
#
#    H = -\sum_{k=0}^{7} p_k \log_2 p_k \quad \text{bits per pixel.}
#
# No coder that writes each pixel on its own, with one fixed bit string per code (a
# Huffman code, for example), can spend fewer than :math:`H` bits per pixel on this
# image. :math:`H` is 3 bits when the 8 codes are equally frequent, and less when they
# are not.
code_counts = np.bincount(codes.ravel(), minlength=8)
p = code_counts / n_pixels
entropy = -np.sum(p * np.log2(p))
entropy_bytes = int(np.ceil(n_pixels * entropy / 8)) + codebook.nbytes

print(f"Fraction of pixels per code (%): {np.round(100 * p, 1)}")
print(f"Entropy of the codes: {entropy:.4f} bits per pixel")
print(f"Lower bound for a pixel-by-pixel coder: {entropy_bytes} bytes, codebook included")
print(f"Packing spends {100 * (3 / entropy - 1):.2f} % more bits than this bound")

# %%
# The bound saves almost nothing. K-means bins share the pixels fairly evenly: each
# code stands for between 5 % and 17 % of them, not far from an even 12.5 %. So the
# entropy is close to 3 bits, and the plain 3-bit packing is already within a few
# percent of the best a pixel-by-pixel coder can do.
assert 0.05 < p.min() and p.max() < 0.17 and 3 / entropy - 1 < 0.05

# %%
# Neighbouring pixels are alike
# -----------------------------
# The entropy looks at each pixel alone. But a pixel is not independent of its
# neighbours: in a photograph, most of them sit in a patch of the same grey. The left
# panel below zooms into the quantized image; the right one counts, for every pair of
# horizontally neighbouring pixels, the code of the pixel and the code of its left
# neighbour (the colour scale is logarithmic).
import matplotlib.pyplot as plt
from matplotlib.colors import LogNorm

pairs = np.zeros((8, 8), dtype=np.int64)
np.add.at(pairs, (codes[:, 1:].ravel(), codes[:, :-1].ravel()), 1)

fig, (ax_zoom, ax_pairs) = plt.subplots(
    ncols=2, figsize=(11, 4.5), layout="constrained", width_ratios=(1, 1.1)
)
rows, cols = slice(300, 400), slice(550, 700)
ax_zoom.imshow(
    decoded[rows, cols],
    cmap="gray",
    vmin=0,
    vmax=255,
    extent=(cols.start - 0.5, cols.stop - 0.5, rows.stop - 0.5, rows.start - 0.5),
)
ax_zoom.set_title("Quantized image, zoomed in")
ax_zoom.set_xlabel("Column (pixels)")
ax_zoom.set_ylabel("Row (pixels)")

mesh = ax_pairs.imshow(pairs, cmap="viridis", norm=LogNorm(), origin="lower")
ax_pairs.set_title("Codes of horizontally neighbouring pixels")
ax_pairs.set_xlabel("Code of the left neighbour")
ax_pairs.set_ylabel("Code of the pixel")
ax_pairs.set_xticks(range(8))
ax_pairs.set_yticks(range(8))
fig.colorbar(mesh, ax=ax_pairs, label="Number of pixel pairs")

same_as_left = np.trace(pairs) / pairs.sum()
print(f"Pixels with the same code as their left neighbour: {100 * same_as_left:.1f} %")

# %%
# The counts crowd on the diagonal: most pixels have the same code as their left
# neighbour, and otherwise usually a code next to it. Once we know the neighbour, the
# pixel holds little news. The *conditional entropy* measures it: the entropy of the
# pixel's code computed separately for each value of the neighbour's code, averaged
# over the pixels. We compute it from the counts of pairs, and also with both the left
# neighbour and the one above as the context.


def entropy_bits(counts):
    """Entropy, in bits, of the distribution given by ``counts``."""
    q = counts[counts > 0] / counts.sum()
    return -np.sum(q * np.log2(q))


def conditional_entropy(context, code, n_contexts):
    """Average entropy of ``code`` once its ``context`` (0 to n_contexts - 1) is known."""
    joint = np.bincount((context * 8 + code).ravel(), minlength=n_contexts * 8)
    return entropy_bits(joint) - entropy_bits(np.bincount(context.ravel(), minlength=n_contexts))


left, above, pixel = codes[1:, :-1].astype(np.int64), codes[:-1, 1:], codes[1:, 1:]
entropy_given_left = conditional_entropy(left, pixel, 8)
entropy_given_left_above = conditional_entropy(left * 8 + above, pixel, 64)
print(f"Entropy of a pixel's code: {entropy:.4f} bits")
print(f"... once its left neighbour is known: {entropy_given_left:.4f} bits")
print(f"... once its left and upper neighbours are known: {entropy_given_left_above:.4f} bits")

# %%
# Knowing one neighbour cuts the information per pixel by more than half, knowing two
# cuts it further. These are not bounds for every coder, since a coder could look at
# more neighbours still, but they say that a coder which uses the neighbours can go far
# below the per-pixel entropy. Do real ones?
assert entropy_given_left < entropy / 2 and entropy_given_left_above < entropy_given_left

# %%
# Step 4: standard compressors
# ----------------------------
# Python's standard library comes with two general-purpose lossless compressors:
# :mod:`zlib` (the DEFLATE method of zip files) and :mod:`lzma` (the method of ``.xz``
# files, slower but usually stronger). Both find repeated sequences of bytes and code
# them compactly; neither knows that the bytes form an image. We give each one the
# codes as one byte per pixel and as packed bits, with their default settings, and
# check that each output decompresses to the same bytes.
import lzma
import zlib

compressors = {"zlib": (zlib.compress, zlib.decompress), "lzma": (lzma.compress, lzma.decompress)}
layouts = {"uint8": codes.tobytes(), "packed": packed.tobytes()}
compressed_bytes = {}
for compressor, (compress, decompress) in compressors.items():
    for layout, data in layouts.items():
        compressed = compress(data)
        assert decompress(compressed) == data
        size = len(compressed) + codebook.nbytes
        compressed_bytes[compressor, layout] = size
        bpp = 8 * size / n_pixels
        print(f"{compressor} of the {layout} codes: {size} bytes ({bpp:.3f} bits per pixel)")

# %%
# Every one of them goes far below the per-pixel entropy bound, because the repeated
# sequences they find are the runs of equal codes. lzma on one byte per code does best,
# close to the entropy once the left neighbour is known, though not to the entropy with
# two neighbours. And packing *hurts* here: both compressors do worse on the packed
# codes than on the plain bytes. Packed 3 bits each, the same sequence of codes turns
# into different bytes depending on where it starts within a byte (one of 8 places),
# so the compressors find fewer repeats.
best_compressed = compressed_bytes["lzma", "uint8"]
assert max(compressed_bytes.values()) < entropy_bytes
assert min(compressed_bytes.values()) == best_compressed
for compressor in compressors:
    assert compressed_bytes[compressor, "uint8"] < compressed_bytes[compressor, "packed"]
assert (
    n_pixels * entropy_given_left_above / 8
    < best_compressed - codebook.nbytes
    < n_pixels * 1.05 * entropy_given_left / 8
)

# %%
# Step 5: a palette PNG
# ---------------------
# An image file format does all this in a form any viewer opens. A *palette* PNG (mode
# ``"P"`` in `Pillow <https://pillow.readthedocs.io/>`_) stores exactly our two parts:
# the codes, one per pixel, and a palette that gives the colour of each code, here our
# codebook (a grey has equal red, green and blue). We write it into a buffer in memory
# instead of a file, and read it back.
import io

from PIL import Image

png_image = Image.frombytes("P", (codes.shape[1], codes.shape[0]), codes.tobytes())
png_image.putpalette(np.repeat(codebook, 3).tobytes())  # R, G, B of each code
buffer = io.BytesIO()
png_image.save(buffer, format="PNG")
png_data = buffer.getvalue()

png_read = Image.open(io.BytesIO(png_data))
png_codes = np.asarray(png_read)
png_palette = np.asarray(png_read.getpalette(), dtype=np.uint8).reshape(-1, 3)
assert png_read.mode == "P" and np.array_equal(png_codes, codes)
assert np.array_equal(png_palette, np.repeat(codebook[:, None], 3, axis=1))
assert np.array_equal(np.asarray(png_read.convert("L")), decoded)

print(f"Palette PNG: {len(png_data)} bytes ({8 * len(png_data) / n_pixels:.3f} bits per pixel)")
# Byte 24 of a PNG file is the bit depth field of its header (the IHDR chunk).
print(f"Bits per pixel before compression, from the PNG header: {png_data[24]}")

# %%
# Read back, the PNG gives the same codes and the same 8 grey levels (the ``assert``
# lines check them). PNG allows 1, 2, 4 or 8 bits per pixel but not 3, so Pillow stores
# 4 bits, two pixels per byte. Then PNG compresses the rows with DEFLATE, the method of
# zlib, yet it ends up smaller than zlib's output on our codes. Two things help it.
# With 4 bits, a code always sits in one of 2 places of a byte, not 8, so a sequence
# of codes repeats as bytes much more often. And before compressing, PNG *filters*
# each row: it may replace each byte by its difference from the byte to its left or
# above, which turns repeated patterns into runs of zeros. We can measure the first
# effect with our own packing, 4 bits per code, and zlib:
zlib_4_bits = len(zlib.compress(pack_codes(codes, 4).tobytes())) + codebook.nbytes
print(f"zlib of the codes packed 4 bits each: {zlib_4_bits} bytes")
print(f"zlib of the uint8 codes: {compressed_bytes['zlib', 'uint8']} bytes")
print(f"Palette PNG: {len(png_data)} bytes")

# %%
# Packing 4 bits per code helps zlib where packing 3 bits hurt it, and the filters
# take the PNG below that again. lzma still does better than the PNG.
assert len(png_data) < zlib_4_bits < compressed_bytes["zlib", "uint8"]
assert best_compressed < len(png_data)

# %%
# What did quantizing buy?
# ------------------------
# A lossless PNG of the *original* image, with its 256 grey levels, is the fair point of
# comparison: it keeps every detail, and it is what we would store without quantizing.
buffer = io.BytesIO()
Image.fromarray(raccoon).save(buffer, format="PNG")
original_png_data = buffer.getvalue()
original_png_bytes = len(original_png_data)
assert np.array_equal(np.asarray(Image.open(io.BytesIO(original_png_data))), raccoon)

original_png_bpp = 8 * original_png_bytes / n_pixels
print(f"Original as PNG: {original_png_bytes} bytes ({original_png_bpp:.3f} bits per pixel)")
print(f"Original PNG / palette PNG: {original_png_bytes / len(png_data):.2f}")

# %%
# Lossless compression brings the original only to about 60 % of its size: with 256
# levels, neighbouring pixels rarely have exactly the same grey. Quantized to 8 levels,
# the image compresses far better, more than 3 times smaller as a PNG, and even the
# plain packed codes are smaller than the lossless PNG of the original.
assert 0.55 < original_png_bytes / raccoon.nbytes < 0.65
assert len(png_data) < original_png_bytes / 3
assert packed_bytes < original_png_bytes

# %%
# All the sizes side by side
# --------------------------
# The sizes, from the float codes of the walkthrough to lzma, including the codebook
# wherever it is needed. The entropy bound is not a file, only the limit discussed above.
# Each row also says what kind of representation it is, for the chart below; we list
# them from the largest to the smallest.
layout_names = {"uint8": "Codes as uint8", "packed": "Codes packed"}
sizes = [
    ("Codes as float64 (walkthrough)", float_codes.nbytes + codebook.nbytes, "stored"),
    ("Original, uint8", raccoon.nbytes, "original"),
    ("Codes as uint8", codes.nbytes + codebook.nbytes, "stored"),
    ("Original, PNG", original_png_bytes, "original"),
    ("Codes packed, 3 bits", packed_bytes, "stored"),
    ("Entropy bound, pixel by pixel", entropy_bytes, "bound"),
    *[
        (f"{layout_names[layout]}, {compressor}", size, "compressed")
        for (compressor, layout), size in compressed_bytes.items()
    ],
    ("Palette PNG of the codes", len(png_data), "compressed"),
]
sizes.sort(key=lambda row: row[1], reverse=True)
for name, size, _ in sizes:
    print(
        f"{name:30} {size:9.0f} bytes {8 * size / n_pixels:7.3f} bits per pixel"
        f" {size / raccoon.nbytes:7.3f} of the original"
    )

# %%
# The chart puts them on a logarithmic scale, so that the float codes, 8 times the
# original, fit on the same axis as lzma's output, 7 times smaller than it. The top axis
# gives the same sizes in bits per pixel.
colours = {
    "original": ("tab:gray", "The original image"),
    "stored": ("tab:blue", "Codes, stored as they are"),
    "bound": ("tab:orange", "Entropy bound (not a file)"),
    "compressed": ("tab:green", "Codes, compressed"),
}
names, values, kinds = zip(*sizes[::-1])  # barh draws the first row at the bottom

fig, ax = plt.subplots(figsize=(10, 5.5), layout="constrained")
bars = ax.barh(names, values, color=[colours[k][0] for k in kinds])
ax.bar_label(
    bars,
    labels=[f"{v:,.0f} ({8 * v / n_pixels:.2f} bits/pixel)" for v in values],
    padding=3,
    fontsize=9,
    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
)
ax.axvline(raccoon.nbytes, color="black", linestyle="--", linewidth=1, zorder=0)
ax.set_xscale("log")
ax.set_xlim(5e4, 4e7)
ax.set_xlabel("Size (bytes, logarithmic scale)")
ax.set_title("The raccoon, stored in different ways (dashed line: the original's size)")
top = ax.secondary_xaxis(
    "top", functions=(lambda b: 8 * b / n_pixels, lambda bpp: bpp * n_pixels / 8)
)
top.set_xticks([1, 2, 3, 4, 8, 16, 32, 64], labels=["1", "2", "3", "4", "8", "16", "32", "64"])
top.set_xticks([], minor=True)
top.set_xlabel("Bits per pixel")
ax.legend(
    handles=[plt.Rectangle((0, 0), 1, 1, color=colour) for colour, _ in colours.values()],
    labels=[label for _, label in colours.values()],
    loc="lower right",
)

# %%
# From top to bottom: the float codes of the walkthrough; the codes in one byte each,
# level with the original; the lossless PNG of the original; then the packed codes, the
# real 3 bits per pixel. The entropy bound sits just below them: for a coder that takes
# the pixels one at a time, 3 bits is nearly the end. Coders that look at the
# neighbours go much further: lzma on one byte per code reaches about 1.1 bits per
# pixel, 7 times smaller than the original. The palette PNG is close behind, and unlike
# the others it is a file every image viewer opens.
print(f"Original / lzma of the uint8 codes: {raccoon.nbytes / best_compressed:.2f}")
assert round(8 * best_compressed / n_pixels, 1) == 1.1
assert round(raccoon.nbytes / best_compressed) == 7
