//! `manifest.json`: what the runner generated, per test, and what it saw (runners/PROTOCOL.md).
//!
//! The runner is hostile territory, so everything here is validated before it is trusted: the paths it names
//! end up in a patch a reviewer may apply, so they must be plain relative paths.

use serde::Deserialize;

use super::PROTOCOL_VERSION;
use crate::model::{BehaviourChange, Problem, TestKind};

/// `manifest.json`, as far as ato reads it. Unknown fields are ignored so runners can add facts freely.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Manifest {
    pub protocol: u32,
    #[serde(default)]
    pub generated: Vec<GeneratedEntry>,
    #[serde(default)]
    pub tests: Vec<TestEntry>,
    #[serde(default)]
    pub behaviour_changes: Vec<BehaviourChange>,
    #[serde(default)]
    pub problems: Vec<Problem>,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A generated test file: where it is in the output folder and where the patch would put it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GeneratedEntry {
    pub file: String,
    pub repo_path: String,
}

/// What the runner knows about one test case, joined to the JUnit `<testcase>` by `id`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TestEntry {
    pub id: String,
    pub file: String,
    pub kind: TestKind,
    #[serde(default)]
    pub target: Option<String>,
    /// The test run once more on the base tree after failing on every run.
    #[serde(default)]
    pub on_base: Option<BaseOutcome>,
    /// Why the test could not run because of itself (ato's fault), when it failed on every run.
    #[serde(default)]
    pub ato_fault: Option<String>,
}

/// How a test that failed on every run did on the base tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseOutcome {
    Passed,
    Failed,
}

/// Why a manifest could not be used; the caller reports the runner as crashed.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("manifest.json is not valid JSON for protocol {PROTOCOL_VERSION}: {0}")]
    Json(#[from] serde_json::Error),
    #[error("manifest.json speaks runner protocol {found}, ato speaks {PROTOCOL_VERSION}")]
    Protocol { found: u32 },
}

/// Parses `manifest.json`.
pub fn parse(bytes: &[u8]) -> Result<Manifest, ManifestError> {
    let manifest: Manifest = serde_json::from_slice(bytes)?;
    if manifest.protocol != PROTOCOL_VERSION {
        return Err(ManifestError::Protocol {
            found: manifest.protocol,
        });
    }
    Ok(manifest)
}

/// Whether `path` is a plain relative path that is safe to write into a patch or join to a folder: no
/// absolute path, no `..`, no `.git`, no backslash, quote or control character, not empty.
pub fn is_safe_relative_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 1024
        && !path.starts_with('/')
        && !path
            .chars()
            .any(|c| c.is_control() || c == '\\' || c == '"')
        && path.split('/').all(|part| {
            !part.is_empty() && part != "." && part != ".." && !part.eq_ignore_ascii_case(".git")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Observation, ProblemKind};

    const EXAMPLE: &str = r#"{
      "protocol": 2,
      "tools": { "python": "3.13.5" },
      "generated": [ { "file": "tests/test_ato_calc.py", "repo_path": "tests/ato/test_ato_calc.py" } ],
      "tests": [ { "id": "test_ato_calc::test_add_doctest", "file": "tests/test_ato_calc.py",
                   "kind": "doctest", "target": "pkg/calc.py::add", "something_new": 1 } ],
      "behaviour_changes": [ { "file": "pkg/calc.py", "symbol": "add", "input": "add(1, -2)",
          "base": { "kind": "returned", "value": "-1" },
          "head": { "kind": "raised", "error": "ValueError", "message": "negative" } } ],
      "problems": [ { "path": "pkg/bad.py", "line": 3, "kind": "syntax_error", "message": "invalid syntax" } ],
      "notes": [ "a note" ],
      "future_field": { "anything": true }
    }"#;

    #[test]
    fn parses_the_protocol_example_and_ignores_unknown_fields() {
        let m = parse(EXAMPLE.as_bytes()).unwrap();
        assert_eq!(m.generated[0].repo_path, "tests/ato/test_ato_calc.py");
        assert_eq!(m.tests[0].kind, TestKind::Doctest);
        assert_eq!(m.tests[0].target.as_deref(), Some("pkg/calc.py::add"));
        assert_eq!(
            m.behaviour_changes[0].head,
            Observation::Raised {
                error: "ValueError".into(),
                message: "negative".into()
            }
        );
        assert_eq!(m.problems[0].kind, ProblemKind::SyntaxError);
        assert_eq!(m.notes, vec!["a note".to_string()]);
    }

    #[test]
    fn only_protocol_is_required() {
        let m = parse(br#"{"protocol": 2}"#).unwrap();
        assert!(m.tests.is_empty() && m.generated.is_empty() && m.notes.is_empty());
    }

    #[test]
    fn refuses_bad_json_unknown_kinds_and_other_protocols() {
        assert!(matches!(parse(b"{not json"), Err(ManifestError::Json(_))));
        assert!(matches!(parse(b""), Err(ManifestError::Json(_))));
        let bad_kind = r#"{"protocol":2,"tests":[{"id":"a","file":"f","kind":"magic"}]}"#;
        assert!(matches!(
            parse(bad_kind.as_bytes()),
            Err(ManifestError::Json(_))
        ));
        let err = parse(br#"{"protocol": 1}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("speaks runner protocol 1, ato speaks 2"),
            "{err}"
        );
    }

    #[test]
    fn safe_paths_are_plain_relative_paths() {
        for good in [
            "tests/ato/test_x.py",
            "a",
            "src/test/java/com/x/ATest.java",
            "dir with space/é.py",
        ] {
            assert!(is_safe_relative_path(good), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            ".git/hooks/pre-commit",
            "a/.GIT/config",
            "a\\b",
            "a\nb",
            "a\"b",
            "a/",
            "x\u{7f}",
        ] {
            assert!(!is_safe_relative_path(bad), "{bad:?}");
        }
    }
}
