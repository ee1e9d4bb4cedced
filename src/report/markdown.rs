//! The PR comment (`report.md`): verdict, a summary table per runner, then what needs a reviewer's eyes
//! first (failures, behaviour changes), then flaky tests, findings, problems and notes.
//!
//! Every piece of text that came from the PR's code goes through [`escape`]. The same document, without the
//! `<details>` folding (raw HTML is not rendered there) and without the size limit, is the body of the HTML
//! page.

use std::collections::BTreeSet;

use super::escape::{self, code_span};
use super::fit::{Section, fit};
use super::groups;
use super::items::{broken_files, problems, test_line, unfinished_runners};
use super::model_items;
use super::style::Style;
use super::verdict::{Tally, describe_outcome};
use crate::model::{RunResults, RunnerResult, TestCase, TestStatus, Verdict};

/// GitHub's limit on a comment body, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;
/// The comment's budget: room is left for the hidden marker and anything the poster wraps around it.
pub const COMMENT_BUDGET: usize = GITHUB_COMMENT_LIMIT - 1_536;

/// Where the full report and the patch can be fetched; links are shown only when given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportLinks {
    pub report: Option<String>,
    pub patch: Option<String>,
}

/// The PR comment, at most [`COMMENT_BUDGET`] characters.
pub fn markdown(results: &RunResults, links: &ReportLinks) -> String {
    let (head, sections) = document(results, Style::Comment);
    fit(&head, &sections, &footer(results, links), COMMENT_BUDGET)
}

/// The verdict, summary and table, and the sections in the order a reviewer needs them.
pub(crate) fn document(results: &RunResults, style: Style) -> (String, Vec<Section>) {
    let runners = &results.runners;
    let tests = |status: TestStatus| -> Vec<&TestCase> {
        runners
            .iter()
            .flat_map(|r| &r.tests)
            .filter(|t| t.status == status)
            .collect()
    };
    let mut findings: Vec<_> = runners
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.on_changed_line)
        .collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let sections = vec![
        broken_files(runners, style),
        groups::failed_tests(&tests(TestStatus::Failed), style),
        groups::behaviour_changes(runners, style),
        model_items::possible_bugs(runners, style),
        groups::flaky_tests(&tests(TestStatus::Flaky), style),
        Section {
            heading: format!(
                "### ➖ Tests that fail on base too ({})\n\nThey fail without the change as well, so they \
                 say nothing about it: an input the code never accepted, or a test that depends on the \
                 clock or the machine.\n",
                tests(TestStatus::FailsOnBase).len()
            ),
            items: tests(TestStatus::FailsOnBase)
                .into_iter()
                .map(|t| test_line(t, "", style))
                .collect(),
        },
        Section {
            heading: format!(
                "### 🛠️ Generated tests ato could not run ({})\n\nato's own fault, not the change's.\n",
                tests(TestStatus::NotRunnable).len()
            ),
            items: tests(TestStatus::NotRunnable)
                .into_iter()
                .map(|t| test_line(t, "", style))
                .collect(),
        },
        groups::findings(&findings, style),
        unfinished_runners(runners, style),
        groups::untested_files(runners, style),
        problems(runners, style),
        model_items::funnel(runners, style),
        Section {
            heading: "### 🧪 What was tested\n".into(),
            items: runners
                .iter()
                .flat_map(|r| &r.targets)
                .map(|t| tested_file(t, style))
                .collect(),
        },
        Section {
            heading: format!(
                "### ⏭️ Changed files not tested ({})\n",
                results.skipped_files.len()
            ),
            items: results
                .skipped_files
                .iter()
                .map(|s| {
                    format!(
                        "- {}: {}\n",
                        code_span(&s.path, style.inline_cap()),
                        escape::text(&s.reason, 300)
                    )
                })
                .collect(),
        },
        Section {
            heading: "### 📝 Notes\n".into(),
            items: runners
                .iter()
                .flat_map(|r| r.notes.iter().map(move |n| (r, n)))
                .map(|(r, n)| {
                    format!(
                        "- {}: {}\n",
                        r.runner.name(),
                        escape::text(n, style.inline_cap())
                    )
                })
                .collect(),
        },
    ];
    (head(results), sections)
}

/// One changed file and the changed symbols ato generated tests for.
fn tested_file(target: &crate::model::TargetFile, style: Style) -> String {
    let symbols: Vec<String> = target
        .symbols
        .iter()
        .map(|s| {
            let new = if s.is_new { " (new)" } else { "" };
            format!("{}{new}", code_span(&s.name, style.inline_cap()))
        })
        .collect();
    let symbols = if symbols.is_empty() {
        "no changed public function or class; import and checker only".to_string()
    } else {
        symbols.join(", ")
    };
    format!(
        "- {}: {symbols}\n",
        code_span(&target.path, style.inline_cap())
    )
}

fn head(results: &RunResults) -> String {
    let (icon, word) = match results.verdict {
        Verdict::Success => ("✅", "success"),
        Verdict::Failure => ("❌", "failure"),
        Verdict::Neutral => ("⚪", "neutral"),
    };
    format!(
        "## {icon} ato: {word}\n\n{}\n\n{}",
        escape::text(&results.summary, 1_000),
        head_details(results)
    )
}

