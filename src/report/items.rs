//! The items of the report's sections, one per failed test, behaviour change, problem… Each puts the PR's
//! text only where [`escape`] made it safe: code spans, fences, or escaped plain text.

use super::blame;
use super::escape::{self, code_span, fenced};
use super::fit::Section;
use super::style::Style;
use super::verdict::describe_outcome;
use crate::model::{
    Problem, ProblemKind, RunStatus, RunnerResult, SandboxOutcome, TestCase, TestKind,
};

fn runs_summary(runs: &[RunStatus]) -> String {
    runs.iter()
        .map(|r| match r {
            RunStatus::Passed => "✓",
            RunStatus::Failed => "✗",
            RunStatus::Error => "E",
            RunStatus::Skipped => "s",
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn test_title(test: &TestCase, style: Style) -> String {
    let kind = match test.kind {
        TestKind::Doctest => "doctest",
        TestKind::Property => "property",
        TestKind::Smoke => "smoke",
        TestKind::Characterization => "characterization",
        TestKind::Regression => "regression",
        TestKind::Llm => "LLM-written",
    };
    let mut title = format!("**{}** · {kind}", code_span(&test.id, style.inline_cap()));
    if let Some(target) = &test.target {
        title.push_str(&format!(
            " · target {}",
            code_span(target, style.inline_cap())
        ));
    }
    title.push_str(&format!(" · runs {}", runs_summary(&test.runs)));
    title
}

/// Long text folded in `<details>` in the comment; fenced as is in the page.
fn folded(label: &str, text: &str, style: Style) -> String {
    let block = fenced(text, style.message_cap());
    let long = text.lines().count() > 8 || text.chars().count() > 600;
    if style == Style::Comment && long {
        format!(
            "<details><summary>{}</summary>\n\n{block}\n</details>\n\n",
            escape::html(label)
        )
    } else {
        format!("{block}\n")
    }
}

pub(crate) fn failed_test(test: &TestCase, style: Style) -> String {
    let mut item = format!("{}\n\n", test_title(test, style));
    if let Some(message) = &test.message {
        item.push_str(&folded("Failure message", message, style));
    }
    item
}

pub(crate) fn flaky_test(test: &TestCase, style: Style) -> String {
    let passed = test
        .runs
        .iter()
        .filter(|r| **r == RunStatus::Passed)
        .count();
    test_line(
        test,
        &format!(" · passed {passed} of {} runs", test.runs.len()),
        style,
    )
}

/// One line for a test that does not fail the run: its title, `more`, and its message's first line.
pub(crate) fn test_line(test: &TestCase, more: &str, style: Style) -> String {
    let mut item = format!("- {}{more}", test_title(test, style));
    if let Some(message) = &test.message {
        item.push_str(&format!(
            " · {}",
            code_span(message.lines().next().unwrap_or(""), style.inline_cap())
        ));
    }
    item.push('\n');
    item
}

fn problem_kind(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::SyntaxError => "Syntax error",
        ProblemKind::ImportError => "Import error",
        ProblemKind::Timeout => "Timed out",
        ProblemKind::Dependencies => "Dependencies",
        ProblemKind::Tool => "Tool",
    }
}

fn place(p: &Problem, style: Style) -> String {
    match (&p.path, p.line) {
        (Some(path), Some(line)) => code_span(&format!("{path}:{line}"), style.inline_cap()),
        (Some(path), None) => code_span(path, style.inline_cap()),
        _ => String::new(),
    }
}

/// Files the change broke: they do not import on head (judged in [`blame`]).
pub(crate) fn broken_files(runners: &[RunnerResult], style: Style) -> Section {
    let items: Vec<String> = blame::change_problems(runners)
        .into_iter()
        .map(|p| {
            let when = if p.same_on_base == Some(false) {
                "on head, not on base"
            } else {
                "at a line the change added"
            };
            format!(
                "- {}: {} {when}: {}\n",
                place(p, style),
                problem_kind(p.kind),
                code_span(&p.message, style.inline_cap())
            )
        })
        .collect();
    Section {
        heading: format!(
            "### ❌ Files that do not import on head ({})\n",
            items.len()
        ),
        items,
    }
}

/// The other problems: of test runs, tools, dependencies, ato itself.
pub(crate) fn problems(runners: &[RunnerResult], style: Style) -> Section {
    let (_, others) = blame::environment_problems(runners);
    let items: Vec<String> = others
        .into_iter()
        .map(|p| {
            let at = place(p, style);
            let place = if at.is_empty() {
                at
            } else {
                format!(" in {at}")
            };
            format!(
                "- {}{place}: {}\n",
                problem_kind(p.kind),
                code_span(&p.message, style.inline_cap())
            )
        })
        .collect();
    Section {
        heading: format!("### 🧱 Problems ({})\n", items.len()),
        items,
    }
}

/// Runners that did not complete, with their last output in the comment (the page shows full logs).
pub(crate) fn unfinished_runners(runners: &[RunnerResult], style: Style) -> Section {
    let items: Vec<String> = runners
        .iter()
        .filter(|r| !matches!(r.outcome, SandboxOutcome::Completed { .. }))
        .map(|r| {
            let mut item = format!(
                "**{} runner** {}",
                r.runner.name(),
                describe_outcome(&r.outcome)
            );
            if let SandboxOutcome::Crashed { message, .. } | SandboxOutcome::Failed { message } =
                &r.outcome
            {
                item.push_str(&format!(": {}", code_span(message, style.inline_cap())));
            }
            item.push_str("\n\n");
            let stderr = r.logs.stderr.trim_end();
            if style == Style::Comment && !stderr.is_empty() {
                let start = stderr.char_indices().rev().nth(3_000).map_or(0, |(i, _)| i);
                item.push_str(&folded("Last output (stderr)", &stderr[start..], style));
            }
            item
        })
        .collect();
    Section {
        heading: format!("### 🛑 Runners that did not finish ({})\n", items.len()),
        items,
    }
}
