"""Shrinking: simpler inputs that still show a behaviour change.

Inputs drawn by Hypothesis's ``from_type`` are varied, not small: a behaviour change found with
``apply_discount(-1.1, 15173)`` is easier to read as ``apply_discount(0.0, 101)``. A symbol's simplest
differing call is shrunk in rounds: a round proposes the calls that differ from the current one in one
argument (``candidate_calls``), the caller observes all of them on both sides at once, and the simplest one
that still differs deterministically becomes the current call. Simplest means shortest source text, then the
first in string order (``simplicity``): ``f(101)`` before ``f(118)``, and ``f(0.0, 101)`` before
``f(1.0, 101)``.

Candidate generation is pure: a value is rebuilt from its source without evaluating anything
(``values.literal_value``) and its simpler versions are rendered back with ``values.to_source``, keeping only
those that replay exactly. Observing is the caller's (``characterize``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Optional, Protocol

from .observations import compare_calls
from .values import literal_value, to_source

# Bounds on one round, so that big inputs do not make it big: positions of a string, sequence or mapping
# taken apart, simpler versions tried per element, nesting levels whose elements are simplified, candidates
# per call.
MAX_POSITIONS = 16
MAX_ELEMENT_CANDIDATES = 6
MAX_NESTING = 3
MAX_CANDIDATES_PER_CALL = 64
# An argument whose source is longer is not taken apart.
MAX_SOURCE = 10_000
# Floats above this are not stepped through their integer part (they are not exact integers any more).
_EXACT_FLOAT_INTS = 2**53


class Call(Protocol):
    """What a call to shrink looks like (``characterize.PlannedCall``): argument sources, rendered by source()."""

    args: tuple[str, ...]
    kwargs: tuple[tuple[str, str], ...]

    def source(self) -> str: ...


def simplicity(source: str) -> tuple[int, str]:
    """Sort key of call sources: shorter first, then string order."""
    return len(source), source


def simpler_values(value: object) -> list[object]:
    """Simpler-looking values of the same type as ``value``, most drastic first (may repeat or not be simpler).

    ints: 0, 1, -1, the sign flipped, halvings toward 0, steps of 1, 2, 4… toward 0, rounder numbers;
    floats: 0.0, 1.0, -1.0, the sign flipped, half, rounded, truncated, and the steps of the integer part;
    str and bytes: empty, prefixes and suffixes, one character, one character fewer or replaced by ``a``;
    lists, tuples, dicts, sets: empty, halves, one element fewer, one element simpler (not for sets);
    bool: False; None and anything else: nothing.
    """
    return list(_candidates(value, 0))


def _candidates(value: object, depth: int) -> Iterator[object]:
    kind = type(value)
    if kind is bool:
        return iter([False] if value else [])
    if kind is int:
        return _ints(value)
    if kind is float:
        return _floats(value)
    if kind in (str, bytes):
        return _texts(value)
    if kind in (list, tuple):
        return _sequences(value, depth)
    if kind in (set, frozenset):
        return _sets(value)
    if kind is dict:
        return _dicts(value, depth)
    return iter([])


def _ints(n: int) -> Iterator[int]:
    sign, size = (-1 if n < 0 else 1), abs(n)
    yield from (0, 1, -1, -n)
    for shift in range(1, size.bit_length()):
        yield sign * (size >> shift)
    # With the greedy choice of the smallest differing value, these steps make a binary search for a threshold.
    for shift in range(size.bit_length()):
        yield n - sign * (1 << shift)
    digits = len(str(size))
    for power in range(1, digits):
        yield sign * (size // 10**power * 10**power)
        yield sign * 10**power


def _floats(x: float) -> Iterator[float]:
    yield from (0.0, 1.0, -1.0)
    if not math.isfinite(x):
        return
    yield from (-x, x / 2)
    for digits in range(3):
        yield round(x, digits)
    whole = math.trunc(x)
    yield float(whole)
    if abs(x) < _EXACT_FLOAT_INTS:
        yield from (float(n) for n in _ints(whole))


def _texts(text: str | bytes) -> Iterator[str | bytes]:
    empty, filler, n = text[:0], ("a" if isinstance(text, str) else b"a"), len(text)
    yield from (empty, text[:1], filler, text[: n // 2], text[n // 2 :], text[:-1], text[1:])
    positions = range(min(n, MAX_POSITIONS))
    for i in positions:
        yield text[:i] + text[i + 1 :]
    for i in positions:
        yield text[:i] + filler + text[i + 1 :]


def _sequences(seq: list | tuple, depth: int) -> Iterator[list | tuple]:
    kind, items = type(seq), list(seq)
    for fewer in _fewer(items):
        yield kind(fewer)
    if depth < MAX_NESTING:
        for i in range(min(len(items), MAX_POSITIONS)):
            for simpler in islice(_candidates(items[i], depth + 1), MAX_ELEMENT_CANDIDATES):
                yield kind(items[:i] + [simpler] + items[i + 1 :])


def _sets(value: set | frozenset) -> Iterator[set | frozenset]:
    # In the order of their sources, not of their hashes: the candidates must not depend on the hash seed.
    items = sorted(value, key=lambda item: to_source(item) or "")
    for fewer in _fewer(items):
        yield type(value)(fewer)


def _dicts(mapping: dict, depth: int) -> Iterator[dict]:
    items = list(mapping.items())
    for fewer in _fewer(items):
        yield dict(fewer)
    if depth < MAX_NESTING:
        for key, item in items[:MAX_POSITIONS]:
            for simpler in islice(_candidates(item, depth + 1), MAX_ELEMENT_CANDIDATES):
                yield {**mapping, key: simpler}


def _fewer(items: list) -> Iterator[list]:
    n = len(items)
    yield from ([], items[:1], items[: n // 2], items[n // 2 :])
    for i in range(min(n, MAX_POSITIONS)):
        yield items[:i] + items[i + 1 :]


def simpler_sources(source: str) -> list[str]:
    """Sources of the distinct ``simpler_values`` of the value ``source`` stands for, simplest first.

    Each one replays exactly (parsing it and rendering it again gives the same text); none is ``source``.
    Source that is not plain data has none.
    """
    if len(source) > MAX_SOURCE:
        return []
    try:
        value = literal_value(source)
    except ValueError:
        return []
    seen, found = {source}, []
    for candidate in _candidates(value, 0):
        text = to_source(candidate)
        if text is not None and text not in seen:
            seen.add(text)
            if _replays(text):
                found.append(text)
    return sorted(found, key=simplicity)


def _replays(source: str) -> bool:
    try:
        return to_source(literal_value(source)) == source
    except ValueError:
        return False


def candidate_calls(call: Call) -> list[Call]:
    """Calls like ``call`` with one argument simpler, or one keyword argument left out (its default).

    Only calls strictly simpler than ``call`` (``simplicity``), each once, simplest first, at most
    ``MAX_CANDIDATES_PER_CALL``.
    """
    found: list[Call] = []
    for i, arg in enumerate(call.args):
        for simpler in simpler_sources(arg):
            found.append(dataclasses.replace(call, args=(*call.args[:i], simpler, *call.args[i + 1 :])))
    for i, (name, arg) in enumerate(call.kwargs):
        before, after = call.kwargs[:i], call.kwargs[i + 1 :]
        found.append(dataclasses.replace(call, kwargs=(*before, *after)))
        for simpler in simpler_sources(arg):
            found.append(dataclasses.replace(call, kwargs=(*before, (name, simpler), *after)))
    current = simplicity(call.source())
    by_source = {c.source(): c for c in found}
    simpler_calls = sorted((s for s in by_source if simplicity(s) < current), key=simplicity)
    return [by_source[s] for s in simpler_calls[:MAX_CANDIDATES_PER_CALL]]


@dataclass(frozen=True)
class Change:
    """A call that behaved differently on base and head, with what each side did."""

    call: Call
    base: dict
    head: dict


# Observes calls on both sides, each call twice: ``(base pairs, head pairs)`` by index as
# ``observations.compare_calls`` takes them, or None when there is no time (or no point) left.
# (Optional, not `| None`: this alias is evaluated at import, and Python 3.9 has no `|` on types.)
ObserveRound = Callable[[list], Optional[tuple[dict[int, dict], dict[int, dict]]]]


def shrink(starts: list[Change], observe_round: ObserveRound, max_rounds: int) -> list[Change]:
    """Shrink each of ``starts`` (independently, but observed together): the simplest change found for each.

    Each round observes the candidates of every call still improving in one ``observe_round``; a call whose
    round brought nothing simpler is done. Stops after ``max_rounds`` or when ``observe_round`` gives None.
    """
    best = list(starts)
    active = list(range(len(best)))
    for _ in range(max_rounds):
        batch = [(i, candidate) for i in active for candidate in candidate_calls(best[i].call)]
        if not batch:
            break
        observed = observe_round([candidate for _, candidate in batch])
        if observed is None:
            break
        improved = set()
        for verdict in compare_calls(len(batch), *observed):
            i, candidate = batch[verdict.index]
            if verdict.status == "changed" and simplicity(candidate.source()) < simplicity(best[i].call.source()):
                best[i] = Change(candidate, verdict.base, verdict.head)
                improved.add(i)
        active = sorted(improved)
    return best
