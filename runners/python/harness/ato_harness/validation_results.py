"""Validate mode's bookkeeping, without I/O: from the events of pytest sessions to ``validation.json``.

A run of the candidates is one pytest session, or several when one candidate kills the session: the
session's events (see ``validate_plugin``) say which module or test was in progress when it died. That
candidate's run is settled as ``missing`` (or, while importing it in run 1, as not collected), the ones that
finished keep their results, and the rest are run again in a new session. Only a death nobody can be blamed
for ends the run for everyone left, so the number of sessions per run is bounded by the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .values import cut

MAX_ERROR = 4000
# Of an error's text, the message and the traceback's tail get at most this much each.
MAX_MESSAGE = 1000
MAX_TRACEBACK_TAIL = 2500
PASSED, FAILED, MISSING = "passed", "failed", "missing"


@dataclass
class Session:
    """What one pytest session reported, read from its events. Paths are the modules' absolute paths."""

    collect_errors: dict[str, str] = field(default_factory=dict)
    collected_ok: set[str] = field(default_factory=set)
    collecting: str | None = None
    counts: dict[str, int] | None = None
    results: dict[str, list[dict]] = field(default_factory=dict)
    running: tuple[str, str] | None = None  # (path, node id) of a test that started and never ended
    nodeid_paths: dict[str, str] = field(default_factory=dict)
    finished: bool = False


def parse_session(events: list[dict]) -> Session:
    session = Session()
    for event in events:
        kind = event.get("event")
        path = event.get("path")
        if kind == "collecting" and isinstance(path, str):
            session.collecting = path
        elif kind == "collected" and isinstance(path, str):
            session.collecting = None
            if event.get("ok"):
                session.collected_ok.add(path)
            else:
                session.collect_errors[path] = str(event.get("error") or "collection failed")
        elif kind == "items" and isinstance(event.get("counts"), dict):
            session.counts = {str(k): int(v) for k, v in event["counts"].items() if isinstance(v, int)}
        elif kind == "start" and isinstance(path, str):
            nodeid = str(event.get("nodeid", ""))
            session.running = (path, nodeid)
            session.nodeid_paths[nodeid] = path
        elif kind == "result" and isinstance(path, str):
            session.running = None
            session.results.setdefault(path, []).append(event)
        elif kind == "finished":
            session.finished = True
    return session


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
    covered: dict[str, set[int]] = field(default_factory=dict)
    settled_run_1: bool = False

    def not_collected(self, error: str) -> None:
        self.collected, self.tests, self.runs, self.settled_run_1 = False, 0, [], True
        self.note = error

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
    """The candidates of a session to run again, and whether the session's death was blamed on one."""

    retry: list[str]
    blamed: bool


def settle(
    records: dict[str, CandidateRecord], paths: list[str], session: Session, run: int, ended: str | None, root: str
) -> Settled:
    """Record ``session``'s outcome for the candidates at ``paths``, in run ``run``.

    ``ended`` is None when the session finished, else how its process ended (for the messages); ``root`` is
    the workspace folder, cut from paths in messages.
    """
    retry: list[str] = []
    blamed = False
    counts = session.counts
    for path in paths:
        record = records[path]
        results = session.results.get(path, [])
        failed = [r for r in results if r.get("outcome") == FAILED]
        if path in session.collect_errors:
            error = relative(session.collect_errors[path], root)
            if run == 1:
                record.not_collected(error)
            else:
                record.add_run(FAILED, failure=f"importing the module failed in run {run}: {error}")
        elif session.collecting == path:
            blamed = True
            how = f"the pytest process ended while importing {relative(path, root)} ({ended or 'no reason given'})"
            if run == 1:
                record.not_collected(how)
            else:
                record.add_run(MISSING, note=f"run {run}: {how}")
        elif counts is not None and counts.get(path, 0) == 0 and path in session.collected_ok:
            if run == 1:
                record.not_collected(f"no tests were found in {relative(path, root)}")
            else:
                record.add_run(FAILED, failure=f"no tests were found in {relative(path, root)} in run {run}")
        elif counts is not None and len(results) >= counts.get(path, 0) > 0:
            if run == 1:
                record.collected, record.tests, record.settled_run_1 = True, counts[path], True
            record.add_run(FAILED if failed else PASSED, failure=failure_text(failed[0], root) if failed else None)
        elif counts is not None and session.running is not None and session.running[0] == path:
            blamed = True
            if run == 1:
                record.collected, record.tests, record.settled_run_1 = True, counts[path], True
            test = short_test_name(session.running[1])
            note = f"{test}: the pytest process ended during this test in run {run} ({ended or 'no reason given'})"
            if failed:
                record.add_run(FAILED, failure=failure_text(failed[0], root))
            else:
                record.add_run(MISSING, note=note)
        else:
            retry.append(path)
    return Settled(retry=retry, blamed=blamed)


def give_up(records: dict[str, CandidateRecord], paths: list[str], run: int, why: str) -> None:
    """The candidates at ``paths`` get no result in run ``run``, for the reason ``why``."""
    for path in paths:
        record = records[path]
        if run == 1:
            record.not_collected(why)
        else:
            record.add_run(MISSING, note=f"run {run}: {why}")


def failure_text(result: dict, root: str) -> str:
    """``test_name: ExceptionType: message`` and the tail of the traceback, paths relative to ``root``."""
    error = result.get("error") or {}
    when = error.get("when", "call")
    where = "" if when == "call" else f" (in {when})"
    message = cut(str(error.get("message", "")), MAX_MESSAGE)
    text = f"{short_test_name(str(result.get('nodeid', '')))}{where}: {error.get('type', 'Failed')}: {message}"
    traceback = str(error.get("traceback", "")).strip()
    if traceback:
        if len(traceback) > MAX_TRACEBACK_TAIL:
            traceback = "…" + traceback[-(MAX_TRACEBACK_TAIL - 1) :]
        text += "\n" + traceback
    return cut(relative(text, root), MAX_ERROR)


def short_test_name(nodeid: str) -> str:
    """``candidates/test_x.py::TestK::test_y[1]`` → ``TestK::test_y[1]``."""
    return nodeid.split("::", 1)[1] if "::" in nodeid else nodeid


def relative(text: str, root: str) -> str:
    """``text`` with the workspace's absolute prefix removed from the paths it mentions."""
    prefix = root.rstrip("/") + "/"
    return text.replace(prefix, "")


def validation_json(records: list[CandidateRecord]) -> dict:
    from . import PROTOCOL_VERSION

    return {"protocol": PROTOCOL_VERSION, "candidates": [r.entry() for r in records]}
