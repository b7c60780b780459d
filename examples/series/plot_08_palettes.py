"""
=====================================================
Palettes in practice: Pillow's quantizers and k-means
=====================================================

The previous page,
:ref:`sphx_glr_auto_examples_series_plot_07_colour_quantization.py`, fitted a
palette with k-means on a sample of pixels. Most people who need an image with a few
colours reach for a tool they already have instead: Pillow, the imaging library that
comes with Matplotlib, has three quantizers built in, and an option, ``kmeans``, that
refines their palettes with the same algorithm. This page compares them with
scikit-learn's k-means on the colour raccoon at 16, 64 and 256 colours: how good the
image is, and what it costs, counted both as a fixed-length code and as the bytes of a
real palette PNG file.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 1

# %%
# The image
# ---------
# We use the colour raccoon at half size, every other row and column: 384 × 512 pixels.
# Pillow's quantizers visit every pixel, and the refinement below visits them many
# times; at half size the script stays quick to run.
import numpy as np
from PIL import Image
from scipy.datasets import face

original = np.ascontiguousarray(face()[::2, ::2])
image = Image.fromarray(original)
pixels = original.reshape(-1, 3)
n_pixels = len(pixels)
palette_sizes = [16, 64, 256]
print(f"Image: {original.shape[0]} × {original.shape[1]} pixels")

# %%
# Pillow's three quantizers
# -------------------------
# :meth:`PIL.Image.Image.quantize` turns an RGB image into a *palette image* (Pillow's
# mode ``"P"``): for every pixel the index of its colour, and a palette of at most 256
# colours. It chooses the palette in one of three ways:
#
# * **Median cut** (Heckbert, "Color image quantization for frame buffer display",
#   SIGGRAPH 1982), Pillow's default, puts all the image's colours in one box of the
#   colour cube, then repeatedly splits the box holding the most pixels across its
#   widest channel, at the median pixel, so that both halves hold as many pixels; the
#   palette is the mean colour of each box.
# * **Maximum coverage** starts from the colour farthest from the image's mean colour,
#   then repeatedly adds the image colour farthest from every colour chosen so far: it
#   reaches the extremes of the cloud of colours, however few pixels they have.
# * **Fast octree** is a quick variant of Gervautz and Purgathofer's octree ("A simple
#   method for color quantization: octree quantization", 1988), which cuts the colour
#   cube into eighths, and those into eighths again, and merges the least used cells
#   until :math:`k` remain. Pillow counts the pixels in a 16 × 16 × 16 grid of cells,
#   keeps the 64 cells of a 4 × 4 × 4 grid and the most used fine cells, at their mean
#   colour, and gives each pixel the colour of its cell.
#
# A fourth method, libimagequant, is an optional library that Pillow may be built with;
# we leave it out. With ``kmeans=N``, Pillow then *refines* a median-cut or
# maximum-coverage palette with Lloyd's algorithm (Lloyd, "Least squares quantization
# in PCM", 1982), which is what k-means runs: give every pixel its nearest palette
# colour, move every palette colour to the mean of its pixels, and repeat until at
# most :math:`N - 1` pixels change colour. ``kmeans=1`` repeats until no pixel does.
# It works on every pixel, not a sample. (It has no effect on fast octree.)
#
# The palettes
# ------------
# Each quantizer is a function of the number of colours that returns a palette image.
# ``dither=Image.Dither.NONE`` gives every pixel one palette colour on its own; the
# page :ref:`sphx_glr_auto_examples_series_plot_05_dithering.py` shows what dithering
# does instead.


def pillow(method, kmeans=0):
    """A quantizer: Pillow's ``method``, refined by ``kmeans``."""

    def quantize(k):
        return image.quantize(
            k, method=method, kmeans=kmeans, dither=Image.Dither.NONE
        )

    return quantize


