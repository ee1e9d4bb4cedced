"""Characterization: the same inputs called on the base tree and on the head tree, the results compared.

Each side runs in its own child process (both trees use the same module names, so they cannot share one).
Differences in deterministic calls become ``behaviour_changes``, each symbol's led by its simplest differing
call shrunk to a simpler one that still differs (``shrink``); calls that agree are returned for pinning as
characterization tests; calls of new functions are returned for regression tests.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ato_runner.compat import zip_strict
from ato_runner.manifest import Manifest

from .gen_recorded import RecordedCall
from .locate import ModuleLocation
from .observations import compare_calls, is_deterministic
from .shrink import Change, shrink
from .values import call_source, callee_source
from .workspace import Workspace

CALL_TIMEOUT_CAP_SECS = 2.0
# Past a few examples, more differing inputs of one function tell a reviewer nothing new.
MAX_CHANGES_PER_SYMBOL = 10
# Shrinking: the first few symbols with a behaviour change, a few rounds (two child processes each), within a
# share of the step's time.
MAX_SHRUNK_SYMBOLS = 3
MAX_SHRINK_ROUNDS = 8
SHRINK_SHARE = 0.25
# Less time than this left: no round is started (a child takes a good part of a second to start and import).
MIN_ROUND_SECS = 1.0


@dataclass(frozen=True)
class PlannedCall:
    symbol: str
    kind: str  # "function" or "method"
    args: tuple[str, ...]
    kwargs: tuple[tuple[str, str], ...]

    def source(self) -> str:
        return call_source(callee_source(self.symbol, self.kind), list(self.args), list(self.kwargs))

    def to_request(self) -> dict:
        return {"symbol": self.symbol, "kind": self.kind, "args": list(self.args), "kwargs": list(self.kwargs)}


@dataclass
class Observed:
    """What one side's child reported: call index → ``{"first", "second"}``, and why it stopped early."""

    pairs: dict[int, dict] = field(default_factory=dict)
    missing_symbols: set[str] = field(default_factory=set)
    failure: str | None = None
    timed_out: bool = False


def call_timeout(step_timeout_secs: int) -> float:
    """Per-call limit: a slice of the step's, so one slow input cannot eat the whole step."""
    return max(0.25, min(CALL_TIMEOUT_CAP_SECS, step_timeout_secs / 20))


def observe(
    ws: Workspace,
    tree: Path,
    file: str,
    location: ModuleLocation,
    calls: list[PlannedCall],
    step_timeout_secs: int,
    limit_secs: float | None = None,
) -> Observed:
    """Call each of ``calls`` twice in a child on ``tree``; the child gets ``limit_secs`` (the step's by default)."""
    limit = step_timeout_secs if limit_secs is None else limit_secs
    request = {
        "tree": str(tree),
        "file": file,
        "module": location.module,
        "path_entries": list(location.path_entries),
        "calls": [c.to_request() for c in calls],
        "call_timeout": call_timeout(step_timeout_secs),
        "budget_secs": limit * 0.8,
    }
    events, finished = ws.run_child("observe", request, tree, limit)
    result = Observed()
    for event in events:
        kind = event.get("event")
        if kind == "call":
            result.pairs[int(event["index"])] = {"first": event["first"], "second": event["second"]}
        elif kind == "missing":
            result.missing_symbols.add(calls[int(event["index"])].symbol)
        elif kind == "import_failed":
            result.failure = f"import failed: {event.get('error')}: {event.get('message')}"
        elif kind == "budget_exhausted":
            result.failure = f"stopped after {event.get('done')} of {len(calls)} inputs (time budget)"
    if not finished.ok and result.failure is None:
        result.failure = finished.describe()
        result.timed_out = finished.timed_out
    return result


