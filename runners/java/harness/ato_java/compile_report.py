"""What the manifest says when a tree does not compile.

Shared by the generate pipeline and validate mode, which both compile the head tree first.
"""

from __future__ import annotations

from ato_runner.manifest import Manifest

from . import build


def report_compile_failure(manifest: Manifest, head: build.Build, side: str, declared: bool) -> None:
    if head.failure:
        manifest.problem("tool", f"the {side} tree could not be compiled: {head.failure}")
        return
    for error in head.errors:
        # Missing symbols are missing dependencies only when javac compiled without them; Maven had them all.
        missing_dependency = declared and head.tool == "javac" and build.missing_symbol(error)
        kind = "dependencies" if missing_dependency else "syntax_error"
        manifest.problem(kind, f"{head.tool}: {error.message}", path=error.path, line=error.line)
    manifest.note(f"The {side} tree does not compile: no tests were generated or run.")
