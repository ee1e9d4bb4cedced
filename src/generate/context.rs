//! What the model is shown about a changed symbol, and where its answer goes: pure functions over file texts.

use crate::model::{Language, Symbol};

/// Longest symbol source sent, in lines.
const MAX_SOURCE_LINES: usize = 300;
/// Longest per-file diff sent, in characters.
const MAX_DIFF_CHARS: usize = 8_000;

/// The symbol's lines on the head side.
pub fn symbol_source(text: &str, symbol: &Symbol) -> String {
    let start = symbol.start_line.max(1) as usize - 1;
    let len = (symbol.end_line as usize + 1)
        .saturating_sub(symbol.start_line.max(1) as usize)
        .min(MAX_SOURCE_LINES);
    text.lines()
        .skip(start)
        .take(len)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The part of a unified diff (`git diff` format) about `path` on the head side.
pub fn file_diff(diff: &str, path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in diff.split_inclusive('\n') {
        if line.starts_with("diff --git ") {
            inside = line.trim_end().ends_with(&format!(" b/{path}"));
        }
        if inside {
            out.push_str(line);
        }
    }
    crate::llm::text::head(&out, MAX_DIFF_CHARS)
}

/// How a test imports the file: a Python module path, a relative JS specifier from the test's folder (the test
/// sits next to the file), or a Java class's full name.
pub fn import_target(language: Language, path: &str, text: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    match language {
        Language::Python => {
            let inner = path.strip_prefix("src/").unwrap_or(path);
            let module = inner.trim_end_matches(".py").replace('/', ".");
            module
                .strip_suffix(".__init__")
                .unwrap_or(&module)
                .to_string()
        }
        Language::JavaScript | Language::TypeScript => format!("./{file}"),
        Language::Java => {
            let class = file.trim_end_matches(".java");
            match java_package(text) {
                Some(package) => format!("{package}.{class}"),
                None => class.to_string(),
            }
        }
    }
}

fn java_package(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix("package "))
        .map(|rest| rest.trim_end_matches(';').trim().to_string())
}

/// The test framework the model writes for: the runner can validate each of these. JavaScript follows a
/// repository whose `package.json` says jest (the image has it), as the Node runner's own tests do; vitest
/// (not in every image) and TypeScript (jest would need a transform) get `node:test`.
pub fn framework(language: Language, package_json: Option<&str>) -> &'static str {
    match language {
        Language::Python => "pytest",
        Language::JavaScript if package_json.is_some_and(uses_jest) => "jest",
        Language::JavaScript | Language::TypeScript => "node:test",
        Language::Java => "junit5",
    }
}

/// Does a `package.json` name jest (a dependency or the `test` script), and not vitest? The same reading as
/// the Node harness's `repoFramework`.
fn uses_jest(package_json: &str) -> bool {
    let Ok(package) = serde_json::from_str::<serde_json::Value>(package_json) else {
        return false;
    };
    let script = package
        .pointer("/scripts/test")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let names = |tool: &str| {
        ["dependencies", "devDependencies"]
            .iter()
            .any(|field| package.get(field).and_then(|d| d.get(tool)).is_some())
            || script
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|word| word == tool)
    };
    names("jest") && !names("vitest")
}

/// Where a candidate lives: its file in the runner's workspace (`candidates/…`) and in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub workspace_file: String,
    pub repo_path: String,
}

