"""The site built the way Read the Docs builds it, from ``.readthedocs.yaml``.

This is the build every page, download and browser test reads (``site`` in conftest.py),
so that they read what gets published: a fresh virtualenv with the file's install
section, then the jobs the file declares, each run as Read the Docs runs it, from
pre_build on with no network and an empty dataset cache. ``tests/test_publish.py`` checks
what this build printed and wrote.
"""

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from project_copy import copy_project
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
RTD_CONFIG = ROOT / ".readthedocs.yaml"
# Where Read the Docs serves this version (it always sets READTHEDOCS_CANONICAL_URL).
CANONICAL_URL = "https://quantizing-images.readthedocs.io/en/latest/"

# Read the Docs' jobs in the order it runs them (docs: build-customization, "Extend or
# override the build process"). Those before pre_build may use the network.
RTD_JOBS = [
    "post_checkout",
    "pre_system_dependencies",
    "post_system_dependencies",
    "pre_create_environment",
    "create_environment",
    "post_create_environment",
    "pre_install",
    "install",
    "post_install",
    "pre_build",
    "build.html",
    "post_build",
]
OFFLINE_FROM = RTD_JOBS.index("pre_build")


def read_yaml(path):
    return YAML(typ="safe", pure=True).load(Path(path))


def declared_jobs(config):
    """(job, commands) for every job the file declares, in Read the Docs' order."""
    jobs = config["build"].get("jobs", {})
    found = []
    for job in RTD_JOBS:
        value = jobs
        for key in job.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            found.append((job, list(value)))
    return found


def offline_prefix():
    """How to run a command with no network but loopback, and why not if it cannot be.

    ``unshare -n`` (as root), or ``unshare -rn`` (a user namespace) where unprivileged
    namespaces are allowed. Returns ``(prefix, None)``, or ``(None, reason)``.
    """
    problems = []
    for prefix in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        try:
            probe = subprocess.run(
                [*prefix, "sh", "-c", "ip link set lo up"], capture_output=True, text=True
            )
        except FileNotFoundError as error:
            problems.append(str(error))
            break
        if probe.returncode == 0:
            return prefix, None
        problems.append(f"{shlex.join(prefix)}: {probe.stderr.strip()}")
    return None, "cannot cut the network for the build (" + "; ".join(problems) + ")"


def build_like_read_the_docs(base):
    """Build the site in ``base`` from a copy of the project, exactly as .readthedocs.yaml
    tells Read the Docs to.

    Read the Docs' defaults are reproduced where the file keeps them: a virtualenv
    (``python -m venv`` here, ``virtualenv`` there) and ``pip install -r`` for each
    requirements file in python.install. Read the Docs also upgrades pip and installs
    the latest Sphinx first; that is left out, so requirements.txt alone must be enough.
    pip may use its cache, and does not compile to bytecode. Every other job is the file's
    own commands, each run as Read the Docs runs it (``/bin/sh -c``, from the checkout,
    with its variables and the virtualenv first on PATH), from pre_build on with no
    network (when the network can be cut here: ``offline`` says), an empty HOME and an
    empty dataset cache of its own.

    Returns what the tests read, as JSON-ready values: the folders, the log, the seconds
    of each job, and ``failed``, the job and its output if one failed, else ``None``.
    """
    config = read_yaml(RTD_CONFIG)
    checkout = copy_project(base / "checkout")
    shutil.copy2(RTD_CONFIG, checkout / RTD_CONFIG.name)
    shutil.copytree(ROOT / "locks", checkout / "locks")
    venv = base / "envs" / "latest"
    output = f"{checkout / '_readthedocs'}/"  # as Read the Docs sets it, with the slash
    cache, home = base / "xdg-cache", base / "home"
    cache.mkdir()
    home.mkdir()
    prefix, why_online = offline_prefix()

    # The system's PATH without any virtualenv: the tester's .venv must not leak in.
    system_path = [
        entry
        for entry in os.environ["PATH"].split(os.pathsep)
        if not (Path(entry).parent / "pyvenv.cfg").exists()
    ]
    rtd_env = {
        "PATH": os.pathsep.join([str(venv / "bin"), *system_path]),
        "READTHEDOCS": "True",
        "READTHEDOCS_PROJECT": "quantizing-images",
        "READTHEDOCS_VERSION": "latest",
        "READTHEDOCS_VERSION_NAME": "latest",
        "READTHEDOCS_VERSION_TYPE": "branch",
        "READTHEDOCS_LANGUAGE": "en",
        "READTHEDOCS_CANONICAL_URL": CANONICAL_URL,
        "READTHEDOCS_REPOSITORY_PATH": str(checkout),
        "READTHEDOCS_OUTPUT": output,
        "READTHEDOCS_VIRTUALENV_PATH": str(venv),
        "NO_COLOR": "1",
    }
    # Installing reaches the package index the way pip is set up here, and pip's cache.
    pip_settings = {
        k: v for k, v in os.environ.items() if k.startswith("PIP_") or k.lower().endswith("_proxy")
    }
    # Except that pip does not compile every installed module to bytecode: what it
    # installs is the same, and the build compiles what it imports. (PIP_COMPILE=0 is
    # --no-compile; PIP_NO_COMPILE=1 is not: pip reads it as the value of the option,
    # which that name turns on.)
    pip_settings["PIP_COMPILE"] = "0"
    online_env = dict(pip_settings, HOME=os.environ.get("HOME", str(home)), **rtd_env)
    offline_env = dict(rtd_env, HOME=str(home), XDG_CACHE_HOME=str(cache))

    jobs = dict(declared_jobs(config))
    # Without a sphinx or mkdocs key Read the Docs creates and installs nothing by itself.
    if "sphinx" in config or "mkdocs" in config:
        python = shlex.quote(str(venv / "bin" / "python"))
        create = f"{shlex.quote(sys.executable)} -m venv {shlex.quote(str(venv))}"
        jobs.setdefault("create_environment", [create])
        pip_install = f"{python} -m pip install --exists-action=w -r"
        # Only requirements files are installed here (test_publish.py checks the file).
        requirements = [
            shlex.quote(entry["requirements"])
            for entry in config.get("python", {}).get("install", [])
            if "requirements" in entry
        ]
        jobs.setdefault("install", [f"{pip_install} {path}" for path in requirements])

    built = {
        "checkout": str(checkout),
        "html": str(Path(output) / "html"),
        "output": output,
        "cache": str(cache),
        "offline": prefix is not None,
        "why_online": why_online,
        "seconds": {},
        "failed": None,
    }
    if "build.html" not in jobs:
        built["failed"] = (
            "Read the Docs would run its own sphinx-build, not the Makefile's: "
            "declare build.jobs.build.html"
        )
        built["log"] = ""
        return built
    log = []
    for index, job in enumerate(RTD_JOBS):
        offline = index >= OFFLINE_FROM
        started = time.perf_counter()
        for command in jobs.get(job, []):
            argv = ["/bin/sh", "-c", command]
            if offline and prefix:
                argv = [*prefix, "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *argv]
            result = subprocess.run(
                argv,
                cwd=checkout,
                env=offline_env if offline else online_env,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            log.append(f"$ {command}\n{result.stdout}{result.stderr}")
            if result.returncode != 0:
                output_tail = f"{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
                built["failed"] = f"{job} failed: {command}\n{output_tail}"
                built["log"] = "\n".join(log)
                return built
        if job in jobs:
            built["seconds"][job] = round(time.perf_counter() - started, 1)
    built["log"] = "\n".join(log)
    return built
