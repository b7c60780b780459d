"""
====================================
Dithering: trading banding for noise
====================================

With only a few grey levels, every quantizer of this course turns smooth shading into
flat bands, with sharp steps between them that the photograph does not have. *Dithering*
avoids the bands: it chooses each pixel's level with its neighbours in mind, so that a
patch of pixels mixes two levels in the proportion that gives, on average, the grey of
the original. The bands turn into a fine grain.

This page shows the bands at 1, 2 and 3 bits per pixel, writes *ordered* (Bayer)
dithering in a few lines of NumPy, and calls *error diffusion* (Floyd–Steinberg) from
Pillow, which comes with Matplotlib. Then it measures a paradox: the dithered images
look better, yet the PSNR says they are worse, and so does SSIM, a measure designed to
follow human judgement. Both change their verdict once the images are blurred the way
distance blurs them for the eye.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 3

# %%
# Evenly spaced levels, and the nearest one
# -----------------------------------------
# We quantize the grey raccoon to :math:`L = 2, 4` and :math:`8` levels: 1, 2 and 3 bits
# per pixel (bpp). Dithering makes the greys *between* two levels by mixing them, so
# the levels must surround every grey of the image. We therefore spread them evenly from
# black to white, level :math:`i` at :math:`i \times 255 / (L - 1)` rounded to an
# integer, instead of fitting them to the image as the earlier pages did, for instance
# :ref:`sphx_glr_auto_examples_series_plot_03_rate_distortion.py` (a level fitted above
# the darkest pixels leaves them nothing darker to mix with).
#
# Without dithering, every pixel takes its nearest level. With evenly spaced levels the
# index of that level is a formula: measure the grey level :math:`x` in steps of
# :math:`255 / (L - 1)`, add a *threshold* :math:`t = 1/2`, and round down,
#
# .. math:: i = \left\lfloor \frac{x (L - 1)}{255} + t \right\rfloor .
#
# We write the threshold out because ordered dithering changes nothing else. (The
# computation is in floating point: ``x * (L - 1)`` in ``uint8`` would wrap around.)
import numpy as np
from scipy.datasets import face

raccoon = face(gray=True)
bit_depths = (1, 2, 3)


def grey_levels(bits):
    """The ``2**bits`` grey levels spread evenly from 0 to 255, as ``uint8``."""
    n_levels = 2**bits
    return np.rint(np.arange(n_levels) * 255 / (n_levels - 1)).astype(np.uint8)


def level_indices(image, bits, threshold=0.5):
    """Index of each pixel's level, ``floor(x (L - 1) / 255 + threshold)``.

    ``threshold`` is a number or an array the shape of ``image``, with values in [0, 1).
    """
    scaled = image.astype(np.float64) * (2**bits - 1) / 255
    return np.floor(scaled + threshold).astype(np.intp)


nearest = {bits: grey_levels(bits)[level_indices(raccoon, bits)] for bits in bit_depths}
for bits in bit_depths:
    print(f"{bits} bpp: levels {grey_levels(bits).tolist()}")

# %%
# Each pixel is now as close to the original as these levels allow, so no other image
# drawn with the same levels can have a smaller mean squared error, whatever its
# pattern. Let us check that every pixel went to a nearest level (the formula never
# meets a tie: :math:`x (L - 1) / 255` is never exactly halfway between two integers):
for bits in bit_depths:
    distances = np.abs(np.arange(256)[:, None] - grey_levels(bits).astype(int))
    smallest_distance = distances.min(axis=1)
    assert np.array_equal(np.abs(raccoon.astype(int) - nearest[bits]), smallest_distance[raccoon])

# %%
# The bands
# ---------
# Here is a close-up, 72 by 108 pixels around the raccoon's nose, at each depth. The
# titles give the PSNR of the whole image, as defined on
# :ref:`sphx_glr_auto_examples_series_plot_01_choosing_bins.py`:
# :math:`10 \log_{10} (255^2 / \mathrm{MSE})` in dB, higher is better.
import matplotlib.pyplot as plt

crop = (slice(420, 492), slice(560, 668))
# Where the close-up lies in the image, so that the axes give the image's own rows and
# columns: (left, right, bottom, top) edges of the pixels.
crop_extent = (crop[1].start - 0.5, crop[1].stop - 0.5, crop[0].stop - 0.5, crop[0].start - 0.5)


def show_close_up(ax, image, title):
    """Draw the close-up of ``image``, its axes numbered as in the whole image."""
    ax.imshow(
        image[crop], cmap="gray", vmin=0, vmax=255, interpolation="nearest", extent=crop_extent
    )
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("Column (pixels)")
    ax.set_ylabel("Row (pixels)")


# PSNR is one line. scikit-image's peak_signal_noise_ratio gives the same number, but
# importing it also imports scipy.stats, which takes longer than all of this page's PSNRs.
def psnr(image, reference=raccoon):
    """PSNR of ``image`` against ``reference`` in dB, for grey levels from 0 to 255."""
    error = np.asarray(image, dtype=np.float64) - reference
    return 10 * np.log10(255**2 / np.mean(error**2))


fig, axes = plt.subplots(2, 2, figsize=(8, 6), layout="constrained", sharex=True, sharey=True)
show_close_up(axes[0, 0], raccoon, "Original, 8 bpp (256 levels)")
for ax, bits in zip(axes.ravel()[1:], bit_depths):
    show_close_up(
        ax,
        nearest[bits],
        f"Nearest level, {bits} bpp ({2**bits} levels)\nPSNR {psnr(nearest[bits]):.1f} dB",
    )
for ax in axes.ravel():
    ax.label_outer()

# %%
# The smooth dome of the nose breaks into flat patches of one grey, with a step at each
# edge: *banding*, or *false contours*. At 3 bpp the patches draw contour lines, like a
# map's; at 2 bpp most of the nose is one grey over a black band; at 1 bpp it is a black
# disc, and the fur around it splits into black and white. More bits make the steps
# smaller (255, 85 and 36 grey levels here) and the bands narrower, but the bands stay.
# They also shift the image's brightness, because each band takes the level nearest to
# its greys, not their mean:
for bits in bit_depths:
    print(
        f"{bits} bpp, nearest level: mean grey {nearest[bits].mean():.2f} "
        f"(original {raccoon.mean():.2f})"
    )
assert raccoon.mean() - nearest[1].mean() > 5

# %%
# Ordered dithering
# -----------------
# Ordered dithering gives every pixel a threshold of its own, taken from a small square
# *threshold matrix* repeated over the image. On a flat grey that lies a fraction
# :math:`f` of the way from one level to the next, a pixel takes the upper level when
# its threshold is at least :math:`1 - f`: if the thresholds are spread evenly between 0
# and 1, a share :math:`f` of the pixels does, and the patch averages to the grey.
#
# Bayer's matrix orders the numbers :math:`0, \dots, n^2 - 1` so that the pixels that
# switch on one after another are spread as evenly as possible over the tile. It is
# built by doubling, starting from the 1×1 matrix :math:`[0]`:
#
# .. math::
#
#    M_{2n} = \begin{pmatrix} 4 M_n & 4 M_n + 2 \\ 4 M_n + 3 & 4 M_n + 1 \end{pmatrix},
#
# and its thresholds are :math:`(M + 1/2) / n^2`, strictly between 0 and 1, with mean
# 1/2. We use the 8×8 matrix: 64 thresholds, so 65 proportions of the two levels.
#
# We write it ourselves: Pillow lists ``Image.Dither.ORDERED`` in its documentation as
# "Not implemented" (only Floyd–Steinberg is), and scikit-image has no dithering
# function. Every step is a whole-array operation: the matrix is tiled over the image
# and handed to ``level_indices`` as its threshold.


def bayer_matrix(size):
    """The ``size`` × ``size`` Bayer matrix, holding 0 to ``size**2 - 1`` once each."""
    if size < 1 or size & (size - 1):
        raise ValueError(f"size must be a power of 2 (1, 2, 4, 8, ...), not {size}")
    matrix = np.zeros((1, 1), dtype=np.intp)
    while len(matrix) < size:
        matrix = np.block([[4 * matrix, 4 * matrix + 2], [4 * matrix + 3, 4 * matrix + 1]])
    return matrix


def ordered_dither(image, bits, size=8):
    """``image`` on ``2**bits`` even levels, with the Bayer thresholds tiled over it."""
    # Hand-written: Pillow documents Dither.ORDERED as "Not implemented" (it runs
    # Floyd–Steinberg instead, as shown below) and scikit-image has no dithering.
    thresholds = (bayer_matrix(size) + 0.5) / size**2
    height, width = image.shape
    tiles = (-(-height // size), -(-width // size))  # rounded up
    tiled = np.tile(thresholds, tiles)[:height, :width]
    return grey_levels(bits)[level_indices(image, bits, tiled)]


bayer = bayer_matrix(8)
print(bayer)
ordered = {bits: ordered_dither(raccoon, bits) for bits in bit_depths}

# %%
# Two properties make it work. The thresholds of the first pixels to switch on are
# spread over the whole tile: the 4 smallest fall one in each 4×4 quarter, the 16
# smallest one in each 2×2 block. And a flat grey comes out right on average: for each
# of the 256 greys and each depth, the mean level index over one 8×8 tile is within
# :math:`1/128` of a step of the grey's own position, the best 64 pixels can do.
for count, block in [(4, 4), (16, 2)]:
    first = bayer < count
    per_block = first.reshape(8 // block, block, 8 // block, block).sum(axis=(1, 3))
    assert np.all(per_block == 1), (count, block)
for bits in bit_depths:
    flat_greys = np.broadcast_to(np.arange(256.0)[:, None, None], (256, 8, 8))
    tile_thresholds = (bayer + 0.5) / 64
    tile_means = level_indices(flat_greys, bits, tile_thresholds).mean(axis=(1, 2))
    assert np.all(np.abs(tile_means - np.arange(256) * (2**bits - 1) / 255) <= 1 / 128)

# %%
# On a ramp of all 256 greys, from black on the left to white on the right, with two
# levels: the nearest level cuts the ramp in two, while the Bayer thresholds draw a
# sequence of regular patterns whose density of white follows the grey.
ramp = np.tile(np.arange(256, dtype=np.uint8), (40, 1))

fig, axes = plt.subplot_mosaic(
    [["matrix", "nearest"], ["matrix", "ordered"]],
    figsize=(8, 3.6),
    layout="constrained",
    width_ratios=(1, 1.5),
)
ax = axes["matrix"]
ax.imshow(bayer, cmap="gray", vmin=0, vmax=63)
for (row, column), value in np.ndenumerate(bayer):
    ax.text(
        column,
        row,
        str(value),
        ha="center",
        va="center",
        fontsize=9,
        color="white" if value < 32 else "black",
    )
ax.set_title("8×8 Bayer matrix (switch-on order)", fontsize=10)
ax.set_xlabel("Column in the tile")
ax.set_ylabel("Row in the tile")
ramps = {
    "nearest": ("nearest level", grey_levels(1)[level_indices(ramp, 1)]),
    "ordered": ("ordered dithering", ordered_dither(ramp, 1)),
}
for key, (title, image) in ramps.items():
    ax = axes[key]
    ax.imshow(image, cmap="gray", vmin=0, vmax=255, interpolation="nearest", aspect="auto")
    ax.set_title(f"Grey ramp on 2 levels, {title}", fontsize=10)
    ax.set_ylabel("Row (pixels)")
axes["nearest"].set_xticklabels([])
axes["ordered"].set_xlabel("Grey level of the original (column)")

# %%
# Error diffusion with Pillow
# ---------------------------
# Floyd–Steinberg dithering visits the pixels in reading order. Each pixel takes the
# level nearest to its grey *plus the error carried to it*, and the error it makes in
# turn is passed on to the neighbours not yet visited: 7/16 to the next pixel on the
# right, 3/16, 5/16 and 1/16 to the three below it. Except at the image's edges no
# error is lost, so over a patch the levels average out to about the original, and the
# pattern follows the image instead of a fixed tile. Each pixel depends on the ones
# before it, which makes it a loop, slow in Python; Pillow runs it in C.
#
# In Pillow, the levels become a *palette image*, a 1×1 image of mode ``"P"`` whose
# palette lists each level as an RGB grey, and
# :meth:`PIL.Image.Image.quantize` maps an image to that palette with
# ``dither=Image.Dither.FLOYDSTEINBERG``. The result is an image of indices into the
# palette; ``levels[indices]`` turns them back into grey levels.
from PIL import Image


def grey_palette(bits):
    """A palette image whose palette is the ``2**bits`` even grey levels."""
    palette = Image.new("P", (1, 1))
    palette.putpalette(np.repeat(grey_levels(bits), 3).tolist())
    return palette


def floyd_steinberg(image, bits):
    """``image`` on ``2**bits`` even levels, dithered by Pillow's Floyd–Steinberg."""
    rgb = Image.fromarray(image).convert("RGB")
    indices = rgb.quantize(palette=grey_palette(bits), dither=Image.Dither.FLOYDSTEINBERG)
    return grey_levels(bits)[np.asarray(indices)]


