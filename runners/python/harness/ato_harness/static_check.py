"""bandit on the changed files: its own JSON report (``static/bandit.json``, paths relative to the head tree),
converted into ato's findings file (``findings.json``).

bandit only parses the code (it never imports it), but it still runs as a limited child with a time limit:
a pathological file must not stall the harness.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ato_runner.findings import findings_json
from ato_runner.jsonfiles import write_json_atomically
from ato_runner.manifest import Manifest

from .processes import run_limited
from .tool_reports import findings_from_bandit
from .workspace import Workspace


def run_bandit(ws: Workspace, manifest: Manifest, paths: list[str], timeout: int) -> None:
    existing = [p for p in paths if (ws.head / p).is_file()]
    if not existing:
        return
    report = ws.out / "static" / "bandit.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-B", "-m", "bandit", "-q", "-f", "json", "-o", str(report), "--", *existing]
    finished = run_limited(
        argv, cwd=ws.head, env=ws.child_env(), timeout=timeout, log_dir=ws.scratch / "logs", log_name="bandit"
    )
    # bandit exits 1 when it found issues: that is a successful run.
    if finished.timed_out:
        manifest.problem("timeout", f"bandit did not finish within {timeout}s")
    elif finished.returncode not in (0, 1) or not report.is_file():
        manifest.problem("tool", f"bandit: {finished.describe()}")
    else:
        relativize_report(report)
        write_findings(ws, manifest, report, paths)


def write_findings(ws: Workspace, manifest: Manifest, report: Path, targets: list[str]) -> None:
    """``findings.json`` from bandit's report; a report that does not read is a ``tool`` problem."""
    try:
        findings = findings_from_bandit(json.loads(report.read_text(encoding="utf-8")), targets, str(ws.head))
    except (OSError, ValueError) as err:
        manifest.problem("tool", f"static/bandit.json is not bandit's JSON report: {err}")
        return
    write_json_atomically(ws.out / "findings.json", findings_json(findings))


def relative(path: str) -> str:
    """bandit writes ``./pkg/calc.py``; the protocol wants ``pkg/calc.py``."""
    while path.startswith("./"):
        path = path[2:]
    return path


def relativize_bandit(data: dict) -> dict:
    """The report with every file name relative to the head tree."""
    for key in ("results", "errors"):
        for item in data.get(key) or []:
            if isinstance(item, dict) and isinstance(item.get("filename"), str):
                item["filename"] = relative(item["filename"])
    metrics = data.get("metrics")
    if isinstance(metrics, dict):
        data["metrics"] = {relative(k): v for k, v in metrics.items()}
    return data


def relativize_report(report: Path) -> None:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(data, dict):
        tmp = report.with_name(report.name + ".tmp")
        tmp.write_text(json.dumps(relativize_bandit(data), indent=2), encoding="utf-8")
        tmp.replace(report)
