//! Snapshots (insta) of everything ato shows a reviewer for the sample run: the PR comment, the local
//! `report.md`, the check run as GitHub receives it (conclusion, title, summary, text, annotations), the
//! check run when ato could not test, and the HTML report's body. The `.snap` files under
//! `tests/report/snapshots/` are committed: a change to the rendering shows there as a diff to review.
//!
//! A difference fails the test. Outside CI, insta also writes the new rendering beside the snapshot as
//! `.snap.new`, to accept with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test report
//! snapshots::`); in CI (`CI=true`) and under `scripts/test` (`INSTA_UPDATE=no`) it writes nothing.

use ato::github::checks::completion_bodies;
use ato::github::comments::report_body;
use ato::model::{RunResults, Symbol, SymbolKind};
use ato::publish::{annotations, check_output, conclusion, error_output};
use ato::report::{PageInputs, ReportLinks, comment, markdown, page};
use serde_json::Value;

use crate::sample::{all_fixtures, fixture_sources};

/// The links of a report served by `ato serve`.
fn links() -> ReportLinks {
    ReportLinks {
        report: Some("https://ato.example/reports/01JTESTRUN/token".into()),
        patch: Some("https://ato.example/reports/01JTESTRUN/token/ato-tests.patch".into()),
    }
}

/// The sample run with the changed functions the planner would have found (`sources/python/pkg/calc.py`;
/// the JavaScript and Java ranges as in their outputs), so failed, flaky and changed functions are annotated.
pub fn with_symbols(mut results: RunResults) -> RunResults {
    let symbol = |name: &str, start_line, end_line| Symbol {
        name: name.into(),
        kind: SymbolKind::Function,
        start_line,
        end_line,
        is_new: false,
    };
    for runner in &mut results.runners {
        let symbols = match runner.targets[0].path.as_str() {
            "pkg/calc.py" => vec![
                symbol("add", 5, 13),
                symbol("run", 16, 18),
                symbol("size", 21, 24),
                symbol("evaluate", 27, 29),
            ],
            "src/slug.js" => vec![symbol("slugify", 1, 10)],
            _ => vec![symbol("Calc.add", 4, 7), symbol("Calc.divide", 9, 13)],
        };
        runner.targets[0].symbols = symbols;
    }
    results
}

fn pretty(bodies: &[Value]) -> String {
    serde_json::to_string_pretty(bodies).expect("JSON prints")
}

#[test]
fn the_pr_comment() {
    let comment = report_body(&comment(&all_fixtures(), None, &links()));
    insta::assert_snapshot!("pr_comment", comment);
}

/// The comment of a second push: the counts with their change against the first run.
#[test]
fn the_pr_comment_against_the_previous_run() {
    let mut previous = all_fixtures();
    previous.run_id = "01JPREVIOUS".into();
    previous.runners[0].behaviour_changes.clear();
    previous.runners[0].coverage[0].covered.pop();
    let now = with_more_to_decide(all_fixtures());
    insta::assert_snapshot!(
        "pr_comment_with_changes",
        report_body(&comment(&now, Some(&previous), &links()))
    );
}

#[test]
fn the_local_markdown_report() {
    insta::assert_snapshot!(
        "report_md",
        markdown(&all_fixtures(), &ReportLinks::default())
    );
}

#[test]
fn the_check_run_with_its_annotations() {
    let results = with_symbols(all_fixtures());
    let md = markdown(&results, &links());
    let warnings = ["Unknown key `langauges` in .github/ato.yml; the default applies.".to_string()];
    let output = check_output(&results, &md, &warnings);
    let mut bodies =
        completion_bodies(conclusion(results.verdict), &output, &annotations(&results));
    // The text is the repository warnings, then the comment's Markdown (its own snapshot, `pr_comment`).
    for body in &mut bodies {
        let text = body["output"]["text"].as_str().expect("a text").to_owned();
        let warning = text
            .strip_suffix(md.as_str())
            .expect("the text ends with the report");
        body["output"]["text"] = Value::String(format!("{warning}<the report's Markdown>"));
    }
    insta::assert_snapshot!("check_run", pretty(&bodies));
}

#[test]
fn the_check_run_when_ato_could_not_test() {
    let output = error_output("Could not download the source: the archive has a `..` path.");
    let bodies = completion_bodies(ato::github::Conclusion::Neutral, &output, &[]);
    insta::assert_snapshot!("check_run_error", pretty(&bodies));
}

/// A diff of the sample's Python file in which its changed lines are added and the others context, as
/// `git diff` prints it.
pub fn sample_diff() -> String {
    let path = "pkg/calc.py";
    let text = std::fs::read_to_string(crate::sample::fixtures().join("sources/python").join(path))
        .expect("the sample source");
    let changed = &crate::sample::python_targets()[0].changed_lines;
    let lines: Vec<&str> = text.lines().collect();
    let base_count = lines.len() - changed.len();
    let mut diff = format!(
        "diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,{base_count} +1,{} @@\n",
        lines.len()
    );
    for (i, line) in lines.iter().enumerate() {
        let sign = if changed.contains(&(i as u32 + 1)) {
            '+'
        } else {
            ' '
        };
        diff.push_str(&format!("{sign}{line}\n"));
    }
    diff
}

