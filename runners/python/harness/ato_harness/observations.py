"""What a call did (an observation), and how base and head observations are compared.

Every input is called twice on each side. A call whose two observations disagree is nondeterministic (time,
randomness, global state): it is neither a behaviour change nor something a test can pin, so it is set aside
and counted. Only deterministic calls that differ between base and head are behaviour changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ato_runner.text import cut

from .values import normalize_repr, round_trips

# Errors that say more about the sandbox (no network, read-only disk, memory and process limits) than about the
# code: fine to compare between base and head, wrong to pin in a test meant for the repository.
ENVIRONMENTAL_ERRORS = (OSError, MemoryError, RecursionError)


# Longer results are still compared, but not written into a test: a test should be readable.
MAX_PINNED_SOURCE = 500


def returned(value: object, value_repr: str) -> dict:
    """The observation of a call that returned ``value`` (whose repr is ``value_repr``).

    ``source`` is set when a test can assert the value exactly (see ``values.round_trips``).
    """
    source = round_trips(value)
    if source is not None and len(source) > MAX_PINNED_SOURCE:
        source = None
    return {"kind": "returned", "value": cut(normalize_repr(value_repr)), "source": source}


def raised(error: BaseException) -> dict:
    """The observation of a call that raised ``error``."""
    try:
        message = str(error)
    except Exception:  # noqa: BLE001 - a broken __str__ is still an observation
        message = "<str() failed>"
    return {
        "kind": "raised",
        "error": type(error).__name__,
        "message": cut(normalize_repr(message)),
        "is_exception": isinstance(error, Exception),
        "environmental": isinstance(error, ENVIRONMENTAL_ERRORS),
    }


def same(a: dict, b: dict) -> bool:
    """Whether two observations are the same as far as a reviewer is concerned."""
    if a.get("kind") != b.get("kind"):
        return False
    if a.get("kind") == "returned":
        return a.get("value") == b.get("value")
    return a.get("error") == b.get("error") and a.get("message") == b.get("message")


@dataclass(frozen=True)
class Verdict:
    """What one input's calls came to."""

    index: int
    status: str  # "changed", "agreed", "nondeterministic" or "missing"
    base: dict | None = None
    head: dict | None = None


def is_deterministic(pair: dict | None) -> bool:
    return pair is not None and same(pair["first"], pair["second"])


def compare_calls(count: int, base: dict[int, dict], head: dict[int, dict]) -> list[Verdict]:
    """Judge each of ``count`` inputs from the ``{"first": obs, "second": obs}`` pairs of each side.

    An input with no pair on a side (that side ran out of time) is ``missing``.
    """
    verdicts = []
    for index in range(count):
        b, h = base.get(index), head.get(index)
        if b is None or h is None:
            verdicts.append(Verdict(index, "missing"))
        elif not (is_deterministic(b) and is_deterministic(h)):
            verdicts.append(Verdict(index, "nondeterministic"))
        elif same(b["first"], h["first"]):
            verdicts.append(Verdict(index, "agreed", b["first"], h["first"]))
        else:
            verdicts.append(Verdict(index, "changed", b["first"], h["first"]))
    return verdicts
