//! Java: `.java` files, tested with JUnit 5 in the `java` runner, dependencies resolved by Maven.
//!
//! [`outline`] finds the types, methods and constructors from tokens (the brace scanner is shared with
//! JavaScript); [`maven`] finds a Maven project, writes the script that has the harness resolve its
//! dependencies, and names what Maven could not resolve.

pub(crate) mod declared;
mod maven;
mod outline;

use super::{Family, Fences, Framework, Lang, OutlineSymbol, ProjectFiles, TestFile};
use crate::deps::{Detection, Ecosystem, HeadFiles};
use crate::model::Runner;

/// The Java language and its family.
pub struct Java;

const FENCES: Fences = Fences {
    tag: "java",
    tags: &["java", "junit", "junit5"],
    suffixes: &[".java"],
};

impl Lang for Java {
    fn runner(&self) -> Runner {
        Runner::Java
    }

    fn name(&self) -> &'static str {
        "Java"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["java"]
    }

    /// Surefire's defaults: `*Test.java`, `*Tests.java`.
    fn is_test_name(&self, file_name: &str) -> bool {
        file_name.ends_with("Test.java") || file_name.ends_with("Tests.java")
    }

    fn generated_reason(&self, _file_name: &str) -> Option<&'static str> {
        None
    }

    fn outline(&self, source: &str) -> Vec<OutlineSymbol> {
        outline::outline(source)
    }

    fn fences(&self) -> &'static Fences {
        &FENCES
    }

    /// The `package` line and the `import` lines.
    fn imports(&self, text: &str) -> Vec<String> {
        text.lines()
            .filter(|line| line.starts_with("package ") || line.starts_with("import "))
            .map(|line| line.trim_end().to_string())
            .collect()
    }

    /// The class's full name: its package, then the file's name.
    fn module_path(&self, path: &str, text: &str) -> String {
        let file = path.rsplit('/').next().unwrap_or(path);
        let class = file.trim_end_matches(".java");
        let package = text
            .lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix("package "))
            .map(|rest| rest.trim_end_matches(';').trim());
        match package {
            Some(package) => format!("{package}.{class}"),
            None => class.to_string(),
        }
    }

    fn framework(&self, _project: &ProjectFiles) -> Framework {
        Framework::Junit5
    }

    /// `<Class><Method>LlmTest.java`, in the test tree's package folder (`src/test/java/…`).
    fn placement(&self, path: &str, symbol: &str) -> TestFile {
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        let method = symbol.rsplit('.').next().unwrap_or(symbol);
        let name = format!("{stem}{}LlmTest.java", capitalise(method));
        let test_dir = dir.replacen("src/main/java", "src/test/java", 1);
        let repo_path = if test_dir.is_empty() {
            name.clone()
        } else {
            format!("{test_dir}/{name}")
        };
        TestFile { name, repo_path }
    }
}

impl Family for Java {
    fn vendored_folders(&self) -> &'static [&'static str] {
        &[]
    }

    fn project_files(&self) -> &'static [&'static str] {
        &[]
    }
}

impl Ecosystem for Java {
    /// Every module's `pom.xml`, and the `.mvn/` settings.
    fn is_manifest(&self, path: &str) -> bool {
        path == "pom.xml" || path.ends_with("/pom.xml") || path.starts_with(".mvn/")
    }

    fn detect(&self, files: &HeadFiles) -> Detection {
        maven::detect(files)
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_files_by_surefire_naming() {
        for name in ["CalcTest.java", "CalcTests.java"] {
            assert!(Java.is_test_name(name), "{name}");
        }
        for name in ["Testable.java", "Calc.java", "CalcTest.kt"] {
            assert!(!Java.is_test_name(name), "{name}");
        }
    }

    #[test]
    fn imports_are_the_package_and_import_lines() {
        let text = "package com.example;\n\nimport java.util.List;\nimport static java.lang.Math.max;\n\npublic class Calc {\n    // import nothing\n}\n";
        assert_eq!(
            Java.imports(text).join("\n"),
            "package com.example;\nimport java.util.List;\nimport static java.lang.Math.max;"
        );
    }

    #[test]
    fn tests_import_the_class_by_its_full_name() {
        assert_eq!(
            Java.module_path(
                "src/main/java/org/x/Calc.java",
                "package org.x;\nclass Calc {}"
            ),
            "org.x.Calc"
        );
        assert_eq!(Java.module_path("Calc.java", "class Calc {}"), "Calc");
    }

    #[test]
    fn a_model_test_goes_in_the_test_tree() {
        assert_eq!(
            Java.placement("src/main/java/org/x/Calc.java", "Calc.add"),
            TestFile {
                name: "CalcAddLlmTest.java".into(),
                repo_path: "src/test/java/org/x/CalcAddLlmTest.java".into()
            }
        );
        assert_eq!(
            Java.placement("Calc.java", "add").repo_path,
            "CalcAddLlmTest.java"
        );
    }

    #[test]
    fn manifests_are_the_poms_and_the_maven_settings() {
        for path in ["pom.xml", "core/pom.xml", ".mvn/maven.config"] {
            assert!(Java.is_manifest(path), "{path}");
        }
        for path in ["build.gradle", "xpom.xml", "requirements.txt"] {
            assert!(!Java.is_manifest(path), "{path}");
        }
    }
}
