"""
====================================
Dithering: trading banding for noise
====================================

The pages up to
:ref:`sphx_glr_auto_examples_series_plot_04_entropy_coded_quantization.py` placed a few
grey levels and counted their bits. With only a few levels, every one of those quantizers
turns smooth shading into flat bands, with steps the photograph does not have.
*Dithering* avoids the bands: it chooses each pixel's level with its neighbours in mind,
so that a patch of pixels mixes two levels in the proportion that gives, on average, the
grey of the original. The bands turn into a fine grain.

This page shows the bands at 1, 2 and 3 bits per pixel, writes *ordered* (Bayer)
dithering in a few lines of NumPy, calls *error diffusion* (Floyd–Steinberg) from Pillow,
and sets the three side by side. How to judge the result, and what the grain costs in
bits, is the next page's subject.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 3

# %%
# Evenly spaced levels, and the nearest one
# -----------------------------------------
# We quantize the grey raccoon to :math:`L = 2, 4` and :math:`8` levels: 1, 2 and 3 bits
# per pixel (bpp). Dithering mixes two levels to make the greys *between* them, so the
# levels must surround every grey of the image: we spread them evenly from black to
# white, level :math:`i` at :math:`i \times 255 / (L - 1)` rounded to an integer,
# instead of fitting them to the image as
# :ref:`sphx_glr_auto_examples_series_plot_03_rate_distortion.py` did (a level fitted
# above the darkest pixels leaves them nothing darker to mix with). Without dithering,
# every pixel takes its nearest level, whose index is a formula with a *threshold*
# :math:`t = 1/2`, which ordered dithering will vary:
#
# .. math:: i = \left\lfloor \frac{x (L - 1)}{255} + t \right\rfloor .
import numpy as np
from scipy.datasets import face

raccoon = face(gray=True)
bit_depths = (1, 2, 3)


def grey_levels(bits):
    """The ``2**bits`` grey levels spread evenly from 0 to 255."""
    levels = np.arange(2**bits) * 255 / (2**bits - 1)
    return np.rint(levels).astype(np.uint8)


def level_indices(image, bits, threshold=0.5):
    """Index ``floor(x (L - 1) / 255 + threshold)`` of each pixel's
    level; ``threshold``: a number or an array like ``image``."""
    # In floating point: x * (L - 1) in uint8 would wrap around.
    scaled = image.astype(np.float64) * (2**bits - 1) / 255
    return np.floor(scaled + threshold).astype(np.intp)


nearest = {
    b: grey_levels(b)[level_indices(raccoon, b)] for b in bit_depths
}

# %%
# Because the levels are rounded to integers, a few greys lie exactly halfway between
# two of them: ties, which either level settles with the same error. We find them,
# and the level the formula picks:
pixels_per_grey = np.bincount(raccoon.ravel(), minlength=256)
for bits in bit_depths:
    levels = grey_levels(bits).astype(int)
    print(f"{bits} bpp: levels {levels.tolist()}")
    distances = np.sort(
        np.abs(np.arange(256)[:, None] - levels), axis=1
    )
    ties = np.flatnonzero(distances[:, 0] == distances[:, 1])
    picked = grey_levels(bits)[level_indices(ties, bits)]
    n_tied = pixels_per_grey[ties].sum()
    print(f"      tied greys {ties.tolist()} ({n_tied} pixels)")
    print(f"      go to levels {picked.tolist()}")

# %%
# At 3 bpp the greys 18, 91, 164 and 237 are ties. The formula compares each grey with
# the midpoint of the *unrounded* levels :math:`i \times 255/7`, so it sends 18 and 91
# to the darker level and 164 and 237 to the brighter one, at the same error: every
# pixel gets a nearest level, and no image drawn with these levels has a smaller mean
# squared error than ``nearest``, whatever its pattern. (The formula itself never lands
# exactly on an integer, so rounding errors cannot decide a level.)
#
# The bands
# ---------
# A close-up of 72 by 108 pixels around the raccoon's nose, each image pixel drawn as
# 3×3 pixels of the figure, at each depth next to the original. The titles give the
# PSNR of the whole image (:ref:`mse-psnr`).
import matplotlib.pyplot as plt

crop = (slice(420, 492), slice(560, 668))


def psnr(image, reference=raccoon):
    """PSNR in dB of ``image`` against ``reference``."""
    error = np.asarray(image, dtype=np.float64) - reference
    return 10 * np.log10(255**2 / np.mean(error**2))


def close_ups(panels, ncols, zoom, rows=crop[0], columns=crop[1]):
    """Close-ups of (image, title) pairs, ``zoom`` figure pixels per
    image pixel (margins fixed in pixels at 100 dpi)."""
    height_px = (rows.stop - rows.start) * zoom
    width_px = (columns.stop - columns.start) * zoom
    left, gap, right, bottom, top = 60, 14, 10, 44, 42
    nrows = -(-len(panels) // ncols)
    width = left + ncols * width_px + (ncols - 1) * gap + right
    height = bottom + nrows * (top + height_px)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(width / 100, height / 100),
        dpi=100,
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
        wspace=gap / width_px,
        hspace=top / height_px,
    )
    extent = (columns.start - 0.5, columns.stop - 0.5)
    extent += (rows.stop - 0.5, rows.start - 0.5)
    for ax, (image, title) in zip(axes.flat, panels):
        ax.imshow(
            image[rows, columns],
            cmap="gray",
            vmin=0,
            vmax=255,
            interpolation="nearest",
            extent=extent,
        )
        ax.set_title(title, fontsize=9)
    for ax in axes[-1]:
        ax.set_xlabel("Column (pixels)")
    for ax in axes[:, 0]:
        ax.set_ylabel("Row (pixels)")
    return fig, axes


panels = [(raccoon, "Original, 8 bpp (256 levels)")]
for b in bit_depths:
    title = f"Nearest level, {b} bpp ({2**b} levels)"
    panels.append(
        (nearest[b], f"{title}\nPSNR {psnr(nearest[b]):.1f} dB")
    )
fig, axes = close_ups(panels, ncols=2, zoom=3)

# %%
# The smooth dome of the nose breaks into flat patches of one grey, with a step at each
# edge: *banding*, or *false contours*. At 3 bpp the patches draw contour lines, like a
# map's; at 1 bpp the nose is a black disc, and the fur around it splits into black and
# white. More bits make the steps smaller (255, 85 and 36 grey levels here) and the
# bands narrower, but the bands stay.
#
# Ordered dithering
# -----------------
# Ordered dithering gives every pixel a threshold of its own, from a small square
# *threshold matrix* repeated over the image. On a flat grey a fraction :math:`f` of the
# way from one level to the next, a pixel takes the upper level when its threshold is
# at least :math:`1 - f`; with thresholds spread evenly between 0 and 1, a share
# :math:`f` of the pixels does, and the patch averages to the grey.
#
# Bayer (1973, "An optimum method for two-level rendition of continuous-tone
# pictures", IEEE International Conference on Communications) ordered the numbers
# :math:`0, \dots, n^2 - 1` so that the pixels that switch on one after another are
# spread as evenly as possible over the tile. His matrix is built by doubling, from the
# 1×1 matrix :math:`[0]`:
#
# .. math::
#
#    M_{2n} = \begin{pmatrix} 4 M_n & 4 M_n + 2 \\ 4 M_n + 3 & 4 M_n + 1 \end{pmatrix},
#
# with thresholds :math:`(M + 1/2) / n^2`, strictly between 0 and 1, of mean 1/2. We
# use the 8×8 matrix: 64 thresholds, 65 proportions of two levels; the 4 smallest fall
# one in each 4×4 quarter, the 16 smallest one in each 2×2 block. Pillow documents its
# ``Image.Dither.ORDERED`` as not implemented, and scikit-image has no dithering, so we
# write it: the matrix is tiled over the image and handed to ``level_indices``.


def bayer_matrix(size):
    """The ``size`` × ``size`` Bayer matrix: 0 to ``size**2 - 1``."""
    if size < 1 or size & (size - 1):
        raise ValueError(
            f"size must be a power of 2 (1, 2, 4, 8, ...), not {size}"
        )
    m = np.zeros((1, 1), dtype=np.intp)
    while len(m) < size:
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return m


def ordered_dither(image, bits, size=8):
    """``image`` on ``2**bits`` levels, Bayer thresholds tiled."""
    thresholds = (bayer_matrix(size) + 0.5) / size**2
    height, width = image.shape
    tiles = (-(-height // size), -(-width // size))  # rounded up
    tiled = np.tile(thresholds, tiles)[:height, :width]
    return grey_levels(bits)[level_indices(image, bits, tiled)]


bayer = bayer_matrix(8)
print(bayer)
ordered = {bits: ordered_dither(raccoon, bits) for bits in bit_depths}

# %%
# On a ramp of all 256 greys, from black on the left to white on the right, with two
# levels: the nearest level cuts the ramp in two, while the Bayer thresholds draw
# regular patterns whose density of white follows the grey.
ramp = np.tile(np.arange(256, dtype=np.uint8), (40, 1))

fig, axes = plt.subplot_mosaic(
    [["matrix", "nearest"], ["matrix", "ordered"]],
    figsize=(8, 3.6),
    layout="constrained",
    width_ratios=(1, 1.5),
)
ax = axes["matrix"]
ax.imshow(bayer, cmap="gray", vmin=0, vmax=63)
for (r, c), value in np.ndenumerate(bayer):
    colour = "white" if value < 32 else "black"
    ax.text(c, r, f"{value}", ha="center", va="center", color=colour)
ax.set_title("8×8 Bayer matrix (switch-on order)", fontsize=10)
ax.set(xlabel="Column in the tile", ylabel="Row in the tile")
ramps = {
    "nearest": grey_levels(1)[level_indices(ramp, 1)],
    "ordered": ordered_dither(ramp, 1),
}
for key, image in ramps.items():
    axes[key].imshow(
        image, cmap="gray", interpolation="nearest", aspect="auto"
    )
    axes[key].set_title(f"Grey ramp on 2 levels, {key}", fontsize=10)
    axes[key].set_ylabel("Row (pixels)")
axes["nearest"].set_xticklabels([])
axes["ordered"].set_xlabel("Grey level of the original (column)")

# %%
# Error diffusion: Floyd–Steinberg
# --------------------------------
# Floyd and Steinberg (1976, "An adaptive algorithm for spatial greyscale", Proceedings
# of the Society for Information Display) visit the pixels in reading order. Each pixel
# takes the level nearest to its grey *plus the error carried to it*, and passes the
# error it makes on to the neighbours not yet visited: 7/16 to the right, 3/16, 5/16
# and 1/16 to the three below. Except at the edges no error is lost, so over a patch
# the levels average out to the original, with a pattern that follows the image
# instead of a tile. Each pixel depends on the ones before it, a loop that Pillow runs
# in C: :meth:`PIL.Image.Image.quantize` maps an image to a palette image holding our
# levels, with ``dither=Image.Dither.FLOYDSTEINBERG``, and returns palette indices.
#
# Three things to know. The image must be converted to RGB first: given the grey image
# itself, ``quantize`` returns its grey levels unchanged as "indices". ``Dither.ORDERED``,
# though accepted, runs Floyd–Steinberg. And with ``Dither.NONE``, Pillow looks colours
# up in a cache that keeps one answer for each block of 4×4×4 colour values, which
# sends a few greys near the middle of two levels to the farther one: that is why we
# map to the nearest level ourselves.
from PIL import Image


def grey_palette(bits):
    """A palette image holding the ``2**bits`` grey levels."""
    palette = Image.new("P", (1, 1))
    palette.putpalette(np.repeat(grey_levels(bits), 3).tolist())
    return palette


def floyd_steinberg(image, bits):
    """``image`` on ``2**bits`` levels by Pillow's Floyd–Steinberg."""
    rgb = Image.fromarray(image).convert("RGB")
    dither = Image.Dither.FLOYDSTEINBERG
    indices = rgb.quantize(palette=grey_palette(bits), dither=dither)
    return grey_levels(bits)[np.asarray(indices)]


