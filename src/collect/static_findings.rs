//! Static checkers' own reports: bandit (`-f json`), eslint (`-f json`) and FindBugs/SpotBugs (`-xml`).
//!
//! Each finding keeps whether it sits on a line the PR changed: only those are annotated and counted in the
//! PR comment; the rest stay in the full report.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde::Deserialize;

use super::xml::{self, attribute};
use super::{cap_chars, repo_path};
use crate::model::{Finding, Severity, TargetFile};

/// The most characters of a finding's message that are kept.
pub const FINDING_MESSAGE_CAP: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum FindingsError {
    #[error("{tool} report is not valid JSON of its format: {source}")]
    Json {
        tool: &'static str,
        source: serde_json::Error,
    },
    #[error("findbugs.xml is not well-formed: {0}")]
    Xml(#[from] quick_xml::Error),
}

#[derive(Deserialize)]
struct BanditReport {
    results: Vec<BanditResult>,
}

#[derive(Deserialize)]
struct BanditResult {
    filename: String,
    line_number: u32,
    #[serde(default)]
    line_range: Vec<u32>,
    test_id: String,
    #[serde(default)]
    issue_severity: String,
    #[serde(default)]
    issue_text: String,
}

/// Reads bandit's JSON report.
pub fn parse_bandit(json: &[u8], targets: &[TargetFile]) -> Result<Vec<Finding>, FindingsError> {
    let report: BanditReport =
        serde_json::from_slice(json).map_err(|source| FindingsError::Json {
            tool: "bandit",
            source,
        })?;
    Ok(report
        .results
        .into_iter()
        .map(|r| {
            let path = repo_path(&r.filename, targets);
            let mut lines = r.line_range;
            lines.push(r.line_number);
            let severity = match r.issue_severity.to_ascii_uppercase().as_str() {
                "HIGH" => Severity::High,
                "MEDIUM" => Severity::Medium,
                _ => Severity::Low,
            };
            Finding {
                tool: "bandit".into(),
                rule: r.test_id,
                severity,
                on_changed_line: lines.iter().any(|l| is_changed(&path, *l, targets)),
                path,
                line: r.line_number,
                message: cap_chars(&r.issue_text, FINDING_MESSAGE_CAP),
            }
        })
        .collect())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EslintFile {
    file_path: String,
    #[serde(default)]
    messages: Vec<EslintMessage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EslintMessage {
    #[serde(default)]
    rule_id: Option<String>,
    #[serde(default)]
    severity: u8,
    #[serde(default)]
    message: String,
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    fatal: bool,
}

/// Reads eslint's `-f json` output. A fatal message (the file does not parse) is reported as rule
/// `parse-error`, severity high; errors are medium and warnings low.
pub fn parse_eslint(json: &[u8], targets: &[TargetFile]) -> Result<Vec<Finding>, FindingsError> {
    let files: Vec<EslintFile> =
        serde_json::from_slice(json).map_err(|source| FindingsError::Json {
            tool: "eslint",
            source,
        })?;
    let mut findings = Vec::new();
    for file in files {
        let path = repo_path(&file.file_path, targets);
        for m in file.messages {
            let line = m.line.unwrap_or(0);
            let severity = match (m.fatal, m.severity) {
                (true, _) => Severity::High,
                (false, 2) => Severity::Medium,
                _ => Severity::Low,
            };
            findings.push(Finding {
                tool: "eslint".into(),
                rule: m.rule_id.unwrap_or_else(|| "parse-error".into()),
                severity,
                path: path.clone(),
                line,
                on_changed_line: is_changed(&path, line, targets),
                message: cap_chars(&m.message, FINDING_MESSAGE_CAP),
            });
        }
    }
    Ok(findings)
}

/// A `<SourceLine>` of a bug, and how directly it belongs to it.
struct Location {
    /// 0: a direct child marked primary; 1: a direct child; 2: in the primary method; 3: in the class.
    rank: u8,
    path: String,
    line: u32,
}

#[derive(Default)]
struct Bug {
    rule: String,
    priority: u8,
    short: String,
    long: String,
    location: Option<Location>,
}

/// Reads a FindBugs or SpotBugs XML report: each `<BugInstance type= priority=>` with its messages and the
/// most specific `<SourceLine>` (its own primary line, else its method's, else its class's).
pub fn parse_findbugs(xml: &str, targets: &[TargetFile]) -> Result<Vec<Finding>, FindingsError> {
    let mut reader = Reader::from_str(xml);
    let mut findings = Vec::new();
    let mut bug: Option<Bug> = None;
    // Elements from the BugInstance down (name, marked primary), to know what a SourceLine or a text is in.
    let mut path: Vec<(String, bool)> = Vec::new();
    loop {
        let event = reader.read_event()?;
        let (e, self_closing) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if e.local_name().as_ref() == "BugInstance" {
                    if let Some(done) = bug.take() {
                        findings.push(finish_bug(done, targets));
                    }
                    path.clear();
                } else {
                    path.pop();
                }
                continue;
            }
            Event::Eof => break,
            other => {
                if let (Some(bug), [(only, _)], Some(text)) =
                    (bug.as_mut(), path.as_slice(), xml::text(&other))
                {
                    match only.as_str() {
                        "ShortMessage" => bug.short.push_str(&text),
                        "LongMessage" => bug.long.push_str(&text),
                        _ => {}
                    }
                }
                continue;
            }
        };
        let name = e.local_name().as_ref().to_string();
        if name == "BugInstance" {
            bug = Some(Bug {
                rule: attribute(&e, "type").unwrap_or_default(),
                priority: attribute(&e, "priority")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(3),
                ..Bug::default()
            });
            path.clear();
            continue;
        }
        let Some(current) = bug.as_mut() else {
            continue;
        };
        if name == "SourceLine" {
            let rank = match path.as_slice() {
                [] if is_primary(&e) => Some(0),
                [] => Some(1),
                [(parent, true)] if parent.as_str() == "Method" => Some(2),
                [(parent, _)] if parent.as_str() == "Class" => Some(3),
                _ => None,
            };
            let line = attribute(&e, "start").and_then(|s| s.parse::<u32>().ok());
            let source = attribute(&e, "sourcepath");
            if let (Some(rank), Some(line), Some(source)) = (rank, line, source)
                && current.location.as_ref().is_none_or(|l| rank < l.rank)
            {
                current.location = Some(Location {
                    rank,
                    path: source,
                    line,
                });
            }
        }
        if !self_closing {
            let primary = is_primary(&e);
            path.push((name, primary));
        }
    }
    Ok(findings)
}

fn finish_bug(bug: Bug, targets: &[TargetFile]) -> Finding {
    let (path, line) = bug
        .location
        .map(|l| (repo_path(&l.path, targets), l.line))
        .unwrap_or_default();
    let message = if !bug.long.trim().is_empty() {
        bug.long.trim()
    } else if !bug.short.trim().is_empty() {
        bug.short.trim()
    } else {
        bug.rule.as_str()
    };
    Finding {
        tool: "findbugs".into(),
        severity: match bug.priority {
            1 => Severity::High,
            2 => Severity::Medium,
            _ => Severity::Low,
        },
        message: cap_chars(message, FINDING_MESSAGE_CAP),
        rule: bug.rule,
        on_changed_line: is_changed(&path, line, targets),
        path,
        line,
    }
}

fn is_primary(e: &BytesStart<'_>) -> bool {
    attribute(e, "primary").as_deref() == Some("true")
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
        vec![
            TargetFile {
                path: "pkg/calc.py".into(),
                language: Language::Python,
                changed_lines: vec![18],
                symbols: vec![],
            },
            TargetFile {
                path: "src/main/java/com/ex/A.java".into(),
                language: Language::Java,
                changed_lines: vec![11, 12],
                symbols: vec![],
            },
        ]
    }

    #[test]
    fn bandit_results_become_findings() {
        let json = br#"{"errors":[],"results":[
            {"filename":"./pkg/calc.py","line_number":18,"line_range":[18],"test_id":"B602","test_name":"x",
             "issue_severity":"HIGH","issue_confidence":"HIGH","issue_text":"shell=True"},
            {"filename":"./pkg/calc.py","line_number":2,"test_id":"B404","issue_severity":"LOW","issue_text":"subprocess"}]}"#;
        let findings = parse_bandit(json, &targets()).unwrap();
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].path, "pkg/calc.py");
        assert_eq!(findings[0].severity, Severity::High);
        assert!(findings[0].on_changed_line);
        assert!(!findings[1].on_changed_line);
        assert!(parse_bandit(b"[]", &targets()).is_err());
    }

    #[test]
    fn eslint_messages_become_findings() {
        let json = br#"[{"filePath":"/work/head/pkg/calc.py","messages":[
            {"ruleId":"eqeqeq","severity":1,"message":"use ===","line":18},
            {"ruleId":null,"fatal":true,"severity":2,"message":"Parsing error","line":3}]}]"#;
        let findings = parse_eslint(json, &targets()).unwrap();
        assert_eq!(findings[0].rule, "eqeqeq");
        assert_eq!(findings[0].severity, Severity::Low);
        assert!(findings[0].on_changed_line);
        assert_eq!(findings[1].rule, "parse-error");
        assert_eq!(findings[1].severity, Severity::High);
    }

    #[test]
    fn findbugs_prefers_the_bugs_own_primary_line() {
        let xml = r#"<BugCollection><BugInstance type="DM_X" priority="2">
            <ShortMessage>short</ShortMessage><LongMessage>long &amp; detailed</LongMessage>
            <Class classname="com.ex.A" primary="true"><SourceLine start="1" end="30" sourcepath="com/ex/A.java"/></Class>
            <Method primary="true"><SourceLine start="10" end="13" sourcepath="com/ex/A.java"/></Method>
            <SourceLine primary="true" start="12" end="12" sourcepath="com/ex/A.java"><Message>At A.java</Message></SourceLine>
            </BugInstance>
            <BugInstance type="CLASS_ONLY" priority="3"><Class><SourceLine start="2" sourcepath="com/ex/A.java"/></Class></BugInstance>
            </BugCollection>"#;
        let findings = parse_findbugs(xml, &targets()).unwrap();
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].path, "src/main/java/com/ex/A.java");
        assert_eq!(findings[0].line, 12);
        assert_eq!(findings[0].message, "long & detailed");
        assert_eq!(findings[0].severity, Severity::Medium);
        assert!(findings[0].on_changed_line);
        assert_eq!((findings[1].line, findings[1].severity), (2, Severity::Low));
        assert_eq!(findings[1].message, "CLASS_ONLY");
        assert!(
            parse_findbugs("<BugCollection><BugInstance></BugCollection>", &targets()).is_err()
        );
    }
}
