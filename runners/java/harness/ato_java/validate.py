"""Validate mode: compile and run the plan's candidate JUnit 5 classes, write ``out/validation.json``.

The head tree is compiled as in generate mode; each candidate is then compiled on its own against it
(``ato.CandidateCompiler``, one JVM for all), so a compile error is that candidate's alone. Each run is one
JVM (``ato.CandidateRunner``) that runs the candidates one after the other, each in a class loader of its own
with the per-test time limit of the generated tests; run 1 in plan order with the JaCoCo agent, one execution
data file per candidate, later runs with the candidates, their classes and their methods shuffled with
``seed + run``. A candidate that ends the JVM is blamed from the events and the others run again in a new
JVM (``validation``). ``ato.CandidateCoverage`` turns the execution data into lines per candidate.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ato_runner.jsonfiles import read_json_lines, write_json_atomically
from ato_runner.manifest import Manifest
from ato_runner.plan import Plan
from ato_runner.validation import CandidateRecord, give_up, relative, validation_json

from . import build, procs, tools
from .compile_report import report_compile_failure
from .junit_runs import test_timeout
from .project import compile_side
from .validation import Session, covered_targets, parse_session, settle, shuffled

# A JVM's start is not the candidates' time: each run gets this on top of step_timeout_secs, as the
# generated tests' runs do.
JVM_START_SECS = 30.0
# With less than this left in a run, a new JVM would not get anywhere.
MIN_SESSION_SECS = 3.0


def run_validation(manifest: Manifest, plan: Plan, root: Path, scratch: Path) -> None:
    """Validate ``plan.candidates``; ``validation.json`` is written whatever happens, one entry per candidate."""
    records = [CandidateRecord(id=c.id, file=c.file) for c in plan.candidates]
    try:
        Validation(manifest, plan, root, scratch, records).run()
    finally:
        write_json_atomically(root / "out" / "validation.json", validation_json(records))


class Validation:
    def __init__(self, manifest: Manifest, plan: Plan, root: Path, scratch: Path, records: list[CandidateRecord]):
        self.manifest, self.plan, self.root, self.scratch = manifest, plan, root, scratch
        self.records: dict[str, CandidateRecord] = {}
        self.sources: dict[str, Path] = {}
        for record in records:
            source = Path(os.path.abspath(root / record.file))
            if not record.file.endswith(".java"):
                record.not_collected(f"{record.file} is not a Java source file (.java)")
            elif any(c in record.file for c in "\t\n\r"):
                record.not_collected(f"{record.file!r}: control characters in a file name")
            elif not source.is_file():
                record.not_collected(f"{record.file} is not in the workspace")
            else:
                self.records[record.id] = record
                self.sources[record.id] = source
        self.targets = [f.path for f in plan.files if f.language == "java"]
        self.sessions = 0

    def run(self) -> None:
        if not self.records:
            return
        timeout = self.plan.step_timeout_secs
        self.toolbox = tools.prepare(self.scratch, timeout)
        head_tree = self.root / "head"
        head = compile_side(
            self.manifest, "head", head_tree, self.scratch / "classes-head", self.scratch, timeout, tuple(self.targets)
        )
        if not head.ok:
            report_compile_failure(
                self.manifest, head, "head", declared=bool(build.declared_dependencies(head_tree)[1])
            )
            first = head.errors[0] if head.errors else None
            why = f" ({first.path}:{first.line}: {first.message})" if first else f" ({head.failure})"
            give_up(
                self.records, list(self.records), 1, f"the head tree does not compile{why}: nothing to test against"
            )
            return
        self.head = head
        compiled = self.compile_candidates()
        for run in range(1, self.plan.reruns + 1):
            ids = [cid for cid in compiled if run == 1 or self.records[cid].collected]
            self.run_once(run, ids if run == 1 else shuffled(ids, self.plan.seed + run))

    def classes(self, cid: str) -> Path:
        return self.scratch / "candidates" / cid

    def compile_candidates(self) -> list[str]:
        """Compile each candidate into its own folder; returns the ids that compiled, in plan order."""
        requests = self.scratch / "candidates-compile.tsv"
        results = self.scratch / "candidates-compile.jsonl"
        requests.write_text(
            "".join(f"{cid}\t{self.sources[cid]}\t{self.classes(cid)}\n" for cid in self.records), encoding="utf-8"
        )
        classpath = tools.cp(*self.head.classpath(), *tools.CANDIDATE_COMPILE)
        cmd = [
            "java",
            *tools.JVM_FLAGS,
            "-cp",
            tools.cp(self.toolbox.helper_classes),
            "ato.CandidateCompiler",
            classpath,
            str(requests),
            str(results),
        ]
        done = procs.run(cmd, tools.tool_timeout(self.plan.step_timeout_secs))
        compiled = {line["id"]: line for line in read_json_lines(results) if isinstance(line.get("id"), str)}
        ok = []
        for cid, record in self.records.items():
            result = compiled.get(cid)
            if result is None:
                record.not_collected(f"the compiler stopped before this candidate ({done.describe()})")
            elif not result.get("ok"):
                output = str(result.get("output") or "javac failed without a message").strip()
                record.not_collected(relative(output, str(self.root)))
            else:
                ok.append(cid)
        return ok

    def run_once(self, run: int, ids: list[str]) -> None:
        """One run of the candidates ``ids``: as many JVMs as it takes, within the run's time."""
        limit = self.plan.step_timeout_secs + JVM_START_SECS
        deadline = time.monotonic() + limit
        timed_out = False
        while ids:
            left = deadline - time.monotonic()
            if left < MIN_SESSION_SECS:
                timed_out = True
                give_up(
                    self.records, ids, run, f"run {run} reached its time limit ({limit:.0f}s) before this candidate"
                )
                break
            session, done = self.session(run, ids, left)
            timed_out = timed_out or done.timed_out
            ended = None if all(cid in session.done for cid in ids) else done.describe()
            settled = settle(self.records, ids, session, run, ended)
            if settled.retry and not settled.blamed:
                give_up(self.records, settled.retry, run, f"the JVM stopped before this candidate ({ended})")
                self.manifest.problem("tool", f"validation run {run}: the test JVM {done.describe()}")
                break
            if settled.retry:
                self.manifest.note(
                    f"validation run {run}: the test JVM ended early ({ended}); the candidates it had not run yet "
                    "were run again in a new JVM"
                )
            ids = settled.retry
        if timed_out:
            self.manifest.problem("timeout", f"validation run {run} did not finish within {limit:.0f}s")

    def session(self, run: int, ids: list[str], timeout: float) -> tuple[Session, procs.Finished]:
        self.sessions += 1
        name = f"validate-{run}-{self.sessions}"
        events, spec = self.scratch / f"{name}.events.jsonl", self.scratch / f"{name}.tsv"
        head_classpath = tools.cp(*self.head.classpath())
        spec.write_text("".join(f"{cid}\t{self.classes(cid)}\t{head_classpath}\n" for cid in ids), encoding="utf-8")
        events.write_text("")
        jvm = list(tools.JVM_FLAGS)
        jacoco = "-"
        if run == 1 and self.toolbox.jacoco_agent:
            jacoco_dir = self.scratch / "jacoco"
            jacoco_dir.mkdir(parents=True, exist_ok=True)
            jacoco = str(jacoco_dir)
            jvm.append(f"-javaagent:{self.toolbox.jacoco_agent}=output=none")
        cmd = [
            "java",
            *jvm,
            "-cp",
            tools.cp(self.toolbox.helper_classes, tools.CONSOLE_LAUNCHER),
            "ato.CandidateRunner",
            str(events),
            str(spec),
            str(self.plan.seed + run) if run > 1 else "-",
            str(test_timeout(self.plan.step_timeout_secs)),
            jacoco,
        ]
        # From the head tree's root, as the project's own tests (and the generated ones) run.
        done = procs.run(cmd, timeout, cwd=str(self.head.tree))
        session = parse_session(read_json_lines(events))
        if jacoco != "-":
            self.credit_coverage(ids, Path(jacoco))
        return session, done

    def credit_coverage(self, ids: list[str], jacoco_dir: Path) -> None:
        execs = [(cid, jacoco_dir / f"{cid}.exec") for cid in ids]
        execs = [(cid, path) for cid, path in execs if path.is_file() and not self.records[cid].covered]
        if not execs:
            return
        out = self.scratch / f"coverage-{self.sessions}.jsonl"
        cmd = [
            "java",
            *tools.JVM_FLAGS,
            "-cp",
            tools.cp(self.toolbox.helper_classes, *tools.JACOCO_LIBS),
            "ato.CandidateCoverage",
            str(self.head.classes),
            str(out),
            *(f"{cid}={path}" for cid, path in execs),
        ]
        done = procs.run(cmd, tools.tool_timeout(self.plan.step_timeout_secs))
        if not done.ok:
            self.manifest.problem("tool", f"the candidates' coverage could not be read: {done.describe()}")
        for line in read_json_lines(out):
            record = self.records.get(str(line.get("id")))
            files = line.get("files")
            if record is not None and isinstance(files, dict):
                record.covered = covered_targets(files, self.targets)
