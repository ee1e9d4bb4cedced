import signal
import time

from ato_harness import child
from ato_harness.workspace import Workspace


def test_timed_observes_returns_raises_and_overruns():
    previous = signal.signal(signal.SIGALRM, child._on_alarm)
    try:
        assert child.timed(lambda: [1], 1.0)["value"] == "[1]"
        assert child.timed(lambda: 1 / 0, 1.0)["error"] == "ZeroDivisionError"

        def swallows_exceptions():
            while True:
                try:
                    time.sleep(0.01)
                except Exception:  # noqa: S112 - the point: ordinary handlers cannot eat the timeout
                    continue

        start = time.monotonic()
        observation = child.timed(swallows_exceptions, 0.3)
        assert observation["error"] == "ato.CallTimeout"
        assert time.monotonic() - start < 5
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_observe_calls_each_input_twice_with_fresh_arguments(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "mod.py").write_text(
        "import itertools\n"
        "_counter = itertools.count()\n\n"
        "def grow(items):\n    items.append(0)\n    return len(items)\n\n"
        "def tick():\n    return next(_counter)\n\n"
        "class Box:\n    def put(self, x):\n        return [x]\n"
    )
    ws = Workspace(tmp_path / "work", scratch=tmp_path / "scratch")
    ws.scratch.mkdir()
    request = {
        "tree": str(tree),
        "file": "mod.py",
        "module": "mod",
        "path_entries": [""],
        "calls": [
            {"symbol": "grow", "kind": "function", "args": ["[1, 2]"], "kwargs": []},
            {"symbol": "tick", "kind": "function", "args": [], "kwargs": []},
            {"symbol": "Box.put", "kind": "method", "args": [], "kwargs": [["x", "'a'"]]},
            {"symbol": "gone", "kind": "function", "args": [], "kwargs": []},
        ],
        "call_timeout": 2.0,
        "budget_secs": 30,
    }
    events, finished = ws.run_child("observe", request, tree, 60)
    assert finished.ok, finished.describe()
    calls = {e["index"]: e for e in events if e["event"] == "call"}
    assert calls[0]["first"]["value"] == calls[0]["second"]["value"] == "3"
    assert (calls[1]["first"]["value"], calls[1]["second"]["value"]) == ("0", "1")
    assert calls[2]["first"]["value"] == "['a']"
    assert [e["index"] for e in events if e["event"] == "missing"] == [3]
    assert events[-1]["event"] == "done"


def test_within_gives_up_on_a_slow_step():
    previous = signal.signal(signal.SIGALRM, child._on_alarm)
    try:
        assert child.within(1.0, lambda: 42) == (True, 42)
        start = time.monotonic()
        assert child.within(0.2, lambda: time.sleep(5)) == (False, None)
        assert time.monotonic() - start < 3
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_threads_left_running_by_the_module_do_not_hold_the_child(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "lingers.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(600,)).start()\n\ndef f():\n    return 1\n"
    )
    ws = Workspace(tmp_path / "work", scratch=tmp_path / "scratch")
    ws.scratch.mkdir()
    request = {
        "tree": str(tree),
        "file": "lingers.py",
        "module": "lingers",
        "path_entries": [""],
        "calls": [{"symbol": "f", "kind": "function", "args": [], "kwargs": []}],
        "call_timeout": 2.0,
        "budget_secs": 30,
    }
    events, finished = ws.run_child("observe", request, tree, 30)
    assert finished.ok and not finished.timed_out
    assert finished.seconds < 20
    assert events[-1]["event"] == "done"
