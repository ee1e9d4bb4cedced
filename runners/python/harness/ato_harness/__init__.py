"""ato's Python runner harness.

Runs inside the sandbox container (``python3 -m ato_harness`` with cwd ``/work``): reads ``plan.json``,
generates tests for the changed Python files, runs them and bandit, and writes ``out/manifest.json`` as
described in ``runners/PROTOCOL.md``. The harness itself never imports the pull request's code: everything
that does runs in a resource-limited child process (see ``processes`` and ``child``).
"""

PROTOCOL_VERSION = 1
