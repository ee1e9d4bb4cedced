"""The whole harness on a workspace made from a real git repository, as the host would upload it."""

import ast
import importlib.util
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest
from ato_runner import PROTOCOL_VERSION
from ato_runner.contract import shape_errors
from harness_process import run_harness

from ato_harness.characterize import MAX_CHANGES_PER_SYMBOL
from ato_harness.values import literal_value

BASE_CALC = '''def add(a: int, b: int) -> int:
    """Add.

    >>> add(1, 2)
    3
    """
    return a + b


def shout(s, times=1):
    return (s.upper() + "!") * times


def apply_discount(price: float, percent: int) -> float:
    return round(price * (100 - min(percent, 100)) / 100, 2)
'''

HEAD_CALC = '''import random


def add(a: int, b: int) -> int:
    """Add.

    >>> add(1, 2)
    3
    """
    if b < 0:
        raise ValueError("negative")
    return a + b


def shout(s, times=1):
    return (s.upper() + "!") * times


def coin(n: int) -> bool:
    return random.random() < 0.5


def double(x: int) -> int:
    return 2 * x


def apply_discount(price: float, percent: int) -> float:
    if percent > 100:
        raise ValueError("percent above 100")
    return round(price * (100 - min(percent, 100)) / 100, 2)
'''


def git(repo, *args):
    subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "HOME": str(repo),
        },
    )


