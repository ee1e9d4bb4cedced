//! What ato says on GitHub about a run: the check run's conclusion, title, summary and annotations, and the PR
//! comment's body. Pure: the worker sends what this returns. GitHub's limits are applied here, so nothing
//! downstream has to think about them.

use crate::model::{RunResults, RunnerResult, Severity, TargetFile, TestStatus, Verdict};

/// GitHub's limit on a check run's `summary` and `text`.
pub const MAX_CHECK_TEXT: usize = 65_535;
/// GitHub's limit on an issue comment's body.
pub const MAX_COMMENT: usize = 65_536;
/// GitHub accepts at most this many annotations per check-run request.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;
const MAX_TITLE: usize = 255;
const MAX_ANNOTATION_MESSAGE: usize = 4_000;

/// The hidden marker by which ato finds its own comment again.
pub const COMMENT_MARKER: &str = "<!-- ato:report -->";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotationLevel {
    Notice,
    Warning,
    Failure,
}

impl AnnotationLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationLevel::Notice => "notice",
            AnnotationLevel::Warning => "warning",
            AnnotationLevel::Failure => "failure",
        }
    }
}

/// One annotation, always on a line the pull request changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub path: String,
    pub line: u32,
    pub level: AnnotationLevel,
    pub title: String,
    pub message: String,
}

/// The check run's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutput {
    pub conclusion: &'static str,
    pub title: String,
    pub summary: String,
    pub text: String,
    pub annotations: Vec<Annotation>,
}

pub fn conclusion(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Success => "success",
        Verdict::Failure => "failure",
        Verdict::Neutral => "neutral",
    }
}

/// The check run for a finished run. `report_md` is the rendered report; `warnings` are about the repository's
/// settings (unknown keys and the like) and lead the text so they are not missed.
pub fn check_output(results: &RunResults, report_md: &str, warnings: &[String]) -> CheckOutput {
    let mut text = String::new();
    for warning in warnings {
        text.push_str(&format!("> [!WARNING]\n> {}\n\n", one_line(warning)));
    }
    text.push_str(report_md);
    CheckOutput {
        conclusion: conclusion(results.verdict),
        title: truncate(&results.summary, MAX_TITLE),
        summary: truncate(&results.summary, MAX_CHECK_TEXT),
        text: truncate(&text, MAX_CHECK_TEXT),
        annotations: annotations(results),
    }
}

/// The check run when ato could not judge (a repository it cannot read, a Docker failure): neutral, with a
/// message a maintainer can act on.
pub fn check_output_for_error(message: &str) -> CheckOutput {
    CheckOutput {
        conclusion: "neutral",
        title: "ato could not test this pull request".to_string(),
        summary: truncate(message, MAX_CHECK_TEXT),
        text: String::new(),
        annotations: Vec::new(),
    }
}

/// The PR comment: the report behind the marker, within GitHub's limit.
pub fn comment_body(report_md: &str) -> String {
    let room = MAX_COMMENT - COMMENT_MARKER.len() - 1;
    format!("{COMMENT_MARKER}\n{}", truncate(report_md, room))
}

/// Annotations on changed lines only: failing tests and behaviour changes at their function, flaky tests as
/// notices, checker findings where they are.
pub fn annotations(results: &RunResults) -> Vec<Annotation> {
    let mut out = Vec::new();
    for runner in &results.runners {
        runner_annotations(runner, &mut out);
    }
    out
}

fn runner_annotations(runner: &RunnerResult, out: &mut Vec<Annotation>) {
    for test in &runner.tests {
        let level = match test.status {
            TestStatus::Failed => AnnotationLevel::Failure,
            TestStatus::Flaky => AnnotationLevel::Notice,
            TestStatus::Passed | TestStatus::Skipped => continue,
        };
        let Some((path, line)) = test
            .target
            .as_deref()
            .and_then(|t| symbol_line(&runner.targets, t))
        else {
            continue;
        };
        let what = if level == AnnotationLevel::Failure {
            "fails"
        } else {
            "is flaky"
        };
        out.push(Annotation {
            path,
            line,
            level,
            title: truncate(&format!("Generated test {what}: {}", test.id), MAX_TITLE),
            message: truncate(
                test.message.as_deref().unwrap_or("no message"),
                MAX_ANNOTATION_MESSAGE,
            ),
        });
    }
    for change in &runner.behaviour_changes {
        let target = format!("{}::{}", change.file, change.symbol);
        let Some((path, line)) = symbol_line(&runner.targets, &target) else {
            continue;
        };
        out.push(Annotation {
            path,
            line,
            level: AnnotationLevel::Warning,
            title: truncate(&format!("Behaviour changed: {}", change.symbol), MAX_TITLE),
            message: truncate(
                &format!(
                    "{}\nbase: {}\nhead: {}",
                    change.input,
                    change.base.plain(),
                    change.head.plain()
                ),
                MAX_ANNOTATION_MESSAGE,
            ),
        });
    }
    for finding in runner.findings.iter().filter(|f| f.on_changed_line) {
        out.push(Annotation {
            path: finding.path.clone(),
            line: finding.line,
            level: match finding.severity {
                Severity::High => AnnotationLevel::Failure,
                Severity::Medium | Severity::Low => AnnotationLevel::Warning,
            },
            title: truncate(&format!("{} {}", finding.tool, finding.rule), MAX_TITLE),
            message: truncate(&finding.message, MAX_ANNOTATION_MESSAGE),
        });
    }
}

/// `"path::symbol"` → the first changed line inside that symbol, so the annotation lands on the diff.
fn symbol_line(targets: &[TargetFile], target: &str) -> Option<(String, u32)> {
    let (path, name) = target.rsplit_once("::")?;
    let file = targets.iter().find(|t| t.path == path)?;
    let symbol = file.symbols.iter().find(|s| s.name == name)?;
    let line = file
        .changed_lines
        .iter()
        .copied()
        .find(|l| (symbol.start_line..=symbol.end_line).contains(l))?;
    Some((path.to_string(), line))
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// Cuts `text` to at most `max` characters (GitHub counts characters), saying so at the end.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    const NOTE: &str = "\n\n… (cut to fit GitHub's limit; the full report has everything)";
    let keep = max.saturating_sub(NOTE.chars().count());
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(NOTE);
    out
}

#[cfg(test)]
mod tests;
