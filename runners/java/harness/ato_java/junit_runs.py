"""Compiling the generated tests and running them ``reruns`` times with JUnit 5's console launcher.

Run 1 keeps the declared order and records coverage with the JaCoCo agent; later runs shuffle test classes
and methods with a seed of their own, so order-dependent tests show up as flaky. Each run writes the
launcher's (legacy) JUnit XML to ``out/junit/run-K.xml``. Each test has a time limit on a thread of its own,
so a hanging test fails alone instead of costing the whole run.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from ato_runner.jsonfiles import write_json_atomically
from ato_runner.manifest import Manifest

from . import procs, tools
from .build import parse_errors
from .probe import call_timeout
from .tool_reports import coverage_from_jacoco


def test_timeout(step_timeout: int) -> int:
    """Seconds for one generated test: each pins a call that finished within the probe's per-call limit, so a
    few times that is plenty, and a test that hangs after all costs little of the run's time."""
    return max(10, math.ceil(4 * call_timeout(step_timeout)))


def compile_tests(files: list[Path], out_root: Path, classes: Path, classpath: list[Path], timeout: float):
    """Compile the test files; returns (compiled files, {file: first error}) compiling one by one on failure."""
    classes.mkdir(parents=True, exist_ok=True)
    base = [
        "javac",
        *tools.JAVAC_FLAGS,
        "-g",
        "-proc:none",
        "-d",
        str(classes),
        "-cp",
        tools.cp(*classpath, *tools.JUNIT_COMPILE),
    ]
    done = procs.run([*base, *map(str, files)], tools.tool_timeout(timeout))
    if done.ok:
        return list(files), {}
    good, bad = [], {}
    for file in files:
        alone = procs.run([*base, str(file)], tools.tool_timeout(timeout))
        if alone.ok:
            good.append(file)
        else:
            errors = parse_errors(alone.output, out_root)
            bad[file] = f"{errors[0].path}:{errors[0].line}: {errors[0].message}" if errors else alone.describe()
    return good, bad


def run_all(
    manifest: Manifest,
    test_classes: list[str],
    classes: Path,
    classpath: list[Path],
    toolbox: tools.Toolbox,
    out: Path,
    scratch: Path,
    seed: int,
    reruns: int,
    step_timeout: int,
    coverage_classes: Path,
    cwd: Path,
    targets: list[str],
) -> None:
    """Runs the tests from ``cwd`` (the head tree's root, as the project's own tests would run). ``targets``
    (the changed files' repository paths) name the files of the coverage report."""
    (out / "junit").mkdir(parents=True, exist_ok=True)
    exec_file = scratch / "jacoco.exec"
    for k in range(1, reruns + 1):
        reports = scratch / f"reports-{k}"
        shutil.rmtree(reports, ignore_errors=True)
        jvm = list(tools.JVM_FLAGS)
        if k == 1 and toolbox.jacoco_agent:
            jvm.append(f"-javaagent:{toolbox.jacoco_agent}=destfile={exec_file},output=file,dumponexit=true")
        config = [
            "--config",
            f"junit.jupiter.execution.timeout.default={test_timeout(step_timeout)} s",
            "--config",
            "junit.jupiter.execution.timeout.thread.mode.default=SEPARATE_THREAD",
        ]
        if k > 1:
            config += [
                "--config",
                "junit.jupiter.testmethod.order.default=org.junit.jupiter.api.MethodOrderer$Random",
                "--config",
                "junit.jupiter.testclass.order.default=org.junit.jupiter.api.ClassOrderer$Random",
                "--config",
                f"junit.jupiter.execution.order.random.seed={seed + k}",
            ]
        selects = [arg for name in test_classes for arg in ("--select-class", name)]
        cmd = [
            "java",
            *jvm,
            "-jar",
            str(tools.CONSOLE_LAUNCHER),
            "--disable-banner",
            "--disable-ansi-colors",
            "--details=none",
            "--class-path",
            tools.cp(classes, *classpath),
            "--reports-dir",
            str(reports),
            *config,
            *selects,
        ]
        done = procs.run(cmd, step_timeout + 30.0, cwd=str(cwd))
        report = reports / "TEST-junit-jupiter.xml"
        if report.is_file():
            shutil.copyfile(report, out / "junit" / f"run-{k}.xml")
        elif done.timed_out:
            manifest.problem("timeout", f"test run {k} did not finish within {step_timeout + 30}s: no JUnit report")
        else:
            manifest.problem(
                "tool", f"test run {k} wrote no JUnit report (a test may have ended the JVM): {done.describe()}"
            )
    if toolbox.jacoco_agent and exec_file.is_file():
        write_coverage(manifest, toolbox, exec_file, coverage_classes, out, step_timeout, targets)
    elif toolbox.jacoco_agent:
        manifest.note("JaCoCo wrote no execution data: no coverage for this run.")
    else:
        manifest.problem("tool", "the JaCoCo agent is missing from the image: no coverage")


def write_coverage(
    manifest: Manifest,
    toolbox: tools.Toolbox,
    exec_file: Path,
    classes: Path,
    out: Path,
    timeout: int,
    targets: list[str],
) -> None:
    """JaCoCo's XML report (``coverage/jacoco.xml``), converted into ato's ``coverage.json``."""
    (out / "coverage").mkdir(parents=True, exist_ok=True)
    cmd = [
        "java",
        *tools.JVM_FLAGS,
        "-cp",
        tools.cp(toolbox.helper_classes, *tools.JACOCO_LIBS),
        "ato.CoverageReport",
        str(exec_file),
        str(classes),
        str(out / "coverage" / "jacoco.xml"),
    ]
    done = procs.run(cmd, tools.tool_timeout(timeout))
    if not done.ok:
        manifest.problem("tool", f"the JaCoCo report failed: {done.describe()}")
        return
    try:
        report = coverage_from_jacoco((out / "coverage" / "jacoco.xml").read_text(encoding="utf-8"), targets)
    except (OSError, ValueError) as err:
        manifest.problem("tool", f"coverage/jacoco.xml could not be read: {err}")
        return
    write_json_atomically(out / "coverage.json", report.to_json())
