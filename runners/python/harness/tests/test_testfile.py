import subprocess
import sys

from ato_harness import testfile
from ato_harness.locate import ModuleLocation


def test_file_names_are_unique_per_module_and_kind_and_importable():
    name = testfile.file_name("pkg.calc", "doctest")
    assert name == "test_ato_pkg_calc_doctest.py"
    assert name[:-3].isidentifier()
    assert testfile.file_name("pkg.calc", "smoke") != name


def test_test_names_are_identifiers_and_unique():
    used: set[str] = set()
    first = testfile.unique_name(testfile.test_name("Stack.push"), used)
    used.add(first)
    second = testfile.unique_name(testfile.test_name("Stack_push"), used)
    assert first == "test_Stack_push"
    assert second == "test_Stack_push_2"
    assert testfile.test_name("test_x") == "test_x"


def test_junit_id_is_file_stem_and_test_name():
    assert testfile.junit_id("test_ato_calc.py", "test_add_doctest") == "test_ato_calc::test_add_doctest"
    assert testfile.junit_id("tests/test_ato_calc.py", "test_x") == "test_ato_calc::test_x"


def test_target_ids():
    assert testfile.target_id("pkg/calc.py", "add") == "pkg/calc.py::add"
    assert testfile.target_id("pkg/calc.py", None) == "pkg/calc.py"


def write_repo(tmp_path):
    repo = tmp_path / "repo"
    (repo / "src" / "mylib").mkdir(parents=True)
    (repo / "src" / "mylib" / "__init__.py").write_text("")
    (repo / "src" / "mylib" / "core.py").write_text("def double(x):\n    return 2 * x\n")
    return repo


def test_a_generated_file_imports_its_module_from_the_repository_layout(tmp_path):
    repo = write_repo(tmp_path)
    out = testfile.GeneratedTestFile(
        "test_ato_mylib_core_smoke.py", "smoke", "src/mylib/core.py", ModuleLocation("mylib.core", ("src", ""))
    )
    name = out.new_test_name("double")
    out.add_test(name, "src/mylib/core.py::double", f"def {name}():\n    assert _resolve('double')(4) == 8\n")
    # Where the patch of tests you can add puts it: tests/ato/ in the repository.
    (repo / "tests" / "ato").mkdir(parents=True)
    (repo / "tests" / "ato" / out.name).write_text(out.render())
    result = subprocess.run(
        [sys.executable, "-B", "-m", "pytest", "-q", "-p", "no:cacheprovider", f"tests/ato/{out.name}"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert out.tests == [("test_double", "src/mylib/core.py::double")]


def test_a_failed_import_fails_each_test_quickly_with_the_first_error(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "broken.py").write_text("raise RuntimeError('no import for you')\n")
    out = testfile.GeneratedTestFile("test_ato_broken_smoke.py", "smoke", "broken.py", ModuleLocation("broken", ("",)))
    for n in range(2):
        out.add_test(f"test_{n}", None, f"def test_{n}():\n    _module()\n")
    path = tmp_path / out.name
    path.write_text(out.render())
    result = subprocess.run(
        [sys.executable, "-B", "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"ATO_REPO_ROOT": str(repo), "PATH": "/usr/bin:/bin"},
    )
    assert "2 failed" in result.stdout, result.stdout
    assert "no import for you" in result.stdout