diffused = {bits: floyd_steinberg(raccoon, bits) for bits in bit_depths}

# %%
# The image is converted to RGB first, and it has to be. Given the grey (``"L"``)
# image itself, ``quantize`` hands back the grey levels unchanged as "indices", with
# the 2-entry palette attached: no error, and a wrong image. And ``Dither.ORDERED``,
# though accepted, gives Floyd–Steinberg's result:
grey_attempt = np.asarray(
    Image.fromarray(raccoon).quantize(palette=grey_palette(1), dither=Image.Dither.FLOYDSTEINBERG)
)
print(
    f"Indices from the grey image: {grey_attempt.min()} to {grey_attempt.max()}, "
    f"for a palette of 2 entries"
)
assert np.array_equal(grey_attempt, raccoon)
ordered_attempt = (
    Image.fromarray(raccoon)
    .convert("RGB")
    .quantize(palette=grey_palette(1), dither=Image.Dither.ORDERED)
)
assert np.array_equal(grey_levels(1)[np.asarray(ordered_attempt)], diffused[1])

# %%
# We do the undithered mapping ourselves too. With ``dither=Image.Dither.NONE``,
# Pillow looks colours up in a cache that keeps one answer for each block of 4×4×4
# colour values, so a few greys close to the middle between two levels go to the
# farther one:
all_greys = np.arange(256)
for bits in bit_depths:
    pillow_indices = np.asarray(
        Image.fromarray(ramp[:1])
        .convert("RGB")
        .quantize(palette=grey_palette(bits), dither=Image.Dither.NONE)
    )[0]
    pillow_distance = np.abs(all_greys - grey_levels(bits)[pillow_indices])
    nearest_distance = np.abs(all_greys - grey_levels(bits)[level_indices(all_greys, bits)])
    wrong = np.flatnonzero(pillow_distance > nearest_distance)
    print(
        f"{bits} bpp: Pillow sends {len(wrong)} of the 256 greys to a farther level "
        f"{wrong.tolist()}"
    )
