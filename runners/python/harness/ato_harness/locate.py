"""Where a file's module lives: its dotted name and the ``sys.path`` entries that make it importable.

The rule follows how the project itself would import the file: walk up from the file while folders are
packages (have ``__init__.py``); the first folder that is not a package is the import root. That covers flat
layouts (``pkg/calc.py`` → ``pkg.calc`` from the repository root) and ``src/`` layouts (``src/pkg/calc.py`` →
``pkg.calc`` from ``src``). A file in a plain folder (``scripts/tool.py``) is imported as a namespace package
from the repository root (``scripts.tool``), with its own folder also on the path for sibling imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SOURCE_ROOTS = ("src", "lib")


@dataclass(frozen=True)
class ModuleLocation:
    module: str
    # Folders relative to the tree root, most important first; "" is the root itself.
    path_entries: tuple[str, ...]


class NotAModule(Exception):
    """The file cannot be imported under any module name (e.g. ``my-script.py``)."""


def locate_module(tree: Path, rel_path: str) -> ModuleLocation:
    """Find the module name of ``rel_path`` inside the tree rooted at ``tree``."""
    parts = PurePosixPath(rel_path).parts
    if not parts or not parts[-1].endswith(".py"):
        raise NotAModule(f"{rel_path} is not a .py file")
    stem = parts[-1][: -len(".py")]
    folders = list(parts[:-1])
    names = [] if stem == "__init__" else [stem]
    # Walk up while the folder is a package.
    while folders and (tree.joinpath(*folders) / "__init__.py").is_file():
        names.insert(0, folders.pop())
    if not names:
        raise NotAModule(f"{rel_path} is a top-level __init__.py, not inside a package")
    entry = "/".join(folders)
    if folders and folders[-1] not in SOURCE_ROOTS:
        # A plain folder: import as a namespace package from the root, keep its own folder for siblings.
        dotted = folders + names
        entries = ("", entry)
    else:
        dotted = names
        entries = (entry,) if entry == "" else (entry, "")
    if not all(name.isidentifier() for name in dotted):
        raise NotAModule(f"{rel_path} has no valid module name ({'.'.join(dotted)})")
    return ModuleLocation(module=".".join(dotted), path_entries=entries)


def syntax_error(source: str, rel_path: str) -> tuple[int | None, str] | None:
    """``(line, message)`` when ``source`` does not parse, else None."""
    import ast

    try:
        ast.parse(source, filename=rel_path)
    except SyntaxError as err:
        return err.lineno, err.msg or "invalid syntax"
    except ValueError as err:  # source with NUL bytes
        return None, str(err)
    return None
