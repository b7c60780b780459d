"""
====================================
Dithering: trading banding for noise
====================================

With only a few grey levels, every quantizer of the previous pages turns smooth shading into
flat bands, with steps the photograph does not have. *Dithering* avoids the bands: it
chooses each pixel's level with its neighbours in mind, so that a patch of pixels mixes two
levels in the proportion that gives, on average, the grey of the original. The bands turn
into a fine grain.

This page shows the bands at 1, 2 and 3 bits per pixel, writes *ordered* (Bayer) dithering
in a few lines of NumPy, and calls *error diffusion* (Floyd–Steinberg) from Pillow. Then it
measures a paradox: the dithered images look better, yet PSNR and SSIM say they are worse,
until both images are blurred the way distance blurs them for the eye. Last, it counts what
the grain costs once the images are compressed.
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
# .. _ssim:
#
# SSIM, the structural similarity
# -------------------------------
# PSNR compares each pixel with the same pixel of the original. The structural
# similarity index (SSIM) of Wang, Bovik, Sheikh and Simoncelli (2004, "Image quality
# assessment: from error visibility to structural similarity", IEEE Trans. Image
# Process.) compares the two images around each pixel, in a Gaussian window: their
# local means :math:`\mu`, their local standard deviations :math:`\sigma` (contrast)
# and their covariance :math:`\sigma_{xy}` (structure),
#
# .. math::
#
#    \mathrm{SSIM}(x, y) = \frac{(2 \mu_x \mu_y + C_1)(2 \sigma_{xy} + C_2)}
#    {(\mu_x^2 + \mu_y^2 + C_1)(\sigma_x^2 + \sigma_y^2 + C_2)},
#
# averaged over the image; 1 means identical. The constants
# :math:`C_1 = (0.01 \times 255)^2` and :math:`C_2 = (0.03 \times 255)^2` keep the
# ratios stable in flat regions. This course uses one variant everywhere, the paper's:
# :func:`skimage.metrics.structural_similarity` with a Gaussian window of
# :math:`\sigma = 1.5` pixels (``gaussian_weights=True, sigma=1.5``), population
# statistics (``use_sample_covariance=False``) and ``data_range=255``. We pass
# single-precision arrays, which is faster and changes the score by less than 0.00001.
from skimage.metrics import structural_similarity


def ssim(image, reference):
    """SSIM of Wang et al. (2004), as this course computes it."""
    return structural_similarity(
        reference.astype(np.float32),
        image.astype(np.float32),
        data_range=255,
        gaussian_weights=True,
        sigma=1.5,
        use_sample_covariance=False,
    )


# %%
# The paradox, measured
# ---------------------
# Four numbers for each image: PSNR and SSIM, and the same two *at a distance*, on both
# images blurred by :func:`scipy.ndimage.gaussian_filter`. The blur stands for looking
# from farther away, where the eye no longer resolves single pixels and sees local
# averages. We take :math:`\sigma = 1.5` pixels, the blur scikit-image's
# :func:`skimage.transform.resize` applies before shrinking an image 4 times
# (:math:`\sigma = (4 - 1)/2`): the raccoon seen from 4 times as far, or as a 256×192
# thumbnail.
from scipy.ndimage import gaussian_filter

view_sigma = 1.5


def far(image, sigma=view_sigma):
    return gaussian_filter(image.astype(np.float32), sigma)


raccoon_far = far(raccoon)
images_far = {}
scores = {}
print("bpp  method             PSNR    SSIM |  blurred: PSNR    SSIM")
for b in bit_depths:
    for name, images in methods.items():
        image_far = images_far[b, name] = far(images[b])
        s = scores[b, name] = {
            "psnr": pixel_psnr[b, name],
            "ssim": ssim(images[b], raccoon),
            "psnr_far": psnr(image_far, raccoon_far),
            "ssim_far": ssim(image_far, raccoon_far),
        }
        print(
            f"{b:<4} {name:15s} {s['psnr']:7.2f} {s['ssim']:7.4f} |"
            f" {s['psnr_far']:14.2f} {s['ssim_far']:7.4f}"
        )
print("(PSNR in dB; blurred: both images blurred, σ = 1.5 pixels)")

# %%
# The verdicts split along one line, the scale at which the measure looks. Pixel by
# pixel, both PSNR and SSIM prefer the bands at every depth; seen from a distance, both
# prefer the grain, by 10 dB of PSNR or more. Between the two dithers, Floyd–Steinberg
# wins at a distance by 5.0 to 6.6 dB, though pixel by pixel they are within 1.2 dB:
# its grain is finer than Bayer's, whose patterns repeat every 2, 4 or 8 pixels, so the
# blur removes more of its error.
print(
    "bpp  dithering loses  blurred, gains  F-S minus ordered, blurred"
)
for b in bit_depths:
    plain, bayer_s, fs = (scores[b, name] for name in methods)
    loss = [plain["psnr"] - d["psnr"] for d in (bayer_s, fs)]
    gain = [d["psnr_far"] - plain["psnr_far"] for d in (bayer_s, fs)]
    lead = [fs[k] - bayer_s[k] for k in ("psnr", "psnr_far")]
    print(
        f"{b:<4} {min(loss):4.1f} to {max(loss):3.1f} dB"
        f"  {min(gain):5.1f} to {max(gain):4.1f} dB"
        f"  {lead[0]:+8.1f} dB, {lead[1]:+4.1f} dB"
    )

# %%
# What each measure rewards:
#
# * **PSNR rewards each pixel being right.** The nearest level is as close as these
#   levels allow at every pixel, so any dithering, which by design sends some pixels to
#   a farther level, must lose PSNR.
# * **SSIM rewards local structure at the scale of a few pixels.** A band is flat where
#   the original is smooth, so its contrast is about right even where its grey is wrong;
#   grain adds contrast that the original does not have. SSIM is no kinder to dithering
#   than PSNR is: at 1 bpp it falls from 0.22 to about 0.05.
# * **Blurred, both reward local averages**, what the eye sees when single pixels merge.
#   Dithering keeps local averages close to the original's, while each band takes the
#   level nearest to its greys, not their mean, and can shift them by up to half a
#   step. Even the mean grey of the whole image shows it:
for b in bit_depths:
    means = ", ".join(f"{i[b].mean():.2f}" for i in methods.values())
    print(f"{b} bpp: mean grey (nearest, ordered, F-S) {means}")
print(f"Original: mean grey {raccoon.mean():.2f}")

# %%
# SSIM's *contrast* is the standard deviation of the grey levels in its window. Its
# median over the image, with the same Gaussian window, is 12 grey levels in the
# original. With the bands it stays between 10 and 18; the grain raises it at every
# depth, tenfold at 1 bpp:


def local_contrast(image, image_far):
    """Median over the image of the standard deviation in a Gaussian
    window (``image_far`` is ``image`` blurred: the local mean)."""
    variance = far(image.astype(np.float32) ** 2) - image_far**2
    return np.median(np.sqrt(np.maximum(variance, 0)))


contrast = {
    name: {
        b: local_contrast(im[b], images_far[b, name])
        for b in bit_depths
    }
    for name, im in methods.items()
}
print(f"{'Original:':16s} {local_contrast(raccoon, raccoon_far):.1f}")
for name in methods:
    values = ", ".join(f"{contrast[name][b]:.1f}" for b in bit_depths)
    print(f"{name + ':':16s} {values} at 1, 2, 3 bpp")

# %%
# Why the blur favours Floyd–Steinberg: a Gaussian blur keeps a fraction
# :math:`\exp(-2 \pi^2 \sigma^2 / p^2)` of the contrast of a pattern of period
# :math:`p` pixels. At :math:`\sigma = 1.5` a checkerboard (:math:`p = 2`), the finest
# pattern a dither makes, is gone, while a pattern as wide as the Bayer tile
# (:math:`p = 8`) keeps half of it. And at a distance Floyd–Steinberg with *2* levels
# beats the nearest of *8*:
for period in (2, 8):
    kept = np.exp(-2 * np.pi**2 * view_sigma**2 / period**2)
    print(f"Contrast kept by the blur at period {period}: {kept:.1%}")
fs_1, plain_3 = scores[1, "Floyd–Steinberg"], scores[3, "Nearest"]
print(
    f"Blurred: Floyd–Steinberg at 1 bpp {fs_1['psnr_far']:.2f} dB, "
    f"nearest at 3 bpp {plain_3['psnr_far']:.2f} dB"
)

# %%
# What dithering costs
# --------------------
# Grain is detail, and detail costs bits. We count them three ways, as
# :ref:`sphx_glr_auto_examples_series_plot_03_rate_distortion.py` and
# :ref:`sphx_glr_auto_examples_series_plot_02_saving_memory.py` do: the *fixed-length
# rate*, :math:`\log_2 L` bits per pixel, the same for every method; the *index
# entropy* :math:`H = -\sum_j p_j \log_2 p_j`, with :math:`p_j` the share of pixels at
# level :math:`j`, what an entropy coder that treats pixels one at a time needs; and
# real bytes, the image saved as a palette PNG with 1, 2 or 4 bits per index (PNG has
# no 3-bit depth), in bits per pixel (bytes × 8 / pixels). PNG's DEFLATE finds
# repeated runs and strings of pixels: it uses context, as real coders do.
import io


def png_bytes(image, bits):
    """Bytes of ``image`` as a palette PNG of ``2**bits`` levels."""
    png = Image.fromarray(level_indices(image, bits).astype(np.uint8))
    png.putpalette(np.repeat(grey_levels(bits), 3).tolist())
    buffer = io.BytesIO()
    png.save(buffer, format="PNG")
    return buffer.getbuffer().nbytes


def index_entropy(image):
    """Entropy in bits of the image's levels, one pixel at a time."""
    shares = np.unique(image, return_counts=True)[1] / image.size
    return -np.sum(shares * np.log2(shares))


