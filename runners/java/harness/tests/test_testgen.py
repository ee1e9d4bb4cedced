import unittest

from ato_runner.plan import Symbol

from ato_java import testgen
from ato_java.characterize import Call
from ato_java.javasrc import MethodRef

REF = MethodRef("com.x.Calc", "f", Symbol("Calc.f", "method", 1, 2, True))


def call(observation, expr="Calc.f(1)"):
    return Call(REF, "f(int)", expr, observation)


class PinnedTest(unittest.TestCase):
    def test_each_kind_of_result_has_its_assertion(self):
        self.assertEqual(
            testgen.pinned(call({"kind": "returned", "source": "3", "assert": "equals"})),
            ["assertEquals(3, Calc.f(1));"],
        )
        self.assertEqual(
            testgen.pinned(call({"kind": "returned", "source": "null", "assert": "equals"})), ["assertNull(Calc.f(1));"]
        )
        self.assertEqual(
            testgen.pinned(call({"kind": "returned", "source": "new int[]{1}", "assert": "array"})),
            ["assertArrayEquals(new int[]{1}, Calc.f(1));"],
        )
        self.assertEqual(
            testgen.pinned(call({"kind": "returned", "source": '"[1]"', "assert": "string"})),
            ['assertEquals("[1]", String.valueOf(Calc.f(1)));'],
        )
        self.assertEqual(testgen.pinned(call({"kind": "returned", "value": "void", "assert": "void"})), ["Calc.f(1);"])
        thrown = testgen.pinned(call({"kind": "raised", "error": "java.lang.ArithmeticException", "message": "x"}))
        self.assertEqual(thrown[1], 'assertEquals("java.lang.ArithmeticException", thrown.getClass().getName());')

    def test_names_are_unique_and_ids_match_the_launchers_xml(self):
        cls = testgen.TestClass("com.x", "AtoCalcTest", "src/Calc.java", "tests/com/x/AtoCalcTest.java", "x")
        cls.add("CalcLoads", "smoke", "t", ["x();"])
        cls.add("fRegression", "regression", "t", ["y();"], numbered=True)
        cls.add("fRegression", "regression", "t", ["z();"], numbered=True)
        cls.add("calcLoads", "smoke", "t", ["x();"])
        self.assertEqual([m.name for m in cls.methods], ["calcLoads", "fRegression1", "fRegression2", "calcLoads2"])
        self.assertEqual(cls.test_id(cls.methods[1]), "com.x.AtoCalcTest::fRegression1()")
        source = cls.render(kinds=("smoke",))
        self.assertIn("package com.x;", source)
        self.assertIn("void calcLoads2() throws Throwable {", source)
        self.assertNotIn("fRegression1", source)

    def test_strings_are_java_literals(self):
        self.assertEqual(testgen.java_string('a"b\\c\n\u00e9'), '"a\\"b\\\\c\\n\\u00e9"')


if __name__ == "__main__":
    unittest.main()
