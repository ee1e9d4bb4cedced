//! What ato says on GitHub about a run: the check run's conclusion, output and annotations. Pure: the worker
//! sends what this returns, and the GitHub client applies GitHub's size limits.

use crate::github::{Annotation, AnnotationLevel, CheckRunOutput, Conclusion};
use crate::model::{
    BehaviourChange, RunResults, RunnerResult, Severity, TargetFile, TestStatus, Verdict,
};
use crate::report::blame;

pub fn conclusion(verdict: Verdict) -> Conclusion {
    match verdict {
        Verdict::Success => Conclusion::Success,
        Verdict::Failure => Conclusion::Failure,
        Verdict::Neutral => Conclusion::Neutral,
    }
}

/// The check run's output for a finished run. `report_md` is the rendered report; `warnings` are about the
/// repository's settings (unknown keys and the like) and lead the text so they are not missed.
pub fn check_output(results: &RunResults, report_md: &str, warnings: &[String]) -> CheckRunOutput {
    let mut text = String::new();
    for warning in warnings {
        text.push_str(&format!(
            "> [!WARNING]\n> {}\n\n",
            warning.replace(['\n', '\r'], " ")
        ));
    }
    text.push_str(report_md);
    CheckRunOutput {
        title: results.summary.clone(),
        summary: results.summary.clone(),
        text: Some(text),
    }
}

/// The check run's output when ato could not judge (a repository it cannot read, a Docker failure): a
/// message a maintainer can act on; the conclusion is neutral.
pub fn error_output(message: &str) -> CheckRunOutput {
    CheckRunOutput {
        title: "ato could not test this pull request".to_string(),
        summary: message.to_string(),
        text: None,
    }
}

/// Annotations on changed lines only: a file the change broke at its line (a failure), failing tests and
/// behaviour changes at their function, flaky tests as notices, checker findings where they are.
pub fn annotations(results: &RunResults) -> Vec<Annotation> {
    let mut out = Vec::new();
    for runner in &results.runners {
        runner_annotations(runner, &mut out);
    }
    out
}

fn runner_annotations(runner: &RunnerResult, out: &mut Vec<Annotation>) {
    let broken = blame::change_problems(std::slice::from_ref(runner));
    for problem in broken {
        let (Some(path), Some(line)) = (problem.path.clone(), problem.line) else {
            continue;
        };
        out.push(annotation(
            path,
            line,
            AnnotationLevel::Failure,
            blame::change_headline(problem),
            problem.message.clone(),
        ));
    }
    for test in &runner.tests {
        let level = match test.status {
            TestStatus::Failed => AnnotationLevel::Failure,
            TestStatus::Flaky | TestStatus::FailsOnBase => AnnotationLevel::Notice,
            TestStatus::Passed | TestStatus::Skipped | TestStatus::NotRunnable => continue,
        };
        let Some((path, line)) = test
            .target
            .as_deref()
            .and_then(|t| symbol_line(&runner.targets, t))
        else {
            continue;
        };
        let what = match test.status {
            TestStatus::Failed => "fails",
            TestStatus::FailsOnBase => "fails on base too",
            _ => "is flaky",
        };
        out.push(annotation(
            path,
            line,
            level,
            format!("Generated test {what}: {}", test.id),
            test.message.as_deref().unwrap_or("no message").to_string(),
        ));
    }
    // One annotation per changed function, listing its differing calls: ten inputs are one finding.
    let mut by_symbol: Vec<(String, Vec<&BehaviourChange>)> = Vec::new();
    for change in &runner.behaviour_changes {
        let target = format!("{}::{}", change.file, change.symbol);
        match by_symbol.iter_mut().find(|(t, _)| *t == target) {
            Some((_, changes)) => changes.push(change),
            None => by_symbol.push((target, vec![change])),
        }
    }
    for (target, changes) in by_symbol {
        let Some((path, line)) = symbol_line(&runner.targets, &target) else {
            continue;
        };
        let calls: Vec<String> = changes
            .iter()
            .map(|c| {
                format!(
                    "{}\n  base: {}\n  head: {}",
                    c.input,
                    c.base.plain(),
                    c.head.plain()
                )
            })
            .collect();
        let count = changes.len();
        let title = match count {
            1 => format!("Behaviour changed: {}", changes[0].symbol),
            n => format!("Behaviour changed: {} ({n} inputs)", changes[0].symbol),
        };
        out.push(annotation(
            path,
            line,
            AnnotationLevel::Warning,
            title,
            calls.join("\n"),
        ));
    }
    for finding in runner.findings.iter().filter(|f| f.on_changed_line) {
        let level = match finding.severity {
            Severity::High => AnnotationLevel::Failure,
            Severity::Medium | Severity::Low => AnnotationLevel::Warning,
        };
        out.push(annotation(
            finding.path.clone(),
            finding.line,
            level,
            format!("{} {}", finding.tool, finding.rule),
            finding.message.clone(),
        ));
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

fn annotation(
    path: String,
    line: u32,
    level: AnnotationLevel,
    title: String,
    message: String,
) -> Annotation {
    Annotation {
        path,
        start_line: line,
        end_line: line,
        level,
        message,
        title: Some(title),
        raw_details: None,
    }
}

#[cfg(test)]
mod tests;
