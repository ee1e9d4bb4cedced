"""From the plan, the probes and the comparison to test classes and manifest entries."""

from __future__ import annotations

from pathlib import Path

from ato_runner.manifest import Manifest
from ato_runner.plan import TargetFile

from . import javasrc
from .characterize import Outcome
from .probe import call_timeout
from .testgen import TestClass, class_loads, method_exists, pinned


class FileFacts:
    """What the harness knows of one changed Java file on head."""

    def __init__(self, target: TargetFile, head_tree: Path):
        self.target = target
        source = (head_tree / target.path).read_text(encoding="utf-8", errors="replace")
        self.package = javasrc.package_of(source)
        self.types = javasrc.top_level_types(source)
        self.refs = []
        seen = set()
        for symbol in target.symbols:
            ref = javasrc.method_ref(self.package, symbol)
            if ref and (ref.binary_class, ref.method) not in seen:
                seen.add((ref.binary_class, ref.method))
                self.refs.append(ref)

    @property
    def stem(self) -> str:
        return Path(self.target.path).stem


def test_class(facts: FileFacts, outcome: Outcome) -> TestClass:
    out_file, repo_path = javasrc.test_location(facts.target.path, facts.package, facts.stem)
    cls = TestClass(
        facts.package, f"Ato{javasrc.java_identifier(facts.stem)}Test", facts.target.path, out_file, repo_path
    )
    path = facts.target.path
    for type_name in facts.types:
        binary = javasrc.binary_name(facts.package, [type_name])
        cls.add(f"{type_name}Loads", "smoke", f"{path}::{type_name}", class_loads(binary))
    for ref in facts.refs:
        cls.add(
            f"{ref.method}IsPublic", "smoke", f"{path}::{ref.symbol.name}", method_exists(ref.binary_class, ref.method)
        )
    for kind, call in outcome.pinned:
        if call.ref in facts.refs:
            cls.add(
                call.ref.method + kind.capitalize(),
                kind,
                f"{path}::{call.ref.symbol.name}",
                pinned(call),
                numbered=True,
            )
    return cls


def record_outcome(manifest: Manifest, files: list[FileFacts], outcome: Outcome, step_timeout: int) -> None:
    by_ref = {id(ref): f for f in files for ref in f.refs}
    for call, before in outcome.changes:
        facts = by_ref[id(call.ref)]
        manifest.behaviour_change(facts.target.path, call.ref.symbol.name, call.input, before, call.observation)
    reported = set()
    for call in outcome.timeouts:
        if (call.ref.binary_class, call.sig) in reported:
            continue
        reported.add((call.ref.binary_class, call.sig))
        facts = by_ref[id(call.ref)]
        manifest.problem(
            "timeout",
            f"{call.input} did not return within {call_timeout(step_timeout):g}s on "
            f"head; {call.sig} was not called again",
            path=facts.target.path,
            line=call.ref.symbol.start_line,
        )
    failed_classes = set()
    for call in outcome.init_failures:
        if call.ref.binary_class in failed_classes:
            continue
        failed_classes.add(call.ref.binary_class)
        facts = by_ref[id(call.ref)]
        manifest.problem(
            "import_error",
            f"{call.ref.binary_class} could not be initialized: its static "
            f"initializer threw {call.observation.get('message', '')}",
            path=facts.target.path,
        )
    for call in outcome.exits:
        manifest.note(
            f"{call.input} ended the JVM on head ({call.observation.get('message', '')}); "
            "calls that exit are reported, never pinned in tests."
        )
    for name in outcome.unstable:
        manifest.note(
            f"{name}: some calls gave different results when repeated on the same side "
            "(nondeterministic); those calls are neither compared nor pinned."
        )
