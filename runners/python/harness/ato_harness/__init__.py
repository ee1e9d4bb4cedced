"""ato's Python runner harness.

Runs inside the sandbox container (``python3 -m ato_harness`` with cwd ``/work``): reads ``plan.json``,
generates tests for the changed Python files, runs them and bandit, and writes ``out/manifest.json`` as
described in ``runners/PROTOCOL.md``. What it shares with the Java harness (the plan, the manifest,
processes, validation bookkeeping, ato's coverage and findings files) is the ``ato_runner`` package. The
harness itself never imports the pull request's code: everything that does runs in a resource-limited child
process (see ``processes`` and ``child``).
"""
