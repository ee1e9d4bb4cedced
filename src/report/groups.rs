//! The report's items grouped by what the reviewer must decide: one entry per changed function whose
//! behaviour changed (its simplest differing input first, base and head side by side, the other inputs
//! folded), per function with failing or flaky tests, per checker rule, per reason a file was not tested.
//! Groups with more in them come first.

use super::blame;
use super::escape::{self, code_span, fenced_as, table_code_span};
use super::fit::Section;
use super::items::{failed_test, flaky_test};
use super::readable;
use super::style::Style;
use crate::model::{BehaviourChange, Finding, Observation, RunnerResult, TestCase};

/// Rows of other inputs shown in a behaviour change's fold in the comment (the page shows them all).
const FOLDED_ROWS: usize = 10;
/// Places listed per checker rule in the comment.
const PLACES: usize = 3;

/// Groups `items` by `key`, keeping first-appearance order, then puts larger groups first (stable).
pub(crate) fn group_by<'a, T, K: PartialEq>(
    items: impl IntoIterator<Item = &'a T>,
    key: impl Fn(&T) -> K,
) -> Vec<Vec<&'a T>> {
    let mut groups: Vec<(K, Vec<&T>)> = Vec::new();
    for item in items {
        let k = key(item);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push(item),
            None => groups.push((k, vec![item])),
        }
    }
    let mut groups: Vec<Vec<&T>> = groups.into_iter().map(|(_, m)| m).collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    groups
}