# %%
# Fast octree's mapping is quick but does not give every pixel its nearest palette
# colour, and scikit-learn returns only a palette. So we also need a mapping of our own
# that gives each pixel its nearest palette colour. As on the colour page, we look it
# up once per distinct colour of the image, with
# :func:`~sklearn.metrics.pairwise_distances_argmin`, and copy it to the pixels of that
# colour.
from sklearn.metrics import pairwise_distances_argmin

codes = pixels.astype(np.int64) @ np.array([256**2, 256, 1])
_, first, colour_index = np.unique(
    codes, return_index=True, return_inverse=True
)
colours = pixels[first].astype(np.float64)
print(f"Distinct colours: {len(colours)}, for {n_pixels} pixels")


def palette_of(quantized):
    """The palette of a palette image, as a k × 3 array of uint8."""
    palette = np.asarray(quantized.getpalette(), dtype=np.uint8)
    return palette.reshape(-1, 3)


def to_nearest(palette):
    """The palette image giving each pixel its nearest colour."""
    index = pairwise_distances_argmin(colours, palette.astype(float))
    indices = index[colour_index].astype(np.uint8).tobytes()
    height, width = original.shape[:2]
    result = Image.frombytes("P", (width, height), indices)
    result.putpalette(palette.tobytes())
    return result


# %%
# For scikit-learn we fit :class:`~sklearn.cluster.KMeans` as on the colour page: on a
# random sample of 10 000 pixels, once (``n_init=1``) from its k-means++ start, with
# fixed seeds.
from sklearn.cluster import KMeans

rng = np.random.default_rng(0)
sample = pixels[rng.choice(n_pixels, size=10_000, replace=False)]


def sklearn_palette(n_colours):
    """The sample's k-means centres, rounded to uint8."""
    kmeans = KMeans(n_clusters=n_colours, n_init=1, random_state=0)
    centres = kmeans.fit(sample.astype(np.float64)).cluster_centers_
    return np.clip(np.rint(centres), 0, 255).astype(np.uint8)


method = Image.Quantize
quantizers = {
    "Median cut": pillow(method.MEDIANCUT),
    "Maximum coverage": pillow(method.MAXCOVERAGE),
    "Fast octree": pillow(method.FASTOCTREE),
    "scikit-learn k-means": lambda k: to_nearest(sklearn_palette(k)),
    "Median cut + k-means": pillow(method.MEDIANCUT, kmeans=1),
    "Max. coverage + k-means": pillow(method.MAXCOVERAGE, kmeans=1),
    "Fast octree, nearest": lambda k: to_nearest(
        palette_of(pillow(method.FASTOCTREE)(k))
    ),
}
palettes = {
    (n_colours, name): quantizer(n_colours)
    for n_colours in palette_sizes
    for name, quantizer in quantizers.items()
}

# %%
# What we measure
# ---------------
# * **Quality**: the PSNR, over all pixels and the three channels (defined in
#   :ref:`mse-psnr`), and the SSIM of the course (defined in :ref:`ssim`), each channel
#   scored on its own and the three averaged; as there, on single-precision arrays,
#   which is faster and changes the score by less than 0.00001.
# * **Fixed-length rate**: :math:`\log_2 k` bits per pixel (bpp) for :math:`k`
#   colours, every index stored in the same number of bits.
# * **Entropy-coded rate**: the entropy of the indices, :math:`-\sum_i p_i \log_2 p_i`
#   bits per pixel, where :math:`p_i` is the share of pixels with colour :math:`i`
#   (Shannon's bound for a code that sends each index on its own), and the size of a
#   real file: the palette image saved as PNG by Pillow (``optimize=True``), header and
#   palette included, in bits per pixel. PNG's filters and its zlib compression use
#   neighbouring pixels, so the file can take less than the entropy.
#
# Before saving, we sort every palette from dark to light
# (:meth:`~PIL.Image.Image.remap_palette`): the picture stays the same, and the file
# sizes compare the palettes, not the order in which each method lists its colours.
import io

from skimage.metrics import structural_similarity


def psnr(rgb):
    """PSNR in dB of an RGB image against the original."""
    error = rgb.astype(np.int64) - original
    return 10 * np.log10(255**2 * error.size / np.sum(error * error))


