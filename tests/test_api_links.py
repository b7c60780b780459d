"""Links from example code to the upstream API docs: online, from local inventories, or off."""

import zlib

import pytest
from bs4 import BeautifulSoup
from project_copy import SMALL_EXAMPLES, build_in_process, copy_project_with_small_gallery

from sphinxext.helpers import api_links

NUMPY_PAGE = "https://numpy.org/doc/stable/reference/generated/numpy.arange.html#numpy.arange"


def write_inventory(path, project, entries):
    """Write a Sphinx objects.inv (format 2) holding ``entries`` (name, role, uri)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n# Version: 0\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(f"{name} py:{role} 1 {uri} -\n" for name, role, uri in entries)
    path.write_bytes(header.encode() + zlib.compress(body.encode()))


def test_off_means_no_links():
    mapping, note = api_links.intersphinx_mapping("off")
    assert mapping == {} and "off" in note


def test_unreachable_hosts_turn_links_off_in_one_line(monkeypatch):
    monkeypatch.setattr(api_links, "_host_answers", lambda url: False)
    mapping, note = api_links.intersphinx_mapping("")
    assert mapping == {}
    assert note.startswith("API links are off") and "\n" not in note


def test_local_directory_maps_only_the_inventories_it_holds(tmp_path):
    write_inventory(tmp_path / "sklearn" / "objects.inv", "scikit-learn", [])
    mapping, note = api_links.intersphinx_mapping(str(tmp_path))
    assert mapping == {
        "sklearn": (api_links.UPSTREAM["sklearn"], str(tmp_path / "sklearn" / "objects.inv"))
    }
    assert "off for matplotlib, numpy, scipy" in note


def test_a_missing_inventory_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="is not a directory"):
        api_links.intersphinx_mapping(str(tmp_path / "nowhere"))


def test_the_offline_build_says_once_that_api_links_are_off_or_on(site):
    lines = [line for line in site["log"].splitlines() if line.startswith("API links")]
    assert len(lines) == 1, lines


def test_local_inventory_links_code_to_its_upstream_page(tmp_path):
    # The small site's examples call np.arange; the pages alone (plot_gallery=0).
    inventories = tmp_path / "inventories"
    write_inventory(
        inventories / "numpy" / "objects.inv",
        "NumPy",
        [("numpy.arange", "function", "reference/generated/numpy.arange.html#$")],
    )
    project = copy_project_with_small_gallery(tmp_path / "project")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "QI_INVENTORIES": str(inventories)}
    result = build_in_process(project, tmp_path / "build", {"plot_gallery": "0"}, env)
    assert result["statuscode"] == 0, result["log"]
    assert "API links to numpy from local inventories" in result["log"]

    page = result["html"] / "auto_examples" / SMALL_EXAMPLES[0].with_suffix(".html")
    soup = BeautifulSoup(page.read_text(), "html.parser")
    code_links = {a.get_text(): a["href"] for a in soup.select("div.highlight-Python a[href]")}
    assert code_links.get("np.arange") == NUMPY_PAGE, code_links
