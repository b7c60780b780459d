# Build, serve and test the gallery site. `make help` lists the targets.
#
# By default everything runs in .venv, created on first use from the lock files in locks/
# (exact versions, hash-checked; `make lock` writes them from the ranges in
# requirements*.txt) and refreshed when they change. To use an environment of your own instead:
#     make html PYTHON=python

PYTHON ?= .venv/bin/python
BOOTSTRAP_PYTHON ?= python3
SPHINXOPTS ?= -W --keep-going -j auto
BUILDDIR ?= _build
PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=
PAGES_ARGS ?=

VENV := .venv
# The oldest Python the site supports: README.md ("Two commands") and the workflow's test
# matrix name the same one (tests/test_old_python.py checks that they agree).
MIN_PYTHON := 3.11
comma := ,
SPHINXBUILD = $(PYTHON) -m sphinx -c . -d $(BUILDDIR)/doctrees $(SPHINXOPTS)

# Only the default interpreter is bootstrapped; a PYTHON of your own is used as it is.
ifeq ($(PYTHON),$(VENV)/bin/python)
DOCS_ENV := $(VENV)/.docs-installed
TEST_ENV := $(VENV)/.test-installed
LINT_ENV := $(VENV)/.lint-installed
endif

# Expands to nothing when the interpreter $(1) is MIN_PYTHON or newer; otherwise stops make
# with one line saying what was found and what is needed. Used as the first line of the rule
# that creates .venv, so that nothing is created or installed with an unsupported Python.
# (Old-style formatting, so that even Python 2 gets the sentence, not a syntax error.)
define require_python
$(eval _found := $(shell $(1) -c 'import sys; v = sys.version_info; print("ok" if tuple(v[:2]) >= ($(subst .,$(comma),$(MIN_PYTHON))) else "%d.%d.%d" % tuple(v[:3]))' 2>/dev/null))$(if $(filter ok,$(_found)),,$(error $(if $(_found),Found Python $(_found) ($(1)),$(1) does not run), but this project needs Python $(MIN_PYTHON) or newer: name one with BOOTSTRAP_PYTHON=python$(MIN_PYTHON) (or PYTHON=... for an environment of your own)))
endef

.PHONY: help html html-noplot data serve test test-newest test-oldest lint lock bench bench-tests lighthouse profile clean distclean

help:
	@echo "make html         build the site into $(BUILDDIR)/html, running every example"
	@echo "make html-noplot  build the prose only, without running the examples"
	@echo "make serve        serve $(BUILDDIR)/html on http://127.0.0.1:$(PORT)/"
	@echo "make test         run the test suite (builds the site in a temporary folder)"
	@echo "make test-newest  canary tests and a build with the newest releases, bounds ignored"
	@echo "make test-oldest  a build and the page tests with the lowest versions the ranges allow"
	@echo "make lint         ruff, codespell, sphinx-lint and zizmor, as CI runs them"
	@echo "make lock         refresh the hash-checked lock files in locks/ from requirements*.txt"
	@echo "make bench        time clean, no-op and edit-one builds against a reference;"
	@echo "                  each page's weight in the browser against its budget"
	@echo "make bench-tests  time make test on a fresh clone, on every core and in one process"
	@echo "make lighthouse   page weights and Lighthouse's mobile scores for every page"
	@echo "make profile      where each example's time goes: imports, computation, drawing, PNG"
	@echo "make data         put the shipped face.dat into SciPy's dataset cache"
	@echo "make clean        remove the build and the generated gallery pages"
	@echo "make distclean    clean, and remove .venv too"

# .venv is filled from the lock files, every package pinned and hash-checked
# (--require-hashes: pip also refuses a package the lock does not pin). pip itself is the
# one venv ships: upgrading it would install an unpinned package. Each mark is a copy of
# the lock installed (tests/test_install_locked.py compares the environment with it).
PIP_LOCKED = $(VENV)/bin/python -m pip install --quiet --require-hashes -r

$(VENV)/.docs-installed: locks/requirements.txt
	$(call require_python,$(if $(wildcard $(VENV)/bin/python),$(VENV)/bin/python,$(BOOTSTRAP_PYTHON)))
	test -x $(VENV)/bin/python || $(BOOTSTRAP_PYTHON) -m venv $(VENV)
	$(PIP_LOCKED) locks/requirements.txt
	cp locks/requirements.txt $@

$(VENV)/.test-installed: locks/requirements-test.txt $(VENV)/.docs-installed
	$(PIP_LOCKED) locks/requirements-test.txt
	cp locks/requirements-test.txt $@

$(VENV)/.lint-installed: locks/requirements-lint.txt $(VENV)/.docs-installed
	$(PIP_LOCKED) locks/requirements-lint.txt
	cp locks/requirements-lint.txt $@

