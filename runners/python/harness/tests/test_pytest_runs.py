import json
import xml.etree.ElementTree as ET
from pathlib import Path

from ato_runner.contract import shape_errors
from ato_runner.manifest import Manifest

from ato_harness import pytest_runs
from ato_harness.workspace import Workspace

TEST_FILE = """import os, sys, time
sys.path.insert(0, os.environ["ATO_REPO_ROOT"])
import mod


def test_double():
    assert mod.double(2) == 4


def test_slow_{n}():
    time.sleep({sleep})
"""


def workspace(tmp_path, sleep=0.0, tests=1):
    ws = Workspace(tmp_path / "work", scratch=tmp_path / "scratch")
    ws.scratch.mkdir()
    (ws.head).mkdir(parents=True)
    (ws.head / "mod.py").write_text("def double(x):\n    return 2 * x\n\n\ndef unused():\n    return 1\n")
    ws.tests.mkdir(parents=True)
    names = []
    for n in range(tests):
        name = f"test_gen_{n}.py"
        (ws.tests / name).write_text(TEST_FILE.format(n=n, sleep=sleep))
        names.append(name)
    return ws, names


def junit_ids(path):
    return {f"{c.get('classname')}::{c.get('name')}" for c in ET.parse(path).getroot().iter("testcase")}


def test_runs_write_junit_per_run_and_coverage_of_the_changed_files(tmp_path):
    ws, names = workspace(tmp_path)
    manifest = Manifest()
    pytest_runs.run_tests(ws, manifest, names, ["mod.py"], seed=5, reruns=2, step_timeout_secs=60)
    assert manifest.problems == []
    for run in (1, 2):
        assert junit_ids(ws.out / "junit" / f"run-{run}.xml") == {"test_gen_0::test_double", "test_gen_0::test_slow_0"}
    coverage = json.loads((ws.out / "coverage" / "coverage.json").read_text())
    assert list(coverage["files"]) == ["mod.py"]
    assert coverage["files"]["mod.py"]["missing_lines"] == [6]
    assert not list(ws.tests.glob(".*")), "nothing but the tests in out/tests"
    converted = json.loads((ws.out / "coverage.json").read_text())
    assert shape_errors(converted, "coverage.json") == []
    [mod] = converted["files"]
    assert (mod["path"], mod["executed"], mod["missing"]) == ("mod.py", [1, 2, 5], [6])


def test_a_coverage_report_that_does_not_read_is_a_problem(tmp_path):
    ws, _ = workspace(tmp_path)
    (ws.out / "coverage").mkdir(parents=True)
    (ws.out / "coverage" / "coverage.json").write_text("[")
    manifest = Manifest()
    pytest_runs.write_coverage(ws, manifest, ["mod.py"])
    [problem] = manifest.problems
    assert problem["message"].startswith("coverage/coverage.json is not coverage.py's JSON report")
    assert not (ws.out / "coverage.json").exists()


def test_a_run_past_its_limit_keeps_the_junit_of_the_tests_it_ran(tmp_path):
    ws, names = workspace(tmp_path, sleep=1.5, tests=4)
    manifest = Manifest()
    pytest_runs.run_tests(ws, manifest, names, ["mod.py"], seed=5, reruns=1, step_timeout_secs=4)
    [problem] = manifest.problems
    assert problem["kind"] == "timeout"
    assert "the tests run until then are in its JUnit file" in problem["message"]
    ran = junit_ids(ws.out / "junit" / "run-1.xml")
    assert "test_gen_0::test_double" in ran
    assert len(ran) < 8


def test_relativize_coverage_strips_the_head_prefix(tmp_path):
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps({"files": {"/work/head/pkg/a.py": {"x": 1}, "/elsewhere/b.py": {}}}))
    pytest_runs.relativize_coverage(path, Path("/work/head"))
    assert set(json.loads(path.read_text())["files"]) == {"pkg/a.py", "/elsewhere/b.py"}


def test_per_test_timeout_stays_within_bounds():
    assert pytest_runs.per_test_timeout(1) == 5
    assert pytest_runs.per_test_timeout(60) == 6
    assert pytest_runs.per_test_timeout(3600) == 10
