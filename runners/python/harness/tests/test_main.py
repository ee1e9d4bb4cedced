import json

from ato_harness import main


def test_unique_file_names_keep_both_files():
    taken = ["test_ato_pkg_calc_smoke.py"]
    assert main.unique_file_name("test_ato_pkg_calc_smoke.py", taken) == "test_ato_pkg_calc_smoke_2.py"
    assert main.unique_file_name("test_ato_other_smoke.py", taken) == "test_ato_other_smoke.py"


def test_a_bad_plan_still_gives_a_manifest_with_the_problem(tmp_path):
    (tmp_path / "plan.json").write_text('{"protocol": 7}')
    assert main.main(tmp_path) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["protocol"] == 1
    [problem] = manifest["problems"]
    assert problem["kind"] == "tool" and "unsupported protocol 7" in problem["message"]
    assert manifest["tests"] == [] and manifest["tools"]["python"]


def test_a_missing_plan_still_gives_a_manifest(tmp_path):
    assert main.main(tmp_path) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert "cannot read plan.json" in manifest["problems"][0]["message"]
    assert not (tmp_path / "out" / "manifest.json.tmp").exists()