def ssim(rgb):
    """The course's SSIM (Gaussian window, sigma 1.5)."""
    return structural_similarity(
        original.astype(np.float32),
        rgb.astype(np.float32),
        channel_axis=-1,
        data_range=255,
        gaussian_weights=True,
        sigma=1.5,
        use_sample_covariance=False,
    )


def entropy(quantized):
    """Entropy of the palette indices, in bits per pixel."""
    counts = np.bincount(np.asarray(quantized).ravel())
    shares = counts[counts > 0] / n_pixels
    return float(-np.sum(shares * np.log2(shares)))


def png_bytes(quantized):
    """The palette image as PNG bytes, its palette sorted by luma."""
    luma = palette_of(quantized) @ np.array([0.299, 0.587, 0.114])
    order = np.argsort(luma, kind="stable").tolist()
    buffer = io.BytesIO()
    quantized.remap_palette(order).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


results = {}
for key, quantized in palettes.items():
    rgb = np.asarray(quantized.convert("RGB"))
    results[key] = {
        "psnr": psnr(rgb),
        "ssim": ssim(rgb),
        "fixed": np.log2(key[0]),
        "entropy": entropy(quantized),
        "png": 8 * len(png_bytes(quantized)) / n_pixels,
    }


# %%
# The table
# ---------
# PSNR in dB, SSIM, and the three rates in bits per pixel: fixed-length (``bits``),
# the index entropy and the PNG file.
print(f"{'quantizer':<24}{'k':>4}{'PSNR':>7}{'SSIM':>7}", end="")
print(f"{'bits':>5}{'entropy':>8}{'PNG':>6}")
for (k, name), r in results.items():
    print(
        f"{name:<24}{k:>4}{r['psnr']:7.2f}{r['ssim']:7.3f}"
        f"{r['fixed']:5.0f}{r['entropy']:8.2f}{r['png']:6.2f}"
    )

# %%
# The close-ups
# -------------
# At 16 colours the quantizers differ most. Here is the raccoon's eye and nose, 176 × 96
# pixels, each pixel drawn as a square of 2 × 2 figure pixels. The first row shows the
# original and scikit-learn's palette; each row below, one of Pillow's quantizers as it
# comes (left) and refined by k-means or, for fast octree, mapped to the nearest
# colours (right). Each title gives the PSNR of the whole image.
import matplotlib.pyplot as plt

rows, columns = slice(144, 240), slice(208, 384)
shown = ["Original", "scikit-learn k-means", "Median cut"]
shown += [
    "Median cut + k-means",
    "Maximum coverage",
    "Max. coverage + k-means",
]
shown += ["Fast octree", "Fast octree, nearest"]
zoom, left, gap, right, bottom, top = 2, 64, 14, 10, 44, 44  # pixels
panel_width = zoom * (columns.stop - columns.start)
panel_height = zoom * (rows.stop - rows.start)
width = left + 2 * panel_width + gap + right
height = bottom + 4 * (top + panel_height)
fig, axes = plt.subplots(4, 2, figsize=(width / 100, height / 100))
# Fixed margins, in pixels: each panel is twice the crop's size.
fig.subplots_adjust(
    left=left / width,
    right=1 - right / width,
    bottom=bottom / height,
    top=1 - top / height,
    wspace=gap / panel_width,
    hspace=top / panel_height,
)
for ax, name in zip(axes.ravel(), shown):
    if name == "Original":
        close_up, title = original, "Original\n24 bits per pixel"
    else:
        close_up = np.asarray(palettes[16, name].convert("RGB"))
        title = (
            f"{name}\n16 colours, {results[16, name]['psnr']:.2f} dB"
        )
    ax.imshow(close_up[rows, columns], interpolation="nearest")
    ax.set_title(title, fontsize=10)
    ax.set_xticks([42, 92, 142], [250, 300, 350])
    ax.set_yticks([16, 56], [160, 200])
    ax.label_outer()
for ax in axes[-1]:
    ax.set_xlabel("Column (pixels)")
