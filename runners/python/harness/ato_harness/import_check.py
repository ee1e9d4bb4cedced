"""Why a changed module does not import, as facts: the class of failure, where, and whether base fails alike.

The runner reports facts and ato judges blame (``runners/PROTOCOL.md``, problems). A failure is one of:

- ``syntax_error``: the changed file itself does not parse; the line is the file's own, from ``ast.parse``;
- ``import_error``: importing it raised; ``missing_module`` is ``ModuleNotFoundError.name`` when the import
  system could not find a module (``six``), and the line is the last traceback frame in the changed file;
- ``timeout``: the import did not finish within the step's limit;
- ``tool``: the import process did not even start.

For a syntax or import error, the base version of the file (when the plan has a base and the file exists
there) is checked the same way, in its own process under its own deadline, and ``same_on_base`` says whether
it fails alike: the same class, the same missing module, the same exception and message once the trees'
paths are taken out. A timeout is not retried on base: it would cost another whole step, and ato treats a
hang as the environment's limit whatever base does.
"""

from __future__ import annotations

from dataclasses import dataclass

from ato_runner.manifest import Manifest
from ato_runner.plan import Plan

from .locate import NotAModule, locate_module, syntax_error
from .processes import Finished
from .workspace import Workspace


@dataclass(frozen=True)
class ImportFailure:
    kind: str
    # What the manifest shows.
    message: str
    line: int | None = None
    missing_module: str | None = None
    # The exception class and its message with the trees' paths taken out: what "the same way" compares.
    error: str = ""
    detail: str = ""


def syntax_failure(source: str, path: str) -> ImportFailure | None:
    """The failure of a file that does not parse, or None when it parses."""
    found = syntax_error(source, path)
    if found is None:
        return None
    line, message = found
    return ImportFailure("syntax_error", message, line=line, error="SyntaxError", detail=message)


def failure_from_events(
    events: list[dict], finished: Finished, module: str, timeout_secs: float, trees: tuple[str, ...]
) -> ImportFailure | None:
    """Classify what an import child reported; None when the module imported."""
    for event in events:
        if event.get("event") == "import_failed":
            error, text = str(event.get("error")), str(event.get("message"))
            missing = event.get("missing_module")
            return ImportFailure(
                "import_error",
                f"importing {module}: {error}: {text}",
                line=event.get("line"),
                missing_module=missing if isinstance(missing, str) and missing else None,
                error=error,
                detail=without_paths(text, trees),
            )
    if not any(e.get("event") == "started" for e in events):
        return ImportFailure("tool", f"the import process did not start: {finished.describe()}")
    if any(e.get("event") == "imported" for e in events):
        return None
    if finished.timed_out:
        return ImportFailure("timeout", f"importing {module} did not finish within {timeout_secs:g}s")
    # The process ended during the import without reporting (os._exit, a signal): the module's doing.
    described = finished.describe()
    return ImportFailure(
        "import_error", f"importing {module}: {described}", error="exit", detail=without_paths(described, trees)
    )


def without_paths(text: str, trees: tuple[str, ...]) -> str:
    """``text`` with each tree's absolute path taken out, so head's and base's messages compare."""
    for tree in trees:
        text = text.replace(tree.rstrip("/") + "/", "").replace(tree.rstrip("/"), "")
    return text


def same_failure(head: ImportFailure, base: ImportFailure | None) -> bool:
    """Whether base failed the way head did (None: base imported)."""
    return (
        base is not None
        and base.kind == head.kind
        and base.missing_module == head.missing_module
        and base.error == head.error
        and base.detail == head.detail
    )


def base_failure(ws: Workspace, plan: Plan, path: str) -> tuple[bool, ImportFailure | None]:
    """``(tried, failure)`` for the base version of ``path``: not tried when there is no base, the file is
    new, or it cannot be imported under any name there."""
    if not plan.has_base:
        return False, None
    try:
        source = (ws.base / path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False, None
    failure = syntax_failure(source, path)
    if failure is not None:
        return True, failure
    try:
        location = locate_module(ws.base, path)
    except NotAModule:
        return False, None
    request = {
        "tree": str(ws.base),
        "file": path,
        "module": location.module,
        "path_entries": list(location.path_entries),
        "symbols": [],
        "seed": plan.seed,
        "input_count": 0,
        "call_timeout": 1.0,
        "symbol_timeout": 1.0,
    }
    events, finished = ws.run_child("inspect", request, ws.base, plan.step_timeout_secs)
    trees = (str(ws.head), str(ws.base))
    return True, failure_from_events(events, finished, location.module, plan.step_timeout_secs, trees)


def report_failure(ws: Workspace, plan: Plan, manifest: Manifest, path: str, failure: ImportFailure) -> None:
    """Record ``failure`` of the head version of ``path``, with ``same_on_base`` for syntax and import errors."""
    same_on_base = None
    if failure.kind in ("syntax_error", "import_error"):
        tried, on_base = base_failure(ws, plan, path)
        if tried:
            same_on_base = same_failure(failure, on_base)
    manifest.problem(
        failure.kind,
        failure.message,
        path=path,
        line=failure.line,
        missing_module=failure.missing_module,
        same_on_base=same_on_base,
    )
