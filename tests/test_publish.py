"""Publish the site: Read the Docs builds it from ``.readthedocs.yaml``, GitHub Pages
receives it from the workflow in ``.github/workflows/site.yml``.

Both files are checked against the schemas Read the Docs and GitHub publish, which
check-jsonschema ships (so no network is needed), and a broken copy of each must fail
that check. The workflow is read for what it promises: the README's test command on
every push and pull request, and, from main only and after the tests, a deployment of
what ``make html`` writes. The Read the Docs build is run the way Read the Docs runs it
(tests/read_the_docs.py): a fresh virtualenv, its install section, then the jobs the file
declares, with no network and an empty dataset cache. It is the site every page test
reads; here, what it printed and the files only a published site has are checked.

The YAML is read with ruamel.yaml, which check-jsonschema depends on (PyYAML is not
installed). It reads YAML 1.2, so the workflow's ``on:`` key stays the string "on".
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLES, ROOT, WALKTHROUGH, check_walkthrough_output
from read_the_docs import RTD_CONFIG, declared_jobs, read_yaml
from ruamel.yaml import YAML

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
VERSIONS_WORKFLOW = ROOT / ".github" / "workflows" / "versions.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def write_yaml(data, path):
    YAML(typ="safe", pure=True).dump(data, Path(path))


def validate(schema, path):
    """Run check-jsonschema with one of its vendored schemas on ``path``."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def readme_commands():
    """The build and the test command of README.md's "Two commands" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Two commands\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert section, 'README.md has no "## Two commands" section'
    commands = [line.strip() for line in section.group(1).splitlines() if line.startswith("    ")]
    assert len(commands) == 2, f"expected a build and a test command, found {commands}"
    return SimpleNamespace(build=commands[0], test=commands[1])


def make_html_command():
    """The sphinx-build command ``make html`` runs, as a list of words (``make -n``)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SPHINXOPTS", "BUILDDIR")}
    command = ["make", "-n", "-C", str(ROOT), "html", "PYTHON=python"]
    dry_run = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    lines = [line for line in dry_run.stdout.splitlines() if " -m sphinx " in line]
    assert len(lines) == 1, dry_run.stdout
    return shlex.split(lines[0])


def make_html_output():
    """Where ``make html`` writes the site, relative to the project (the last argument)."""
    return Path(os.path.normpath(make_html_command()[-1]))


# -- The schemas ---------------------------------------------------------------------------


def break_rtd_config(config):
    del config["build"]["os"]  # required by Read the Docs


def break_workflow(workflow):
    del next(iter(workflow["jobs"].values()))["runs-on"]  # every job needs a runner


def break_dependabot(config):
    del config["updates"][0]["schedule"]  # every update needs a schedule


@pytest.mark.parametrize(
    "path, schema, damage",
    [
        pytest.param(RTD_CONFIG, "vendor.readthedocs", break_rtd_config, id="read-the-docs"),
        pytest.param(WORKFLOW, "vendor.github-workflows", break_workflow, id="github-workflow"),
        pytest.param(
            VERSIONS_WORKFLOW, "vendor.github-workflows", break_workflow, id="versions-workflow"
        ),
        pytest.param(DEPENDABOT, "vendor.dependabot", break_dependabot, id="dependabot"),
    ],
)
def test_the_hosts_accept_our_files_and_would_reject_broken_ones(path, schema, damage, tmp_path):
    accepted = validate(schema, path)
    assert accepted.returncode == 0, f"{path.name} fails {schema}:\n{accepted.stdout}"

    broken = read_yaml(path)
    damage(broken)
    broken_path = tmp_path / path.name
    write_yaml(broken, broken_path)
    rejected = validate(schema, broken_path)
    assert rejected.returncode != 0, f"a broken {path.name} passed {schema}"
    assert "validation error" in rejected.stdout.lower(), rejected.stdout


# -- The GitHub workflow ------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow():
    return read_yaml(WORKFLOW)


