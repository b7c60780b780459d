"""Computations the tests of the block pages redo on their own, apart from the pages' code.

The block, residual and product quantization pages each cut the raccoon into blocks and
report PSNRs and entropies; their tests recompute those from the pages' results with these
plain definitions (by slicing, in integer arithmetic), so that a slip in a page's helper
shows as a mismatch instead of being repeated.
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
