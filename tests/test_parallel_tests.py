"""Run the tests on every core: what is costly is still done once, and shared.

``make test`` runs pytest-xdist with one worker process per core. tests/conftest.py builds
the site and runs each example as a script once for the whole run, whichever worker
asks first, and keeps the tests that share a module's fixture in one worker.
"""

import json
import subprocess
import sys
import textwrap
import types

import pytest
from conftest import ROOT, module_fixtures, module_group_scheduling


@pytest.fixture(scope="module")
def made_once_for_this_module():
    return object()


def test_tests_sharing_a_module_fixture_are_kept_together(request, made_once_for_this_module):
    # Also guards pytest's private ``_fixtureinfo``, which module_fixtures reads.
    assert module_fixtures(request.node) == ["made_once_for_this_module"]


def test_other_tests_are_shared_out_one_by_one(request, tmp_path):
    assert module_fixtures(request.node) == []


WORKER = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path

    sys.path.insert(0, {tests!r})
    from conftest import once_per_run

    class Factory:  # what pytest's tmp_path_factory gives a worker
        def getbasetemp(self):
            return Path({root!r}) / os.environ["PYTEST_XDIST_WORKER"]

    def produce(folder):
        with open(Path({root!r}) / "calls", "a") as calls:
            calls.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")
        time.sleep(0.5)  # long enough for the other worker to ask meanwhile
        (folder / "made.txt").write_text("made")
        return {{"folder": str(folder)}}

    print(json.dumps(once_per_run(Factory(), "costly", produce)))
    """
)


def test_what_two_workers_ask_for_at_once_is_made_once(tmp_path):
    script = WORKER.format(tests=str(ROOT / "tests"), root=str(tmp_path))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            env={"PYTEST_XDIST_WORKER": name, "PATH": "/usr/bin:/bin"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("gw0", "gw1")
    ]
    answers = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        answers.append(json.loads(out))
    assert answers[0] == answers[1] == {"folder": str(tmp_path / "costly")}
    assert len((tmp_path / "calls").read_text().splitlines()) == 1
    assert (tmp_path / "costly" / "made.txt").read_text() == "made"


def test_the_scheduler_keeps_each_group_in_one_unit_of_work(tmp_path):
    # Also guards the private method of xdist's schedulers that module_group_scheduling
    # overrides.
    pytest.importorskip("xdist")
    groups = tmp_path / "groups.json"
    groups.write_text(json.dumps({"tests/test_x.py::test_a": "test_x"}))
    # What the scheduler reads of the configuration of a run with two workers.
    config = types.SimpleNamespace(getvalue={"tx": ["2*popen"]}.get)
    scheduler = module_group_scheduling(config, None, groups)
    assert scheduler._split_scope("tests/test_x.py::test_a") == "test_x"
    assert scheduler._split_scope("tests/test_x.py::test_b") == "tests/test_x.py::test_b"
    # What xdist does itself when it can read an xdist_group mark.
    assert scheduler._split_scope("tests/test_x.py::test_c@together") == "together"
