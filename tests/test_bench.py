"""Run the build benchmark once, as `make bench` would, and read what it wrote."""

import json
import subprocess
import sys

from conftest import EXAMPLES, ROOT


def test_benchmark_runs_once_and_reports_every_measurement(tmp_path, reader_env):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench.py"),
            "--runs",
            "1",
            "--output",
            str(tmp_path),
        ],
        env=reader_env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (report,) = tmp_path.glob("*.json")
    data = json.loads(report.read_text())
    median = data["median"]
    keys = ["clean", "reference", "noop", "reference-noop", "edit-one", "weight"]
    figures = "figures:plot_vector_quantization.py"  # the edited example's figures
    for key in keys + ["sphinx-only", "reference-sphinx-only", figures]:
        assert median[key] > 0, key
    scripts = sorted(key.removeprefix("script:") for key in median if key.startswith("script:"))
    assert scripts == [example.as_posix() for example in EXAMPLES]
    assert set(data["ratios"]) == {
        "clean / reference",
        "edit-one / (example + noop)",
        "noop / reference noop",
    }
    (table,) = tmp_path.glob("*.md")
    assert "| clean / reference |" in table.read_text()
    assert "| clean / reference |" in result.stdout
    assert "example with its figures drawn" in result.stdout


def test_profile_splits_an_example_into_its_parts(reader_env):
    walkthrough = ROOT / "examples" / "plot_vector_quantization.py"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "profile_examples.py"), str(walkthrough)],
        env=reader_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    header, _, row = result.stdout.strip().splitlines()
    columns = [c.strip() for c in header.strip("|").split("|")]
    cells = dict(zip(columns, (c.strip() for c in row.strip("|").split("|"))))
    assert cells["example"] == "plot_vector_quantization.py"
    parts = ["start-up", "imports", "computation", "drawing", "encoding"]
    seconds = {key: float(cells[key].removesuffix(" s")) for key in parts}
    assert all(seconds[key] > 0 for key in parts), cells
    assert cells["figures"] == "5"  # the walkthrough's five figures, all drawn
