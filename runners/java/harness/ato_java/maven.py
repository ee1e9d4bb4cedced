"""Building a Maven project with Maven itself, offline.

The dependency phase (``src/deps`` on the host) ran Maven once in its own container, with the network only if
the operator allowed it, and filled the cache mounted read-only at ``/deps/java/m2`` with the project's
dependencies and plugins. Here Maven runs offline (``-o``) with a scratch local repository whose read-only
tails are that cache and Debian's own repository (``/usr/share/maven-repo``, where the image's plugins are):
``compile`` with the project's own settings (release, annotation processors, generated sources), then the
dependency plugin writes each module's class path. JUnit's own jars are left out of it: generated tests run on
the image's JUnit.

The dependency phase's script runs this module too, so both phases use the same goals and name missing
artifacts the same way: ``python3 -m ato_java.maven fill DEPS_REPO LOG`` resolves what the goals need into
``DEPS_REPO`` (the main sources are not compiled: ``maven.main.skip``; a compile error is the test phase's to
report), and ``python3 -m ato_java.maven missing LOG`` prints, one per line, the artifacts a Maven log says
could not be resolved.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import procs, tools
from .build import CompileError

DEPS_REPO = Path("/deps/java/m2")
DEBIAN_REPO = Path("/usr/share/maven-repo")
BUILD_CLASSPATH = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath"
CLASSPATH_FILE = "target/ato-classpath.txt"
# Repository folders of the jars the image's JUnit console launcher brings itself.
_IMAGE_JUNIT = ("org/junit/", "org/opentest4j/", "org/apiguardian/")
_ERROR = re.compile(r"^\[ERROR\] (?P<path>/[^:\n]+\.java):\[(?P<line>\d+)(?:,\d+)?\] (?P<message>.*)$", re.M)
_COORDINATE = re.compile(r"(?<![\w.:/-])([\w.-]+:[\w.-]+(?::[\w.-]+){1,3})(?![\w.:/-])")
_UNRESOLVED_MARKERS = (
    "could not be resolved",
    "Could not find artifact",
    "Could not transfer artifact",
    "has not been downloaded",
    "was not found in",
)


@dataclass
class MavenBuild:
    ok: bool
    classes: list[Path] = field(default_factory=list)  # each module's target/classes
    libraries: list[Path] = field(default_factory=list)
    errors: list[CompileError] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    failure: str | None = None  # Maven failed for another reason: its last error lines


def usable(tree: Path, deps_repo: Path = DEPS_REPO) -> bool:
    """A Maven project whose dependency phase filled the cache, in an image that has Maven."""
    return (tree / "pom.xml").is_file() and deps_repo.is_dir() and shutil.which("mvn") is not None


# What both phases run: compile, then each module's class path into CLASSPATH_FILE.
_GOALS = ["-DskipTests", "compile", BUILD_CLASSPATH, f"-Dmdep.outputFile={CLASSPATH_FILE}"]
_MAVEN_ENV = {"MAVEN_OPTS": " ".join(tools.JVM_FLAGS)}


def command(local_repo: Path, deps_repo: Path = DEPS_REPO) -> list[str]:
    """The test phase's build: offline, the cache and Debian's repository as read-only tails."""
    tail = f"-Dmaven.repo.local.tail={deps_repo},{DEBIAN_REPO}"
    return ["mvn", "-o", "-B", "-q", "--no-transfer-progress", f"-Dmaven.repo.local={local_repo}", tail, *_GOALS]


def fill_command(deps_repo: Path) -> list[str]:
    """The dependency phase's resolution into ``deps_repo``. No ``-o``: an in-project ``file://`` repository is
    read like any other, and without a network the rest fails at once."""
    tail = f"-Dmaven.repo.local.tail={DEBIAN_REPO}"
    return [
        "mvn",
        "-B",
        "--no-transfer-progress",
        f"-Dmaven.repo.local={deps_repo}",
        tail,
        "-Dmaven.main.skip=true",
        *_GOALS,
    ]


def build(tree: Path, local_repo: Path, timeout: float, deps_repo: Path = DEPS_REPO) -> MavenBuild:
    done = procs.run(
        command(local_repo, deps_repo),
        tools.tool_timeout(timeout),
        cwd=str(tree),
        env=_MAVEN_ENV,
    )
    if done.ok:
        classes = sorted(p for p in tree.glob("**/target/classes") if p.is_dir())
        return MavenBuild(ok=True, classes=classes, libraries=class_path(tree, classes))
    errors = parse_errors(done.output, tree)
    unresolved = [] if errors else parse_unresolved(done.output)
    failure = None if errors or unresolved else f"mvn {done.describe()}"
    return MavenBuild(ok=False, errors=errors, unresolved=unresolved, failure=failure)


def class_path(tree: Path, own_classes: list[Path]) -> list[Path]:
    """The jars every module's dependency plugin listed, without the reactor's own classes and JUnit's."""
    own = {p.resolve() for p in own_classes}
    found: list[Path] = []
    for listing in sorted(tree.glob(f"**/{CLASSPATH_FILE}")):
        for entry in listing.read_text(encoding="utf-8").strip().split(":"):
            path = Path(entry) if entry else None
            if path is None or path.resolve() in own or path in found or _image_junit(path):
                continue
            found.append(path)
    return found


def _image_junit(path: Path) -> bool:
    text = path.as_posix()
    return any(f"/{folder}" in text for folder in _IMAGE_JUNIT)


def parse_errors(output: str, tree: Path) -> list[CompileError]:
    prefix = str(tree).rstrip("/") + "/"
    seen, errors = set(), []
    for match in _ERROR.finditer(output):
        error = CompileError(
            match.group("path").removeprefix(prefix), int(match.group("line")), match.group("message").strip()
        )
        if (error.path, error.line, error.message) not in seen:
            seen.add((error.path, error.line, error.message))
            errors.append(error)
    return errors


def parse_unresolved(output: str) -> list[str]:
    """``group:artifact:version`` of every artifact or plugin the log says could not be had, in order."""
    found: list[str] = []
    for line in output.splitlines():
        if not any(marker in line for marker in _UNRESOLVED_MARKERS):
            continue
        line = re.sub(r"for project \S+", "", line)  # the project being built is not missing
        line = re.sub(r"\w+://\S+", "", line)  # nor are repository URLs coordinates
        for coordinate in _COORDINATE.findall(line):
            short = _short(coordinate)
            if short and short not in found:
                found.append(short)
    return found


def _short(coordinate: str) -> str | None:
    """``g:a:v`` of ``g:a:v``, ``g:a:type:v`` or ``g:a:type:classifier:v``."""
    parts = coordinate.split(":")
    if len(parts) not in (3, 4, 5) or not all(parts) or not re.match(r"\d|\$", parts[-1]):
        return None
    return f"{parts[0]}:{parts[1]}:{parts[-1]}"


def fill(deps_repo: Path, log: Path) -> int:
    """Runs :func:`fill_command` in the current folder (the head tree), its output into ``log``; Maven's exit
    code. The dependency container's own time limit bounds it."""
    with open(log, "wb") as out:
        return subprocess.call(
            fill_command(deps_repo),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **_MAVEN_ENV},
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "fill":
        sys.exit(1 if fill(Path(sys.argv[2]), Path(sys.argv[3])) else 0)
    if len(sys.argv) == 3 and sys.argv[1] == "missing":
        for artifact in parse_unresolved(Path(sys.argv[2]).read_text(encoding="utf-8", errors="replace")):
            print(artifact)
        sys.exit(0)
    sys.exit("usage: python3 -m ato_java.maven fill DEPS_REPO LOG | missing LOG")
