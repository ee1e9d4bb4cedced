"""Running ``ato.Probe`` on one compiled tree: every call's observation, keyed by class, signature and input.

The probe writes one JSON line per event. A call that ends the JVM (``System.exit``, a crash) leaves a
``start`` line without a result: it is recorded as such and the probe is started again after it. A call that
overruns is written as a timeout by the probe itself, which then halts; its method is not called again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import procs, tools
from .javasrc import MethodRef

# Restarts of the probe in one pass, however many calls end the JVM: bounds a hostile tree's cost.
MAX_RESTARTS = 40


@dataclass
class Pass:
    """What one probe pass over a tree saw."""

    calls: dict[tuple[str, str, str], dict] = field(default_factory=dict)  # (class, sig, input) -> observation
    meta: dict[tuple[str, str, str], dict] = field(default_factory=dict)  # the call's line (method, static)
    unsupported: list[dict] = field(default_factory=list)
    load_errors: list[dict] = field(default_factory=list)
    failure: str | None = None
    timed_out_methods: str = ""  # "class TAB signature" lines, for the next pass on the same side


def run_pass(toolbox: tools.Toolbox, classpath: list[Path], refs: list[MethodRef], seed: int,
             step_timeout: int, work: Path, skip_methods: str = "") -> Pass:
    """One pass over ``refs``. ``skip_methods`` (``class TAB signature`` lines) are methods that already ran
    past their time on this side: the second pass does not wait for them again."""
    work.mkdir(parents=True, exist_ok=True)
    requests = work / "requests.tsv"
    requests.write_text("".join(f"{r.binary_class}\t{r.method}\n" for r in refs), encoding="utf-8")
    out, skip = work / "calls.jsonl", work / "skip.tsv"
    out.write_text("")
    skip.write_text(skip_methods, encoding="utf-8")
    result = Pass()
    first, offset = 0, 0
    for _ in range(MAX_RESTARTS):
        cmd = ["java", *tools.JVM_FLAGS, "-cp", tools.cp(toolbox.helper_classes, *classpath), "ato.Probe",
               str(requests), str(out), str(seed), str(first), str(step_timeout * 1000), str(skip)]
        last_size = [out.stat().st_size]

        def progress() -> float | None:
            size = out.stat().st_size
            if size != last_size[0]:
                last_size[0] = size
                return step_timeout + 15.0  # calls are progressing: each has its own limit in the probe
            return None

        done = procs.run(cmd, step_timeout + 30.0, poll=progress)
        lines, offset = _read_lines(out, offset)
        pending, finished, last_call = None, False, None
        for line in lines:
            if line.get("done"):
                finished = True
            elif line.get("start"):
                pending = line
            elif "i" in line:
                _record(result, line)
                pending, last_call = None, int(line["i"])
                if line.get("kind") == "timeout":
                    with open(skip, "a", encoding="utf-8") as f:
                        f.write(f"{line['class']}\t{line['sig']}\n")
            elif line.get("kind") == "unsupported":
                result.unsupported.append(line)
            elif line.get("kind") == "load_error":
                result.load_errors.append(line)
        if finished:
            break
        if pending is None:
            if last_call is None:
                result.failure = f"the probe stopped without calling anything: {done.describe()}"
                break
            first = last_call + 1  # it halted after a timeout, or died between two calls
            continue
        ended = ({"kind": "timeout"} if done.timed_out else
                 {"kind": "raised", "error": "System.exit", "environmental": True,
                  "message": f"the JVM ended during the call ({done.describe()})"})
        _record(result, {**pending, **ended})
        if done.timed_out:
            with open(skip, "a", encoding="utf-8") as f:
                f.write(f"{pending['class']}\t{pending['sig']}\n")
        first = int(pending["i"]) + 1
    else:
        result.failure = f"the probe was restarted {MAX_RESTARTS} times: the calls keep ending the JVM"
    result.timed_out_methods = skip.read_text(encoding="utf-8")
    return result


def _record(result: Pass, line: dict) -> None:
    key = (line["class"], line["sig"], line["input"])
    result.calls[key] = {k: line[k] for k in ("kind", "value", "source", "assert", "error", "message",
                                               "environmental", "return_type") if k in line}
    result.meta[key] = {"method": line["method"], "static": line.get("static", False)}


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
