"""Download an example and run it: as a plain script, and as a Jupyter notebook.

Every example runs as a plain script. Every downloaded notebook holds exactly the
script's statements, cell by cell; the walkthrough's notebook runs top to bottom in a
Jupyter kernel, with the seed's numbers and its five figures, which shows the kernel
path once (running all of them would run every example a fifth time in make test).
"""

import ast

import nbformat
import pytest
from conftest import EXAMPLES, ROOT, WALKTHROUGH, check_walkthrough_output
from nbclient import NotebookClient


def test_walkthrough_runs_as_a_plain_script(run_script):
    check_walkthrough_output(run_script(f"{WALKTHROUGH}.py").stdout)


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_every_example_runs_as_a_plain_script_without_warnings(run_script, example):
    result = run_script(example)
    assert "Warning" not in result.stdout + result.stderr, result.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_every_example_keeps_its_checks_out_of_the_readers_cells_and_ends_with_show(example):
    # The claims are checked in tests/test_series_*.py; the reader's script draws its
    # figures and shows them at the end, like scikit-learn's examples.
    tree = ast.parse((ROOT / "examples" / example).read_text(encoding="utf-8"))
    assert not [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    assert ast.unparse(tree.body[-1]) == "plt.show()"


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


def statements(source):
    """The statements of ``source`` as the interpreter sees them, docstring left out."""
    body = ast.parse(source).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return [ast.dump(node) for node in body]


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_every_downloaded_notebook_holds_the_scripts_statements(site, example):
    (downloaded,) = (site["html"] / "_downloads").rglob(f"{example.stem}.ipynb")
    notebook = nbformat.read(downloaded, as_version=4)
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    # The first cell switches Matplotlib to inline figures (an IPython magic).
    assert cells and cells[0].startswith("%matplotlib inline"), cells[:1]
    script = (ROOT / "examples" / example).read_text(encoding="utf-8")
    assert statements("\n".join(cells[1:])) == statements(script)


def test_the_walkthrough_notebook_runs_top_to_bottom(site, reader_env, tmp_path, monkeypatch):
    outputs = run_downloaded_notebook(site, WALKTHROUGH, reader_env, tmp_path, monkeypatch)
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    stderr = "".join(out.text for out in outputs if out.get("name") == "stderr")
    assert "Warning" not in stderr, stderr
    # The same numbers as the seed, and its five figures.
    stdout = "".join(out.text for out in outputs if out.get("name") == "stdout")
    check_walkthrough_output(stdout)
    assert len(images) == 5


def test_a_script_run_keeps_its_globals_and_says_which_it_could_not(tmp_path, reader_env):
    """What run_example reads: the globals of the plain-script run, functions included."""
    import json
    import pickle
    import subprocess
    import sys

    from conftest import KEEP_NAMESPACE, Namespace

    script = tmp_path / "plot_tiny.py"
    script.write_text(
        "import numpy as np\n"
        "levels = np.arange(4) * 85\n"
        "def nearest(x):\n    return levels[np.abs(levels - x).argmin()]\n"
        "pending = (x for x in levels)\n"
        "print('ran')\n"
    )
    kept = tmp_path / "namespace.pickle"
    env = dict(reader_env, PYTHONPATH=str(KEEP_NAMESPACE), KEEP_NAMESPACE_TO=str(kept))
    result = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, check=True
    )
    assert (result.stdout, result.stderr) == ("ran\n", "")
    missing = json.loads((tmp_path / "namespace.pickle.missing.json").read_text())
    assert list(missing) == ["pending"] and "generator" in missing["pending"]
    namespace = Namespace(pickle.loads(kept.read_bytes()), "plot_tiny.py", missing)
    assert namespace["levels"].tolist() == [0, 85, 170, 255]
    assert namespace["nearest"](100) == 85
    with pytest.raises(KeyError, match="'pending' is not kept from its run .*generator"):
        namespace["pending"]
    with pytest.raises(KeyError, match="defines no such name"):
        namespace["absent"]
