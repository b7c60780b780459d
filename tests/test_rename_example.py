"""A maintainer renames one example and deletes another, then builds again.

No `make clean`: the build must pass, and the site must hold nothing of the old names:
no page, no generated file, no figure, no download, no entry in either zip, no
backreference, no line on the running-times or "API used" pages
(sphinxext/gallery/prune.py). A reference to a deleted page still fails the build, naming
the reference. Built on the small site, with four pages, in this process.
"""

import re
import zipfile
import zlib

import pytest
from project_copy import build_in_process, copy_project_with_small_gallery

# The course's pages 2 and 3: no other page links to them.
DELETED, OLD, NEW = "plot_2_small", "plot_3_small", "plot_3_renamed_by_the_test"


def _site_files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _readable_text(path):
    """What a reader or a search could find in a file of the site."""
    if path.suffix in {".png", ".svg", ".gif", ".jpg", ".woff", ".woff2", ".ico"}:
        return ""
    if path.name == "objects.inv":
        data = path.read_bytes()
        header_end = [m.end() for m in re.finditer(rb"\n", data)][3]
        return zlib.decompress(data[header_end:]).decode()
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.namelist())
    return path.read_bytes().decode("utf-8", errors="ignore")


def _build(project, builddir, reader_env, **overrides):
    env = {"XDG_CACHE_HOME": reader_env["XDG_CACHE_HOME"], "QI_INVENTORIES": "off"}
    return build_in_process(project, builddir, overrides, env)


@pytest.fixture(scope="module")
def renamed(tmp_path_factory, reader_env):
    folder = tmp_path_factory.mktemp("rename")
    project = copy_project_with_small_gallery(folder / "project", course_pages=3)
    series = project / "examples" / "series"
    build = folder / "build"
    first = _build(project, build, reader_env)
    assert first["statuscode"] == 0, first["log"]
    html = build / "html"
    before = {
        "api_page": (html / "api_used.html").read_text(encoding="utf-8"),
        "times_page": (html / "sg_execution_times.html").read_text(encoding="utf-8"),
    }
    (series / f"{OLD}.py").rename(series / f"{NEW}.py")
    (series / f"{DELETED}.py").unlink()
    second = _build(project, build, reader_env)
    return {
        "project": project,
        "html": html,
        "doctrees": build / "doctrees",
        "old": OLD,
        "new": NEW,
        "deleted": DELETED,
        "before": before,
        "result": second,
        "log": second["log"],
    }


def test_a_plain_make_html_passes_after_a_rename_and_a_deletion(renamed):
    assert renamed["result"]["statuscode"] == 0, renamed["log"]
    assert "WARNING" not in renamed["log"], renamed["log"]
    # Only the renamed example runs again; the others keep their results.
    assert re.search(r"executed 1 out of \d+ file", renamed["log"]), renamed["log"]


def test_the_renamed_example_is_a_page_with_its_figures_and_downloads(renamed):
    page = renamed["html"] / "auto_examples" / "series" / f"{renamed['new']}.html"
    text = page.read_text(encoding="utf-8")
    # Its first figure (in whatever format the scraper writes).
    assert re.search(rf"sphx_glr_{renamed['new']}_001\.\w+", text), page
    downloads = {p.name for p in (renamed["html"] / "_downloads").rglob("*") if p.is_file()}
    assert {f"{renamed['new']}{ext}" for ext in (".py", ".ipynb", ".zip")} <= downloads
    for zip_name in ("auto_examples_python.zip", "auto_examples_jupyter.zip"):
        (archive,) = (renamed["html"] / "_downloads").rglob(zip_name)
        with zipfile.ZipFile(archive) as opened:
            names = opened.namelist()
        assert any(renamed["new"] in name for name in names), names


def test_every_figure_and_download_a_page_links_to_is_still_there(renamed):
    # The sweep of _images and _downloads takes only what no page uses.
    html = renamed["html"]
    missing = []
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for link in re.findall(r"(?:\.\./)*(_images/[^\"'\s]+|_downloads/[^\"'\s]+)", text):
            if not (html / link).is_file():
                missing.append(f"{page.relative_to(html)}: {link}")
    # And each gallery page keeps the copy of its source Sphinx writes beside it.
    for page in (html / "auto_examples").rglob("*.html"):
        source = html / "_sources" / page.relative_to(html).with_suffix(".rst.txt")
        if not source.is_file():
            missing.append(str(source.relative_to(html)))
    assert not missing, missing


@pytest.mark.parametrize("which", ["old", "deleted"])
def test_no_generated_source_keeps_the_old_name(renamed, which):
    name = renamed[which]
    docs = renamed["project"] / "docs"
    left = [p for p in docs.rglob("*") if name in p.name and "_static" not in p.parts]
    assert not left, left
    backreferences = docs / "gen_modules" / "backreferences"
    mentions = [p for p in backreferences.glob("*") if name in p.read_text(encoding="utf-8")]
    assert not mentions, mentions
    for page in ("sg_execution_times.rst", "api_used.rst"):
        assert name not in (docs / page).read_text(encoding="utf-8"), page
    for zip_file in (docs / "auto_examples").glob("*.zip"):
        with zipfile.ZipFile(zip_file) as archive:
            assert not [n for n in archive.namelist() if name in n], zip_file


@pytest.mark.parametrize("which", ["old", "deleted"])
def test_the_site_holds_nothing_of_the_old_name(renamed, which):
    name = renamed[which]
    html = renamed["html"]
    files = _site_files(html)
    assert not [p for p in files if name in p.as_posix()]
    # Sphinx's search index holds words stemmed: look for the start of the name too.
    stem_start = name[: int(len(name) * 0.7)]
    for path in files:
        text = _readable_text(path)
        assert name not in text, path
        if path.name == "searchindex.js":
            assert stem_start not in text, path
    doctrees = [p for p in renamed["doctrees"].rglob("*") if name in p.name]
    assert not doctrees, doctrees


