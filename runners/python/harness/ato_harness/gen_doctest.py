"""Doctest tests (kind ``doctest``): one test per changed symbol whose docstring has examples.

Each test runs exactly that docstring's examples (``DocTestFinder`` with ``recurse=False``) in a copy of the
module's globals, as ``python -m doctest`` would, rather than ``--doctest-modules`` over whole files, which
would also run unchanged code and import the file under a different name.
"""

from __future__ import annotations

from ato_runner.plan import TargetFile

from .locate import ModuleLocation
from .testfile import GeneratedTestFile, file_name, target_id

_HELPER = '''def _run_doctest(qualname):
    """Run the examples of ``qualname``'s own docstring; fail with doctest's report."""
    module = _module()
    obj = _resolve(qualname)
    finder = doctest.DocTestFinder(recurse=False)
    found = finder.find(obj, f"{module.__name__}.{qualname}", module=False, globs=dict(vars(module)))
    runner = doctest.DocTestRunner(verbose=False)
    report = []
    examples = 0
    for test in found:
        examples += len(test.examples)
        runner.run(test, out=report.append)
    assert examples > 0, f"{qualname} has no doctest examples at runtime"
    assert runner.failures == 0, "".join(report)
'''


def doctest_tests(target: TargetFile, location: ModuleLocation, examples: dict[str, int]) -> GeneratedTestFile | None:
    """Tests for the symbols that ``examples`` (symbol → number of examples) says have any; None if none."""
    out = GeneratedTestFile(file_name(location.module, "doctest"), "doctest", target.path, location)
    out.imports.append("import doctest")
    out.body.append(_HELPER)
    for symbol in target.symbols:
        if examples.get(symbol.name, 0) > 0:
            name = out.new_test_name(f"{symbol.name}_doctest")
            out.add_test(
                name,
                target_id(target.path, symbol.name),
                f"def {name}():\n    _run_doctest({symbol.name!r})\n",
            )
    return out if out.tests else None
