"""Put the shipped copy of SciPy's ``face.dat`` where ``scipy.datasets`` looks for it.

``scipy.datasets.face()`` asks pooch for ``face.dat`` in ``pooch.os_cache("scipy-data")``
and downloads it when it is missing or its hash is wrong. This build has no network, so
before any example runs we copy the file shipped in ``data/`` into that cache:

* a cached copy whose SHA-256 matches is left exactly as it is (not even rewritten);
* a missing, truncated or corrupted cached copy is replaced atomically;
* if the shipped file itself does not match the hash SciPy expects, we refuse to go on:
  an example must never run on a wrong image.

The examples know nothing of this: a reader who downloads a script lets SciPy fetch the
file as usual. conf.py calls :func:`provision` at start-up; ``make data`` runs
``python -m sphinxext.helpers.dataset``.
"""

import hashlib
import os
import sys
import tempfile
from pathlib import Path

# The value SciPy pins in scipy/datasets/_registry.py for "face.dat".
FACE_SHA256 = "9d8b0b4d081313e2b485748c770472e5a95ed1738146883d84c7030493e82886"
FACE_NAME = "face.dat"
SHIPPED_FACE = Path(__file__).resolve().parents[2] / "data" / FACE_NAME


class DatasetError(RuntimeError):
    """The shipped dataset cannot be trusted; the message says what to do."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scipy_data_cache():
    """The folder scipy.datasets reads from (it follows the XDG cache variables)."""
    import pooch

    return Path(pooch.os_cache("scipy-data"))


def provision(shipped=SHIPPED_FACE, cache_dir=None):
    """Make sure ``cache_dir/face.dat`` is a verified copy of ``shipped``.

    Returns a short sentence saying what was done, for the build log.
    """
    shipped = Path(shipped)
    cache_dir = Path(cache_dir) if cache_dir is not None else scipy_data_cache()
    target = cache_dir / FACE_NAME

    if target.is_file() and sha256_of(target) == FACE_SHA256:
        return f"{target} is already a verified copy; left as it is."

    if not shipped.is_file():
        raise DatasetError(
            f"The dataset file {shipped} is missing, so the examples cannot load "
            f"scipy.datasets.face() offline. Restore it with `git checkout -- data/{FACE_NAME}`."
        )
    found = sha256_of(shipped)
    if found != FACE_SHA256:
        raise DatasetError(
            f"The shipped dataset {shipped} fails its SHA-256 check "
            f"(expected {FACE_SHA256}, found {found}), so the examples would run on a wrong "
            f"image. Restore it with `git checkout -- data/{FACE_NAME}`; data/README.md "
            "says where the file comes from if it must be fetched again."
        )

    replacing = target.exists()
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Copy beside the target, check the copy, then rename over the target: a reader
    # (or a parallel build) never sees a half-written file.
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=f".{FACE_NAME}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(shipped.read_bytes())
        if sha256_of(tmp_name) != FACE_SHA256:
            raise DatasetError(
                f"Copying {shipped} to {cache_dir} produced a bad file; is the disk full?"
            )
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    action = "replaced (the cached copy failed its hash check)" if replacing else "installed"
    return f"{target} {action} from {shipped}."


def main():
    try:
        print(provision())
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
