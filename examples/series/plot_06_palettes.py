"""
=========================================================
Palettes in practice: Pillow's quantizers against k-means
=========================================================

The colour page built a palette with k-means by hand. Most people who need to reduce
an image to a few colours reach for a tool they already have instead: Pillow, the
imaging library that comes with Matplotlib, has several quantizers built in. This page
puts them side by side with scikit-learn's k-means on the colour raccoon, at 16, 64
and 256 colours, with and without dithering, and measures what a reader choosing one
needs to know: how good the image is (PSNR and SSIM), how long the palette takes to
build and apply, and how many bytes the palette PNG takes. It ends with a
recommendation drawn from the page's own table, after a look at fitting k-means in a
perceptual colour space, CIELAB, instead of RGB.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause
# sphinx_gallery_thumbnail_number = 2

# %%
# The image and the quantizers at hand
# ------------------------------------
# :meth:`PIL.Image.Image.quantize` turns an RGB image into a *palette image* (Pillow's
# mode ``"P"``): one byte per pixel, the index of its colour, and a palette of up to 256
# colours. Pillow offers three ways to choose the palette: *median cut* (its default for
# RGB images), *maximum coverage* and *fast octree*. A fourth, *libimagequant*, is an
# optional library that Pillow may or may not have been built with; ``PIL.features``
# says which.
#
# The image is the colour raccoon at half size: every other row and every other
# column, 384 × 512 pixels. Pillow's quantizers work on every pixel, with no sample to
# fit them on, and at full size the 33 palette images of this page, with their PNG
# files and scores, would not fit in the few seconds a page of this course may take.
# The tests check that the page's main conclusions hold at full size too.
import numpy as np
import PIL
from PIL import Image, features
from scipy.datasets import face

original = np.ascontiguousarray(face()[::2, ::2])
image = Image.fromarray(original)
pixels = original.reshape(-1, 3)
n_pixels = len(pixels)
print(f"Image: {original.shape[0]} × {original.shape[1]} pixels, {original.nbytes} bytes")

has_libimagequant = features.check("libimagequant")
print(
    f"Pillow {PIL.__version__}; libimagequant: "
    f"{'available' if has_libimagequant else 'not available in this build'}"
)

pillow_methods = {
    "Median cut": Image.Quantize.MEDIANCUT,
    "Maximum coverage": Image.Quantize.MAXCOVERAGE,
    "Fast octree": Image.Quantize.FASTOCTREE,
}
if has_libimagequant:
    pillow_methods["libimagequant"] = Image.Quantize.LIBIMAGEQUANT
palette_sizes = [16, 64, 256]

# %%
# Where the line above says libimagequant is not available, as in the build of this
# page, the page compares three Pillow quantizers; where it is available, libimagequant
# joins the table and the figures by itself, and the conclusions below, which name the
# quantizers they are about, do not cover it.
#
# Dithering with Pillow
# ---------------------
# :meth:`~PIL.Image.Image.quantize` has a ``dither`` argument, but when Pillow builds the
# palette itself it may map every pixel to a palette colour without dithering, whatever
# that argument says. Let us check on the installed version:
octree = Image.Quantize.FASTOCTREE
asked_to_dither = image.quantize(16, method=octree, dither=Image.Dither.FLOYDSTEINBERG)
not_dithered = image.quantize(16, method=octree, dither=Image.Dither.NONE)
dither_ignored = asked_to_dither.tobytes() == not_dithered.tobytes()
print(f"quantize(16, dither=FLOYDSTEINBERG) gives the undithered image: {dither_ignored}")

# %%
# If the line says ``True``, the argument was ignored (Pillow 13.0 ignores it; issue
# 5836 on Pillow's tracker asks for a change). What dithers with every version is to
# hand ``quantize`` a palette to use: ``image.quantize(palette=palette_image,
# dither=...)``, where ``palette_image`` is any palette image, here the one the
# quantizer just made. That is also how we apply palettes that come from elsewhere,
# such as k-means. With ``Image.Dither.FLOYDSTEINBERG`` Pillow spreads each pixel's error
# over its neighbours still to be mapped (Floyd–Steinberg error diffusion); with
# ``Image.Dither.NONE`` it maps every pixel on its own.
dithered = image.quantize(palette=not_dithered, dither=Image.Dither.FLOYDSTEINBERG)
assert dithered.tobytes() != not_dithered.tobytes()
assert dithered.getpalette() == not_dithered.getpalette()

# %%
# K-means palettes
# ----------------
# As on the page :ref:`sphx_glr_auto_examples_series_plot_05_colour_quantization.py`,
# k-means runs on a random sample of 10 000 pixels, not on all 196608, with
# ``n_init=1`` (a single start from scikit-learn's k-means++ centres) and
# ``random_state=0``; the sample's seed is fixed too. We try two of scikit-learn's
# estimators: :class:`~sklearn.cluster.KMeans`, and
# :class:`~sklearn.cluster.MiniBatchKMeans`, which updates the centres from batches of
# the sample (1024 pixels, its default) and stops early once they no longer improve.
# The centres, rounded to integers, become the palette of a 1×1 palette image that we
# hand to Pillow to map the image, with or without dithering.
#
# Pillow maps a pixel that is equally far from two palette colours to the one that comes
# first in the palette. So that the result does not depend on the order in which k-means
# happens to number its clusters, we sort every k-means palette by red, then green, then
# blue value.
from skimage.color import lab2rgb, rgb2lab
from sklearn.cluster import KMeans, MiniBatchKMeans

n_sample = 10_000
sample = pixels[np.random.default_rng(0).choice(n_pixels, size=n_sample, replace=False)]


def kmeans_palette(estimator_class, n_colours, space="RGB"):
    """Fit ``estimator_class`` on the sample of pixels; return its palette (k × 3, uint8).

    With ``space="CIELAB"`` k-means runs on the sample's CIELAB coordinates and the
    centres are converted back to RGB (used at the end of the page).
    """
    points = rgb2lab(sample) if space == "CIELAB" else sample.astype(np.float64)
    estimator = estimator_class(n_clusters=n_colours, n_init=1, random_state=0)
    centres = estimator.fit(points).cluster_centers_
    if space == "CIELAB":
        centres = lab2rgb(centres) * 255
    return np.clip(np.rint(centres), 0, 255).astype(np.uint8)


def sort_palette(palette):
    """The palette's colours sorted by red, then green, then blue."""
    # np.lexsort sorts by its last key first.
    return palette[np.lexsort(palette.T[::-1])]


