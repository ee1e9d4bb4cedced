from ato_harness.static_check import relative, relativize_bandit


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