diffused = {b: floyd_steinberg(raccoon, b) for b in bit_depths}

# %%
# Here are 160 by 160 pixels around the eye and the nose at 1 bpp, two levels, each
# image pixel drawn as 2×2 pixels of the figure, next to the original:
face_crop = (slice(290, 450), slice(520, 680))
fig, axes = close_ups(
    [
        (raccoon, "Original, 256 levels"),
        (diffused[1], "Floyd–Steinberg, 2 levels (1 bpp)"),
    ],
    ncols=2,
    zoom=2,
    rows=face_crop[0],
    columns=face_crop[1],
)

# %%
# With only black and white, the density of white pixels carries the shading of the fur,
# the eye and the nose.
#
# The three side by side
# ----------------------
# The nose close-up again, 2×2 figure pixels per image pixel: each row is one depth,
# with the original, the nearest level, ordered dithering and Floyd–Steinberg.
methods = {
    "Nearest": nearest,
    "Ordered": ordered,
    "Floyd–Steinberg": diffused,
}
pixel_psnr = {
    (b, name): psnr(images[b])
    for b in bit_depths
    for name, images in methods.items()
}
panels = []
for b in bit_depths:
    panels.append((raccoon, "Original\n8 bpp"))
    for name, images in methods.items():
        title = f"{name}, {b} bpp\nPSNR {pixel_psnr[b, name]:.1f} dB"
        panels.append((images[b], title))
fig, axes = close_ups(panels, ncols=4, zoom=2)

# %%
# Both dithers replace the bands by grain: the shading of the nose and of the fur comes
# back as a gradual change in the density of light and dark pixels, even at 1 bpp.
# Bayer's grain is a regular cross-hatch, the same tile every 8 pixels;
# Floyd–Steinberg's is irregular. Yet every PSNR in the titles is *lower* with
# dithering.
#
# In short
# --------
# * Few levels make bands; dithering trades them for grain by choosing each pixel's
#   level so that patches, not pixels, match the original. Ordered dithering (Bayer) is
#   one vectorized comparison with a tiled matrix; error diffusion (Floyd–Steinberg)
#   needs a loop, which Pillow runs for us.
# * The grain looks better, yet its PSNR is lower at every depth.
#   :ref:`sphx_glr_auto_examples_series_plot_06_judging_dithering.py` judges the three
#   images again, with SSIM and at a viewing distance, and counts what the grain costs
#   in bits.

plt.show()
