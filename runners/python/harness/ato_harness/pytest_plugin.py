"""ato's pytest plugin (``-p ato_harness.pytest_plugin``): shuffled order and a per-test time limit.

- ``ATO_SHUFFLE_SEED``: when set, tests run in an order shuffled with that seed. Reruns use different seeds so
  that order-dependent tests show mixed outcomes (pytest-randomly is not in the image).
- ``ATO_TEST_TIMEOUT_SECS``: each test's setup, call and teardown fail after that many seconds (SIGALRM), so
  one hanging test fails alone instead of the whole run hitting the step limit.
- When the session is over, the process exits at once (``os._exit``), whatever threads are still running.
- ``ATO_FAULTS_FILE``: when set, each failed test that is ato's own fault (``faults.fault_of``) is written there,
  one JSON line (``nodeid``, ``reason``) each.
- A process forked by the code under test (``os.fork()``, a fork bomb) that returns into pytest exits at once:
  otherwise each copy would go on running the session and overwrite the JUnit file.
"""

from __future__ import annotations

import json
import os
import random
import signal

import pytest

from ato_harness.faults import fault_of
from ato_harness.processes import contain_forked_copy


def shuffled(items: list, seed: int) -> list:
    """``items`` in a new order fixed by ``seed``."""
    order = list(items)
    random.Random(seed).shuffle(order)
    return order


_MAIN_PID = os.getpid()


class PerTestTimeout(BaseException):
    """A test ran past its limit.

    A BaseException, and not pytest's ``Failed``: Hypothesis catches ``Exception`` and ``Failed`` as a test
    failure and then replays and shrinks the example (hanging again each time), while anything else is
    re-raised at once. pytest still reports it as the test's failure.
    """


def pytest_configure(config):
    # Registered here, not at import: only a session that loads this plugin gets its forks contained.
    global _MAIN_PID
    _MAIN_PID = os.getpid()
    os.register_at_fork(after_in_child=lambda: contain_forked_copy(max(_timeout_secs(), 1.0)))


def _exit_if_forked() -> None:
    if os.getpid() != _MAIN_PID:
        os._exit(0)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    _exit_if_forked()
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        _record_fault(item, call.excinfo)


def _record_fault(item, excinfo) -> None:
    path = os.environ.get("ATO_FAULTS_FILE")
    if not path:
        return
    # The raw traceback, not pytest's ``excinfo.traceback``: building that one here, before pytest does,
    # cost the coverage of lines the failing example ran (seen with Hypothesis tests on Python 3.13).
    tb = excinfo.tb
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    innermost = tb.tb_frame.f_code.co_filename if tb is not None else ""
    error = excinfo.type
    reason = fault_of(error.__module__, error.__name__, innermost, str(item.fspath), str(excinfo.value))
    if reason is not None:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"nodeid": item.nodeid, "reason": reason}) + "\n")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_make_collect_report(collector):
    yield
    _exit_if_forked()


_exit_status: list[int] = []


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    _exit_if_forked()
    _exit_status.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave as soon as pytest is done (JUnit and coverage written): threads the code under test left running
    must not hold the exit until the run's time limit."""
    if _exit_status and os.environ.get("ATO_TEST_TIMEOUT_SECS"):
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status[-1])


def pytest_collection_modifyitems(session, config, items):
    seed = os.environ.get("ATO_SHUFFLE_SEED")
    if seed:
        items[:] = shuffled(items, int(seed))


def _timeout_secs() -> float:
    try:
        return float(os.environ.get("ATO_TEST_TIMEOUT_SECS", "0"))
    except ValueError:
        return 0.0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    seconds = _timeout_secs()
    if seconds <= 0:
        yield
        return

    def on_alarm(signum, frame):
        __tracebackhide__ = True  # the frame of the limit itself says nothing about the test
        raise PerTestTimeout(f"test did not finish within {seconds:g}s (ato per-test limit)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    item.ato_timeout = seconds
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    _arm(item)
    yield
    _disarm()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    _arm(item)
    yield
    _disarm()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    _arm(item)
    yield
    _disarm()


def _arm(item) -> None:
    seconds = getattr(item, "ato_timeout", 0)
    if seconds:
        signal.setitimer(signal.ITIMER_REAL, seconds)


def _disarm() -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)
