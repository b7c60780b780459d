"""Canaries: the few undocumented names of Sphinx and sphinx-gallery the extensions rely on.

One fast test per name, as matplotlib guards the one sphinx-gallery detail it patches: an
upgrade of Sphinx or sphinx-gallery (raising the pins in requirements.txt) starts with
``pytest tests/test_sphinx_gallery_internals.py``, and a failure names what changed and
which extension to update. They read a gallery of one example built with plain Sphinx in
this process, in a second or two.
"""

import io
import json

import pytest

EXAMPLE = '''"""
A tiny example
==============

One line of code, which calls :func:`numpy.unique`.
"""

import numpy as np

print(np.unique([1, 1, 2]))
'''


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    root = tmp_path_factory.mktemp("canary")
    (root / "examples").mkdir()
    (root / "examples" / "GALLERY_HEADER.rst").write_text("Gallery\n=======\n")
    (root / "examples" / "plot_tiny.py").write_text(EXAMPLE)
    (root / "conf.py").write_text(
        "extensions = ['sphinx_gallery.gen_gallery']\n"
        "sphinx_gallery_conf = {'examples_dirs': 'examples', 'gallery_dirs': 'auto',\n"
        "    'backreferences_dir': 'backrefs', 'doc_module': ('numpy',),\n"
        "    'plot_gallery': 'True'}\n"
    )
    (root / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n   auto/index\n")
    with patch_docutils(root), docutils_namespace():
        app = Sphinx(
            root, root, root / "_build/html", root / "_build/doctrees", "html",
            status=io.StringIO(), warning=io.StringIO(),
        )  # fmt: skip
        app.build()
    return app


def test_env_dlfiles_maps_each_download_to_its_documents_and_output_name(gallery):
    # sphinxext/gallery/prune.py deletes the files in _downloads no entry names.
    entries = dict(gallery.env.dlfiles.items())
    assert any(str(source).endswith("plot_tiny.py") for source in entries), entries
    for source, (docnames, name) in entries.items():
        assert isinstance(docnames, set) and docnames <= gallery.env.found_docs, source
        assert (gallery.outdir / "_downloads" / name).is_file(), name


def test_env_images_adds_a_file_and_returns_its_unique_output_name(gallery):
    # sphinxext/frontend/figure_images.py registers the 2x files through it.
    images = gallery.env.images
    images.add_file("index", "extra.png")
    docnames, name = images["extra.png"]
    assert docnames == {"index"} and name == "extra.png"


def test_the_html_builder_names_its_search_index_file(gallery):
    # sphinxext/gallery/prune.py deletes it to have the index rebuilt after a removal.
    name = gallery.builder.searchindex_filename
    assert (gallery.outdir / name).is_file(), name


def test_codeobj_json_records_each_name_with_its_module_and_explicitness(gallery):
    # sphinxext/gallery/api_page.py reads these records beside each generated example
    # and lists the objects the prose names (explicit references).
    record = json.loads((gallery.srcdir / "auto" / "plot_tiny.codeobj.json").read_text())
    assert {"name", "module", "is_explicit"} <= set(record["np.unique"][0]), record
    assert any(e["is_explicit"] for e in record["numpy.unique"]), record
    assert record["numpy.unique"][-1]["module"] == "numpy", record


def test_backreferences_all_json_lists_the_examples_of_each_object(gallery):
    # sphinxext/gallery/api_page.py lists an object only if this names an example of it.
    path = gallery.srcdir / "backrefs" / "backreferences_all.json"
    assert json.loads(path.read_text()).get("numpy.unique"), path.read_text()


def test_sphinx_gallery_figures_are_imgsgnode_nodes():
    # sphinxext/frontend/figure_images.py sizes them; without it figures keep
    # sphinx-gallery's own HTML.
    from docutils import nodes
    from sphinx_gallery.directives import imgsgnode

    assert issubclass(imgsgnode, nodes.Element)
