"""Child processes with a time limit: every JVM, javac and FindBugs run goes through ``run``.

Each child gets its own process group, so a timeout kills everything it started. Output goes to files, never
pipes, so a chatty child can neither block nor flood the harness; only a tail is kept for messages. The
harness may be PID 1 of the container: orphans re-parented to it are reaped after each step.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass

TAIL_BYTES = 64 * 1024
# /work and /tmp are small tmpfs mounts: one child writing without end must not fill them.
MAX_FILE_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True)
class Finished:
    returncode: int | None
    timed_out: bool
    output: str  # the tail of stdout and stderr together
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def describe(self) -> str:
        if self.timed_out:
            return f"timed out after {self.seconds:.0f}s"
        if self.returncode is not None and self.returncode < 0:
            return f"killed by signal {-self.returncode}"
        lines = [line for line in self.output.strip().splitlines() if line.strip()]
        return f"exited with status {self.returncode}" + (f": {lines[-1].strip()}" if lines else "")


def _limit_child() -> None:
    os.setsid()
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))


def run(
    cmd: list[str], timeout: float, cwd: str | None = None, poll=None, env: dict[str, str] | None = None
) -> Finished:
    """Run ``cmd``; kill its whole group after ``timeout`` seconds.

    ``poll``, when given, is called about ten times a second while the child runs and may return a new
    deadline (seconds from now): the probe uses it to allow more time while its calls make progress.
    ``env`` is added to the harness's own environment.
    """
    start = time.monotonic()
    deadline = start + timeout
    with tempfile.TemporaryFile() as out:
        try:
            child = subprocess.Popen(
                cmd,
                cwd=cwd,
                env={**os.environ, **env} if env else None,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_limit_child,
            )
        except OSError as err:
            return Finished(127, False, f"could not start {cmd[0]}: {err}", 0.0)
        timed_out = False
        while True:
            try:
                child.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                pass
            if poll is not None:
                extra = poll()
                if extra is not None:
                    deadline = max(deadline, time.monotonic() + extra)
            if time.monotonic() > deadline:
                timed_out = True
                _kill_group(child)
                break
        _kill_group(child)  # whatever the child left running in its group
        _reap_orphans()
        out.seek(0, os.SEEK_END)
        size = out.tell()
        out.seek(max(0, size - TAIL_BYTES))
        text = out.read().decode("utf-8", "replace")
    return Finished(None if timed_out else child.returncode, timed_out, text, time.monotonic() - start)


def _kill_group(child: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=5)


def _reap_orphans() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
