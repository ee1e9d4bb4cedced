"""coverage.py's and bandit's own reports, converted into ato's coverage and findings files.

The host reads one coverage format and one findings format whatever the language (``runners/PROTOCOL.md``);
this is where the Python runner's tools are translated. Pure: decoded JSON in, ``ato_runner`` objects out.
A report that is not what its tool writes is a ``ReportError``, which the caller turns into a ``tool``
problem.
"""

from __future__ import annotations

from collections import Counter

from ato_runner.findings import Finding
from ato_runner.line_coverage import CoverageReport
from ato_runner.paths import repo_path


class ReportError(ValueError):
    """A tool's report does not have the shape that tool writes."""


def coverage_from_coverage_py(data: object, targets: list[str], head: str) -> CoverageReport:
    """coverage.py's ``--cov-report=json``: each file's ``executed_lines`` and ``missing_lines`` and, with
    branch measurement, its ``executed_branches`` and ``missing_branches`` as ``[from, to]`` arcs; a line's
    branch outcomes are the arcs that leave it."""
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(entry, dict) for entry in files.values()):
        raise ReportError("it has no files object")
    report = CoverageReport("coverage.py")
    for raw, entry in files.items():
        lines = report.file(repo_path(raw, targets, head))
        lines.executed |= set(_ints(entry.get("executed_lines", []), "executed_lines"))
        lines.missing |= set(_ints(entry.get("missing_lines", []), "missing_lines"))
        taken = Counter(arc[0] for arc in _arcs(entry.get("executed_branches", [])))
        missed = Counter(arc[0] for arc in _arcs(entry.get("missing_branches", [])))
        for line in sorted(set(taken) | set(missed)):
            lines.add_branches(line, taken[line], taken[line] + missed[line])
    return report


def findings_from_bandit(data: object, targets: list[str], head: str) -> list[Finding]:
    """bandit's ``-f json``: each result's file, line, line range, test id, severity and text."""
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise ReportError("it has no results array")
    findings = []
    for result in results:
        if not isinstance(result, dict):
            raise ReportError("a result is not an object")
        filename, line, rule = result.get("filename"), result.get("line_number"), result.get("test_id")
        if not isinstance(filename, str) or not _is_int(line) or not isinstance(rule, str):
            raise ReportError("a result lacks its filename, line_number or test_id")
        severity = str(result.get("issue_severity") or "").upper()
        findings.append(
            Finding(
                tool="bandit",
                rule=rule,
                severity={"HIGH": "high", "MEDIUM": "medium"}.get(severity, "low"),
                path=repo_path(filename, targets, head),
                line=line,
                message=str(result.get("issue_text") or ""),
                lines=_ints(result.get("line_range", []), "line_range"),
            )
        )
    return findings


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ints(value: object, name: str) -> list[int]:
    if not isinstance(value, list) or not all(_is_int(n) for n in value):
        raise ReportError(f"{name} is not an array of line numbers")
    return value


def _arcs(value: object) -> list[list[int]]:
    if not isinstance(value, list) or not all(
        isinstance(arc, list) and len(arc) == 2 and all(_is_int(n) for n in arc) for arc in value
    ):
        raise ReportError("a branch list is not an array of [from, to] arcs")
    return value
