"""The child process: the only place, besides pytest, where the pull request's code is imported and run.

``python3 -m ato_harness.child inspect|observe REQUEST.json RESULTS.jsonl``

- ``inspect`` (head tree): imports the module, and per symbol draws seeded inputs and asks the Hypothesis
  ghostwriter for property tests;
- ``observe`` (base or head tree): calls each requested input twice, each call under its own time limit, and
  records what it did.

Results are appended as JSON lines and flushed one by one, so whatever was learnt before a hang, a crash or
the parent's timeout survives. The parent started this process with resource limits (see ``processes``).
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import signal
import sys
import time
import traceback
import typing

from . import inputs as input_gen
from .observations import raised, returned
from .processes import contain_forked_copy
from .values import eval_source


class CallTimeout(BaseException):
    """Raised by the timer inside a call that ran too long; a BaseException so ``except Exception`` can't eat it."""


_armed = False
_MAIN_PID = os.getpid()


def _on_alarm(signum, frame):
    if _armed:
        raise CallTimeout()


class Results:
    def __init__(self, path: str):
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the child's life

    def emit(self, event: dict) -> None:
        self._file.write(json.dumps(event) + "\n")
        self._file.flush()


def import_module(request: dict, results: Results):
    """Import the module under test from the request's tree; report failure as an event and return None."""
    results.emit({"event": "started"})
    tree = request["tree"]
    for entry in reversed(request["path_entries"]):
        sys.path.insert(0, f"{tree}/{entry}" if entry else tree)
    try:
        module = importlib.import_module(request["module"])
    except BaseException as err:  # noqa: BLE001 - SystemExit or anything else at import is the PR's problem
        results.emit(
            {
                "event": "import_failed",
                "error": type(err).__name__,
                "message": str(err)[:2000],
                "line": _error_line(err, request["file"]),
                # The module the import system could not find (``six``, ``pipes``), the environment's lack
                # rather than the code's fault when the repository does not hold it.
                "missing_module": err.name if isinstance(err, ModuleNotFoundError) else None,
            }
        )
        return None
    results.emit({"event": "imported"})
    return module


def _error_line(err: BaseException, file: str) -> int | None:
    """The line in the target file where the import failed, when the traceback passes through it."""
    line = None
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename.replace("\\", "/").endswith("/" + file):
            line = frame.lineno
    return line


def resolve(module, qualname: str):
    obj = module
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def make_callable(module, symbol: str, kind: str):
    """A function that performs one call of ``symbol`` (on a fresh instance for a method)."""
    if kind == "method":
        owner, method = symbol.rsplit(".", 1)
        cls = resolve(module, owner)
        return lambda *a, **k: getattr(cls(), method)(*a, **k)
    return resolve(module, symbol)


def timed(thunk, seconds: float) -> dict:
    """Run ``thunk`` and build the observation (repr included) under a time limit.

    The timer is disarmed through ``_armed`` before anything else, so a late alarm can never escape.
    """
    global _armed
    try:
        _armed = True
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            value = thunk()
            observation = returned(value, repr(value))
        except CallTimeout:
            raise
        except BaseException as err:  # noqa: BLE001 - whatever the call raised is the observation
            observation = raised(err)
        finally:
            if os.getpid() != _MAIN_PID:  # a copy made by os.fork() in the call: it must not report
                os._exit(0)
        _armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        return observation
    except CallTimeout:
        _armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        return {"kind": "raised", "error": "ato.CallTimeout", "message": f"no result within {seconds:g}s"}


