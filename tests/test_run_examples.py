"""Download an example and run it: as a plain script, and as a Jupyter notebook."""

import nbformat
import pytest
from conftest import EXAMPLES, WALKTHROUGH, check_walkthrough_output
from nbclient import NotebookClient


def test_walkthrough_runs_as_a_plain_script(run_script):
    check_walkthrough_output(run_script(f"{WALKTHROUGH}.py").stdout)


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_every_example_runs_as_a_plain_script_without_warnings(run_script, example):
    result = run_script(example)
    assert "Warning" not in result.stdout + result.stderr, result.stderr


def run_downloaded_notebook(site, name, reader_env, tmp_path, monkeypatch):
    """Execute the notebook the site offers for example ``name``; return its outputs."""
    (downloaded,) = (site["html"] / "_downloads").rglob(f"{name}.ipynb")
    notebook = nbformat.read(downloaded, as_version=4)
    # The kernel inherits this process's environment: give it the reader's cache.
    monkeypatch.setenv("XDG_CACHE_HOME", reader_env["XDG_CACHE_HOME"])
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    errors = [out for out in outputs if out.output_type == "error"]
    assert not errors, errors
    return outputs


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_every_downloaded_notebook_runs_top_to_bottom(
    site, reader_env, tmp_path, monkeypatch, example
):
    outputs = run_downloaded_notebook(site, example.stem, reader_env, tmp_path, monkeypatch)
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert images, "no figure was drawn"
    stderr = "".join(out.text for out in outputs if out.get("name") == "stderr")
    assert "Warning" not in stderr, stderr
    if example.stem == WALKTHROUGH:  # the same numbers as the seed, and its five figures
        stdout = "".join(out.text for out in outputs if out.get("name") == "stdout")
        check_walkthrough_output(stdout)
        assert len(images) == 5