#[test]
fn the_html_report_body() {
    let results = with_symbols(all_fixtures());
    let sources = fixture_sources(&results);
    let diff = sample_diff();
    let inputs = PageInputs {
        sources: &sources,
        diff: &diff,
        repository: Some("octo/calc"),
        settings: vec![("Runs of each test".into(), "3".into())],
    };
    let page = page(&results, &inputs);
    let start = page.find("<body").expect("a body");
    let end = page.rfind("</body>").expect("a body end") + "</body>".len();
    insta::assert_snapshot!("report_html_body", &page[start..end]);
}

/// The sample run with more of everything a reviewer must decide on: one function with many differing
/// inputs (long floats, an extreme one), a string result, several failing and flaky tests of one function.
fn with_more_to_decide(mut results: RunResults) -> RunResults {
    use ato::model::{BehaviourChange, Observation, TestStatus};
    let python = &mut results.runners[0];
    let change = |input: String, base: &str| BehaviourChange {
        file: "pkg/calc.py".into(),
        symbol: "percent".into(),
        input,
        base: Observation::Returned { value: base.into() },
        head: Observation::Raised {
            error: "ZeroDivisionError".into(),
            message: "division by zero".into(),
        },
    };
    python.behaviour_changes.push(change(
        "percent(part=1e-308, whole=3.0000000000000004)".into(),
        "3.333333333333333148296162562473909929395e-307",
    ));
    for i in 1..=11 {
        python.behaviour_changes.push(change(
            format!("percent(part={i}, whole=0.30000000000000004)"),
            &format!("{}", f64::from(i) / 0.30000000000000004 * 100.0),
        ));
    }
    python.behaviour_changes.push(BehaviourChange {
        file: "pkg/calc.py".into(),
        symbol: "label".into(),
        input: "label(total=5)".into(),
        base: Observation::Returned {
            value: "'Total: 5 items'".into(),
        },
        head: Observation::Returned {
            value: "'Total: 5 item(s)'".into(),
        },
    });
    let failing = python
        .tests
        .iter()
        .find(|t| t.status == TestStatus::Failed)
        .cloned()
        .expect("a failing test");
    for name in ["zero", "large"] {
        let mut more = failing.clone();
        more.id = format!("tests.test_ato_calc::test_add_characterization_{name}");
        more.message = Some(format!("AssertionError: add on {name}"));
        python.tests.push(more);
    }
    let (verdict, summary) = ato::report::verdict(&results.runners);
    results.verdict = verdict;
    results.summary = summary;
    results
}

#[test]
fn the_report_groups_what_a_reviewer_must_decide() {
    insta::assert_snapshot!(
        "report_md_grouped",
        markdown(
            &with_more_to_decide(all_fixtures()),
            &ReportLinks::default()
        )
    );
}

/// A huge run's comment, trimmed to GitHub's limit: its outline (headings, top items, what was left out,
/// links), since the whole would be some 64,000 characters of repeated items.
#[test]
fn a_huge_pr_comment_is_trimmed_and_says_so() {
    use ato::model::{RunStatus, TestCase, TestKind, TestStatus};
    let mut results = all_fixtures();
    let python = &mut results.runners[0];
    for i in 0..3_000 {
        python.tests.push(TestCase {
            id: format!("tests.test_many::test_{i}"),
            file: "tests/test_many.py".into(),
            kind: TestKind::Property,
            target: Some(format!("pkg/many.py::f{}", i % 400)),
            status: if i % 3 == 0 {
                TestStatus::Flaky
            } else {
                TestStatus::Failed
            },
            runs: vec![RunStatus::Failed, RunStatus::Passed, RunStatus::Failed],
            message: Some(format!("AssertionError: {}", "x".repeat(400))),
        });
    }
    let (verdict, summary) = ato::report::verdict(&results.runners);
    (results.verdict, results.summary) = (verdict, summary);
    let md = report_body(&comment(&results, None, &links()));
    assert!(md.chars().count() <= ato::report::COMMENT_BUDGET + 100);
    let outline: Vec<&str> = md
        .lines()
        .filter(|l| {
            [
                "#",
                "**Tests**",
                "1. ",
                "2. ",
                "3. ",
                "and ",
                "… ",
                "<details><summary>Every",
                "</details>",
                "[Full",
            ]
            .iter()
            .any(|p| l.starts_with(p))
        })
        .collect();
    insta::assert_snapshot!("pr_comment_huge_outline", outline.join("\n"));
}
