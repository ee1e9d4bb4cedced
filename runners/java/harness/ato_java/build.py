"""Compiling one tree (head or base) with javac, and what its build files say it needs.

A plain tree compiles every ``.java`` under ``src/main/java`` (each module's) or, without one, under the root,
minus tests. Jars under ``lib/`` or ``libs/`` go on the class path. A Maven project whose dependencies were
installed is built by Maven instead (``maven.py``, chosen in ``project.py``); otherwise the dependencies a
Maven or Gradle project declares are read from ``pom.xml`` / ``build.gradle(.kts)`` to name them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from . import procs, tools

SKIPPED_DIRS = {".git", "target", "build", "out", "node_modules", ".gradle", ".idea", "test", "tests"}
BUILD_FILE_CAP = 1024 * 1024
_JAVAC_ERROR = re.compile(r"^(?P<path>/[^:\n]+\.java):(?P<line>\d+): error: (?P<message>.*)$", re.M)


@dataclass
class CompileError:
    path: str  # relative to the tree
    line: int | None
    message: str


@dataclass
class Build:
    tree: Path
    classes: Path
    ok: bool = False
    sources: list[Path] = field(default_factory=list)
    libraries: list[Path] = field(default_factory=list)
    errors: list[CompileError] = field(default_factory=list)
    failure: str | None = None  # javac did not run or ended without a readable error
    tool: str = "javac"  # what compiled it: javac or Maven

    def classpath(self) -> list[Path]:
        return [self.classes, *self.libraries]


def source_roots(tree: Path) -> list[Path]:
    roots = sorted(p for p in tree.glob("**/src/main/java") if p.is_dir() and not _skipped(p.relative_to(tree)))
    return roots or [tree]


def _skipped(relative: Path) -> bool:
    return any(part in SKIPPED_DIRS for part in relative.parts)


def java_sources(tree: Path) -> list[Path]:
    found = []
    for root in source_roots(tree):
        for path in sorted(root.rglob("*.java")):
            relative = path.relative_to(tree)
            if path.is_symlink() or not path.is_file() or _skipped(relative.parent):
                continue
            if path.name == "module-info.java" or path.name.endswith(("Test.java", "Tests.java")):
                continue
            found.append(path)
    return found


def libraries(tree: Path) -> list[Path]:
    return sorted(p for d in ("lib", "libs") for p in (tree / d).glob("*.jar") if p.is_file() and not p.is_symlink())


def compile_tree(
    tree: Path,
    classes: Path,
    timeout: float,
    release: int | None = None,
    targets: tuple[str, ...] = (),
    extra_libraries: tuple[Path, ...] = (),
) -> Build:
    """Compile ``tree`` into ``classes``. ``targets`` (repository paths of the changed files) are compiled even
    when they lie outside the source folders found, so that every changed file is tested. ``extra_libraries``
    go on the class path after the tree's own ``lib/`` jars (the jars Maven resolved, for instance)."""
    sources = java_sources(tree)
    for path in targets:
        file = tree / path
        if file.is_file() and not file.is_symlink() and file not in sources:
            sources.append(file)
    own = libraries(tree)
    extra = [p for p in extra_libraries if p not in own]
    build = Build(tree=tree, classes=classes, sources=sources, libraries=[*own, *extra])
    classes.mkdir(parents=True, exist_ok=True)
    if not build.sources:
        build.failure = "no Java sources found"
        return build
    argfile = classes.parent / f"{classes.name}.sources"
    argfile.write_text("\n".join(_quote(p) for p in build.sources) + "\n", encoding="utf-8")
    flags = ["-g", *(["--release", str(release)] if release else [])]
    cmd = [
        "javac",
        *tools.JAVAC_FLAGS,
        *flags,
        "-proc:none",
        "-d",
        str(classes),
        "-cp",
        tools.cp(*build.libraries, *tools.JUNIT_COMPILE),
        f"@{argfile}",
    ]
    done = procs.run(cmd, tools.tool_timeout(timeout), cwd=str(tree))
    build.ok = done.ok
    if not done.ok:
        build.errors = parse_errors(done.output, tree)
        if not build.errors:
            build.failure = f"javac {done.describe()}"
    return build


def _quote(path: Path) -> str:
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_errors(output: str, tree: Path) -> list[CompileError]:
    errors = []
    prefix = str(tree).rstrip("/") + "/"
    for match in _JAVAC_ERROR.finditer(output):
        path = match.group("path")
        errors.append(CompileError(path.removeprefix(prefix), int(match.group("line")), match.group("message").strip()))
    return errors


def missing_symbol(error: CompileError) -> bool:
    """Errors that a missing dependency causes, rather than a mistake in the file itself."""
    return error.message.startswith(("package ", "cannot find symbol", "cannot access")) and (
        "does not exist" in error.message or "cannot find symbol" in error.message or "cannot access" in error.message
    )


def declared_dependencies(tree: Path) -> tuple[str | None, list[str]]:
    """The build tool a tree uses (``Maven``/``Gradle``/None) and the non-test dependencies it declares."""
    pom = tree / "pom.xml"
    if pom.is_file():
        return "Maven", maven_dependencies(_read_capped(pom))
    for name in ("build.gradle", "build.gradle.kts"):
        if (tree / name).is_file():
            return "Gradle", gradle_dependencies(_read_capped(tree / name))
    return None, []


def _read_capped(path: Path) -> str:
    with open(path, "rb") as f:
        return f.read(BUILD_FILE_CAP).decode("utf-8", "replace")


def maven_dependencies(text: str) -> list[str]:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return []  # a pom has no business declaring entities: refuse rather than expand them
    try:
        root = ET.fromstring(text)  # noqa: S314 - entities refused above, input capped at BUILD_FILE_CAP
    except ET.ParseError:
        return []

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    properties = {}
    for element in root:
        if local(element.tag) == "properties":
            properties = {local(p.tag): (p.text or "").strip() for p in element}
    found = []
    for element in root:
        if local(element.tag) != "dependencies":
            continue
        for dep in element:
            fields = {local(child.tag): (child.text or "").strip() for child in dep}
            if fields.get("scope") in ("test", "provided", "system"):
                continue
            version = re.sub(
                r"\$\{([^}]+)\}", lambda m: properties.get(m.group(1), m.group(0)), fields.get("version", "")
            )
            coordinate = ":".join(x for x in (fields.get("groupId", ""), fields.get("artifactId", ""), version) if x)
            if coordinate:
                found.append(coordinate)
    return found


_GRADLE_DEP = re.compile(
    r"^\s*(?:implementation|api|compile|compileOnly|runtimeOnly)\s*\(?\s*['\"]([^'\"\s]+:[^'\"\s]+)['\"]", re.M
)


def gradle_dependencies(text: str) -> list[str]:
    return _GRADLE_DEP.findall(text)
