"""What the manifest says when a tree does not compile.

Shared by the generate pipeline and validate mode, which both compile the head tree first.
"""

from __future__ import annotations

from ato_runner.manifest import Manifest

from . import build


def report_compile_failure(
    manifest: Manifest, head: build.Build, side: str, declared: bool, base: build.Build | None = None
) -> None:
    """Each compile error of ``head`` as a problem. ``base``, the base tree compiled the same way when the plan
    has one, gives ``same_on_base``: whether base has the same error (same file, same message; the line may
    move). Left out when base was not compiled, could not be, or has no Java sources."""
    if head.failure:
        manifest.problem("tool", f"the {side} tree could not be compiled: {head.failure}")
        return
    for error in head.errors:
        # Missing symbols are missing dependencies only when javac compiled without them; Maven had them all.
        missing_dependency = declared and head.tool == "javac" and build.missing_symbol(error)
        kind = "dependencies" if missing_dependency else "syntax_error"
        manifest.problem(
            kind,
            f"{head.tool}: {error.message}",
            path=error.path,
            line=error.line,
            same_on_base=same_error_on_base(error, base),
        )
    manifest.note(f"The {side} tree does not compile: no tests were generated or run.")


def same_error_on_base(error: build.CompileError, base: build.Build | None) -> bool | None:
    """Whether ``base`` has the same compile error; None when base tells nothing (absent, not compiled)."""
    if base is None or base.failure or not base.sources:
        return None
    if base.ok:
        return False
    return any(e.path == error.path and e.message == error.message for e in base.errors)
