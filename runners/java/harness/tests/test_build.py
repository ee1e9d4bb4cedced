import tempfile
import unittest
from pathlib import Path

from ato_java import build

POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <properties><guava.version>33.0-jre</guava.version></properties>
  <dependencies>
    <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId>
      <version>${guava.version}</version></dependency>
    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId>
      <version>5.10.0</version><scope>test</scope></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId></dependency>
  </dependencies>
</project>"""


class BuildFilesTest(unittest.TestCase):
    def test_maven_dependencies_resolve_properties_and_skip_test_scope(self):
        self.assertEqual(build.maven_dependencies(POM), ["com.google.guava:guava:33.0-jre", "org.slf4j:slf4j-api"])

    def test_a_broken_pom_declares_nothing_rather_than_failing(self):
        self.assertEqual(build.maven_dependencies("<project><dependencies>"), [])

    def test_a_pom_with_entities_is_refused_not_expanded(self):
        laughs = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaa">]><project>&a;</project>'
        self.assertEqual(build.maven_dependencies(laughs), [])

    def test_gradle_dependencies(self):
        text = (
            "dependencies {\n  implementation 'com.google.guava:guava:33.0-jre'\n"
            "  testImplementation 'junit:junit:4.13'\n  api(\"org.x:y:1\")\n}\n"
        )
        self.assertEqual(build.gradle_dependencies(text), ["com.google.guava:guava:33.0-jre", "org.x:y:1"])

    def test_javac_errors_become_relative_paths_and_lines(self):
        output = (
            "/work/head/src/main/java/A.java:5: error: ';' expected\n        return x\n"
            "/work/head/B.java:12: error: package org.x does not exist\n2 errors\n"
        )
        errors = build.parse_errors(output, Path("/work/head"))
        self.assertEqual([(e.path, e.line) for e in errors], [("src/main/java/A.java", 5), ("B.java", 12)])
        self.assertFalse(build.missing_symbol(errors[0]))
        self.assertTrue(build.missing_symbol(errors[1]))


class SourcesTest(unittest.TestCase):
    def test_sources_come_from_src_main_java_without_tests(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp)
            for rel in (
                "src/main/java/a/A.java",
                "src/main/java/a/ATest.java",
                "src/test/java/a/B.java",
                "src/main/java/module-info.java",
                "tools/Gen.java",
                "lib/x.jar",
            ):
                (tree / rel).parent.mkdir(parents=True, exist_ok=True)
                (tree / rel).write_text("")
            self.assertEqual(
                [p.relative_to(tree).as_posix() for p in build.java_sources(tree)], ["src/main/java/a/A.java"]
            )
            self.assertEqual(build.libraries(tree), [tree / "lib/x.jar"])

    def test_a_plain_tree_compiles_from_its_root_minus_test_folders(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp)
            for rel in ("Calc.java", "pkg/Util.java", "test/CalcCheck.java", "target/Gen.java"):
                (tree / rel).parent.mkdir(parents=True, exist_ok=True)
                (tree / rel).write_text("")
            self.assertEqual(
                sorted(p.relative_to(tree).as_posix() for p in build.java_sources(tree)), ["Calc.java", "pkg/Util.java"]
            )


if __name__ == "__main__":
    unittest.main()
