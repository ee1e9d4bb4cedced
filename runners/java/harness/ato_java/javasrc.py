"""Facts read from Java source text without compiling it: the package, the types a file declares, and which
class and method a plan symbol names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from ato_runner.plan import Symbol

_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_STRINGS = re.compile(r'"(?:\\.|[^"\\\n])*"')
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)\s*;", re.M)
_TOP_TYPE = re.compile(r"^(?:[\w@]+\s+)*?(?:class|interface|enum|record)\s+(\w+)", re.M)


def strip(source: str) -> str:
    return _STRINGS.sub('""', _COMMENTS.sub(" ", source))


def package_of(source: str) -> str:
    match = _PACKAGE.search(strip(source))
    return match.group(1) if match else ""


def top_level_types(source: str) -> list[str]:
    """Names of types declared at the start of a line at brace depth 0 (the file's top-level types)."""
    text = strip(source)
    names, depth, at = [], 0, 0
    for match in _TOP_TYPE.finditer(text):
        depth += text.count("{", at, match.start()) - text.count("}", at, match.start())
        at = match.start()
        if depth == 0:
            names.append(match.group(1))
    return names


@dataclass(frozen=True)
class MethodRef:
    """A method named by a plan symbol: ``binary_class`` as the JVM names it (``com.x.Outer$Inner``)."""

    binary_class: str
    method: str
    symbol: Symbol


def binary_name(package: str, type_path: list[str]) -> str:
    return (package + "." if package else "") + "$".join(type_path)


def method_ref(package: str, symbol: Symbol) -> MethodRef | None:
    if symbol.kind != "method":
        return None
    parts = symbol.name.split(".")
    if len(parts) < 2:
        return None
    return MethodRef(binary_name(package, parts[:-1]), parts[-1], symbol)


def test_location(path: str, package: str, stem: str) -> tuple[str, str]:
    """The generated test's file (relative to out/) and where the patch puts it in the repository.

    Under ``src/main/java`` the test goes to the matching ``src/test/java`` folder (Maven's and Gradle's layout);
    elsewhere it sits next to the source file.
    """
    name = f"Ato{stem}Test.java"
    package_dir = package.replace(".", "/")
    out_file = f"tests/{package_dir}/{name}" if package_dir else f"tests/{name}"
    source = PurePosixPath(path)
    parts = source.parts
    for i in range(len(parts) - 2):
        if parts[i : i + 3] == ("src", "main", "java"):
            root = PurePosixPath(*parts[:i]) if i else PurePosixPath("")
            repo = root / "src/test/java" / package_dir / name if package_dir else root / "src/test/java" / name
            return out_file, str(repo)
    return out_file, str(source.parent / name)


def java_identifier(text: str) -> str:
    """A safe Java identifier fragment from a symbol name."""
    cleaned = re.sub(r"\W", "_", text)
    return cleaned if cleaned and not cleaned[0].isdigit() else "_" + cleaned
