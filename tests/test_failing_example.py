"""A broken example must stop the build and be named, not be published half-run."""

from conftest import make
from project_copy import copy_project_with_small_gallery

BROKEN = "plot_zz_broken.py"


def test_an_example_that_raises_fails_the_build(tmp_path, reader_env):
    # Beside the small gallery's examples (the real ones' content is not the subject here).
    project = copy_project_with_small_gallery(tmp_path / "project")
    (project / "examples" / BROKEN).write_text(
        '"""\nA broken example\n================\n\nIt raises on purpose.\n"""\n\n'
        'raise ValueError("this example is broken on purpose")\n'
    )
    result = make(project, "html", reader_env, tmp_path / "build")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert BROKEN in output
    assert "this example is broken on purpose" in output

    # Building again runs the broken example again and fails again: nothing is skipped
    # as "unchanged" after a failed build.
    again = make(project, "html", reader_env, tmp_path / "build")
    assert again.returncode != 0, again.stdout + again.stderr
    assert "this example is broken on purpose" in again.stdout + again.stderr