png_sizes, entropies = {}, {}
print("bpp method          log2 L entropy PNG bytes PNG bpp × bands")
for b in bit_depths:
    for name, images in methods.items():
        png_sizes[b, name] = png_bytes(images[b], b)
        entropies[b, name] = index_entropy(images[b])
        png_bpp = png_sizes[b, name] * 8 / raccoon.size
        ratio = png_sizes[b, name] / png_sizes[b, "Nearest"]
        print(
            f"{b:<3} {name:15s} {b:6d} {entropies[b, name]:7.3f}"
            f" {png_sizes[b, name]:9d} {png_bpp:7.3f} {ratio:7.2f}"
        )

# %%
# At a fixed length, dithering is free: the same :math:`\log_2 L` bits. Coded one pixel
# at a time it is nearly free too, at most 0.11 bit more per pixel, since dithering
# changes the share of each level little. But a coder that uses context, as PNG does,
# finds the bands easy to predict and the grain not: the dithered files are 1.3 to 2.6
# times the banded ones, Floyd–Steinberg's irregular grain more than Bayer's repeating
# tile. At 1 bpp Floyd–Steinberg's PNG costs almost its full index entropy: the grain
# is close to incompressible.
#
# In short
# --------
# * Few levels make bands; dithering trades them for grain by choosing each pixel's
#   level so that patches, not pixels, match the original. Ordered dithering (Bayer) is
#   one vectorized comparison with a tiled matrix; error diffusion (Floyd–Steinberg)
#   needs a loop, which Pillow runs for us.
# * Measured pixel by pixel, by PSNR or by :ref:`SSIM <ssim>`, dithering loses at every
#   depth. Measured on blurred images, which stand for viewing distance, it wins by
#   10 dB of PSNR or more. Which score to trust depends on how the image will be seen.
# * The grain costs no bits at a fixed length, but 1.3 to 2.6 times the bytes once a
#   real coder compresses the image.

plt.show()
