"""``plan.json``: the host's instructions (schema in runners/PROTOCOL.md), validated once here."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

# "generate": make and run the builtin tests (the default); "validate": only run the plan's candidates.
MODES = ("generate", "validate")
CANDIDATE_ID = re.compile(r"[A-Za-z0-9_-]+")


class PlanError(Exception):
    """The plan is missing, is not JSON, or does not follow the protocol."""


@dataclass(frozen=True)
class Symbol:
    """A changed or new public class or method, qualified within its file (``Calc.add``, ``Outer.Inner``)."""

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
    """A JUnit 5 test class written by the host's model (``candidates/CalcLlmTest.java``, relative to the
    workspace), to be checked like a generated test."""

    id: str
    file: str
    target: str


@dataclass(frozen=True)
class Plan:
    seed: int
    reruns: int
    step_timeout_secs: int
    has_base: bool
    files: tuple[TargetFile, ...]
    mode: str = "generate"
    candidates: tuple[Candidate, ...] = ()
    # False: no generated tests (the repository asked for the model's only, or for none); FindBugs still runs.
    builtin: bool = True


def load_plan(path: Path) -> Plan:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise PlanError(f"cannot read {path.name}: {err.strerror or err}") from err
    except ValueError as err:
        raise PlanError(f"{path.name} is not valid JSON: {err}") from err
    try:
        return _parse(raw)
    except (KeyError, TypeError, ValueError) as err:
        raise PlanError(f"{path.name} does not follow the protocol: {type(err).__name__} {err}") from err


def _parse(raw: dict) -> Plan:
    if raw.get("protocol") != 1:
        raise ValueError(f"protocol {raw.get('protocol')!r} is not 1")
    files = tuple(
        TargetFile(
            path=str(f["path"]),
            language=str(f["language"]),
            changed_lines=tuple(int(n) for n in f.get("changed_lines", [])),
            symbols=tuple(
                Symbol(str(s["name"]), str(s["kind"]), int(s["start_line"]), int(s["end_line"]), bool(s["is_new"]))
                for s in f.get("symbols", [])
            ),
        )
        for f in raw.get("files", [])
    )
    mode = raw.get("mode", "generate")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    return Plan(
        seed=int(raw.get("seed", 0)),
        reruns=max(1, int(raw.get("reruns", 3))),
        step_timeout_secs=max(1, int(raw.get("step_timeout_secs", 60))),
        has_base=bool(raw.get("has_base", False)),
        files=files,
        mode=mode,
        candidates=_candidates(raw.get("candidates", [])),
        builtin=_flag(raw.get("builtin", True), "builtin"),
    )


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value


def _candidates(raw: list) -> tuple[Candidate, ...]:
    if not isinstance(raw, list):
        raise TypeError("candidates must be an array")
    found: list[Candidate] = []
    for i, item in enumerate(raw):
        where = f"candidates[{i}]"
        cid, file = item["id"], item["file"]
        if not isinstance(cid, str) or not CANDIDATE_ID.fullmatch(cid):
            raise ValueError(f"{where}.id must be letters, digits, '_' or '-': {cid!r}")
        if not isinstance(file, str) or not Path(file).parts or file.startswith("/") or ".." in Path(file).parts:
            raise ValueError(f"{where}.file must be a path relative to the workspace: {file!r}")
        for j, seen in enumerate(found):
            if seen.id == cid:
                raise ValueError(f"{where}.id repeats candidates[{j}].id {cid!r}")
            if Path(seen.file) == Path(file):
                raise ValueError(f"{where}.file repeats candidates[{j}].file {file!r}")
        found.append(Candidate(id=cid, file=file, target=str(item.get("target", ""))))
    return tuple(found)
