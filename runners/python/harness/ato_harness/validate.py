"""Validate mode: run the plan's candidate test modules like the builtin tests and write ``out/validation.json``.

Each run is one pytest session over all candidates (run 1 in file order with coverage, later runs shuffled
with ``seed + run``), under the limits of the builtin runs: a limited child process, the per-test time limit
of ``pytest_plugin`` (module imports included, see ``validate_plugin``), and ``step_timeout_secs`` for the
whole run. ``--continue-on-collection-errors`` keeps a module that fails to import from stopping the others;
a candidate that kills the session is blamed through the session's events and the others run on in a new
session (``validation_results``). Candidates import the project as a user's test would (``from pkg.calc
import add``): the head tree's import roots, found as for the builtin tests (``locate``), are on their path.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from ato_runner.jsonfiles import read_json_lines, write_json_atomically
from ato_runner.manifest import Manifest
from ato_runner.plan import Plan
from ato_runner.validation import CandidateRecord, give_up, validation_json

from .candidate_coverage import attribute, import_time_lines
from .locate import NotAModule, locate_module
from .processes import Finished, run_limited
from .pytest_runs import INTERRUPT_GRACE_SECS, PYTEST_INI, coveragerc, per_test_timeout
from .validation_results import Session, parse_session, settle
from .workspace import Workspace, python_path

# A session needs this long at least to start pytest and collect; with less left, the run stops there.
MIN_SESSION_SECS = 2.0


def run_validation(ws: Workspace, manifest: Manifest, plan: Plan) -> None:
    """Validate ``plan.candidates``; ``validation.json`` is written whatever happens, one entry per candidate."""
    records = [CandidateRecord(id=c.id, file=c.file) for c in plan.candidates]
    try:
        Validation(ws, manifest, plan, records).run()
    finally:
        write_json_atomically(ws.out / "validation.json", validation_json(records))


class Validation:
    def __init__(self, ws: Workspace, manifest: Manifest, plan: Plan, records: list[CandidateRecord]):
        self.ws, self.manifest, self.plan = ws, manifest, plan
        self.records: dict[str, CandidateRecord] = {}
        for record in records:
            path = os.path.abspath(ws.root / record.file)
            if not record.file.endswith(".py"):
                record.not_collected(f"{record.file} is not a Python module (.py)")
            elif not os.path.isfile(path):
                record.not_collected(f"{record.file} is not in the workspace")
            else:
                self.records[path] = record
        python_targets = [f.path for f in plan.files if f.language == "python" and (ws.head / f.path).is_file()]
        # Absolute path of each measured target file → its path in the plan.
        self.targets = {os.path.abspath(ws.head / path): path for path in python_targets}
        self.import_lines = {path: import_time_lines(_read(ws.head / path)) for path in python_targets}
        self.pythonpath = python_path(extra=import_roots(ws.head, python_targets))
        self.sessions = 0

    def run(self) -> None:
        if not self.records:
            return
        self.ws.out.mkdir(parents=True, exist_ok=True)
        ini = self.ws.scratch / "validate-pytest.ini"
        ini.write_text(PYTEST_INI, encoding="utf-8")
        for run in range(1, self.plan.reruns + 1):
            paths = [path for path, record in self.records.items() if run == 1 or record.collected]
            self.run_once(run, paths, ini)

    def run_once(self, run: int, paths: list[str], ini: Path) -> None:
        """One run of the candidates at ``paths``: as many sessions as it takes, within the step's time."""
        limit = self.plan.step_timeout_secs
        deadline = time.monotonic() + limit
        timed_out = False
        while paths:
            left = deadline - time.monotonic()
            if left < MIN_SESSION_SECS:
                timed_out = True
                give_up(self.records, paths, run, f"run {run} reached its time limit ({limit}s) before this candidate")
                break
            session, finished = self.session(run, paths, ini, left)
            timed_out = timed_out or finished.timed_out
            ended = None if session.finished else finished.describe()
            settled = settle(self.records, paths, session, run, ended, str(self.ws.root))
            if settled.retry and not settled.blamed:
                why = f"pytest stopped before it got to this candidate ({ended or 'no reason given'})"
                give_up(self.records, settled.retry, run, why)
                self.manifest.problem("tool", f"validation run {run}: pytest {finished.describe()}; {_tail(finished)}")
                break
            if settled.retry:
                self.manifest.note(
                    f"validation run {run}: pytest ended early ({ended}); the candidates it had not run yet "
                    "were run again in a new session"
                )
            paths = settled.retry
        if timed_out:
            self.manifest.problem("timeout", f"validation run {run} did not finish within {limit}s")

    def session(self, run: int, paths: list[str], ini: Path, timeout: float) -> tuple[Session, Finished]:
        self.sessions += 1
        name = f"validate-{run}-{self.sessions}"
        events = self.ws.scratch / f"{name}.events.jsonl"
        env = self.ws.child_env(
            PYTHONPATH=self.pythonpath,
            ATO_TEST_TIMEOUT_SECS=str(per_test_timeout(self.plan.step_timeout_secs)),
            ATO_VALIDATION_EVENTS=str(events),
        )
        if run > 1:
            env["ATO_SHUFFLE_SEED"] = str(self.plan.seed + run)
        rcfile = None
        if run == 1 and self.targets:
            rcfile = self.ws.scratch / f"{name}.coveragerc"
            data = self.ws.scratch / f"{name}.coverage"
            rcfile.write_text(coveragerc([Path(p) for p in self.targets], data), encoding="utf-8")
            env["ATO_VALIDATION_COVERAGE_RC"] = str(rcfile)
        finished = run_limited(
            validate_argv(self.ws, ini, paths),
            cwd=self.ws.root,
            env=env,
            timeout=timeout,
            log_dir=self.ws.scratch / "logs",
            log_name=name,
            interrupt_grace_secs=INTERRUPT_GRACE_SECS,
        )
        session = parse_session(read_json_lines(events))
        if rcfile is not None:
            self.credit_coverage(session, rcfile, data)
        return session, finished

    def credit_coverage(self, session: Session, rcfile: Path, data: Path) -> None:
        contexts = read_contexts(data, rcfile, self.targets, self.ws.scratch / "validate-coverage.json")
        for path, files in attribute(contexts, session.nodeid_paths, self.import_lines).items():
            record = self.records.get(path)
            if record is None:
                continue
            for target, lines in files.items():
                record.covered.setdefault(target, set()).update(lines)


