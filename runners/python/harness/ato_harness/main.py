"""The pipeline: plan → generate (per file) → write tests → run them → bandit → manifest.

In validate mode (``plan.mode``) the pipeline is plan → validate the candidates → manifest (``validate``).

Each step is guarded: an internal error becomes a ``tool`` problem and the next step runs. The manifest is
written last, whatever happened, and the process exits 0 once it is written (``runners/PROTOCOL.md``).
"""

from __future__ import annotations

import contextlib
import platform
import shutil
import signal
import sys
from collections.abc import Container
from importlib import metadata
from pathlib import Path

from ato_runner.manifest import Manifest
from ato_runner.plan import PlanError, load_plan
from ato_runner.steps import describe, guarded

from .pytest_runs import run_tests
from .static_check import run_bandit
from .target import generate_for_target
from .testfile import REPO_TESTS_DIR, GeneratedTestFile, junit_id
from .validate import run_validation
from .workspace import Workspace


def tool_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("pytest", "pytest-cov", "coverage", "hypothesis", "bandit"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    return versions


def main(root: Path | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminate)  # `docker stop`: still write the manifest, fast
    ws = Workspace(root or Path.cwd())
    manifest = Manifest(tools=tool_versions())
    try:
        run_pipeline(ws, manifest)
    except BaseException as err:  # noqa: BLE001 - the manifest must be written whatever happened
        manifest.problem("tool", f"harness error: {describe(err)}")
    try:
        try:
            manifest.write(ws.out / "manifest.json")
        except Exception as err:  # noqa: BLE001 - last resort: a manifest that says what went wrong
            fallback = Manifest(tools=manifest.tools)
            fallback.problem("tool", f"the full manifest could not be written: {describe(err)}")
            fallback.write(ws.out / "manifest.json")
        log(
            f"manifest written: {len(manifest.tests)} tests, {len(manifest.behaviour_changes)} behaviour changes, "
            f"{len(manifest.problems)} problems"
        )
    finally:
        shutil.rmtree(ws.scratch, ignore_errors=True)
    return 0


class Terminated(BaseException):
    """The container is being stopped (SIGTERM). A BaseException: no step may swallow it and go on."""


def _terminate(signum, frame):
    raise Terminated("the runner was stopped (SIGTERM) before it finished")


def run_pipeline(ws: Workspace, manifest: Manifest) -> None:
    try:
        plan = load_plan(ws.plan)
    except PlanError as err:
        manifest.problem("tool", f"bad plan: {err}")
        return
    if plan.mode == "validate":
        # Only the candidates: no builtin tests, no characterization, no bandit.
        _guarded(manifest, "validating the candidates", run_validation, ws, manifest, plan)
        return
    ws.tests.mkdir(parents=True, exist_ok=True)
    python_files = [f for f in plan.files if f.language == "python"]
    for other in plan.files:
        if other.language != "python":
            manifest.note(f"{other.path}: language {other.language!r} is not handled by the python runner")
    written: dict[str, str] = {}  # generated file name → the changed file it tests
    if not plan.builtin:
        manifest.note("the builtin generator was not asked for: only bandit ran in this container")
    for target in python_files if plan.builtin else []:
        files = (
            _guarded(
                manifest,
                f"generating tests for {target.path}",
                generate_for_target,
                ws,
                plan,
                manifest,
                target,
                path=target.path,
            )
            or []
        )
        for test_file in files:
            test_file.name = unique_file_name(test_file.name, written)
            try:
                write_test_file(ws, manifest, test_file)
            except OSError as err:
                manifest.problem("tool", f"writing {test_file.name}: {describe(err)}", path=target.path)
            else:
                written[test_file.name] = target.path
    changed = [f.path for f in python_files]
    _guarded(
        manifest,
        "running the generated tests",
        run_tests,
        ws,
        manifest,
        written,
        plan.seed,
        plan.reruns,
        plan.step_timeout_secs,
    )
    _guarded(manifest, "running bandit", run_bandit, ws, manifest, changed, plan.step_timeout_secs)


def unique_file_name(name: str, taken: Container[str]) -> str:
    """Two target files can share a module name (``pkg/calc.py`` and ``src/pkg/calc.py``): keep both."""
    stem, n = name.removesuffix(".py"), 2
    while name in taken:
        name, n = f"{stem}_{n}.py", n + 1
    return name


def write_test_file(ws: Workspace, manifest: Manifest, test_file: GeneratedTestFile) -> None:
    (ws.tests / test_file.name).write_text(test_file.render(), encoding="utf-8")
    rel = f"tests/{test_file.name}"
    manifest.generated_file(rel, f"{REPO_TESTS_DIR}/{test_file.name}")
    for name, target in test_file.tests:
        manifest.test(junit_id(test_file.name, name), rel, test_file.kind, target)


def _guarded(manifest: Manifest, what: str, step, *args, path: str | None = None, **kwargs):
    """Run one step; an internal error becomes a ``tool`` problem instead of ending the harness."""
    return guarded(manifest, what, step, *args, path=path, log=log, **kwargs)


def log(message: str) -> None:
    """One line on stderr, which the host keeps as the runner's log (the manifest is the real output)."""
    print(f"ato_harness: {message}", file=sys.stderr, flush=True)
