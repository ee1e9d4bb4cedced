//! The messages that ask a model for a test, and for a repair (pure).
//!
//! Everything taken from the repository — path, names, source, diff, imports, the example test, an error
//! output — goes through [`redact`] first, and then is cut to a size so one huge function cannot blow the
//! context window. (Redacting before cutting matters: a cut could split a token so that its shape is no longer
//! recognised.) The wording is versioned by [`PROMPT_VERSION`] because cached answers depend on it.

use super::client::Message;
use super::redact::redact;
use super::text;
use crate::lang::{self, Framework};
use crate::model::Language;

/// Bump on any change to the messages: cached answers are keyed by it.
pub const PROMPT_VERSION: u32 = 1;

/// Characters kept of each part of a prompt.
const SOURCE_CHARS: usize = 12_000;
const DIFF_CHARS: usize = 8_000;
const IMPORTS_CHARS: usize = 3_000;
const EXAMPLE_CHARS: usize = 3_000;
const ERROR_CHARS: usize = 4_000;
const PREVIOUS_CODE_CHARS: usize = 16_000;
/// Names (path, symbol, module) are short; a long one is not a name.
const NAME_CHARS: usize = 300;
/// How much more than a part's size is redacted before the part is cut to size.
const PRE_CUT_FACTOR: usize = 4;

/// What the model is told about one symbol to test.
#[derive(Debug, Clone, Copy)]
pub struct PromptInput<'a> {
    pub language: Language,
    /// The file in the repository.
    pub path: &'a str,
    /// `add`, `Stack.push`, `Calc.add` (a Java method).
    pub symbol: &'a str,
    /// The symbol's source on the head side.
    pub source: &'a str,
    /// The unified diff hunks of this file.
    pub diff: &'a str,
    /// The file's import lines.
    pub imports: &'a str,
    pub framework: Framework,
    /// How a test imports the code: a Python module path (`pkg.calc`), a JS relative specifier, a Java class.
    pub module: &'a str,
    /// An existing test of the repository, `(path, text)`, as an example of its style.
    pub example: Option<(&'a str, &'a str)>,
}

/// The system and user messages asking for a test of `input.symbol`, and the number of secrets redacted.
pub fn messages(input: &PromptInput) -> (Vec<Message>, usize) {
    let mut parts = Parts::default();
    let tag = lang::of(input.language).fences().tag;
    let path = parts.take(input.path, NAME_CHARS);
    let symbol = parts.take(input.symbol, NAME_CHARS);
    let module = parts.take(input.module, NAME_CHARS);
    let framework = input.framework.name();
    let imports = parts.take(input.imports, IMPORTS_CHARS);
    let source = parts.take(input.source, SOURCE_CHARS);
    let diff = parts.take(input.diff, DIFF_CHARS);

    let mut user = format!(
        "File: {path}\nImport the code under test from: {module}\nSymbol to test: {symbol}\nTest framework: {framework}\n"
    );
    if !imports.trim().is_empty() {
        user.push_str(&format!("\nThe file's imports:\n{}", fenced(tag, &imports)));
    }
    user.push_str(&format!(
        "\nThe source of `{symbol}`:\n{}",
        fenced(tag, &source)
    ));
    if !diff.trim().is_empty() {
        user.push_str(&format!(
            "\nWhat this pull request changed in the file (unified diff):\n{}",
            fenced("diff", &diff)
        ));
    }
    if let Some((example_path, example)) = input.example {
        let example_path = parts.take(example_path, NAME_CHARS);
        let example = parts.take(example, EXAMPLE_CHARS);
        user.push_str(&format!(
            "\nAn existing test of this repository ({example_path}); follow its style where it fits:\n{}",
            fenced(tag, &example)
        ));
    }
    user.push_str(&format!(
        "\nWrite the {framework} test module for `{symbol}` now, as one fenced ```{tag} code block."
    ));

    let system = system_message(input.language, input.framework, &module);
    (
        vec![Message::system(system), Message::user(user)],
        parts.redacted,
    )
}