# The lock files, from the ranges in requirements*.txt: one universal lock per
# environment, valid on every Python from MIN_PYTHON on and on every platform (markers
# pick what differs), with the hashes of every file of each release. The test and lint
# locks are constrained by the build's, so that one .venv holds all three. A package
# already locked keeps its version while its range allows it (re-run after editing a
# range or adding a package); LOCK_ARGS=--upgrade takes the newest releases of everything.
LOCK_ARGS ?=
UV = $(PYTHON) -m uv
LOCK = $(UV) pip compile --quiet --universal --fork-strategy fewest --python-version $(MIN_PYTHON) \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)

lock: $(LINT_ENV)
	$(LOCK) requirements.txt -o locks/requirements.txt
	$(LOCK) requirements-test.txt -c locks/requirements.txt -o locks/requirements-test.txt
	$(LOCK) requirements-lint.txt -c locks/requirements.txt -o locks/requirements-lint.txt

# Other versions than the locks', in a virtualenv of their own under BUILDDIR (.ci/versions.py):
# the newest releases, upper bounds ignored (canary tests and a build), and the lowest
# versions the ranges allow, on the oldest Python (a build and the page tests). Both print
# which packages differ from the locks. Minutes each, and downloads: not part of make test;
# the weekly workflow (.github/workflows/versions.yml) runs them.
NEWEST_PYTHON ?= $(BOOTSTRAP_PYTHON)
OLDEST_PYTHON ?= python$(MIN_PYTHON)

test-newest: $(LINT_ENV)
	$(call require_python,$(NEWEST_PYTHON))
	$(PYTHON) .ci/versions.py newest --python $(NEWEST_PYTHON) --dir $(BUILDDIR)/newest --pytest-args "$(or $(PYTEST_ARGS),-n auto)"

test-oldest: $(LINT_ENV)
	$(call require_python,$(OLDEST_PYTHON))
	$(PYTHON) .ci/versions.py oldest --python $(OLDEST_PYTHON) --dir $(BUILDDIR)/oldest --pytest-args "$(or $(PYTEST_ARGS),-n auto)"

html: $(DOCS_ENV)
	$(SPHINXBUILD) -b html docs $(BUILDDIR)/html
	@echo "The site is in $(BUILDDIR)/html; 'make serve' shows it in a browser."

html-noplot: $(DOCS_ENV)
	$(SPHINXBUILD) -b html -D plot_gallery=0 docs $(BUILDDIR)/html

data: $(DOCS_ENV)
	$(PYTHON) -m sphinxext.helpers.dataset

serve: $(DOCS_ENV)
	@test -f $(BUILDDIR)/html/index.html || { echo "No site in $(BUILDDIR)/html: run 'make html' first." >&2; exit 1; }
	@echo "Serving $(BUILDDIR)/html at http://127.0.0.1:$(PORT)/ (Ctrl+C stops it)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory $(BUILDDIR)/html

test: $(TEST_ENV)
	$(PYTHON) -m pytest tests -n auto --dist loadfile $(PYTEST_ARGS)

# zizmor ships a program, not a module: the one installed beside PYTHON.
ZIZMOR = $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/zizmor

# Settings in pyproject.toml; the same tools as .pre-commit-config.yaml, and zizmor's
# security audit of the workflows (offline: no look-ups of the actions' repositories).
lint: $(LINT_ENV)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m codespell_lib
	$(PYTHON) -m sphinxlint -i docs/auto_examples -i docs/gen_modules docs examples
	$(ZIZMOR) --offline --quiet .github

# bench/pages.py drives Chromium through playwright, which requirements-test.txt installs.
bench: $(TEST_ENV)
	$(PYTHON) bench/bench.py $(BENCH_ARGS)
	$(PYTHON) bench/pages.py $(PAGES_ARGS)
	@test -f $(BUILDDIR)/html/_static/live-figures.js || $(MAKE) html
	$(PYTHON) bench/live_figures.py --site $(BUILDDIR)/html

# Minutes, not seconds: not part of make bench (bench/test_suite.py says why).
bench-tests: $(TEST_ENV)
	$(PYTHON) bench/test_suite.py $(BENCH_ARGS)

# Lighthouse comes from the npm registry at the version bench/package-lock.json pins; it
# runs Debian's Chromium and never downloads a browser.
bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund
	touch $@

lighthouse: $(TEST_ENV) bench/node_modules/.installed
	$(PYTHON) bench/pages.py --lighthouse $(PAGES_ARGS)

profile: $(DOCS_ENV)
	$(PYTHON) bench/profile_examples.py

clean:
	rm -rf $(BUILDDIR) docs/auto_examples docs/gen_modules docs/sg_execution_times.rst docs/sg_api_usage.rst docs/api_used.rst

distclean: clean
	rm -rf $(VENV)
