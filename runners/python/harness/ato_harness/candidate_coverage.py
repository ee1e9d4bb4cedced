"""Which lines of the target files each candidate executed, from one session's per-test coverage contexts.

Lines run by a test are recorded under the test's node id, so they belong to that test's candidate. Lines
run while a target module is being imported (its ``def`` and ``class`` lines, module-level statements) are
recorded once, by whichever candidate imported it first, and outside any test. Alone, every candidate that
uses the module would run them, so they are credited to each candidate whose tests ran any line of that
file: a candidate's coverage then does not depend on the order of the candidates in the session.
"""

from __future__ import annotations

import ast

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_BODIES = ("body", "orelse", "finalbody")


def import_time_lines(source: str) -> set[int]:
    """Lines of ``source`` that can run when it is imported: everything but the bodies of functions.

    Generous on purpose (a multi-line lambda's body counts): the result is only ever intersected with
    lines that were actually executed.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    lines: set[int] = set()
    _visit(tree.body, lines)
    return lines


def _visit(body: list[ast.stmt], lines: set[int]) -> None:
    for stmt in body:
        nested = _nested_bodies(stmt)
        if not nested and not isinstance(stmt, _FUNCTIONS):
            lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
            continue
        # The header: decorators, the def/class/if line and its continuation (defaults, bases, conditions).
        first = min([d.lineno for d in getattr(stmt, "decorator_list", [])] + [stmt.lineno])
        body_start = stmt.body[0].lineno if getattr(stmt, "body", None) else stmt.lineno + 1
        lines.update(range(first, max(body_start, stmt.lineno + 1)))
        if isinstance(stmt, _FUNCTIONS):
            continue
        lines.update(handler.lineno for handler in getattr(stmt, "handlers", []))
        for inner in nested:
            _visit(inner, lines)


def _nested_bodies(stmt: ast.stmt) -> list[list[ast.stmt]]:
    bodies = [getattr(stmt, name) for name in _BODIES if getattr(stmt, name, None)]
    bodies += [handler.body for handler in getattr(stmt, "handlers", [])]
    bodies += [case.body for case in getattr(stmt, "cases", [])]
    return bodies


def attribute(
    contexts: dict[str, dict[int, list[str]]],
    nodeid_owner: dict[str, str],
    import_lines: dict[str, set[int]],
) -> dict[str, dict[str, set[int]]]:
    """Lines per candidate and target file.

    ``contexts``: per target file, the contexts each executed line ran under (a test's node id, or ``""``
    outside tests); ``nodeid_owner``: the candidate of each node id; ``import_lines``: per target file, the
    lines its import can run. Returns ``{candidate: {target file: lines}}``.
    """
    owned: dict[str, dict[str, set[int]]] = {}
    for target, by_line in contexts.items():
        for line, names in by_line.items():
            for name in names:
                owner = nodeid_owner.get(name)
                if owner is not None:
                    owned.setdefault(owner, {}).setdefault(target, set()).add(line)
        at_import = import_lines.get(target, set()) & set(by_line)
        for files in owned.values():
            if files.get(target):
                files[target] |= at_import
    return owned
