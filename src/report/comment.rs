//! The PR comment, made to be read in a glance: a one-line headline, the counts with their change against the
//! previous run of the same PR, the three items that matter most (one line each), then every section of the
//! report folded, and the link to the full report. Fitted to GitHub's size limit like the rest.

use super::blame;
use super::escape::{self, code_span};
use super::fit::fit;
use super::groups::group_by;
use super::markdown::{COMMENT_BUDGET, ReportLinks, document, footer};
use super::readable;
use super::style::Style;
use super::verdict::Tally;
use crate::model::{RunResults, SandboxOutcome, TestStatus, Verdict};

/// Items named one per line above the fold.
const TOP_ITEMS: usize = 3;
/// Characters of a code span in a top item.
const CAP: usize = 120;

/// The PR comment. `previous` is the last run of the same pull request, when there is one.
pub fn comment(results: &RunResults, previous: Option<&RunResults>, links: &ReportLinks) -> String {
    let (_, sections) = document(results, Style::Comment);
    let items: usize = sections.iter().map(|s| s.items.len()).sum();
    let top = top_items(results);
    let mut head = format!(
        "## {}\n\n{}\n\n{}\n\n",
        headline(results),
        escape::text(&results.summary, 1_000),
        counts(results, previous)
    );
    for (i, item) in top.iter().take(TOP_ITEMS).enumerate() {
        head.push_str(&format!("{}. {item}\n", i + 1));
    }
    if !top.is_empty() {
        head.push('\n');
    }
    if top.len() > TOP_ITEMS {
        head.push_str(&format!(
            "and {} more to look at.\n\n",
            top.len() - TOP_ITEMS
        ));
    }
    if items == 0 {
        return fit(&head, &[], &footer(results, links), COMMENT_BUDGET);
    }
    head.push_str("<details><summary>Everything, by section</summary>\n\n");
    let foot = format!("</details>\n\n{}", footer(results, links));
    fit(&head, &sections, &foot, COMMENT_BUDGET)
}