/// The head below the verdict: the table per runner, the runtimes, the revisions and the time.
pub(super) fn head_details(results: &RunResults) -> String {
    let revision = |r: &crate::model::Revision| match &r.sha {
        Some(sha) => format!(
            "{} ({})",
            code_span(&r.name, 100),
            code_span(sha.get(..12).unwrap_or(sha), 12)
        ),
        None => code_span(&r.name, 100),
    };
    let mut out = String::new();
    if !results.runners.is_empty() {
        out.push_str(
            "| Language | Outcome | Passed | Failed | Flaky | Skipped | Behaviour changes | Changed-line coverage | Findings on changed lines |\n\
             | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        );
        for runner in &results.runners {
            out.push_str(&table_row(runner));
        }
        out.push('\n');
        out.push_str(&super::runtime_lines::runtime_lines(results));
    }
    out.push_str(&format!(
        "Base {} → head {} · {:.1} s\n\n",
        revision(&results.base),
        revision(&results.head),
        results.duration_ms as f64 / 1000.0
    ));
    out
}

fn table_row(runner: &RunnerResult) -> String {
    let tally = Tally::of_runner(runner);
    let languages: BTreeSet<&str> = runner.targets.iter().map(|t| t.language.name()).collect();
    let languages = if languages.is_empty() {
        runner.runner.name().to_string()
    } else {
        languages.into_iter().collect::<Vec<_>>().join(", ")
    };
    let coverage = match (tally.covered_lines * 100).checked_div(tally.coverable_lines) {
        Some(percent) => format!(
            "{percent}% ({}/{})",
            tally.covered_lines, tally.coverable_lines
        ),
        None => "—".to_string(),
    };
    format!(
        "| {languages} | {} | {} | {} | {} | {} | {} | {coverage} | {} |\n",
        describe_outcome(&runner.outcome),
        tally.passed,
        tally.failed,
        tally.flaky,
        tally.skipped,
        tally.behaviour_changes,
        tally.findings_on_changed_lines
    )
}

pub(super) fn footer(results: &RunResults, links: &ReportLinks) -> String {
    let mut parts = Vec::new();
    if let Some(url) = links.report.as_deref().and_then(escape::link_url) {
        parts.push(format!("[Full report]({url})"));
    }
    let addable = results
        .runners
        .iter()
        .flat_map(|r| &r.generated_files)
        .filter(|g| g.in_patch)
        .count();
    if addable > 0
        && let Some(url) = links.patch.as_deref().and_then(escape::link_url)
    {
        parts.push(format!(
            "[Tests you can add]({url}) ({addable} files that passed every run)"
        ));
    }
    parts.push(format!(
        "ato {} · run {}",
        escape::text(&results.ato_version, 40),
        code_span(&results.run_id, 80)
    ));
    format!("---\n{}\n", parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GeneratedFile, Runner};
    use crate::report::sample::{results, runner, test};

    #[test]
    fn a_clean_run_is_a_verdict_a_table_and_what_was_tested() {
        let mut python = runner(Runner::Python);
        python.tests = vec![test("t::a", TestStatus::Passed)];
        let md = markdown(&results(vec![python]), &ReportLinks::default());
        assert!(
            md.starts_with("## ✅ ato: success\n\nThe generated test passed on every run.\n"),
            "{md}"
        );
        assert!(
            md.contains("| Python | completed | 1 | 0 | 0 | 0 | 0 | — | 0 |"),
            "{md}"
        );
        let sections: Vec<&str> = md.lines().filter(|l| l.starts_with("###")).collect();
        assert!(
            sections
                .iter()
                .all(|s| s.starts_with("### 🧪 What was tested")),
            "no empty sections: {md}"
        );
    }

    #[test]
    fn nothing_to_test_has_no_table() {
        let md = markdown(&results(vec![]), &ReportLinks::default());
        assert!(md.starts_with("## ⚪ ato: neutral"), "{md}");
        assert!(!md.contains("| Language"), "{md}");
    }

    #[test]
    fn the_patch_link_shows_only_when_there_is_something_to_add() {
        let links = ReportLinks {
            report: Some("https://ato.example/r/1/t".into()),
            patch: Some("https://ato.example/r/1/t/ato-tests.patch".into()),
        };
        let mut python = runner(Runner::Python);
        python.generated_files = vec![GeneratedFile {
            path: "tests/t.py".into(),
            repo_path: "tests/ato/t.py".into(),
            in_patch: false,
        }];
        let md = markdown(&results(vec![python.clone()]), &links);
        assert!(
            md.contains("[Full report](https://ato.example/r/1/t)")
                && !md.contains("Tests you can add")
        );
        python.generated_files[0].in_patch = true;
        let md = markdown(&results(vec![python]), &links);
        assert!(
            md.contains("[Tests you can add](https://ato.example/r/1/t/ato-tests.patch) (1 files"),
            "{md}"
        );
        let bad = ReportLinks {
            report: Some("javascript:alert(1)".into()),
            patch: None,
        };
        assert!(!markdown(&results(vec![]), &bad).contains("javascript"));
    }
}
