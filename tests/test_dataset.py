"""The dataset, offline: the shipped face.dat reaches SciPy's cache, checked, or nothing."""

import pytest
from project_copy import build_in_process, copy_project_with_small_gallery
from sphinx.errors import ConfigError

from sphinxext.helpers.dataset import (
    FACE_SHA256,
    SHIPPED_FACE,
    DatasetError,
    provision,
    sha256_of,
)


@pytest.fixture
def cache_dir(tmp_path):
    return tmp_path / "scipy-data"


def test_shipped_file_is_the_one_scipy_expects():
    from scipy.datasets._registry import registry

    assert registry["face.dat"] == FACE_SHA256
    assert sha256_of(SHIPPED_FACE) == FACE_SHA256


def test_empty_cache_gets_a_verified_copy(cache_dir):
    message = provision(cache_dir=cache_dir)
    assert "installed" in message
    assert sha256_of(cache_dir / "face.dat") == FACE_SHA256
    assert [p.name for p in cache_dir.iterdir()] == ["face.dat"]  # no temporary left over


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda good: good[: len(good) // 2], id="truncated"),
        pytest.param(
            lambda good: good[:1000] + bytes([good[1000] ^ 0xFF]) + good[1001:],
            id="one-byte-flipped",
        ),
        pytest.param(lambda good: b"", id="empty"),
    ],
)
def test_corrupted_cache_is_repaired(cache_dir, damage):
    cache_dir.mkdir()
    (cache_dir / "face.dat").write_bytes(damage(SHIPPED_FACE.read_bytes()))
    message = provision(cache_dir=cache_dir)
    assert "replaced" in message
    assert sha256_of(cache_dir / "face.dat") == FACE_SHA256


def test_valid_cached_copy_is_not_rewritten(cache_dir):
    provision(cache_dir=cache_dir)
    cached = cache_dir / "face.dat"
    before = cached.stat()
    message = provision(cache_dir=cache_dir)
    after = cached.stat()
    assert "left as it is" in message
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_tampered_shipped_file_is_refused_and_the_cache_untouched(tmp_path, cache_dir):
    tampered = tmp_path / "face.dat"
    data = bytearray(SHIPPED_FACE.read_bytes())
    data[-1] ^= 0xFF
    tampered.write_bytes(data)
    cache_dir.mkdir()
    (cache_dir / "face.dat").write_bytes(b"stale")
    with pytest.raises(DatasetError, match="fails its SHA-256 check") as raised:
        provision(shipped=tampered, cache_dir=cache_dir)
    assert "git checkout -- data/face.dat" in str(raised.value)
    assert (cache_dir / "face.dat").read_bytes() == b"stale"  # nothing half-replaced


def _build(project, builddir, cache_home):
    # The small site's pages alone: conf.py provisions the dataset when Sphinx starts.
    env = {"XDG_CACHE_HOME": str(cache_home), "QI_INVENTORIES": "off"}
    return build_in_process(project, builddir, {"plot_gallery": "0"}, env)


def test_build_fills_an_empty_cache(tmp_path):
    project = copy_project_with_small_gallery(tmp_path / "project")
    cache_home = tmp_path / "cache"
    result = _build(project, tmp_path / "build", cache_home)
    assert result["statuscode"] == 0, result["log"]
    assert sha256_of(cache_home / "scipy-data" / "face.dat") == FACE_SHA256


def test_tampered_shipped_file_stops_the_build(tmp_path):
    project = copy_project_with_small_gallery(tmp_path / "project")
    shipped = project / "data" / "face.dat"
    data = bytearray(shipped.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shipped.write_bytes(data)
    cache_home = tmp_path / "cache"
    with pytest.raises(ConfigError) as raised:
        _build(project, tmp_path / "build", cache_home)
    message = str(raised.value)
    assert "fails its SHA-256 check" in message and "git checkout -- data/face.dat" in message
    assert not (cache_home / "scipy-data" / "face.dat").exists()
    assert not (tmp_path / "build" / "html" / "index.html").exists()
