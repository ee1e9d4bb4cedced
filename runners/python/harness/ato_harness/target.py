"""Everything generated for one target file, in order: parse, locate, inspect, generate, characterize.

Problems with the file (syntax error, import failure or hang, classified by ``import_check`` with whether
base fails alike) are recorded and end this file's generation: a module that does not import gets no tests
at all, only its problem, so the PR is never shown "failing" a test that could not even start. They never
stop the other files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ato_runner.manifest import Manifest
from ato_runner.plan import Plan, TargetFile

from .characterize import PlannedCall, call_timeout, characterize, record_new
from .gen_doctest import doctest_tests
from .gen_property import GhostwriterOutputError, property_tests
from .gen_recorded import recorded_tests
from .gen_smoke import smoke_tests
from .import_check import ImportFailure, failure_from_events, report_failure, syntax_failure
from .locate import ModuleLocation, NotAModule, locate_module, syntax_error
from .source_facts import SymbolFacts, symbol_facts
from .testfile import GeneratedTestFile, target_id
from .workspace import Workspace

INPUT_COUNT = 30
PROPERTY_MAX_EXAMPLES = 25


@dataclass(frozen=True)
class Inspection:
    """What the head inspection child found: why the module did not import, or per symbol its info."""

    failure: ImportFailure | None
    symbols: dict[str, dict] = field(default_factory=dict)


def generate_for_target(ws: Workspace, plan: Plan, manifest: Manifest, target: TargetFile) -> list[GeneratedTestFile]:
    path = target.path
    source = _read(ws.head / path)
    if source is None:
        manifest.note(f"{path} is not in the head tree; nothing generated")
        return []
    failure = syntax_failure(source, path)
    if failure is not None:
        report_failure(ws, plan, manifest, path, failure)
        return []
    try:
        location = locate_module(ws.head, path)
    except NotAModule as err:
        manifest.note(f"{path}: {err}; nothing generated")
        return []
    tree = ast.parse(source, filename=path)
    facts = {s.name: symbol_facts(tree, s.name, s.kind == "method") for s in target.symbols}

    inspection = _inspect(ws, plan, manifest, target, location, facts)
    if inspection.failure is not None:
        report_failure(ws, plan, manifest, path, inspection.failure)
        return []
    inspected = inspection.symbols

    files = [smoke_tests(target, location)]
    doctests = doctest_tests(target, location, {name: f.doctest_examples for name, f in facts.items()})
    if doctests:
        files.append(doctests)
    ghost_sources = [(name, info["ghostwriter"]) for name, info in inspected.items() if info.get("ghostwriter")]
    try:
        prop = property_tests(target, location, ghost_sources, PROPERTY_MAX_EXAMPLES, plan.seed)
    except GhostwriterOutputError as err:
        manifest.note(f"Hypothesis ghostwriter output for {path} not used: {err}")
        prop = None
    if prop:
        files.append(prop)

    changed, new = _planned_calls(plan, target, inspected)
    base_location = _base_location(ws, plan, path) if changed else None
    agreed = characterize(ws, manifest, path, location, base_location, changed, plan.step_timeout_secs)
    recorded = record_new(ws, manifest, path, location, new, plan.step_timeout_secs)
    for kind, calls in (("characterization", agreed), ("regression", recorded)):
        pinned = recorded_tests(kind, target, location, calls)
        if pinned:
            files.append(pinned)
    return files


def _inspect(
    ws: Workspace,
    plan: Plan,
    manifest: Manifest,
    target: TargetFile,
    location: ModuleLocation,
    facts: dict[str, SymbolFacts],
) -> Inspection:
    """Run the head inspection child; an import that failed comes back as the inspection's failure, other
    problems (an inspection that stopped early) go to the manifest."""
    specs = []
    for symbol in target.symbols:
        fact = facts[symbol.name]
        callable_kind = symbol.kind in ("function", "method") and fact.is_function and not fact.is_async
        wants_ghost = symbol.kind == "function" and callable_kind and fact.fully_hinted
        if symbol.kind == "function" and fact.found and not fact.fully_hinted:
            missing = ", ".join(fact.missing_hints) or "no parameters"
            manifest.note(
                f"Hypothesis ghostwriter skipped {target_id(target.path, symbol.name)}: no complete type hints "
                f"({missing})"
            )
        elif symbol.kind == "method" and fact.found:
            manifest.note(f"Hypothesis ghostwriter skipped {target_id(target.path, symbol.name)}: a method")
        specs.append(
            {"name": symbol.name, "kind": symbol.kind, "wants_inputs": callable_kind, "wants_ghostwriter": wants_ghost}
        )
    request = {
        "tree": str(ws.head),
        "file": target.path,
        "module": location.module,
        "path_entries": list(location.path_entries),
        "symbols": specs,
        "seed": plan.seed,
        "input_count": INPUT_COUNT,
        "call_timeout": call_timeout(plan.step_timeout_secs),
        # Leave room for the import: each symbol gets a share of what remains of the step.
        "symbol_timeout": max(1.0, plan.step_timeout_secs * 0.8 / max(1, len(specs))),
    }
    events, finished = ws.run_child("inspect", request, ws.head, plan.step_timeout_secs)
    trees = (str(ws.head), str(ws.base))
    failure = failure_from_events(events, finished, location.module, plan.step_timeout_secs, trees)
    if failure is not None:
        return Inspection(failure)
    infos = {e["name"]: e for e in events if e.get("event") == "symbol"}
    for info in infos.values():
        for note in info.get("notes", []):
            manifest.note(f"{target.path}: {note}")
    if not any(e.get("event") == "done" for e in events):
        kind = "timeout" if finished.timed_out else "tool"
        manifest.problem(kind, f"inspecting {location.module} stopped early: {finished.describe()}", path=target.path)
    return Inspection(None, infos)


def _planned_calls(plan: Plan, target: TargetFile, inspected: dict[str, dict]) -> tuple[list, list]:
    """Calls for characterization (symbols on both sides) and for regression (new symbols)."""
    changed: list[PlannedCall] = []
    new: list[PlannedCall] = []
    for symbol in target.symbols:
        info = inspected.get(symbol.name) or {}
        for item in info.get("inputs") or []:
            call = PlannedCall(symbol.name, symbol.kind, tuple(item["args"]), tuple((k, v) for k, v in item["kwargs"]))
            if symbol.is_new:
                new.append(call)
            elif plan.has_base:
                changed.append(call)
    return changed, new


def _base_location(ws: Workspace, plan: Plan, path: str) -> ModuleLocation | None:
    if not plan.has_base:
        return None
    source = _read(ws.base / path)
    if source is None or syntax_error(source, path) is not None:
        return None
    try:
        return locate_module(ws.base, path)
    except NotAModule:
        return None


def _read(path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
