"""Shared fixtures: a copy of the project, its site built once, and the dataset cache.

The site is built the way Read the Docs builds it (``make html`` in a fresh virtualenv,
offline: tests/read_the_docs.py), in a temporary copy of the project and with an empty,
temporary dataset cache (``XDG_CACHE_HOME``), so the tests read what gets published,
and neither touch the checkout's own build nor depend on the tester's cache.

``make test`` runs the tests in several processes (pytest-xdist, one per core, each test
file in one process: ``--dist loadfile``, so a module's fixtures are made once). What is
costly is still done once for the whole run, not once per process: the site is built by
the first process that needs it, under a file lock, in a folder all of them share, and
the others read it there; so are the examples' runs as plain scripts, whose globals the
claim tests read (``run_example``) instead of running each example once more. Tests of the
extensions build a small site in this process instead (tests/project_copy.py).
"""

import contextlib
import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the sphinxext package, as conf.py imports it
sys.path.insert(0, str(ROOT / "bench"))

# Under pytest-xdist, each worker process, and what it starts (examples, notebooks,
# builds), gets its share of the cores for OpenMP and BLAS: k-means on two threads, with
# both cores busy, spends its time waiting. Set before any test imports NumPy or scikit-learn,
# and left alone if already set.
if os.environ.get("PYTEST_XDIST_WORKER_COUNT"):
    _threads = max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))
    for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_variable, str(_threads))


WALKTHROUGH = "plot_vector_quantization"
# Every example, as a path relative to examples/ (e.g. series/plot_01_choosing_bins.py).
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


def pytest_collection_modifyitems(items):
    """Start the site's build first, and the test files that do not need it beside it.

    pytest-xdist (``--dist loadfile``) hands the files to its processes in this order.
    In name order, the first file of each process needed the site, so one process built
    it while the other waited for it, idle, for most of two minutes.
    """
    needs_site = {item.path for item in items if "site" in item.fixturenames}
    first = next((item.path for item in items if item.path in needs_site), None)

    def order(item):
        return 0 if item.path == first else 2 if item.path in needs_site else 1

    items.sort(key=order)  # stable: each file keeps its own order


def pytest_sessionfinish(session):
    # An xdist worker hands its folders to the main process, which prints the summary.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["screenshot_folders"] = [str(folder) for folder in SCREENSHOT_FOLDERS]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    for folder in getattr(node, "workeroutput", {}).get("screenshot_folders", []):
        if Path(folder) not in SCREENSHOT_FOLDERS:
            SCREENSHOT_FOLDERS.append(Path(folder))


def pytest_terminal_summary(terminalreporter):
    for folder in SCREENSHOT_FOLDERS:
        count = len(list(folder.glob("*.png")))
        terminalreporter.write_line(f"Screenshots of {count} pages: {folder}")


def shared_root(tmp_path_factory):
    """A folder of this test run that every pytest-xdist worker process sees.

    Without xdist it is the session's own temporary folder; under xdist, each worker's
    temporary folder lies in the run's folder, which is the one shared.
    """
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def locked(path):
    """Hold an exclusive lock on the file ``path`` (created if needed).

    ``fcntl.flock`` is POSIX: ``make test`` already needs a POSIX system (make, the shell,
    ``.venv/bin/python``), and the ``filelock`` package is not among the requirements.
    The lock is released when its process ends, even if that process crashed.
    """
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once_per_run(tmp_path_factory, name, produce):
    """``produce(folder)`` run once per test run, however many processes ask for it.

    The first process to ask runs it in ``<shared root>/<name>`` and saves what it returns
    (JSON); the others wait for it, then read the saved result. A failure is saved too,
    so that every process reports it instead of trying again.
    """
    root = shared_root(tmp_path_factory)
    folder, saved = root / name, root / f"{name}.json"
    with locked(root / f"{name}.lock"):
        if not saved.is_file():
            folder.mkdir()
            saved.write_text(json.dumps(produce(folder)))
    return json.loads(saved.read_text())


