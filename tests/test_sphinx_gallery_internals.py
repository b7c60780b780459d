"""A maintainer upgrades sphinx-gallery or Sphinx: what the site relies on inside them still holds.

The site's extensions use private names of sphinx-gallery and Sphinx
(sphinxext/upstream_internals.py lists them, each with a check). The first tests here need
no build: each fails naming the internal that changed, as matplotlib's test of its own
sphinx-gallery patch does, so an upgrade (raising the pins in requirements.txt) starts
here. The last one builds the site with three internals changed under the extensions'
feet: each extension steps aside with one line and the build passes, with sphinx-gallery's
public behaviour in their place.
"""

import io
import re

import pytest
import upstream_internals
from conftest import ROOT, make
from project_copy import SMALL_EXAMPLES, copy_project_with_small_gallery
from upstream_internals import INTERNALS, problems, step_aside_if_changed


@pytest.mark.parametrize("internal", INTERNALS, ids=[i.name for i in INTERNALS])
def test_each_internal_the_extensions_use_is_still_there(internal):
    assert internal.problem() is None, (
        f"{internal.problem()}\nused by {', '.join(internal.users)}: update "
        "sphinxext/upstream_internals.py and the extension, or keep the pin"
    )


# Names of Sphinx's objects that carry no underscore but are not public API either.
UNDOCUMENTED = ("listeners", "post_transforms", "images", "dlfiles")


def _private_names(source):
    """The private names a module reaches in sphinx-gallery, Sphinx or their objects.

    Imported from their modules (``from sphinx_gallery._doctree_links import _Resolver``),
    or read as an underscored attribute (``app._warncount``, ``getattr(pool, "_processes")``)
    or one of the undocumented attributes above.
    """
    names = set()
    imports = r"from ((?:sphinx_gallery|sphinx)[\w.]*) import (\([^)]*\)|[^\n]*)"
    for module, imported in re.findall(imports, source):
        names |= {part for part in module.split(".") if part.startswith("_")}
        names |= {n for n in re.findall(r"\w+", imported) if n.startswith("_")}
    names |= set(re.findall(r"\.(_[a-z]\w*)\b", source))
    names |= set(re.findall(r"getattr\([\w.]+, \"(_[a-z]\w*)\"", source))
    names |= set(re.findall(rf"\.({'|'.join(UNDOCUMENTED)})\b", source))
    return names


def test_every_private_name_in_the_extensions_is_guarded():
    guarded = set(re.findall(r"\w+", " ".join(internal.name for internal in INTERNALS)))
    unguarded = [
        f"{module.name}: {name}"
        for module in sorted((ROOT / "sphinxext").glob("*.py"))
        if module.name != "upstream_internals.py"
        for name in sorted(_private_names(module.read_text(encoding="utf-8")) - guarded)
    ]
    assert not unguarded, "no check in sphinxext/upstream_internals.py for:\n" + "\n".join(
        unguarded
    )


def test_a_changed_signature_is_named(monkeypatch):
    from sphinx_gallery import gen_rst

    def _split_parallel(names, folder, conf):
        return [], names

    monkeypatch.setattr(gen_rst, "_split_parallel", _split_parallel)
    (found,) = problems("gallery_pool")
    assert found.startswith("sphinx_gallery.gen_rst._split_parallel: its parameters are now")
    assert problems("code_links") == []


def test_a_missing_internal_is_named(monkeypatch):
    from sphinx_gallery import _doctree_links

    monkeypatch.delattr(_doctree_links, "_Resolver")
    (found,) = problems("code_links")
    name = "sphinx_gallery._doctree_links._Resolver"
    assert found == f"{name}: {name} is gone"


def test_a_patch_sphinx_gallery_no_longer_sees_is_named(monkeypatch):
    # gallery_pool swaps generate_file_rst in its module; if generate_dir_rst stopped
    # looking it up there, the pool's results would be computed again, silently.
    from sphinx_gallery import gen_rst

    def generate_dir_rst(src_dir, target_dir, gallery_conf, seen_backrefs):
        return None

    monkeypatch.setattr(gen_rst, "generate_dir_rst", generate_dir_rst)
    (found,) = problems("gallery_pool")
    assert "generate_dir_rst no longer calls it through its module" in found


