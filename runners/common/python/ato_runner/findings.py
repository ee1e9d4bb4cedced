"""``out/findings.json``: ato's own findings file, whatever checker ran (``runners/PROTOCOL.md``).

Each harness converts its checker's report (bandit's JSON, eslint's, FindBugs' or SpotBugs' XML) into one
shape: tool, rule, severity (``low``, ``medium``, ``high``), the file and line, every line the finding spans,
and the message. The host decides which findings sit on changed lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import PROTOCOL_VERSION
from .text import cut

SEVERITIES = ("low", "medium", "high")


@dataclass
class Finding:
    tool: str
    rule: str
    severity: str
    path: str
    line: int
    message: str
    # Every line the finding spans, ``line`` included; just ``line`` when empty.
    lines: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        lines = sorted(set(self.lines) | {self.line})
        return {
            "tool": self.tool,
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "lines": lines,
            "message": cut(self.message),
        }


def findings_json(findings: list[Finding]) -> dict:
    return {"protocol": PROTOCOL_VERSION, "findings": [f.to_json() for f in findings]}