def palette_image(palette):
    """A 1×1 Pillow palette image whose palette is ``palette`` (k × 3, uint8)."""
    holder = Image.new("P", (1, 1))
    holder.putpalette(palette.tobytes())
    return holder


def kmeans_quantizer(estimator_class):
    """A function that builds a sorted k-means palette and returns it as a palette image."""
    return lambda n_colours: palette_image(sort_palette(kmeans_palette(estimator_class, n_colours)))


def pillow_quantizer(method):
    """A function that lets Pillow build a palette, mapping the image at the same time."""
    return lambda n_colours: image.quantize(n_colours, method=method, dither=Image.Dither.NONE)


quantizers = {name: pillow_quantizer(method) for name, method in pillow_methods.items()}
quantizers["KMeans"] = kmeans_quantizer(KMeans)
quantizers["MiniBatchKMeans"] = kmeans_quantizer(MiniBatchKMeans)

# %%
# What we measure
# ---------------
# For every palette size, quantizer and dithering choice we record:
#
# * **PSNR**, in dB, over the whole image and its three channels, as on the colour page;
# * **SSIM**, the structural similarity index of scikit-image
#   (:func:`skimage.metrics.structural_similarity`, each channel scored on its own and
#   the three averaged), which compares local means, contrasts and correlations in 7×7
#   windows and is 1 for a perfect copy. It is the slowest of these measures, so, for
#   the page to run in a few seconds, we compute it on the 96×128 close-up around the
#   raccoon's eye and nose that the first figure shows; the tests check that the
#   rankings drawn from it hold on the whole image;
# * **time**: the seconds to build the palette and map the image, from the RGB image to
#   the palette image. For k-means that includes the fit; Pillow's own quantizers always
#   map the image while they build the palette, so their dithered rows pay for a second
#   mapping. An operation that takes longer than 10 ms is timed once; quicker ones run
#   again, up to 5 times or 10 ms in all, and we keep the median. Pillow's quantizers
#   run on one core, so we limit scikit-learn's k-means to one thread as well, with
#   threadpoolctl (which scikit-learn installs), and the times compare like with like.
#   Timings vary from run to run and machine to machine: only conclusions with wide
#   margins (more than 3 times) are drawn from them, and they are printed as measured
#   rather than asserted, so that a busy machine cannot fail the page;
# * **PNG bytes**: the size of the palette image saved as PNG by Pillow, in memory, with
#   ``optimize=False`` and zlib's fastest level, ``compress_level=1``, so that the 33
#   files of the page encode quickly (Pillow's default is level 6). The files are
#   compared with each other, all at the same level.
#
# The PSNR is three lines of NumPy in exact integer arithmetic, several times faster
# than :func:`skimage.metrics.peak_signal_noise_ratio`, which converts both images to
# floating point first; the tests check that the two agree.
import io
import time

