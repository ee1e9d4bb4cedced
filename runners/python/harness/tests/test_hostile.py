"""Hostile pull-request code: the harness must report it as problems or failed tests, never crash.

Run as the image runs it (non-root, no network, read-only root filesystem, pids and memory limits) for the
assertions about the network and /usr to mean anything.
"""

import xml.etree.ElementTree as ET

import pytest
from ato_runner import PROTOCOL_VERSION
from harness_process import run_harness

FILES = {
    "hostile/__init__.py": "",
    "hostile/forky.py": "import os\n\n\ndef boom(n: int) -> int:\n    while True:\n        os.fork()\n",
    "hostile/hog.py": (
        "def hog(n: int) -> int:\n"
        "    chunks = []\n"
        "    while True:\n"
        "        chunks.append(bytearray(512 * 1024 * 1024))\n"
    ),
    "hostile/net.py": (
        "import socket\n\n\n"
        "def fetch(port: int) -> bytes:\n"
        "    with socket.create_connection(('93.184.216.34', 80), timeout=1) as s:\n"
        "        return s.recv(10)\n\n\n"
        "def scribble(name: str) -> int:\n"
        "    with open('/usr/ato-evil', 'w') as f:\n"
        "        return f.write(name)\n"
    ),
}
SYMBOLS = {
    "hostile/forky.py": ["boom"],
    "hostile/hog.py": ["hog"],
    "hostile/net.py": ["fetch", "scribble"],
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    for path, text in FILES.items():
        (work / "head" / path).parent.mkdir(parents=True, exist_ok=True)
        (work / "head" / path).write_text(text)
    files = [
        {
            "path": path,
            "language": "python",
            "changed_lines": [1],
            "symbols": [
                {"name": name, "kind": "function", "start_line": 1, "end_line": 9, "is_new": True} for name in names
            ],
        }
        for path, names in SYMBOLS.items()
    ]
    plan = {
        "protocol": PROTOCOL_VERSION,
        "seed": 3,
        "reruns": 1,
        "step_timeout_secs": 30,
        "has_base": False,
        "files": files,
    }
    return work / "out", run_harness(work, plan, timeout=600)


def failures(out):
    root = ET.parse(out / "junit" / "run-1.xml").getroot()
    found = {}
    for case in root.iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        found[f"{case.get('classname')}::{case.get('name')}"] = None if failure is None else failure.get("message")
    return found


def test_the_harness_survives_and_reports_no_internal_error(result):
    _, manifest = result
    assert not [p for p in manifest["problems"] if p["kind"] == "tool"], manifest["problems"]


def test_each_hostile_function_fails_its_property_test_with_the_sandbox_error(result):
    out, _ = result
    cases = failures(out)
    # Under a heavily loaded machine the fork bomb or the allocation may outlast the per-test limit first;
    # either way the test fails on its own and the run goes on (MemoryError itself: see test_processes).
    assert_failed_with(cases["test_ato_hostile_forky_property::test_fuzz_boom"], "BlockingIOError", "PerTestTimeout")
    assert_failed_with(cases["test_ato_hostile_hog_property::test_fuzz_hog"], "MemoryError", "PerTestTimeout")
    assert "OSError" in cases["test_ato_hostile_net_property::test_fuzz_fetch"]
    assert "Read-only file system" in cases["test_ato_hostile_net_property::test_fuzz_scribble"]
    smoke = {k: v for k, v in cases.items() if "_smoke::" in k}
    assert smoke and all(v is None for v in smoke.values())


def assert_failed_with(message, *expected):
    assert message is not None, "the test passed"
    assert any(e in message for e in expected), message


def test_sandbox_errors_are_not_pinned_as_regression_tests(result):
    out, manifest = result
    assert not [t for t in manifest["tests"] if t["kind"] == "regression"]
    assert not list((out / "tests").glob("*_regression.py"))
