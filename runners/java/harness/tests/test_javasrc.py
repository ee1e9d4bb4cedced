import unittest

from ato_runner.plan import Symbol

from ato_java import javasrc

SOURCE = """// package not.this;
/* class Fake {} */
package com.example.calc;

import java.util.List;

@Deprecated
public final class Calc {
    static class Inner { }
    String s = "class NotAType {";
}

enum Mode { A, B }
"""


class JavaSourceTest(unittest.TestCase):
    def test_package_ignores_comments(self):
        self.assertEqual(javasrc.package_of(SOURCE), "com.example.calc")
        self.assertEqual(javasrc.package_of("public class A {}"), "")

    def test_top_level_types_skip_nested_ones_comments_and_strings(self):
        self.assertEqual(javasrc.top_level_types(SOURCE), ["Calc", "Mode"])

    def test_a_method_symbol_names_its_binary_class(self):
        ref = javasrc.method_ref("com.x", Symbol("Outer.Inner.run", "method", 3, 5, False))
        self.assertEqual((ref.binary_class, ref.method), ("com.x.Outer$Inner", "run"))
        self.assertIsNone(javasrc.method_ref("com.x", Symbol("Outer", "class", 1, 9, False)))
        self.assertEqual(javasrc.method_ref("", Symbol("A.f", "method", 1, 2, True)).binary_class, "A")

    def test_tests_go_to_src_test_java_or_next_to_the_source(self):
        self.assertEqual(
            javasrc.test_location("mod/src/main/java/com/x/Calc.java", "com.x", "Calc"),
            ("tests/com/x/AtoCalcTest.java", "mod/src/test/java/com/x/AtoCalcTest.java"),
        )
        self.assertEqual(
            javasrc.test_location("src/main/java/Calc.java", "", "Calc"),
            ("tests/AtoCalcTest.java", "src/test/java/AtoCalcTest.java"),
        )
        self.assertEqual(
            javasrc.test_location("lib/Util.java", "", "Util"), ("tests/AtoUtilTest.java", "lib/AtoUtilTest.java")
        )


if __name__ == "__main__":
    unittest.main()
