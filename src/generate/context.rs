//! What the model is shown about a changed symbol, and where its answer goes: pure functions over file texts.
//! What differs by language (imports, module path, framework, test file) comes from [`crate::lang`].

use crate::lang;
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

/// Where a candidate lives: its file in the runner's workspace (`candidates/…`) and in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub workspace_file: String,
    pub repo_path: String,
}

/// Where the model's test of `symbol` of the file at `path` goes: in the runner's `candidates/` folder, and
/// where its language puts tests in the repository.
pub fn placement(language: Language, path: &str, symbol: &str) -> Placement {
    let file = lang::of(language).placement(path, symbol);
    Placement {
        workspace_file: format!("candidates/{}", file.name),
        repo_path: file.repo_path,
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
    fn candidates_go_in_the_candidates_folder_and_where_their_language_puts_tests() {
        assert_eq!(
            placement(Language::Python, "pkg/calc.py", "Stack.push"),
            Placement {
                workspace_file: "candidates/test_llm_calc_stack_push.py".into(),
                repo_path: "tests/ato/test_llm_calc_stack_push.py".into()
            }
        );
        assert_eq!(
            placement(Language::Java, "src/main/java/org/x/Calc.java", "Calc.add"),
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
