"""
==========================
Saving the memory for real
==========================

The walkthrough ended on a surprise: quantized to 8 grey levels, the raccoon took 8 times
*more* memory than the original, because the codes came back as 64-bit floats. Eight
levels need only 3 bits per pixel, so the image should take 3/8 of its original size.

This page gets there step by step, measuring the bytes at every step: the codes as one
byte each plus a table of 8 grey levels, then the codes packed 3 bits to a byte. It then
asks how much smaller a lossless coder could make them, with Shannon's entropy, checks
what standard compressors and a PNG file actually achieve, and compares the result with
what a reader would otherwise store: the original, losslessly compressed, and a JPEG.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 1

# %%
# The quantized image, as in the walkthrough
# ------------------------------------------
# We quantize the raccoon exactly as the walkthrough did: 8 bins placed by k-means,
# learnt from every pixel (``subsample=None``).
import numpy as np
from scipy.datasets import face
from sklearn.preprocessing import KBinsDiscretizer

np.set_printoptions(linewidth=69)

raccoon = face(gray=True)
n_pixels = raccoon.size

kmeans = KBinsDiscretizer(
    n_bins=8, encode="ordinal", strategy="kmeans", subsample=None
)
float_codes = kmeans.fit_transform(raccoon.reshape(-1, 1))
float_codes = float_codes.reshape(raccoon.shape)

print(f"Original image: {raccoon.nbytes} bytes ({raccoon.dtype})")
kind = float_codes.dtype
print(f"Codes as returned: {float_codes.nbytes} bytes ({kind})")

# %%
# Throughout the page we count sizes in *bytes* (8 bits each) and, to compare them with
# the original's 8 bits per pixel, in *bits per pixel* (bpp): 8 × bytes / pixels.
#
# Step 1: one byte per code, and a codebook
# -----------------------------------------
# A code is a bin number from 0 to 7; it fits in an unsigned 8-bit integer
# (``uint8``). The codes alone are not an image: to display it we also need the grey
# level each code stands for. This table of 8 grey levels is the *codebook*.
# :ref:`sphx_glr_auto_examples_series_plot_01_choosing_bins.py` showed that the mean
# of each bin's pixels is a better grey level than the bin's midpoint, at no extra
# cost, so the codebook holds the 8 means, rounded to whole grey levels as an 8-bit
# screen would show them anyway. The image is then a look-up: ``codebook[codes]``.
codes = float_codes.astype(np.uint8)
flat = codes.ravel()
pixels_per_code = np.bincount(flat, minlength=8)
sums = np.bincount(flat, weights=raccoon.ravel(), minlength=8)
bin_means = sums / pixels_per_code
codebook = np.round(bin_means).astype(np.uint8)
decoded = codebook[codes]


def psnr(original, quantized):
    """PSNR of an 8-bit image, in dB (see the walkthrough)."""
    difference = original.astype(np.float64) - quantized
    return 10 * np.log10(255**2 / np.mean(difference**2))


edges = kmeans.bin_edges_[0]
midpoint_image = ((edges[:-1] + edges[1:]) / 2)[codes]
decoded_psnr = psnr(raccoon, decoded)
midpoint_psnr = psnr(raccoon, midpoint_image)
print(f"Codebook: {codebook} ({codebook.nbytes} bytes)")
print(f"Codes as uint8: {codes.nbytes} bytes")
print(f"PSNR with the codebook: {decoded_psnr:.2f} dB")
print(f"PSNR with the midpoints: {midpoint_psnr:.2f} dB")

# %%
# The rounded means beat the midpoints by 0.6 dB (PSNR as defined in
# :ref:`mse-psnr`), for the same bytes. Every representation of
# the codes below needs the codebook to be shown again, so we add its 8 bytes to each.
# With one byte per code we are back to the size of the original, 8 bytes more: a byte
# has room for 256 values and we use 8 of them.
#
# Step 2: packing the codes, 3 bits each
# --------------------------------------
# Written in binary, a code from 0 to 7 needs 3 bits: 5 is ``101``. To stop wasting the
# other 5 bits of each byte, we write the 3 bits of every code one after the other in
# one long stream of bits and cut the stream into bytes. :func:`numpy.unpackbits`
# splits each byte into its 8 bits; we keep the last 3 and :func:`numpy.packbits`
# gathers the stream back into bytes, padding the last byte with zeros. Unpacking reads
# the stream back, using ``count`` to drop that padding, and rebuilds each code.


def pack_codes(codes, n_bits):
    """Pack codes below ``2**n_bits``, ``n_bits`` bits each."""
    codes = np.asarray(codes, dtype=np.uint8).reshape(-1, 1)
    if codes.max() >= 2**n_bits:
        raise ValueError(
            f"a code is {codes.max()}, too large for {n_bits} bits: "
            f"use at least {int(codes.max()).bit_length()} bits"
        )
    # Most significant bit first.
    bits = np.unpackbits(codes, axis=1)[:, 8 - n_bits :]
    return np.packbits(bits)


def unpack_codes(packed, shape, n_bits):
    """The codes that :func:`pack_codes` packed, of ``shape``."""
    n_codes = int(np.prod(shape))
    bits = np.unpackbits(packed, count=n_codes * n_bits)
    bits = bits.reshape(n_codes, n_bits)
    # packbits fills each row's byte from the left: shift back right.
    return (np.packbits(bits, axis=1) >> (8 - n_bits)).reshape(shape)


first_codes = codes[0, :8]
first_bytes = pack_codes(first_codes, 3)
print(f"First 8 codes of the top row: {first_codes}")
print("Their bits:", *(format(code, "03b") for code in first_codes))
print("In 3 bytes:", *(format(byte, "08b") for byte in first_bytes))

# %%
# The 24 bits of these 8 codes fill exactly 3 bytes, the bits of a code sometimes
# straddling two bytes. Now the whole image, and the way back:
packed = pack_codes(codes, 3)
unpacked = unpack_codes(packed, codes.shape, 3)
packed_bytes = packed.nbytes + codebook.nbytes
print(f"Packed codes: {packed.nbytes} bytes + 8 (codebook)")
round_trip = np.array_equal(unpacked, codes)
print(f"Unpacked codes equal the codes: {round_trip}")
print(f"Bits per pixel: {8 * packed_bytes / n_pixels:.4f}")
packed_share = packed_bytes / raccoon.nbytes
print(f"Compared with the original: {packed_share:.4f}")

# %%
# This is the saving the walkthrough promised: 3 bits per pixel, the *fixed-length
# rate* of 8 levels, 3/8 of the original, and unpacking gives back every code exactly.
# The codebook's 8 bytes add less than a ten-thousandth of a bit per pixel.
#
# Step 3: how far could a lossless coder go?
# ------------------------------------------
# Packing gives every code the same 3 bits. A *lossless* coder (one whose output
# decodes back to exactly the same codes) can do better when some codes are more
# frequent than others, by giving them shorter bit strings, as Morse code does for the
# letter E. Shannon's *entropy* measures the limit (C. E. Shannon, "A mathematical
# theory of communication", 1948). If :math:`p_k` is the fraction of the pixels whose
# code is :math:`k`, the entropy is
#
# .. math::
#
#    H = -\sum_{k=0}^{7} p_k \log_2 p_k \quad \text{bits per pixel.}
#
# No coder that writes each pixel on its own, with one fixed bit string per code (a
# Huffman code, for example), can spend fewer than :math:`H` bits per pixel on this
# image. :math:`H` is 3 bits when the 8 codes are equally frequent, and less when they
# are not.
p = pixels_per_code / n_pixels
entropy = -np.sum(p * np.log2(p))
bound_bits = n_pixels * entropy
entropy_bytes = int(np.ceil(bound_bits / 8)) + codebook.nbytes

print(f"Fraction of pixels per code (%):\n{np.round(100 * p, 1)}")
print(f"Entropy of the codes: {entropy:.4f} bits per pixel")
print(f"Bound for a pixel-by-pixel coder: {entropy_bytes} bytes")
excess = 100 * (3 / entropy - 1)
print(f"Packing spends {excess:.2f} % more bits than this")

# %%
# The bound saves almost nothing. K-means bins share the pixels fairly evenly: each
# code stands for between 5 % and 17 % of them, not far from an even 12.5 %. So the
# entropy is close to 3 bits, and the plain 3-bit packing is already within a few
# percent of the best a pixel-by-pixel coder can do.
#
# Neighbouring pixels are alike
# -----------------------------
# The entropy looks at each pixel alone. But a pixel is not independent of its
# neighbours: in a photograph, most of them sit in a patch of the same grey. We count,
# for every pair of horizontally neighbouring pixels, the code of the pixel (rows) and
# the code of its left neighbour (columns).
pairs = np.zeros((8, 8), dtype=np.int64)
np.add.at(pairs, (codes[:, 1:].ravel(), codes[:, :-1].ravel()), 1)
same_as_left = np.trace(pairs) / pairs.sum()
print(f"Pairs of codes (pixel, left neighbour):\n{pairs}")
print(f"Pixels coded as their left neighbour: {same_as_left:.1%}")

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
    """Average entropy of ``code`` once its ``context`` is known."""
    joint = np.bincount(
        (context * 8 + code).ravel(), minlength=8 * n_contexts
    )
    alone = np.bincount(context.ravel(), minlength=n_contexts)
    return entropy_bits(joint) - entropy_bits(alone)


left, above = codes[1:, :-1].astype(np.int64), codes[:-1, 1:]
pixel = codes[1:, 1:]
entropy_given_left = conditional_entropy(left, pixel, 8)
both = left * 8 + above
entropy_given_left_above = conditional_entropy(both, pixel, 64)
print(f"Entropy of a pixel's code: {entropy:.4f} bits")
given_left = f"{entropy_given_left:.4f} bits"
print(f"... once its left neighbour is known: {given_left}")
print(f"... and the one above: {entropy_given_left_above:.4f} bits")

# %%
# Knowing one neighbour cuts the information per pixel by more than half, knowing two
# cuts it further. These are not bounds for every coder, since a coder could look at
# more neighbours still, but they say that a coder which uses the neighbours can go far
# below the per-pixel entropy. Do real ones?
#
# Step 4: standard compressors
# ----------------------------
# Python's standard library comes with two general-purpose lossless compressors:
# :mod:`zlib` (the DEFLATE method of zip files) and :mod:`lzma` (the method of ``.xz``
# files, slower but usually stronger). Both find repeated sequences of bytes and code
# them compactly; neither knows that the bytes form an image. We give each one the
# codes as one byte per pixel and as packed bits, with their default settings.
import lzma
import zlib

compressors = {"zlib": zlib.compress, "lzma": lzma.compress}
layouts = {"uint8": codes.tobytes(), "packed": packed.tobytes()}
compressed_bytes = {}
for compressor, compress in compressors.items():
    for layout, data in layouts.items():
        size = len(compress(data)) + codebook.nbytes
        compressed_bytes[compressor, layout] = size
        bpp = 8 * size / n_pixels
        print(f"{compressor}, {layout}: {size} bytes, {bpp:.3f} bpp")

# %%
# Every one of them goes far below the per-pixel entropy bound, because the repeated
# sequences they find are the runs of equal codes. lzma on one byte per code does best,
# close to the entropy once the left neighbour is known. And packing *hurts* here: both
# compressors do worse on the packed codes than on the plain bytes. Packed 3 bits each,
# the same sequence of codes turns into different bytes depending on where it starts
# within a byte (one of 8 places), so the compressors find fewer repeats.
best_compressed = compressed_bytes["lzma", "uint8"]

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


def encode(image, **options):
    """The bytes of ``image`` saved by Pillow with ``options``."""
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue()


def decode(data):
    """The grey levels of an image file's bytes."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"))


