"""The pipeline: plan → compile head (and base) → probe → compare → write tests → run them → FindBugs →
manifest. In validate mode (``plan.mode``): plan → compile head → validate the candidates → manifest.

Each step is guarded: an internal error becomes a ``tool`` problem and the next step runs. The manifest is
written last, whatever happened, and the process exits 0 once it is written (runners/PROTOCOL.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ato_runner.manifest import Manifest
from ato_runner.plan import Plan, PlanError, load_plan
from ato_runner.steps import describe, guarded

from . import build, characterize, generate, junit_runs, probe, tools, validate
from .compile_report import report_compile_failure
from .findbugs import run_findbugs
from .project import compile_side


def main(root: Path | None = None) -> int:
    root = root or Path.cwd()
    out, scratch = root / "out", root / ".ato-java"
    manifest = Manifest()
    try:
        out.mkdir(parents=True, exist_ok=True)
        scratch.mkdir(parents=True, exist_ok=True)
        pipeline(root, out, scratch, manifest)
    except BaseException as err:  # noqa: BLE001 - the manifest must be written whatever happened
        manifest.problem("tool", f"harness error: {describe(err)}")
    manifest.write(out / "manifest.json")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


def pipeline(root: Path, out: Path, scratch: Path, manifest: Manifest) -> None:
    try:
        plan = load_plan(root / "plan.json")
    except PlanError as err:
        manifest.problem("tool", f"bad plan: {err}")
        return
    timeout = plan.step_timeout_secs
    manifest.tools.update(tools.versions(timeout))
    if plan.mode == "validate":
        # Only the candidates: no generated tests, no characterization, no FindBugs.
        guarded(manifest, "validating the candidates", validate.run_validation, manifest, plan, root, scratch)
        return
    for other in plan.files:
        if other.language != "java":
            manifest.note(f"{other.path}: language {other.language!r} is not handled by the java runner")
    files = [f for f in plan.files if f.language == "java"]
    if not files:
        return
    toolbox = tools.prepare(scratch, timeout)
    head_tree, base_tree = root / "head", root / "base"

    paths = tuple(f.path for f in files)
    head = compile_side(manifest, "head", head_tree, scratch / "classes-head", scratch, timeout, paths)

    def compile_base():
        """Base compiled as head was, with head's libraries when base declares none of its own."""
        return compile_side(
            manifest,
            "base",
            base_tree,
            scratch / "classes-base",
            scratch,
            timeout,
            paths,
            fallback_libraries=tuple(head.libraries),
        )

    if not head.ok:
        base = None
        if plan.has_base and head.errors:  # compile base the same way, to say which errors it shares
            base = compile_base()
        declared = bool(build.declared_dependencies(head_tree)[1])
        report_compile_failure(manifest, head, "head", declared=declared, base=base)
        return
    facts = [
        f
        for f in (guarded(manifest, f"reading {t.path}", generate.FileFacts, t, head_tree, path=t.path) for t in files)
        if f
    ]
    refs = [ref for f in facts for ref in f.refs]
    if not plan.builtin:
        manifest.note("the builtin generator was not asked for: only FindBugs ran in this container")
        targets = [(f.target.path, f.package, f.types) for f in facts]
        guarded(manifest, "running FindBugs", run_findbugs, manifest, head, targets, out, scratch, timeout)
        return

    base = None
    if plan.has_base and refs:
        base = compile_base()
        if not base.ok and not base.sources:
            base = None  # no Java on base yet: every method is new, nothing to say
        elif not base.ok:
            first = base.errors[0] if base.errors else None
            where = f" ({first.path}:{first.line}: {first.message})" if first else f" ({base.failure})"
            manifest.note(
                "The base tree does not compile" + where + ": nothing to compare against, so every "
                "changed method is pinned on head with regression tests."
            )
            base = None
    outcome = characterize.Outcome()
    if refs:
        outcome = (
            guarded(
                manifest,
                "characterizing the changed methods",
                characterize_all,
                manifest,
                toolbox,
                plan,
                refs,
                head,
                base,
                scratch,
            )
            or outcome
        )
    generate.record_outcome(manifest, facts, outcome, timeout)
    guarded(
        manifest,
        "running the generated tests",
        write_and_run,
        manifest,
        toolbox,
        plan,
        facts,
        outcome,
        head,
        out,
        scratch,
    )
    targets = [(f.target.path, f.package, f.types) for f in facts]
    guarded(manifest, "running FindBugs", run_findbugs, manifest, head, targets, out, scratch, timeout)


def characterize_all(manifest, toolbox, plan: Plan, refs, head, base, scratch) -> characterize.Outcome:
    passes = {}
    for side, tree in (("head", head), ("base", base)):
        if tree is None:
            continue
        result = probe.run_pass(
            toolbox, tree.classpath(), refs, plan.seed, plan.step_timeout_secs, scratch / f"probe-{side}", tree.tree
        )
        if result.failure:
            kind = "timeout" if result.out_of_time else "tool"
            manifest.problem(
                kind, f"calling the changed methods on {side}: {result.failure}; {len(result.calls)} call(s) were made"
            )
        passes[side] = result
        if side == "head":
            report_probe(manifest, result, refs)
    return characterize.compare(refs, passes["head"], passes.get("base"))


def report_probe(manifest: Manifest, first: probe.Pass, refs) -> None:
    by_class = {r.binary_class: r for r in refs}
    for error in first.load_errors:
        manifest.problem("import_error", f"{error['class']} could not be loaded: {error['error']}: {error['message']}")
    for item in first.unsupported:
        ref = by_class.get(item["class"])
        name = f"{ref.symbol.name.rsplit('.', 1)[0]}.{item['sig']}" if ref else item["sig"]
        manifest.note(f"{name} was not called: {item['why']}")


def write_and_run(manifest: Manifest, toolbox, plan: Plan, facts, outcome, head, out: Path, scratch: Path) -> None:
    classes = [generate.test_class(f, outcome) for f in facts]
    for cls in classes:
        path = out / cls.out_file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(cls.render(), encoding="utf-8")
    files = {out / c.out_file: c for c in classes}
    good, bad = junit_runs.compile_tests(
        list(files), out, scratch / "test-classes", head.classpath(), plan.step_timeout_secs
    )
    kept = [files[f] for f in good]
    for file, error in bad.items():
        cls = files[file]
        file.write_text(cls.render(kinds=("smoke",)), encoding="utf-8")
        retry, _ = junit_runs.compile_tests(
            [file], out, scratch / "test-classes", head.classpath(), plan.step_timeout_secs
        )
        if retry:
            kept.append(cls)
            cls.methods = [m for m in cls.methods if m.kind == "smoke"]
            manifest.problem(
                "tool",
                f"the pinned tests of {cls.source_path} did not compile ({error}); only its smoke tests were kept",
                path=cls.source_path,
            )
        else:
            file.unlink(missing_ok=True)
            manifest.problem(
                "tool", f"the generated tests of {cls.source_path} did not compile: {error}", path=cls.source_path
            )
    for cls in kept:
        manifest.generated_file(cls.out_file, cls.repo_path)
        for method in cls.methods:
            manifest.test(cls.test_id(method), cls.out_file, method.kind, method.target)
    if kept:
        junit_runs.run_all(
            manifest,
            [c.qualified for c in kept],
            scratch / "test-classes",
            head.classpath(),
            toolbox,
            out,
            scratch,
            plan.seed,
            plan.reruns,
            plan.step_timeout_secs,
            head.classes,
            head.tree,
            [f.target.path for f in facts],
        )
