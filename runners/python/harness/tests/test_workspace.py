"""The child environment: the project's installed dependencies are importable after the harness's own (and
the shared ato_runner it imports)."""

import os

from ato_harness.workspace import HARNESS_PATH, HARNESS_ROOT, Workspace, python_path


def test_dependencies_follow_the_harness_when_installed(tmp_path):
    assert python_path(tmp_path / "absent") == os.pathsep.join(HARNESS_PATH)
    assert HARNESS_PATH[0] == str(HARNESS_ROOT)
    deps = tmp_path / "deps"
    deps.mkdir()
    assert python_path(deps).split(os.pathsep) == [*HARNESS_PATH, str(deps)]


def test_children_get_the_harness_on_their_path(tmp_path):
    env = Workspace(tmp_path).child_env()
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(HARNESS_ROOT)


def test_extra_folders_come_between_the_harness_and_the_dependencies(tmp_path):
    deps = tmp_path / "deps"
    deps.mkdir()
    head = tmp_path / "head"
    entries = python_path(deps, extra=(head / "src", head)).split(os.pathsep)
    assert entries == [*HARNESS_PATH, str(head / "src"), str(head), str(deps)]