/// The conversation asking to correct a test: the first question, the model's previous code as its answer,
/// and the error it gave. Returns the messages and the number of secrets redacted from the new parts.
pub fn repair_messages(
    first: &[Message],
    previous_code: &str,
    error: &str,
) -> (Vec<Message>, usize) {
    let mut parts = Parts::default();
    let previous = parts.take(previous_code, PREVIOUS_CODE_CHARS);
    let error = redact(error);
    parts.redacted += error.count;
    let error = text::head_and_tail(&error.text, ERROR_CHARS);

    let mut messages = first.to_vec();
    messages.push(Message::assistant(fenced("", &previous)));
    messages.push(Message::user(format!(
        "This test module fails:\n{}\nWrite the whole corrected test module. Fix the test, not the code under \
         test: use the imports and names the source shows, and where an assertion expected something the code \
         clearly does not do, correct it or leave it out. Answer with one fenced code block.",
        fenced("", &error)
    )));
    (messages, parts.redacted)
}

/// Redacts, then cuts, each part, counting the secrets.
#[derive(Default)]
struct Parts {
    redacted: usize,
}

impl Parts {
    fn take(&mut self, text: &str, max_chars: usize) -> String {
        // Redacting a huge text only to keep its start is slow; a generous prefix without a cut word is enough
        // (redaction shrinks a text by far less than the margin).
        let clean = redact(text::prefix_without_partial_word(
            text,
            max_chars * PRE_CUT_FACTOR,
        ));
        self.redacted += clean.count;
        text::head(&clean.text, max_chars)
    }
}

/// The rules of a good test, and the framework's own hint.
fn system_message(language: Language, framework: Framework, module: &str) -> String {
    let hint = framework.hint(module);
    format!(
        "You write unit tests for {language} code that a pull request changed.\n\
         Write ONE self-contained {framework} test module for the symbol you are given.\n\
         - Test only its public behaviour, through the code's public interface.\n\
         - Keep the tests deterministic: no network, no clock or current date, no randomness without a fixed \
         seed, no dependence on test order, no files outside a temporary directory.\n\
         - Do not mock or patch the code under test; only its own collaborators, when it cannot run without them.\n\
         - Use only the standard library, the test framework and the code under test.\n\
         - Assert what the code is meant to do, as its source, the change and the names show: normal cases, \
         edge cases and errors.\n\
         - {hint}\n\
         Answer with one fenced code block that holds the whole test module.",
        language = language.name(),
        framework = framework.name(),
    )
}

