"""Seeded inputs for characterization and regression calls.

Each parameter gets a Hypothesis strategy: ``st.from_type`` of its type hint, or, without a hint, a sample of
the default (left out of the call) and a fixed pool of plain values. Examples are drawn through ``@given`` with
``@seed``, so the same seed always gives the same inputs, and Hypothesis's preference for small and edge-case
values comes for free. Inputs are kept as source text (see ``values``), so they replay exactly in the base
tree and in tests; inputs that are not plain data are dropped.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass

from ato_runner.compat import zip_strict

from .values import VALUE_POOL, call_source, to_source


class _Omit:
    """Sentinel: leave this parameter out of the call (use its default)."""

    def __repr__(self) -> str:
        return "<omit>"


OMIT = _Omit()


@dataclass(frozen=True)
class Param:
    name: str
    # "positional" (passed by position) or "keyword" (passed as name=value)
    passing: str
    has_default: bool
    hint: object = None
    has_hint: bool = False


@dataclass(frozen=True)
class CallInput:
    args: tuple[str, ...]
    kwargs: tuple[tuple[str, str], ...]

    def source(self, callee: str) -> str:
        return call_source(callee, list(self.args), list(self.kwargs))


class NoInputs(Exception):
    """Inputs cannot be generated for this callable (the message says why)."""


def symbol_seed(seed: int, qualname: str) -> int:
    """A seed per symbol, so that adding a function does not change another function's inputs."""
    digest = hashlib.sha256(f"{seed}:{qualname}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def parameters_of(signature: inspect.Signature, hints: dict[str, object]) -> list[Param]:
    """How each parameter is passed. ``*args``/``**kwargs`` are left empty."""
    params = []
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        has_default = p.default is not p.empty
        if p.kind == p.POSITIONAL_ONLY:
            passing, has_default = "positional", False  # leaving one out would shift the others
        elif p.kind == p.KEYWORD_ONLY or has_default:
            passing = "keyword"
        else:
            passing = "positional"
        params.append(Param(p.name, passing, has_default, hints.get(p.name), p.name in hints))
    return params


def strategy_for(param: Param, use_hints: bool):
    from hypothesis import strategies as st

    base = st.from_type(param.hint) if use_hints and param.has_hint else st.sampled_from(VALUE_POOL)
    return st.one_of(st.just(OMIT), base) if param.has_default else base


def draw_inputs(params: list[Param], seed: int, count: int, use_hints: bool = True) -> list[CallInput]:
    """Up to ``count`` distinct inputs, the same for the same ``(params, seed, count)``."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    if not params:
        return [CallInput((), ())]
    drawn: list[tuple] = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=count * 4,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.tuples(*(strategy_for(p, use_hints) for p in params)))
    def collect(values: tuple) -> None:
        drawn.append(values)

    try:
        collect()
    except Exception as err:  # noqa: BLE001 - an unresolvable hint, a failing strategy: reported as a reason
        raise NoInputs(f"{type(err).__name__}: {err}") from err
    return select_inputs(params, drawn, count)


def select_inputs(params: list[Param], drawn: list[tuple], count: int) -> list[CallInput]:
    """Turn drawn value tuples into distinct call inputs, dropping values that are not plain data."""
    seen: set[CallInput] = set()
    inputs: list[CallInput] = []
    for values in drawn:
        args: list[str] = []
        kwargs: list[tuple[str, str]] = []
        for param, value in zip_strict(params, values):
            if value is OMIT:
                continue
            source = to_source(value)
            if source is None:
                break
            if param.passing == "positional":
                args.append(source)
            else:
                kwargs.append((param.name, source))
        else:
            item = CallInput(tuple(args), tuple(kwargs))
            if item not in seen:
                seen.add(item)
                inputs.append(item)
                if len(inputs) >= count:
                    break
    return inputs
