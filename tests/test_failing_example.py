"""A broken example must stop the build and be named, not be published half-run."""

import pytest
from project_copy import build_in_process, copy_project_with_small_gallery
from sphinx.errors import ExtensionError

BROKEN = "plot_zz_broken.py"


def test_an_example_that_raises_fails_the_build(tmp_path, reader_env):
    # Beside the small site's examples, built in this process as make html builds it.
    project = copy_project_with_small_gallery(tmp_path / "project")
    (project / "examples" / BROKEN).write_text(
        '"""\nA broken example\n================\n\nIt raises on purpose.\n"""\n\n'
        'raise ValueError("this example is broken on purpose")\n'
    )
    env = {"XDG_CACHE_HOME": reader_env["XDG_CACHE_HOME"], "QI_INVENTORIES": "off"}
    for build in ("first", "again"):
        # Building again runs the broken example again and fails again: a failed
        # example is never skipped as "unchanged".
        with pytest.raises(ExtensionError) as raised:
            build_in_process(project, tmp_path / "build", env=env)
        assert BROKEN in str(raised.value), build
        assert "this example is broken on purpose" in str(raised.value), build
