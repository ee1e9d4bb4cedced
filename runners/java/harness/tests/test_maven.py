"""Maven in the image: real ``mvn`` runs, offline, on small projects (no network in the test container)."""

import contextlib
import os
import tempfile
import unittest
from pathlib import Path

from ato_runner.manifest import Manifest

from ato_java import maven, project

POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId><artifactId>calc</artifactId><version>1.0</version>
  <properties>
    <maven.compiler.release>11</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>{dependencies}</dependencies>
</project>
"""
CALC = "package com.example;\n\npublic class Calc {\n    public static int one() {\n        return 1;\n    }\n}\n"


@contextlib.contextmanager
def _in_folder(path):
    """``contextlib.chdir`` (Python 3.11), for the Python 3.9 images too."""
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def maven_project(root: Path, calc: str = CALC, dependencies: str = "") -> Path:
    tree = root / "head"
    (tree / "src/main/java/com/example").mkdir(parents=True)
    (tree / "pom.xml").write_text(POM.format(dependencies=dependencies), encoding="utf-8")
    (tree / "src/main/java/com/example/Calc.java").write_text(calc, encoding="utf-8")
    (root / "deps").mkdir()
    return tree


class ParseTest(unittest.TestCase):
    def test_unresolved_dependencies_are_named_without_the_project_or_urls(self):
        log = (
            "[ERROR] Failed to execute goal on project calc: Could not resolve dependencies for project "
            "com.example:calc:jar:1.0\n"
            "[ERROR] dependency: com.google.guava:guava:jar:33.0-jre (compile)\n"
            "[ERROR] \tcom.google.guava:guava:jar:33.0-jre was not found in https://repo.maven.apache.org/maven2 "
            "during a previous attempt.\n"
            "[ERROR] The following artifacts could not be resolved: com.google.guava:guava:jar:33.0-jre (absent), "
            "org.x:y:jar:tests:2.1 (absent): Could not transfer artifact com.google.guava:guava:pom:33.0-jre "
            "from/to central (https://repo.maven.apache.org/maven2): repo.maven.apache.org\n"
        )
        self.assertEqual(maven.parse_unresolved(log), ["com.google.guava:guava:33.0-jre", "org.x:y:2.1"])

    def test_an_unresolved_plugin_is_named(self):
        log = (
            "[ERROR] Plugin org.apache.maven.plugins:maven-compiler-plugin:3.11.0 or one of its dependencies "
            "could not be resolved:\n"
        )
        self.assertEqual(maven.parse_unresolved(log), ["org.apache.maven.plugins:maven-compiler-plugin:3.11.0"])

    def test_compile_errors_are_relative_with_lines_and_each_once(self):
        log = (
            "[ERROR] COMPILATION ERROR : \n"
            "[ERROR] /work/head/src/main/java/com/example/Calc.java:[5,17] ';' expected\n"
            "[ERROR] Failed to execute goal ...: Compilation failure\n"
            "[ERROR] /work/head/src/main/java/com/example/Calc.java:[5,17] ';' expected\n"
        )
        errors = maven.parse_errors(log, Path("/work/head"))
        self.assertEqual(
            [(e.path, e.line, e.message) for e in errors], [("src/main/java/com/example/Calc.java", 5, "';' expected")]
        )

    def test_the_class_path_leaves_out_the_reactor_and_the_images_junit(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp)
            (tree / "target/classes").mkdir(parents=True)
            (tree / maven.CLASSPATH_FILE).write_text(
                f"/r/com/x/a/1/a-1.jar:{tree}/target/classes:/r/org/junit/jupiter/api/5/api-5.jar:"
                "/r/org/opentest4j/o/1/o.jar:/r/com/x/a/1/a-1.jar\n",
                encoding="utf-8",
            )
            self.assertEqual(maven.class_path(tree, [tree / "target/classes"]), [Path("/r/com/x/a/1/a-1.jar")])


def class_file_major(path: Path) -> int:
    """The class file format's major version (55 for Java 11, 61 for 17, 65 for 21)."""
    header = path.read_bytes()[:8]
    if header[:4] != b"\xca\xfe\xba\xbe":
        raise ValueError(f"{path} is not a class file")
    return int.from_bytes(header[6:8], "big")


class OfflineBuildTest(unittest.TestCase):
    """Maven 3.9 with Debian's plugins (trixie's, in every image), offline: what the test phase does with a
    filled cache. The projects ask for release 11, which every image's JDK (11, 17, 21) compiles."""

    def test_a_project_without_dependencies_is_built_by_maven_for_its_release(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            tree = maven_project(root)
            manifest = Manifest()
            built = project.compile_side(
                manifest, "head", tree, root / "classes", root, 300, (), deps_repo=root / "deps"
            )
            self.assertTrue(built.ok, (built.errors, built.failure, manifest.notes))
            self.assertEqual(built.tool, "Maven")
            self.assertIn("built by Maven", " ".join(manifest.notes))
            # maven.compiler.release was honoured (the compiler plugin 3.1 that Maven 3.8 binds ignores it).
            self.assertEqual(class_file_major(root / "classes/com/example/Calc.class"), 55)

    def test_the_dependency_phase_fill_resolves_without_compiling_and_the_build_then_runs_offline(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            tree = maven_project(root, calc=CALC.replace("return 1;", "return 1"))
            log = root / "fill.log"
            with _in_folder(tree):
                code = maven.fill(root / "deps", log)
            self.assertEqual(code, 0, log.read_text(encoding="utf-8"))
            self.assertFalse(list(tree.glob("target/classes/**/*.class")), "the main sources are not compiled")
            (tree / "src/main/java/com/example/Calc.java").write_text(CALC, encoding="utf-8")
            built = project.compile_side(
                Manifest(), "head", tree, root / "classes", root, 300, (), deps_repo=root / "deps"
            )
            self.assertTrue(built.ok, (built.errors, built.failure))
            self.assertEqual(built.tool, "Maven")

    def test_a_compile_error_is_reported_with_its_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            tree = maven_project(root, calc=CALC.replace("return 1;", "return 1"))
            built = project.compile_side(
                Manifest(), "head", tree, root / "classes", root, 300, (), deps_repo=root / "deps"
            )
            self.assertFalse(built.ok)
            self.assertEqual([(e.path, e.line) for e in built.errors], [("src/main/java/com/example/Calc.java", 5)])

    def test_a_dependency_missing_from_the_cache_is_named_and_javac_compiles_instead(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            missing = (
                "<dependency><groupId>org.example</groupId><artifactId>gone</artifactId>"
                "<version>9.1</version></dependency>"
            )
            tree = maven_project(root, dependencies=missing)
            manifest = Manifest()
            built = project.compile_side(
                manifest, "head", tree, root / "classes", root, 300, (), deps_repo=root / "deps"
            )
            self.assertTrue(built.ok, (built.errors, built.failure))
            self.assertEqual(built.tool, "javac")
            self.assertIn("it could not resolve org.example:gone:9.1", " ".join(manifest.notes))


if __name__ == "__main__":
    unittest.main()
