"""The harness run as the runner runs it, for the tests that go end to end: ``python -m ato_harness`` in a
workspace holding ``plan.json``, with the harness and the shared package on its path."""

import json
import os
import subprocess
import sys

from ato_harness.workspace import HARNESS_PATH


def run_harness(work, plan, timeout):
    """Writes `plan` into the workspace `work`, runs the harness there, asserts it exited 0, and returns the
    manifest it wrote."""
    (work / "plan.json").write_text(json.dumps(plan))
    proc = subprocess.run(
        [sys.executable, "-m", "ato_harness"],
        cwd=work,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(HARNESS_PATH)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads((work / "out" / "manifest.json").read_text())
