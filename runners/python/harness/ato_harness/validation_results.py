"""Validate mode's bookkeeping, without I/O: from the events of pytest sessions to each candidate's record
(``ato_runner.validation``), which makes ``validation.json``.

A run of the candidates is one pytest session, or several when one candidate kills the session: the
session's events (see ``validate_plugin``) say which module or test was in progress when it died. That
candidate's run is settled as ``missing`` (or, while importing it in run 1, as not collected), the ones that
finished keep their results, and the rest are run again in a new session. Only a death nobody can be blamed
for ends the run for everyone left, so the number of sessions per run is bounded by the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ato_runner.text import cut
from ato_runner.validation import (
    FAILED,
    MAX_ERROR,
    MAX_MESSAGE,
    MISSING,
    PASSED,
    CandidateRecord,
    Settled,
    relative,
    traceback_tail,
)


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
                record.collect(counts[path])
            record.add_run(FAILED if failed else PASSED, failure=failure_text(failed[0], root) if failed else None)
        elif counts is not None and session.running is not None and session.running[0] == path:
            blamed = True
            if run == 1:
                record.collect(counts[path])
            test = short_test_name(session.running[1])
            note = f"{test}: the pytest process ended during this test in run {run} ({ended or 'no reason given'})"
            if failed:
                record.add_run(FAILED, failure=failure_text(failed[0], root))
            else:
                record.add_run(MISSING, note=note)
        else:
            retry.append(path)
    return Settled(retry=retry, blamed=blamed)


def failure_text(result: dict, root: str) -> str:
    """``test_name: ExceptionType: message`` and the tail of the traceback, paths relative to ``root``."""
    error = result.get("error") or {}
    when = error.get("when", "call")
    where = "" if when == "call" else f" (in {when})"
    message = cut(str(error.get("message", "")), MAX_MESSAGE)
    text = f"{short_test_name(str(result.get('nodeid', '')))}{where}: {error.get('type', 'Failed')}: {message}"
    traceback = str(error.get("traceback", "")).strip()
    if traceback:
        text += "\n" + traceback_tail(traceback)
    return cut(relative(text, root), MAX_ERROR)


def short_test_name(nodeid: str) -> str:
    """``candidates/test_x.py::TestK::test_y[1]`` → ``TestK::test_y[1]``."""
    return nodeid.split("::", 1)[1] if "::" in nodeid else nodeid
