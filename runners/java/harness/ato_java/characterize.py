"""Base versus head: behaviour changes, and the calls worth pinning in tests.

Each side ran twice; a call whose two observations differ on either side is nondeterministic and is neither
reported nor pinned. A call that gave different results on base and head is a behaviour change (the reviewer
decides whether it was intended). Calls that kept their result become characterization tests; calls of new
methods (or overloads absent on base) become regression tests recorded on head.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .javasrc import MethodRef
from .probe import Pass, same

# Behaviour changes listed per method: the simplest inputs first, enough to show the change.
MAX_CHANGES_PER_METHOD = 5
# Calls pinned per method: enough to document it without burying the reader.
MAX_PINNED_PER_METHOD = 8


@dataclass(frozen=True)
class Call:
    ref: MethodRef
    sig: str
    input: str
    observation: dict


@dataclass
class Outcome:
    changes: list[tuple[Call, dict]] = field(default_factory=list)  # (head call, base observation)
    pinned: list[tuple[str, Call]] = field(default_factory=list)  # (test kind, call)
    timeouts: list[Call] = field(default_factory=list)
    exits: list[Call] = field(default_factory=list)
    init_failures: list[Call] = field(default_factory=list)  # the class's static initializer threw
    unstable: list[str] = field(default_factory=list)  # "Class.method(sig)" with nondeterministic calls


def stable(first: Pass, second: Pass) -> tuple[dict, set]:
    """The calls whose two observations agree, and the keys of those that did not."""
    agreed, unstable = {}, set()
    for key, obs in first.calls.items():
        other = second.calls.get(key)
        if other is None:
            continue
        if same(obs, other):
            agreed[key] = obs
        else:
            unstable.add(key)
    return agreed, unstable


def compare(refs: list[MethodRef], head: tuple[Pass, Pass], base: tuple[Pass, Pass] | None) -> Outcome:
    head_calls, head_unstable = stable(*head)
    base_calls, base_unstable = stable(*base) if base else ({}, set())
    base_sigs = {(cls, sig) for (cls, sig, _) in (base[0].calls if base else {})}
    outcome = Outcome()
    for key, obs in head[0].calls.items():
        ref = next((r for r in refs if r.binary_class == key[0] and r.method == _method_of(key[1])), None)
        if ref is not None and obs["kind"] == "timeout":
            outcome.timeouts.append(Call(ref, key[1], key[2], obs))
    for ref in refs:
        mine = sorted((k for k in head_calls if k[0] == ref.binary_class and _method_of(k[1]) == ref.method),
                      key=lambda k: (k[1], len(k[2]), k[2]))
        unstable = {k for k in head_unstable | base_unstable if k[0] == ref.binary_class and _method_of(k[1]) == ref.method}
        for sig in sorted({k[1] for k in unstable}):
            outcome.unstable.append(f"{ref.symbol.name} {sig}")
        changes, pins = [], []
        for key in mine:
            call = Call(ref, key[1], key[2], head_calls[key])
            if call.observation["kind"] == "timeout":
                continue
            if call.observation.get("error") == "System.exit":
                outcome.exits.append(call)
            if call.observation.get("error") == "java.lang.ExceptionInInitializerError":
                outcome.init_failures.append(call)
            is_new = ref.symbol.is_new or (ref.binary_class, key[1]) not in base_sigs
            if is_new:
                pins.append(("regression", call))
            elif key in base_calls and base_calls[key]["kind"] != "timeout":
                before = base_calls[key]
                if same(before, call.observation):
                    pins.append(("characterization", call))
                else:
                    changes.append((call, before))
        changes.sort(key=lambda c: (len(c[0].input), c[0].input))
        outcome.changes.extend(changes[:MAX_CHANGES_PER_METHOD])
        outcome.pinned.extend(pick(pins))
    return outcome


def _method_of(sig: str) -> str:
    return sig.split("(", 1)[0]


def assertable(observation: dict) -> bool:
    if observation["kind"] == "returned":
        return bool(observation.get("assert"))
    return observation["kind"] == "raised" and not observation.get("environmental", True)


def pick(pins: list[tuple[str, Call]], limit: int = MAX_PINNED_PER_METHOD) -> list[tuple[str, Call]]:
    """Up to ``limit`` assertable calls, each distinct outcome (a return, each exception type) first."""
    candidates = [p for p in pins if assertable(p[1].observation)]
    chosen, seen = [], set()
    for i, (_, call) in enumerate(candidates):
        outcome = call.observation.get("error") or "returned"
        if outcome not in seen and len(chosen) < limit:
            seen.add(outcome)
            chosen.append(i)
    for i in range(len(candidates)):
        if len(chosen) >= limit:
            break
        if i not in chosen:
            chosen.append(i)
    return [candidates[i] for i in sorted(chosen)]
