//! The test code in a model's answer (pure).
//!
//! Models wrap code in prose and Markdown fences, sometimes in several blocks (the test, then a `bash` line to
//! run it), sometimes in none, and sometimes stop before closing the fence. [`extract_code`] takes what can be
//! run and nothing else.

use crate::lang;
use crate::model::Language;

/// The test code in `answer`, or `None` when there is none.
///
/// With fenced blocks (``` or ~~~, any info string): the blocks tagged with `language` (one of its tags, or a
/// file name with its extension: [`crate::lang::Fences`]) or untagged, joined by a blank line; blocks tagged
/// with another language (`bash`, `text`, `json`…) are dropped. An unclosed fence runs to the end of the answer. With no fence: the
/// text from its first line that looks like code, with the prose after the code cut.
pub fn extract_code(answer: &str, language: Language) -> Option<String> {
    let blocks = fenced_blocks(answer);
    let fences = lang::of(language).fences();
    let code = if blocks.is_empty() {
        unfenced_code(answer)?
    } else {
        blocks
            .iter()
            .filter(|b| b.info.is_empty() || fences.accepts(&b.info))
            .map(|b| b.code.trim_end().trim_start_matches('\n'))
            .filter(|code| !code.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    (!code.trim().is_empty()).then(|| format!("{}\n", code.trim_end()))
}

/// One fenced block: its info string's first word, lower-cased, and its content.
#[derive(Debug)]
struct Block {
    info: String,
    code: String,
}

/// An opening fence: the fence's indentation, character and length, and the info string.
fn opening_fence(line: &str) -> Option<(usize, char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let fence_char = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = rest.len() - rest.trim_start_matches(fence_char).len();
    let info = rest[length..].trim();
    // A backtick fence's info string cannot hold a backtick (that is inline code).
    (length >= 3 && !(fence_char == '`' && info.contains('`')))
        .then_some((indent, fence_char, length, info))
}

fn is_closing_fence(line: &str, fence_char: char, length: usize) -> bool {
    let rest = line.trim_start_matches(' ');
    let run = rest.len() - rest.trim_start_matches(fence_char).len();
    run >= length && rest[run..].trim().is_empty()
}

fn fenced_blocks(answer: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = answer.lines();
    while let Some(line) = lines.next() {
        let Some((indent, fence_char, length, info)) = opening_fence(line) else {
            continue;
        };
        let mut code = String::new();
        for line in lines.by_ref() {
            if is_closing_fence(line, fence_char, length) {
                break;
            }
            // Content is indented as much as its fence (a block inside a list item).
            let strip = line.len() - line.trim_start_matches(' ').len();
            code.push_str(&line[strip.min(indent)..]);
            code.push('\n');
        }
        let info = info
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_start_matches(['{', '.'])
            .trim_end_matches('}')
            .to_lowercase();
        blocks.push(Block { info, code });
    }
    blocks
}

/// Code without fences: from the first line that starts like code to the last line before prose resumes.
fn unfenced_code(answer: &str) -> Option<String> {
    let lines: Vec<&str> = answer.lines().collect();
    let start = lines.iter().position(|line| starts_like_code(line))?;
    let end = lines[start + 1..]
        .iter()
        .position(|line| is_prose(line))
        .map_or(lines.len(), |i| start + 1 + i);
    Some(lines[start..end].join("\n"))
}

/// A line that begins a source file or a test in one of the languages.
fn starts_like_code(line: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "import ",
        "import{",
        "from ",
        "def ",
        "async def ",
        "class ",
        "const ",
        "let ",
        "var ",
        "function ",
        "function(",
        "async function",
        "describe(",
        "test(",
        "it(",
        "package ",
        "public ",
        "#!",
        "\"use strict\"",
        "'use strict'",
        "export ",
        "module.exports",
        "require(",
        "// ",
        "/*",
        "@",
    ];
    let trimmed = line.trim_start();
    let Some(prefix) = PREFIXES.iter().find(|p| trimmed.starts_with(**p)) else {
        return false;
    };
    match *prefix {
        // "from the code above…" is prose; Python's `from x import y` is not.
        "from " => trimmed.contains(" import "),
        // A decorator or annotation, not an e-mail address or a mention.
        "@" => {
            trimmed[1..].starts_with(|c: char| c.is_ascii_alphabetic()) && !trimmed.contains(' ')
        }
        _ => true,
    }
}

/// A line of prose after code: unindented, a capitalised word then at least three more, and no code punctuation
/// at its end. Python's top-level lines start lower-case (`def`, `assert`) or with a constant (`MAX = 3`).
fn is_prose(line: &str) -> bool {
    if line.starts_with([' ', '\t']) {
        return false;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    let capitalised = first.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && first
            .chars()
            .skip(1)
            .all(|c| c.is_ascii_lowercase() || c == '\'' || c == ',' || c == ':');
    capitalised
        && first.len() > 1
        && words.len() >= 4
        && !line
            .trim_end()
            .ends_with(['{', '(', '[', ',', ';', '=', '\\'])
        && !line.contains(" = ")
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const PY: Language = Language::Python;

    #[test]
    fn prose_around_one_block() {
        let answer = "Here is a pytest module for `add`:\n\n```python\nfrom calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n```\n\nThe test checks a simple sum.";
        assert_eq!(
            extract_code(answer, PY).unwrap(),
            "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
        );
    }

    #[test]
    fn two_blocks_of_the_language_are_joined_and_a_bash_block_dropped() {
        let answer = "First the imports:\n\n```py\nimport pytest\nfrom calc import add\n```\n\nThen the tests:\n\n```python\ndef test_add():\n    assert add(2, 2) == 4\n```\n\nRun them with:\n\n```bash\npytest -q\n```\n";
        assert_eq!(
            extract_code(answer, PY).unwrap(),
            "import pytest\nfrom calc import add\n\ndef test_add():\n    assert add(2, 2) == 4\n"
        );
    }

    #[test]
    fn untagged_blocks_count_and_other_tags_do_not() {
        let answer =
            "```\nimport calc\n```\n```json\n{\"a\": 1}\n```\n~~~text\nOutput: 1 passed\n~~~";
        assert_eq!(extract_code(answer, PY).unwrap(), "import calc\n");
        // Only foreign blocks: no code for this language.
        assert_eq!(
            extract_code("```bash\nnpm test\n```", Language::JavaScript),
            None
        );
    }

    #[test]
    fn file_name_tags_and_tilde_fences() {
        let answer = "~~~~ tests/test_calc.py\nfrom calc import add\n~~~~\n";
        assert_eq!(extract_code(answer, PY).unwrap(), "from calc import add\n");
        let answer = "```{.java}\nclass CalcTest {}\n```";
        assert_eq!(
            extract_code(answer, Language::Java).unwrap(),
            "class CalcTest {}\n"
        );
    }

    #[test]
    fn javascript_answer_for_typescript_and_not_the_other_way() {
        let answer = "```js\nimport { add } from './calc.js';\n```";
        assert!(extract_code(answer, Language::TypeScript).is_some());
        let answer = "```ts\nimport { add } from './calc';\n```";
        assert_eq!(extract_code(answer, Language::JavaScript), None);
    }

    #[test]
    fn a_fence_inside_a_list_item_is_unindented() {
        let answer = "1. Save this as `test_calc.py`:\n\n   ```python\n   def test_x():\n       assert True\n   ```\n";
        assert_eq!(
            extract_code(answer, PY).unwrap(),
            "def test_x():\n    assert True\n"
        );
    }

    #[test]
    fn a_longer_fence_holds_a_shorter_one() {
        let answer = "````python\ndef test_doc():\n    s = \"```\"\n    assert s\n````\n";
        assert_eq!(
            extract_code(answer, PY).unwrap(),
            "def test_doc():\n    s = \"```\"\n    assert s\n"
        );
    }

    #[test]
    fn an_unclosed_fence_runs_to_the_end() {
        let answer = "Sure!\n```java\nimport org.junit.jupiter.api.Test;\n\nclass CalcTest {\n    @Test\n    void adds() {}\n}\n";
        assert_eq!(
            extract_code(answer, Language::Java).unwrap(),
            "import org.junit.jupiter.api.Test;\n\nclass CalcTest {\n    @Test\n    void adds() {}\n}\n"
        );
    }

    #[test]
    fn no_fence_code_starts_at_the_first_code_line_and_prose_is_cut() {
        let answer = "Here is the test you asked for.\n\nimport { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './calc.js';\n\ntest('adds', () => {\n  assert.equal(add(1, 2), 3);\n});\n\nThis test covers the basic case of the add function.\nLet me know if you need more.";
        assert_eq!(
            extract_code(answer, Language::JavaScript).unwrap(),
            "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './calc.js';\n\ntest('adds', () => {\n  assert.equal(add(1, 2), 3);\n});\n"
        );
    }

    #[test]
    fn no_fence_python_keeps_constants_and_decorators() {
        let answer = "The module:\n\n@pytest.fixture\ndef calc():\n    return Calc()\n\nLIMIT = 3\n\ndef test_limit(calc):\n    assert calc.limit == LIMIT\n";
        assert_eq!(
            extract_code(answer, PY).unwrap(),
            "@pytest.fixture\ndef calc():\n    return Calc()\n\nLIMIT = 3\n\ndef test_limit(calc):\n    assert calc.limit == LIMIT\n"
        );
        // "from" that begins a sentence is prose.
        assert_eq!(
            extract_code("From what I see, this function cannot be tested.", PY),
            None
        );
    }

    #[test]
    fn nothing_to_take() {
        assert_eq!(extract_code("", PY), None);
        assert_eq!(extract_code("   \n\n", PY), None);
        assert_eq!(
            extract_code("I cannot write a test for this function.", PY),
            None
        );
        assert_eq!(extract_code("```python\n\n```", PY), None);
        // `inline code` is no fence.
        assert_eq!(extract_code("Use ```add``` carefully.", PY), None);
    }
}
