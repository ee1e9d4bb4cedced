"""Running the generated tests: ``reruns`` pytest runs, the first with coverage, the others shuffled; then the
tests that failed on every run once more on base (``base_rerun``).

Every run is a separate, limited child process (see ``processes``) with the generated folder as rootdir, so
JUnit classnames are the file stems listed in the manifest, and an ini file of our own, so the pull request's
pytest configuration and conftest files play no part.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ato_runner.jsonfiles import write_json_atomically
from ato_runner.manifest import Manifest

from .base_rerun import FAULTS_ENV, faults_file, judge_failures
from .processes import run_limited
from .tool_reports import coverage_from_coverage_py
from .workspace import Workspace

PYTEST_INI = "[pytest]\naddopts =\njunit_family = xunit2\njunit_logging = no\nconsole_output_style = classic\n"


# After the run's limit, pytest gets SIGINT and this long to write the JUnit file of the tests it ran.
INTERRUPT_GRACE_SECS = 5.0


def per_test_timeout(step_timeout_secs: int) -> int:
    """Per-test limit: long enough for a property test, short enough that several hangs fit in one run."""
    return max(5, min(10, step_timeout_secs // 10))


def coveragerc(files: list[Path], data_file: Path, branch: bool = False) -> str:
    """coverage.py's settings; ``branch``: measure branches too (the report shows branches partly taken)."""
    include = "".join(f"    {f}\n" for f in files)
    return f"[run]\nbranch = {branch}\ndata_file = {data_file}\ninclude =\n{include}"


def pytest_argv(ws: Workspace, junit: Path, test_files: list[str], ini: Path, rcfile: Path | None) -> list[str]:
    argv = [
        sys.executable,
        "-B",
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-p",
        "ato_harness.pytest_plugin",
        "-c",
        str(ini),
        "--rootdir",
        str(ws.tests),
        "--confcutdir",
        str(ws.tests),
        "-q",
        "--color=no",
        f"--junitxml={junit}",
    ]
    if rcfile is not None:
        argv += [
            "--cov",
            f"--cov-config={rcfile}",
            # No report from pytest-cov (its JSON report is newer than the Python 3.9 image's pytest-cov 2.10):
            # write_json_report makes coverage.json from the data file after the run.
            "--cov-report=",
        ]
    return argv + test_files


def run_tests(
    ws: Workspace,
    manifest: Manifest,
    target_of: dict[str, str],
    seed: int,
    reruns: int,
    step_timeout_secs: int,
) -> None:
    """Run the generated files (``target_of``: name in ``out/tests`` → the changed file it tests) ``reruns``
    times; problems go to the manifest."""
    test_files = list(target_of)
    changed = list(dict.fromkeys(target_of.values()))
    if not test_files:
        return
    (ws.out / "junit").mkdir(parents=True, exist_ok=True)
    (ws.out / "coverage").mkdir(parents=True, exist_ok=True)
    ini = ws.scratch / "pytest.ini"
    ini.write_text(PYTEST_INI, encoding="utf-8")
    rcfile = ws.scratch / "coveragerc"
    measured = [ws.head / path for path in changed if (ws.head / path).is_file()]
    rcfile.write_text(coveragerc(measured, ws.scratch / ".coverage", branch=True), encoding="utf-8")
    for run in range(1, reruns + 1):
        env = ws.child_env(
            ATO_REPO_ROOT=str(ws.head),
            ATO_TEST_TIMEOUT_SECS=str(per_test_timeout(step_timeout_secs)),
            **{FAULTS_ENV: str(faults_file(ws))},
        )
        if run > 1:
            env["ATO_SHUFFLE_SEED"] = str(seed + run)
        junit = ws.out / "junit" / f"run-{run}.xml"
        argv = pytest_argv(ws, junit, test_files, ini, rcfile if run == 1 and measured else None)
        finished = run_limited(
            argv,
            cwd=ws.tests,
            env=env,
            timeout=step_timeout_secs,
            log_dir=ws.scratch / "logs",
            log_name=f"pytest-{run}",
            interrupt_grace_secs=INTERRUPT_GRACE_SECS,
        )
        if finished.timed_out:
            kept = "the tests run until then are in its JUnit file" if junit.is_file() else "no JUnit file"
            manifest.problem("timeout", f"test run {run} did not finish within {step_timeout_secs}s ({kept})")
        elif finished.returncode not in (0, 1) or not junit.is_file():
            # 0: all passed, 1: some failed; anything else is pytest itself failing.
            manifest.problem("tool", f"pytest run {run}: {finished.describe()}; {_last_lines(finished.stdout_tail)}")
        if run == 1:
            write_json_report(rcfile, ws.out / "coverage" / "coverage.json")
            relativize_coverage(ws.out / "coverage" / "coverage.json", ws.head)
            write_coverage(ws, manifest, changed)

    def run_on_base(node_ids: list[str]) -> Path | None:
        junit = ws.scratch / "base-run.xml"
        run_limited(
            pytest_argv(ws, junit, node_ids, ini, None),
            cwd=ws.tests,
            env=ws.child_env(
                ATO_REPO_ROOT=str(ws.base), ATO_TEST_TIMEOUT_SECS=str(per_test_timeout(step_timeout_secs))
            ),
            timeout=step_timeout_secs,
            log_dir=ws.scratch / "logs",
            log_name="pytest-base",
            interrupt_grace_secs=INTERRUPT_GRACE_SECS,
        )
        # A run cut short still leaves the cases it finished in its JUnit file; the others keep no base fact.
        return junit if junit.is_file() else None

    judge_failures(ws, manifest, target_of, run_on_base)


def write_json_report(rcfile: Path, out: Path) -> None:
    """coverage.py's JSON report of the data run 1 left (none when it left none), as ``--cov-report=json`` wrote it."""
    import coverage
    from coverage import CoverageException

    cov = coverage.Coverage(config_file=str(rcfile))
    if not Path(cov.config.data_file).is_file():
        return
    try:
        cov.load()
        cov.json_report(outfile=str(out))
        # The report names files relative to this process's folder; relativize_coverage wants them absolute.
        report = json.loads(out.read_text(encoding="utf-8"))
        report["files"] = {os.path.abspath(name): entry for name, entry in report.get("files", {}).items()}
        out.write_text(json.dumps(report), encoding="utf-8")
    except (CoverageException, OSError, ValueError):
        out.unlink(missing_ok=True)


def write_coverage(ws: Workspace, manifest: Manifest, targets: list[str]) -> None:
    """``coverage.json`` from coverage.py's report of run 1, when it wrote one."""
    native = ws.out / "coverage" / "coverage.json"
    if not native.is_file():
        return
    try:
        report = coverage_from_coverage_py(json.loads(native.read_text(encoding="utf-8")), targets, str(ws.head))
    except (OSError, ValueError) as err:
        manifest.problem("tool", f"coverage/coverage.json is not coverage.py's JSON report: {err}")
        return
    write_json_atomically(ws.out / "coverage.json", report.to_json())


def relativize_coverage(path: Path, head: Path) -> None:
    """Make coverage.json's file keys relative to the head tree, as the protocol says."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    files = data.get("files")
    if not isinstance(files, dict):
        return
    prefix = str(head).rstrip("/") + "/"
    data["files"] = {(k[len(prefix) :] if k.startswith(prefix) else k): v for k, v in files.items()}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def _last_lines(text: str, count: int = 5) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:])
