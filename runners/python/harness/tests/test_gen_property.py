import ast

import pytest
from ato_runner.plan import Symbol, TargetFile

from ato_harness import gen_property
from ato_harness.locate import ModuleLocation

FUZZ_ADD = """# This test code was written by the `hypothesis.extra.ghostwriter` module
# and is provided under the Creative Commons Zero public domain dedication.

import pkg.calc
from hypothesis import given, strategies as st


@given(a=st.integers(), b=st.integers())
def test_fuzz_add(a: int, b: int) -> None:
    pkg.calc.add(a=a, b=b)
"""

FUZZ_ADD_AGAIN = FUZZ_ADD.replace("add(a=a, b=b)", "add(a=b, b=a)")


def decorators(source: str) -> list[str]:
    func = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef))
    return [ast.unparse(d) for d in func.decorator_list]


def test_each_test_is_pinned_to_a_seed_and_bounded():
    wrapped = gen_property.wrap_ghostwriter([("add", FUZZ_ADD)], max_examples=17, seed=99, used=set())
    [(name, symbol, source)] = wrapped.tests
    assert (name, symbol) == ("test_fuzz_add", "add")
    decos = decorators(source)
    assert decos[0].startswith("_ato_settings(derandomize=True, database=None, max_examples=17")
    assert decos[1] == "_ato_seed(99)"
    assert decos[2].startswith("given(")


def test_imports_are_merged_and_colliding_names_renamed():
    used: set[str] = set()
    wrapped = gen_property.wrap_ghostwriter([("add", FUZZ_ADD), ("add2", FUZZ_ADD_AGAIN)], 10, 1, used)
    names = [name for name, _, _ in wrapped.tests]
    assert len(names) == 2 and len(set(names)) == 2
    assert set(names) == used
    assert wrapped.imports.count("import pkg.calc") == 1
    assert wrapped.imports[-1] == gen_property.PINNING_IMPORT


def test_output_that_does_not_parse_is_an_error():
    with pytest.raises(gen_property.GhostwriterOutputError):
        gen_property.wrap_ghostwriter([("f", "def broken(:\n")], 10, 1, set())


def test_real_ghostwriter_output_makes_a_runnable_deterministic_file(tmp_path):
    from hypothesis.extra import ghostwriter

    (tmp_path / "head" / "pkg").mkdir(parents=True)
    (tmp_path / "head" / "pkg" / "__init__.py").write_text("")
    (tmp_path / "head" / "pkg" / "calc.py").write_text("def add(a: int, b: int) -> int:\n    return a + b\n")
    import importlib
    import sys

    sys.path.insert(0, str(tmp_path / "head"))
    try:
        module = importlib.import_module("pkg.calc")
        source = ghostwriter.fuzz(module.add)
    finally:
        sys.path.remove(str(tmp_path / "head"))
        for name in ("pkg.calc", "pkg"):
            sys.modules.pop(name, None)
    target = TargetFile("pkg/calc.py", "python", (1,), (Symbol("add", "function", 1, 2, False),))
    out = gen_property.property_tests(target, ModuleLocation("pkg.calc", ("",)), [("add", source)], 5, 3)
    assert out is not None and out.tests == [("test_fuzz_add", "pkg/calc.py::add")]
    compile(out.render(), out.name, "exec")


def test_no_tests_no_file():
    target = TargetFile("m.py", "python", (), ())
    assert gen_property.property_tests(target, ModuleLocation("m", ("",)), [], 5, 3) is None