def test_stepping_aside_is_one_informational_line(monkeypatch, caplog):
    monkeypatch.setattr(
        upstream_internals,
        "INTERNALS",
        [upstream_internals.Internal("somewhere._gone", ("code_links",), _raise_changed)],
    )
    with caplog.at_level("DEBUG"):
        assert step_aside_if_changed("code_links", "the public way") is True
        assert step_aside_if_changed("gallery_pool", "the public way") is False
    records = [r for r in caplog.records if "steps aside" in r.getMessage()]
    assert len(records) == 1
    assert records[0].levelname == "INFO"
    assert (
        "code_links steps aside (somewhere._gone: renamed): the public way"
        in records[0].getMessage()
    )


def _raise_changed():
    raise upstream_internals.Changed("renamed")


def test_a_sphinx_application_has_what_the_extensions_read(tmp_path):
    # The internals a running application holds: its warning count, its event listeners,
    # its post-transforms (a small project, read but not built).
    from sphinx.application import Sphinx
    from sphinx.util import logging
    from sphinx_gallery._doctree_links import CodeLinksTransform
    from sphinx_gallery.gen_gallery import generate_gallery_rst

    src = tmp_path / "src"
    src.mkdir()
    (src / "index.rst").write_text("Title\n=====\n")
    (src / "conf.py").write_text(
        "extensions = ['sphinx_gallery.gen_gallery']\n"
        "sphinx_gallery_conf = {'examples_dirs': [], 'gallery_dirs': []}\n"
    )
    app = Sphinx(
        src,
        src,
        tmp_path / "out",
        tmp_path / "doctrees",
        "html",
        status=io.StringIO(),
        warning=io.StringIO(),
    )
    assert app._warncount == 0
    logging.getLogger("test").warning("a warning")
    assert app._warncount == 1
    listeners = app.events.listeners["builder-inited"]
    assert [listener.handler for listener in listeners].count(generate_gallery_rst) == 1
    assert CodeLinksTransform in app.registry.post_transforms
    # Sphinx 9 keeps the application in the environment's _app, Sphinx 8 in its app.
    assert (getattr(app.env, "_app", None) or app.env.__dict__.get("app")) is app
    assert isinstance(app.env.images, dict) and isinstance(app.env.dlfiles, dict)


# -- A build with three internals changed ---------------------------------------------------

SITECUSTOMIZE = '''
"""Change three internals the way an upgrade could, keeping what they do."""
import sphinx.util.logging
import sphinx_gallery._doctree_links
import sphinx_gallery.gen_rst

_split = sphinx_gallery.gen_rst._split_parallel
def _split_parallel(names, folder, conf):
    return _split(names, folder, conf)
sphinx_gallery.gen_rst._split_parallel = _split_parallel

_load = sphinx_gallery._doctree_links._load_code_obj
def _load_code_obj(environment, document):
    return _load(environment, document)
sphinx_gallery._doctree_links._load_code_obj = _load_code_obj

_filter = sphinx.util.logging.WarningSuppressor.filter
def filter(self, record):
    return _filter(self, record)
sphinx.util.logging.WarningSuppressor.filter = filter
'''


def test_a_build_with_changed_internals_falls_back_to_sphinx_gallery(tmp_path, reader_env):
    # The small gallery: what is tested is how the examples run, not what they show.
    project = copy_project_with_small_gallery(tmp_path / "project")
    patches = tmp_path / "patches"
    patches.mkdir()
    (patches / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = dict(reader_env, PYTHONPATH=str(patches))
    first = make(project, "html", env, tmp_path / "build")
    log = first.stdout + first.stderr
    assert first.returncode == 0, log
    for user in ("gallery_pool", "code_links", "gallery_unchanged"):
        assert len(re.findall(rf"^{user} steps aside \(", log, flags=re.M)) == 1, log
    # gallery_pool: sphinx-gallery's own parallel mode ran every example.
    assert not re.search(r"running \d+ examples? in", log), log
    examples = len(SMALL_EXAMPLES)
    assert re.search(rf"executed {examples} out of {examples} files", log), log
    for example in SMALL_EXAMPLES:
        page = tmp_path / "build" / "html" / "auto_examples" / example.with_suffix(".html")
        assert "Estimated memory usage" in page.read_text(encoding="utf-8"), page
    # gallery_unchanged: the next build generates the gallery again, runs nothing.
    second = make(project, "html", env, tmp_path / "build")
    log = second.stdout + second.stderr
    assert second.returncode == 0, log
    assert "gallery unchanged since the last build" not in log, log
    assert "executed 0 out of 0 files" in log, log
