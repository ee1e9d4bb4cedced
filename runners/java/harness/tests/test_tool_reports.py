"""JaCoCo's and FindBugs' XML reports → ato's coverage and findings files (what the host used to parse itself).

``fixtures/jacoco.xml`` and ``fixtures/findbugs.xml`` are in the formats ``ato.CoverageReport`` (JaCoCo's XML
formatter) and FindBugs ``-xml:withMessages`` write, for a ``com/example/Calc.java``; the repository's sample
runner outputs hold their conversion.
"""

import unittest
from pathlib import Path

from ato_runner.contract import shape_errors
from ato_runner.findings import findings_json

from ato_java.tool_reports import ReportError, coverage_from_jacoco, findings_from_findbugs

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CALC = "src/main/java/com/example/Calc.java"


class JacocoTest(unittest.TestCase):
    def test_package_paths_become_the_targets_they_end(self):
        xml = """<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
            <report name="r"><package name="com/ex"><class name="com/ex/A" sourcefilename="A.java"/>
            <sourcefile name="A.java"><line nr="3" mi="2" ci="0" mb="0" cb="0"/><line nr="4" mi="1" ci="2"/>
            <counter type="LINE" missed="1" covered="1"/></sourcefile></package></report>"""
        document = coverage_from_jacoco(xml, ["src/main/java/com/ex/A.java"]).to_json()
        self.assertEqual(shape_errors(document, "coverage.json"), [])
        self.assertEqual(document["tool"], "jacoco")
        self.assertEqual(
            document["files"],
            [{"path": "src/main/java/com/ex/A.java", "executed": [4], "missing": [3], "branches": []}],
        )

    def test_the_sample_report_converts_with_its_branches(self):
        report = coverage_from_jacoco((FIXTURES / "jacoco.xml").read_text(), [CALC])
        [calc] = report.to_json()["files"]
        self.assertEqual(calc["path"], CALC)
        changed = [5, 6, 10, 11, 12, 20]
        self.assertEqual([n for n in changed if n in calc["executed"]], [5, 6, 10, 11])
        self.assertEqual([n for n in changed if n in calc["missing"]], [12])
        self.assertEqual(calc["branches"], [{"line": 10, "taken": 1, "total": 2}])

    def test_a_file_outside_the_targets_keeps_its_package_path(self):
        xml = (
            '<report><package name="com/ex"><sourcefile name="B.java"><line nr="1" ci="1"/></sourcefile>'
            "</package></report>"
        )
        [other] = coverage_from_jacoco(xml, [CALC]).to_json()["files"]
        self.assertEqual(other["path"], "com/ex/B.java")

    def test_xml_that_is_not_well_formed_is_an_error(self):
        with self.assertRaises(ReportError):
            coverage_from_jacoco("<report><package></report>", [])


class FindbugsTest(unittest.TestCase):
    TARGETS = ["pkg/calc.py", "src/main/java/com/ex/A.java"]

    def test_the_bugs_own_primary_line_wins_and_the_rule_stands_in_for_a_message(self):
        xml = """<BugCollection><BugInstance type="DM_X" priority="2">
            <ShortMessage>short</ShortMessage><LongMessage>long &amp; detailed</LongMessage>
            <Class classname="com.ex.A" primary="true">
              <SourceLine start="1" end="30" sourcepath="com/ex/A.java"/></Class>
            <Method primary="true"><SourceLine start="10" end="13" sourcepath="com/ex/A.java"/></Method>
            <SourceLine primary="true" start="12" end="12" sourcepath="com/ex/A.java">
              <Message>At A.java</Message></SourceLine>
            </BugInstance>
            <BugInstance type="CLASS_ONLY" priority="3">
              <Class><SourceLine start="2" sourcepath="com/ex/A.java"/></Class></BugInstance>
            </BugCollection>"""
        document = findings_json(findings_from_findbugs(xml, self.TARGETS))
        self.assertEqual(shape_errors(document, "findings.json"), [])
        first, second = document["findings"]
        self.assertEqual(
            first,
            {
                "tool": "findbugs",
                "rule": "DM_X",
                "severity": "medium",
                "path": "src/main/java/com/ex/A.java",
                "line": 12,
                "lines": [12],
                "message": "long & detailed",
            },
        )
        self.assertEqual((second["line"], second["severity"], second["message"]), (2, "low", "CLASS_ONLY"))

    def test_the_method_line_comes_before_the_class_line_and_short_before_the_rule(self):
        xml = """<BugCollection><BugInstance type="R" priority="1"><ShortMessage> only short </ShortMessage>
            <Class><SourceLine start="1" sourcepath="com/ex/A.java"/></Class>
            <Method><SourceLine start="5" sourcepath="com/ex/A.java"/></Method>
            <Method primary="true"><SourceLine start="7" sourcepath="com/ex/A.java"/></Method>
            </BugInstance><BugInstance type="NOWHERE"/></BugCollection>"""
        first, nowhere = findings_from_findbugs(xml, self.TARGETS)
        self.assertEqual((first.line, first.severity, first.message), (7, "high", "only short"))
        self.assertEqual((nowhere.path, nowhere.line), ("", 0))

    def test_the_sample_report_converts(self):
        findings = findings_from_findbugs((FIXTURES / "findbugs.xml").read_text(), [CALC])
        self.assertEqual(
            [(f.rule, f.line, f.severity) for f in findings],
            [("DM_DEFAULT_ENCODING", 18, "high"), ("ICAST_IDIV_CAST_TO_DOUBLE", 11, "medium")],
        )
        self.assertTrue(all(f.path == CALC for f in findings))

    def test_xml_that_is_not_well_formed_is_an_error(self):
        with self.assertRaises(ReportError):
            findings_from_findbugs("<BugCollection><BugInstance></BugCollection>", self.TARGETS)


if __name__ == "__main__":
    unittest.main()
