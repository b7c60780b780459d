"""Read the walkthrough's claims and check them on the results its own code computed."""

import numpy as np
from conftest import WALKTHROUGH


def test_uint8_codes_take_exactly_the_original_size(run_example):
    page = run_example(f"{WALKTHROUGH}.py")
    assert page["codes_as_bytes"].nbytes == page["raccoon"].nbytes
    assert np.array_equal(page["codes_as_bytes"], page["kmeans_codes"])


def test_quantized_images_use_the_printed_centres(run_example):
    page = run_example(f"{WALKTHROUGH}.py")
    for image, centres in [
        (page["uniform_image"], page["uniform_centres"]),
        (page["kmeans_image"], page["kmeans_centres"]),
    ]:
        np.testing.assert_allclose(np.unique(image), centres)
