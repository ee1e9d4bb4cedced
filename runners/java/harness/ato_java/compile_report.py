"""What the manifest says about a tree's build: declared dependencies the sandbox cannot resolve, compile errors.

Shared by the generate pipeline and validate mode, which both compile the head tree first.
"""

from __future__ import annotations

from pathlib import Path

from . import build
from .manifest import Manifest


def report_build_files(manifest: Manifest, tree: Path) -> None:
    tool, dependencies = build.declared_dependencies(tree)
    if tool is None:
        return
    if dependencies:
        manifest.problem(
            "dependencies",
            f"{tool} dependencies cannot be resolved in the sandbox (no network, no "
            f"local repository, no {tool} in the image): {', '.join(dependencies)}; "
            "the sources were compiled with javac without them",
        )
    else:
        manifest.note(f"{tool} project without dependencies: compiled with javac (the image has no {tool}).")


def report_compile_failure(manifest: Manifest, head: build.Build, side: str, declared: bool) -> None:
    if head.failure:
        manifest.problem("tool", f"the {side} tree could not be compiled: {head.failure}")
        return
    for error in head.errors:
        kind = "dependencies" if declared and build.missing_symbol(error) else "syntax_error"
        manifest.problem(kind, f"javac: {error.message}", path=error.path, line=error.line)
    manifest.note(f"The {side} tree does not compile: no tests were generated or run.")
