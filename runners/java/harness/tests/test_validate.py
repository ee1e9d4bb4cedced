"""Validate mode: candidate JUnit 5 classes through the whole harness, checked against exact validation.json
entries (runners/PROTOCOL.md, "validate mode"); and its bookkeeping alone. The end-to-end cases need the
image's JDK, JUnit and JaCoCo: they run in the image (scripts/test) and are skipped elsewhere."""

import json
import tempfile
import unittest
from pathlib import Path

from ato_runner import PROTOCOL_VERSION
from ato_runner.contract import shape_errors
from ato_runner.validation import CandidateRecord

from ato_java import main, tools
from ato_java.validation import covered_targets, failure_text, parse_session, settle, shuffled

CALC = """package com.ex;

public class Calc {
    public static int add(int a, int b) {
        return a + b;
    }

    public static int sub(int a, int b) {
        if (a < b) {
            return -(b - a);
        }
        return a - b;
    }

    public static int unused() {
        return 0;
    }
}
"""
CALC_PATH = "src/main/java/com/ex/Calc.java"


def candidate(name: str, body: str, imports: str = "") -> str:
    return f"""package com.ex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import org.junit.jupiter.api.Test;
{imports}
class {name} {{
{body}
}}
"""


CANDIDATES = {
    "good": candidate(
        "AddLlmTest",
        "    @Test\n    void addsSmall() {\n        assertEquals(3, Calc.add(1, 2));\n    }\n\n"
        "    @Test\n    void addsNegative() {\n        assertEquals(-2, Calc.add(-1, -1));\n    }",
    ),
    "sub": candidate(
        "SubLlmTest",
        "    @Test\n    void subtracts() {\n        assertEquals(2, Calc.sub(3, 1));\n        "
        "assertEquals(-2, Calc.sub(1, 3));\n    }",
    ),
    "broken": candidate(
        "BrokenLlmTest", "    @Test\n    void multiplies() {\n        assertEquals(6, Calc.mul(2, 3));\n    }"
    ),
    "wrong": candidate(
        "WrongLlmTest", "    @Test\n    void addsWrong() {\n        assertEquals(4, Calc.add(1, 2));\n    }"
    ),
    # Passes the first time only: it leaves a marker in the working folder (the head tree's root).
    "flaky": candidate(
        "FlakyLlmTest",
        "    @Test\n    void firstTimeOnly() throws Exception {\n"
        '        java.nio.file.Path marker = java.nio.file.Paths.get("flaky-marker");\n'
        "        boolean seen = java.nio.file.Files.exists(marker);\n"
        '        java.nio.file.Files.writeString(marker, "seen");\n'
        "        assertEquals(false, seen);\n    }",
    ),
    "hang": candidate(
        "HangLlmTest",
        "    @Test\n    void addsThenHangs() throws Exception {\n        assertEquals(2, Calc.add(1, 1));\n"
        "        Thread.sleep(600_000);\n    }",
    ),
    "unchanged": candidate(
        "UnusedLlmTest", "    @Test\n    void unused() {\n        assertEquals(0, Calc.unused());\n    }"
    ),
    "exit": candidate(
        "ExitLlmTest", "    @Test\n    void subThenExit() {\n        Calc.sub(3, 1);\n        System.exit(3);\n    }"
    ),
    "empty": "package com.ex;\n\nclass EmptyLlmTest {\n    int helper() {\n        return 1;\n    }\n}\n",
}


def make_workspace(root: Path, candidates: dict, reruns: int = 2) -> None:
    (root / "head" / CALC_PATH).parent.mkdir(parents=True)
    (root / "head" / CALC_PATH).write_text(CALC)
    (root / "candidates").mkdir()
    plan_candidates = []
    for cid, source in candidates.items():
        file = f"candidates/{cid.capitalize()}LlmTest.java"
        if source is not None:
            (root / file).write_text(source)
        plan_candidates.append({"id": f"c_{cid}", "file": file, "target": f"{CALC_PATH}::Calc.add"})
    plan = {
        "protocol": PROTOCOL_VERSION,
        "runner": "java",
        "mode": "validate",
        "seed": 11,
        "reruns": reruns,
        "step_timeout_secs": 20,
        "has_base": False,
        "files": [{"path": CALC_PATH, "language": "java", "changed_lines": [5, 9, 10, 12], "symbols": []}],
        "candidates": plan_candidates,
    }
    (root / "plan.json").write_text(json.dumps(plan))