assert len(wrong) > 0

# %%
# The three side by side
# ----------------------
# The same close-up at each depth: nearest level, ordered dithering, Floyd–Steinberg.
methods = {
    "Nearest level": nearest,
    "Ordered (Bayer 8×8)": ordered,
    "Floyd–Steinberg (Pillow)": diffused,
}
pixel_psnr = {
    (bits, name): psnr(images[bits]) for bits in bit_depths for name, images in methods.items()
}
fig, axes = plt.subplots(3, 3, figsize=(10, 7.4), layout="constrained", sharex=True, sharey=True)
for row, bits in zip(axes, bit_depths):
    for ax, (name, images) in zip(row, methods.items()):
        title = f"{name}, {bits} bpp\nPSNR {pixel_psnr[bits, name]:.1f} dB"
        show_close_up(ax, images[bits], title)
        ax.label_outer()
fig.suptitle("Close-up at 1, 2 and 3 bits per pixel: bands or grain")

# %%
# Both dithers replace the bands by grain: the shading of the nose and of the fur comes
# back as a gradual change in the density of light and dark pixels, even at 1 bpp.
# Bayer's grain is a regular cross-hatch, the same tile every 8 pixels;
# Floyd–Steinberg's is irregular. Yet every PSNR in the titles is *lower* with
# dithering.
#
# The paradox, measured
# ---------------------
# Four numbers for each image:
#
# * **PSNR** compares each pixel with the same pixel of the original.
# * **SSIM**, the structural similarity index of Wang et al. (2004), compares the two
#   images in a small window around each pixel: their local means, their local
#   contrasts (standard deviations) and how well they correlate, and averages the
#   product over the image; 1 means identical. We call
#   :func:`skimage.metrics.structural_similarity` with the settings of the paper
#   (a Gaussian window of :math:`\sigma = 1.5` pixels, ``gaussian_weights=True``,
#   ``use_sample_covariance=False``) and ``data_range=255``, the span of the grey
#   levels, which sets the constants that keep the ratios stable in flat regions. We pass
#   single-precision arrays, which is faster and changes the score by less than
#   0.00001.
# * **PSNR and SSIM at a distance**: the same two, on both images blurred by
#   :func:`scipy.ndimage.gaussian_filter`, which stands for looking from farther away,
#   where the eye no longer resolves single pixels and sees local averages. We take
#   :math:`\sigma = 1.5` pixels, the blur scikit-image's
#   :func:`skimage.transform.resize` applies before shrinking an image 4 times
#   (:math:`\sigma = (4 - 1)/2`): the raccoon seen from 4 times as far, or as a
#   256×192 thumbnail. A later section varies it.
from scipy.ndimage import gaussian_filter
from skimage.metrics import structural_similarity

