"""Someone clones the project into "My Projects" (or a synced "Mobile Documents") and builds.

A space anywhere above the examples is fine: the site builds, the same as elsewhere
(sphinxext/gallery/spaces_in_path.py). A space in an example's own name, which breaks links,
still fails the build with a warning that names it. The canary at the end checks the
sphinx-gallery warning the extension reads, so that a change upstream is noticed here.
Builds use the small gallery (tests/project_copy.py): the subject is the path, not the
examples.
"""

import logging
import re
import shutil

import pytest
from conftest import make
from project_copy import SMALL_EXAMPLES, copy_project_with_small_gallery

from sphinxext.gallery.spaces_in_path import LOGGER, SUBTYPE, SpacesBelowGalleryOnly

WARNING = "Example file name(s) with spaces found"


def site_files(html):
    """The pages, figures and downloads of a built site, relative to it."""
    files = {p.relative_to(html) for p in html.rglob("*") if p.is_file()}
    return {f for f in files if f.suffix == ".html" or f.parts[0] in ("_images", "_downloads")}


@pytest.fixture(scope="module")
def builds(tmp_path_factory, reader_env):
    """The small gallery built under a spaced path and under a plain one."""
    base = tmp_path_factory.mktemp("spaces")
    built = {}
    for label, folder in [("spaced", "My Projects/quantizing images"), ("plain", "plain/q")]:
        project = copy_project_with_small_gallery(base / folder)
        # The default BUILDDIR, _build in the checkout: the output path has spaces too.
        result = make(project, "html", reader_env)
        built[label] = (project, result)
    return built


def test_a_checkout_under_a_folder_with_spaces_builds_the_same_site(builds):
    project, result = builds["spaced"]
    output = result.stdout + result.stderr
    assert " " in str(project)
    assert result.returncode == 0, output[-5000:]
    assert WARNING not in output
    ran = re.search(r"executed (\d+) out of (\d+) file", output)
    assert ran and ran.group(1) == ran.group(2) == str(len(SMALL_EXAMPLES)), output[-3000:]

    html = project / "_build" / "html"
    for example in SMALL_EXAMPLES:
        page = html / "auto_examples" / example.with_suffix(".html")
        assert page.is_file(), example
        text = page.read_text(encoding="utf-8")
        assert "The largest square: 81" in text, example
        for download in (example.name, example.with_suffix(".ipynb").name):
            assert download in text, f"{example}: no link to {download}"
    plain_project, plain = builds["plain"]
    assert plain.returncode == 0, plain.stdout[-3000:] + plain.stderr[-3000:]
    spaced_files = site_files(html)
    plain_files = site_files(plain_project / "_build" / "html")
    assert spaced_files == plain_files, {
        "only spaced": spaced_files - plain_files,
        "only plain": plain_files - spaced_files,
    }
    assert any(f.parts[0] == "_images" for f in spaced_files)
    assert any(f.suffix == ".zip" for f in spaced_files)  # the downloads of all examples


def test_an_example_whose_own_name_has_a_space_still_fails_and_is_named(tmp_path, reader_env):
    project = copy_project_with_small_gallery(tmp_path / "My Projects" / "q")
    source = project / "examples" / SMALL_EXAMPLES[1]
    spaced = source.with_name("plot_2 spaced name.py")
    shutil.copy2(source, spaced)
    result = make(project, "html", reader_env, tmp_path / "build")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    warning = [line for line in output.splitlines() if WARNING in line]
    assert len(warning) == 1, output[-3000:]
    # Named by its path below examples/, and only it: the folders above are not the problem.
    assert "series/plot_2 spaced name.py" in warning[0], warning[0]
    assert "My Projects" not in warning[0] and SMALL_EXAMPLES[1].name not in warning[0]


# -- Canary: sphinx-gallery's warning, as the extension reads it ---------------------------


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def gallery_log():
    """What sphinx-gallery logs, with the extension's filter for examples in /a b/examples."""
    logger = logging.getLogger(LOGGER)
    handler, spaces_filter = Records(), SpacesBelowGalleryOnly(["/a b/examples"])
    logger.addHandler(handler)
    yield logger, handler.records, spaces_filter
    logger.removeHandler(handler)
    logger.removeFilter(spaces_filter)


def test_canary_sphinx_gallery_still_warns_on_the_whole_path_as_the_filter_expects(gallery_log):
    from sphinx_gallery.utils import check_duplicate_filenames, check_spaces_in_filenames

    logger, records, spaces_filter = gallery_log
    # Without the filter: sphinx-gallery warns for a space above the gallery folder. If it
    # stops doing so, sphinxext/gallery/spaces_in_path.py is no longer needed.
    check_spaces_in_filenames(["/a b/examples/plot_x.py"])
    assert len(records) == 1, "sphinx-gallery no longer warns on spaces above the examples"
    record = records.pop()
    assert getattr(record, "subtype", None) == SUBTYPE, vars(record)
    assert record.args == (["/a b/examples/plot_x.py"],), record.args
    assert WARNING in record.getMessage()

    logger.addFilter(spaces_filter)
    check_spaces_in_filenames(["/a b/examples/plot_x.py", "/a b/examples/s/plot_y.py"])
    assert records == [], [r.getMessage() for r in records]
    check_spaces_in_filenames(["/a b/examples/plot_x.py", "/a b/examples/s/plot y.py"])
    assert [r.args for r in records] == [(["s/plot y.py"],)]
    records.clear()
    # Every other sphinx-gallery warning passes through untouched.
    check_duplicate_filenames(["/a b/examples/plot_x.py", "/a b/examples/s/plot_x.py"])
    assert len(records) == 1 and "plot_x.py" in records[0].getMessage()
