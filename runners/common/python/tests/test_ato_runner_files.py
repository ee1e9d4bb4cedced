"""What every harness writes through ato_runner follows the contract's examples (runners/contract/)."""

import json
import tempfile
import unittest
from pathlib import Path

from ato_runner import PROTOCOL_VERSION
from ato_runner.contract import shape_errors
from ato_runner.findings import Finding, findings_json
from ato_runner.jsonfiles import read_json_lines, write_json_atomically
from ato_runner.line_coverage import CoverageReport
from ato_runner.manifest import Manifest
from ato_runner.paths import repo_path
from ato_runner.steps import describe, guarded
from ato_runner.text import VALUE_CAP, cut
from ato_runner.validation import FAILED, MISSING, PASSED, CandidateRecord, give_up, validation_json


class TextTest(unittest.TestCase):
    def test_cut_keeps_short_text_and_marks_long_text(self):
        self.assertEqual(cut("abc", 5), "abc")
        long = cut("x" * 3000)
        self.assertEqual(len(long), VALUE_CAP)
        self.assertTrue(long.endswith("…"))


class ManifestTest(unittest.TestCase):
    def full(self) -> Manifest:
        manifest = Manifest(tools={"python": "3.13.5"})
        manifest.generated_file("tests/test_ato_calc.py", "tests/ato/test_ato_calc.py")
        manifest.test("test_ato_calc::test_add", "tests/test_ato_calc.py", "characterization", "pkg/calc.py::add")
        manifest.test("test_ato_calc::test_loads", "tests/test_ato_calc.py", "smoke", None)
        manifest.behaviour_change(
            "pkg/calc.py",
            "add",
            "add(1, -2)",
            {"kind": "returned", "value": "-1", "x": 1},
            {"kind": "raised", "error": "ValueError", "message": "negative"},
        )
        manifest.problem("syntax_error", "invalid syntax", path="pkg/bad.py", line=3)
        manifest.problem("timeout", "test run 2 did not finish")
        manifest.note("a note")
        return manifest

    def test_a_full_manifest_follows_the_example(self):
        document = self.full().to_json()
        self.assertEqual(shape_errors(document, "manifest.json"), [])
        self.assertEqual(document["protocol"], PROTOCOL_VERSION)
        self.assertEqual(document["behaviour_changes"][0]["base"], {"kind": "returned", "value": "-1"})

    def test_an_empty_manifest_follows_it_too(self):
        self.assertEqual(shape_errors(Manifest().to_json(), "manifest.json"), [])

    def test_kinds_are_checked_texts_cut_and_notes_kept_once(self):
        manifest = Manifest()
        with self.assertRaises(ValueError):
            manifest.problem("oops", "x")
        with self.assertRaises(ValueError):
            manifest.test("a::b", "tests/a.py", "unit", None)
        manifest.note("x" * 5000)
        manifest.note("x" * 5000)
        manifest.note("y")
        self.assertEqual(len(manifest.notes), 2)
        self.assertEqual(len(manifest.notes[0]), 2000)
        self.assertTrue(manifest.notes[0].endswith("…"))

    def test_write_is_atomic_and_ascii(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "out" / "manifest.json"
            manifest = Manifest()
            manifest.note("lone \udc80 surrogate")
            manifest.write(path)
            self.assertEqual(json.loads(path.read_text(encoding="ascii"))["notes"], ["lone \udc80 surrogate"])
            self.assertEqual([p.name for p in path.parent.iterdir()], ["manifest.json"])


class ValidationTest(unittest.TestCase):
    def test_every_kind_of_entry_follows_the_example(self):
        ran = CandidateRecord("c1", "candidates/test_a.py")
        ran.collect(3)
        ran.add_run(PASSED)
        ran.add_run(FAILED, failure="test_x: AssertionError")
        ran.add_run(MISSING, note="run 3: the process ended")
        ran.covered = {"pkg/calc.py": {5, 3, 4}, "pkg/other.py": set()}
        broken = CandidateRecord("c2", "candidates/test_b.py")
        broken.not_collected("ModuleNotFoundError: No module named 'x'")
        never = CandidateRecord("c3", "candidates/test_c.py")
        stopped = CandidateRecord("c4", "candidates/test_d.py")
        give_up({"c4": stopped}, ["c4"], 1, "the head tree does not compile")
        document = validation_json([ran, broken, never, stopped])
        self.assertEqual(shape_errors(document, "validation.json"), [])
        first, second, third, fourth = document["candidates"]
        self.assertEqual(
            first,
            {
                "id": "c1",
                "collected": True,
                "tests": 3,
                "runs": ["passed", "failed", "missing"],
                "error": "test_x: AssertionError",
                "covered": {"pkg/calc.py": [3, 4, 5]},
            },
        )
        self.assertEqual((second["collected"], second["runs"], second["covered"]), (False, [], {}))
        self.assertIn("stopped before it got to this candidate", third["error"])
        self.assertEqual(fourth["error"], "the head tree does not compile")

    def test_errors_are_cut_to_the_protocols_limit(self):
        record = CandidateRecord("c1", "candidates/test_a.py")
        record.not_collected("x" * 9000)
        self.assertEqual(len(record.entry()["error"]), 4000)


class CoverageAndFindingsTest(unittest.TestCase):
    def test_a_coverage_report_follows_the_example(self):
        report = CoverageReport("coverage.py")
        calc = report.file("pkg/calc.py")
        calc.executed |= {5, 1, 3}
        calc.missing.add(12)
        calc.add_branches(4, 1, 2)
        calc.add_branches(4, 0, 1)
        report.file("pkg/empty.py")
        document = report.to_json()
        self.assertEqual(shape_errors(document, "coverage.json"), [])
        self.assertEqual(
            document["files"][0],
            {
                "path": "pkg/calc.py",
                "executed": [1, 3, 5],
                "missing": [12],
                "branches": [{"line": 4, "taken": 1, "total": 3}],
            },
        )
        self.assertEqual(document["files"][1], {"path": "pkg/empty.py", "executed": [], "missing": [], "branches": []})

    def test_findings_follow_the_example(self):
        findings = [
            Finding("bandit", "B602", "high", "pkg/calc.py", 18, "shell=True", lines=[19, 18]),
            Finding("eslint", "eqeqeq", "low", "src/a.js", 3, "m" * 5000),
        ]
        document = findings_json(findings)
        self.assertEqual(shape_errors(document, "findings.json"), [])
        self.assertEqual(document["findings"][0]["lines"], [18, 19])
        self.assertEqual(document["findings"][1]["lines"], [3])
        self.assertEqual(len(document["findings"][1]["message"]), 2000)
        with self.assertRaises(ValueError):
            Finding("x", "r", "critical", "a", 1, "m").to_json()


class PathsTest(unittest.TestCase):
    def test_repo_paths_drop_workspace_prefixes_and_match_target_suffixes(self):
        targets = ["src/main/java/com/x/A.java"]
        self.assertEqual(repo_path("/work/head/src/a.js", targets), "src/a.js")
        self.assertEqual(repo_path("././pkg/m.py", targets), "pkg/m.py")
        self.assertEqual(repo_path("com/x/A.java", targets), "src/main/java/com/x/A.java")
        self.assertEqual(repo_path("x/A.java", targets), "src/main/java/com/x/A.java")
        self.assertEqual(repo_path("B.java", targets), "B.java")
        self.assertEqual(repo_path("/tmp/w/head/pkg/m.py", [], head="/tmp/w/head/"), "pkg/m.py")


class ShapeCheckerTest(unittest.TestCase):
    def test_it_names_what_departs_from_the_example(self):
        document = {
            "protocol": 2,
            "tools": {"python": "3", "extra": 1},
            "generated": "none",
            "tests": [{"id": "a", "file": "f", "kind": "smoke", "target": None, "more": True}],
            "behaviour_changes": [],
            "problems": [{"path": None, "line": 3, "kind": "tool", "message": "m"}],
        }
        self.assertEqual(
            shape_errors(document, "manifest.json"),
            [
                "$: no field 'notes'",
                "$.tools.extra: integer where the contract has string",
                "$.generated: string where the contract has array",
                "$.tests[0]: unknown field 'more'",
            ],
        )

    def test_fields_seen_in_some_items_only_are_optional(self):
        validation = {
            "protocol": 2,
            "candidates": [
                {"id": "c", "collected": False, "tests": 0, "runs": [], "error": None, "covered": {}},
            ],
        }
        self.assertEqual(shape_errors(validation, "validation.json"), [])
        validation["candidates"][0]["covered"] = {"a.py": ["1"]}
        self.assertEqual(
            shape_errors(validation, "validation.json"),
            ["$.candidates[0].covered.a.py[0]: string where the contract has integer"],
        )


class StepsTest(unittest.TestCase):
    def test_a_failing_step_is_a_tool_problem_and_the_log_says_so(self):
        manifest, lines = Manifest(), []

        def boom(x):
            raise RuntimeError(f"bad {x}")

        self.assertIsNone(guarded(manifest, "doing it", boom, 1, path="a.py", log=lines.append))
        [problem] = manifest.problems
        self.assertEqual((problem["kind"], problem["path"]), ("tool", "a.py"))
        self.assertRegex(problem["message"], r"^doing it: RuntimeError: bad 1 \(at test_ato_runner_files.py:\d+\)$")
        self.assertTrue(lines[0].startswith("doing it: internal error") and lines[1].startswith("doing it: "))
        self.assertEqual(guarded(manifest, "fine", lambda: 3), 3)
        self.assertEqual(describe(ValueError("x")), "ValueError: x")


class JsonLinesTest(unittest.TestCase):
    def test_a_line_cut_short_is_skipped(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "events.jsonl"
            path.write_text('{"event": "a"}\n[1]\n{"event": "b"}\n{"event": "c", "cut', encoding="utf-8")
            self.assertEqual(read_json_lines(path), [{"event": "a"}, {"event": "b"}])
            self.assertEqual(read_json_lines(Path(tmp) / "absent.jsonl"), [])
            write_json_atomically(Path(tmp) / "x" / "y.json", {"a": 1})
            self.assertEqual(json.loads((Path(tmp) / "x" / "y.json").read_text()), {"a": 1})


if __name__ == "__main__":
    unittest.main()
