import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

from ato_harness.pytest_plugin import shuffled
from ato_harness.workspace import HARNESS_PATH


def test_shuffled_is_a_permutation_fixed_by_the_seed():
    items = list(range(50))
    assert shuffled(items, 1) == shuffled(items, 1)
    assert shuffled(items, 1) != shuffled(items, 2)
    assert sorted(shuffled(items, 1)) == items
    assert items == list(range(50))


def run_pytest(tmp_path, source, **env):
    (tmp_path / "test_sample.py").write_text(source)
    junit = tmp_path / "junit.xml"
    result = subprocess.run(
        [
            sys.executable,
            "-B",
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "ato_harness.pytest_plugin",
            "-q",
            f"--junitxml={junit}",
            "test_sample.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(HARNESS_PATH), **env},
    )
    cases = [(c.get("name"), c.find("failure") is not None) for c in ET.parse(junit).getroot().iter("testcase")]
    return result, cases


def test_a_hanging_test_fails_alone_after_the_per_test_limit(tmp_path):
    source = (
        "import time\n\ndef test_hangs():\n    while True:\n        time.sleep(0.01)\n\ndef test_fine():\n    pass\n"
    )
    result, cases = run_pytest(tmp_path, source, ATO_TEST_TIMEOUT_SECS="1")
    assert dict(cases) == {"test_hangs": True, "test_fine": False}
    assert "ato per-test limit" in result.stdout


def test_the_order_follows_the_shuffle_seed(tmp_path):
    source = "".join(f"def test_{i}():\n    pass\n\n" for i in range(12))
    _, plain = run_pytest(tmp_path, source)
    _, first = run_pytest(tmp_path, source, ATO_SHUFFLE_SEED="5")
    _, again = run_pytest(tmp_path, source, ATO_SHUFFLE_SEED="5")
    _, other = run_pytest(tmp_path, source, ATO_SHUFFLE_SEED="6")
    assert [n for n, _ in plain] == [f"test_{i}" for i in range(12)]
    assert first == again
    assert first != other and sorted(first) == sorted(plain)


def test_a_forked_copy_cannot_run_the_session_or_fork_again(tmp_path):
    source = (
        "import os\n\n"
        "def test_forks():\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        os.fork()  # refused: the copy may not fork\n"
        "    os.waitpid(pid, 0)\n\n"
        "def test_after():\n"
        "    pass\n"
    )
    result, cases = run_pytest(tmp_path, source, ATO_TEST_TIMEOUT_SECS="5")
    assert dict(cases) == {"test_forks": False, "test_after": False}, result.stdout
    assert result.stdout.count("passed") == 1


def test_a_hanging_hypothesis_test_is_not_replayed_until_the_run_times_out(tmp_path):
    source = (
        "import time\n"
        "from hypothesis import given, settings, strategies as st\n\n"
        "@settings(database=None, deadline=None)\n"
        "@given(st.integers())\n"
        "def test_hangs(n):\n"
        "    time.sleep(100)\n\n"
        "def test_fine():\n"
        "    pass\n"
    )
    start = time.monotonic()
    result, cases = run_pytest(tmp_path, source, ATO_TEST_TIMEOUT_SECS="1")
    assert time.monotonic() - start < 60
    assert dict(cases) == {"test_hangs": True, "test_fine": False}
    assert "PerTestTimeout" in result.stdout


def test_a_thread_left_running_does_not_hold_the_exit(tmp_path):
    source = (
        "import threading, time\n\n"
        "def test_starts_a_thread():\n"
        "    threading.Thread(target=time.sleep, args=(600,)).start()\n"
    )
    start = time.monotonic()
    result, cases = run_pytest(tmp_path, source, ATO_TEST_TIMEOUT_SECS="5")
    assert time.monotonic() - start < 60
    assert result.returncode == 0
    assert dict(cases) == {"test_starts_a_thread": False}
