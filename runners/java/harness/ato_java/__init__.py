"""The Java runner's harness: runs inside the sandbox (runners/PROTOCOL.md), as ``python3 -m ato_java``.

Python orchestrates (plan, processes with time limits, manifest); Java does what needs the JVM: the
``ato.Probe`` helper calls the PR's methods, ``ato.CoverageReport`` writes JaCoCo's XML.
"""

PROTOCOL_VERSION = 1
# Values in the manifest are cut to this many characters (runners/PROTOCOL.md).
VALUE_CAP = 2000


def cut(text: str, limit: int = VALUE_CAP) -> str:
    return text if len(text) <= limit else text[:limit] + "… (cut)"
