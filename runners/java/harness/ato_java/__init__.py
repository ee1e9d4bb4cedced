"""The Java runner's harness: runs inside the sandbox (runners/PROTOCOL.md), as ``python3 -m ato_java``.

Python orchestrates, with what it shares with the Python harness in ``ato_runner`` (plan, manifest,
processes with time limits, validation bookkeeping, ato's coverage and findings files); Java does what needs
the JVM: the ``ato.Probe`` helper calls the PR's methods, ``ato.CoverageReport`` writes JaCoCo's XML.
"""