pub fn placement(language: Language, path: &str, symbol: &str) -> Placement {
    let (dir, file) = match path.rsplit_once('/') {
        Some((dir, file)) => (dir, file),
        None => ("", path),
    };
    let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    let flat = symbol.replace('.', "_");
    let in_dir = |name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let (name, repo_path) = match language {
        Language::Python => {
            let name = format!("test_llm_{}_{}.py", stem, flat.to_lowercase());
            (name.clone(), format!("tests/ato/{name}"))
        }
        Language::JavaScript | Language::TypeScript => {
            let name = format!("{stem}.{flat}.llm.test.{ext}");
            (name.clone(), in_dir(&name))
        }
        Language::Java => {
            let method = symbol.rsplit('.').next().unwrap_or(symbol);
            let name = format!("{stem}{}LlmTest.java", capitalise(method));
            let test_dir = dir.replacen("src/main/java", "src/test/java", 1);
            let repo_path = if test_dir.is_empty() {
                name.clone()
            } else {
                format!("{test_dir}/{name}")
            };
            (name, repo_path)
        }
    };
    Placement {
        workspace_file: format!("candidates/{name}"),
        repo_path,
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An existing test of the same language to show as a style example: one named after the file if there is
/// one, else the first in path order.
pub fn example_test<'a>(
    language: Language,
    path: &str,
    test_files: &'a [(String, Language)],
) -> Option<&'a str> {
    let stem = path
        .rsplit('/')
        .next()
        .and_then(|f| f.split('.').next())
        .unwrap_or(path);
    let same: Vec<&str> = test_files
        .iter()
        .filter(|(_, lang)| lang.runner() == language.runner())
        .map(|(p, _)| p.as_str())
        .collect();
    same.iter()
        .copied()
        .find(|p| p.rsplit('/').next().is_some_and(|f| f.contains(stem)))
        .or_else(|| same.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SymbolKind;

    #[test]
    fn javascript_follows_a_repository_on_jest_and_nothing_else_does() {
        let jest = r#"{"devDependencies":{"jest":"^29.7.0"}}"#;
        let script = r#"{"scripts":{"test":"NODE_ENV=test jest --coverage"}}"#;
        let vitest = r#"{"devDependencies":{"jest":"^29","vitest":"^1"}}"#;
        assert_eq!(framework(Language::JavaScript, Some(jest)), "jest");
        assert_eq!(framework(Language::JavaScript, Some(script)), "jest");
        assert_eq!(framework(Language::JavaScript, Some(vitest)), "node:test");
        assert_eq!(
            framework(Language::JavaScript, Some("{not json")),
            "node:test"
        );
        assert_eq!(framework(Language::JavaScript, None), "node:test");
        assert_eq!(
            framework(
                Language::JavaScript,
                Some(r#"{"scripts":{"test":"jestful"}}"#)
            ),
            "node:test"
        );
        assert_eq!(framework(Language::TypeScript, Some(jest)), "node:test");
        assert_eq!(framework(Language::Python, Some(jest)), "pytest");
        assert_eq!(framework(Language::Java, None), "junit5");
    }

    #[test]
    fn the_symbols_lines() {
        let text = "a\ndef f(x):\n    return x\n\nb\n";
        let symbol = Symbol {
            name: "f".into(),
            kind: SymbolKind::Function,
            start_line: 2,
            end_line: 3,
            is_new: false,
        };
        assert_eq!(symbol_source(text, &symbol), "def f(x):\n    return x");
    }

    #[test]
    fn one_files_part_of_a_diff() {
        let diff = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n\
                    diff --git a/pkg/y.py b/pkg/y.py\n@@ -1 +1 @@\n-c\n+d\n";
        assert_eq!(
            file_diff(diff, "pkg/y.py"),
            "diff --git a/pkg/y.py b/pkg/y.py\n@@ -1 +1 @@\n-c\n+d\n"
        );
        assert!(file_diff(diff, "y.py").is_empty());
    }

    #[test]
    fn how_tests_import_the_code() {
        use Language::*;
        assert_eq!(import_target(Python, "src/pkg/calc.py", ""), "pkg.calc");
        assert_eq!(import_target(Python, "pkg/__init__.py", ""), "pkg");
        assert_eq!(import_target(Python, "calc.py", ""), "calc");
        assert_eq!(import_target(TypeScript, "src/calc.ts", ""), "./calc.ts");
        assert_eq!(
            import_target(
                Java,
                "src/main/java/org/x/Calc.java",
                "package org.x;\nclass Calc {}"
            ),
            "org.x.Calc"
        );
        assert_eq!(import_target(Java, "Calc.java", "class Calc {}"), "Calc");
    }

    #[test]
    fn where_candidates_go() {
        use Language::*;
        assert_eq!(
            placement(Python, "pkg/calc.py", "Stack.push"),
            Placement {
                workspace_file: "candidates/test_llm_calc_stack_push.py".into(),
                repo_path: "tests/ato/test_llm_calc_stack_push.py".into()
            }
        );
        assert_eq!(
            placement(JavaScript, "src/calc.mjs", "add").repo_path,
            "src/calc.add.llm.test.mjs"
        );
        assert_eq!(
            placement(Java, "src/main/java/org/x/Calc.java", "Calc.add"),
            Placement {
                workspace_file: "candidates/CalcAddLlmTest.java".into(),
                repo_path: "src/test/java/org/x/CalcAddLlmTest.java".into()
            }
        );
    }

    #[test]
    fn an_example_named_after_the_file_wins() {
        let files = vec![
            ("tests/test_other.py".to_string(), Language::Python),
            ("tests/test_calc.py".to_string(), Language::Python),
            ("web/calc.test.js".to_string(), Language::JavaScript),
        ];
        assert_eq!(
            example_test(Language::Python, "pkg/calc.py", &files),
            Some("tests/test_calc.py")
        );
        assert_eq!(
            example_test(Language::Python, "pkg/shapes.py", &files),
            Some("tests/test_other.py")
        );
        assert_eq!(example_test(Language::Java, "A.java", &files), None);
    }
}
