"""What the failing generated tests say about the change.

After the reruns, each generated test that failed on every run is one of:

- ato's fault (``faults``: Hypothesis refused the test's set-up, the generated code itself raised
  ``NameError``), recorded as ``ato_fault`` and not run again; a generated file that did not load at all
  (pytest's collect error) is ato's fault as a whole;
- else run once more on the base tree — the same test with the same inputs, ``ATO_REPO_ROOT`` pointing at
  base — when base has the file it tests, and recorded as ``on_base``: ``passed`` (so the change made it
  fail) or ``failed`` (it fails without the change too: a project doctest that depends on the clock, an input
  that breaks a documented precondition — it says nothing about the change).

The host judges; this module only finds the facts (``runners/PROTOCOL.md``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ato_runner.jsonfiles import read_json_lines
from ato_runner.manifest import Manifest

from .workspace import Workspace

FAULTS_ENV = "ATO_FAULTS_FILE"


def junit_outcomes(path: Path) -> dict[str, str]:
    """``classname::name`` → ``passed``, ``failed`` or ``skipped`` for each test case of one JUnit file."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    outcomes: dict[str, str] = {}
    for case in root.iter("testcase"):
        key = f"{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes[key] = "failed"
        elif case.find("skipped") is not None:
            outcomes[key] = "skipped"
        else:
            outcomes.setdefault(key, "passed")
    return outcomes


def failed_in_every_run(runs: list[dict[str, str]]) -> list[str]:
    """The ids that ran at least once and failed each time they ran, in first-run order."""
    order: list[str] = []
    for run in runs:
        order.extend(key for key in run if key not in order)
    ran = {key: [run[key] for run in runs if run.get(key) in ("passed", "failed")] for key in order}
    return [key for key in order if ran[key] and all(outcome == "failed" for outcome in ran[key])]


def load_errors(path: Path) -> dict[str, str]:
    """The generated files pytest could not load (collect errors: an empty class name, the file's stem as the
    name) → the first line of the error."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    errors: dict[str, str] = {}
    for case in root.iter("testcase"):
        error = case.find("error")
        if case.get("classname", "") == "" and error is not None:
            text = (error.text or error.get("message") or "").strip().splitlines()
            errors[case.get("name", "")] = next((line for line in reversed(text) if line.strip()), "")
    return errors


def node_id(junit_key: str) -> str:
    """``test_ato_x::test_y`` → pytest's node id ``test_ato_x.py::test_y`` (rootdir is the tests folder)."""
    stem, _, name = junit_key.partition("::")
    return f"{stem}.py::{name}"


def junit_key(nodeid: str) -> str:
    file, _, name = nodeid.partition("::")
    return f"{file.removesuffix('.py')}::{name}"


def faults_file(ws: Workspace) -> Path:
    """Where the pytest plugin writes the failures that are ato's fault (``FAULTS_ENV``)."""
    return ws.scratch / "faults.jsonl"


def judge_failures(
    ws: Workspace,
    manifest: Manifest,
    target_of: dict[str, str],
    run_base,
) -> None:
    """Record ``ato_fault`` and ``on_base`` for the tests that failed on every run. ``target_of``: generated
    file name → the changed file it tests; ``run_base(node_ids) -> Path | None`` runs tests on base and returns
    their JUnit file."""
    runs = sorted((ws.out / "junit").glob("run-*.xml"))
    if not runs:
        return
    faults = {junit_key(line["nodeid"]): line["reason"] for line in read_json_lines(faults_file(ws))}
    for stem, error in load_errors(ws.out / "junit" / "run-1.xml").items():
        file = f"{stem}.py"
        if file in target_of:
            kind = next((t["kind"] for t in manifest.tests if t["file"] == f"tests/{file}"), "smoke")
            manifest.test(f"::{stem}", f"tests/{file}", kind, None)
            manifest.test_facts(f"::{stem}", ato_fault=f"the generated file {file} did not load: {error}")
    failing = [key for key in failed_in_every_run([junit_outcomes(r) for r in runs]) if not key.startswith("::")]
    for key in failing:
        if key in faults:
            manifest.test_facts(key, ato_fault=faults[key])

    def base_has_target(key: str) -> bool:
        target = target_of.get(node_id(key).partition("::")[0])
        return target is not None and (ws.base / target).is_file()

    on_base = [key for key in failing if key not in faults and base_has_target(key)]
    if not on_base:
        return
    junit = run_base([node_id(key) for key in on_base])
    outcomes = junit_outcomes(junit) if junit is not None else {}
    for key in on_base:
        if outcomes.get(key) in ("passed", "failed"):
            manifest.test_facts(key, on_base=outcomes[key])
