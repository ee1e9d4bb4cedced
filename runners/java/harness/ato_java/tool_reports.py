"""JaCoCo's XML report and FindBugs' (or SpotBugs') XML report, converted into ato's coverage and findings
files.

The host reads one coverage format and one findings format whatever the language (``runners/PROTOCOL.md``);
this is where the Java runner's tools are translated. Pure: XML text in, ``ato_runner`` objects out. Both
tools name a source file by its package folder (``com/example/Calc.java``); it becomes the target whose
repository path ends with that (``src/main/java/com/example/Calc.java``). A report that does not parse is a
``ReportError``, which the caller turns into a ``tool`` problem.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ato_runner.findings import Finding
from ato_runner.line_coverage import CoverageReport
from ato_runner.paths import repo_path


class ReportError(ValueError):
    """A tool's report is not well-formed XML."""


def _parse(xml: str, what: str) -> ET.Element:
    # Both reports are written in the container by the tools themselves; expat fetches no external DTD and
    # refuses entity expansion bombs.
    try:
        return ET.fromstring(xml)  # noqa: S314
    except ET.ParseError as err:
        raise ReportError(f"{what} is not well-formed: {err}") from err


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _int(text: str | None, default: int | None = None) -> int | None:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def coverage_from_jacoco(xml: str, targets: list[str]) -> CoverageReport:
    """JaCoCo's XML: ``package name=`` / ``sourcefile name=`` / ``line nr= mi= ci= mb= cb=``. A line with any
    covered instruction ran; its branch outcomes are ``mb + cb``, of which ``cb`` were taken."""
    report = CoverageReport("jacoco")
    for package in (e for e in _parse(xml, "jacoco.xml").iter() if _local(e.tag) == "package"):
        folder = package.get("name") or ""
        for source in (e for e in package if _local(e.tag) == "sourcefile"):
            name = source.get("name") or ""
            lines = report.file(repo_path(f"{folder}/{name}" if folder else name, targets))
            for line in (e for e in source if _local(e.tag) == "line"):
                number = _int(line.get("nr"))
                if number is None:
                    continue
                if (_int(line.get("ci"), 0) or 0) > 0:
                    lines.executed.add(number)
                else:
                    lines.missing.add(number)
                missed, covered = _int(line.get("mb"), 0) or 0, _int(line.get("cb"), 0) or 0
                if missed + covered > 0:
                    lines.add_branches(number, covered, missed + covered)
    return report


@dataclass
class _Location:
    rank: int  # 0: a direct child marked primary; 1: a direct child; 2: in the primary method; 3: in the class
    path: str
    line: int


def findings_from_findbugs(xml: str, targets: list[str]) -> list[Finding]:
    """Each ``<BugInstance type= priority=>`` with its messages and the most specific ``<SourceLine>``: its
    own primary line, else its own, else its primary method's, else its class's."""
    findings = []
    for bug in (e for e in _parse(xml, "findbugs.xml").iter() if _local(e.tag) == "BugInstance"):
        rule = bug.get("type") or ""
        texts = {"ShortMessage": "", "LongMessage": ""}
        location: _Location | None = None
        for child in bug:
            tag = _local(child.tag)
            if tag in texts:
                texts[tag] += "".join(child.itertext())
            candidates = []
            if tag == "SourceLine":
                candidates = [(0 if child.get("primary") == "true" else 1, child)]
            elif tag == "Method" and child.get("primary") == "true":
                candidates = [(2, e) for e in child if _local(e.tag) == "SourceLine"]
            elif tag == "Class":
                candidates = [(3, e) for e in child if _local(e.tag) == "SourceLine"]
            for rank, line in candidates:
                start, path = _int(line.get("start")), line.get("sourcepath")
                if start is not None and path is not None and (location is None or rank < location.rank):
                    location = _Location(rank, path, start)
        priority = _int(bug.get("priority"), 3)
        message = texts["LongMessage"].strip() or texts["ShortMessage"].strip() or rule
        findings.append(
            Finding(
                tool="findbugs",
                rule=rule,
                severity={1: "high", 2: "medium"}.get(priority, "low"),
                path=repo_path(location.path, targets) if location else "",
                line=location.line if location else 0,
                message=message,
            )
        )
    return findings