png_image = Image.frombytes("P", codes.shape[::-1], codes.tobytes())
png_image.putpalette(np.repeat(codebook, 3).tobytes())  # R, G, B
png_data = encode(png_image, format="PNG")
png_bpp = 8 * len(png_data) / n_pixels

print(f"Palette PNG: {len(png_data)} bytes ({png_bpp:.3f} bpp)")
same = np.array_equal(decode(png_data), decoded)
print(f"Decodes to our image: {same}")
# Byte 24 of a PNG file is the bit depth field of its header (IHDR).
print(f"Bits per code in the PNG header: {png_data[24]}")

# %%
# PNG allows 1, 2, 4 or 8 bits per pixel but not 3, so Pillow stores 4 bits, two codes
# per byte, then compresses the rows with DEFLATE, the method of zlib. It still ends
# up smaller than zlib's output on our bytes: each code sits in one of only 2 places of
# a byte, so sequences of codes repeat as bytes, and PNG first *filters* each row,
# replacing bytes by their difference from a neighbour, which turns repeated patterns
# into runs of zeros. lzma still does better than the PNG.
#
# What did quantizing buy?
# ------------------------
# Without quantizing, we would store the original losslessly: it keeps every detail.
# Besides PNG, we try lossless WebP, a newer format that predicts each pixel from its
# neighbours. (For lossless WebP, Pillow's ``quality`` sets the encoder's effort, not
# the image's quality: 50 gives the same file as the default 80 here, in half the time.)
original = Image.fromarray(raccoon)
original_png_data = encode(original, format="PNG")
webp = {"format": "WEBP", "lossless": True, "quality": 50}
original_webp_data = encode(original, **webp)
original_png_bytes = len(original_png_data)
for name, data in [
    ("PNG", original_png_data),
    ("WebP", original_webp_data),
]:
    size, share = len(data), len(data) / raccoon.nbytes
    exact = np.array_equal(decode(data), raccoon)
    print(f"Original, {name}: {size} bytes, {share:.1%}, {exact=}")
