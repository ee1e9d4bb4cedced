"""The limits of a child process that runs pull-request code (the running itself is ``ato_runner.processes``).

Each child gets an address-space limit (so unbounded allocation becomes a ``MemoryError`` in the child, not an
OOM kill of the whole container), a process-count limit (so a fork bomb in the child leaves the harness room
to go on), a file-size limit and no core dumps, besides the process group and deadline every child gets.
"""

from __future__ import annotations

import resource
import signal

from ato_runner import processes
from ato_runner.processes import Finished

__all__ = ["Finished", "run_limited", "contain_forked_copy", "child_memory_bytes"]

CHILD_MEMORY_CAP_BYTES = 1536 * 1024 * 1024
# A child may use this share of the container's memory limit, leaving the rest to the harness.
CHILD_MEMORY_SHARE = 0.75
# Below this, Python with pytest, coverage and Hypothesis loaded fails on address space alone.
CHILD_MEMORY_FLOOR_BYTES = 512 * 1024 * 1024
CHILD_MAX_PROCESSES = 128
# /tmp and /work are small tmpfs mounts: one chatty child must not fill them.
CHILD_MAX_FILE_BYTES = 64 * 1024 * 1024
CGROUP_MEMORY_FILES = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


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
CHILD_LIMITS = processes.Limits(
    address_space_bytes=CHILD_MEMORY_BYTES,
    max_processes=CHILD_MAX_PROCESSES,
    max_file_bytes=CHILD_MAX_FILE_BYTES,
    core_dumps=False,
)


def run_limited(argv: list[str], **kwargs) -> Finished:
    """``ato_runner.processes.run_limited`` with the limits of a child that runs PR code."""
    return processes.run_limited(argv, limits=CHILD_LIMITS, **kwargs)
