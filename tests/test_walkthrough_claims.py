"""Read the walkthrough's claims and check them on the results its own code computed."""

import numpy as np
from conftest import WALKTHROUGH, numbers_after
from sklearn.preprocessing import KBinsDiscretizer


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


def test_the_changed_default_really_moves_the_centres(run_example, run_script):
    # The page says scikit-learn's default sample (subsample=200_000) changes the bins,
    # which is why it passes subsample=None; recompute the move it prints.
    page = run_example(f"{WALKTHROUGH}.py")
    printed = run_script(f"{WALKTHROUGH}.py").stdout
    for strategy, fitted in [("uniform", page["uniform"]), ("kmeans", page["kmeans"])]:
        sampled = KBinsDiscretizer(
            n_bins=8, encode="ordinal", strategy=strategy, random_state=0
        ).fit(page["pixels"])
        move = np.abs(page["bin_centres"](sampled) - page["bin_centres"](fitted)).max()
        assert move > 0.1  # a visible change, not rounding noise
        assert numbers_after(f"{strategy}: the largest move of a centre is", printed) == [
            round(move, 3)
        ]
