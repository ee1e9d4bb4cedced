"""The limits of the harness's child processes (JVMs, javac, Maven, FindBugs); running them, with a deadline
and a group kill, is ``ato_runner.processes``.

A JVM reserves far more address space than it uses and starts many threads, so neither is limited here (the
JVMs' own ``-Xmx`` and the container's pids limit bound them); only the file size is, because ``/work`` and
``/tmp`` are small tmpfs mounts that one child writing without end must not fill. stdout and stderr go to one
file: javac's and Maven's messages are read back in the order they were written.
"""

from __future__ import annotations

import os

from ato_runner.processes import Finished, Limits, run_limited

MAX_FILE_BYTES = 128 * 1024 * 1024
LIMITS = Limits(max_file_bytes=MAX_FILE_BYTES)


def run(
    cmd: list[str], timeout: float, cwd: str | None = None, poll=None, env: dict[str, str] | None = None
) -> Finished:
    """Run ``cmd``; kill its whole group after ``timeout`` seconds. ``poll`` may move the deadline (see
    ``run_limited``); ``env`` is added to the harness's own environment."""
    return run_limited(
        cmd,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, **env} if env else None,
        limits=LIMITS,
        merge_output=True,
        poll=poll,
    )
