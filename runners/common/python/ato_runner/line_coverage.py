"""``out/coverage.json``: ato's own coverage file, whatever tool measured (``runners/PROTOCOL.md``).

Each harness converts its tool's report (coverage.py's JSON, lcov, JaCoCo's XML) into this one shape, so the
host reads one format: per file of the head tree, the executable lines that ran and those that did not, and,
where the tool measures branches, how many of each line's branch outcomes were taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import PROTOCOL_VERSION


@dataclass
class FileLines:
    """One file's coverage. ``branches``: line → (outcomes taken, outcomes in all), for lines that branch."""

    executed: set[int] = field(default_factory=set)
    missing: set[int] = field(default_factory=set)
    branches: dict[int, tuple[int, int]] = field(default_factory=dict)

    def add_branches(self, line: int, taken: int, total: int) -> None:
        before_taken, before_total = self.branches.get(line, (0, 0))
        self.branches[line] = (before_taken + taken, before_total + total)


@dataclass
class CoverageReport:
    """Coverage by repository path, in the order files were first seen."""

    tool: str
    files: dict[str, FileLines] = field(default_factory=dict)

    def file(self, path: str) -> FileLines:
        """The entry of ``path``, made empty when new: a file the tool lists without lines is still listed."""
        return self.files.setdefault(path, FileLines())

    def to_json(self) -> dict:
        return {
            "protocol": PROTOCOL_VERSION,
            "tool": self.tool,
            "files": [
                {
                    "path": path,
                    "executed": sorted(lines.executed),
                    "missing": sorted(lines.missing),
                    "branches": [
                        {"line": line, "taken": taken, "total": total}
                        for line, (taken, total) in sorted(lines.branches.items())
                    ],
                }
                for path, lines in self.files.items()
            ],
        }
