"""Validate mode end to end: candidate modules run through the harness, checked against exact validation.json
entries (see runners/PROTOCOL.md, "validate mode")."""

import json

import pytest
from ato_runner import PROTOCOL_VERSION

from ato_harness import main

CALC = """def add(a, b):
    return a + b


def sub(a, b):
    if a < b:
        return -(b - a)
    return a - b


def unused():
    return 0
"""
# Lines 1, 5 and 11 (the defs) run at import; the bodies only when called.
ADD_LINES = [1, 2, 5, 11]
SUB_LINES = [1, 5, 6, 7, 8, 11]

CANDIDATES = {
    "good": """from pkg.calc import add


def test_add_small():
    assert add(1, 2) == 3


def test_add_negative():
    assert add(-1, -1) == -2
""",
    "sub": """from pkg.calc import sub


def test_sub_positive():
    assert sub(3, 1) == 2


def test_sub_negative():
    assert sub(1, 3) == -2
""",
    "import": """from pkg.calc import multiply


def test_multiply():
    assert multiply(2, 3) == 6
""",
    "wrong": """from pkg.calc import add


def test_add_wrong():
    assert add(1, 2) == 4
""",
    # Passes the first time only: the marker it leaves in the temporary folder is still there in later runs.
    "flaky": """import tempfile
from pathlib import Path

from pkg.calc import add


def test_first_time_only():
    marker = Path(tempfile.gettempdir()) / "ato-flaky-marker"
    seen = marker.exists()
    marker.write_text("seen")
    assert add(0, 0) == 0
    assert not seen
""",
    "hang": """import time

from pkg.calc import add


def test_add_then_hang():
    assert add(1, 1) == 2
    time.sleep(120)
""",
    "unchanged": """from pkg.calc import unused


def test_unused():
    assert unused() == 0
""",
    # A top-level module and a src/ layout, imported as the project's own tests would.
    "roots": """import util
from shapes.area import square


def test_roots():
    assert util.twice(2) == 4
    assert square(3) == 9
""",
}

FILES = [
    {"path": "pkg/calc.py", "language": "python", "changed_lines": [2, 6, 7, 8], "symbols": []},
    {"path": "util.py", "language": "python", "changed_lines": [2], "symbols": []},
    {"path": "src/shapes/area.py", "language": "python", "changed_lines": [2], "symbols": []},
]


def make_workspace(root, candidates, reruns=3, step_timeout_secs=30):
    head = root / "head"
    (head / "pkg").mkdir(parents=True)
    (head / "pkg" / "__init__.py").write_text("")
    (head / "pkg" / "calc.py").write_text(CALC)
    (head / "util.py").write_text("def twice(x):\n    return 2 * x\n")
    (head / "src" / "shapes").mkdir(parents=True)
    (head / "src" / "shapes" / "__init__.py").write_text("")
    (head / "src" / "shapes" / "area.py").write_text("def square(x):\n    return x * x\n")
    (root / "candidates").mkdir()
    plan_candidates = []
    for cid, source in candidates.items():
        file = f"candidates/test_llm_{cid}.py"
        if source is not None:
            (root / file).write_text(source)
        plan_candidates.append({"id": f"c_{cid}", "file": file, "target": "pkg/calc.py::add"})
    plan = {
        "protocol": PROTOCOL_VERSION,
        "runner": "python",
        "mode": "validate",
        "seed": 7,
        "reruns": reruns,
        "step_timeout_secs": step_timeout_secs,
        "has_base": False,
        "files": FILES,
        "candidates": plan_candidates,
    }
    (root / "plan.json").write_text(json.dumps(plan))


def run_harness(root):
    assert main.main(root) == 0
    manifest = json.loads((root / "out" / "manifest.json").read_text())
    validation = json.loads((root / "out" / "validation.json").read_text())
    assert validation["protocol"] == PROTOCOL_VERSION
    return manifest, {entry["id"]: entry for entry in validation["candidates"]}, validation


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    root = tmp_path_factory.mktemp("validate")
    make_workspace(root, {**CANDIDATES, "absent": None})
    manifest, entries, validation = run_harness(root)
    return root, manifest, entries, validation