png_ratio = original_png_bytes / len(png_data)
print(f"Original PNG / palette PNG: {png_ratio:.2f}")

# %%
# Lossless compression brings the original only to 59 % of its size as PNG and 54.5 %
# as WebP: with 256 levels, neighbouring pixels rarely have exactly the same grey.
# Quantized to 8 levels, the image compresses far better, almost 4 times smaller as a
# PNG than the original's PNG, and even the plain packed codes are smaller than it.
#
# The lossy baseline: JPEG
# ------------------------
# Quantizing loses detail, so the fair rival is not a lossless file but a *lossy* one,
# and the lossy format everybody uses is JPEG. It quantizes too, but not the grey
# levels: it transforms 8 × 8 blocks of pixels into frequencies and quantizes those
# (:ref:`sphx_glr_auto_examples_series_plot_12_transform_coding.py` shows how). Its
# ``quality``, from 1 to 95, sets how coarsely; ``optimize=True`` makes Pillow compute
# the best Huffman code for each image. We look for the lowest quality whose PSNR
# reaches the palette PNG's, and for the highest whose file is no larger than it: a
# comparison at equal distortion, then at equal rate. Both grow with the quality, so a
# binary search (:func:`bisect.bisect_left`) finds each in a few tries.
from bisect import bisect_left


