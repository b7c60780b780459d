"""A contributor installs the pre-commit hooks: they run the linters CI runs, at the same versions.

CI installs ruff, codespell and sphinx-lint from requirements-lint.txt and runs `make lint`;
.pre-commit-config.yaml runs the same tools on each commit. If the two drifted apart, a
commit the hooks accept could fail CI, or the other way round.
"""

import re

from conftest import ROOT
from ruamel.yaml import YAML

# The PyPI package of each pre-commit hook, and how `make lint` runs it.
HOOKS = {
    "ruff-check": ("ruff", "-m ruff check"),
    "ruff-format": ("ruff", "-m ruff format --check"),
    "codespell": ("codespell", "-m codespell_lib"),
    "sphinx-lint": ("sphinx-lint", "-m sphinxlint"),
}


def _pins():
    text = ROOT.joinpath("requirements-lint.txt").read_text(encoding="utf-8")
    return dict(re.findall(r"^([\w-]+)==([\w.]+)$", text, flags=re.M))


def _hooks():
    config = YAML(typ="safe").load(ROOT.joinpath(".pre-commit-config.yaml"))
    return {hook["id"]: repo["rev"] for repo in config["repos"] for hook in repo["hooks"]}


def test_the_hooks_run_the_versions_ci_installs():
    pins, hooks = _pins(), _hooks()
    assert set(hooks) == set(HOOKS)
    for hook, rev in hooks.items():
        package = HOOKS[hook][0]
        assert rev == f"v{pins[package]}", (hook, rev, pins)


def test_make_lint_runs_every_hook_and_ci_runs_make_lint_before_the_tests():
    makefile = ROOT.joinpath("Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, flags=re.M)
    assert recipe, "no lint target in the Makefile"
    for _, command in HOOKS.values():
        assert command in recipe.group(1), command
    ci = ROOT.joinpath(".ci", "run").read_text(encoding="utf-8").splitlines()
    assert ci.index("make lint") < ci.index("make test")
