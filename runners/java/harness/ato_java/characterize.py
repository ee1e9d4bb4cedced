"""Base versus head: behaviour changes, and the calls worth pinning in tests.

Each input was called twice on each side; a call whose two results differ on either side is nondeterministic
and is neither reported nor pinned. A call that gave different results on base and head is a behaviour change
(the reviewer decides whether it was intended). Calls that kept their result become characterization tests;
calls of new methods (or overloads absent on base) become regression tests recorded on head.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .javasrc import MethodRef
from .probe import Pass, same

# Behaviour changes listed per method: the simplest inputs first, enough to show the change.
MAX_CHANGES_PER_METHOD = 5
# Calls pinned per method: enough to document it without burying the reader.
MAX_PINNED_PER_METHOD = 8
INIT_ERROR = "java.lang.ExceptionInInitializerError"


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


def compare(refs: list[MethodRef], head: Pass, base: Pass | None) -> Outcome:
    head_calls = {k: v for k, v in head.calls.items() if k not in head.unstable}
    base_calls = {k: v for k, v in base.calls.items() if k not in base.unstable} if base else {}
    base_sigs = {(cls, sig) for (cls, sig, _) in (base.calls if base else {})}
    outcome = Outcome()
    for ref in refs:
        mine = sorted(
            (k for k in head_calls if k[0] == ref.binary_class and _method_of(k[1]) == ref.method),
            key=lambda k: (k[1], len(k[2]), k[2]),
        )
        for key, obs in head.calls.items():
            if key[0] == ref.binary_class and _method_of(key[1]) == ref.method and obs.get("error") == INIT_ERROR:
                outcome.init_failures.append(Call(ref, key[1], key[2], obs))
        # A failed initializer throws once, then NoClassDefFoundError: that is not nondeterminism.
        unstable = {
            k
            for k in head.unstable | (base.unstable if base else set())
            if k[0] == ref.binary_class
            and _method_of(k[1]) == ref.method
            and head.calls.get(k, {}).get("error") != INIT_ERROR
        }
        for sig in sorted({k[1] for k in unstable}):
            outcome.unstable.append(f"{ref.symbol.name} {sig}")
        changes, pins = [], []
        for key in mine:
            call = Call(ref, key[1], key[2], head_calls[key])
            error = call.observation.get("error")
            if call.observation["kind"] == "timeout":
                outcome.timeouts.append(call)
                continue
            if error == "System.exit":
                outcome.exits.append(call)
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