view_sigma = 1.5


def ssim(image, reference):
    return structural_similarity(
        reference.astype(np.float32),
        image.astype(np.float32),
        data_range=255,
        gaussian_weights=True,
        sigma=1.5,
        use_sample_covariance=False,
    )


def far(image, sigma=view_sigma):
    return gaussian_filter(image.astype(np.float32), sigma)


raccoon_far = far(raccoon)
images_far = {}
scores = {}
print("bpp  method                     PSNR    SSIM | blurred:  PSNR    SSIM")
for bits in bit_depths:
    for name, images in methods.items():
        image_far = images_far[bits, name] = far(images[bits])
        scores[bits, name] = {
            "psnr": pixel_psnr[bits, name],
            "ssim": ssim(images[bits], raccoon),
            "psnr_far": psnr(image_far, raccoon_far),
            "ssim_far": ssim(image_far, raccoon_far),
        }
        s = scores[bits, name]
        print(
            f"{bits}    {name:24s} {s['psnr']:6.2f}  {s['ssim']:.4f} |"
            f"          {s['psnr_far']:5.2f}  {s['ssim_far']:.4f}"
        )
print("(PSNR in dB; blurred: both images blurred with σ = 1.5 pixels)")

# %%
# The verdicts split along one line, the scale at which the measure looks. Pixel by
# pixel, both PSNR and SSIM prefer the bands at every depth; seen from a distance, both
# prefer the grain, by a wide margin:
dithers = ["Ordered (Bayer 8×8)", "Floyd–Steinberg (Pillow)"]
for bits in bit_depths:
    plain = scores[bits, "Nearest level"]
    for name in dithers:
        dithered = scores[bits, name]
        assert dithered["psnr"] < plain["psnr"] and dithered["ssim"] < plain["ssim"]
        assert dithered["psnr_far"] > plain["psnr_far"]
        assert dithered["ssim_far"] > plain["ssim_far"]
    far_gains = [scores[bits, name]["psnr_far"] - plain["psnr_far"] for name in dithers]
    print(
        f"{bits} bpp: at a distance, dithering gains {min(far_gains):.1f} to "
        f"{max(far_gains):.1f} dB of PSNR"
    )
    assert min(far_gains) >= 10

