"""Tests that pin recorded behaviour: ``characterization`` and ``regression``.

- characterization: calls whose result was the same on base and head (the behaviour the pull request kept);
- regression: calls of new functions, recorded on head.

Only deterministic calls are pinned (both calls on a side agreed), and only results a test can state exactly:
a returned value whose source rebuilds an equal value, or a raised ``Exception`` (asserted by type name, since
the exception class may not be importable from the test) that is not about the sandbox itself (no network,
read-only disk, memory or process limits: see ``observations.ENVIRONMENTAL_ERRORS``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ato_runner.plan import TargetFile

from .locate import ModuleLocation
from .testfile import GeneratedTestFile, file_name, target_id
from .values import call_source, callee_source

# Enough pinned calls per symbol to document its behaviour without burying the reader.
MAX_PINNED_PER_SYMBOL = 8


@dataclass(frozen=True)
class RecordedCall:
    symbol: str
    symbol_kind: str  # "function" or "method"
    args: tuple[str, ...]
    kwargs: tuple[tuple[str, str], ...]
    observation: dict


def assertable(observation: dict) -> bool:
    """Whether a test can assert this observation exactly."""
    if observation.get("kind") == "returned":
        return observation.get("source") is not None
    return bool(observation.get("is_exception")) and not observation.get("environmental", True)


def test_body(call: RecordedCall) -> str:
    """The statements of a test pinning ``call`` (indented for a function body)."""
    expr = call_source(callee_source(call.symbol, call.symbol_kind, "_module()."), list(call.args), list(call.kwargs))
    obs = call.observation
    if obs["kind"] == "returned":
        expected = obs["source"]
        if expected in ("None", "True", "False"):
            return f"    assert {expr} is {expected}\n"
        return f"    assert {expr} == {expected}\n"
    return (
        "    with pytest.raises(Exception) as info:\n"
        f"        {expr}\n"
        f"    assert type(info.value).__name__ == {obs['error']!r}\n"
    )


def call_length(call: RecordedCall) -> int:
    return sum(len(a) for a in call.args) + sum(len(k) + len(v) for k, v in call.kwargs)


def pick_calls(calls: list[RecordedCall], limit: int = MAX_PINNED_PER_SYMBOL) -> list[RecordedCall]:
    """Up to ``limit`` assertable calls per symbol, in order, with every kind of outcome represented.

    Each distinct outcome (a return, or each exception type) gets its simplest call in before the rest fill up.
    """
    by_symbol: dict[str, list[RecordedCall]] = {}
    # Simplest calls first: a pinned test should be easy to read.
    for call in sorted(calls, key=call_length):
        if assertable(call.observation):
            by_symbol.setdefault(call.symbol, []).append(call)
    picked: list[RecordedCall] = []
    for group in by_symbol.values():
        chosen: list[int] = []
        seen: set[str] = set()
        for i, call in enumerate(group):
            outcome = call.observation.get("error") or "returned"
            if outcome not in seen and len(chosen) < limit:
                seen.add(outcome)
                chosen.append(i)
        for i in range(len(group)):
            if len(chosen) >= limit:
                break
            if i not in chosen:
                chosen.append(i)
        picked.extend(group[i] for i in sorted(chosen))
    return picked


def recorded_tests(
    kind: str, target: TargetFile, location: ModuleLocation, calls: list[RecordedCall]
) -> GeneratedTestFile | None:
    """One test per assertable call, named after its symbol; None when no call is assertable."""
    out = GeneratedTestFile(file_name(location.module, kind), kind, target.path, location)
    out.imports.append("import pytest")
    counts: dict[str, int] = {}
    for call in pick_calls(calls):
        counts[call.symbol] = counts.get(call.symbol, 0) + 1
        name = out.new_test_name(f"{call.symbol}_{counts[call.symbol]}")
        out.add_test(name, target_id(target.path, call.symbol), f"def {name}():\n{test_body(call)}")
    return out if out.tests else None