/// `text` in a fence longer than any run of backticks inside it, so the text cannot close it early.
fn fenced(tag: &str, text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    format!("{fence}{tag}\n{}\n{fence}\n", text.trim_end_matches('\n'))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn input<'a>(source: &'a str, example: Option<(&'a str, &'a str)>) -> PromptInput<'a> {
        PromptInput {
            language: Language::Python,
            path: "pkg/calc.py",
            symbol: "add",
            source,
            diff: "@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n",
            imports: "import math",
            framework: Framework::Pytest,
            module: "pkg.calc",
            example,
        }
    }

    #[test]
    fn the_question_carries_every_part() {
        let (messages, redacted) = messages(&input(
            "def add(a, b):\n    return a + b",
            Some(("tests/test_util.py", "def test_util():\n    assert True")),
        ));
        assert_eq!(redacted, 0);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].role, "system");
        assert_eq!(messages[1].role, "user");
        let system = &messages[0].content;
        for rule in [
            "ONE self-contained pytest test module",
            "deterministic",
            "no network",
            "Do not mock",
            "one fenced code block",
            "`pkg.calc`",
        ] {
            assert!(system.contains(rule), "system lacks {rule:?}:\n{system}");
        }
        let user = &messages[1].content;
        for part in [
            "File: pkg/calc.py",
            "from: pkg.calc",
            "Symbol to test: add",
            "Test framework: pytest",
            "```python\nimport math\n```",
            "```python\ndef add(a, b):\n    return a + b\n```",
            "```diff\n@@ -1,2 +1,2 @@",
            "+    return a + b\n```",
            "(tests/test_util.py)",
            "def test_util():",
        ] {
            assert!(user.contains(part), "user message lacks {part:?}:\n{user}");
        }
    }

    #[test]
    fn secrets_are_redacted_from_every_part_and_counted() {
        let token = format!("ghp_{}", "Z9y8X7w6V5".repeat(4));
        let source = format!("def connect():\n    return Client(token=\"{token}\")");
        let example = format!("API_KEY = 'abc'\n# {token}\ndef test_x():\n    pass");
        let mut question = input(&source, Some(("tests/test_x.py", &example)));
        let diff = format!("+password = \"hunter2\"\n+# {token}");
        question.diff = &diff;
        let (messages, redacted) = messages(&question);
        // Source: 1 token. Diff: password + token. Example: API_KEY + token.
        assert_eq!(redacted, 5);
        let all = serde_json::to_string(&messages).unwrap();
        assert!(
            !all.contains(&token) && !all.contains("hunter2") && !all.contains("'abc'"),
            "{all}"
        );
        assert!(all.contains("Client(token=\\\"«redacted»\\\")"), "{all}");
    }

    #[test]
    fn the_example_is_cut_short() {
        let long = "def test_many():\n    assert 1\n".repeat(500);
        let (messages, _) = messages(&input(
            "def add(a, b): ...",
            Some(("tests/test_big.py", &long)),
        ));
        let user = &messages[1].content;
        assert!(user.len() < EXAMPLE_CHARS + 2_000, "{}", user.len());
        assert!(user.contains("…(cut)…"));
    }

    #[test]
    fn a_huge_source_is_redacted_within_its_start_only() {
        let token = format!("ghp_{}", "Q1w2E3r4T5".repeat(4));
        // A token right where the pre-cut falls is dropped whole, not half-sent.
        let filler = "x".repeat(SOURCE_CHARS * PRE_CUT_FACTOR - 10);
        let source = format!("{filler} {token} and more {token}");
        let (messages, redacted) = messages(&input(&source, None));
        assert_eq!(redacted, 0);
        assert!(!messages[1].content.contains("ghp_"));
        assert!(messages[1].content.contains("…(cut)…"));
    }

    #[test]
    fn backticks_in_the_source_cannot_close_the_fence() {
        let source = "def doc():\n    \"\"\"Use ```x``` here.\"\"\"";
        let (messages, _) = messages(&input(source, None));
        assert!(
            messages[1].content.contains("````python\ndef doc():"),
            "{}",
            messages[1].content
        );
    }

    #[test]
    fn java_and_node_hints_follow_the_framework() {
        let mut java = input("public int add(int a, int b) { return a + b; }", None);
        java.language = Language::Java;
        java.framework = Framework::Junit5;
        java.module = "com.example.Calc";
        let (java_messages, _) = messages(&java);
        assert!(
            java_messages[0]
                .content
                .contains("JUnit 5 test class in package com.example")
        );
        assert!(
            java_messages[0]
                .content
                .contains("Do not declare the test class public")
        );
        assert!(java_messages[1].content.contains("```java\n"));

        let mut node = input("export function add(a, b) { return a + b; }", None);
        node.language = Language::JavaScript;
        node.framework = Framework::NodeTest;
        node.module = "./calc.js";
        let (messages, _) = messages(&node);
        assert!(
            messages[0].content.contains("'node:test'")
                && messages[0].content.contains("'./calc.js'")
        );
    }

    #[test]
    fn a_repair_continues_the_conversation() {
        let (first, _) = messages(&input("def add(a, b):\n    return a + b", None));
        let error = format!(
            "E   AssertionError: assert 3 == 4\nE   password = \"hunter2\"\n{}\nFAILED test_add",
            "noise\n".repeat(2000)
        );
        let (repair, redacted) = repair_messages(
            &first,
            "def test_add():\n    assert add(1, 2) == 4\n",
            &error,
        );
        assert_eq!(redacted, 1);
        assert_eq!(repair.len(), 4);
        assert_eq!(repair[..2], first[..]);
        assert_eq!(repair[2].role, "assistant");
        assert!(repair[2].content.contains("assert add(1, 2) == 4"));
        let ask = &repair[3].content;
        assert_eq!(repair[3].role, "user");
        assert!(
            ask.contains("AssertionError: assert 3 == 4") && ask.contains("FAILED test_add"),
            "{ask}"
        );
        assert!(!ask.contains("hunter2"));
        assert!(ask.len() < ERROR_CHARS + 1_000, "{}", ask.len());
        assert!(ask.contains("whole corrected test module"));
    }
}