def test_the_deleted_example_is_off_the_running_times_and_api_pages(renamed):
    link = f"series/{renamed['deleted']}.html"
    # On both pages before the deletion, so that its absence after means something.
    assert link in renamed["before"]["times_page"]
    assert link in renamed["before"]["api_page"]
    for page in ("sg_execution_times.html", "api_used.html"):
        assert link not in (renamed["html"] / page).read_text(encoding="utf-8"), page


def test_a_reference_to_a_deleted_example_fails_the_build_by_name(tmp_path, reader_env):
    # The pages alone (plot_gallery=0 runs no example): the home page links to one
    # example, which is then deleted.
    label = f"sphx_glr_auto_examples_series_{DELETED}.py"
    project = copy_project_with_small_gallery(tmp_path / "project", course_pages=2)
    index = project / "docs" / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8") + f"\nSee also :ref:`{label}`.\n", encoding="utf-8"
    )
    first = _build(project, tmp_path / "build", reader_env, plot_gallery="0")
    assert first["statuscode"] == 0, first["log"]
    (project / "examples" / "series" / f"{DELETED}.py").unlink()
    second = _build(project, tmp_path / "build", reader_env, plot_gallery="0")
    log = second["log"]
    assert second["statuscode"] != 0, log
    assert re.search(rf"undefined label: '{re.escape(label)}'", log), log
    # The reference is the only problem: the deleted page itself left nothing behind.
    assert "isn't included in any toctree" not in log, log


def test_the_pruning_never_deletes_outside_the_gallery_folders(tmp_path):
    # A configuration whose gallery folder is the examples folder itself, or lies outside
    # the documentation: the pruning leaves it alone.
    from sphinxext.gallery import prune

    srcdir = tmp_path / "docs"
    (srcdir / "gallery").mkdir(parents=True)
    examples = tmp_path / "examples"
    examples.mkdir()
    keep = [examples / "plot_gone.py.md5", examples / "plot_gone.py", tmp_path / "plot_x.py"]
    for path in keep:
        path.write_text("x")
    conf = {"examples_dirs": ["../examples", "../examples"], "gallery_dirs": ["../examples", ".."]}
    prune.prune_generated(_app(srcdir, conf))
    assert all(path.exists() for path in keep)


def test_the_pruning_keeps_what_belongs_to_an_example_that_exists(tmp_path):
    from sphinxext.gallery import prune

    srcdir = tmp_path / "docs"
    examples, gallery = tmp_path / "examples", srcdir / "gallery"
    (gallery / "images" / "thumb").mkdir(parents=True)
    examples.mkdir()
    # "plot_a" is gone; "plot_a_2" exists, and its names start with plot_a's.
    (examples / "plot_a_2.py").write_text("x")
    kept = ["plot_a_2.py", "plot_a_2.py.md5", "plot_a_2.rst", "images/sphx_glr_plot_a_2_001.png"]
    kept += ["images/thumb/sphx_glr_plot_a_2_thumb.png", "index.rst", "gallery_python.zip"]
    gone = ["plot_a.py", "plot_a.py.md5", "plot_a.rst", "plot_a.ipynb", "plot_a.codeobj.json"]
    gone += ["images/sphx_glr_plot_a_001.png", "images/thumb/sphx_glr_plot_a_thumb.png"]
    for name in kept + gone:
        (gallery / name).write_text("x")
    conf = {"examples_dirs": ["../examples"], "gallery_dirs": ["gallery"]}
    prune.prune_generated(_app(srcdir, conf))
    assert [name for name in kept if not (gallery / name).exists()] == []
    assert [name for name in gone if (gallery / name).exists()] == []


def test_deleting_a_course_folder_deletes_its_gallery_folder_only(tmp_path):
    from sphinxext.gallery import prune

    srcdir = tmp_path / "docs"
    examples, gallery = tmp_path / "examples", srcdir / "gallery"
    (examples / "kept").mkdir(parents=True)
    for sub in ("kept", "gone"):
        (gallery / sub / "images").mkdir(parents=True)
        (gallery / sub / "index.rst").write_text("x")
        (gallery / sub / "plot_x.py.md5").write_text("x")
    (examples / "kept" / "plot_x.py").write_text("x")
    conf = {"examples_dirs": ["../examples", "../missing"], "gallery_dirs": ["gallery", "other"]}
    (srcdir / "other").mkdir()
    (srcdir / "other" / "index.rst").write_text("x")
    prune.prune_generated(_app(srcdir, conf))
    assert not (gallery / "gone").exists()
    assert (gallery / "kept" / "plot_x.py.md5").exists()
    # A top folder whose examples folder is missing is a configuration error: kept.
    assert (srcdir / "other" / "index.rst").exists()


def _app(srcdir, folders):
    """The little of a Sphinx application that ``prune_generated`` reads.

    ``folders`` gives ``examples_dirs`` and ``gallery_dirs``; the rest is sphinx-gallery's
    defaults, with no backreferences folder.
    """
    gallery_conf = {
        **folders,
        "example_extensions": {".py"},
        "ignore_pattern": r"__init__\.py",
        "backreferences_dir": None,
    }
    app = type("App", (), {})()
    app.srcdir = srcdir
    app.config = type("Config", (), {"sphinx_gallery_conf": gallery_conf})()
    return app
