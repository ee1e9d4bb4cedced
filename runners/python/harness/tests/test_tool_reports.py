"""coverage.py's and bandit's reports → ato's coverage and findings files (what the host used to parse itself).

The fixtures are real: ``fixtures/coverage-py-report.json`` and ``fixtures/bandit-report.json`` were written by
pytest-cov and bandit in the runner image for a small ``pkg/calc.py`` (see the repository's sample runner
outputs, which hold their conversion).
"""

import json
from pathlib import Path

import pytest
from ato_runner.contract import shape_errors
from ato_runner.findings import findings_json

from ato_harness.tool_reports import ReportError, coverage_from_coverage_py, findings_from_bandit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEAD = "/work/head"


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def test_coverage_py_lines_of_every_file_are_kept():
    data = {
        "meta": {"format": 3},
        "files": {
            "pkg/calc.py": {"executed_lines": [1, 2, 5, 6], "missing_lines": [8, 9], "summary": {}},
            "pkg/other.py": {"executed_lines": [1], "missing_lines": []},
        },
    }
    document = coverage_from_coverage_py(data, ["pkg/calc.py"], HEAD).to_json()
    assert shape_errors(document, "coverage.json") == []
    assert document["tool"] == "coverage.py"
    assert document["files"] == [
        {"path": "pkg/calc.py", "executed": [1, 2, 5, 6], "missing": [8, 9], "branches": []},
        {"path": "pkg/other.py", "executed": [1], "missing": [], "branches": []},
    ]


def test_coverage_py_branch_arcs_become_outcomes_per_line():
    data = {
        "files": {
            "/work/head/pkg/calc.py": {
                "executed_lines": [3, 4, 5],
                "missing_lines": [6],
                "executed_branches": [[4, 5], [7, -1], [7, 8]],
                "missing_branches": [[4, 6]],
            }
        }
    }
    [calc] = coverage_from_coverage_py(data, ["pkg/calc.py"], HEAD).to_json()["files"]
    assert calc["path"] == "pkg/calc.py"
    assert calc["branches"] == [{"line": 4, "taken": 1, "total": 2}, {"line": 7, "taken": 2, "total": 2}]


def test_the_real_coverage_py_report_converts():
    document = coverage_from_coverage_py(fixture("coverage-py-report.json"), ["pkg/calc.py"], HEAD).to_json()
    assert shape_errors(document, "coverage.json") == []
    calc = next(f for f in document["files"] if f["path"] == "pkg/calc.py")
    changed = [11, 12, 13, 16, 17, 18, 21, 22, 23, 24]
    assert [n for n in changed if n in calc["executed"]] == [11, 12, 13, 16, 21, 22, 24]
    assert [n for n in changed if n in calc["missing"]] == [18, 23]


@pytest.mark.parametrize(
    "data", [{"totals": {}}, [], {"files": {"a.py": []}}, {"files": {"a.py": {"executed_lines": ["x"]}}}]
)
def test_other_json_is_not_a_coverage_py_report(data):
    with pytest.raises(ReportError):
        coverage_from_coverage_py(data, [], HEAD)


def test_bandit_results_become_findings():
    data = {
        "errors": [],
        "results": [
            {
                "filename": "./pkg/calc.py",
                "line_number": 18,
                "line_range": [18, 19],
                "test_id": "B602",
                "test_name": "x",
                "issue_severity": "HIGH",
                "issue_confidence": "HIGH",
                "issue_text": "shell=True",
            },
            {
                "filename": "./pkg/calc.py",
                "line_number": 2,
                "test_id": "B404",
                "issue_severity": "LOW",
                "issue_text": "subprocess",
            },
            {"filename": "pkg/calc.py", "line_number": 3, "test_id": "B307", "issue_severity": "MEDIUM"},
        ],
    }
    document = findings_json(findings_from_bandit(data, ["pkg/calc.py"], HEAD))
    assert shape_errors(document, "findings.json") == []
    first, second, third = document["findings"]
    assert first == {
        "tool": "bandit",
        "rule": "B602",
        "severity": "high",
        "path": "pkg/calc.py",
        "line": 18,
        "lines": [18, 19],
        "message": "shell=True",
    }
    assert (second["severity"], second["lines"]) == ("low", [2])
    assert (third["severity"], third["message"]) == ("medium", "")


def test_the_real_bandit_report_converts():
    findings = findings_from_bandit(fixture("bandit-report.json"), ["pkg/calc.py"], HEAD)
    assert [(f.rule, f.line, f.severity) for f in findings] == [
        ("B404", 2, "low"),
        ("B602", 18, "high"),
        ("B101", 28, "low"),
        ("B307", 29, "medium"),
    ]
    assert all(f.path == "pkg/calc.py" and f.tool == "bandit" for f in findings)


@pytest.mark.parametrize("data", [[], {"results": {}}, {"results": [{"filename": "a.py", "line_number": 1}]}])
def test_other_json_is_not_a_bandit_report(data):
    with pytest.raises(ReportError):
        findings_from_bandit(data, [], HEAD)