def characterize(
    ws: Workspace,
    manifest: Manifest,
    file: str,
    head_location: ModuleLocation,
    base_location: ModuleLocation | None,
    changed: list[PlannedCall],
    step_timeout_secs: int,
) -> list[RecordedCall]:
    """Compare base and head on ``changed`` (calls of symbols present on both sides); record differences.

    Returns the calls both sides agreed on, for characterization tests.
    """
    if not changed:
        return []
    if base_location is None:
        manifest.note(f"Characterization skipped for {file}: the file is not importable on the base side")
        return []
    base = observe(ws, ws.base, file, base_location, changed, step_timeout_secs)
    head = observe(ws, ws.head, file, head_location, changed, step_timeout_secs)
    for side, observed in (("base", base), ("head", head)):
        if observed.failure:
            manifest.note(f"Characterization of {file} on {side}: {observed.failure}")
        if observed.timed_out:
            manifest.problem("timeout", f"characterization on {side}: {observed.failure}", path=file)
        for symbol in sorted(observed.missing_symbols):
            manifest.note(f"{file}::{symbol} was not found on {side}: not compared")
    # Shortest inputs first: the simplest differing call is the one a reviewer should read.
    verdicts = sorted(
        compare_calls(len(changed), base.pairs, head.pairs),
        key=lambda v: (changed[v.index].symbol, len(changed[v.index].source()), v.index),
    )
    nondeterministic = count_by_symbol(changed, [v.index for v in verdicts if v.status == "nondeterministic"])
    agreed: list[RecordedCall] = []
    changes: dict[str, list[Change]] = {}
    for verdict in verdicts:
        call = changed[verdict.index]
        if call.symbol in nondeterministic:
            continue  # two calls that happened to agree prove nothing about a nondeterministic function
        if verdict.status == "changed":
            changes.setdefault(call.symbol, []).append(Change(call, verdict.base, verdict.head))
        elif verdict.status == "agreed":
            agreed.append(RecordedCall(call.symbol, call.kind, call.args, call.kwargs, verdict.head))
    # Not after a side failed: what made it fail (a hang, slow calls) would only eat the shrinking's time too.
    shrinkable = [] if base.failure or head.failure else sorted(changes)[:MAX_SHRUNK_SYMBOLS]
    starts = [changes[symbol][0] for symbol in shrinkable]
    for shrunk in shrink_changes(ws, file, head_location, base_location, starts, step_timeout_secs):
        changes[shrunk.call.symbol].insert(0, shrunk)
    _note_nondeterministic(manifest, file, nondeterministic)
    for symbol in sorted(changes):
        listed = _distinct(changes[symbol])
        for change in listed[:MAX_CHANGES_PER_SYMBOL]:
            manifest.behaviour_change(file, symbol, change.call.source(), change.base, change.head)
        if len(listed) > MAX_CHANGES_PER_SYMBOL:
            manifest.note(
                f"{file}::{symbol}: {len(listed)} inputs behaved differently on base and head; "
                f"the first {MAX_CHANGES_PER_SYMBOL} are listed"
            )
    return agreed


def shrink_changes(
    ws: Workspace,
    file: str,
    head_location: ModuleLocation,
    base_location: ModuleLocation,
    starts: list[Change],
    step_timeout_secs: int,
) -> list[Change]:
    """The changes found by shrinking ``starts`` that are simpler than their start (see ``shrink``).

    Each round observes its candidates in one child per side, under the same per-call limit as the
    characterization; all rounds together get ``SHRINK_SHARE`` of the step's time. A side that fails or runs
    out of time ends the shrinking (what it observed still counts): a candidate that hangs would hang again.
    """
    deadline = time.monotonic() + step_timeout_secs * SHRINK_SHARE
    stopped = False

    def observe_round(calls: list[PlannedCall]) -> tuple[dict[int, dict], dict[int, dict]] | None:
        nonlocal stopped
        pairs = []
        for tree, location in ((ws.base, base_location), (ws.head, head_location)):
            left = deadline - time.monotonic()
            if stopped or left < MIN_ROUND_SECS:
                return None
            observed = observe(ws, tree, file, location, calls, step_timeout_secs, limit_secs=left)
            stopped = observed.failure is not None
            pairs.append(observed.pairs)
        return pairs[0], pairs[1]

    shrunk = shrink(starts, observe_round, MAX_SHRINK_ROUNDS) if starts else []
    return [end for start, end in zip_strict(starts, shrunk) if end.call.source() != start.call.source()]


def _distinct(changes: list[Change]) -> list[Change]:
    """``changes`` without repeated inputs (a shrunk call may be one of the drawn ones), first kept."""
    seen: set[str] = set()
    distinct = []
    for change in changes:
        source = change.call.source()
        if source not in seen:
            seen.add(source)
            distinct.append(change)
    return distinct


def count_by_symbol(calls: list[PlannedCall], indexes: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for index in indexes:
        counts[calls[index].symbol] = counts.get(calls[index].symbol, 0) + 1
    return counts


def record_new(
    ws: Workspace,
    manifest: Manifest,
    file: str,
    head_location: ModuleLocation,
    new_calls: list[PlannedCall],
    step_timeout_secs: int,
) -> list[RecordedCall]:
    """Record head's results for calls of new functions, keeping only deterministic ones."""
    if not new_calls:
        return []
    head = observe(ws, ws.head, file, head_location, new_calls, step_timeout_secs)
    if head.failure:
        manifest.note(f"Recording new functions of {file}: {head.failure}")
    if head.timed_out:
        manifest.problem("timeout", f"recording new functions: {head.failure}", path=file)
    observed = [(i, c, head.pairs[i]) for i, c in enumerate(new_calls) if i in head.pairs]
    nondeterministic = count_by_symbol(new_calls, [i for i, _, pair in observed if not is_deterministic(pair)])
    _note_nondeterministic(manifest, file, nondeterministic)
    return [
        RecordedCall(call.symbol, call.kind, call.args, call.kwargs, pair["first"])
        for _, call, pair in observed
        if call.symbol not in nondeterministic
    ]


def _note_nondeterministic(manifest: Manifest, file: str, counts: dict[str, int]) -> None:
    # No count in the note: how many calls happened to disagree varies from run to run, the note must not.
    for symbol in sorted(counts):
        manifest.note(
            f"{file}::{symbol}: the same input gave different results when called twice (nondeterministic): "
            "its results were not compared between base and head nor pinned in tests"
        )
