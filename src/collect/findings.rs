//! `findings.json`: ato's own findings file, which every runner writes whatever checker ran (bandit, eslint,
//! FindBugs or SpotBugs; runners/PROTOCOL.md).
//!
//! Each finding keeps whether it sits on a line the PR changed: only those are annotated and counted in the
//! PR comment; the rest stay in the full report.

use serde::Deserialize;

use super::{PROTOCOL_VERSION, cap_chars};
use crate::model::{Finding, Severity, TargetFile};

/// The most characters of a finding's message that are kept.
pub const FINDING_MESSAGE_CAP: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum FindingsError {
    #[error("findings.json is not ato's findings file: {0}")]
    Json(#[from] serde_json::Error),
    #[error("findings.json speaks runner protocol {found}, ato speaks {PROTOCOL_VERSION}")]
    Protocol { found: u32 },
}

/// `findings.json`, as far as ato reads it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FindingsFile {
    pub protocol: u32,
    pub findings: Vec<RawFinding>,
}

/// A finding as the runner wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RawFinding {
    pub tool: String,
    pub rule: String,
    pub severity: Severity,
    /// Relative to the repository root.
    pub path: String,
    pub line: u32,
    /// Every line the finding spans; `line` alone when absent.
    #[serde(default)]
    pub lines: Vec<u32>,
    #[serde(default)]
    pub message: String,
}

/// Parses `findings.json`.
pub fn parse(json: &[u8]) -> Result<FindingsFile, FindingsError> {
    let file: FindingsFile = serde_json::from_slice(json)?;
    if file.protocol != PROTOCOL_VERSION {
        return Err(FindingsError::Protocol {
            found: file.protocol,
        });
    }
    Ok(file)
}

/// The findings for the results: on a changed line when any line it spans was changed, messages capped.
pub fn findings(file: FindingsFile, targets: &[TargetFile]) -> Vec<Finding> {
    file.findings
        .into_iter()
        .map(|raw| {
            let on_changed_line = std::iter::once(raw.line)
                .chain(raw.lines.iter().copied())
                .any(|line| is_changed(&raw.path, line, targets));
            Finding {
                tool: raw.tool,
                rule: raw.rule,
                severity: raw.severity,
                on_changed_line,
                path: raw.path,
                line: raw.line,
                message: cap_chars(&raw.message, FINDING_MESSAGE_CAP),
            }
        })
        .collect()
}

fn is_changed(path: &str, line: u32, targets: &[TargetFile]) -> bool {
    targets
        .iter()
        .any(|t| t.path == path && t.changed_lines.binary_search(&line).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Language;

    fn targets() -> Vec<TargetFile> {
        vec![TargetFile {
            path: "pkg/calc.py".into(),
            language: Language::Python,
            changed_lines: vec![18],
            symbols: vec![],
        }]
    }

    #[test]
    fn a_finding_is_on_a_changed_line_when_any_line_it_spans_changed() {
        let json = br#"{"protocol":2,"findings":[
            {"tool":"bandit","rule":"B602","severity":"high","path":"pkg/calc.py","line":17,"lines":[17,18],
             "message":"shell=True"},
            {"tool":"bandit","rule":"B404","severity":"low","path":"pkg/calc.py","line":2,"lines":[2],
             "message":"subprocess"},
            {"tool":"eslint","rule":"eqeqeq","severity":"medium","path":"src/a.js","line":18}]}"#;
        let found = findings(parse(json).unwrap(), &targets());
        let summary: Vec<_> = found
            .iter()
            .map(|f| (f.rule.as_str(), f.severity, f.on_changed_line))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("B602", Severity::High, true),
                ("B404", Severity::Low, false),
                ("eqeqeq", Severity::Medium, false)
            ]
        );
        assert_eq!(found[0].line, 17);
    }

    #[test]
    fn messages_are_capped() {
        let long = "x".repeat(5000);
        let json = format!(
            r#"{{"protocol":2,"findings":[{{"tool":"t","rule":"r","severity":"low","path":"a","line":1,
            "lines":[1],"message":"{long}"}}]}}"#
        );
        let found = findings(parse(json.as_bytes()).unwrap(), &targets());
        assert!(found[0].message.ends_with("… (cut)"));
        assert_eq!(
            found[0].message.chars().count(),
            FINDING_MESSAGE_CAP + "… (cut)".chars().count()
        );
    }

    #[test]
    fn other_json_is_refused() {
        assert!(parse(b"[]").is_err());
        let other = parse(br#"{"protocol":3,"findings":[]}"#).unwrap_err();
        assert!(
            other.to_string().contains("protocol 3, ato speaks 2"),
            "{other}"
        );
        assert!(
            parse(br#"{"protocol":2,"findings":[{"tool":"bandit","severity":"HIGH"}]}"#).is_err()
        );
    }
}
