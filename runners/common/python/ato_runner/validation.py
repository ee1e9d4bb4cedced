"""Validate mode's bookkeeping, without I/O: what is known of each candidate, and ``validation.json``.

Each harness reads its own test tool's events (pytest's, the JVM runner's) and settles every candidate's
run through a ``CandidateRecord``: collected or not, one outcome per run, the first failure, why a run is
missing, the lines it covered. ``validation.json`` has one entry per candidate of the plan, in plan order,
whatever happened (``runners/PROTOCOL.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import PROTOCOL_VERSION
from .text import cut

MAX_ERROR = 4000
# Of an error's text, the message and the traceback's tail get at most this much each.
MAX_MESSAGE = 1000
MAX_TRACEBACK_TAIL = 2500
PASSED, FAILED, MISSING = "passed", "failed", "missing"


@dataclass
class CandidateRecord:
    """What is known so far of one candidate; ``entry()`` is its line of ``validation.json``."""

    id: str
    file: str
    collected: bool = False
    tests: int = 0
    runs: list[str] = field(default_factory=list)
    failure: str | None = None  # the first failure of the first failing run
    note: str | None = None  # why it was not collected, or why a run is missing
    covered: dict[str, set[int] | list[int]] = field(default_factory=dict)
    settled_run_1: bool = False

    def not_collected(self, error: str) -> None:
        self.collected, self.tests, self.runs, self.settled_run_1 = False, 0, [], True
        self.note = error

    def collect(self, tests: int) -> None:
        """Run 1 found ``tests`` test cases in it."""
        self.collected, self.tests, self.settled_run_1 = True, tests, True

    def add_run(self, outcome: str, failure: str | None = None, note: str | None = None) -> None:
        self.runs.append(outcome)
        if outcome == FAILED and self.failure is None:
            self.failure = failure
        if outcome == MISSING and self.note is None:
            self.note = note

    def entry(self) -> dict:
        if not self.settled_run_1:
            error = self.note or "not validated: the runner stopped before it got to this candidate"
            return {"id": self.id, "collected": False, "tests": 0, "runs": [], "error": error, "covered": {}}
        error = (self.failure or self.note) if self.collected else self.note
        covered = {path: sorted(lines) for path, lines in sorted(self.covered.items()) if lines}
        return {
            "id": self.id,
            "collected": self.collected,
            "tests": self.tests,
            "runs": list(self.runs) if self.collected else [],
            "error": cut(error, MAX_ERROR) if error else None,
            "covered": covered if self.collected else {},
        }


@dataclass(frozen=True)
class Settled:
    """The candidates of a session to run again, and whether the session's end was blamed on one."""

    retry: list[str]
    blamed: bool


def give_up(records: dict[str, CandidateRecord], keys: list[str], run: int, why: str) -> None:
    """The candidates at ``keys`` get no result in run ``run``, for the reason ``why``."""
    for key in keys:
        record = records[key]
        if run == 1:
            record.not_collected(why)
        else:
            record.add_run(MISSING, note=f"run {run}: {why}")


def traceback_tail(trace: str) -> str:
    """The end of a traceback, where the failing line is, at most ``MAX_TRACEBACK_TAIL`` characters."""
    if len(trace) > MAX_TRACEBACK_TAIL:
        return "…" + trace[-(MAX_TRACEBACK_TAIL - 1) :]
    return trace


def relative(text: str, root: str) -> str:
    """``text`` with the workspace's absolute prefix removed from the paths it mentions."""
    return text.replace(root.rstrip("/") + "/", "")


def validation_json(records: list[CandidateRecord]) -> dict:
    return {"protocol": PROTOCOL_VERSION, "candidates": [r.entry() for r in records]}
