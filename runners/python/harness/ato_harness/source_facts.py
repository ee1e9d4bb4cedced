"""Facts about a symbol read from the source alone (no import): docstring examples, type hints, async.

Reading them statically keeps generation decisions (which doctests, which property tests) independent of
what the code does when imported, and testable without running any of it.
"""

from __future__ import annotations

import ast
import doctest
from dataclasses import dataclass

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class SymbolFacts:
    found: bool
    is_function: bool = False
    is_async: bool = False
    doctest_examples: int = 0
    # Every parameter except self/cls/*args/**kwargs has an annotation (and there is at least one).
    fully_hinted: bool = False
    missing_hints: tuple[str, ...] = ()


def find_definition(tree: ast.Module, qualname: str) -> ast.AST | None:
    """The def/class node of ``qualname`` (``Stack.push``) among top-level and class-level definitions."""
    scope: list[ast.stmt] = tree.body
    node: ast.AST | None = None
    for part in qualname.split("."):
        node = None
        for stmt in _walk_defs(scope):
            if stmt.name == part:
                node = stmt  # the last definition wins, as at runtime
        if node is None:
            return None
        scope = node.body
    return node


def _walk_defs(body: list[ast.stmt]):
    """Definitions in a body, including those under if/try (e.g. version-dependent definitions)."""
    for stmt in body:
        if isinstance(stmt, _DEFS):
            yield stmt
        elif isinstance(stmt, (ast.If, ast.Try)):
            yield from _walk_defs(stmt.body)
            yield from _walk_defs(getattr(stmt, "orelse", []))


def count_examples(docstring: str | None) -> int:
    """How many doctest examples (``>>>`` lines) a docstring holds."""
    if not docstring:
        return 0
    try:
        return len(doctest.DocTestParser().get_examples(docstring))
    except ValueError:  # badly indented examples: doctest itself would refuse them
        return 0


def symbol_facts(tree: ast.Module, qualname: str, is_method: bool) -> SymbolFacts:
    node = find_definition(tree, qualname)
    if node is None:
        return SymbolFacts(found=False)
    examples = count_examples(ast.get_docstring(node, clean=True))
    if isinstance(node, ast.ClassDef):
        return SymbolFacts(found=True, doctest_examples=examples)
    args = node.args
    params = args.posonlyargs + args.args + args.kwonlyargs
    if is_method and params and not _is_staticmethod(node):
        params = params[1:]  # self / cls
    missing = tuple(p.arg for p in params if p.annotation is None)
    return SymbolFacts(
        found=True,
        is_function=True,
        is_async=isinstance(node, ast.AsyncFunctionDef),
        doctest_examples=examples,
        fully_hinted=bool(params) and not missing,
        missing_hints=missing,
    )


def _is_staticmethod(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
