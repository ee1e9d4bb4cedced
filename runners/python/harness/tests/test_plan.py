import json

import pytest

from ato_harness.plan import PlanError, load_plan, parse_plan

GOOD = {
    "protocol": 1,
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


def test_the_protocol_example_loads(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(GOOD))
    plan = load_plan(path)
    assert plan.seed == 1234 and plan.reruns == 3 and plan.has_base
    [target] = plan.files
    assert target.changed_lines == (3, 4)
    assert target.symbols[0].name == "Stack.push" and target.symbols[0].is_new


def test_defaults_apply_when_optional_fields_are_missing():
    plan = parse_plan({"protocol": 1, "files": []})
    assert (plan.reruns, plan.step_timeout_secs, plan.has_base) == (3, 60, False)


def mutated(**changes):
    plan = json.loads(json.dumps(GOOD))
    for dotted, value in changes.items():
        obj = plan
        keys = dotted.split("__")
        for key in keys[:-1]:
            obj = obj[int(key)] if key.isdigit() else obj[key]
        obj[keys[-1]] = value
    return plan


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (mutated(protocol=2), "unsupported protocol"),
        (mutated(reruns=0), "reruns"),
        (mutated(seed="x"), "seed must be an integer"),
        (mutated(files__0__path="/etc/passwd"), "relative"),
        (mutated(files__0__path="../x.py"), "relative"),
        (mutated(files__0__symbols__0__kind="module"), "kind must be one of"),
        (mutated(files__0__symbols__0__name="os.system('x')"), "qualified Python name"),
        (mutated(has_base="yes"), "has_base"),
        ([], "plan must be an object"),
    ],
)
def test_bad_plans_say_what_is_wrong(plan, message):
    with pytest.raises(PlanError, match=message.replace("(", r"\(")):
        parse_plan(plan)


def test_unreadable_and_invalid_json(tmp_path):
    with pytest.raises(PlanError, match="cannot read"):
        load_plan(tmp_path / "missing.json")
    bad = tmp_path / "plan.json"
    bad.write_text("{nope")
    with pytest.raises(PlanError, match="not valid JSON"):
        load_plan(bad)


def test_validate_mode_and_candidates_load():
    plan = parse_plan(
        {
            **GOOD,
            "mode": "validate",
            "candidates": [{"id": "c1", "file": "candidates/test_llm_calc_add.py", "target": "pkg/calc.py::add"}],
        }
    )
    assert plan.mode == "validate"
    [candidate] = plan.candidates
    assert (candidate.id, candidate.file, candidate.target) == (
        "c1",
        "candidates/test_llm_calc_add.py",
        "pkg/calc.py::add",
    )
    assert parse_plan(GOOD).mode == "generate" and parse_plan(GOOD).candidates == ()


def with_candidates(*candidates, mode="validate"):
    return {**GOOD, "mode": mode, "candidates": list(candidates)}


C1 = {"id": "c1", "file": "candidates/a.py", "target": "pkg/calc.py::add"}


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (with_candidates(mode="check"), "mode must be one of generate, validate"),
        ({**GOOD, "candidates": {}}, "candidates must be an array"),
        (with_candidates({**C1, "id": "c 1"}), r"candidates\[0\].id must be letters"),
        (with_candidates({**C1, "id": ""}), r"candidates\[0\].id must be letters"),
        (with_candidates({**C1, "file": "/etc/passwd"}), "relative to the workspace"),
        (with_candidates({**C1, "file": "../x.py"}), "relative to the workspace"),
        (with_candidates({**C1, "file": ""}), "relative to the workspace"),
        (with_candidates({**C1, "file": 3}), r"candidates\[0\].file must be a string"),
        (with_candidates(C1, {**C1, "file": "candidates/b.py"}), r"candidates\[1\].id repeats candidates\[0\].id"),
        (with_candidates(C1, {**C1, "id": "c2", "file": "candidates/./a.py"}), r"candidates\[1\].file repeats"),
    ],
)
def test_bad_candidates_say_what_is_wrong(plan, message):
    with pytest.raises(PlanError, match=message):
        parse_plan(plan)


def test_builtin_can_be_turned_off_and_must_be_a_bool():
    assert parse_plan(GOOD).builtin is True
    assert parse_plan({**GOOD, "builtin": False}).builtin is False
    with pytest.raises(PlanError, match="builtin"):
        parse_plan({**GOOD, "builtin": "no"})