# %%
# What each measure rewards:
#
# * **PSNR rewards each pixel being right.** The nearest level is as close as these
#   levels allow at every pixel, as we checked above, so any dithering, which by design
#   sends some pixels to a farther level, must lose PSNR: 1.8 to 3.1 dB here.
# * **SSIM rewards local structure at the scale of a few pixels**: local means,
#   contrasts and correlations like the original's. A band is flat where the original is
#   smooth, so its contrast is about right even where its grey is wrong; grain adds
#   contrast that the original does not have (measured below).
#   SSIM is no kinder to dithering than PSNR is: at 1 bpp it falls from 0.22 to about
#   0.05.
# * **Blurred, both reward local averages**, what the eye sees when single pixels
#   merge: there the dithered images are far closer to the original, because dithering
#   keeps local averages close to the original's, while a band can shift them by up to
#   half a step. Even the mean of the whole image shows it:
for bits in bit_depths:
    for name in dithers:
        loss = scores[bits, "Nearest level"]["psnr"] - scores[bits, name]["psnr"]
        assert 1.75 < loss < 3.15, (bits, name, loss)
    for name, images in methods.items():
        print(f"{bits} bpp, {name}: mean grey {images[bits].mean():.2f}")
    for images in (ordered, diffused):
        assert abs(images[bits].mean() - raccoon.mean()) < 0.5