from skimage.metrics import structural_similarity

ssim_window = (slice(144, 240), slice(224, 352))


def psnr(quantized):
    """PSNR in dB of an RGB image (uint8) against the original, over all channels."""
    error = np.subtract(quantized, original, dtype=np.int16)
    squared = np.square(error, dtype=np.int32).sum(dtype=np.int64)
    return 10 * np.log10(255**2 * error.size / squared)


def timed(function, *args, budget=0.01, max_runs=5):
    """Call ``function(*args)``; return its result, its median time in s, and the runs.

    A call slower than ``budget`` seconds runs once; quicker ones run again, up to
    ``max_runs`` times, while their total time stays under ``budget``.
    """
    times = []
    while len(times) < max_runs and sum(times) < budget:
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return result, float(np.median(times)), len(times)


def remap(palette_holder, dither):
    """Map the image to the palette of ``palette_holder`` with Pillow."""
    return image.quantize(palette=palette_holder, dither=dither)


def png_bytes(quantized):
    """The palette image saved as PNG by Pillow, at zlib level 1."""
    buffer = io.BytesIO()
    quantized.save(buffer, format="PNG", optimize=False, compress_level=1)
    return buffer.getvalue()


def measure(quantized, seconds, runs):
    """Score a palette image against the original; keep it with its PNG file."""
    rgb = np.asarray(quantized.convert("RGB"))
    return {
        "image": quantized,
        "psnr": psnr(rgb),
        "ssim": structural_similarity(
            original[ssim_window], rgb[ssim_window], channel_axis=-1, data_range=255
        ),
        "seconds": seconds,
        "runs": runs,
        "png": png_bytes(quantized),
    }


# %%
# Mapping is half the job
# -----------------------
# A palette is only as good as the mapping that gives each pixel its colour. Pillow's
# median cut and maximum coverage give every pixel its nearest palette colour. Fast
# octree gives it the colour of the octree cell it falls in, which is not always the
# nearest one. Mapping the fast octree image again to its own palette, without
# dithering, costs one more call to Pillow, so we add that as one more row, *fast
# octree, mapped again*. (Its dithered version would be the dithered fast octree row:
# that too maps the image again to the same palette.)
#
# Running every combination
# -------------------------
# Each quantizer builds its palette once per size. The undithered image is Pillow's own
# result for Pillow's quantizers and a mapping without dithering for k-means; the
# dithered image maps the image to the same palette with Floyd–Steinberg dithering.
# Before timing, one small k-means fit runs untimed, so that the start-up costs of the
# first fit in a process are not counted in any palette.
from threadpoolctl import threadpool_limits

results = {}
with threadpool_limits(limits=1, user_api="openmp"):
    KMeans(n_clusters=2, n_init=1, random_state=0).fit(sample[:100].astype(np.float64))
    for n_colours in palette_sizes:
        for name, quantizer in quantizers.items():
            built, build_seconds, runs = timed(quantizer, n_colours)
            if name in pillow_methods:
                plain, plain_seconds = built, build_seconds
            else:
                plain, map_seconds, _ = timed(remap, built, Image.Dither.NONE)
                plain_seconds = build_seconds + map_seconds
            results[n_colours, name, False] = measure(plain, plain_seconds, runs)
            fs, map_seconds, _ = timed(remap, built, Image.Dither.FLOYDSTEINBERG)
            results[n_colours, name, True] = measure(fs, build_seconds + map_seconds, runs)
            if name == "Fast octree":
                again, map_seconds, _ = timed(remap, built, Image.Dither.NONE)
                results[n_colours, "Fast octree, mapped again", False] = measure(
                    again, build_seconds + map_seconds, runs
                )

names = list(dict.fromkeys(name for _, name, _ in results))
# The conclusions below are about these; libimagequant, where present, is only shown.
compared = [name for name in names if name != "libimagequant"]

# %%
# The table
# ---------
# "FS" marks Floyd–Steinberg dithering; "runs" says how many times the palette was
# built for the median time.
print(
    f"{'colours':>7}  {'quantizer':<25} {'dither':<6} {'PSNR (dB)':>9} {'SSIM':>6} "
    f"{'time (ms)':>9} {'runs':>4} {'PNG (kB)':>8}"
)
for (n_colours, name, dither), result in results.items():
    print(
        f"{n_colours:7d}  {name:<25} {'FS' if dither else 'none':<6} "
        f"{result['psnr']:9.2f} {result['ssim']:6.3f} {1000 * result['seconds']:9.1f} "
        f"{result['runs']:4d} {len(result['png']) / 1000:8.1f}"
    )