def jpeg(quality):
    """The bytes of the original as a JPEG file of this quality."""
    return encode(
        original, format="JPEG", quality=quality, optimize=True
    )


def jpeg_psnr(quality):
    return psnr(raccoon, decode(jpeg(quality)))


def jpeg_size(quality):
    return len(jpeg(quality))


qualities = range(1, 96)
# The lowest quality reaching the PSNR; the highest within the size.
index = bisect_left(qualities, decoded_psnr, key=jpeg_psnr)
equal_psnr_quality = qualities[index]
index = bisect_left(qualities, len(png_data) + 1, key=jpeg_size)
equal_size_quality = qualities[index - 1]

print(f"Palette PNG: {png_bpp:.3f} bpp, {decoded_psnr:.2f} dB")
jpeg_results = {}
for name, quality in [
    ("PSNR", equal_psnr_quality),
    ("size", equal_size_quality),
]:
    data = jpeg(quality)
    bpp = 8 * len(data) / n_pixels
    score = psnr(raccoon, decode(data))
    jpeg_results[name] = (data, bpp, score)
    print(f"JPEG, quality {quality}: {bpp:.3f} bpp, {score:.2f} dB")
jpeg_data, jpeg_bpp, _ = jpeg_results["PSNR"]
same_size_gain = jpeg_results["size"][2] - decoded_psnr
size_ratio = len(png_data) / len(jpeg_data)
print(f"Palette PNG / JPEG at the same PSNR: {size_ratio:.2f}")
print(f"JPEG's gain at the same size: {same_size_gain:.1f} dB")

