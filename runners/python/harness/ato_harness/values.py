"""Values as source text: the common language of the inputs, the observations and the generated tests.

Inputs are drawn once (in the head tree's process) and must be replayed exactly in the base tree's process
and in generated test files, so an input is kept as Python source that rebuilds it. Only plain data has such a
source (``to_source``); anything else is not used as an input or asserted on in a test. Reprs are normalised
(``normalize_repr``) so that memory addresses, which differ between processes, never look like a behaviour
change.
"""

from __future__ import annotations

import ast
import math
import re

from ato_runner.compat import zip_strict

_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")
_MAX_DEPTH = 20

# Values tried for parameters that have neither a type hint nor a usable default: small, varied, and all
# with a source form, so they can be replayed on the base tree and written into tests.
VALUE_POOL: tuple = (
    0,
    1,
    -1,
    2,
    10,
    -7,
    0.5,
    -2.25,
    "",
    "a",
    "hello world",
    "A1",
    True,
    False,
    None,
    [],
    [1, 2, 3],
    (),
    (1, "a"),
    {},
    {"k": 1},
    b"",
    b"ab",
)

# What ``eval_source`` may use: exactly the names ``to_source`` can emit besides literals.
_EVAL_NAMES = {"float": float, "set": set, "frozenset": frozenset}


def normalize_repr(text: str) -> str:
    """Hide memory addresses (``<Foo object at 0x7f…>``), which differ from one process to the next."""
    return _ADDRESS.sub("at 0x…", text)


def to_source(value: object, _depth: int = 0) -> str | None:
    """Python source that rebuilds ``value``, or None when ``value`` is not plain data.

    Plain data: None, bool, int, float (nan and infinities included), str, bytes, and lists, tuples, dicts,
    sets and frozensets of plain data. Subclasses are refused: their repr may not rebuild them.
    """
    if _depth > _MAX_DEPTH:
        return None
    kind = type(value)
    if value is None or kind in (bool, int, str, bytes):
        return repr(value)
    if kind is float:
        if math.isnan(value) or math.isinf(value):
            return f"float({repr(value)!r})"
        return repr(value)
    if kind in (list, tuple, set, frozenset):
        parts = [to_source(item, _depth + 1) for item in value]
        if any(p is None for p in parts):
            return None
        if kind in (set, frozenset):
            parts.sort()
        if kind is list:
            return "[" + ", ".join(parts) + "]"
        if kind is tuple:
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        inner = "{" + ", ".join(parts) + "}" if parts else ""
        if kind is set:
            return inner if parts else "set()"
        return f"frozenset({inner})"
    if kind is dict:
        items = []
        for key, item in value.items():
            key_src, item_src = to_source(key, _depth + 1), to_source(item, _depth + 1)
            if key_src is None or item_src is None:
                return None
            items.append(f"{key_src}: {item_src}")
        return "{" + ", ".join(items) + "}"
    return None


def eval_source(source: str) -> object:
    """Rebuild a value from ``to_source`` text; nothing but literals and the few names it emits are allowed."""
    return eval(compile(source, "<ato input>", "eval"), {"__builtins__": {}, **_EVAL_NAMES})  # noqa: S307


def literal_value(source: str) -> object:
    """The value that ``to_source`` text stands for, rebuilt without evaluating anything.

    For the harness process, which never runs the pull request's code: the input sources it holds were written
    by a child, so they are parsed, not evaluated. Anything ``to_source`` does not emit raises ValueError.
    """
    try:
        tree = ast.parse(source, mode="eval")
        return _literal(tree.body, 0)
    except (SyntaxError, TypeError, RecursionError, MemoryError) as err:  # TypeError: an unhashable set item
        raise ValueError(f"not plain data: {type(err).__name__}") from None


_CONSTANT_TYPES = (type(None), bool, int, float, str, bytes)
_SPECIAL_FLOATS = ("nan", "inf", "-inf")


def _literal(node: ast.expr, depth: int) -> object:
    if depth > _MAX_DEPTH + 1:
        raise ValueError("not plain data: nested too deeply")
    if isinstance(node, ast.Constant) and type(node.value) in _CONSTANT_TYPES:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) in (int, float)
    ):
        return -node.operand.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_literal(item, depth + 1) for item in node.elts]
        return {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Dict) and all(key is not None for key in node.keys):
        return {_literal(k, depth + 1): _literal(v, depth + 1) for k, v in zip_strict(node.keys, node.values)}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        name, args = node.func.id, node.args
        if name == "float" and len(args) == 1 and isinstance(args[0], ast.Constant):
            if args[0].value in _SPECIAL_FLOATS:
                return float(args[0].value)
        elif name in ("set", "frozenset") and not args:
            return _EVAL_NAMES[name]()
        elif name == "frozenset" and len(args) == 1 and isinstance(args[0], ast.Set):
            return frozenset(_literal(args[0], depth + 1))
    raise ValueError(f"not plain data: {type(node).__name__}")


def round_trips(value: object) -> str | None:
    """The source of ``value`` when rebuilding it gives an equal value (so a test can assert ``==``)."""
    source = to_source(value)
    if source is None:
        return None
    try:
        same = eval_source(source) == value
    except Exception:  # noqa: BLE001 - a value whose __eq__ fails is simply not asserted on
        return None
    return source if same is True else None


def call_source(callee: str, args: list[str], kwargs: list[tuple[str, str]]) -> str:
    """``callee(a, b, key=c)`` from the sources of its arguments."""
    parts = list(args) + [f"{name}={src}" for name, src in kwargs]
    return f"{callee}({', '.join(parts)})"


def callee_source(symbol: str, kind: str, prefix: str = "") -> str:
    """How a call names its target: ``add`` for a function, ``Stack().push`` for a method.

    Methods are called on a fresh instance built with no arguments, which is why only classes constructible
    that way are characterized.
    """
    if kind == "method" and "." in symbol:
        owner, method = symbol.rsplit(".", 1)
        return f"{prefix}{owner}().{method}"
    return f"{prefix}{symbol}"