for ax in axes[:, 0]:
    ax.set_ylabel("Row (pixels)")

# %%
# Each quantizer fails in its own way. Median cut paints the white fur of the nose a
# pale green. Maximum coverage spends its colours on rare extremes and gives the fur a
# blue and lilac cast. Fast octree greys the white fur and leaves ragged patches: a
# pixel takes the colour of its cell, not the nearest colour of the palette. Refined
# by k-means, median cut and maximum coverage keep the grey and white fur, the dark
# mask and the green leaf, as scikit-learn's palette does; fast octree mapped to its
# nearest colours loses its patches.
#
# At the same number of colours
# -----------------------------
# With the same number of colours, every index costs the same fixed-length rate, so
# PSNRs compare directly. Here is what the refinement adds, what the nearest colours
# add to fast octree, and how the others fare against maximum coverage + k-means:
best = "Max. coverage + k-means"
for k in palette_sizes:
    db = {name: results[k, name]["psnr"] for name in quantizers}
    gain_median = db["Median cut + k-means"] - db["Median cut"]
    gain_coverage = db[best] - db["Maximum coverage"]
    print(f"{k} colours:")
    print(
        f"  k-means adds {gain_median:.2f} dB to median cut,"
        f" {gain_coverage:.2f} to max. coverage"
    )
    print(
        f"  fast octree {db['Fast octree']:.2f} dB as it maps, "
        f"{db['Fast octree, nearest']:.2f} to the nearest colours"
    )
    print(f"  {best} {db[best]:.2f} dB; the others:")
    for name in ["Median cut + k-means", "scikit-learn k-means"]:
        print(f"    {name:<24}{db[name] - db[best]:+.2f} dB")

# %%
# Refinement adds 1 to 3 dB to median cut and 4 to 5.4 dB to maximum coverage, which
# turns from the worst palette as it comes into the best once refined at 64 and 256
# colours, and is 0.03 dB short of median cut's at 16. Pillow's refinement and
# scikit-learn's k-means run the same algorithm and end within about 0.1 dB of each
# other: Pillow starts from a median-cut or maximum-coverage palette and runs on every
# pixel until none changes colour; scikit-learn starts from k-means++ and fits a sample
# of 10 000 pixels.
#
# Handing a palette to Pillow
# ---------------------------
# A palette from elsewhere, such as scikit-learn's, is usually handed to Pillow as
# ``image.quantize(palette=palette_image)``. That mapping looks each pixel up in a
# table of 64 × 64 × 64 cells, each a cube of 4 × 4 × 4 colours holding one palette
# colour for the whole cube, so a pixel does not always get its nearest colour:
by_pillow = {}
for k in palette_sizes:
    nearest = palettes[k, "scikit-learn k-means"]
    mapped = image.quantize(palette=nearest, dither=Image.Dither.NONE)
    by_pillow[k] = psnr(np.asarray(mapped.convert("RGB")))
    loss = by_pillow[k] - results[k, "scikit-learn k-means"]["psnr"]
    print(
        f"scikit-learn, {k} colours, mapped by Pillow: "
        f"{by_pillow[k]:.2f} dB ({loss:+.2f} dB)"
    )

# %%
# The loss grows with the number of colours, to 1 dB at 256: the closer together the
# colours, the more often a cube's colour is not the nearest for a pixel inside it.
# Mapped that way, scikit-learn's palette falls well below Pillow's refined ones.
#
# Quality against rate
# --------------------
# The number of colours is not the whole cost. A palette whose colours are used
# unevenly makes indices that an entropy coder, or PNG, stores in fewer bits. Each line
# is one quantizer at 16, 64 and 256 colours; the left panel counts fixed-length bits,
# the middle one the index entropy, the right one the PNG file. The colour of a line
# says which quantizer it starts from; dotted lines are the palettes as they come.
fig, axes = plt.subplots(1, 3, figsize=(12, 4.6), sharey=True)
styles = {
    "Median cut": ("C0", "s:"),
    "Maximum coverage": ("C1", "s:"),
    "Fast octree": ("C2", "s:"),
    "scikit-learn k-means": ("black", "D-"),
    "Median cut + k-means": ("C0", "o-"),
    "Max. coverage + k-means": ("C1", "o-"),
    "Fast octree, nearest": ("C2", "o-"),
}
rates = {
    "fixed": "Fixed-length rate, log2 k",
    "entropy": "Index entropy",
    "png": "Palette PNG file",
}
for name, (colour, style) in styles.items():
    for ax, rate in zip(axes, rates):
        x = [results[k, name][rate] for k in palette_sizes]
        y = [results[k, name]["psnr"] for k in palette_sizes]
        ax.plot(x, y, style, color=colour, label=name)
