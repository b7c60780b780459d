"""Copy the project's sources, without what builds generate, for a build elsewhere.

The tests and the benchmark build the site in a temporary copy, so that they never
touch the checkout's own build and always start from the sources alone.
"""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ["conf.py", "Makefile", "requirements.txt", "docs", "examples", "data", "sphinxext"]
# What sphinx-gallery, the API page and Python write inside those folders.
GENERATED = shutil.ignore_patterns(
    "auto_examples",
    "gen_modules",
    "sg_execution_times.rst",
    "sg_api_usage.rst",
    "api_used.rst",
    "__pycache__",
    "_build",
)


def copy_project(dest):
    """Copy the project's sources to ``dest`` (created if needed) and return it."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=GENERATED)
        else:
            shutil.copy2(source, dest / name)
    return dest
