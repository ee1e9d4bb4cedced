"""ato_runner.plan: the contract's example plans load, and bad plans say what is wrong."""

import copy
import json
import tempfile
import unittest
from pathlib import Path

from ato_runner import PROTOCOL_VERSION
from ato_runner.contract import contract_dir, example
from ato_runner.plan import PlanError, load_plan, parse_plan

GOOD = {
    "protocol": PROTOCOL_VERSION,
    "runner": "python",
    "seed": 1234,
    "reruns": 3,
    "step_timeout_secs": 60,
    "has_base": True,
    "files": [
        {
            "path": "pkg/calc.py",
            "language": "python",
            "changed_lines": [3, 4],
            "symbols": [{"name": "Stack.push", "kind": "method", "start_line": 10, "end_line": 13, "is_new": True}],
        }
    ],
}
C1 = {"id": "c1", "file": "candidates/a.py", "target": "pkg/calc.py::add"}


def mutated(**changes):
    plan = copy.deepcopy(GOOD)
    for dotted, value in changes.items():
        obj = plan
        keys = dotted.split("__")
        for key in keys[:-1]:
            obj = obj[int(key)] if key.isdigit() else obj[key]
        obj[keys[-1]] = value
    return plan


def with_candidates(*candidates, mode="validate"):
    return {**GOOD, "mode": mode, "candidates": list(candidates)}


class ContractPlansTest(unittest.TestCase):
    def test_the_run_mode_example_loads_with_every_field(self):
        plan = load_plan(contract_dir() / "plan.json")
        self.assertEqual((plan.seed, plan.reruns, plan.step_timeout_secs, plan.has_base), (1234, 3, 60, True))
        self.assertEqual((plan.mode, plan.builtin, plan.candidates), ("generate", True, ()))
        calc, util = plan.files
        self.assertEqual(
            (calc.path, calc.language, calc.changed_lines), ("pkg/calc.py", "python", (3, 4, 5, 10, 11, 12))
        )
        self.assertEqual(
            [(s.name, s.kind, s.is_new) for s in calc.symbols],
            [("add", "function", False), ("Stack", "class", True), ("Stack.push", "method", True)],
        )
        self.assertEqual((calc.symbols[2].start_line, calc.symbols[2].end_line), (10, 13))
        self.assertEqual((util.path, util.symbols), ("src/pkg/util.py", ()))

    def test_the_validate_mode_example_loads_with_its_candidates(self):
        plan = parse_plan(example("plan-validate.json"))
        self.assertEqual((plan.mode, plan.builtin, plan.has_base), ("validate", False, False))
        self.assertEqual(
            [(c.id, c.file, c.target) for c in plan.candidates],
            [
                ("c1", "candidates/test_llm_calc_add.py", "pkg/calc.py::add"),
                ("c2-b", "candidates/test_llm_calc_add_2.py", "pkg/calc.py::add"),
            ],
        )

    def test_the_examples_speak_this_protocol(self):
        for name in (
            "plan.json",
            "plan-validate.json",
            "manifest.json",
            "validation.json",
            "coverage.json",
            "findings.json",
        ):
            self.assertEqual(example(name)["protocol"], PROTOCOL_VERSION, name)


class PlanTest(unittest.TestCase):
    def test_the_protocol_example_loads(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "plan.json"
            path.write_text(json.dumps(GOOD))
            plan = load_plan(path)
        self.assertTrue(plan.seed == 1234 and plan.reruns == 3 and plan.has_base)
        [target] = plan.files
        self.assertEqual(target.changed_lines, (3, 4))
        self.assertTrue(target.symbols[0].name == "Stack.push" and target.symbols[0].is_new)

    def test_defaults_apply_when_optional_fields_are_missing(self):
        plan = parse_plan({"protocol": PROTOCOL_VERSION, "files": []})
        self.assertEqual((plan.reruns, plan.step_timeout_secs, plan.has_base), (3, 60, False))

    def test_bad_plans_say_what_is_wrong(self):
        cases = [
            (mutated(protocol=1), "unsupported protocol 1"),
            (mutated(protocol=PROTOCOL_VERSION + 1), "unsupported protocol"),
            (mutated(reruns=0), "reruns"),
            (mutated(seed="x"), "seed must be an integer"),
            (mutated(files__0__path="/etc/passwd"), "relative"),
            (mutated(files__0__path="../x.py"), "relative"),
            (mutated(files__0__symbols__0__kind="module"), "kind must be one of"),
            (mutated(files__0__symbols__0__name="os.system('x')"), "not a qualified name"),
            (mutated(has_base="yes"), "has_base"),
            ([], "plan must be an object"),
        ]
        for plan, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(PlanError, message.replace("(", r"\(")):
                parse_plan(plan)

    def test_java_names_are_qualified_names_too(self):
        plan = parse_plan(mutated(files__0__symbols__0__name="Outer$Inner.run"))
        self.assertEqual(plan.files[0].symbols[0].name, "Outer$Inner.run")

    def test_unreadable_and_invalid_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaisesRegex(PlanError, "cannot read"):
                load_plan(Path(tmp) / "missing.json")
            bad = Path(tmp) / "plan.json"
            bad.write_text("{nope")
            with self.assertRaisesRegex(PlanError, "not valid JSON"):
                load_plan(bad)

    def test_validate_mode_and_candidates_load(self):
        plan = parse_plan(
            {
                **GOOD,
                "mode": "validate",
                "candidates": [{"id": "c1", "file": "candidates/test_llm_calc_add.py", "target": "pkg/calc.py::add"}],
            }
        )
        self.assertEqual(plan.mode, "validate")
        [candidate] = plan.candidates
        self.assertEqual(
            (candidate.id, candidate.file, candidate.target),
            ("c1", "candidates/test_llm_calc_add.py", "pkg/calc.py::add"),
        )
        self.assertTrue(parse_plan(GOOD).mode == "generate" and parse_plan(GOOD).candidates == ())

    def test_bad_candidates_say_what_is_wrong(self):
        cases = [
            (with_candidates(mode="check"), "mode must be one of generate, validate"),
            ({**GOOD, "candidates": {}}, "candidates must be an array"),
            (with_candidates({**C1, "id": "c 1"}), r"candidates\[0\].id must be letters"),
            (with_candidates({**C1, "id": ""}), r"candidates\[0\].id must be letters"),
            (with_candidates({**C1, "file": "/etc/passwd"}), "relative to the workspace"),
            (with_candidates({**C1, "file": "../x.py"}), "relative to the workspace"),
            (with_candidates({**C1, "file": ""}), "relative to the workspace"),
            (with_candidates({**C1, "file": 3}), r"candidates\[0\].file must be a string"),
            (with_candidates({"id": "c1"}), r"candidates\[0\].file must be a string"),
            (with_candidates({**C1, "id": "c/1"}), r"candidates\[0\].id must be letters"),
            (with_candidates(C1, {**C1, "file": "candidates/b.py"}), r"candidates\[1\].id repeats candidates\[0\].id"),
            (with_candidates(C1, {**C1, "id": "c2", "file": "candidates/./a.py"}), r"candidates\[1\].file repeats"),
        ]
        for plan, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(PlanError, message):
                parse_plan(plan)

    def test_builtin_can_be_turned_off_and_must_be_a_bool(self):
        self.assertIs(parse_plan(GOOD).builtin, True)
        self.assertIs(parse_plan({**GOOD, "builtin": False}).builtin, False)
        with self.assertRaisesRegex(PlanError, "builtin"):
            parse_plan({**GOOD, "builtin": "no"})


if __name__ == "__main__":
    unittest.main()