# %%
# The close-ups
# -------------
# At 16 colours the quantizers differ most. Here is the 96×128 close-up on which SSIM is
# computed, for the original, four quantizers without dithering, and three with
# Floyd–Steinberg dithering, each titled with its PSNR over the whole image and its
# SSIM on this close-up.
import matplotlib.pyplot as plt

rows, columns = ssim_window
shown = [
    ("Original", None),
    ("Median cut", False),
    ("Maximum coverage", False),
    ("Fast octree", False),
    ("Fast octree, mapped again", False),
    ("KMeans", False),
    ("Median cut", True),
    ("Fast octree", True),
    ("KMeans", True),
]
fig, axes = plt.subplots(3, 3, figsize=(9, 8), layout="constrained", sharex=True, sharey=True)
for ax, (name, dither) in zip(axes.ravel(), shown):
    if dither is None:
        close_up, title = original[ssim_window], "Original (24 bits per pixel)\n"
    else:
        result = results[16, name, dither]
        close_up = np.asarray(result["image"].convert("RGB"))[ssim_window]
        title = (
            f"{name}{', dithered' if dither else ''}\n"
            f"PSNR {result['psnr']:.1f} dB, SSIM {result['ssim']:.2f}"
        )
    ax.imshow(
        close_up,
        interpolation="nearest",
        extent=(columns.start, columns.stop, rows.stop, rows.start),
    )
    ax.set_title(title, fontsize=10)
    ax.label_outer()
for ax in axes[-1]:
    ax.set_xlabel("Column (pixels)")
for ax in axes[:, 0]:
    ax.set_ylabel("Row (pixels)")
fig.suptitle("The close-up at 16 colours")
octree_gain_16 = (
    results[16, "Fast octree, mapped again", False]["psnr"]
    - results[16, "Fast octree", False]["psnr"]
)
assert octree_gain_16 > 5
# "At 16 colours the quantizers differ most": the spread of their PSNRs, per size.
spread = [np.ptp([results[n, name, False]["psnr"] for name in compared]) for n in palette_sizes]
assert spread == sorted(spread, reverse=True)

