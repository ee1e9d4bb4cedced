"""Import classification: each changed module imported in its own process, failures classified, base compared.

One harness run over a workspace whose head and base trees hold a module per case; the manifest's problems
are the facts ato judges blame from.
"""

import pytest
from ato_runner import PROTOCOL_VERSION
from ato_runner.contract import shape_errors
from harness_process import run_harness

from ato_harness.import_check import ImportFailure, same_failure, without_paths

# path -> (base source or None when new, head source)
CASES = {
    # A package no image has (six is in Debian bullseye's image, pulled in by its tools).
    "pkg/uses_absent.py": ("import ato_absent_package\n\nX = 1\n", "import ato_absent_package\n\nX = 2\n"),
    "pkg/broken.py": ("def f():\n    return 1\n", "def f():\n    return 1\n\n\ndef g(:\n    pass\n"),
    "pkg/broken_both.py": ("def f(:\n    pass\n", "X = 1\n\ndef f(:\n    pass\n"),
    "pkg/new_broken.py": (None, "X = 1\nY = (\n"),
    "pkg/imports_broken.py": ("X = 1\n", "X = 1\nfrom pkg import sibling_bad\n"),
    "pkg/sibling_bad.py": ("A = 1\n", "A = 1\nB = 2\nC = 3\nD = (\n"),
    "pkg/raises.py": ("def f():\n    return 1\n", "def f():\n    return 1\n\nraise RuntimeError('boom')\n"),
    "pkg/reads.py": (
        "import os\nopen(os.path.join(os.path.dirname(__file__), 'missing.txt'))\n",
        "import os\n\nopen(os.path.join(os.path.dirname(__file__), 'missing.txt'))\n",
    ),
    "pkg/hangs.py": ("X = 1\n", "while True:\n    pass\n"),
    "pkg/fine.py": ("def one():\n    return 1\n", "def one():\n    return 1\n\n\ndef two():\n    return 2\n"),
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    work = tmp_path_factory.mktemp("work")
    for side in ("base", "head"):
        (work / side / "pkg").mkdir(parents=True)
        (work / side / "pkg" / "__init__.py").write_text("")
    for path, (base, head) in CASES.items():
        if base is not None:
            (work / "base" / path).write_text(base)
        (work / "head" / path).write_text(head)
    files = [{"path": p, "language": "python", "changed_lines": [1, 2, 3, 4, 5, 6], "symbols": []} for p in CASES]
    files[-1]["symbols"] = [{"name": "two", "kind": "function", "start_line": 5, "end_line": 6, "is_new": True}]
    plan = {
        "protocol": PROTOCOL_VERSION,
        "runner": "python",
        "seed": 7,
        "reruns": 1,
        "step_timeout_secs": 6,
        "has_base": True,
        "files": files,
    }
    return run_harness(work, plan, timeout=300)


def problem(manifest, path):
    found = [p for p in manifest["problems"] if p["path"] == path]
    assert len(found) == 1, (path, manifest["problems"])
    return found[0]


def test_a_module_missing_on_both_sides_names_the_module_and_says_base_fails_alike(manifest):
    absent = problem(manifest, "pkg/uses_absent.py")
    assert absent["kind"] == "import_error" and absent["missing_module"] == "ato_absent_package"
    assert absent["same_on_base"] is True and absent["line"] == 1


def test_a_syntax_error_only_on_head_has_its_line_and_differs_from_base(manifest):
    broken = problem(manifest, "pkg/broken.py")
    assert (broken["kind"], broken["line"], broken["same_on_base"]) == ("syntax_error", 5, False)
    both = problem(manifest, "pkg/broken_both.py")
    assert (both["kind"], both["line"], both["same_on_base"]) == ("syntax_error", 3, True)


def test_a_new_file_has_no_base_verdict(manifest):
    new = problem(manifest, "pkg/new_broken.py")
    assert new["kind"] == "syntax_error" and new["line"] == 2 and "same_on_base" not in new


def test_an_error_raised_elsewhere_is_placed_at_the_changed_files_own_line(manifest):
    imports = problem(manifest, "pkg/imports_broken.py")
    assert imports["kind"] == "import_error" and imports["line"] == 2, imports
    assert "SyntaxError" in imports["message"] and imports["same_on_base"] is False
    assert "missing_module" not in imports
    raises = problem(manifest, "pkg/raises.py")
    assert (raises["kind"], raises["line"], raises["same_on_base"]) == ("import_error", 4, False)
    assert "RuntimeError: boom" in raises["message"]


def test_the_same_error_with_the_trees_paths_in_it_is_the_same_on_base(manifest):
    reads = problem(manifest, "pkg/reads.py")
    assert reads["kind"] == "import_error" and "FileNotFoundError" in reads["message"]
    assert reads["same_on_base"] is True and reads["line"] == 3


def test_a_hanging_import_costs_only_its_module(manifest):
    hangs = problem(manifest, "pkg/hangs.py")
    assert hangs["kind"] == "timeout" and "same_on_base" not in hangs
    targets = {t["target"] for t in manifest["tests"]}
    assert "pkg/fine.py::two" in targets


def test_a_module_that_does_not_import_gets_no_tests(manifest):
    tested = {t["target"].split("::")[0] for t in manifest["tests"] if t["target"]}
    assert tested == {"pkg/fine.py"}, tested
    assert shape_errors(manifest, "manifest.json") == []


def test_same_failure_compares_class_module_and_message_without_paths():
    head = ImportFailure("import_error", "m", error="ModuleNotFoundError", detail="No module named 'six'")
    assert same_failure(head, head)
    assert not same_failure(head, None)
    assert not same_failure(head, ImportFailure("import_error", "m", error="ImportError", detail=head.detail))
    other_module = ImportFailure("import_error", "m", missing_module="six", error=head.error, detail=head.detail)
    assert not same_failure(head, other_module)
    assert without_paths("[Errno 2] '/w/head/pkg/x.txt' in /w/head", ("/w/head", "/w/base")) == "[Errno 2] 'pkg/x.txt' in "
