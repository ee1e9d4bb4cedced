"""The child environment: the project's installed dependencies are importable after the harness's own."""

import os

from ato_harness.workspace import HARNESS_ROOT, Workspace, python_path


def test_dependencies_follow_the_harness_when_installed(tmp_path):
    assert python_path(tmp_path / "absent") == str(HARNESS_ROOT)
    deps = tmp_path / "deps"
    deps.mkdir()
    assert python_path(deps).split(os.pathsep) == [str(HARNESS_ROOT), str(deps)]


def test_children_get_the_harness_on_their_path(tmp_path):
    env = Workspace(tmp_path).child_env()
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(HARNESS_ROOT)
