"""Where the image's tools are, the JVM flags every run uses, and the harness's own Java helper.

All jars come from Debian packages (see ../../packages.txt): JUnit 5's console launcher, JaCoCo's agent and
libraries, FindBugs. The helper classes (``java/ato/*.java`` next to this package) are compiled at the start
of each run into the scratch folder, so the image and a bind-mounted development copy behave the same.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import procs

JARS = Path("/usr/share/java")
CONSOLE_LAUNCHER = JARS / "junit-platform-console-standalone.jar"
# What generated tests compile against (the console launcher bundles the rest to run them).
JUNIT_COMPILE = [JARS / "junit-jupiter-api.jar", JARS / "apiguardian-api.jar", JARS / "opentest4j.jar"]
# What candidate tests (written by the host's model) compile against: parameterized tests too.
CANDIDATE_COMPILE = [*JUNIT_COMPILE, JARS / "junit-jupiter-params.jar"]
JACOCO_AGENT_HOLDER = JARS / "org.jacoco.agent.jar"  # holds jacocoagent.jar as a resource
JACOCO_LIBS = [
    JARS / "org.jacoco.core.jar",
    JARS / "org.jacoco.report.jar",
    JARS / "asm.jar",
    JARS / "asm-commons.jar",
    JARS / "asm-tree.jar",
]
# Its manifest's Class-Path (bcel, asm, dom4j…) resolves next to the jar, so use it from /usr/share/java.
FINDBUGS_JAR = JARS / "findbugs.jar"
FINDBUGS_HOME = Path("/usr/share/findbugs")
# Installed by the Dockerfile only where Maven Central was reachable at build time (../../fetch_spotbugs.py).
SPOTBUGS_JAR = Path("/opt/spotbugs/lib/spotbugs.jar")
# What Debian's findbugs script puts on the class path besides (its find_jars line); absent ones are skipped.
FINDBUGS_DEPENDENCIES = [
    "dom4j",
    "commons-lang3",
    "jaxen",
    "asm",
    "asm-commons",
    "asm-tree",
    "jcip",
    "jsr305",
    "jFormatString",
    "bcel",
]


def findbugs_classpath() -> str:
    jars = [JARS / f"{name}.jar" for name in FINDBUGS_DEPENDENCIES]
    return cp(FINDBUGS_JAR, *(jar for jar in jars if jar.is_file()))


HELPER_SOURCES = Path(__file__).resolve().parent.parent / "java"
# The image's JDK: 21 (trixie), 17 (bookworm) or 11 (bullseye).
JDK_HOME = Path("/usr/lib/jvm/default-java")


def jdk_feature(release_file: Path = JDK_HOME / "release") -> int | None:
    """The feature version of the image's JDK (``11``, ``17``, ``21``), from its ``release`` file."""
    try:
        text = release_file.read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r'^JAVA_VERSION="(?:1\.)?(\d+)', text, re.M)
    return int(match.group(1)) if match else None


# The container has 2 GiB by default, /work and /tmp included: one JVM at a time, each well under it.
# Serial GC and C1 only: fewer threads (the pids limit is 256) and a faster start on one CPU.
JVM_FLAGS = ["-Xmx512m", "-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto"]
JAVAC_FLAGS = [
    "-J-Xmx512m",
    "-J-XX:+UseSerialGC",
    "-J-XX:-UsePerfData",
    "-encoding",
    "UTF-8",
    "-nowarn",
    "-Xlint:none",
    "-Xmaxerrs",
    "200",
]


# javac and FindBugs run no PR code and start slowly on one CPU: their limit is at least this, whatever the
# plan's step_timeout_secs (which is about PR code: calls, test runs).
TOOL_MIN_SECS = 180


def tool_timeout(step_timeout: float) -> float:
    return max(float(step_timeout), TOOL_MIN_SECS)


def cp(*entries) -> str:
    return ":".join(str(e) for e in entries if e)


@dataclass(frozen=True)
class Toolbox:
    helper_classes: Path
    jacoco_agent: Path | None


class ToolError(Exception):
    """A tool of the image is missing or broken: the harness reports it as a ``tool`` problem."""


def prepare(scratch: Path, timeout: float) -> Toolbox:
    """Compile the helper classes and unpack the JaCoCo agent into ``scratch``."""
    helper = scratch / "helper"
    helper.mkdir(parents=True, exist_ok=True)
    sources = sorted(str(p) for p in HELPER_SOURCES.glob("ato/*.java"))
    done = procs.run(
        ["javac", *JAVAC_FLAGS, "-d", str(helper), "-cp", cp(*JACOCO_LIBS, CONSOLE_LAUNCHER), *sources],
        tool_timeout(timeout),
    )
    if not done.ok:
        raise ToolError(f"the harness's Java helper did not compile: {done.describe()}")
    agent = None
    try:
        with zipfile.ZipFile(JACOCO_AGENT_HOLDER) as holder:
            agent = scratch / "jacocoagent.jar"
            agent.write_bytes(holder.read("jacocoagent.jar"))
    except (OSError, KeyError, zipfile.BadZipFile):
        agent = None
    return Toolbox(helper, agent)


def versions(timeout: float) -> dict[str, str]:
    """Tool versions for the manifest, from the JDK and the jars' names."""
    found: dict[str, str] = {}
    done = procs.run(["java", "-XX:-UsePerfData", "-version"], tool_timeout(timeout))
    match = re.search(r'version "([^"]+)"', done.output)
    if match:
        found["java"] = match.group(1)
    jars_by_tool = (
        ("junit", "junit-jupiter-api-*.jar"),
        ("junit-platform", "junit-platform-console-standalone-*.jar"),
        ("jacoco", "org.jacoco.core-*.jar"),
        ("findbugs", "findbugs-ant-*.jar"),
    )
    for name, pattern in jars_by_tool:
        jars = sorted(JARS.glob(pattern))
        if jars:
            found[name] = jars[-1].name.rsplit("-", 1)[-1].removesuffix(".jar")
    return found
