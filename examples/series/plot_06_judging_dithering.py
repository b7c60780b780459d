"""
==========================================
Judging dithering: SSIM, distance and cost
==========================================

The previous page, :ref:`sphx_glr_auto_examples_series_plot_05_dithering.py`, traded
the flat bands of a few grey levels for a fine grain, with ordered (Bayer) dithering and
Floyd–Steinberg error diffusion. The dithered images look better, yet their PSNR is
lower. This page measures that paradox with a second score, the structural similarity
(SSIM), and with both scores taken again on blurred images, the way distance blurs them
for the eye. Last, it counts what the grain costs once the images are compressed.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 1

# %%
# The three images again
# ----------------------
# First, in one cell, the images of the previous page: the grey raccoon on
# :math:`L = 2, 4` and :math:`8` levels (1, 2 and 3 bits per pixel, bpp), spread evenly
# from black to white, level :math:`i` at :math:`i \times 255 / (L - 1)` rounded to an
# integer. A pixel of grey :math:`x` gets the level of index
# :math:`\lfloor x (L - 1) / 255 + t \rfloor`. The *nearest* level takes the threshold
# :math:`t = 1/2` everywhere; *ordered dithering* (Bayer, 1973, "An optimum method for
# two-level rendition of continuous-tone pictures") takes each pixel's :math:`t` from the
# 8×8 Bayer matrix tiled over the image; *error diffusion* (Floyd and Steinberg, 1976,
# "An adaptive algorithm for spatial greyscale") adds to each grey the errors of the
# neighbours visited before it, then takes the nearest level, a loop that Pillow runs.
# The code is the previous page's, shortened: it gives the same images, pixel for pixel.
import numpy as np
from PIL import Image
from scipy.datasets import face

raccoon = face(gray=True)
bit_depths = (1, 2, 3)


def grey_levels(bits):
    """The ``2**bits`` grey levels spread evenly from 0 to 255."""
    levels = np.arange(2**bits) * 255 / (2**bits - 1)
    return np.rint(levels).astype(np.uint8)


def level_indices(image, bits, threshold=0.5):
    """Index ``floor(x (L - 1) / 255 + threshold)`` of each pixel."""
    scaled = image.astype(np.float64) * (2**bits - 1) / 255
    return np.floor(scaled + threshold).astype(np.intp)


def ordered_dither(image, bits):
    """``image`` on ``2**bits`` levels, 8×8 Bayer thresholds tiled."""
    m = np.zeros((1, 1), dtype=np.intp)
    while len(m) < 8:  # Bayer's doubling, from [0]
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    height, width = image.shape
    tiles = (-(-height // 8), -(-width // 8))  # rounded up
    tiled = np.tile((m + 0.5) / 64, tiles)[:height, :width]
    return grey_levels(bits)[level_indices(image, bits, tiled)]


def floyd_steinberg(image, bits):
    """``image`` on ``2**bits`` levels by Pillow's Floyd–Steinberg."""
    palette = Image.new("P", (1, 1))
    palette.putpalette(np.repeat(grey_levels(bits), 3).tolist())
    rgb = Image.fromarray(image).convert("RGB")
    dither = Image.Dither.FLOYDSTEINBERG
    indices = rgb.quantize(palette=palette, dither=dither)
    return grey_levels(bits)[np.asarray(indices)]


nearest = {
    b: grey_levels(b)[level_indices(raccoon, b)] for b in bit_depths
}
ordered = {b: ordered_dither(raccoon, b) for b in bit_depths}
diffused = {b: floyd_steinberg(raccoon, b) for b in bit_depths}
methods = {
    "Nearest": nearest,
    "Ordered": ordered,
    "Floyd–Steinberg": diffused,
}


def psnr(image, reference=raccoon):
    """PSNR in dB of ``image`` against ``reference``."""
    error = np.asarray(image, dtype=np.float64) - reference
    return 10 * np.log10(255**2 / np.mean(error**2))


# %%
# .. _ssim:
#
# SSIM, the structural similarity
# -------------------------------
# The previous page found the PSNR (:ref:`mse-psnr`) lower with dithering at every depth.
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
            "psnr": psnr(images[b]),
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
# Here is what the two scales see, at 1 bpp, on a close-up of 72 by 108 pixels around
# the raccoon's nose: the images as stored on the top row, blurred on the bottom row,
# with their PSNR.
import matplotlib.pyplot as plt