/// `<details>` in the comment; a plain paragraph on the page (which has no raw HTML).
pub(crate) fn fold(summary: &str, body: &str, style: Style) -> String {
    match style {
        Style::Comment => format!(
            "<details><summary>{}</summary>\n\n{body}\n</details>\n\n",
            escape::html(summary)
        ),
        Style::Page => format!("{}:\n\n{body}\n", escape::text(summary, 200)),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a call did, for a table cell: `returned ≈0.3`, `raised ValueError · negative`.
fn cell(o: &Observation, shown: &str, cap: usize) -> String {
    match o {
        Observation::Returned { .. } => format!("returned {}", table_code_span(shown, cap)),
        Observation::Raised { error, message } if message.is_empty() => {
            format!("raised {}", table_code_span(error, cap))
        }
        Observation::Raised { error, message } => format!(
            "raised {} · {}",
            table_code_span(error, cap),
            table_code_span(message, cap)
        ),
    }
}

fn value(o: &Observation) -> &str {
    match o {
        Observation::Returned { value } => value,
        Observation::Raised { .. } => "",
    }
}

fn change_row(c: &BehaviourChange, cap: usize) -> String {
    let (base, head) = readable::pair(value(&c.base), value(&c.head));
    format!(
        "| {} | {} | {} |\n",
        table_code_span(&readable::numbers(&c.input), cap),
        cell(&c.base, &base, cap),
        cell(&c.head, &head, cap)
    )
}

const CHANGE_TABLE: &str = "| Input | Base | Head |\n| --- | --- | --- |\n";

/// One changed function: its simplest differing input side by side (strings also as a diff), the rest
/// folded as "and N more inputs differ".
fn behaviour_group(group: &[&BehaviourChange], style: Style) -> String {
    let cap = style.inline_cap();
    let mut changes = group.to_vec();
    changes.sort_by_key(|c| readable::complexity(&c.input));
    let first = changes[0];
    let mut item = format!(
        "**{}** in {} · {}\n\n{CHANGE_TABLE}{}\n",
        code_span(&first.symbol, cap),
        code_span(&first.file, cap),
        plural(changes.len(), "input differs", "inputs differ"),
        change_row(first, cap)
    );
    if let (Observation::Returned { value: b }, Observation::Returned { value: h }) =
        (&first.base, &first.head)
        && let Some(diff) = readable::string_diff(b, h)
    {
        item.push_str(&fenced_as(&diff, style.message_cap(), "diff"));
        item.push('\n');
    }
    let rest = &changes[1..];
    if !rest.is_empty() {
        let shown = match style {
            Style::Comment => rest.len().min(FOLDED_ROWS),
            Style::Page => rest.len(),
        };
        let mut table = String::from(CHANGE_TABLE);
        for c in &rest[..shown] {
            table.push_str(&change_row(c, cap));
        }
        if shown < rest.len() {
            table.push_str(&format!(
                "\n… {} more in the full report.\n",
                rest.len() - shown
            ));
        }
        let summary = format!(
            "and {}",
            plural(rest.len(), "more input differs", "more inputs differ")
        );
        item.push_str(&fold(&summary, &table, style));
    }
    item
}

/// "⚠️ Behaviour changes": one entry per changed function.
pub(crate) fn behaviour_changes(runners: &[RunnerResult], style: Style) -> Section {
    let changes = runners.iter().flat_map(|r| &r.behaviour_changes);
    let groups = group_by(changes, |c| (c.file.clone(), c.symbol.clone()));
    let total: usize = groups.iter().map(Vec::len).sum();
    Section {
        heading: format!(
            "### ⚠️ Behaviour changes between base and head ({})\n\n{} whose result differs between base \
             and head.\n",
            total,
            plural(groups.len(), "function", "functions")
        ),
        items: groups.iter().map(|g| behaviour_group(g, style)).collect(),
    }
}

/// The lines of `tests`; in the comment at most [`FOLDED_ROWS`] of them, then how many more the page has.
fn capped(tests: &[&TestCase], style: Style, line: impl Fn(&TestCase) -> String) -> String {
    let shown = match style {
        Style::Comment => tests.len().min(FOLDED_ROWS),
        Style::Page => tests.len(),
    };
    let mut out: String = tests[..shown].iter().map(|t| line(t)).collect();
    if shown < tests.len() {
        out.push_str(&format!(
            "\n… {} more in the full report.\n",
            tests.len() - shown
        ));
    }
    out
}

fn target_of(test: &TestCase) -> String {
    test.target.clone().unwrap_or_else(|| test.file.clone())
}

/// "❌ Failed tests": per function, its first failing test with the message, the others folded.
pub(crate) fn failed_tests(tests: &[&TestCase], style: Style) -> Section {
    let groups = group_by(tests.iter().copied(), target_of);
    let items = groups
        .iter()
        .map(|group| {
            let mut item = String::new();
            if group.len() > 1 {
                item.push_str(&format!(
                    "{} of {} fail on every run:\n\n",
                    plural(group.len(), "test", "tests"),
                    code_span(&target_of(group[0]), style.inline_cap())
                ));
            }
            item.push_str(&failed_test(group[0], style));
            if group.len() > 1 {
                let rest = capped(&group[1..], style, |t| {
                    super::items::test_line(t, "", style)
                });
                let summary = format!(
                    "and {}",
                    plural(group.len() - 1, "more failing test", "more failing tests")
                );
                item.push_str(&fold(&summary, &rest, style));
            }
            item
        })
        .collect();
    Section {
        heading: format!("### ❌ Failed tests ({})\n", tests.len()),
        items,
    }
}

/// "🔁 Flaky tests": per function, one line, the others folded.
pub(crate) fn flaky_tests(tests: &[&TestCase], style: Style) -> Section {
    let groups = group_by(tests.iter().copied(), target_of);
    let items = groups
        .iter()
        .map(|group| {
            let mut item = flaky_test(group[0], style);
            if group.len() > 1 {
                let rest = capped(&group[1..], style, |t| flaky_test(t, style));
                let summary = format!(
                    "and {} of the same function",
                    plural(group.len() - 1, "more flaky test", "more flaky tests")
                );
                item.push('\n');
                item.push_str(&fold(&summary, &rest, style));
            }
            item
        })
        .collect();
    Section {
        heading: format!("### 🔁 Flaky tests ({})\n", tests.len()),
        items,
    }
}

/// "🔎 Findings on changed lines": one row per checker rule, most severe first, its places listed.
pub(crate) fn findings(findings: &[&Finding], style: Style) -> Section {
    let mut groups = group_by(findings.iter().copied(), |f| {
        (f.tool.clone(), f.rule.clone())
    });
    groups.sort_by_key(|g| std::cmp::Reverse(g.iter().map(|f| f.severity).max()));
    let cap = style.inline_cap();
    let items = groups
        .iter()
        .map(|group| {
            let f = group[0];
            let shown = match style {
                Style::Comment => group.len().min(PLACES),
                Style::Page => group.len(),
            };
            let mut places: Vec<String> = group[..shown]
                .iter()
                .map(|f| table_code_span(&format!("{}:{}", f.path, f.line), cap))
                .collect();
            if shown < group.len() {
                places.push(format!("and {} more", group.len() - shown));
            }
            format!(
                "| {:?} | {} | {} | {} | {} |\n",
                group.iter().map(|f| f.severity).max().unwrap_or(f.severity),
                table_code_span(&f.tool, 40),
                table_code_span(&f.rule, 80),
                places.join(", "),
                table_code_span(&f.message, cap)
            )
        })
        .collect();
    Section {
        heading: format!(
            "### 🔎 Findings on changed lines ({})\n\n| Severity | Tool | Rule | Where | Message |\n| --- | --- | --- | --- | --- |",
            findings.len()
        ),
        items,
    }
}

/// "⏸️ Not tested because of the environment": one line per reason, with the files it kept from testing.
pub(crate) fn untested_files(runners: &[RunnerResult], style: Style) -> Section {
    let (files, _) = blame::environment_problems(runners);
    let code = |s: &str| code_span(s, style.inline_cap());
    let reasons: Vec<(String, &str)> = files
        .iter()
        .map(|(p, why)| {
            (
                blame::not_tested_because(why, p, &code),
                p.path.as_deref().unwrap_or(""),
            )
        })
        .collect();
    let items = group_by(&reasons, |(reason, _)| reason.clone())
        .iter()
        .map(|group| {
            let paths: Vec<String> = group.iter().map(|(_, path)| code(path)).collect();
            format!(
                "- {}: not tested, because {}\n",
                paths.join(", "),
                group[0].0
            )
        })
        .collect();
    Section {
        heading: format!(
            "### ⏸️ Not tested because of the environment ({})\n",
            files.len()
        ),
        items,
    }
}

#[cfg(test)]
#[path = "groups_tests.rs"]
mod tests;