def passing(cid: str, tests: int, lines: list[int]) -> dict:
    return {
        "id": cid,
        "collected": True,
        "tests": tests,
        "runs": ["passed"] * 2,
        "error": None,
        "covered": {CALC_PATH: lines},
    }


@unittest.skipUnless(tools.CONSOLE_LAUNCHER.is_file(), "needs the Java runner image (JDK, JUnit 5, JaCoCo)")
class ValidateEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = Path(cls.tmp.name)
        make_workspace(cls.root, {**CANDIDATES, "absent": None})
        if main.main(cls.root) != 0:
            raise AssertionError("the harness did not exit 0")
        cls.manifest = json.loads((cls.root / "out" / "manifest.json").read_text())
        cls.validation = json.loads((cls.root / "out" / "validation.json").read_text())
        cls.entries = {e["id"]: e for e in cls.validation["candidates"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_one_entry_per_candidate_in_plan_order(self):
        self.assertEqual(self.validation["protocol"], PROTOCOL_VERSION)
        self.assertEqual([e["id"] for e in self.validation["candidates"]], [f"c_{c}" for c in [*CANDIDATES, "absent"]])

    def test_both_files_follow_the_contract(self):
        self.assertEqual(shape_errors(self.validation, "validation.json"), [])
        self.assertEqual(shape_errors(self.manifest, "manifest.json"), [])

    def test_a_good_candidate_passes_and_covers_what_it_calls(self):
        self.assertEqual(self.entries["c_good"], passing("c_good", 2, [5]))

    def test_two_candidates_in_one_run_have_their_own_coverage(self):
        self.assertEqual(self.entries["c_sub"], passing("c_sub", 1, [9, 10, 12]))

    def test_a_compile_error_is_not_collected_with_javacs_message(self):
        entry = dict(self.entries["c_broken"])
        error = entry.pop("error")
        self.assertEqual(entry, {"id": "c_broken", "collected": False, "tests": 0, "runs": [], "covered": {}})
        self.assertTrue(error.startswith("candidates/BrokenLlmTest.java:9: error: cannot find symbol"), error)
        self.assertNotIn(str(self.root), error)

    def test_a_wrong_assertion_fails_every_run(self):
        entry = dict(self.entries["c_wrong"])
        error = entry.pop("error")
        self.assertEqual(
            entry,
            {"id": "c_wrong", "collected": True, "tests": 1, "runs": ["failed", "failed"], "covered": {CALC_PATH: [5]}},
        )
        self.assertTrue(
            error.startswith(
                "WrongLlmTest.addsWrong(): org.opentest4j.AssertionFailedError: expected: <4> but was: <3>\n"
                "\tat com.ex.WrongLlmTest.addsWrong(WrongLlmTest.java:9)"
            ),
            error,
        )
        self.assertNotIn("at org.junit.", error)

    def test_a_flaky_candidate_shows_mixed_runs(self):
        entry = dict(self.entries["c_flaky"])
        error = entry.pop("error")
        self.assertEqual(
            entry, {"id": "c_flaky", "collected": True, "tests": 1, "runs": ["passed", "failed"], "covered": {}}
        )
        self.assertTrue(error.startswith("FlakyLlmTest.firstTimeOnly(): org.opentest4j.AssertionFailedError"), error)

    def test_a_hanging_candidate_costs_its_per_test_limit(self):
        entry = dict(self.entries["c_hang"])
        error = entry.pop("error")
        self.assertEqual(
            entry,
            {"id": "c_hang", "collected": True, "tests": 1, "runs": ["failed", "failed"], "covered": {CALC_PATH: [5]}},
        )
        self.assertTrue(error.startswith("HangLlmTest.addsThenHangs(): java.util.concurrent.TimeoutException: "), error)
        self.assertFalse([p for p in self.manifest["problems"] if p["kind"] == "timeout"], self.manifest["problems"])

    def test_a_candidate_may_cover_no_changed_line(self):
        self.assertEqual(self.entries["c_unchanged"], passing("c_unchanged", 1, [16]))

    def test_a_candidate_that_ends_the_jvm_is_missing_and_the_others_still_run(self):
        entry = dict(self.entries["c_exit"])
        error = entry.pop("error")
        self.assertEqual(
            entry, {"id": "c_exit", "collected": True, "tests": 1, "runs": ["missing", "missing"], "covered": {}}
        )
        self.assertTrue(
            error.startswith(
                "ExitLlmTest.subThenExit(): the JVM ended during this test in run 1 (exited with status 3"
            ),
            error,
        )
        self.assertTrue(any("were run again in a new JVM" in n for n in self.manifest["notes"]), self.manifest["notes"])

    def test_a_class_without_tests_is_not_collected(self):
        self.assertEqual(
            self.entries["c_empty"],
            {
                "id": "c_empty",
                "collected": False,
                "tests": 0,
                "runs": [],
                "error": "no tests were found in candidates/EmptyLlmTest.java",
                "covered": {},
            },
        )

    def test_a_missing_file_is_reported(self):
        self.assertEqual(self.entries["c_absent"]["error"], "candidates/AbsentLlmTest.java is not in the workspace")

    def test_validate_mode_generates_nothing_and_runs_no_checker(self):
        self.assertEqual((self.manifest["generated"], self.manifest["tests"]), ([], []))
        self.assertEqual(self.manifest["problems"], [])
        self.assertFalse((self.root / "out" / "tests").exists() or (self.root / "out" / "static").exists())


@unittest.skipUnless(tools.CONSOLE_LAUNCHER.is_file(), "needs the Java runner image (JDK, JUnit 5, JaCoCo)")
class ValidateOnABrokenHeadTest(unittest.TestCase):
    def test_candidates_of_a_head_that_does_not_compile_are_not_collected_and_say_why(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            make_workspace(root, {"good": CANDIDATES["good"]})
            (root / "head" / CALC_PATH).write_text(CALC.replace("return a + b;", "return a + ;"))
            self.assertEqual(main.main(root), 0)
            [entry] = json.loads((root / "out" / "validation.json").read_text())["candidates"]
            self.assertEqual(
                entry,
                {
                    "id": "c_good",
                    "collected": False,
                    "tests": 0,
                    "runs": [],
                    "error": f"the head tree does not compile ({CALC_PATH}:5: illegal start of expression): "
                    "nothing to test against",
                    "covered": {},
                },
            )
            manifest = json.loads((root / "out" / "manifest.json").read_text())
            self.assertEqual(
                [(p["kind"], p["path"], p["line"]) for p in manifest["problems"]], [("syntax_error", CALC_PATH, 5)]
            )


class ValidationBookkeepingTest(unittest.TestCase):
    def records(self):
        return {cid: CandidateRecord(cid, f"candidates/{cid}.java") for cid in ("a", "b", "c")}

    def test_a_jvm_that_ended_in_a_test_blames_it_and_retries_the_rest(self):
        records = self.records()
        events = [
            {"event": "candidate", "id": "a"},
            {"event": "discovered", "id": "a", "tests": 1},
            {"event": "start", "id": "a", "test": "A.t()"},
            {"event": "result", "id": "a", "test": "A.t()", "outcome": "passed"},
            {"event": "done", "id": "a"},
            {"event": "candidate", "id": "b"},
            {"event": "discovered", "id": "b", "tests": 2},
            {"event": "start", "id": "b", "test": "B.x()"},
        ]
        settled = settle(records, ["a", "b", "c"], parse_session(events), 1, "killed by signal 9")
        self.assertEqual((settled.retry, settled.blamed), (["c"], True))
        self.assertEqual(records["a"].entry()["runs"], ["passed"])
        entry = records["b"].entry()
        self.assertEqual((entry["collected"], entry["tests"], entry["runs"]), (True, 2, ["missing"]))
        self.assertEqual(entry["error"], "B.x(): the JVM ended during this test in run 1 (killed by signal 9)")

    def test_a_jvm_that_ended_loading_a_candidate_leaves_it_uncollected(self):
        records = self.records()
        settled = settle(records, ["a", "b"], parse_session([{"event": "candidate", "id": "a"}]), 1, "exited")
        self.assertEqual((settled.retry, settled.blamed), (["b"], True))
        self.assertFalse(records["a"].entry()["collected"])
        self.assertIn("while loading the classes of candidates/a.java", records["a"].entry()["error"])

    def test_nothing_to_blame_means_no_retry(self):
        records = self.records()
        settled = settle(records, ["a", "b"], parse_session([]), 1, "exited with status 1")
        self.assertEqual((settled.retry, settled.blamed), (["a", "b"], False))

    def test_a_class_level_failure_fails_the_run(self):
        records = self.records()
        events = [
            {"event": "candidate", "id": "a"},
            {"event": "discovered", "id": "a", "tests": 2},
            {
                "event": "result",
                "id": "a",
                "test": "A",
                "container": True,
                "outcome": "failed",
                "error": {"type": "java.lang.IllegalStateException", "message": "no setup", "traceback": "trace"},
            },
            {"event": "done", "id": "a"},
        ]
        settle(records, ["a"], parse_session(events), 1, None)
        self.assertEqual(records["a"].entry()["runs"], ["failed"])
        self.assertEqual(records["a"].entry()["error"], "A: java.lang.IllegalStateException: no setup\ntrace")

    def test_failure_text_keeps_the_message_and_the_tail_of_the_trace_within_4000(self):
        result = {"test": "T.t()", "error": {"type": "E", "message": "m" * 5000, "traceback": "x" * 9000}}
        text = failure_text(result)
        self.assertLessEqual(len(text), 4000)
        message, trace = text.split("\n")
        self.assertTrue(message.startswith("T.t(): E: mmm") and message.endswith("…"))
        self.assertTrue(trace.startswith("…x"))

    def test_jacoco_file_names_map_to_the_plans_target_paths(self):
        targets = ["mod/src/main/java/com/ex/Calc.java", "Other.java"]
        self.assertEqual(
            covered_targets({"com/ex/Calc.java": [5], "Other.java": [1], "com/ex/Gone.java": [2]}, targets),
            {"mod/src/main/java/com/ex/Calc.java": [5], "Other.java": [1]},
        )

    def test_reruns_shuffle_the_candidates_by_seed(self):
        ids = [f"c{i}" for i in range(10)]
        self.assertEqual(shuffled(ids, 5), shuffled(ids, 5))
        self.assertNotEqual(shuffled(ids, 5), ids)
        self.assertEqual(sorted(shuffled(ids, 6)), ids)


if __name__ == "__main__":
    unittest.main()


@unittest.skipUnless(tools.CONSOLE_LAUNCHER.is_file(), "needs the Java runner image (JDK, JUnit 5, JaCoCo)")
class WithoutBuiltinTest(unittest.TestCase):
    def test_only_findbugs_runs(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "head" / CALC_PATH).parent.mkdir(parents=True)
            (root / "head" / CALC_PATH).write_text(CALC)
            plan = {
                "protocol": PROTOCOL_VERSION,
                "seed": 1,
                "reruns": 1,
                "step_timeout_secs": 60,
                "has_base": False,
                "builtin": False,
                "files": [{"path": CALC_PATH, "language": "java", "changed_lines": [5], "symbols": []}],
            }
            (root / "plan.json").write_text(json.dumps(plan))
            self.assertEqual(main.main(root), 0)
            manifest = json.loads((root / "out" / "manifest.json").read_text())
            self.assertEqual(manifest["tests"], [])
            self.assertTrue(any("only FindBugs ran" in n for n in manifest["notes"]), manifest["notes"])
            self.assertTrue((root / "out" / "static" / "findbugs.xml").is_file(), manifest)
            self.assertEqual(shape_errors(manifest, "manifest.json"), [])
            findings = json.loads((root / "out" / "findings.json").read_text())
            self.assertEqual(shape_errors(findings, "findings.json"), [])
            self.assertTrue(all(f["path"] == CALC_PATH for f in findings["findings"]), findings)
