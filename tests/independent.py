"""Computations the tests of several pages redo on their own, apart from the pages' code.

The block, residual and product quantization pages cut the raccoon into blocks, and the
two rate pages (fixed-rate and entropy-coded) each carry the optimal quantizer's dynamic
programme; their tests recompute PSNRs, entropies and errors from the pages' results with
these plain definitions (by slicing, group by group, by brute force), so that a slip in a
page's helper shows as a mismatch instead of being repeated.
"""

import numpy as np


def independent_psnr(original, quantized):
    """PSNR in dB of ``quantized`` against ``original``, from the squared differences."""
    difference = np.asarray(original, np.int64) - np.asarray(quantized, np.int64)
    return 10 * np.log10(255.0**2 / np.mean(difference**2))


def independent_blocks(image, b=4):
    """The b×b blocks in block-row-major order, each read row by row, built by slicing."""
    height, width = image.shape
    parts = [image[r::b, c::b] for r in range(b) for c in range(b)]
    return np.stack(parts, axis=-1).reshape((height // b) * (width // b), b * b)


def independent_entropy(values):
    """Entropy in bits of the distinct values' shares."""
    _, counts = np.unique(values, return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def squared_error(counts, groups):
    """Total squared error of a histogram whose levels are grouped by the label
    ``groups``, each group shown by its weighted mean (group by group)."""
    levels = np.arange(len(counts), dtype=float)
    total = 0.0
    for label in np.unique(groups):
        member = groups == label
        weight = counts[member].sum()
        if weight > 0:
            mean = np.sum(counts[member] * levels[member]) / weight
            total += np.sum(counts[member] * (levels[member] - mean) ** 2)
    return total


def random_histograms(n_levels, n_histograms, seed):
    """Small random histograms, some levels empty, some heavy."""
    rng = np.random.default_rng(seed)
    for _ in range(n_histograms):
        counts = rng.integers(0, 50, size=n_levels).astype(float)
        counts[rng.random(n_levels) < 0.25] = 0
        if counts.sum() == 0:
            counts[0] = 1
        yield counts


def on_pixels(page, bins):
    """MSE and index entropy of the quantizer ``bins`` applied to every pixel."""
    flat = page["raccoon"].ravel()
    codes = bins[flat]
    _, inverse, per_code = np.unique(codes, return_inverse=True, return_counts=True)
    means = np.bincount(inverse, weights=flat) / per_code
    mse = np.mean((flat - means[inverse]) ** 2)
    shares = per_code / flat.size
    return mse, -np.sum(shares * np.log2(shares))