plain_1 = scores[1, "Nearest level"]
fs_1 = scores[1, "Floyd–Steinberg (Pillow)"]
assert 0.2 < plain_1["ssim"] < 0.25
assert all(scores[1, name]["ssim"] < 0.06 for name in dithers)

# %%
# SSIM's *contrast* is the standard deviation of the grey levels in its window. Its
# median over the image, with the same Gaussian window (:math:`\sigma = 1.5`), is
# 12 grey levels in the original. With the bands it stays between 10 and 18; the grain
# raises it above that at every depth, tenfold at 1 bpp:


def local_contrast(image, image_far):
    """Median over the image of the standard deviation in a Gaussian window
    (``image_far`` is ``image`` blurred: the local mean)."""
    variance = far(image.astype(np.float32) ** 2) - image_far**2
    return np.median(np.sqrt(np.maximum(variance, 0)))


contrast = {
    name: {bits: local_contrast(images[bits], images_far[bits, name]) for bits in bit_depths}
    for name, images in methods.items()
}
raccoon_contrast = local_contrast(raccoon, raccoon_far)
print(f"Original: median local standard deviation {raccoon_contrast:.1f}")
for name in methods:
    print(
        f"{name + ':':25s} "
        + ", ".join(f"{contrast[name][bits]:.1f} at {bits} bpp" for bits in bit_depths)
    )
assert round(raccoon_contrast) == 12
assert all(
    contrast[name][bits] > contrast["Nearest level"][bits]
    for name in dithers
    for bits in bit_depths
)
assert all(10 <= contrast["Nearest level"][bits] < 18 for bits in bit_depths)
assert all(contrast[name][1] > 10 * contrast["Nearest level"][1] for name in dithers)

# %%
# Between the two dithers, Floyd–Steinberg wins at a distance at every depth, by 5.0 to
# 6.6 dB, although without blur they are within 1.2 dB of each other. The blur removes
# a larger share of its error, which is to say that its grain is finer than Bayer's,
# whose patterns repeat every 2, 4 or 8 pixels (the section on viewing distance below
# shows what the blur does to patterns 2 and 8 pixels wide). The blur's gain in dB
# tells how many times it divides the mean squared error:
for bits in bit_depths:
    lead = (
        scores[bits, "Floyd–Steinberg (Pillow)"]["psnr_far"]
        - scores[bits, "Ordered (Bayer 8×8)"]["psnr_far"]
    )
    divided = {
        name: 10 ** ((scores[bits, name]["psnr_far"] - scores[bits, name]["psnr"]) / 10)
        for name in dithers
    }
    print(
        f"{bits} bpp: Floyd–Steinberg {lead:.1f} dB ahead; the blur divides its MSE "
        f"by {divided['Floyd–Steinberg (Pillow)']:.0f}, ordered's by "
        f"{divided['Ordered (Bayer 8×8)']:.0f}"
    )
    assert 5.0 <= round(lead, 1) <= 6.6
    assert (
        abs(
            scores[bits, "Floyd–Steinberg (Pillow)"]["psnr"]
            - scores[bits, "Ordered (Bayer 8×8)"]["psnr"]
        )
        < 1.2
    )
    assert divided["Floyd–Steinberg (Pillow)"] > 2 * divided["Ordered (Bayer 8×8)"]

