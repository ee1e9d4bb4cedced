import json

from ato_runner.contract import shape_errors
from ato_runner.manifest import Manifest

from ato_harness.static_check import relative, relativize_bandit, write_findings
from ato_harness.workspace import Workspace


def test_bandit_paths_become_relative_to_the_head_tree():
    report = {
        "results": [{"filename": "./pkg/calc.py", "line_number": 3}],
        "errors": [{"filename": "./pkg/bad.py", "reason": "syntax error"}],
        "metrics": {"./pkg/calc.py": {"loc": 3}, "_totals": {"loc": 3}},
    }
    fixed = relativize_bandit(report)
    assert fixed["results"][0]["filename"] == "pkg/calc.py"
    assert fixed["errors"][0]["filename"] == "pkg/bad.py"
    assert set(fixed["metrics"]) == {"pkg/calc.py", "_totals"}
    assert relative("pkg/x.py") == "pkg/x.py"


def test_bandits_report_becomes_findings_json_or_a_problem(tmp_path):
    ws = Workspace(tmp_path / "work", scratch=tmp_path / "scratch")
    report = tmp_path / "bandit.json"
    result = {"filename": "pkg/calc.py", "line_number": 3, "test_id": "B101", "issue_severity": "LOW"}
    report.write_text(json.dumps({"results": [result]}))
    manifest = Manifest()
    write_findings(ws, manifest, report, ["pkg/calc.py"])
    findings = json.loads((ws.out / "findings.json").read_text())
    assert shape_errors(findings, "findings.json") == []
    assert [(f["rule"], f["line"]) for f in findings["findings"]] == [("B101", 3)]
    report.write_text("not json")
    write_findings(ws, manifest, report, ["pkg/calc.py"])
    [problem] = manifest.problems
    assert problem["kind"] == "tool" and problem["message"].startswith("static/bandit.json is not bandit's JSON")