/// Whether two runs found the same things (the comment would say the same, bar links, ids and timings):
/// what `comment: on-change` compares.
pub fn same_result(a: &RunResults, b: &RunResults) -> bool {
    a.verdict == b.verdict
        && a.summary == b.summary
        && Tally::of(&a.runners) == Tally::of(&b.runners)
        && document(a, Style::Comment).1 == document(b, Style::Comment).1
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `❌ ato: 3 tests fail · 2 behaviour changes`: the verdict and what made it, on one line.
fn headline(results: &RunResults) -> String {
    let t = Tally::of(&results.runners);
    let broken = blame::change_problems(&results.runners).len();
    let untested = blame::environment_problems(&results.runners).0.len();
    let mut parts = Vec::new();
    if broken > 0 {
        parts.push(plural(
            broken,
            "file does not import",
            "files do not import",
        ));
    }
    if t.failed > 0 {
        parts.push(plural(t.failed, "test fails", "tests fail"));
    }
    if t.behaviour_changes > 0 {
        parts.push(plural(
            t.behaviour_changes,
            "behaviour change",
            "behaviour changes",
        ));
    }
    if t.flaky > 0 {
        parts.push(plural(t.flaky, "flaky test", "flaky tests"));
    }
    if untested > 0 {
        parts.push(plural(untested, "file not tested", "files not tested"));
    }
    if parts.is_empty() && t.ran() > 0 {
        parts.push(plural(t.passed, "test passes", "tests pass"));
    }
    let (icon, word) = match results.verdict {
        Verdict::Success => ("✅", "success"),
        Verdict::Failure => ("❌", "failure"),
        Verdict::Neutral => ("⚪", "incomplete"),
    };
    if parts.is_empty() {
        return format!("{icon} ato: {word}");
    }
    format!("{icon} ato: {word} · {}", parts.join(" · "))
}

/// ` (+2)`, ` (−1)`, or nothing when unchanged or there is no previous run.
fn delta(now: i64, before: Option<i64>, unit: &str) -> String {
    match before.map(|b| now - b) {
        Some(d) if d > 0 => format!(" (+{d}{unit})"),
        Some(d) if d < 0 => format!(" (−{}{unit})", -d),
        _ => String::new(),
    }
}

fn coverage_percent(t: &Tally) -> Option<i64> {
    (t.covered_lines as i64 * 100).checked_div(t.coverable_lines as i64)
}

/// The counts a reviewer compares between pushes, each with its change since the previous run.
fn counts(results: &RunResults, previous: Option<&RunResults>) -> String {
    let now = Tally::of(&results.runners);
    let before = previous.map(|p| Tally::of(&p.runners));
    let n = |v: usize| v as i64;
    let was = |f: fn(&Tally) -> usize| before.as_ref().map(|b| n(f(b)));
    let mut line = format!(
        "**Tests** {} passed{}, {} failed{}, {} flaky{} · **Behaviour changes** {}{}",
        now.passed,
        delta(n(now.passed), was(|t| t.passed), ""),
        now.failed,
        delta(n(now.failed), was(|t| t.failed), ""),
        now.flaky,
        delta(n(now.flaky), was(|t| t.flaky), ""),
        now.behaviour_changes,
        delta(n(now.behaviour_changes), was(|t| t.behaviour_changes), ""),
    );
    if let Some(percent) = coverage_percent(&now) {
        line.push_str(&format!(
            " · **Changed-line coverage** {percent}% ({}/{}){}",
            now.covered_lines,
            now.coverable_lines,
            delta(percent, before.as_ref().and_then(coverage_percent), " pts")
        ));
    }
    match previous {
        Some(p) if same_result(results, p) => line.push_str(" · same as the previous run"),
        Some(p) => line.push_str(&format!(
            " · changes against the previous run {}",
            code_span(&p.run_id, 80)
        )),
        None => {}
    }
    line
}

/// The items that need a reviewer, most important first, one line each.
fn top_items(results: &RunResults) -> Vec<String> {
    let runners = &results.runners;
    let code = |s: &str| code_span(s, CAP);
    let mut items: Vec<String> = blame::change_problems(runners)
        .into_iter()
        .map(|p| {
            format!(
                "{} does not import on head: {}",
                code(&p.path.clone().unwrap_or_default()),
                code(&p.message)
            )
        })
        .collect();
    let tests = |status| {
        runners
            .iter()
            .flat_map(|r| &r.tests)
            .filter(move |t| t.status == status)
    };
    let target = |t: &crate::model::TestCase| t.target.clone().unwrap_or_else(|| t.file.clone());
    for group in group_by(tests(TestStatus::Failed), target) {
        let message = group[0].message.as_deref().unwrap_or("").lines().next();
        items.push(format!(
            "{} of {} {} on every run{}",
            plural(group.len(), "test", "tests"),
            code(&target(group[0])),
            if group.len() == 1 { "fails" } else { "fail" },
            message.map_or(String::new(), |m| format!(": {}", code(m)))
        ));
    }
    let changes = runners.iter().flat_map(|r| &r.behaviour_changes);
    for group in group_by(changes, |c| (c.file.clone(), c.symbol.clone())) {
        let first = group
            .iter()
            .min_by_key(|c| readable::complexity(&c.input))
            .expect("groups are not empty");
        let (base, head) = readable::pair(&first.base.plain(), &first.head.plain());
        let more = match group.len() - 1 {
            0 => String::new(),
            n => format!(" (and {})", plural(n, "more input", "more inputs")),
        };
        items.push(format!(
            "{} changed behaviour: {} {} on base, {} on head{more}",
            code(&first.symbol),
            code(&readable::numbers(&first.input)),
            code(&base),
            code(&head)
        ));
    }
    for group in group_by(tests(TestStatus::Flaky), target) {
        items.push(format!(
            "{} of {} {} flaky",
            plural(group.len(), "test", "tests"),
            code(&target(group[0])),
            if group.len() == 1 { "is" } else { "are" }
        ));
    }
    let mut findings: Vec<_> = runners
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.on_changed_line)
        .collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in findings {
        items.push(format!(
            "{:?} finding {} at {}: {}",
            f.severity,
            code(&format!("{} {}", f.tool, f.rule)),
            code(&format!("{}:{}", f.path, f.line)),
            code(&f.message)
        ));
    }
    for r in runners {
        if !matches!(r.outcome, SandboxOutcome::Completed { .. }) {
            items.push(format!(
                "the {} runner {}",
                r.runner.name(),
                super::verdict::describe_outcome(&r.outcome)
            ));
        }
    }
    for (p, why) in blame::environment_problems(runners).0 {
        items.push(format!(
            "{} was not tested: {}",
            code(p.path.as_deref().unwrap_or("")),
            escape::text(&blame::short_reason(&why), CAP)
        ));
    }
    items
}

#[cfg(test)]
#[path = "comment_tests.rs"]
mod tests;