# %%
# It wins so clearly that at a distance, Floyd–Steinberg with *2* levels beats the
# nearest of *8*:
print(
    f"At a distance: Floyd–Steinberg at 1 bpp {fs_1['psnr_far']:.2f} dB, "
    f"nearest level at 3 bpp {scores[3, 'Nearest level']['psnr_far']:.2f} dB"
)
assert fs_1["psnr_far"] > scores[3, "Nearest level"]["psnr_far"]

# %%
# What the blur sees
# ------------------
# Here are the 1 bpp close-ups after the blur of :math:`\sigma = 1.5` pixels, next to
# the blurred original. The bands survive the blur with soft edges; the grain melts
# into shading close to the original's.
fig, axes = plt.subplots(2, 2, figsize=(8, 6), layout="constrained", sharex=True, sharey=True)
show_close_up(axes[0, 0], raccoon_far, f"Original, blurred (σ = {view_sigma} px)")
for ax, name in zip(axes.ravel()[1:], methods):
    score = scores[1, name]
    show_close_up(
        ax,
        images_far[1, name],
        f"{name}, 1 bpp, blurred\nPSNR {score['psnr_far']:.1f} dB, SSIM {score['ssim_far']:.2f}",
    )
for ax in axes.ravel():
    ax.label_outer()

# %%
# How far is far enough?
# ----------------------
# The choice :math:`\sigma = 1.5` is one viewing distance among many. A Gaussian blur
# keeps a fraction :math:`\exp(-2 \pi^2 \sigma^2 / p^2)` of the contrast of a pattern
# with a period of :math:`p` pixels (closely, once :math:`\sigma` is a pixel or more).
# At :math:`\sigma = 1.5` a checkerboard, the finest pattern a dither can make
# (:math:`p = 2`), is gone, while a pattern 8 pixels wide, the size of the Bayer tile,
# keeps half of its contrast:
columns = np.arange(64)
for period in (2, 8):
    pattern = np.tile(np.sin(2 * np.pi * columns / period + np.pi / 4), (8, 1))
    kept = np.ptp(gaussian_filter(pattern, view_sigma, mode="wrap")) / np.ptp(pattern)
    print(f"A pattern of period {period} pixels keeps {kept:.1%} of its contrast")
    assert abs(kept - np.exp(-2 * np.pi**2 * view_sigma**2 / period**2)) < 0.01

# %%
# The figure varies the blur from none (:math:`\sigma = 0`, the plain PSNR) to 3
# pixels, a view from about 7 times as far by the same rule, for each depth.
sigmas = [0, 0.5, 1, 1.5, 3]
psnr_by_sigma = {}
for sigma in sigmas:
    if sigma in (0, view_sigma):  # no blur, and the blur of the table: computed above
        key = "psnr" if sigma == 0 else "psnr_far"
        psnr_by_sigma.update(
            {
                (bits, name, sigma): scores[bits, name][key]
                for bits in bit_depths
                for name in methods
            }
        )
        continue
    reference = far(raccoon, sigma)
    for bits in bit_depths:
        for name, images in methods.items():
            psnr_by_sigma[bits, name, sigma] = psnr(far(images[bits], sigma), reference)

