"""Running a step that executes pull-request code: a child process with a time limit and resource limits.

Each child gets its own process group (so a timeout kills everything it spawned, fork bombs included), an
address-space limit (so unbounded allocation becomes a ``MemoryError`` in the child, not an OOM kill of the
whole container), a process-count limit (so a fork bomb in the child leaves the harness room to go on) and a
file-size limit. Output goes to files, never pipes, so a chatty child cannot block or flood the harness.
The harness may be PID 1 of the container: orphans re-parented to it are reaped after each step.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

CHILD_MEMORY_CAP_BYTES = 1536 * 1024 * 1024
# A child may use this share of the container's memory limit, leaving the rest to the harness.
CHILD_MEMORY_SHARE = 0.75
# Below this, Python with pytest, coverage and Hypothesis loaded fails on address space alone.
CHILD_MEMORY_FLOOR_BYTES = 512 * 1024 * 1024
CHILD_MAX_PROCESSES = 128
# /tmp and /work are small tmpfs mounts: one chatty child must not fill them.
CHILD_MAX_FILE_BYTES = 64 * 1024 * 1024
CGROUP_MEMORY_FILES = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
OUTPUT_TAIL_BYTES = 16 * 1024


@dataclass(frozen=True)
class Finished:
    """How a child ended: exactly one of returncode (normal exit or signal), timed_out, or spawn_error."""

    returncode: int | None
    timed_out: bool
    spawn_error: str | None
    stdout_tail: str
    stderr_tail: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def describe(self) -> str:
        """A one-line account of a failure, for a problem message."""
        if self.spawn_error:
            return f"could not start: {self.spawn_error}"
        if self.timed_out:
            return f"timed out after {self.seconds:.0f}s"
        if self.returncode is not None and self.returncode < 0:
            name = signal.Signals(-self.returncode).name if -self.returncode in signal.valid_signals() else "?"
            return f"killed by signal {-self.returncode} ({name})"
        tail = self.stderr_tail.strip().splitlines()
        return f"exited with status {self.returncode}" + (f": {tail[-1]}" if tail else "")


def contain_forked_copy(lifetime_secs: float) -> None:
    """Call in a process made by ``os.fork()`` in code under test (via ``os.register_at_fork``).

    The copy may not fork again (its process limit drops to zero, so a fork bomb cannot grow past one
    generation) and dies after ``lifetime_secs`` (SIGALRM, default action), so nothing it does outlives the
    test or call that made it.
    """
    _, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    resource.setrlimit(resource.RLIMIT_NPROC, (0, hard))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, lifetime_secs)


def child_memory_bytes(cgroup_limits: list[str | None]) -> int:
    """Address-space limit of a child: the cap, or less when the container's cgroup limit is smaller.

    ``cgroup_limits`` are the contents of the cgroup v2 / v1 limit files (None when absent); "max" and the
    huge v1 "unlimited" value mean no limit.
    """
    limit = CHILD_MEMORY_CAP_BYTES
    for text in cgroup_limits:
        if text is None:
            continue
        text = text.strip()
        if text.isdigit() and int(text) < 1 << 60:
            limit = min(limit, int(int(text) * CHILD_MEMORY_SHARE))
    return max(limit, CHILD_MEMORY_FLOOR_BYTES)


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as f:
            return f.read()
    except (OSError, ValueError):
        return None


CHILD_MEMORY_BYTES = child_memory_bytes([_read(p) for p in CGROUP_MEMORY_FILES])


def _limit_child() -> None:
    """Runs in the child between fork and exec."""
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (CHILD_MAX_FILE_BYTES, CHILD_MAX_FILE_BYTES))
    soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    wanted = CHILD_MAX_PROCESSES if hard == resource.RLIM_INFINITY else min(CHILD_MAX_PROCESSES, hard)
    resource.setrlimit(resource.RLIMIT_NPROC, (wanted, wanted))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_limited(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    log_dir: Path,
    log_name: str,
    interrupt_grace_secs: float = 0.0,
) -> Finished:
    """Run ``argv`` to completion or until ``timeout`` seconds; never raises for the child's behaviour.

    With ``interrupt_grace_secs``, a child past its time first gets SIGINT and that long to wrap up (pytest
    then still writes its JUnit file for the tests it ran) before the whole group is killed.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{log_name}.out", log_dir / f"{log_name}.err"
    start = time.monotonic()
    try:
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
                preexec_fn=_limit_child,  # noqa: PLW1509 - the harness is single-threaded
            )
    except (OSError, subprocess.SubprocessError) as error:
        return Finished(None, False, _spawn_error(error), "", "", 0.0)
    timed_out = False
    try:
        returncode: int | None = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        returncode = None
        if interrupt_grace_secs > 0:
            try:
                os.kill(proc.pid, signal.SIGINT)
                proc.wait(timeout=interrupt_grace_secs)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                pass
    except BaseException:
        kill_group(proc.pid)  # the harness itself is being stopped: leave nothing running behind
        raise
    kill_group(proc.pid)
    if returncode is None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
    reap_orphans()
    return Finished(
        returncode=returncode,
        timed_out=timed_out,
        spawn_error=None,
        stdout_tail=_tail(out_path),
        stderr_tail=_tail(err_path),
        seconds=time.monotonic() - start,
    )


def _spawn_error(error: Exception) -> str:
    if isinstance(error, OSError) and error.errno == errno.EAGAIN:
        return f"{error.strerror} (the process limit is reached: a fork bomb in the code under test?)"
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def kill_group(pgid: int) -> None:
    """SIGKILL the whole process group, repeatedly, until it is empty (a fork bomb keeps refilling it)."""
    for _ in range(50):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            return
        except PermissionError:
            return
        time.sleep(0.02)
        reap_orphans()


def reap_orphans() -> None:
    """Collect exited children (and, as PID 1, adopted orphans) so they do not fill the pids limit."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - OUTPUT_TAIL_BYTES))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""
