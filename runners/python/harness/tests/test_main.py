import json

from ato_runner import PROTOCOL_VERSION

from ato_harness import main
from ato_harness.workspace import HARNESS_PATH


def test_unique_file_names_keep_both_files():
    taken = ["test_ato_pkg_calc_smoke.py"]
    assert main.unique_file_name("test_ato_pkg_calc_smoke.py", taken) == "test_ato_pkg_calc_smoke_2.py"
    assert main.unique_file_name("test_ato_other_smoke.py", taken) == "test_ato_other_smoke.py"


def test_a_bad_plan_still_gives_a_manifest_with_the_problem(tmp_path):
    (tmp_path / "plan.json").write_text('{"protocol": 7}')
    assert main.main(tmp_path) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["protocol"] == PROTOCOL_VERSION
    [problem] = manifest["problems"]
    assert problem["kind"] == "tool" and "unsupported protocol 7" in problem["message"]
    assert manifest["tests"] == [] and manifest["tools"]["python"]


def test_a_missing_plan_still_gives_a_manifest(tmp_path):
    assert main.main(tmp_path) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert "cannot read plan.json" in manifest["problems"][0]["message"]
    assert not (tmp_path / "out" / "manifest.json.tmp").exists()


def test_sigterm_still_gives_a_manifest_and_leaves_no_child_running(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    head = tmp_path / "head"
    head.mkdir()
    (head / "slow.py").write_text("import time\ntime.sleep(600)\n")
    plan = {
        "protocol": PROTOCOL_VERSION,
        "seed": 1,
        "step_timeout_secs": 300,
        "files": [{"path": "slow.py", "language": "python", "changed_lines": [1], "symbols": []}],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    harness = subprocess.Popen(
        [sys.executable, "-m", "ato_harness"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(HARNESS_PATH)},
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)  # the harness is now waiting on the child that imports slow.py
    harness.send_signal(signal.SIGTERM)
    assert harness.wait(timeout=30) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert any("SIGTERM" in p["message"] for p in manifest["problems"]), manifest["problems"]
    assert not running("ato_harness.child")


def running(needle: str) -> list[int]:
    """Live (not zombie) processes whose command line contains ``needle``."""
    from pathlib import Path

    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in cmdline and state != "Z":
            found.append(int(proc.name))
    return found


def test_text_with_lone_surrogates_still_makes_a_valid_manifest(tmp_path):
    from ato_runner.manifest import Manifest

    manifest = Manifest()
    manifest.behaviour_change(
        "m.py",
        "f",
        "f('\ud800')",
        {"kind": "returned", "value": "1"},
        {"kind": "raised", "error": "ValueError", "message": "bad \udc80"},
    )
    manifest.write(tmp_path / "manifest.json")
    loaded = json.loads((tmp_path / "manifest.json").read_text(encoding="ascii"))
    assert loaded["behaviour_changes"][0]["head"]["message"] == "bad \udc80"


def test_without_the_builtin_generator_only_bandit_runs(tmp_path):
    head = tmp_path / "head"
    head.mkdir()
    (head / "calc.py").write_text("import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n")
    plan = {
        "protocol": PROTOCOL_VERSION,
        "seed": 1,
        "reruns": 1,
        "step_timeout_secs": 30,
        "has_base": False,
        "builtin": False,
        "files": [
            {
                "path": "calc.py",
                "language": "python",
                "changed_lines": [1, 2, 3, 4, 5],
                "symbols": [{"name": "run", "kind": "function", "start_line": 4, "end_line": 5, "is_new": True}],
            }
        ],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    assert main.main(tmp_path) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["tests"] == [] and manifest["generated"] == []
    assert any("only bandit ran" in note for note in manifest["notes"]), manifest["notes"]
    assert (tmp_path / "out" / "static" / "bandit.json").is_file()