fig, axes = plt.subplots(1, 3, figsize=(10, 3.9), layout="constrained")
for ax, bits in zip(axes, bit_depths):
    for (name, _), marker in zip(methods.items(), "soD"):
        ax.plot(
            sigmas,
            [psnr_by_sigma[bits, name, sigma] for sigma in sigmas],
            marker=marker,
            label=name,
        )
    ax.axvline(view_sigma, color="grey", linestyle=":", linewidth=1)
    ax.set_title(f"{bits} bpp ({2**bits} levels)")
    ax.set_xlabel("Blur σ (pixels): viewing distance")
    ax.set_ylabel("PSNR after the blur (dB)")
    ax.grid(alpha=0.3)
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=3)

# %%
# Without blur the nearest level is on top at every depth, as it must be. With a blur
# of half a pixel, about one pixel wide at half height, both dithers have already
# overtaken it, and from there the gap only widens: from no blur to :math:`\sigma = 3`
# the nearest level gains 3 to 9 dB, the dithers 25 or more.
for bits in bit_depths:
    plain = [psnr_by_sigma[bits, "Nearest level", sigma] for sigma in sigmas]
    for name in dithers:
        curve = [psnr_by_sigma[bits, name, sigma] for sigma in sigmas]
        assert curve[0] < plain[0]
        gaps = np.subtract(curve, plain)[1:]
        assert np.all(gaps > 0) and np.all(np.diff(gaps) > 0), (bits, name, gaps)
        assert curve[-1] - curve[0] > 25, (bits, name)
    plain_rise = psnr_by_sigma[bits, "Nearest level", 3] - psnr_by_sigma[bits, "Nearest level", 0]
    print(f"{bits} bpp: from σ = 0 to 3, the nearest level gains {plain_rise:.1f} dB")
    assert 2.5 < plain_rise < 9.5

# %%
# What dithering costs
# --------------------
# Grain is detail, and detail costs bytes. Saved as palette PNG files, as on
# :ref:`sphx_glr_auto_examples_series_plot_02_saving_memory.py`, with 1, 2 or 4 bits
# per index (PNG has no 3-bit depth; Pillow picks the smallest that fits), the
# dithered images are larger, and Floyd–Steinberg's irregular grain more so than
# Bayer's repeating tile:
import io


def png_bytes(image, bits):
    """Size of ``image`` saved as a palette PNG with the ``2**bits`` grey levels."""
    indices = Image.fromarray(level_indices(image, bits).astype(np.uint8))
    indices.putpalette(np.repeat(grey_levels(bits), 3).tolist())
    buffer = io.BytesIO()
    indices.save(buffer, format="PNG")
    return buffer.getbuffer().nbytes


png_sizes = {}
for bits in bit_depths:
    for name, images in methods.items():
        png_sizes[bits, name] = png_bytes(images[bits], bits)
    plain_size = png_sizes[bits, "Nearest level"]
    for name in methods:
        print(
            f"{bits} bpp, {name + ':':25s} {png_sizes[bits, name]:6d} bytes "
            f"({png_sizes[bits, name] / plain_size:.1f}×)"
        )
    assert all(1.25 * plain_size < png_sizes[bits, name] < 2.65 * plain_size for name in dithers)
    assert png_sizes[bits, "Floyd–Steinberg (Pillow)"] > png_sizes[bits, "Ordered (Bayer 8×8)"]

# %%
# In short
# --------
# * Few levels make bands; dithering trades them for grain by choosing each pixel's
#   level so that patches, not pixels, match the original. Ordered dithering is one
#   vectorized comparison with a tiled Bayer matrix; Floyd–Steinberg needs a loop, which
#   Pillow runs for us, once the grey image is converted to RGB.
# * Measured pixel by pixel, by PSNR or by SSIM, dithering loses at every depth: the
#   nearest level is already the best each pixel can do, and SSIM penalizes the grain's
#   extra contrast. Measured on blurred images, which stand for viewing distance, it
#   wins by 10 dB of PSNR or more, and Floyd–Steinberg with 2 levels beats 8 levels
#   without dithering. Which score to trust depends on how the image will be seen: as
#   pixels, or as a picture.
# * The grain costs bytes: 1.3 to 2.6 times those of the banded image, as a PNG.
