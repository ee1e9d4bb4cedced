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
    names = {}
    for n in range(tests):
        name = f"test_gen_{n}.py"
        (ws.tests / name).write_text(TEST_FILE.format(n=n, sleep=sleep))
        names[name] = "mod.py"
    return ws, names


def junit_ids(path):
    return {f"{c.get('classname')}::{c.get('name')}" for c in ET.parse(path).getroot().iter("testcase")}


def test_runs_write_junit_per_run_and_coverage_of_the_changed_files(tmp_path):
    ws, names = workspace(tmp_path)
    manifest = Manifest()
    pytest_runs.run_tests(ws, manifest, names, seed=5, reruns=2, step_timeout_secs=60)
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
    # 6 files of 2 tests, one sleeping 3 s each, cannot finish in 10 s; pytest's start leaves room for at least
    # one of them even on a loaded machine.
    ws, names = workspace(tmp_path, sleep=3.0, tests=6)
    manifest = Manifest()
    pytest_runs.run_tests(ws, manifest, names, seed=5, reruns=1, step_timeout_secs=10)
    [problem] = manifest.problems
    assert problem["kind"] == "timeout"
    assert "the tests run until then are in its JUnit file" in problem["message"]
    ran = junit_ids(ws.out / "junit" / "run-1.xml")
    assert "test_gen_0::test_double" in ran
    assert len(ran) < 12, "the run was cut short: the last files never started"


def test_relativize_coverage_strips_the_head_prefix(tmp_path):
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps({"files": {"/work/head/pkg/a.py": {"x": 1}, "/elsewhere/b.py": {}}}))
    pytest_runs.relativize_coverage(path, Path("/work/head"))
    assert set(json.loads(path.read_text())["files"]) == {"pkg/a.py", "/elsewhere/b.py"}


def test_per_test_timeout_stays_within_bounds():
    assert pytest_runs.per_test_timeout(1) == 5
    assert pytest_runs.per_test_timeout(60) == 6
    assert pytest_runs.per_test_timeout(3600) == 10


JUDGED = """import os, sys
sys.path.insert(0, os.environ["ATO_REPO_ROOT"])
import mod
from hypothesis import given, strategies as st


def test_broken_by_the_change():
    assert mod.double(2) == 4


def test_fails_on_base_too():
    assert mod.double(1) == 5


def test_own_name_error():
    assert undefined_helper(1)


@given(st.integers(min_value=5, max_value=1))
def test_bad_strategy(x):
    assert mod.double(x)


def test_passes():
    assert mod.double(0) == 0
"""


def test_tests_failing_on_every_run_are_run_on_base_or_said_to_be_atos_fault(tmp_path):
    ws, _ = workspace(tmp_path, tests=0)
    (ws.head / "mod.py").write_text("def double(x):\n    return 3 * x\n")
    ws.base.mkdir()
    (ws.base / "mod.py").write_text("def double(x):\n    return 2 * x\n")
    (ws.tests / "test_judged.py").write_text(JUDGED)
    manifest = Manifest()
    for name in ("test_broken_by_the_change", "test_fails_on_base_too", "test_own_name_error", "test_bad_strategy",
                 "test_passes"):
        manifest.test(f"test_judged::{name}", "tests/test_judged.py", "property", f"mod.py::{name}")
    pytest_runs.run_tests(ws, manifest, {"test_judged.py": "mod.py"}, seed=5, reruns=2, step_timeout_secs=60)
    facts = {t["id"].split("::")[1]: {k: t[k] for k in ("on_base", "ato_fault") if k in t} for t in manifest.tests}
    assert facts["test_broken_by_the_change"] == {"on_base": "passed"}
    assert facts["test_fails_on_base_too"] == {"on_base": "failed"}
    assert facts["test_passes"] == {}
    assert facts["test_own_name_error"]["ato_fault"].startswith("the generated test's own code failed: NameError")
    assert "InvalidArgument" in facts["test_bad_strategy"]["ato_fault"], facts
    assert "on_base" not in facts["test_bad_strategy"]
    assert shape_errors(manifest.to_json(), "manifest.json") == []
    # The base run's JUnit file is not one of the runs.
    assert sorted(p.name for p in (ws.out / "junit").iterdir()) == ["run-1.xml", "run-2.xml"]


def test_a_new_file_is_not_run_on_base_and_a_file_that_does_not_load_is_atos_fault(tmp_path):
    ws, _ = workspace(tmp_path, tests=0)
    ws.base.mkdir()  # base without mod.py: the file is new on head
    (ws.tests / "test_new.py").write_text(TEST_FILE.format(n=0, sleep=0).replace("== 4", "== 5"))
    (ws.tests / "test_unloadable.py").write_text("import no_such_generated_helper\n\n\ndef test_x():\n    pass\n")
    manifest = Manifest()
    manifest.test("test_new::test_double", "tests/test_new.py", "smoke", None)
    manifest.test("test_unloadable::test_x", "tests/test_unloadable.py", "characterization", None)
    targets = {"test_new.py": "mod.py", "test_unloadable.py": "mod.py"}
    pytest_runs.run_tests(ws, manifest, targets, seed=5, reruns=1, step_timeout_secs=60)
    by_id = {t["id"]: t for t in manifest.tests}
    assert "on_base" not in by_id["test_new::test_double"]
    unloadable = by_id["::test_unloadable"]
    assert unloadable["kind"] == "characterization"
    assert unloadable["ato_fault"].startswith("the generated file test_unloadable.py did not load")
    assert "no_such_generated_helper" in unloadable["ato_fault"]
