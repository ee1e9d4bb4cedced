import os
import sys
import time

from ato_harness.processes import run_limited


def run(tmp_path, code, timeout=10.0, **kwargs):
    return run_limited(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        timeout=timeout,
        log_dir=tmp_path / "logs",
        log_name="child",
        **kwargs,
    )


def test_a_normal_exit_is_reported_with_its_output(tmp_path):
    finished = run(tmp_path, "import sys; print('hello'); sys.exit(3)")
    assert finished.returncode == 3 and not finished.timed_out
    assert finished.stdout_tail.strip() == "hello"
    assert "exited with status 3" in finished.describe()


def test_a_timeout_kills_the_whole_process_group(tmp_path):
    marker = tmp_path / "grandchild.pid"
    code = (
        "import os, subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(marker)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(60)\n"
    )
    start = time.monotonic()
    finished = run(tmp_path, code, timeout=2.0)
    assert finished.timed_out and finished.returncode is None
    assert time.monotonic() - start < 20
    grandchild = int(marker.read_text())
    time.sleep(0.2)
    assert not os.path.exists(f"/proc/{grandchild}") or _is_zombie(grandchild)


def _is_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def test_unbounded_allocation_becomes_a_memory_error_in_the_child(tmp_path):
    code = (
        "chunks = []\n"
        "try:\n"
        "    while True:\n"
        "        chunks.append(bytearray(64 * 1024 * 1024))\n"
        "except MemoryError:\n"
        "    print('MemoryError after', len(chunks))\n"
    )
    finished = run(tmp_path, code, timeout=60)
    assert finished.returncode == 0, finished.describe()
    assert "MemoryError after" in finished.stdout_tail


def test_sigint_first_lets_the_child_wrap_up(tmp_path):
    code = (
        "import time\n"
        "try:\n"
        "    time.sleep(60)\n"
        "except KeyboardInterrupt:\n"
        "    print('wrapped up', flush=True)\n"
        "    time.sleep(60)\n"
    )
    finished = run(tmp_path, code, timeout=1.0, interrupt_grace_secs=2.0)
    assert finished.timed_out
    assert "wrapped up" in finished.stdout_tail


def test_a_child_that_cannot_start_is_reported_not_raised(tmp_path):
    finished = run_limited(
        ["/nonexistent/binary"],
        cwd=tmp_path,
        env={},
        timeout=5,
        log_dir=tmp_path / "logs",
        log_name="x",
    )
    assert finished.spawn_error and finished.returncode is None
    assert finished.describe().startswith("could not start")


def test_child_memory_follows_a_smaller_container_limit():
    from ato_harness import processes

    cap = processes.CHILD_MEMORY_CAP_BYTES
    assert processes.child_memory_bytes([None, None]) == cap
    assert processes.child_memory_bytes(["max\n", None]) == cap
    assert processes.child_memory_bytes([None, "9223372036854771712\n"]) == cap  # cgroup v1 "unlimited"
    assert processes.child_memory_bytes(["1073741824\n", None]) == int(1073741824 * processes.CHILD_MEMORY_SHARE)
    assert processes.child_memory_bytes(["1048576"]) == processes.CHILD_MEMORY_FLOOR_BYTES
