"""How a tree is built, and what the manifest says about it.

A Maven project whose dependencies the dependency phase installed (``/deps/java/m2`` is mounted) is built by
Maven, offline (``maven.py``); its classes are merged into the one folder the rest of the harness reads.
When Maven cannot build it for a reason other than the code (an artifact the cache lacks, a broken pom), a note
says why and javac compiles the sources with the jars Maven would have used, if known. Everything else is
compiled with javac (``build.compile_tree``), and the dependencies a build file declares but nothing installed
are named.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ato_runner.manifest import Manifest

from . import build, maven


def compile_side(
    manifest: Manifest,
    side: str,
    tree: Path,
    classes: Path,
    scratch: Path,
    timeout: float,
    targets: tuple[str, ...],
    fallback_libraries: tuple[Path, ...] = (),
    deps_repo: Path = maven.DEPS_REPO,
) -> build.Build:
    """Builds the ``side`` (``head``/``base``) tree into ``classes``. ``fallback_libraries`` go on javac's class
    path when Maven cannot be used (the base tree gets the head's resolved jars)."""
    if maven.usable(tree, deps_repo):
        result = maven.build(tree, scratch / f"m2-{side}", timeout, deps_repo)
        if result.ok:
            classes.mkdir(parents=True, exist_ok=True)
            for folder in result.classes:
                shutil.copytree(folder, classes, dirs_exist_ok=True)
            manifest.note(
                f"The {side} tree was built by Maven, offline, from the dependency cache: "
                f"{len(result.libraries)} jar(s) on its class path."
            )
            return build.Build(
                tree, classes, ok=True, sources=build.java_sources(tree), libraries=result.libraries, tool="Maven"
            )
        if result.errors:
            return build.Build(tree, classes, sources=build.java_sources(tree), errors=result.errors, tool="Maven")
        why = f"it could not resolve {', '.join(result.unresolved)}" if result.unresolved else result.failure
        manifest.note(f"Maven could not build the {side} tree offline ({why}): it was compiled with javac instead.")
    elif side == "head":
        report_build_files(manifest, tree, deps_repo)
    return build.compile_tree(tree, classes, timeout, targets=targets, extra_libraries=fallback_libraries)


def report_build_files(manifest: Manifest, tree: Path, deps_repo: Path = maven.DEPS_REPO) -> None:
    """Why a project with a build file is compiled with javac, naming what it declares and nobody installed."""
    tool, dependencies = build.declared_dependencies(tree)
    if tool is None:
        return
    if tool == "Maven" and not deps_repo.is_dir():
        listed = f": {', '.join(dependencies)}" if dependencies else ""
        manifest.note(
            "The dependency phase did not install this Maven project's dependencies (its problems say which "
            f"could not be resolved), so the sources were compiled with javac without them{listed}."
        )
    elif dependencies:
        manifest.problem(
            "dependencies",
            f"{tool} dependencies cannot be resolved in the sandbox (no network, no "
            f"{tool} in the image): {', '.join(dependencies)}; "
            "the sources were compiled with javac without them",
        )
    else:
        manifest.note(f"{tool} project without dependencies: compiled with javac (the image has no {tool}).")