# %%
# For the same PSNR, JPEG needs about a third of the palette PNG's bytes; for the same
# bytes, it gives about 9 dB more, an eighth of the MSE. The errors also look
# different. At their own size, the palette image flattens smooth shading into bands
# of 8 greys, while JPEG keeps the shading and softens fine detail:
import matplotlib.pyplot as plt

detail = (slice(380, 620), slice(600, 792))  # 240 rows, 192 columns
panels = {
    "Original": raccoon,
    f"Palette PNG, {png_bpp:.2f} bpp": decoded,
    f"JPEG, {jpeg_bpp:.2f} bpp": decode(jpeg_data),
}
fig = plt.figure(figsize=(6.24, 3.0), dpi=100)
for column, (name, image) in enumerate(panels.items()):
    # 192 x 240 pixels, placed in pixels of the 624 x 300 figure.
    ax = fig.add_axes(
        [(12 + column * 204) / 624, 10 / 300, 192 / 624, 0.8]
    )
    ax.imshow(
        image[detail],
        cmap="gray",
        vmin=0,
        vmax=255,
        interpolation="nearest",
    )
    ax.set_title(name)
    ax.set_axis_off()
fig.suptitle(
    f"The same detail, pixel for pixel (both {decoded_psnr:.0f} dB)"
)

# %%
# All the sizes side by side
# --------------------------
# The sizes, from the float codes of the walkthrough to the JPEG, from the largest to
# the smallest, with the codebook wherever it is needed. The entropy bound is not a
# file, only the limit discussed above.
sizes = {
    "Codes as float64": float_codes.nbytes + codebook.nbytes,
    "Original, uint8": raccoon.nbytes,
    "Codes as uint8": codes.nbytes + codebook.nbytes,
    "Original, PNG": original_png_bytes,
    "Original, WebP lossless": len(original_webp_data),
    "Codes packed, 3 bits": packed_bytes,
    "Entropy bound": entropy_bytes,
    "Palette PNG of the codes": len(png_data),
    f"JPEG, quality {equal_psnr_quality}": len(jpeg_data),
}
for (compressor, layout), size in compressed_bytes.items():
    name = "Codes as uint8" if layout == "uint8" else "Codes packed"
    sizes[f"{name}, {compressor}"] = size
print(f"{'bytes':>33} {'bpp':>7} {'share of the original':>22}")
for name, size in sorted(sizes.items(), key=lambda item: -item[1]):
    bpp, share = 8 * size / n_pixels, size / raccoon.nbytes
    print(f"{name:24} {size:8d} {bpp:7.3f} {share:22.3f}")
lzma_ratio = raccoon.nbytes / best_compressed
print(f"Original / lzma of the uint8 codes: {lzma_ratio:.2f}")

# %%
# From top to bottom: the float codes of the walkthrough; the codes in one byte each,
# level with the original; the lossless PNG and WebP of the original; then the packed
# codes, the real 3 bits per pixel. The entropy bound sits just below them: for a coder
# that takes the pixels one at a time, 3 bits is nearly the end. Coders that look at
# the neighbours go much further: lzma on one byte per code reaches about 1.1 bits per
# pixel, 7 times smaller than the original, and the palette PNG, a file every image
# viewer opens, is close behind. But the JPEG, at the same PSNR, takes a third of the
# palette PNG's bytes: quantizing grey levels one pixel at a time is a poor way to
# compress a photograph. The rest of the course quantizes better (colours, blocks), and
# ends with the transform coding JPEG uses.

plt.show()