def passing(cid, tests, covered):
    return {"id": cid, "collected": True, "tests": tests, "runs": ["passed"] * 3, "error": None, "covered": covered}


def test_one_entry_per_candidate_in_plan_order(validated):
    _, _, _, validation = validated
    assert [e["id"] for e in validation["candidates"]] == [f"c_{cid}" for cid in [*CANDIDATES, "absent"]]


def test_a_good_candidate_passes_every_run_and_covers_what_it_calls(validated):
    _, _, entries, _ = validated
    assert entries["c_good"] == passing("c_good", 2, {"pkg/calc.py": ADD_LINES})


def test_two_candidates_in_one_run_have_their_own_coverage(validated):
    _, _, entries, _ = validated
    assert entries["c_sub"] == passing("c_sub", 2, {"pkg/calc.py": SUB_LINES})
    assert entries["c_good"]["covered"] != entries["c_sub"]["covered"]


def test_a_candidate_that_does_not_import_is_not_collected_and_says_why(validated):
    root, _, entries, _ = validated
    entry = entries["c_import"]
    error = entry.pop("error")
    assert entry == {"id": "c_import", "collected": False, "tests": 0, "runs": [], "covered": {}}
    assert "ImportError" in error and "cannot import name 'multiply' from 'pkg.calc'" in error
    assert "candidates/test_llm_import.py" in error and str(root) not in error


def test_a_wrong_assertion_fails_every_run_with_its_first_failure(validated):
    root, _, entries, _ = validated
    entry = entries["c_wrong"]
    error = entry.pop("error")
    assert entry == {
        "id": "c_wrong",
        "collected": True,
        "tests": 1,
        "runs": ["failed"] * 3,
        "covered": {"pkg/calc.py": ADD_LINES},
    }
    assert error.startswith("test_add_wrong: AssertionError: assert 3 == 4\n")
    assert "candidates/test_llm_wrong.py:5: in test_add_wrong" in error and str(root) not in error
    assert len(error) <= 4000


def test_a_flaky_candidate_shows_mixed_runs_and_the_failing_runs_error(validated):
    _, _, entries, _ = validated
    entry = entries["c_flaky"]
    error = entry.pop("error")
    assert entry == {
        "id": "c_flaky",
        "collected": True,
        "tests": 1,
        "runs": ["passed", "failed", "failed"],
        "covered": {"pkg/calc.py": ADD_LINES},
    }
    assert error.startswith("test_first_time_only: AssertionError: assert not True\n")


def test_a_hanging_candidate_costs_its_per_test_limit_and_keeps_its_coverage(validated):
    _, manifest, entries, _ = validated
    entry = entries["c_hang"]
    error = entry.pop("error")
    assert entry == {
        "id": "c_hang",
        "collected": True,
        "tests": 1,
        "runs": ["failed"] * 3,
        "covered": {"pkg/calc.py": [1, 2, 5, 11]},
    }
    assert error.startswith("test_add_then_hang: PerTestTimeout: test did not finish within 5s (ato per-test limit)")
    assert "pytest_plugin.py" not in error, "the limit's own frame is hidden"
    assert not [p for p in manifest["problems"] if p["kind"] == "timeout"], "the run itself stayed in its limit"


def test_a_candidate_may_cover_no_changed_line(validated):
    _, _, entries, _ = validated
    assert entries["c_unchanged"] == passing("c_unchanged", 1, {"pkg/calc.py": [1, 5, 11, 12]})
    changed = set(FILES[0]["changed_lines"])
    assert not changed & set(entries["c_unchanged"]["covered"]["pkg/calc.py"])


