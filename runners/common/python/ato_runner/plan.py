"""Loading ``plan.json`` (the host's instructions, schema in ``runners/PROTOCOL.md``).

The plan is validated here, once, so every later step can trust its types; a bad plan is a ``PlanError``
with a message that says which field is wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import PROTOCOL_VERSION

DEFAULT_RERUNS = 3
DEFAULT_STEP_TIMEOUT_SECS = 60
SYMBOL_KINDS = ("function", "class", "method")
# "generate": make, run and check the builtin tests (the default); "validate": only run the plan's candidates.
MODES = ("generate", "validate")
CANDIDATE_ID = re.compile(r"[A-Za-z0-9_-]+")


class PlanError(Exception):
    """The plan is missing, is not JSON, or does not follow the protocol."""


@dataclass(frozen=True)
class Symbol:
    """A changed or new public function, class or method, qualified within its file (``Stack.push``)."""

    name: str
    kind: str
    start_line: int
    end_line: int
    is_new: bool


@dataclass(frozen=True)
class TargetFile:
    path: str
    language: str
    changed_lines: tuple[int, ...]
    symbols: tuple[Symbol, ...]


@dataclass(frozen=True)
class Candidate:
    """A test module written elsewhere (by the host's language model) to be checked like a builtin test.

    ``file`` is relative to the workspace (``candidates/test_llm_calc_add.py``); ``target`` is informative
    (``pkg/calc.py::add``).
    """

    id: str
    file: str
    target: str


@dataclass(frozen=True)
class Plan:
    seed: int
    reruns: int
    step_timeout_secs: int
    has_base: bool
    files: tuple[TargetFile, ...] = field(default_factory=tuple)
    mode: str = "generate"
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    # False: no builtin tests (the repository asked for the model's only, or for none); the checker still runs.
    builtin: bool = True


def load_plan(path: Path) -> Plan:
    """Read and validate the plan at ``path``."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise PlanError(f"cannot read {path.name}: {err.strerror or err}") from err
    except ValueError as err:
        raise PlanError(f"{path.name} is not valid JSON: {err}") from err
    return parse_plan(raw)


def parse_plan(raw: object) -> Plan:
    """Validate an already decoded plan."""
    obj = _expect_dict(raw, "plan")
    protocol = obj.get("protocol")
    if protocol != PROTOCOL_VERSION:
        raise PlanError(f"unsupported protocol {protocol!r} (this runner speaks protocol {PROTOCOL_VERSION})")
    files = tuple(
        _parse_file(item, f"files[{i}]") for i, item in enumerate(_expect_list(obj.get("files", []), "files"))
    )
    reruns = _expect_int(obj.get("reruns", DEFAULT_RERUNS), "reruns")
    step_timeout = _expect_int(obj.get("step_timeout_secs", DEFAULT_STEP_TIMEOUT_SECS), "step_timeout_secs")
    if reruns < 1:
        raise PlanError("reruns must be at least 1")
    if step_timeout < 1:
        raise PlanError("step_timeout_secs must be at least 1")
    mode = _expect_str(obj.get("mode", "generate"), "mode")
    if mode not in MODES:
        raise PlanError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    return Plan(
        seed=_expect_int(obj.get("seed", 0), "seed"),
        reruns=reruns,
        step_timeout_secs=step_timeout,
        has_base=_expect_bool(obj.get("has_base", False), "has_base"),
        files=files,
        mode=mode,
        candidates=_parse_candidates(obj.get("candidates", [])),
        builtin=_expect_bool(obj.get("builtin", True), "builtin"),
    )


def _parse_file(raw: object, where: str) -> TargetFile:
    obj = _expect_dict(raw, where)
    path = _expect_str(obj.get("path"), f"{where}.path")
    if path.startswith("/") or ".." in Path(path).parts:
        raise PlanError(f"{where}.path must be relative to the repository root: {path!r}")
    lines = tuple(
        _expect_int(n, f"{where}.changed_lines")
        for n in _expect_list(obj.get("changed_lines", []), f"{where}.changed_lines")
    )
    symbols = tuple(
        _parse_symbol(s, f"{where}.symbols[{i}]")
        for i, s in enumerate(_expect_list(obj.get("symbols", []), f"{where}.symbols"))
    )
    return TargetFile(
        path=path,
        language=_expect_str(obj.get("language", "python"), f"{where}.language"),
        changed_lines=lines,
        symbols=symbols,
    )


def _parse_candidates(raw: object) -> tuple[Candidate, ...]:
    candidates: list[Candidate] = []
    for i, item in enumerate(_expect_list(raw, "candidates")):
        where = f"candidates[{i}]"
        obj = _expect_dict(item, where)
        cid = _expect_str(obj.get("id"), f"{where}.id")
        if not CANDIDATE_ID.fullmatch(cid):
            raise PlanError(f"{where}.id must be letters, digits, '_' or '-': {cid!r}")
        file = _expect_str(obj.get("file"), f"{where}.file")
        parts = Path(file).parts
        if not parts or file.startswith("/") or ".." in parts:
            raise PlanError(f"{where}.file must be relative to the workspace: {file!r}")
        for j, seen in enumerate(candidates):
            if seen.id == cid:
                raise PlanError(f"{where}.id repeats candidates[{j}].id {cid!r}")
            if Path(seen.file) == Path(file):
                # Results are told apart by file, so two candidates cannot share one.
                raise PlanError(f"{where}.file repeats candidates[{j}].file {file!r}")
        candidates.append(Candidate(id=cid, file=file, target=_expect_str(obj.get("target", ""), f"{where}.target")))
    return tuple(candidates)


def _parse_symbol(raw: object, where: str) -> Symbol:
    obj = _expect_dict(raw, where)
    kind = _expect_str(obj.get("kind"), f"{where}.kind")
    if kind not in SYMBOL_KINDS:
        raise PlanError(f"{where}.kind must be one of {', '.join(SYMBOL_KINDS)}, not {kind!r}")
    name = _expect_str(obj.get("name"), f"{where}.name")
    if not is_qualified_name(name):
        raise PlanError(f"{where}.name is not a qualified name: {name!r}")
    return Symbol(
        name=name,
        kind=kind,
        start_line=_expect_int(obj.get("start_line", 0), f"{where}.start_line"),
        end_line=_expect_int(obj.get("end_line", 0), f"{where}.end_line"),
        is_new=_expect_bool(obj.get("is_new", False), f"{where}.is_new"),
    )


def is_qualified_name(name: str) -> bool:
    """Identifiers joined by dots (``Stack.push``, ``Outer$Inner.run``): Python's, and Java's with ``$``."""
    return bool(name) and all(part.replace("$", "_").isidentifier() for part in name.split("."))


def _expect_dict(value: object, where: str) -> dict:
    if not isinstance(value, dict):
        raise PlanError(f"{where} must be an object")
    return value


def _expect_list(value: object, where: str) -> list:
    if not isinstance(value, list):
        raise PlanError(f"{where} must be an array")
    return value


def _expect_str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise PlanError(f"{where} must be a string")
    return value


def _expect_int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanError(f"{where} must be an integer")
    return value


def _expect_bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise PlanError(f"{where} must be true or false")
    return value