def triggers(workflow):
    """The workflow's events, as a dict event -> its filters (or None)."""
    on = workflow["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on)


def runs_when(condition, event_name, ref):
    """Whether a job with ``if: condition`` runs for ``event_name`` on ``ref``.

    Only what such conditions use: the github context, strings, ==, !=, &&, || and !.
    A GitHub function (success(), ...) is a NameError here: this test then needs teaching.
    """
    if condition is None:
        return True
    expression = str(condition).strip()
    if expression.startswith("${{") and expression.endswith("}}"):
        expression = expression[3:-2]
    python = expression.replace("&&", " and ").replace("||", " or ")
    python = re.sub(r"!(?!=)", " not ", python)
    github = SimpleNamespace(event_name=event_name, ref=ref, ref_name=ref.rsplit("/", 1)[-1])
    # Our own workflow file, evaluated with nothing in scope but the github context.
    return bool(eval(python, {"__builtins__": {}}, {"github": github}))


def steps(job):
    return job.get("steps", [])


def runs(command):
    """A step predicate: the step's script is exactly ``command``."""
    return lambda step: str(step.get("run", "")).strip() == command


def uses(action):
    """A step predicate: the step uses ``action`` (any version)."""
    return lambda step: str(step.get("uses", "")).split("@")[0] == action


def step_index(job, predicate, what):
    found = [i for i, step in enumerate(steps(job)) if predicate(step)]
    assert found, f"no step {what}"
    return found[0]


def jobs_with(jobs, predicate, names=None):
    """The jobs (of ``names``, or all) with a step matching ``predicate``."""
    names = jobs if names is None else names
    return sorted(n for n in names if any(predicate(step) for step in steps(jobs[n])))


def upstream(jobs, name):
    """Every job that ``name`` waits for, directly or not."""
    needs = jobs[name].get("needs", [])
    needs = [needs] if isinstance(needs, str) else list(needs)
    return set(needs).union(*(upstream(jobs, n) for n in needs))


def test_the_workflow_tests_every_push_and_pull_request_with_the_readme_command(workflow):
    events = triggers(workflow)
    for event in ("push", "pull_request"):
        assert event in events, f"the workflow does not run on {event}: {events}"
        filters = events[event] or {}
        narrowing = {"branches", "branches-ignore", "tags", "paths", "paths-ignore"} & set(filters)
        assert not narrowing, f"{event} is limited by {narrowing}: not every {event} is tested"

    command = readme_commands().test
    jobs = workflow["jobs"]
    testers = jobs_with(jobs, runs(command))
    assert testers, f"no job runs exactly {command!r}, the README's test command"
    name, job = testers[0], jobs[testers[0]]
    for event, ref in [
        ("push", "refs/heads/main"),
        ("push", "refs/heads/any-branch"),
        ("pull_request", "refs/pull/1/merge"),
    ]:
        assert runs_when(job.get("if"), event, ref), f"the {name} job skips a {event} to {ref}"

    test_step = step_index(job, runs(command), command)
    env = {**workflow.get("env", {}), **job.get("env", {}), **steps(job)[test_step].get("env", {})}
    assert str(env.get("REQUIRE_BROWSER")) == "1", "browser tests would skip without Chromium"
    installs_chromium = step_index(
        job,
        lambda step: re.search(r"apt-get install\b[^\n]*\bchromium\b", step.get("run", "")),
        "installs Debian's chromium",
    )
    assert installs_chromium < test_step, "Chromium is installed after the tests"


def test_the_workflow_deploys_what_make_html_writes_from_main_after_the_tests(workflow):
    jobs = workflow["jobs"]
    commands = readme_commands()
    testers = jobs_with(jobs, runs(commands.test))
    deployers = jobs_with(jobs, uses("actions/deploy-pages"))
    assert testers and len(deployers) == 1, f"tests: {testers}, deployments: {deployers}"
    deploy = deployers[0]
    job = jobs[deploy]

    assert testers[0] in upstream(jobs, deploy), f"{deploy} does not wait for {testers[0]}"
    condition = job.get("if")
    assert runs_when(condition, "push", "refs/heads/main"), f"{deploy} skips main: {condition}"
    for event, ref in [
        ("push", "refs/heads/feature"),
        ("pull_request", "refs/pull/1/merge"),
        ("pull_request", "refs/heads/main"),
    ]:
        assert not runs_when(condition, event, ref), f"{deploy} runs for a {event} to {ref}"

    permissions = job.get("permissions", workflow.get("permissions", {}))
    for scope in ("pages", "id-token"):
        assert permissions.get(scope) == "write", f"{deploy} needs {scope}: write"
    environment = job.get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    assert environment == "github-pages", f"{deploy} deploys to environment {environment!r}"
    assert job.get("concurrency") or workflow.get("concurrency"), "deployments may overlap"
    configure = step_index(job, uses("actions/configure-pages"), "configures Pages")
    assert configure < step_index(job, uses("actions/deploy-pages"), "deploys")

    # The README's build command builds the site and its folder is uploaded, in the
    # deploying job or in one it waits for.
    upload = uses("actions/upload-pages-artifact")
    builders = jobs_with(jobs, upload, {deploy} | upstream(jobs, deploy))
    assert len(builders) == 1, f"expected one upload of the site for {deploy}: {builders}"
    builder = jobs[builders[0]]
    build_step = step_index(builder, runs(commands.build), f"runs {commands.build!r}")
    upload_step = step_index(builder, upload, "uploads the site")
    assert build_step < upload_step, "the site is uploaded before it is built"
    uploaded = steps(builder)[upload_step].get("with", {}).get("path", "_site/")
    built = make_html_output()
    assert Path(os.path.normpath(uploaded)) == built, f"uploads {uploaded}; the site is in {built}"


# -- The workflows' security: zizmor, pins, tokens, permissions ---------------------------


def zizmor():
    """zizmor (requirements-lint.txt and -test.txt pin it) beside this interpreter, or on PATH."""
    beside = Path(sysconfig.get_path("scripts")) / "zizmor"
    found = str(beside) if beside.exists() else shutil.which("zizmor")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("zizmor is not installed, and in CI (CI=true) this test must run")
        pytest.skip("zizmor is not installed (pip install -r locks/requirements-test.txt)")
    return found


def run_zizmor(folder):
    return subprocess.run(
        [zizmor(), "--offline", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_zizmor_finds_nothing_in_github_and_would_find_an_unpinned_action(tmp_path):
    audit = run_zizmor(ROOT / ".github")
    assert audit.returncode == 0, f"zizmor --offline .github:\n{audit.stdout}{audit.stderr}"
    assert json.loads(audit.stdout) == [], audit.stdout

    # The same files with one action back on a movable tag and its token left on disk.
    broken = tmp_path / ".github"
    shutil.copytree(ROOT / ".github", broken)
    site = broken / "workflows" / WORKFLOW.name
    text = site.read_text(encoding="utf-8")
    text = re.sub(r"actions/checkout@[0-9a-f]{40}.*", "actions/checkout@v7", text, count=1)
    keep_token = "        with:\n          persist-credentials: false\n"
    assert keep_token in text
    site.write_text(text.replace(keep_token, "", 1))
    audit = run_zizmor(broken)
    found = {finding["ident"] for finding in json.loads(audit.stdout)}
    assert audit.returncode != 0 and {"unpinned-uses", "artipacked"} <= found, audit.stdout


def all_steps():
    """(workflow file, job name, step) for every step of every workflow."""
    for path in WORKFLOWS:
        for name, job in read_yaml(path)["jobs"].items():
            for step in steps(job):
                yield path.name, name, step


def test_every_action_is_pinned_to_a_commit_with_its_tag_beside_it():
    used = 0
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            found = re.search(r"\buses:\s*(\S+)(.*)", line)
            if not found:
                continue
            used += 1
            action, rest = found.groups()
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), (
                f"{path.name}: {action} is not pinned to a full commit SHA"
            )
            assert re.fullmatch(r"\s*# v\d+(\.\d+)*", rest), (
                f"{path.name}: {action} has no '# vX.Y.Z' comment naming its tag"
            )
    assert used


def test_no_checkout_keeps_its_token_and_each_job_asks_for_what_it_needs():
    checkouts = [
        (path, job, step) for path, job, step in all_steps() if uses("actions/checkout")(step)
    ]
    assert checkouts
    for path, job, step in checkouts:
        persist = step.get("with", {}).get("persist-credentials")
        assert persist is False, f"{path} {job}: the checkout leaves its token in .git/config"

    for path in WORKFLOWS:
        workflow = read_yaml(path)
        assert workflow.get("permissions") == {}, f"{path.name}: give nothing by default"
        for name, job in workflow["jobs"].items():
            permissions = job.get("permissions")
            assert isinstance(permissions, dict), f"{path.name} {name}: no permissions of its own"
            writes = {scope for scope, level in permissions.items() if level == "write"}
            deploys = any(uses("actions/deploy-pages")(step) for step in steps(job))
            assert writes == ({"pages", "id-token"} if deploys else set()), (
                f"{path.name} {name} may write {sorted(writes)}"
            )


def min_python():
    return re.search(r"^MIN_PYTHON := (\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)


def test_the_tests_run_on_the_oldest_python_the_readme_names_and_on_a_newer_one(workflow):
    tester = workflow["jobs"][jobs_with(workflow["jobs"], runs(readme_commands().test))[0]]
    pythons = [str(v) for v in tester["strategy"]["matrix"]["python"]]
    image = tester["container"]["image"]
    assert image == "python:${{ matrix.python }}-bookworm", image
    as_tuple = [tuple(map(int, v.split("."))) for v in pythons]
    assert pythons[0] == min_python() and as_tuple == sorted(as_tuple) and len(pythons) == 2
    rtd = read_yaml(RTD_CONFIG)["build"]["tools"]["python"]
    assert as_tuple[0] <= tuple(map(int, str(rtd).split("."))) <= as_tuple[-1], (pythons, rtd)
    assert tester.get("strategy", {}).get("fail-fast") is False, "one Python hides the other"


def test_a_weekly_job_tries_the_newest_and_the_oldest_versions():
    versions = read_yaml(VERSIONS_WORKFLOW)
    events = triggers(versions)
    assert "workflow_dispatch" in events, "no manual trigger"
    crons = [entry["cron"] for entry in events.get("schedule") or []]
    assert len(crons) == 1 and re.fullmatch(r"\d+ \d+ \* \* [0-6]", crons[0]), crons
    jobs = versions["jobs"]
    for target in ("test-newest", "test-oldest"):
        runners = jobs_with(jobs, runs(f"make {target}"))
        assert len(runners) == 1, f"no job runs make {target}"
        assert re.search(rf"^{target}:", (ROOT / "Makefile").read_text(), re.M), target
    oldest = jobs[jobs_with(jobs, runs("make test-oldest"))[0]]
    assert oldest["container"]["image"] == f"python:{min_python()}-bookworm"


def test_dependabot_updates_the_locks_and_the_actions_weekly_in_groups():
    updates = {u["package-ecosystem"]: u for u in read_yaml(DEPENDABOT)["updates"]}
    assert set(updates) == {"pip", "github-actions"}, set(updates)
    assert updates["pip"]["directory"] == "/locks"
    assert (ROOT / "locks" / "requirements.txt").is_file()
    for ecosystem, update in updates.items():
        assert update["schedule"]["interval"] == "weekly", ecosystem
        groups = update.get("groups", {})
        assert any("*" in group.get("patterns", []) for group in groups.values()), (
            f"{ecosystem}: one pull request per package, not one per week"
        )


# -- Read the Docs: the file -------------------------------------------------------------


@pytest.fixture(scope="module")
def rtd_config():
    return read_yaml(RTD_CONFIG)


def test_read_the_docs_installs_what_make_html_installs_with_its_own_step(rtd_config):
    build = rtd_config["build"]
    assert "commands" not in build, (
        "build.commands replaces Read the Docs' whole build, its install step included; "
        "override build.jobs.build.html instead"
    )
    jobs = build.get("jobs", {})
    assert "install" not in jobs and "create_environment" not in jobs, jobs
    # With a sphinx key Read the Docs creates its virtualenv and runs python.install.
    configuration = Path(rtd_config["sphinx"]["configuration"])
    assert (ROOT / configuration).is_file() and configuration.parent == Path(".")  # -c .

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^\$\(VENV\)/\.docs-installed:.*?(?=^\S)", makefile, re.M | re.S)
    assert rule, "the Makefile's .docs-installed rule is gone"
    make_installs = re.findall(r"\$\(PIP_LOCKED\) (\S+)", rule.group(0))
    rtd_installs = [entry.get("requirements") for entry in rtd_config["python"]["install"]]
    assert rtd_installs == make_installs, f"Read the Docs: {rtd_installs}, make: {make_installs}"


def test_read_the_docs_commands_survive_its_quoting(rtd_config):
    # Read the Docs runs each command as /bin/sh -c '<command>': a single quote ends it.
    html = rtd_config["build"]["jobs"]["build"]["html"]
    assert html, "build.jobs.build.html is empty: Read the Docs would publish nothing"
    for job, commands in declared_jobs(rtd_config):
        for command in commands:
            assert "'" not in command, f"{job}: {command}"


# -- Read the Docs: the build, run as Read the Docs runs it (tests/read_the_docs.py) ------


def figures_and_output(page_path):
    """The printed output blocks and the figure files of a gallery page."""
    page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
    printed = [pre.get_text() for pre in page.select("div.sphx-glr-script-out pre")]
    images = [img["src"] for img in page.select("img.sphx-glr-single-img, img.sphx-glr-multi-img")]
    return printed, images


def sphinx_words(words, builddir):
    """A sphinx-build command without its interpreter, paths in ``builddir`` relative."""
    builddir = os.path.normpath(builddir)
    return [
        "BUILDDIR/" + os.path.relpath(os.path.normpath(word), builddir)
        if os.path.normpath(word).startswith(builddir)
        else word
        for word in words[1:]
    ]


def test_read_the_docs_builds_the_site_offline(site):
    # The site every page test reads is this build (tests/read_the_docs.py).
    print(f"Read the Docs build, seconds per job: {site['seconds']}")
    if not site["offline"]:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{site['why_online']}, and in CI (CI=true) the build must be offline")
        pytest.skip(f"built with the network on: {site['why_online']}")

    # Read the Docs fails a build that leaves _build/html in the checkout.
    assert not (site["checkout"] / "_build" / "html").exists()
    assert (site["html"] / "index.html").is_file(), f"no index.html in {site['html']}"

    # The raccoon came from data/ into the empty cache; nothing was downloaded.
    provisioned = site["cache"] / "scipy-data" / "face.dat"
    shipped = site["checkout"] / "data" / "face.dat"
    assert f"{provisioned} installed from {shipped}" in site["log"], site["log"][-3000:]
    ran = re.search(r"executed (\d+) out of (\d+) file", site["log"])
    assert ran and int(ran.group(1)) == int(ran.group(2)) == len(EXAMPLES), site["log"][-3000:]

    # Every example page, with what it printed and its figures.
    for example in EXAMPLES:
        page = site["html"] / "auto_examples" / example.with_suffix(".html")
        assert page.is_file(), f"{example}: no page"
        printed, images = figures_and_output(page)
        assert any(text.strip() for text in printed), f"{example}: no printed output"
        assert images, f"{example}: no figure"
        for src in images:
            image = (page.parent / src).resolve()
            assert image.is_file() and image.stat().st_size > 0, f"{example}: {src} is missing"
        if example.stem == WALKTHROUGH:
            check_walkthrough_output("\n".join(printed))


def test_read_the_docs_runs_the_sphinx_build_of_make_html(site):
    # The sphinx-build call of make html, with the same options; only the folder differs.
    logged = [line for line in site["log"].splitlines() if " -m sphinx " in line]
    assert len(logged) == 1, logged
    made_by_make = sphinx_words(make_html_command(), make_html_output().parent)
    assert sphinx_words(shlex.split(logged[0]), site["output"]) == made_by_make