def test_candidates_import_top_level_modules_and_src_layouts(validated):
    _, _, entries, _ = validated
    assert entries["c_roots"] == passing("c_roots", 1, {"src/shapes/area.py": [1, 2], "util.py": [1, 2]})


def test_a_candidate_file_that_is_not_there_is_reported(validated):
    _, _, entries, _ = validated
    assert entries["c_absent"] == {
        "id": "c_absent",
        "collected": False,
        "tests": 0,
        "runs": [],
        "error": "candidates/test_llm_absent.py is not in the workspace",
        "covered": {},
    }


def test_validate_mode_generates_nothing_and_runs_no_checker(validated):
    root, manifest, _, _ = validated
    assert manifest["generated"] == [] and manifest["tests"] == [] and manifest["behaviour_changes"] == []
    assert manifest["problems"] == [], manifest["problems"]
    assert not (root / "out" / "tests").exists() and not (root / "out" / "static").exists()


DYING = {
    "before": CANDIDATES["good"],
    "exit": """import os

from pkg.calc import sub


def test_sub_then_exit():
    assert sub(3, 1) == 2
    os._exit(3)
""",
    "import_exit": "import os\n\nos._exit(4)\n\n\ndef test_never():\n    pass\n",
    "import_hang": "import time\n\ntime.sleep(120)\n\n\ndef test_never():\n    pass\n",
    "empty": "from pkg.calc import add\n\nVALUE = add(1, 2)\n",
    "after": CANDIDATES["sub"],
}


@pytest.fixture(scope="module")
def dying(tmp_path_factory):
    root = tmp_path_factory.mktemp("dying")
    make_workspace(root, DYING, reruns=2)
    manifest, entries, _ = run_harness(root)
    return manifest, entries


def test_candidates_around_one_that_kills_pytest_still_get_their_results(dying):
    _, entries = dying
    assert entries["c_before"] == {**passing("c_before", 2, {"pkg/calc.py": ADD_LINES}), "runs": ["passed"] * 2}
    assert entries["c_after"] == {**passing("c_after", 2, {"pkg/calc.py": SUB_LINES}), "runs": ["passed"] * 2}


def test_a_test_that_kills_pytest_is_missing_from_every_run(dying):
    _, entries = dying
    entry = entries["c_exit"]
    error = entry.pop("error")
    assert entry == {
        "id": "c_exit",
        "collected": True,
        "tests": 1,
        "runs": ["missing", "missing"],
        "covered": {},  # its lines died with the process before coverage wrote them
    }
    assert error.startswith(
        "test_sub_then_exit: the pytest process ended during this test in run 1 (exited with status 3"
    )


def test_a_module_that_kills_pytest_on_import_is_not_collected(dying):
    _, entries = dying
    entry = entries["c_import_exit"]
    error = entry.pop("error")
    assert entry == {"id": "c_import_exit", "collected": False, "tests": 0, "runs": [], "covered": {}}
    assert error.startswith(
        "the pytest process ended while importing candidates/test_llm_import_exit.py (exited with status 4"
    )


def test_a_module_that_hangs_on_import_fails_its_collection_alone(dying):
    _, entries = dying
    entry = entries["c_import_hang"]
    error = entry.pop("error")
    assert entry == {"id": "c_import_hang", "collected": False, "tests": 0, "runs": [], "covered": {}}
    assert "CollectionTimeout: importing the module did not finish within 5s" in error


def test_a_module_without_tests_is_not_collected(dying):
    _, entries = dying
    assert entries["c_empty"] == {
        "id": "c_empty",
        "collected": False,
        "tests": 0,
        "runs": [],
        "error": "no tests were found in candidates/test_llm_empty.py",
        "covered": {},
    }


def test_the_sessions_that_ended_early_are_noted(dying):
    manifest, _ = dying
    assert manifest["problems"] == [], manifest["problems"]
    assert any("were run again in a new session" in note for note in manifest["notes"]), manifest["notes"]
