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


def test_downloaded_notebook_runs_top_to_bottom(site, reader_env, tmp_path, monkeypatch):
    (downloaded,) = (site["html"] / "_downloads").rglob(f"{WALKTHROUGH}.ipynb")
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
    printed = "".join(
        out.text for out in outputs if out.output_type == "stream" and out.name == "stdout"
    )
    check_walkthrough_output(printed)
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(images) == 5
