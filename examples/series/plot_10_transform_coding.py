"""
==================================
Transform coding: the DCT and JPEG
==================================

This page is being written.
"""

# Authors: The Quantizing images authors
# SPDX-License-Identifier: BSD-3-Clause

# %%
# The image
# ---------
import matplotlib.pyplot as plt
from scipy.datasets import face

raccoon = face(gray=True)
fig, ax = plt.subplots(figsize=(7.2, 5.4))
ax.imshow(raccoon, cmap="gray", vmin=0, vmax=255)
ax.set_title("The raccoon face, 256 grey levels")
ax.set_axis_off()
plt.show()