def export(repo, rev, dest):
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=repo, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-xf", "-"], cwd=dest, input=archive, check=True)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    repo = root / "repo"
    (repo / "pkg").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "pkg" / "__init__.py").write_text("")
    (repo / "pkg" / "calc.py").write_text(BASE_CALC)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "tag", "base")
    (repo / "pkg" / "calc.py").write_text(HEAD_CALC)
    (repo / "pkg" / "bad.py").write_text("def broken(:\n    pass\n")
    (repo / "pkg" / "hangs.py").write_text("while True:\n    pass\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "head")
    work = root / "work"
    export(repo, "base", work / "base")
    export(repo, "HEAD", work / "head")
    symbols = [
        {"name": "add", "kind": "function", "start_line": 4, "end_line": 12, "is_new": False},
        {"name": "shout", "kind": "function", "start_line": 15, "end_line": 16, "is_new": False},
        {"name": "coin", "kind": "function", "start_line": 19, "end_line": 20, "is_new": True},
        {"name": "double", "kind": "function", "start_line": 23, "end_line": 24, "is_new": True},
        {"name": "apply_discount", "kind": "function", "start_line": 27, "end_line": 30, "is_new": False},
    ]
    plan = {
        "protocol": PROTOCOL_VERSION,
        "runner": "python",
        "seed": 1234,
        "reruns": 2,
        "step_timeout_secs": 40,
        "has_base": True,
        "files": [
            {
                "path": "pkg/calc.py",
                "language": "python",
                "changed_lines": [1, 10, 11, 19, 20, 23, 24, 28, 29],
                "symbols": symbols,
            },
            {"path": "pkg/bad.py", "language": "python", "changed_lines": [1], "symbols": []},
            {"path": "pkg/hangs.py", "language": "python", "changed_lines": [1], "symbols": []},
        ],
    }
    return work / "out", run_harness(work, plan, timeout=600)


def junit_cases(out, run):
    root = ET.parse(out / "junit" / f"run-{run}.xml").getroot()
    return {f"{c.get('classname')}::{c.get('name')}": c for c in root.iter("testcase")}


def test_behaviour_change_is_reported_with_the_call_and_both_results(result):
    _, manifest = result
    changes = [c for c in manifest["behaviour_changes"] if c["symbol"] == "add"]
    assert changes, manifest
    first = changes[0]
    assert first["file"] == "pkg/calc.py" and first["input"].startswith("add(")
    assert first["base"]["kind"] == "returned"
    assert first["head"] == {"kind": "raised", "error": "ValueError", "message": "negative"}
    assert not [c for c in manifest["behaviour_changes"] if c["symbol"] in ("shout", "coin")]


def test_a_change_above_a_threshold_is_reported_first_with_a_minimal_input(result):
    _, manifest = result
    inputs = [c["input"] for c in manifest["behaviour_changes"] if c["symbol"] == "apply_discount"]
    # Hypothesis draws percents like 15173; shrinking finds the smallest above the threshold, and a plain price.
    assert inputs[0] == "apply_discount(0.0, 101)", inputs
    assert len(inputs) == len(set(inputs)) <= MAX_CHANGES_PER_SYMBOL
    assert len(inputs) > 1  # the drawn inputs that differed follow the shrunk one
    assert [c["input"] for c in manifest["behaviour_changes"] if c["symbol"] == "add"][0] == "add(0, -1)"


def load_calc(work, side):
    spec = importlib.util.spec_from_file_location(f"calc_{side}", work / side / "pkg" / "calc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def replay(module, call):
    """What ``call`` (a reported input, plain data only) does on ``module``, in the manifest's terms."""
    node = ast.parse(call, mode="eval").body
    args = [literal_value(ast.unparse(arg)) for arg in node.args]
    kwargs = {kw.arg: literal_value(ast.unparse(kw.value)) for kw in node.keywords}
    try:
        return {"kind": "returned", "value": repr(getattr(module, node.func.id)(*args, **kwargs))}
    except Exception as err:
        return {"kind": "raised", "error": type(err).__name__, "message": str(err)}


def test_the_shrunk_inputs_still_differ_when_replayed_on_base_and_head(result):
    out, manifest = result
    base, head = load_calc(out.parent, "base"), load_calc(out.parent, "head")
    for symbol in ("add", "apply_discount"):
        first = next(c for c in manifest["behaviour_changes"] if c["symbol"] == symbol)
        assert replay(base, first["input"]) == first["base"]
        assert replay(head, first["input"]) == first["head"]
        assert first["base"] != first["head"]


def test_problems_for_the_syntax_error_and_the_hanging_import(result):
    _, manifest = result
    kinds = {(p["path"], p["kind"]) for p in manifest["problems"]}
    assert ("pkg/bad.py", "syntax_error") in kinds
    assert ("pkg/hangs.py", "timeout") in kinds
    [bad] = [p for p in manifest["problems"] if p["path"] == "pkg/bad.py"]
    assert bad["line"] == 1


def test_every_kind_is_generated_and_every_junit_case_is_in_the_manifest(result):
    out, manifest = result
    kinds = {t["kind"] for t in manifest["tests"]}
    assert kinds == {"smoke", "doctest", "property", "characterization", "regression"}
    ids = {t["id"] for t in manifest["tests"]}
    for run in (1, 2):
        assert set(junit_cases(out, run)) == ids
    for generated in manifest["generated"]:
        assert (out / generated["file"]).is_file()
        assert generated["repo_path"].startswith("tests/ato/")
    doctest = junit_cases(out, 1)["test_ato_pkg_calc_doctest::test_add_doctest"]
    assert doctest.find("failure") is None


def test_regression_tests_pin_only_deterministic_new_functions(result):
    out, manifest = result
    targets = {t["target"] for t in manifest["tests"] if t["kind"] == "regression"}
    assert targets == {"pkg/calc.py::double"}
    assert any("coin" in note and "nondeterministic" in note for note in manifest["notes"])
    regression = (out / "tests" / "test_ato_pkg_calc_regression.py").read_text()
    assert "_module().double(0) == 0" in regression


def test_coverage_and_bandit_paths_are_relative_to_the_head_tree(result):
    out, _ = result
    coverage = json.loads((out / "coverage" / "coverage.json").read_text())
    assert "pkg/calc.py" in coverage["files"]
    assert 11 in coverage["files"]["pkg/calc.py"]["executed_lines"]
    bandit = json.loads((out / "static" / "bandit.json").read_text())
    names = {r["filename"] for r in bandit["results"]} | {e["filename"] for e in bandit["errors"]}
    assert "pkg/calc.py" in names  # random.random: bandit B311
    assert all(not n.startswith(("/", "./")) for n in names)


def test_every_output_file_follows_the_contract(result):
    out, manifest = result
    assert shape_errors(manifest, "manifest.json") == []
    coverage = json.loads((out / "coverage.json").read_text())
    assert shape_errors(coverage, "coverage.json") == []
    calc = next(f for f in coverage["files"] if f["path"] == "pkg/calc.py")
    assert 11 in calc["executed"]
    import coverage as coverage_py

    if int(coverage_py.__version__.split(".")[0]) >= 6:  # coverage 5.1 (Python 3.9 image): no arcs in its JSON
        assert calc["branches"], "branches are measured"
    findings = json.loads((out / "findings.json").read_text())
    assert shape_errors(findings, "findings.json") == []
    assert any(f["path"] == "pkg/calc.py" and f["rule"] == "B311" for f in findings["findings"])
