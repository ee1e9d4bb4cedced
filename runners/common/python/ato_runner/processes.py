"""Running a child process with a deadline: every step that runs PR code or a tool goes through here.

Each child gets its own process group (so a timeout kills everything it spawned, fork bombs included) and the
resource limits its harness asks for (``Limits``: address space, processes, file size, core dumps). Output
goes to files, never pipes, so a chatty child can neither block nor flood the harness; only a tail is kept
for messages. The harness may be PID 1 of the container: orphans re-parented to it are reaped after each
step.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

OUTPUT_TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits set in the child between fork and exec; None keeps the harness's own."""

    address_space_bytes: int | None = None
    max_processes: int | None = None
    max_file_bytes: int | None = None
    core_dumps: bool = True

    def apply(self) -> None:
        """Runs in the child between fork and exec."""
        if self.address_space_bytes is not None:
            resource.setrlimit(resource.RLIMIT_AS, (self.address_space_bytes, self.address_space_bytes))
        if self.max_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (self.max_file_bytes, self.max_file_bytes))
        if self.max_processes is not None:
            _, hard = resource.getrlimit(resource.RLIMIT_NPROC)
            wanted = self.max_processes if hard == resource.RLIM_INFINITY else min(self.max_processes, hard)
            resource.setrlimit(resource.RLIMIT_NPROC, (wanted, wanted))
        if not self.core_dumps:
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@dataclass(frozen=True)
class Finished:
    """How a child ended: exactly one of returncode (normal exit or signal), timed_out, or spawn_error."""

    returncode: int | None
    timed_out: bool
    spawn_error: str | None
    stdout_tail: str
    stderr_tail: str
    seconds: float
    # stdout and stderr went to one file, whose tail is stdout_tail.
    merged_output: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def output(self) -> str:
        """The tail of everything the child wrote (stdout, then stderr, unless they were merged)."""
        return self.stdout_tail if self.merged_output else self.stdout_tail + self.stderr_tail

    def describe(self) -> str:
        """A one-line account of a failure, for a problem message."""
        if self.spawn_error:
            return f"could not start: {self.spawn_error}"
        if self.timed_out:
            return f"timed out after {self.seconds:.0f}s"
        if self.returncode is not None and self.returncode < 0:
            name = signal.Signals(-self.returncode).name if -self.returncode in signal.valid_signals() else "?"
            return f"killed by signal {-self.returncode} ({name})"
        text = self.stdout_tail if self.merged_output else self.stderr_tail
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return f"exited with status {self.returncode}" + (f": {lines[-1]}" if lines else "")


def run_limited(
    argv: list[str],
    *,
    timeout: float,
    cwd: Path | str | None = None,
    env: dict[str, str] | None = None,
    limits: Limits = Limits(),
    log_dir: Path | None = None,
    log_name: str = "child",
    merge_output: bool = False,
    interrupt_grace_secs: float = 0.0,
    poll: Callable[[], float | None] | None = None,
) -> Finished:
    """Run ``argv`` to completion or until ``timeout`` seconds; never raises for the child's behaviour.

    ``env`` is the child's whole environment (None: the harness's). Output goes to ``log_dir/log_name.out``
    and ``.err`` when ``log_dir`` is given, else to temporary files; ``merge_output`` sends both streams to one.
    With ``interrupt_grace_secs``, a child past its time first gets SIGINT and that long to wrap up (pytest
    then still writes its JUnit file for the tests it ran) before the whole group is killed. ``poll``, when
    given, is called about ten times a second while the child runs and may return a new deadline (seconds
    from now): a step that makes progress can be given more time.
    """
    start = time.monotonic()
    with contextlib.ExitStack() as files:
        out, err = _output_files(files, log_dir, log_name, merge_output)
        try:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT if merge_output else err,
                start_new_session=True,
                preexec_fn=limits.apply,  # noqa: PLW1509 - the harness is single-threaded
            )
        except (OSError, subprocess.SubprocessError) as error:
            return Finished(None, False, _spawn_error(error), "", "", 0.0, merge_output)
        try:
            returncode = _wait(proc, start + timeout, poll)
            if returncode is None and interrupt_grace_secs > 0:
                try:
                    os.kill(proc.pid, signal.SIGINT)
                    proc.wait(timeout=interrupt_grace_secs)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    pass
        except BaseException:
            kill_group(proc.pid)  # the harness itself is being stopped: leave nothing running behind
            raise
        kill_group(proc.pid)  # whatever the child left running in its group
        if returncode is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
        reap_orphans()
        return Finished(
            returncode=returncode,
            timed_out=returncode is None,
            spawn_error=None,
            stdout_tail=_tail(out),
            stderr_tail="" if merge_output else _tail(err),
            seconds=time.monotonic() - start,
            merged_output=merge_output,
        )


def _output_files(files: contextlib.ExitStack, log_dir: Path | None, log_name: str, merged: bool):
    def open_one(suffix: str):
        if log_dir is None:
            return files.enter_context(tempfile.TemporaryFile())
        return files.enter_context(open(log_dir / f"{log_name}.{suffix}", "w+b"))

    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
    out = open_one("out")
    return out, (out if merged else open_one("err"))


def _wait(proc: subprocess.Popen, deadline: float, poll) -> int | None:
    """The child's exit status, or None when it was still running at the deadline."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            return proc.wait(timeout=min(remaining, 0.1) if poll is not None else remaining)
        except subprocess.TimeoutExpired:
            if poll is not None:
                extra = poll()
                if extra is not None:
                    deadline = max(deadline, time.monotonic() + extra)


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
        except (ProcessLookupError, PermissionError):
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


def _tail(file) -> str:
    try:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(max(0, size - OUTPUT_TAIL_BYTES))
        return file.read().decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""