rows, columns = slice(420, 492), slice(560, 668)
extent = (columns.start - 0.5, columns.stop - 0.5)
extent += (rows.stop - 0.5, rows.start - 0.5)
fig, axes = plt.subplots(
    2,
    4,
    figsize=(9.6, 4.8),
    sharex=True,
    sharey=True,
    layout="constrained",
)
stored = [(raccoon, raccoon_far, "Original")]
stored += [(i[1], images_far[1, n], n) for n, i in methods.items()]
for column, (image, image_far, name) in enumerate(stored):
    for row, shown in enumerate((image, image_far)):
        ax = axes[row, column]
        ax.imshow(
            shown[rows, columns],
            cmap="gray",
            vmin=0,
            vmax=255,
            interpolation="nearest",
            extent=extent,
        )
        if column:
            key = ("psnr", "psnr_far")[row]
            score = f"PSNR {scores[1, name][key]:.1f} dB"
        else:
            score = "8 bpp"
        state = ("as stored", "blurred")[row]
        ax.set_title(f"{name}, {state}\n{score}", fontsize=9)
for ax in axes[-1]:
    ax.set_xlabel("Column (pixels)")
for ax, label in zip(axes[:, 0], ("As stored", "Blurred, σ = 1.5")):
    ax.set_ylabel(f"{label}\nRow (pixels)")
fig.suptitle("Nose close-up at 1 bpp (2 levels), near and far")

# %%
# The verdicts split along one line, the scale at which the measure looks. Pixel by
# pixel, both PSNR and SSIM prefer the bands at every depth; seen from a distance, both
# prefer the grain, by 10 dB of PSNR or more, with the same levels and so at the same
# fixed-length rate. Between the two dithers, Floyd–Steinberg
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
# :ref:`sphx_glr_auto_examples_series_plot_02_saving_memory.py`,
# :ref:`sphx_glr_auto_examples_series_plot_03_rate_distortion.py` and
# :ref:`sphx_glr_auto_examples_series_plot_04_entropy_coded_quantization.py` do: the
# *fixed-length rate*, :math:`\log_2 L` bits per pixel, the same for every method; the
# *index entropy* :math:`H = -\sum_j p_j \log_2 p_j`, with :math:`p_j` the share of
# pixels at level :math:`j`, what an entropy coder that treats pixels one at a time
# needs; and real bytes, the image saved as a palette PNG with 1, 2 or 4 bits per index
# (PNG has no 3-bit depth), in bits per pixel (bytes × 8 / pixels). PNG's DEFLATE finds
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
# Does the grain still win once it pays for its bytes? Plotted at its measured rate,
# the PNG bits per pixel, each image's PSNR at a distance:
fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
offsets = {"Nearest": (8, -4), "Floyd–Steinberg": (-8, 6)}
for name, marker in zip(methods, "osD"):
    rates = [png_sizes[b, name] * 8 / raccoon.size for b in bit_depths]
    far_psnr = [scores[b, name]["psnr_far"] for b in bit_depths]
    ax.plot(rates, far_psnr, marker=marker, label=name)
    dx, dy = offsets.get(name, (8, -12))
    for b, rate, value in zip(bit_depths, rates, far_psnr):
        ax.annotate(
            f"{2**b} levels",
            (rate, value),
            xytext=(dx, dy),
            textcoords="offset points",
            ha="right" if dx < 0 else "left",
            fontsize=8,
        )
ax.set(
    xlabel="Measured rate: PNG bits per pixel",
    ylabel="PSNR of the blurred images (dB)",
    title="Quality at a distance against the bytes it costs",
)
ax.grid(alpha=0.3)
ax.legend()

# %%
# At a distance the grain gives more for fewer bytes: the banded images at 2 and 3 bpp
# are each beaten by a dithered image with a smaller file, and fewer levels; the 1-bit
# one, the smallest file of all, by none:
dithered = [
    (b, n) for b in bit_depths for n in ("Ordered", "Floyd–Steinberg")
]
for b in bit_depths:
    size, mark = (
        png_sizes[b, "Nearest"],
        scores[b, "Nearest"]["psnr_far"],
    )
    print(f"Nearest, {b} bpp: {size} bytes, blurred {mark:.2f} dB")
    for key in dithered:
        far_psnr = scores[key]["psnr_far"]
        if png_sizes[key] < size and far_psnr > mark:
            print(
                f"    beaten by {key[1]}, {key[0]} bpp:"
                f" {png_sizes[key]} bytes, {far_psnr:.2f} dB"
            )

# %%
# In short
# --------
# * Measured pixel by pixel, by PSNR or by :ref:`SSIM <ssim>`, dithering loses at every
#   depth. Measured on blurred images, which stand for viewing distance, it wins by
#   10 dB of PSNR or more at the same fixed-length rate. Which score to trust depends on
#   how the image will be seen.
# * The grain costs no bits at a fixed length, but 1.3 to 2.6 times the bytes once a
#   real coder compresses the image. Seen from a distance it is worth them: the banded
#   images at 2 and 3 bpp lose to dithered ones with fewer levels and smaller files.

plt.show()
