"""The runner contract made executable: the example files of ``runners/contract/`` and a shape checker.

Every file the protocol names has one real, complete example there (``plan.json``, ``plan-validate.json``,
``manifest.json``, ``validation.json``, ``coverage.json``, ``findings.json``). The host's tests read them
with its own types; each harness's tests read the plans and check what the harness writes against the
others' shape with ``shape_errors``, which follows the example, not a schema language:

- a value must have the example's JSON type (an integer where the example has a number is fine);
- an object has the example's fields: none missing, none unknown;
- the items of an array each follow the example's items, taken together: a field the example has in only
  some items is optional, and a field given once as a string and once as ``null`` may be either;
- the objects named in ``shapes.json`` under ``maps`` (``tools``, ``candidates[].covered``) have free keys,
  and their values follow the example's values.

The same rules are implemented for the Node harness in JavaScript (its tests' ``contract_shape.mjs``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
# In an image the examples are beside this package (/opt/ato/contract); in a checkout, runners/contract.
CANDIDATE_DIRS = (HERE.parent / "contract", HERE.parents[2] / "contract")


def contract_dir() -> Path:
    """The folder of the example files (``ATO_CONTRACT_DIR`` overrides where it is looked for)."""
    override = os.environ.get("ATO_CONTRACT_DIR")
    for folder in ([Path(override)] if override else []) + list(CANDIDATE_DIRS):
        if (folder / "shapes.json").is_file():
            return folder
    raise FileNotFoundError("the runner contract's example files (runners/contract) are not beside ato_runner")


def example(name: str) -> object:
    """The example ``name`` (``manifest.json``…), decoded."""
    return json.loads((contract_dir() / name).read_text(encoding="utf-8"))


def shape_errors(document: object, name: str) -> list[str]:
    """How ``document`` departs from the shape of the example ``name``; empty when it follows it."""
    maps = set(example("shapes.json")[name]["maps"])
    return _check(document, [example(name)], "$", "", maps)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _check(value: object, examples: list, where: str, key: str, maps: set[str]) -> list[str]:
    """``value`` at ``where`` (``key``: the same place in ``shapes.json``'s notation) against the examples."""
    kinds = {_kind(e) for e in examples}
    kind = _kind(value)
    if kind not in kinds and not (kind == "integer" and "number" in kinds):
        return [f"{where}: {kind} where the contract has {' or '.join(sorted(kinds))}"]
    if kind == "array":
        items = [item for e in examples if isinstance(e, list) for item in e]
        errors = []
        for i, item in enumerate(value):
            if items:
                errors += _check(item, items, f"{where}[{i}]", f"{key}[]", maps)
        return errors
    if kind != "object":
        return []
    objects = [e for e in examples if isinstance(e, dict)]
    if key in maps:
        values = [v for o in objects for v in o.values()]
        errors = []
        for name, item in value.items():
            if values:
                errors += _check(item, values, f"{where}.{name}", f"{key}.*", maps)
        return errors
    known = {name for o in objects for name in o}
    required = set.intersection(*(set(o) for o in objects))
    errors = [f"{where}: no field {name!r}" for name in sorted(required - set(value))]
    errors += [f"{where}: unknown field {name!r}" for name in value if name not in known]
    for name, item in value.items():
        if name in known:
            field_key = f"{key}.{name}" if key else name
            errors += _check(item, [o[name] for o in objects if name in o], f"{where}.{name}", field_key, maps)
    return errors
