"""Run the build benchmark once, as `make bench` would, and read what it wrote."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT
from project_copy import small_gallery

sys.path.insert(0, str(ROOT / "bench"))

from bench import SeedError, find_seed, seed_script  # noqa: E402

# A page copied from a browser as the seed text is: prose, then fenced blocks of code or
# of what the code printed, every line of code without its indentation.
COPIED_PAGE = """\
# A small example#

Some prose.

```
try: # an import fallback
import math
except ImportError:
math = None
total = 0
for value in [1, 2, 3]:
total += value
print(f"Running total: {total}")
```

```
Running total: 1
Running total: 3
Running total: 6
```

```
values = [
1,
2,
]
values
```

```
[1, 2]
```

```
squares = [v * v for v in values]
```

More prose.

```
print(len(squares))
```

```
2
```
"""


def test_the_seed_text_becomes_the_script_it_shows():
    script, printed = seed_script(COPIED_PAGE)
    assert script.splitlines()[:8] == [
        "try: # an import fallback",
        "    import math",
        "except ImportError:",
        "    math = None",
        "total = 0",
        "for value in [1, 2, 3]:",
        "    total += value",
        '    print(f"Running total: {total}")',
    ]
    # The value shown after a bare expression is output, not code; the block after it is
    # code again, though no prose separates them.
    assert "[1, 2]" not in script
    assert "squares = [v * v for v in values]" in script
    assert printed == ["Running total: 1", "Running total: 3", "Running total: 6", "2"]
    compile(script, "seed", "exec")


def test_a_seed_text_without_code_is_a_clear_error():
    with pytest.raises(SeedError, match="no fenced code blocks"):
        seed_script("Only prose here.\n")


def test_the_seed_text_is_found_beside_the_repository_or_not_at_all(tmp_path):
    seed = find_seed()
    if seed is not None:
        assert seed.is_file()
        assert "Vector Quantization Example" in seed.read_text(encoding="utf-8").splitlines()[0]
    assert find_seed(tmp_path / "given.txt") == tmp_path / "given.txt"


def test_benchmark_runs_once_and_reports_every_measurement(tmp_path, reader_env):
    # Every scenario, on a small gallery: the real one's timings are make bench's job.
    gallery = small_gallery(tmp_path / "examples")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench.py"),
            "--runs",
            "1",
            "--output",
            str(tmp_path / "results"),
            "--examples",
            str(gallery),
        ],
        env=reader_env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (report,) = (tmp_path / "results").glob("*.json")
    data = json.loads(report.read_text())
    median = data["median"]
    keys = [
        "clean",
        "clean -j 1",
        "clean -j 2",
        "noop",
        "edit-one",
        "sphinx-only",
        "stock",
        "stock-noop",
        "stock-parallel",
        "reference",
        "reference-noop",
        "reference-sphinx-only",
        "with-figures:plot_vector_quantization.py",
        "figures:plot_vector_quantization.py",  # the edited example's figures
        "weight",
    ]
    for key in keys:
        assert median[key] > 0, key
    scripts = sorted(key.removeprefix("script:") for key in median if key.startswith("script:"))
    assert scripts == ["plot_vector_quantization.py", "series/plot_1_small.py"]
    assert set(data["ratios"]) == {
        "walkthrough / seed (with figures)",
        "clean / stock",
        "clean / stock parallel -j 2",
        "edit-one / (example with figures + noop)",
        "noop / stock noop",
    }
    for name, ratio in data["ratios"].items():
        if name != "walkthrough / seed (with figures)":
            assert ratio["ratio"] > 0, name
    # The seed row is measured when the seed text is there, and skipped saying why if not.
    seed_row = data["ratios"]["walkthrough / seed (with figures)"]
    if find_seed() is None:
        assert seed_row["ratio"] is None and "with-figures:seed" in seed_row["skipped"]
        assert any("no seed text found" in note for note in data["notes"])
    else:
        assert median["with-figures:seed"] > 0 and seed_row["ratio"] > 0, data["notes"]
    (table,) = (tmp_path / "results").glob("*.md")
    for text in (table.read_text(), result.stdout):
        assert "| clean / stock |" in text
        assert "| noop / stock noop |" in text
        assert "clean -j 1 / stock" in text
    assert "example with its figures drawn" in result.stdout


def test_a_script_saves_every_figure_it_draws(tmp_path, reader_env):
    script = tmp_path / "two_figures.py"
    script.write_text(
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\nax.plot([0, 1])\n"
        "fig, ax = plt.subplots()\nax.plot([1, 0])\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "profile_examples.py"),
            "--save-figures",
            str(tmp_path / "figures"),
            str(script),
        ],
        env=reader_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    saved = sorted(tmp_path.joinpath("figures").glob("*.png"))
    assert [p.name for p in saved] == ["two_figures_01.png", "two_figures_02.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in saved)


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


FAKE_MAKEFILE = """\
test:
\t@echo "$(PYTEST_ARGS)" >> {calls}
\t@case "$(PYTEST_ARGS)" in *"-n 0"*) sleep 0.4;; *) sleep 0.2;; esac
\t@test ! -f {fail}
"""


def fake_repository(folder, calls, fail):
    """A git repository whose ``make test`` notes its arguments, and fails if ``fail``."""
    folder.mkdir()
    (folder / "Makefile").write_text(FAKE_MAKEFILE.format(calls=calls, fail=fail))
    for command in (["init", "-q"], ["add", "Makefile"], ["commit", "-qm", "fake"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *command],
            cwd=folder,
            check=True,
        )
    return folder


def test_make_test_is_timed_both_ways_on_fresh_clones(tmp_path):
    calls, fail = tmp_path / "calls.txt", tmp_path / "fail"
    repository = fake_repository(tmp_path / "repo", calls, fail)
    command = [sys.executable, str(ROOT / "bench" / "test_suite.py"), "--runs", "2"]
    command += ["--repository", str(repository), "--output", str(tmp_path / "results")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    # Alternating, one process first; pytest's cache off in the clones.
    assert calls.read_text().split("\n")[:-1] == 2 * [
        "-n 0 -p no:cacheprovider",
        "-p no:cacheprovider",
    ]
    (report,) = (tmp_path / "results").glob("tests-*.json")
    data = json.loads(report.read_text())
    assert [len(data["runs"][way]) for way in ("one process", "every core")] == [2, 2]
    median = data["median"]
    assert data["ratio"] == pytest.approx(median["every core"] / median["one process"])
    assert "| every core / one process |" in result.stdout

    fail.write_text("")  # a failing suite has no time worth reporting
    failed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert failed.returncode != 0
    assert "make test failed" in failed.stderr