# %%
# Each quantizer fails in its own way. Median cut paints the white fur a pale green.
# Maximum coverage gives the fur a lilac cast and darkens it. Fast octree's own
# mapping leaves ragged patches and speckles: pixels get the colour of their octree
# cell, not the nearest colour of the palette. Mapped again to the same 16 colours,
# the image is clean, and its PSNR is more than 5 dB higher. KMeans keeps both the grey
# and white fur and the green of the leaf. Dithering breaks the flat patches into a
# fine mixture of palette colours, at the cost of grain: each dithered image here
# scores a lower PSNR and SSIM than the undithered image of the same palette, except
# fast octree's, whose own mapping was worse still.
#
# Quality against the number of colours
# -------------------------------------
# Each line is one quantizer: solid without dithering, dotted with it.
colour_of = dict(zip(names, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
series = [
    (name, dither)
    for name in names
    for dither in (False, True)
    if (palette_sizes[0], name, dither) in results
]


def value(key, quantity):
    """One number of the table's row ``key``: its colours, ms, kB, psnr or ssim."""
    result = results[key]
    return {
        "colours": key[0],
        "ms": 1000 * result["seconds"],
        "kB": len(result["png"]) / 1000,
        "psnr": result["psnr"],
        "ssim": result["ssim"],
    }[quantity]


def draw_series(ax, x, y):
    """Plot ``y`` against ``x``: one line per quantizer and dithering choice."""
    for name, dither in series:
        keys = [(n, name, dither) for n in palette_sizes]
        ax.plot(
            [value(key, x) for key in keys],
            [value(key, y) for key in keys],
            marker="s" if dither else "o",
            linestyle=":" if dither else "-",
            color=colour_of[name],
            markerfacecolor="white" if dither else colour_of[name],
            label=f"{name}{', dithered' if dither else ''}",
        )


fig, (ax_psnr, ax_ssim) = plt.subplots(1, 2, figsize=(10, 5), layout="constrained")
for ax, key, label in [
    (ax_psnr, "psnr", "PSNR over the whole image (dB)"),
    (ax_ssim, "ssim", "SSIM on the close-up"),
]:
    draw_series(ax, "colours", key)
    ax.set_xscale("log", base=2)
    ax.set_xticks(palette_sizes, [str(n) for n in palette_sizes])
    ax.set_xlabel("Colours in the palette")
    ax.set_ylabel(label)
    ax.grid(alpha=0.3)
ax_psnr.set_title("PSNR against the number of colours")
ax_ssim.set_title("SSIM against the number of colours")
fig.legend(*ax_psnr.get_legend_handles_labels(), loc="outside lower center", ncols=4, fontsize=9)

# %%
# The two k-means lines lie on top at every size, on both measures, and
# MiniBatchKMeans stays close to KMeans. Among the undithered images, median cut and
# fast octree mapped again come next, in one order or the other. Every dithered line
# lies below the undithered line of the same quantizer, except fast octree's, on both
# measures at 16 colours and on SSIM at 64. Here are the gaps in PSNR:
for n_colours in palette_sizes:
    psnr_of = {name: results[n_colours, name, False]["psnr"] for name in names}
    print(
        f"{n_colours} colours: KMeans {psnr_of['KMeans']:.2f} dB, "
        f"{psnr_of['KMeans'] - psnr_of['MiniBatchKMeans']:+.2f} dB over MiniBatchKMeans, "
        f"{psnr_of['KMeans'] - psnr_of['Median cut']:+.2f} dB over median cut; "
        f"fast octree mapped again {psnr_of['Fast octree, mapped again']:.2f} dB, "
        f"{psnr_of['Fast octree, mapped again'] - psnr_of['Fast octree']:+.2f} dB over "
        f"fast octree's own mapping"
    )
    # The two k-means palettes have the two best PSNRs and SSIMs of all rows.
    for measure_name in ("psnr", "ssim"):
        ranked = sorted(
            (key for key in results if key[0] == n_colours and key[1] in compared),
            key=lambda key: (-results[key][measure_name], key[1], key[2]),
        )
        assert {name for _, name, _ in ranked[:2]} == {"KMeans", "MiniBatchKMeans"}
        assert not any(dither for _, _, dither in ranked[:2])
        undithered = [name for _, name, dither in ranked if not dither]
        assert set(undithered[2:4]) == {"Median cut", "Fast octree, mapped again"}
    assert abs(psnr_of["KMeans"] - psnr_of["MiniBatchKMeans"]) < 0.3
    assert 0.55 < psnr_of["KMeans"] - psnr_of["Median cut"] < 2.85
    assert psnr_of["Fast octree, mapped again"] > psnr_of["Fast octree"] + 1

# Where dithering raises PSNR or SSIM: only for fast octree, at 16 and 64 colours.
dither_helps = sorted(
    (n_colours, name, measure_name)
    for (n_colours, name, dither) in results
    if dither and name in compared
    for measure_name in ("psnr", "ssim")
    if results[n_colours, name, True][measure_name] > results[n_colours, name, False][measure_name]
)
print(f"Where dithering raises PSNR or SSIM: {dither_helps}")
assert dither_helps == [
    (16, "Fast octree", "psnr"),
    (16, "Fast octree", "ssim"),
    (64, "Fast octree", "ssim"),
]

# %%
# Quality against time and against file size
# -------------------------------------------
# The same lines again, each point one palette size, now against the time to build the
# palette and map the image, and against the size of the palette PNG.
fig, (ax_time, ax_size) = plt.subplots(1, 2, figsize=(10, 5), layout="constrained", sharey=True)
draw_series(ax_time, "ms", "psnr")
draw_series(ax_size, "kB", "psnr")
ax_time.set_xscale("log")
ax_time.set_xlabel("Time to build the palette and map the image (ms, log scale)")
ax_time.set_ylabel("PSNR (dB)")
ax_time.set_title("Quality against time")
ax_size.set_xlabel("Palette PNG, zlib level 1 (kB)")
ax_size.set_title("Quality against file size")
for ax in (ax_time, ax_size):
    ax.grid(alpha=0.3)
fig.legend(*ax_time.get_legend_handles_labels(), loc="outside lower center", ncols=4, fontsize=9)

# %%
# Fast octree, mapped again or not, sits far to the left of median cut and maximum
# coverage at every size. K-means on a sample takes longer the more colours it fits.
# The PNG files grow with the number of colours, and with dithering, whose grain zlib
# cannot compress well. The timings first, as ratios:
fastest = {n: results[n, "Fast octree, mapped again", False]["seconds"] for n in palette_sizes}
for n_colours in palette_sizes:
    slowdowns = {
        name: results[n_colours, name, False]["seconds"] / fastest[n_colours] for name in names
    }
    print(
        f"{n_colours} colours, time over fast octree mapped again: "
        + ", ".join(f"{name} {ratio:.1f}×" for name, ratio in slowdowns.items())
    )
    # Timings vary from run to run and with the machine's load, so they are reported
    # here, not asserted: a busy build machine must not fail the page.
    print(
        "  median cut and maximum coverage at least 3× slower than fast octree: "
        f"{min(slowdowns['Median cut'], slowdowns['Maximum coverage']) > 3}"
    )
kmeans_times = [results[n, "KMeans", False]["seconds"] for n in palette_sizes]
print(
    "KMeans with 256 colours at least 3× slower than with 16: "
    f"{kmeans_times[-1] > 3 * kmeans_times[0]}"
)

png_growth = {
    (n_colours, name): len(results[n_colours, name, True]["png"])
    / len(results[n_colours, name, False]["png"])
    - 1
    for (n_colours, name, dither) in results
    if dither and name in compared
}
print(
    f"Dithering makes the PNG {min(png_growth.values()):.0%} to "
    f"{max(png_growth.values()):.0%} larger"
)
assert 0 < min(png_growth.values()) < 0.03 and 0.25 < max(png_growth.values()) < 0.4
for name, dither in {(name, dither) for _, name, dither in results if name in compared}:
    sizes = [len(results[n, name, dither]["png"]) for n in palette_sizes]
    assert sizes == sorted(sizes), (name, dither)
for n_colours in palette_sizes:
    kmeans_png = len(results[n_colours, "KMeans", False]["png"])
    median_cut_png = len(results[n_colours, "Median cut", False]["png"])
    print(
        f"{n_colours} colours: KMeans PNG {kmeans_png / 1000:.1f} kB, "
        f"median cut PNG {median_cut_png / 1000:.1f} kB"
    )
    assert kmeans_png < median_cut_png

# %%
# A better palette does not cost bytes: at every size the KMeans image makes a smaller
# PNG than median cut's. The order of the palette plays a part at 16 colours, where
# Pillow packs two pixels in a byte and applies PNG's *filters*, which predict each
# byte from its neighbours: that works better when similar colours have nearby
# indices, as in a sorted palette. Here is the 16-colour KMeans image again, with its
# palette in the order in which k-means numbered its clusters:
with threadpool_limits(limits=1, user_api="openmp"):
    unsorted_holder = palette_image(kmeans_palette(KMeans, 16))
unsorted_png = png_bytes(remap(unsorted_holder, Image.Dither.NONE))
sorted_png = results[16, "KMeans", False]["png"]
print(
    f"KMeans, 16 colours: PNG {len(unsorted_png) / 1000:.1f} kB with the palette in "
    f"k-means' order, {len(sorted_png) / 1000:.1f} kB sorted"
)
assert len(unsorted_png) > len(results[16, "Median cut", False]["png"]) > len(sorted_png)

# %%
# Unsorted, the 16-colour KMeans PNG would be larger than median cut's: when comparing
# file sizes, sort the palette first.
#
# RGB or CIELAB?
# --------------
# K-means minimizes squared distances in the space it is given. In RGB, equal distances
# are not equally visible: our eyes tell some colours apart more easily than others.
# *CIELAB* is a colour space built so that distances follow perceived differences more
# closely: *L* is lightness, *a* runs from green to red, *b* from blue to yellow. The
# CIEDE2000 formula (:math:`\Delta E_{00}`) refines that distance further; a difference
# of about 1 is the smallest an observer notices between two patches side by side.
#
# We fit :class:`~sklearn.cluster.KMeans` on the same sample converted to CIELAB
# (:func:`skimage.color.rgb2lab`), convert the centres back
# (:func:`skimage.color.lab2rgb`) and give every pixel its nearest palette colour in
# CIELAB; the RGB palette of the table gets every pixel its nearest colour in RGB. We
# score both by PSNR, which is computed in RGB, and by the mean :math:`\Delta E_{00}`
# over all pixels (:func:`skimage.color.deltaE_ciede2000`).
#
# Pixels of the same colour get the same palette colour, so, as on the colour page, we
# work on the image's distinct colours, fewer than half as many as its pixels, and
# weight each by its number of pixels. The nearest palette colour comes from a k-d tree
# (:class:`scipy.spatial.KDTree`). A colour can be exactly as far from two palette
# colours, especially in RGB, whose coordinates are integers; it gets the palette colour
# that comes first, as in Pillow.
from scipy.spatial import KDTree
from skimage.color import deltaE_ciede2000

codes = pixels.astype(np.int64) @ np.array([256**2, 256, 1])
numbers, first_pixel, colour_index, colour_counts = np.unique(
    codes, return_index=True, return_inverse=True, return_counts=True
)
colours = np.column_stack([numbers // 256**2, numbers // 256 % 256, numbers % 256])
colours = colours.astype(np.uint8)
colours_lab = rgb2lab(colours)
print(f"Distinct colours: {len(colours)}, for {n_pixels} pixels")
assert len(colours) < n_pixels / 2


def nearest(points, palette_points):
    """Index of the nearest palette point of each point; ties go to the lowest index."""
    distances, candidates = KDTree(palette_points).query(points, k=2)
    index = candidates[:, 0]
    # Where the two nearest candidates are equally far, more palette points may be: for
    # those few points, compare with every palette point, and take the first nearest.
    tied = distances[:, 1] == distances[:, 0]
    squared = np.square(points[tied, None, :] - palette_points[None, :, :]).sum(axis=-1)
    index[tied] = np.argmin(squared, axis=1)
    return index


def quantize_exactly(palette, space):
    """Give every pixel its nearest palette colour in ``space`` ("RGB" or "CIELAB").

    Return the quantized image and the mean CIEDE2000 difference over all pixels.
    """
    palette_lab = rgb2lab(palette)
    if space == "CIELAB":
        index = nearest(colours_lab, palette_lab)
    else:
        index = nearest(colours.astype(np.float64), palette.astype(np.float64))
    delta_e = deltaE_ciede2000(colours_lab, palette_lab[index])
    quantized = palette[index][colour_index].reshape(original.shape)
    return quantized, float(np.average(delta_e, weights=colour_counts))


spaces = {}
for n_colours in palette_sizes:
    rgb_palette = np.asarray(
        results[n_colours, "KMeans", False]["image"].getpalette(), dtype=np.uint8
    ).reshape(-1, 3)
    with threadpool_limits(limits=1, user_api="openmp"):
        lab_palette = sort_palette(kmeans_palette(KMeans, n_colours, space="CIELAB"))
    for space, palette in [("RGB", rgb_palette), ("CIELAB", lab_palette)]:
        quantized, mean_delta_e = quantize_exactly(palette, space)
        spaces[n_colours, space] = {
            "palette": palette,
            "image": quantized,
            "psnr": psnr(quantized),
            "delta_e": mean_delta_e,
        }
    rgb, lab = spaces[n_colours, "RGB"], spaces[n_colours, "CIELAB"]
    print(
        f"{n_colours} colours, k-means in RGB: {rgb['psnr']:.2f} dB, "
        f"mean ΔE00 {rgb['delta_e']:.2f}; in CIELAB: {lab['psnr']:.2f} dB, "
        f"mean ΔE00 {lab['delta_e']:.2f} ({lab['delta_e'] / rgb['delta_e'] - 1:+.0%})"
    )
    assert 0.05 < 1 - lab["delta_e"] / rgb["delta_e"] < 0.15
    assert 2.3 < rgb["psnr"] - lab["psnr"] < 2.6

fig, (ax_delta_e, ax_psnr) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
for space, style in [("RGB", "o-"), ("CIELAB", "s-")]:
    for ax, key in [(ax_delta_e, "delta_e"), (ax_psnr, "psnr")]:
        ax.plot(
            palette_sizes,
            [spaces[n, space][key] for n in palette_sizes],
            style,
            label=f"k-means in {space}",
        )
for ax in (ax_delta_e, ax_psnr):
    ax.set_xscale("log", base=2)
    ax.set_xticks(palette_sizes, [str(n) for n in palette_sizes])
    ax.set_xlabel("Colours in the palette")
    ax.grid(alpha=0.3)
    ax.legend()
ax_delta_e.set_ylabel("Mean CIEDE2000 difference (ΔE00)")
ax_delta_e.set_title("Perceived colour difference (lower is better)")
ax_psnr.set_ylabel("PSNR (dB)")
ax_psnr.set_title("PSNR (higher is better)")

# %%
# Each space wins on the measure it is closest to. Fitted in CIELAB, k-means lowers the
# mean colour difference by 6 to 14% and loses 2.3 to 2.6 dB of PSNR. On this
# photograph, mostly greys and greens, the perceptual gain is modest; it is the choice
# to make when what matters is how close the colours look, not the squared error of
# the numbers. Pillow maps in RGB only, so a CIELAB palette needs a CIELAB mapping such
# as the one above, which does not dither.
#
# The same RGB palettes, mapped by Pillow in the table and exactly here, also show what
# Pillow's quick mapping to a given palette costs. Pillow's source
# (``src/libImaging/Palette.c``) describes it: each pixel is looked up in a cache of
# 64 × 64 × 64 cells, one for each cube of 4 × 4 × 4 colours, holding the palette
# colour nearest to the cube's corner, so a pixel does not always get its nearest
# colour (the dithering page met the same cache with grey levels).
for n_colours in palette_sizes:
    by_pillow = results[n_colours, "KMeans", False]["psnr"]
    exact = spaces[n_colours, "RGB"]["psnr"]
    print(
        f"KMeans palette, {n_colours} colours: mapped by Pillow {by_pillow:.2f} dB, "
        f"to the nearest colour {exact:.2f} dB ({exact - by_pillow:+.2f} dB)"
    )
    assert exact >= by_pillow
gaps = [
    spaces[n, "RGB"]["psnr"] - psnr_of_kmeans
    for n, psnr_of_kmeans in ((n, results[n, "KMeans", False]["psnr"]) for n in palette_sizes)
]
assert gaps == sorted(gaps) and 0.8 < gaps[-1] < 1.2

# %%
# The gap grows with the number of colours, to about 1 dB at 256: the more colours, the
# closer together they are, and the more often the cube's corner has a different
# nearest colour than the pixel itself.
#
# The same search checks what the section on mapping said: median cut and maximum
# coverage give every pixel its nearest palette colour (the distance to the colour
# it got is the smallest distance to any palette colour), and fast octree does not.
# Here at 16 colours; the tests check every size.
for name in ["Median cut", "Maximum coverage", "Fast octree"]:
    quantized = np.asarray(results[16, name, False]["image"].convert("RGB"))
    given = quantized.reshape(-1, 3)[first_pixel].astype(np.int64)
    palette = np.asarray(results[16, name, False]["image"].getpalette()).reshape(-1, 3)
    best = palette[nearest(colours.astype(np.float64), palette.astype(np.float64))]
    error_given = np.square(given - colours).sum(axis=1)
    error_best = np.square(best - colours).sum(axis=1)
    share = np.mean(error_given == error_best)
    print(f"{name}, 16 colours: {share:.1%} of the distinct colours get a nearest colour")
    assert (share == 1) == (name != "Fast octree")

# %%
# What to use, and when
# ---------------------
# From the table above, on this image:
#
# * **For the best image with a given number of colours: k-means** on a sample of
#   pixels, with Pillow to map the image. KMeans and MiniBatchKMeans have the two best
#   PSNRs and SSIMs at every size, 0.6 to 2.8 dB of PSNR above median cut, the best of
#   Pillow's own quantizers, and within 0.3 dB of each other; the time column shows
#   what a fit on 10 000 pixels costs on one core.
# * **When time counts: fast octree, then map again** to its own palette without
#   dithering. It is more than 3 times faster than median cut and maximum coverage at
#   every size and within 2 dB of KMeans: well ahead of median cut at 16 colours, level
#   with it at 256 (within 0.1 dB), behind it at 64. Never
#   keep fast octree's own mapping: it costs 1 to 5.4 dB.
# * **Median cut**, Pillow's default for RGB images, is the best of Pillow's three
#   quantizers, but k-means beats it at every size. **Maximum coverage** scores below
#   median cut on both measures at every size: there is no reason to choose it here.
# * **Dither** when flat patches or bands show, typically with few colours and smooth
#   gradients. Here it adds 1 to 34% to the PNG, and it lowers PSNR and SSIM for every
#   palette but fast octree's own; the page
#   :ref:`sphx_glr_auto_examples_series_plot_04_dithering.py` shows how both measures
#   change their verdict once the image is blurred as distance blurs it for the eye.
# * **Fit in CIELAB** when colour fidelity as perceived matters more than PSNR, and map
#   in CIELAB too.
psnr_of = {key: result["psnr"] for key, result in results.items()}
ssim_of = {key: result["ssim"] for key, result in results.items()}
for n_colours in palette_sizes:
    for measure_of in (psnr_of, ssim_of):
        assert (
            measure_of[n_colours, "Fast octree", False] < measure_of[n_colours, "Median cut", False]
        )
        assert (
            measure_of[n_colours, "Maximum coverage", False]
            < measure_of[n_colours, "Median cut", False]
        )
    octree_again = psnr_of[n_colours, "Fast octree, mapped again", False]
    assert psnr_of[n_colours, "KMeans", False] - octree_again < 2
octree_lead = {
    n: psnr_of[n, "Fast octree, mapped again", False] - psnr_of[n, "Median cut", False]
    for n in palette_sizes
}
assert octree_lead[16] > 1 and octree_lead[64] < -0.5 and abs(octree_lead[256]) < 0.1
octree_gains = [
    psnr_of[n, "Fast octree, mapped again", False] - psnr_of[n, "Fast octree", False]
    for n in palette_sizes
]
assert 1 < min(octree_gains) and 5 < max(octree_gains) < 5.5
