"""The manifest (``out/manifest.json``): what was generated, per test; behaviour changes; problems; notes.

Steps record into one ``Manifest`` as they go, so whatever happens later, what was learnt so far is kept;
``write`` is atomic because a half-written manifest would read as a runner crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import PROTOCOL_VERSION
from .jsonfiles import write_json_atomically
from .text import cut

PROBLEM_KINDS = ("syntax_error", "import_error", "timeout", "dependencies", "tool")
TEST_KINDS = ("doctest", "property", "smoke", "characterization", "regression", "llm")
BASE_OUTCOMES = ("passed", "failed")


@dataclass
class Manifest:
    tools: dict[str, str] = field(default_factory=dict)
    generated: list[dict] = field(default_factory=list)
    tests: list[dict] = field(default_factory=list)
    behaviour_changes: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(
        self,
        kind: str,
        message: str,
        path: str | None = None,
        line: int | None = None,
        missing_module: str | None = None,
        same_on_base: bool | None = None,
    ) -> None:
        """One problem; ``missing_module`` and ``same_on_base`` are written only when known (the protocol
        leaves them out otherwise)."""
        if kind not in PROBLEM_KINDS:
            raise ValueError(f"unknown problem kind {kind!r}")
        problem = {"path": path, "line": line, "kind": kind, "message": cut(message)}
        if missing_module is not None:
            problem["missing_module"] = cut(missing_module)
        if same_on_base is not None:
            problem["same_on_base"] = bool(same_on_base)
        self.problems.append(problem)

    def note(self, text: str) -> None:
        """A fact for the reader; the same note twice is kept once."""
        text = cut(text)
        if text not in self.notes:
            self.notes.append(text)

    def generated_file(self, file: str, repo_path: str) -> None:
        self.generated.append({"file": file, "repo_path": repo_path})

    def test(self, test_id: str, file: str, kind: str, target: str | None) -> None:
        if kind not in TEST_KINDS:
            raise ValueError(f"unknown test kind {kind!r}")
        self.tests.append({"id": test_id, "file": file, "kind": kind, "target": target})

    def test_facts(self, test_id: str, on_base: str | None = None, ato_fault: str | None = None) -> None:
        """What the runner found out about a listed test after its runs: ``on_base`` (``passed``/``failed``,
        the test run on the base tree) and ``ato_fault`` (why the test itself could not run)."""
        for test in self.tests:
            if test["id"] == test_id:
                if on_base is not None:
                    if on_base not in BASE_OUTCOMES:
                        raise ValueError(f"unknown base outcome {on_base!r}")
                    test["on_base"] = on_base
                if ato_fault is not None:
                    test["ato_fault"] = cut(ato_fault)

    def behaviour_change(self, file: str, symbol: str, call: str, base: dict, head: dict) -> None:
        self.behaviour_changes.append(
            {
                "file": file,
                "symbol": symbol,
                "input": cut(call),
                "base": _cut_observation(base),
                "head": _cut_observation(head),
            }
        )

    def to_json(self) -> dict:
        return {
            "protocol": PROTOCOL_VERSION,
            "tools": dict(self.tools),
            "generated": list(self.generated),
            "tests": list(self.tests),
            "behaviour_changes": list(self.behaviour_changes),
            "problems": list(self.problems),
            "notes": list(self.notes),
        }

    def write(self, path: Path) -> None:
        write_json_atomically(path, self.to_json())


def _cut_observation(obs: dict) -> dict:
    """Keep only the protocol's fields of an observation, each cut to the protocol's limit."""
    if obs.get("kind") == "returned":
        return {"kind": "returned", "value": cut(str(obs.get("value", "")))}
    return {"kind": "raised", "error": cut(str(obs.get("error", ""))), "message": cut(str(obs.get("message", "")))}
