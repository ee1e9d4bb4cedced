"""Property tests (kind ``property``) from the Hypothesis ghostwriter.

The ghostwriter's source (one module per function, made in the head tree's child process) is merged into one
file per target: imports deduplicated, test functions renamed where they collide, and every test pinned with
``@settings(derandomize=True, database=None, max_examples=…)`` and ``@seed(…)`` so that runs are fast and repeat
exactly, and nothing is written to a ``.hypothesis`` folder.

``ghostwriter.fuzz`` is used rather than ``magic``: for any two-argument function ``magic`` guesses algebraic
laws (associativity, commutativity…) that most functions do not have, and each wrong guess would be reported
as a failing test in the pull request.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ato_runner.plan import TargetFile

from .locate import ModuleLocation
from .testfile import GeneratedTestFile, file_name, target_id

PINNING_IMPORT = (
    "from hypothesis import HealthCheck as _AtoHealthCheck, Phase as _AtoPhase, seed as _ato_seed, "
    "settings as _ato_settings"
)
# No ``explain`` phase: it re-runs failing examples under a tracer, which is slow and only adds prose.
PHASES_LINE = (
    "_ATO_PHASES = [_AtoPhase.explicit, _AtoPhase.reuse, _AtoPhase.generate, _AtoPhase.target, _AtoPhase.shrink]"
)


class GhostwriterOutputError(Exception):
    """The ghostwriter's output is not a module we can merge."""


@dataclass(frozen=True)
class WrappedProperty:
    imports: list[str]
    # (test function name, symbol, source), in the ghostwriter's order.
    tests: list[tuple[str, str, str]]
    other: list[str]


def pinning_decorators(max_examples: int, seed: int) -> list[ast.expr]:
    settings = (
        f"_ato_settings(derandomize=True, database=None, max_examples={max_examples}, deadline=None, "
        "print_blob=False, suppress_health_check=list(_AtoHealthCheck), phases=_ATO_PHASES)"
    )
    return [ast.parse(settings, mode="eval").body, ast.parse(f"_ato_seed({seed})", mode="eval").body]


def wrap_ghostwriter(sources: list[tuple[str, str]], max_examples: int, seed: int, used: set[str]) -> WrappedProperty:
    """Merge ghostwriter modules (``(symbol, source)`` pairs) into one set of pinned tests.

    ``used`` holds the test names already taken in the target file; new names are added to it.
    """
    imports: list[str] = []
    tests: list[tuple[str, str, str]] = []
    other: list[str] = []
    for symbol, source in sources:
        try:
            module = ast.parse(source)
        except SyntaxError as err:
            raise GhostwriterOutputError(f"ghostwriter output for {symbol} does not parse: {err.msg}") from err
        for stmt in module.body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                text = ast.unparse(stmt)
                if text not in imports:
                    imports.append(text)
            elif isinstance(stmt, ast.FunctionDef) and stmt.name.startswith("test_"):
                name = stmt.name
                if name in used:
                    name = f"{name}_{len(used) + 1}"
                    while name in used:
                        name += "_"
                used.add(name)
                stmt.name = name
                stmt.decorator_list = pinning_decorators(max_examples, seed) + stmt.decorator_list
                tests.append((name, symbol, ast.unparse(ast.fix_missing_locations(stmt))))
            else:
                other.append(ast.unparse(stmt))
    if tests:
        imports.append(PINNING_IMPORT)
    return WrappedProperty(imports=imports, tests=tests, other=other)


def property_tests(
    target: TargetFile,
    location: ModuleLocation,
    sources: list[tuple[str, str]],
    max_examples: int,
    seed: int,
) -> GeneratedTestFile | None:
    """The property test file of a target from its ghostwriter sources; None when there is nothing to test."""
    out = GeneratedTestFile(file_name(location.module, "property"), "property", target.path, location)
    wrapped = wrap_ghostwriter(sources, max_examples, seed, set())
    if not wrapped.tests:
        return None
    # After the header's sys.path set-up: the ghostwriter imports the module under test by name.
    out.body.append("\n".join(f"{line}  # noqa: E402" for line in wrapped.imports) + "\n")
    out.body.append(PHASES_LINE + "\n")
    if wrapped.other:
        out.body.append("\n".join(wrapped.other) + "\n")
    for name, symbol, source in wrapped.tests:
        out.add_test(name, target_id(target.path, symbol), source)
    return out
