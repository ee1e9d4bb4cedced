"""SpotBugs, or FindBugs where SpotBugs could not be had, on the head classes of the changed files →
``out/static/findbugs.xml`` (both write the same XML), converted into ``out/findings.json``.

SpotBugs is in the image only when its build could reach Maven Central (see ../../Dockerfile); it reads the JDK's
classes as they are. Otherwise Debian's FindBugs (3.1.0~preview2) runs, with two limits worked around here:
- it reads class files up to Java 8 well, so the head tree is compiled again with ``--release 8`` for it
  (when that fails, the ordinary classes are analysed and a note says findings may be incomplete);
- it looks for the JDK's classes in an ``rt.jar`` that JDK 9+ no longer has, and fails on the newer JDK's own
  class files: it gets ``java/lang/Object.class`` alone (extracted with ``jimage``), which it needs to start;
  other JDK classes count as missing, which FindBugs tolerates.
The report names sources ``com/example/Calc.java``; ``findings.json`` names the target that path ends.
"""

from __future__ import annotations

from pathlib import Path

from ato_runner.findings import findings_json
from ato_runner.jsonfiles import write_json_atomically
from ato_runner.manifest import Manifest

from . import procs, tools
from .build import Build, compile_tree, source_roots
from .tool_reports import findings_from_findbugs

JDK_MODULES = tools.JDK_HOME / "lib" / "modules"


def security_manager_flags(jdk: int | None) -> list[str]:
    """FindBugs installs a security manager, which JDK 18 and later refuse unless told ``allow``; JDK 11 takes
    ``allow`` for the class name of a security manager and does not start, so it gets nothing."""
    return ["-Djava.security.manager=allow"] if jdk is None or jdk >= 12 else []


def run_findbugs(
    manifest: Manifest, head: Build, targets: list[tuple[str, str, list[str]]], out: Path, scratch: Path, timeout: int
) -> None:
    """``targets``: (repo path, package, top-level type names) of each changed file."""
    limit = tools.tool_timeout(timeout)
    paths = [t[0] for t in targets]
    if tools.SPOTBUGS_JAR.is_file():
        manifest.note("Static analysis: SpotBugs (installed when the runner image was built).")
        names = analysed_classes(head.classes, targets)
        cmd = [
            "java",
            "-Xmx768m",
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData",
            "-jar",
            str(tools.SPOTBUGS_JAR),
            "-textui",
            "-xml:withMessages",
            "-auxclasspath",
            tools.cp(*head.libraries) or ".",
        ]
        run_checker(manifest, "SpotBugs", cmd, names, head.tree, head.classes, out, limit, paths)
        return
    manifest.note(
        "SpotBugs is not in Debian and could not be fetched when this image was built: static "
        "analysis uses FindBugs 3.1 (Debian's findbugs package)."
    )
    release8 = compile_tree(
        head.tree,
        scratch / "classes-release8",
        timeout,
        release=8,
        targets=tuple(t[0] for t in targets),
        extra_libraries=tuple(head.libraries),
    )
    classes = release8.classes
    if not release8.ok:
        classes = head.classes
        manifest.note(
            "FindBugs reads Java 8 class files best and the head tree does not compile with "
            "--release 8: it analysed the classes of the ordinary build, so some findings may be missing."
        )
    jdk = scratch / "jdk"
    done = procs.run(
        [
            "jimage",
            "extract",
            "--include",
            "regex:/java.base/java/lang/Object.class",
            "--dir",
            str(jdk),
            str(JDK_MODULES),
        ],
        limit,
    )
    if not done.ok:
        manifest.problem("tool", f"FindBugs did not run: cannot extract java.lang.Object: {done.describe()}")
        return
    cmd = [
        "java",
        "-Xmx768m",
        "-XX:+UseSerialGC",
        "-XX:-UsePerfData",
        *security_manager_flags(tools.jdk_feature()),
        f"-Dfindbugs.home={tools.FINDBUGS_HOME}",
        "-cp",
        tools.findbugs_classpath(),
        "edu.umd.cs.findbugs.FindBugs2",
        "-xml:withMessages",
        "-auxclasspath",
        tools.cp(jdk / "java.base", *head.libraries),
    ]
    names = analysed_classes(classes, targets)
    run_checker(manifest, "FindBugs", cmd, names, head.tree, classes, out, limit, paths)


def run_checker(
    manifest: Manifest,
    name: str,
    cmd: list[str],
    names: list[str],
    tree: Path,
    classes: Path,
    out: Path,
    limit: float,
    targets: list[str],
) -> None:
    """Runs the checker ``cmd`` on ``classes`` (compiled from ``tree``), restricted to ``names``; its report is
    converted into ``findings.json``, naming files by the ``targets`` (repository paths) they are."""
    if not names:
        manifest.note(f"{name} had no compiled class of the changed files to analyse.")
        return
    (out / "static").mkdir(parents=True, exist_ok=True)
    report = out / "static" / "findbugs.xml"
    cmd = [
        *cmd,
        "-output",
        str(report),
        "-sourcepath",
        tools.cp(*source_roots(tree)),
        "-onlyAnalyze",
        ",".join(names),
        str(classes),
    ]
    done = procs.run(cmd, limit)
    if done.timed_out:
        report.unlink(missing_ok=True)
        manifest.problem("timeout", f"{name} did not finish within {limit:.0f}s")
    elif not report.is_file() or report.stat().st_size == 0:
        report.unlink(missing_ok=True)
        manifest.problem("tool", f"{name} wrote no report: {done.describe()}")
    else:
        write_findings(manifest, name, report, out, targets)


def write_findings(manifest: Manifest, name: str, report: Path, out: Path, targets: list[str]) -> None:
    try:
        findings = findings_from_findbugs(report.read_text(encoding="utf-8", errors="replace"), targets)
    except (OSError, ValueError) as err:
        manifest.problem("tool", f"{name}'s report static/findbugs.xml could not be read: {err}")
        return
    write_json_atomically(out / "findings.json", findings_json(findings))


def analysed_classes(classes: Path, targets: list[tuple[str, str, list[str]]]) -> list[str]:
    """Binary names of the compiled classes of the changed files: their top-level types and nested ones."""
    names = []
    for _, package, types in targets:
        folder = classes / package.replace(".", "/") if package else classes
        for type_name in types:
            for path in sorted(folder.glob(f"{type_name}*.class")):
                stem = path.stem
                if stem == type_name or stem.startswith(type_name + "$"):
                    names.append((package + "." if package else "") + stem)
    return sorted(set(names))