def inspect_symbol(module, spec: dict, request: dict) -> dict:
    """Inputs and ghostwriter source for one symbol; every refusal comes back as a note, never an exception."""
    name, kind = spec["name"], spec["kind"]
    result: dict = {"event": "symbol", "name": name, "found": False, "notes": [], "inputs": None, "ghostwriter": None}
    try:
        obj = resolve(module, name)
    except AttributeError:
        result["notes"].append(f"{name} is not an attribute of the imported module")
        return result
    result["found"] = True
    if kind == "class" or not callable(obj):
        return result
    if inspect.iscoroutinefunction(obj) or inspect.isasyncgenfunction(obj):
        result["notes"].append(f"{name} is async: not called")
        return result
    target = obj
    if kind == "method":
        owner = name.rsplit(".", 1)[0]
        built: list = []
        construction = timed(lambda: built.append(resolve(module, owner)()), request["call_timeout"])
        if construction["kind"] == "raised" or not built:
            error = construction.get("error", "no instance")
            result["notes"].append(f"{owner} cannot be constructed with no arguments ({error}); {name} not called")
            return result
        target = getattr(built[0], name.rsplit(".", 1)[1])
    # Drawing inputs may build the PR's own objects (``st.from_type``), so it runs under a time limit too.
    limit = request.get("symbol_timeout", 10.0)
    if spec.get("wants_inputs"):
        done, value = within(limit, lambda: _inputs_for(target, name, request, result["notes"]))
        result["inputs"] = value if done else None
        if not done:
            result["notes"].append(f"{name}: drawing inputs took longer than {limit:g}s; not called")
    if spec.get("wants_ghostwriter") and kind == "function":
        done, value = within(limit, lambda: _ghostwrite(obj, name, result["notes"]))
        result["ghostwriter"] = value if done else None
        if not done:
            result["notes"].append(f"Hypothesis ghostwriter skipped {name}: took longer than {limit:g}s")
    return result


def within(seconds: float, thunk) -> tuple[bool, object]:
    """``(True, thunk())``, or ``(False, None)`` when it overran ``seconds``. Exceptions propagate."""
    global _armed
    try:
        _armed = True
        signal.setitimer(signal.ITIMER_REAL, seconds)
        value = thunk()
        _armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        return True, value
    except CallTimeout:
        return False, None
    finally:
        _armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)


def _inputs_for(target, name: str, request: dict, notes: list[str]) -> list[dict] | None:
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError) as err:
        notes.append(f"{name}: no signature ({err}); not called")
        return None
    try:
        hints = typing.get_type_hints(target)
    except Exception:  # noqa: BLE001 - unresolvable annotations: use the value pool instead
        hints = {}
    params = input_gen.parameters_of(signature, hints)
    seed = input_gen.symbol_seed(request["seed"], name)
    try:
        drawn = input_gen.draw_inputs(params, seed, request["input_count"])
    except input_gen.NoInputs as err:
        notes.append(f"{name}: inputs from type hints failed ({err}); used plain values instead")
        drawn = input_gen.draw_inputs(params, seed, request["input_count"], use_hints=False)
    return [{"args": list(i.args), "kwargs": [list(kw) for kw in i.kwargs]} for i in drawn]


def _ghostwrite(func, name: str, notes: list[str]) -> str | None:
    try:
        from hypothesis.extra import ghostwriter

        return ghostwriter.fuzz(func)
    except BaseException as err:  # noqa: BLE001 - ghostwriter refusals are notes, not failures
        notes.append(f"Hypothesis ghostwriter skipped {name}: {type(err).__name__}: {str(err)[:300]}")
        return None


def run_inspect(request: dict, results: Results) -> None:
    module = import_module(request, results)
    if module is None:
        return
    for spec in request["symbols"]:
        results.emit(inspect_symbol(module, spec, request))


def run_observe(request: dict, results: Results) -> None:
    module = import_module(request, results)
    if module is None:
        return
    deadline = time.monotonic() + request["budget_secs"]
    for index, call in enumerate(request["calls"]):
        if time.monotonic() > deadline:
            results.emit({"event": "budget_exhausted", "done": index})
            return
        try:
            func = make_callable(module, call["symbol"], call["kind"])
        except AttributeError as err:
            results.emit({"event": "missing", "index": index, "message": str(err)[:500]})
            continue
        pair = {}
        for which in ("first", "second"):
            # Inputs are rebuilt for every call: a call that mutates its arguments must not affect the next.
            args = [eval_source(a) for a in call["args"]]
            kwargs = {k: eval_source(v) for k, v in call["kwargs"]}
            pair[which] = timed(lambda f=func, a=args, k=kwargs: f(*a, **k), request["call_timeout"])
        results.emit({"event": "call", "index": index, **pair})


def main(argv: list[str]) -> int:
    mode, request_path, results_path = argv
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    signal.signal(signal.SIGALRM, _on_alarm)
    os.register_at_fork(after_in_child=lambda: contain_forked_copy(request["call_timeout"]))
    results = Results(results_path)
    if mode == "inspect":
        run_inspect(request, results)
    elif mode == "observe":
        run_observe(request, results)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    results.emit({"event": "done"})
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    # Leave at once: threads and atexit handlers started by the code under test must not hold the exit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
