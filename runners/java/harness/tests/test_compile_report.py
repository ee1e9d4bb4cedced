"""Compile errors on head as problems, with whether base has the same error (``same_on_base``)."""

import unittest
from pathlib import Path

from ato_runner.manifest import Manifest

from ato_java.build import Build, CompileError
from ato_java.compile_report import report_compile_failure

ERROR = CompileError("src/com/ex/Calc.java", 5, "';' expected")


def build(ok=False, errors=(), failure=None, sources=(Path("Calc.java"),)):
    return Build(Path("t"), Path("c"), ok=ok, sources=list(sources), errors=list(errors), failure=failure)


def same_on_base(base):
    manifest = Manifest()
    report_compile_failure(manifest, build(errors=[ERROR]), "head", declared=False, base=base)
    [problem] = manifest.problems
    assert (problem["kind"], problem["line"], problem["path"]) == ("syntax_error", 5, ERROR.path)
    return problem.get("same_on_base", "absent")


class SameOnBaseTest(unittest.TestCase):
    def test_a_base_that_compiles_does_not_share_the_error(self):
        self.assertIs(same_on_base(build(ok=True)), False)

    def test_the_same_error_on_base_moved_to_another_line_is_shared(self):
        moved = CompileError(ERROR.path, 9, ERROR.message)
        self.assertIs(same_on_base(build(errors=[moved])), True)
        other = CompileError(ERROR.path, 5, "class, interface, or enum expected")
        self.assertIs(same_on_base(build(errors=[other])), False)

    def test_no_base_or_a_base_that_could_not_be_compiled_says_nothing(self):
        self.assertEqual(same_on_base(None), "absent")
        self.assertEqual(same_on_base(build(failure="javac was killed")), "absent")
        self.assertEqual(same_on_base(build(ok=False, sources=())), "absent")


if __name__ == "__main__":
    unittest.main()
