"""Running ``ato.Probe`` on one compiled tree: every call's observation, keyed by class, signature and input.

The probe calls each input twice and writes one JSON line per event. A call that ends the JVM
(``System.exit``, a crash) leaves a ``start`` line without a result: it is recorded as such and the probe is
started again after it. A call that overruns its limit is written as a timeout by the probe itself, which
then halts; its method is not called again. The whole pass over a tree is one step: it has
``step_timeout_secs`` in all, restarts included, and each call a slice of that.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import procs, tools
from .javasrc import MethodRef

# Restarts of the probe in one pass, however many calls end the JVM: bounds a hostile tree's cost.
MAX_RESTARTS = 40
CALL_TIMEOUT_CAP_SECS = 5.0
# A JVM's start is not the PR's time: each (re)start of the probe gets this on top of the step's budget.
JVM_START_SECS = 5.0


def call_timeout(step_timeout_secs: int) -> float:
    """Per-call limit: a slice of the step's, so one slow input cannot eat the whole step."""
    return max(0.25, min(CALL_TIMEOUT_CAP_SECS, step_timeout_secs / 20))


@dataclass
class Pass:
    """What one probe pass over a tree saw."""

    calls: dict[tuple[str, str, str], dict] = field(default_factory=dict)  # (class, sig, input) -> first result
    unstable: set[tuple[str, str, str]] = field(default_factory=set)  # the two results differed
    unsupported: list[dict] = field(default_factory=list)
    load_errors: list[dict] = field(default_factory=list)
    failure: str | None = None  # the pass stopped before the end: why
    out_of_time: bool = False


def run_pass(
    toolbox: tools.Toolbox,
    classpath: list[Path],
    refs: list[MethodRef],
    seed: int,
    step_timeout: int,
    work: Path,
    tree: Path,
) -> Pass:
    """One pass over ``refs`` on the classes of ``tree``, run from the tree's root (as the project's own tests
    would be), so relative paths in the code under test mean the same on base and head."""
    work.mkdir(parents=True, exist_ok=True)
    requests = work / "requests.tsv"
    requests.write_text("".join(f"{r.binary_class}\t{r.method}\n" for r in refs), encoding="utf-8")
    out, skip = work / "calls.jsonl", work / "skip.tsv"
    out.write_text("")
    skip.write_text("")
    result = Pass()
    first, offset = 0, 0
    budget_end = time.monotonic() + step_timeout
    per_call_ms = int(call_timeout(step_timeout) * 1000)
    for _ in range(MAX_RESTARTS):
        remaining = budget_end - time.monotonic()
        if remaining <= 0:
            result.failure, result.out_of_time = f"the calls took longer than {step_timeout}s in all", True
            break
        cmd = [
            "java",
            *tools.JVM_FLAGS,
            "-cp",
            tools.cp(toolbox.helper_classes, *classpath),
            "ato.Probe",
            str(requests),
            str(out),
            str(seed),
            str(first),
            str(per_call_ms),
            str(skip),
        ]
        done = procs.run(cmd, remaining + JVM_START_SECS, cwd=str(tree))
        budget_end += min(JVM_START_SECS, done.seconds)
        lines, offset = _read_lines(out, offset)
        pending, finished, last_call = None, False, None
        for line in lines:
            if line.get("done"):
                finished = True
            elif line.get("start"):
                pending = line
            elif "i" in line:
                _record(result, line, line["first"], line["second"])
                pending, last_call = None, int(line["i"])
                if line["first"]["kind"] == "timeout" or line["second"]["kind"] == "timeout":
                    _skip(skip, line)
            elif line.get("kind") == "unsupported":
                result.unsupported.append(line)
            elif line.get("kind") == "load_error":
                result.load_errors.append(line)
        if finished:
            break
        if done.timed_out:
            result.failure, result.out_of_time = f"the calls took longer than {step_timeout}s in all", True
            break
        if pending is not None:
            ended = {
                "kind": "raised",
                "error": "System.exit",
                "environmental": True,
                "message": f"the JVM ended during the call ({done.describe()})",
            }
            _record(result, pending, ended, ended)
            first = int(pending["i"]) + 1
        elif last_call is not None:
            first = last_call + 1  # it halted after a timeout, or died between two calls
        else:
            result.failure = f"the probe stopped without calling anything: {done.describe()}"
            break
    else:
        result.failure = f"the probe was restarted {MAX_RESTARTS} times: the calls keep ending the JVM"
    return result


def _skip(skip: Path, line: dict) -> None:
    with open(skip, "a", encoding="utf-8") as f:
        f.write(f"{line['class']}\t{line['sig']}\n")


def _record(result: Pass, line: dict, first: dict, second: dict) -> None:
    key = (line["class"], line["sig"], line["input"])
    result.calls[key] = first
    if not same(first, second):
        result.unstable.add(key)


def _read_lines(path: Path, offset: int) -> tuple[list[dict], int]:
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read()
    complete = data[: data.rfind(b"\n") + 1]
    lines = []
    for raw in complete.splitlines():
        try:
            lines.append(json.loads(raw.decode("utf-8", "replace")))
        except ValueError:
            continue
    return lines, offset + len(complete)


def same(a: dict, b: dict) -> bool:
    """Two observations agree: same kind, and the same value or the same error and message."""
    keys = ("kind", "value", "error", "message")
    return all(a.get(k) == b.get(k) for k in keys)
