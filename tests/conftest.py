"""Shared fixtures: a copy of the project, its site built once, and the dataset cache.

The site is built the way a maintainer builds it, with ``make html``, but in a temporary
copy of the project and with an empty, temporary dataset cache (``XDG_CACHE_HOME``), so
the tests neither touch the checkout's own build nor depend on the tester's cache.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "sphinxext"))

from project_copy import copy_project  # noqa: E402

WALKTHROUGH = "plot_vector_quantization"
# Every example, as a path relative to examples/ (e.g. series/plot_1_choosing_bins.py).
EXAMPLES = sorted(p.relative_to(ROOT / "examples") for p in (ROOT / "examples").rglob("*.py"))

# The numbers the seed example published, which the walkthrough must print.
SEED_UNIFORM_CENTRES = [15.625, 46.875, 78.125, 109.375, 140.625, 171.875, 203.125, 234.375]
SEED_KMEANS_CENTRES = [
    18.90885631,
    53.34346583,
    82.64447187,
    109.28225276,
    134.70763101,
    159.78681467,
    185.17226834,
    224.02069427,
]


def env_with_cache(cache_home):
    """The environment of a build or script whose dataset cache is ``cache_home``."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home), MPLBACKEND="Agg")
    for inherited in ("SPHINXOPTS", "QI_INVENTORIES"):
        env.pop(inherited, None)
    return env


def make(project, target, env, builddir=None):
    """Run ``make <target>`` in ``project`` with this interpreter; return the result."""
    command = ["make", "-C", str(project), target, f"PYTHON={sys.executable}"]
    if builddir is not None:
        command.append(f"BUILDDIR={builddir}")
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)


def numbers_after(label, text):
    """The numbers printed after ``label`` on one line or inside one [...] array."""
    match = re.search(re.escape(label) + r"\s*(\[[^\]]*\]|[^\n]*)", text)
    assert match, f"{label!r} is not in the output:\n{text}"
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", match.group(1))]


def check_walkthrough_output(text):
    """Assert that ``text`` holds every number the seed example printed."""
    assert numbers_after("Shape of the image:", text) == [768, 1024]
    assert re.search(r"Type of each pixel:\s*uint8\b", text)
    assert numbers_after("Bytes in memory:", text) == [786432]
    # Exactly the published uniform centres.
    assert numbers_after("Centres of the uniform bins:", text) == SEED_UNIFORM_CENTRES
    kmeans = numbers_after("Centres of the k-means bins:", text)
    assert len(kmeans) == len(SEED_KMEANS_CENTRES)
    for found, published in zip(kmeans, SEED_KMEANS_CENTRES):
        assert abs(found - published) <= 0.05, (kmeans, SEED_KMEANS_CENTRES)
    # The memory surprise: float64 codes take 8 times the original's bytes.
    after_quantizing = text[text.index("Centres of the k-means bins:") :]
    assert numbers_after("Bytes in memory:", after_quantizing) == [6291456]
    assert numbers_after("Size compared with the original:", text) == [8.0]
    assert re.search(r"Type of each quantized pixel:\s*float64\b", text)


@pytest.fixture(scope="session")
def screenshots(site):
    """Where the browser tests save a picture of each page, for a person to look at."""
    folder = site["html"].parent / "screenshots"
    folder.mkdir(exist_ok=True)
    SCREENSHOT_FOLDERS.append(folder)
    return folder


SCREENSHOT_FOLDERS = []


def pytest_terminal_summary(terminalreporter):
    for folder in SCREENSHOT_FOLDERS:
        count = len(list(folder.glob("*.png")))
        terminalreporter.write_line(f"Screenshots of {count} pages: {folder}")


@pytest.fixture(scope="session")
def dataset_cache(tmp_path_factory):
    """An empty cache folder that stands for the reader's ``~/.cache``."""
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(scope="session")
def site(tmp_path_factory, dataset_cache):
    """The whole site, built once with ``make html`` from a fresh copy of the project."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    builddir = project / "_build"
    result = make(project, "html", env_with_cache(dataset_cache), builddir)
    assert result.returncode == 0, f"make html failed:\n{result.stdout}\n{result.stderr}"
    return {"project": project, "html": builddir / "html", "log": result.stdout + result.stderr}


@pytest.fixture(scope="session")
def reader_env(dataset_cache):
    """The environment of a reader whose cache already holds the image, as after a build
    or a first download (provisioned here, so the tests using it do not need the site)."""
    from provision_data import provision

    provision(cache_dir=dataset_cache / "scipy-data")
    return env_with_cache(dataset_cache)


@pytest.fixture(scope="session")
def run_script(reader_env, tmp_path_factory):
    """Run an example as a reader runs the downloaded file: ``python plot_....py``.

    Returns the finished process (its stdout and stderr); each example runs once per
    session, in a folder of its own, with the reader's dataset cache and Agg.
    """
    results = {}

    def run(relative_path):
        relative_path = Path(relative_path).as_posix()
        if relative_path not in results:
            result = subprocess.run(
                [sys.executable, str(ROOT / "examples" / relative_path)],
                cwd=tmp_path_factory.mktemp("script"),
                env=reader_env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, f"{relative_path} failed:\n{result.stderr}"
            results[relative_path] = result
        return results[relative_path]

    return run


@pytest.fixture(scope="session")
def run_example(reader_env):
    """Run an example in this process and return its global variables.

    Tests use it to check the claims a page makes on the results the page's own code
    computes. Each example runs once per session; figures are drawn with Agg and closed.
    """
    import runpy

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy.datasets import _fetchers

    # scipy.datasets fixed its cache folder when it was imported: point it at ours.
    _fetchers.data_fetcher.path = Path(reader_env["XDG_CACHE_HOME"]) / "scipy-data"
    namespaces = {}

    def run(relative_path):
        relative_path = Path(relative_path).as_posix()
        if relative_path not in namespaces:
            script = ROOT / "examples" / relative_path
            namespaces[relative_path] = runpy.run_path(str(script), run_name="__main__")
            plt.close("all")
        return namespaces[relative_path]

    return run