for ax, title in zip(axes, rates.values()):
    ax.set(title=title, xlabel="Rate (bits per pixel)")
    ax.grid(alpha=0.3)
axes[0].set_ylabel("PSNR (dB)")
fig.legend(
    *axes[0].get_legend_handles_labels(), loc="lower center", ncols=4
)
fig.subplots_adjust(
    left=0.06, right=0.99, top=0.93, bottom=0.24, wspace=0.08
)

# %%
# Counted in entropy or in PNG bytes, the lines move left by different amounts, and
# the PNG file takes less than the entropy, because PNG's filters and zlib use the
# neighbours of each pixel. To compare at equal rate we read every line at the same
# rate, joining its points by straight lines, at rates that all lines reach:
equal_rates = [
    ("entropy", 4.5),
    ("entropy", 6),
    ("png", 3),
    ("png", 4.5),
]
at_rate = {}
print(f"{'PSNR (dB) at':<24}", end="")
print(
    "".join(
        f"{rate[:3]} {bpp:.1f}".rjust(10) for rate, bpp in equal_rates
    )
)
for name in quantizers:
    for rate, bpp in equal_rates:
        x = [results[k, name][rate] for k in palette_sizes]
        y = [results[k, name]["psnr"] for k in palette_sizes]
        at_rate[name, rate, bpp] = float(np.interp(bpp, x, y))
    row = [at_rate[name, rate, bpp] for rate, bpp in equal_rates]
    print(f"{name:<24}" + "".join(f"{value:10.2f}" for value in row))
lead = [
    at_rate[best, rate, bpp]
    - at_rate["scikit-learn k-means", rate, bpp]
    for rate, bpp in equal_rates
]
leads = ", ".join(f"{x:.2f}" for x in lead)
print(f"Lead over scikit-learn: {leads}")

# %%
# At each of these rates, maximum coverage + k-means comes first and scikit-learn's
# palette second, behind by 0.35 dB at most and by a few hundredths of a decibel at
# the closest. Median cut + k-means, whose indices have
# more entropy than either at every number of colours, falls behind both at equal
# rate, although it matched them at equal number of colours.
#
# What to use
# -----------
# On this image, at equal fixed-length rate and at equal entropy-coded rate:
#
# * **For the best palette: Pillow with k-means refinement**,
#   ``image.quantize(k, method=Image.Quantize.MAXCOVERAGE, kmeans=1)``, in one call,
#   each pixel mapped to its nearest colour.
# * **Never keep a median-cut or maximum-coverage palette unrefined**: ``kmeans=1``
#   adds 1 to 5.4 dB at the same number of colours.
# * **For a quick palette: fast octree, then a nearest-colour mapping.** It builds its
#   palette from pixel counts in a fixed grid, without a search, and ends below the
#   refined palettes.
# * **A palette from elsewhere**, such as scikit-learn's k-means or a fixed palette,
#   deserves a nearest-colour mapping, not Pillow's ``quantize(palette=...)``.
#
# To dither with one of these palettes, hand the palette image to Pillow:
# ``image.quantize(palette=quantized, dither=Image.Dither.FLOYDSTEINBERG)``;
# :ref:`sphx_glr_auto_examples_series_plot_06_judging_dithering.py` measures what
# dithering does to the error and to the file.
plt.show()