@pytest.fixture(scope="session")
def dataset_cache(tmp_path_factory):
    """An empty cache folder that stands for the reader's ``~/.cache`` (one per run)."""
    return Path(once_per_run(tmp_path_factory, "xdg-cache", str))


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The whole site, built once, as Read the Docs builds it (tests/read_the_docs.py).

    That build runs ``make html`` too, in a fresh virtualenv holding only the build's lock
    file, with no network and an empty dataset cache: the pages the tests read are the
    pages that get published.
    """
    from read_the_docs import build_like_read_the_docs

    built = once_per_run(tmp_path_factory, "site", build_like_read_the_docs)
    assert built["failed"] is None, f"the Read the Docs build failed: {built['failed']}"
    # The checkout is the project's copy the build ran in: its examples, data and pages.
    return dict(built, **{key: Path(built[key]) for key in ("checkout", "html", "output", "cache")})


@pytest.fixture(scope="session")
def reader_env(dataset_cache):
    """The environment of a reader whose cache already holds the image, as after a build
    or a first download (provisioned here, so the tests using it do not need the site)."""
    from sphinxext.helpers.dataset import provision

    provision(cache_dir=dataset_cache / "scipy-data")
    return env_with_cache(dataset_cache)


@pytest.fixture(scope="session")
def face_in_this_process(reader_env):
    """``scipy.datasets.face``, reading the reader's cache in this process too."""
    from scipy.datasets import _fetchers, face

    # scipy.datasets fixed its cache folder when it was imported: point it at ours.
    _fetchers.data_fetcher.path = Path(reader_env["XDG_CACHE_HOME"]) / "scipy-data"
    return face


# The folder of tests/keep_namespace/sitecustomize.py, put on an example run's PYTHONPATH.
KEEP_NAMESPACE = Path(__file__).resolve().parent / "keep_namespace"


@pytest.fixture(scope="session")
def run_script(reader_env, tmp_path_factory):
    """Run an example as a reader runs the downloaded file: ``python plot_....py``.

    Returns the finished process (its stdout and stderr); each example runs once per
    test run, in a folder of its own, with the reader's dataset cache and Agg. The run
    also leaves its global variables pickled in that folder, for ``run_example``.
    """

    def run(relative_path):
        relative_path = Path(relative_path).as_posix()

        def execute(folder):
            path = [str(KEEP_NAMESPACE), *filter(None, [reader_env.get("PYTHONPATH")])]
            env = dict(reader_env, PYTHONPATH=os.pathsep.join(path))
            env["KEEP_NAMESPACE_TO"] = str(folder / "namespace.pickle")
            result = subprocess.run(
                [sys.executable, str(ROOT / "examples" / relative_path)],
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            return [result.args, result.returncode, result.stdout, result.stderr]

        name = "script-" + re.sub(r"\W", "_", relative_path)
        result = subprocess.CompletedProcess(*once_per_run(tmp_path_factory, name, execute))
        assert result.returncode == 0, f"{relative_path} failed:\n{result.stderr}"
        result.folder = shared_root(tmp_path_factory) / name
        return result

    return run


class Namespace(dict):
    """An example's global variables; a name the run could not pickle says why."""

    def __init__(self, values, example, missing):
        super().__init__(values)
        self.example, self.missing = example, missing

    def __missing__(self, name):
        reason = self.missing.get(name, "the script defines no such name")
        raise KeyError(f"{self.example}: {name!r} is not kept from its run ({reason})")


@pytest.fixture(scope="session")
def run_example(run_script):
    """The global variables of an example after its run as a plain script.

    Tests use them to check the claims a page makes on the results the page's own code
    computed, in the very run that ``run_script`` checks: the example runs once per test
    run, not once more in this process. The page's functions can be called here.
    """
    import pickle

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    namespaces = {}

    def run(relative_path):
        relative_path = Path(relative_path).as_posix()
        if relative_path not in namespaces:
            saved = run_script(relative_path).folder / "namespace.pickle"
            missing = json.loads(Path(f"{saved}.missing.json").read_text(encoding="utf-8"))
            with open(saved, "rb") as file:
                namespaces[relative_path] = Namespace(pickle.load(file), relative_path, missing)
            plt.close("all")  # the unpickled figures stay usable, out of pyplot's list
        return namespaces[relative_path]

    return run


# -- The browser, shared by the modules that read pages in Chromium --------------------------
# One per worker process: playwright's sync API cannot run twice in one process.


def browser_unavailable(reason):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and REQUIRE_BROWSER=1 says the browser tests must run")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def base_url(site):
    from pages import serve

    with serve(site["html"]) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser():
    # The same Chromium, with the same flags, as the page-weight benchmark.
    from pages import CHROMIUM, CHROMIUM_FLAGS

    if not Path(CHROMIUM).is_file():
        browser_unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("the playwright package is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
