"""A tool's name for a file as a path of the repository, the way the protocol's files give every path.

Tools name files in their own ways: relative to where they ran (``./pkg/calc.py``), absolute inside the
workspace (``/work/head/src/a.js``), or by package (JaCoCo and FindBugs: ``com/example/Calc.java`` for
``src/main/java/com/example/Calc.java``).
"""

from __future__ import annotations

from collections.abc import Iterable

WORKSPACE_HEAD = "/work/head"


def repo_path(raw: str, targets: Iterable[str], head: str = WORKSPACE_HEAD) -> str:
    """``raw`` relative to the repository root: without the head tree's prefix and leading ``./``, then the
    target it names, matching a suffix (``com/x/A.java`` is ``src/main/java/com/x/A.java``) when no target
    has exactly that path."""
    path = raw.removeprefix(head.rstrip("/") + "/")
    while path.startswith("./"):
        path = path[2:]
    targets = list(targets)
    if path in targets:
        return path
    suffix = "/" + path
    return next((target for target in targets if target.endswith(suffix)), path)