def validate_argv(ws: Workspace, ini: Path, paths: list[str]) -> list[str]:
    """pytest over the candidate modules: our plugins and ini only, no conftest of anyone's, each module
    imported under its own name (two candidates may share a file name in different folders)."""
    return [
        sys.executable,
        "-B",
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-p",
        "ato_harness.pytest_plugin",
        "-p",
        "ato_harness.validate_plugin",
        "-c",
        str(ini),
        "--rootdir",
        str(ws.root),
        "--noconftest",
        "--import-mode=importlib",
        "--continue-on-collection-errors",
        "--tb=short",
        "-q",
        "--color=no",
        *paths,
    ]


def import_roots(head: Path, targets: list[str]) -> tuple[Path, ...]:
    """The folders that make the target files importable under their module names, the head tree last."""
    roots: list[Path] = []
    for path in targets:
        try:
            entries = locate_module(head, path).path_entries
        except NotAModule:
            continue
        for entry in entries:
            folder = head / entry if entry else head
            if folder not in roots:
                roots.append(folder)
    if head not in roots:
        roots.append(head)
    return tuple(roots)


def read_contexts(data: Path, rcfile: Path, targets: dict[str, str], scratch_json: Path) -> dict[str, dict]:
    """Per target file (plan path), the contexts each executed statement line ran under.

    Read through coverage's JSON report, which maps raw line events to statements as the builtin runs'
    ``coverage.json`` does. A session that died keeps the data of every context it switched out of.
    """
    import coverage
    from coverage import CoverageException  # where coverage 5 (Python 3.9 image) and 7 both export it

    if not data.is_file():
        return {}
    try:
        cov = coverage.Coverage(data_file=str(data), config_file=str(rcfile))
        cov.load()
        cov.json_report(outfile=str(scratch_json), show_contexts=True)
        report = json.loads(scratch_json.read_text(encoding="utf-8"))
    except (CoverageException, OSError, ValueError):
        return {}
    contexts: dict[str, dict] = {}
    for name, entry in report.get("files", {}).items():
        target = targets.get(os.path.abspath(name))
        if target is None or not isinstance(entry, dict):
            continue
        by_line = entry.get("contexts") or {}
        contexts[target] = {int(line): list(names) for line, names in by_line.items() if line.isdigit()}
    return contexts


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _tail(finished: Finished, count: int = 5) -> str:
    lines = [line for line in (finished.stdout_tail + finished.stderr_tail).strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:])
