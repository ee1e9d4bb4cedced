"""Validate mode's bookkeeping, without I/O: from the events of ``ato.CandidateRunner`` to each candidate's
record (``ato_runner.validation``), which makes ``validation.json``.

A run of the candidates is one JVM that runs them one after the other, or several when a candidate ends the
JVM (``System.exit``, a crash, the run's time limit): the events say which candidate, and which of its tests,
was in progress. That candidate's run is settled as ``missing`` (or, while its classes were being loaded in
run 1, as not collected), the ones that finished keep their results, and the rest run again in a new JVM.
Only an end nobody can be blamed for stops the run for everyone left, so a run has at most as many JVMs as
candidates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ato_runner.paths import repo_path
from ato_runner.text import cut
from ato_runner.validation import (
    FAILED,
    MAX_ERROR,
    MAX_MESSAGE,
    MISSING,
    PASSED,
    CandidateRecord,
    Settled,
    traceback_tail,
)


@dataclass
class Session:
    """What one runner JVM reported, read from its events, by candidate id."""

    tests: dict[str, int] = field(default_factory=dict)  # discovered
    problems: dict[str, str] = field(default_factory=dict)  # classes that could not be loaded
    results: dict[str, list[dict]] = field(default_factory=dict)
    running: dict[str, str] = field(default_factory=dict)  # a test that started and has no result yet
    done: set[str] = field(default_factory=set)
    current: str | None = None  # the candidate that started and is not done


def parse_session(events: list[dict]) -> Session:
    session = Session()
    for event in events:
        kind, cid = event.get("event"), event.get("id")
        if not isinstance(cid, str):
            continue
        if kind == "candidate":
            session.current = cid
        elif kind == "discovered":
            session.tests[cid] = int(event.get("tests") or 0)
            if event.get("problems"):
                session.problems[cid] = str(event["problems"])
        elif kind == "start":
            session.running[cid] = str(event.get("test", ""))
        elif kind == "result":
            if not event.get("container"):
                session.running.pop(cid, None)
            session.results.setdefault(cid, []).append(event)
        elif kind == "done":
            session.done.add(cid)
            session.current = None
    return session


def settle(records: dict[str, CandidateRecord], ids: list[str], session: Session, run: int, ended: str | None):
    """Record ``session``'s outcome for the candidates ``ids`` in run ``run``; ``ended`` is how the JVM ended
    when it did not get through them all."""
    retry: list[str] = []
    blamed = False
    how = ended or "no reason given"
    for cid in ids:
        record = records[cid]
        failed = [r for r in session.results.get(cid, []) if r.get("outcome") == FAILED]
        tests = session.tests.get(cid)
        if cid in session.done and not tests:
            found = f"no tests were found in {record.file}"
            if cid in session.problems:
                found += f" ({session.problems[cid]})"
            if run == 1:
                record.not_collected(found)
            else:
                record.add_run(FAILED, failure=f"{found} in run {run}")
        elif cid in session.done:
            if run == 1:
                record.collect(tests)
            record.add_run(FAILED if failed else PASSED, failure=failure_text(failed[0]) if failed else None)
        elif cid == session.current and tests:
            blamed = True
            if run == 1:
                record.collect(tests)
            if failed:
                record.add_run(FAILED, failure=failure_text(failed[0]))
            elif cid in session.running:
                test = session.running[cid]
                record.add_run(MISSING, note=f"{test}: the JVM ended during this test in run {run} ({how})")
            else:
                record.add_run(MISSING, note=f"the JVM ended while running {record.file} in run {run} ({how})")
        elif cid == session.current:
            blamed = True
            loading = f"the JVM ended while loading the classes of {record.file} ({how})"
            if run == 1:
                record.not_collected(loading)
            else:
                record.add_run(MISSING, note=f"run {run}: {loading}")
        else:
            retry.append(cid)
    return Settled(retry=retry, blamed=blamed)


def failure_text(result: dict) -> str:
    """``CalcLlmTest.adds(): ExceptionType: message`` and the tail of the stack trace."""
    error = result.get("error") or {}
    headline = f"{error.get('type', 'failed')}: {error.get('message', '')}"
    text = f"{result.get('test', '?')}: {cut(headline, MAX_MESSAGE)}"
    trace = str(error.get("traceback", "")).strip()
    # A stack trace starts with the headline again.
    trace = trace.removeprefix(headline).lstrip("\r\n")
    if trace:
        text += "\n" + traceback_tail(trace)
    return cut(text, MAX_ERROR)


def shuffled(ids: list[str], seed: int) -> list[str]:
    """The candidates' order in a rerun: fixed by the run's seed, like the order of classes and methods."""
    order = list(ids)
    random.Random(seed).shuffle(order)
    return order


def covered_targets(files: dict[str, list[int]], targets: list[str]) -> dict[str, list[int]]:
    """JaCoCo's ``com/example/Calc.java`` keys as the plan's target paths (the one that ends with it)."""
    covered: dict[str, list[int]] = {}
    for name, lines in files.items():
        target = repo_path(name, targets)
        if target in targets:
            covered[target] = sorted(set(covered.get(target, [])) | set(lines))
    return covered
