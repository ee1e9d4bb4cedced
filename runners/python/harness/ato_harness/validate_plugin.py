"""pytest plugin of validate mode (``-p ato_harness.validate_plugin``, next to ``ato_harness.pytest_plugin``).

One pytest session runs every candidate module at once (a process per candidate costs ten times as much), so
the session has to say what happened per module and per test, in a way that survives the session dying:

- ``ATO_VALIDATION_EVENTS``: a JSON-lines file, one line per event, flushed at once. ``collecting`` and
  ``collected`` frame the import of each module, ``items`` gives the tests found per module, ``start`` and
  ``result`` frame each test, ``finished`` ends the session. A module or test that started and never
  finished is the one that killed the session.
- ``ATO_VALIDATION_COVERAGE_RC``: when set, coverage.py measures the session with that configuration, and
  each test's lines are recorded under its node id as dynamic context. Coverage writes its data file at each
  context switch, so what the finished tests executed is kept even when a later test kills the session.
- Importing a module has the per-test time limit too (``ATO_TEST_TIMEOUT_SECS``): a module that hangs at
  import fails its own collection instead of holding the whole session.
"""

from __future__ import annotations

import json
import os
import signal

import pytest

_events = None
_coverage = None
_outcomes: dict[str, dict] = {}
# A copy made by ``os.fork()`` in the code under test must not speak for the session.
_main_pid = os.getpid()


class CollectionTimeout(BaseException):
    """Importing a module ran past the per-test limit (a BaseException, so no ``except Exception`` eats it)."""


def _emit(**event) -> None:
    if _events is not None and os.getpid() == _main_pid:
        _events.write(json.dumps(event) + "\n")
        _events.flush()


def _timeout_secs() -> float:
    try:
        return float(os.environ.get("ATO_TEST_TIMEOUT_SECS", "0"))
    except ValueError:
        return 0.0


def _node_path(node) -> str:
    """The node's file: ``node.path`` from pytest 7, ``node.fspath`` before (pytest 6.0 in the Python 3.9 image)."""
    path = getattr(node, "path", None)
    return str(path if path is not None else node.fspath)


def pytest_configure(config):
    global _events, _coverage, _main_pid
    _main_pid = os.getpid()
    path = os.environ.get("ATO_VALIDATION_EVENTS")
    if path:
        _events = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole session
    rcfile = os.environ.get("ATO_VALIDATION_COVERAGE_RC")
    if rcfile:
        import coverage

        _coverage = coverage.Coverage(config_file=rcfile)
        _coverage.start()


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    if not isinstance(collector, pytest.File):
        yield
        return
    path = _node_path(collector)
    _emit(event="collecting", path=path)
    seconds = _timeout_secs()

    def on_alarm(signum, frame):
        __tracebackhide__ = True  # the frame of the limit itself says nothing about the test
        raise CollectionTimeout(f"importing the module did not finish within {seconds:g}s (ato per-test limit)")

    previous = signal.signal(signal.SIGALRM, on_alarm) if seconds > 0 else None
    if seconds > 0:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        outcome = yield
    finally:
        if seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    report = outcome.get_result()
    error = report.longreprtext if report.failed else None
    if report.skipped:
        error = f"the whole module was skipped: {_skip_reason(report)}"
    _emit(event="collected", path=path, ok=report.passed, error=error)


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def pytest_collection_finish(session):
    counts: dict[str, int] = {}
    for item in session.items:
        key = _node_path(item)
        counts[key] = counts.get(key, 0) + 1
    _emit(event="items", counts=counts)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    _emit(event="start", nodeid=item.nodeid, path=_node_path(item))
    _switch_context(item.nodeid)
    _outcomes[item.nodeid] = {"outcome": "passed", "error": None}
    yield
    _switch_context("")
    result = _outcomes.pop(item.nodeid, {"outcome": "passed", "error": None})
    _emit(event="result", nodeid=item.nodeid, path=_node_path(item), **result)


def _switch_context(context: str) -> None:
    if _coverage is not None and os.getpid() == _main_pid:
        _coverage.switch_context(context)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        report.ato_exception = (call.excinfo.typename, _message(call.excinfo.value))


def _message(value: BaseException) -> str:
    try:
        return str(value)
    except Exception as err:  # noqa: BLE001 - a broken __str__ in the code under test
        return f"<str() failed: {type(err).__name__}>"


def pytest_runtest_logreport(report):
    state = _outcomes.get(report.nodeid)
    if state is None or not report.failed or state["outcome"] == "failed":
        return
    typename, message = getattr(report, "ato_exception", ("Failed", ""))
    state["outcome"] = "failed"
    state["error"] = {
        "when": report.when,
        "type": typename,
        "message": message,
        "traceback": report.longreprtext,
    }


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    if _coverage is not None and os.getpid() == _main_pid:
        _coverage.stop()
        _coverage.save()
    _emit(event="finished", status=int(exitstatus))
