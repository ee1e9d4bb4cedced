//! Rendering hostile and huge results: nothing from the PR may inject markup, and the comment fits GitHub.

use ato::model::{
    BehaviourChange, Finding, Observation, Problem, ProblemKind, RunResults, RunStatus, Runner,
    SandboxOutcome, Severity, SkippedFile, TestCase, TestKind, TestStatus, Verdict,
};
use ato::report::{COMMENT_BUDGET, ReportLinks, html, markdown};

use crate::sample::{all_fixtures, collected, node_targets, run_results, runner_result};

/// Text a hostile PR could make its code print, raise or be named.
const HOSTILE: &[&str] = &[
    "</details><script>alert(1)</script>",
    "@everyone please look",
    "``` \n# Injected heading\n```",
    "a | b | c\n| --- |",
    "<img src=x onerror=alert(1)>",
    "fixes #123 and @octocat/team",
    "[click](javascript:alert(1)) **bold**",
    "`````",
];

fn hostile_results() -> RunResults {
    let mut results = all_fixtures();
    let python = &mut results.runners[0];
    for (i, hostile) in HOSTILE.iter().enumerate() {
        python.tests.push(TestCase {
            id: format!("tests.evil::{hostile}"),
            file: (*hostile).into(),
            kind: TestKind::Llm,
            target: Some((*hostile).into()),
            status: if i % 2 == 0 {
                TestStatus::Failed
            } else {
                TestStatus::Flaky
            },
            runs: vec![RunStatus::Failed, RunStatus::Passed],
            message: Some(format!("{hostile}\n{}", hostile.repeat(40))),
        });
        python.behaviour_changes.push(BehaviourChange {
            file: (*hostile).into(),
            symbol: (*hostile).into(),
            input: (*hostile).into(),
            base: Observation::Returned {
                value: (*hostile).into(),
            },
            head: Observation::Raised {
                error: (*hostile).into(),
                message: (*hostile).into(),
            },
        });
        python.findings.push(Finding {
            tool: "bandit".into(),
            rule: (*hostile).into(),
            severity: Severity::Low,
            path: (*hostile).into(),
            line: 3,
            message: (*hostile).into(),
            on_changed_line: true,
        });
        python.problems.push(Problem {
            path: Some((*hostile).into()),
            line: Some(1),
            kind: ProblemKind::ImportError,
            message: (*hostile).into(),
            missing_module: Some((*hostile).into()),
            same_on_base: Some(true),
        });
        python.notes.push((*hostile).into());
        results.skipped_files.push(SkippedFile {
            path: (*hostile).into(),
            reason: (*hostile).into(),
        });
    }
    python.outcome = SandboxOutcome::Crashed {
        exit_code: 1,
        message: HOSTILE[0].into(),
    };
    python.logs.stderr = HOSTILE.join("\n");
    results.head.name = HOSTILE[1].into();
    results
}

/// Renders Markdown the way GitHub does for comments: GFM with raw HTML allowed (GitHub then sanitises it,
/// but ato must not rely on that).
fn render_like_github(md: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.render.r#unsafe = true;
    comrak::markdown_to_html(md, &options)
}

/// Text outside `<code>` and `<pre>` elements of rendered HTML: where GitHub would look for mentions.
fn text_outside_code(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<code") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</code>")
            .map_or(rest.len(), |e| start + e + "</code>".len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn hostile_text_cannot_inject_html_markdown_or_mentions_into_the_comment() {
    let results = hostile_results();
    let md = markdown(&results, &ReportLinks::default());
    let html = render_like_github(&md);
    for bad in [
        "<script",
        "<img",
        "<h1",
        "Injected heading</h",
        "href=\"javascript",
        "<strong>bold",
    ] {
        assert!(!html.contains(bad), "{bad} got through:\n{html}");
    }
    assert_eq!(
        html.matches("<details>").count(),
        html.matches("</details>").count(),
        "{html}"
    );
    // Our own folding is the only <details> there is: one per long failure message (the fixture's pytest
    // failure and the hostile failing tests) and one for the crashed runner's output.
    let long_failures = 1 + HOSTILE.iter().step_by(2).count();
    assert_eq!(
        html.matches("<details>").count(),
        long_failures + 1,
        "{html}"
    );
    let outside = text_outside_code(&html);
    assert!(
        !outside.contains("@everyone") && !outside.contains("@octocat"),
        "{outside}"
    );
    assert!(!outside.contains("#123"), "{outside}");
    // Every findings row keeps its six cells: pipes in the text did not split them.
    let table = html
        .split("<h3>🔎")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    for row in table.split("<tr>").skip(2) {
        assert_eq!(row.matches("<td").count(), 5, "{row}");
    }
}

#[test]
fn hostile_text_is_escaped_in_the_html_page() {
    let results = hostile_results();
    let sources = vec![("tests/ato/test_ato_size.py".to_string(), HOSTILE.join("\n"))];
    let page = html(&results, &sources);
    for bad in ["<script", "<img", "href=\"javascript", "<strong>bold"] {
        assert!(!page.contains(bad), "{bad} got through");
    }
    assert_eq!(page.matches("<h1").count(), 1, "only the banner's heading");
    assert!(page.contains("&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn a_huge_run_is_trimmed_under_githubs_comment_limit() {
    let mut results = all_fixtures();
    let python = &mut results.runners[0];
    for i in 0..3_000 {
        python.tests.push(TestCase {
            id: format!("tests.test_many::test_{i}"),
            file: "tests/test_many.py".into(),
            kind: TestKind::Property,
            target: None,
            status: if i % 3 == 0 {
                TestStatus::Flaky
            } else {
                TestStatus::Failed
            },
            runs: vec![RunStatus::Failed, RunStatus::Passed, RunStatus::Failed],
            message: Some(format!("AssertionError: {}", "x".repeat(1_400))),
        });
        python.notes.push(format!("note {i}"));
    }
    let links = ReportLinks {
        report: Some("https://ato.example/reports/01JTESTRUN/token".into()),
        patch: Some("https://ato.example/reports/01JTESTRUN/token/ato-tests.patch".into()),
    };
    let md = markdown(&results, &links);
    assert!(
        md.chars().count() <= COMMENT_BUDGET,
        "{} chars",
        md.chars().count()
    );
    assert!(md.starts_with("## ❌ ato: failure"));
    assert!(
        md.contains("| Python | completed |"),
        "the table is never trimmed"
    );
    assert!(md.contains("more in the full report."));
    assert!(
        md.contains("### ⚠️ Behaviour changes"),
        "later sections keep their heading"
    );
    assert!(md.contains("[Full report](https://ato.example/reports/01JTESTRUN/token)"));
    assert!(md.contains(
        "[Tests you can add](https://ato.example/reports/01JTESTRUN/token/ato-tests.patch)"
    ));
    let html = render_like_github(&md);
    assert_eq!(
        html.matches("<details>").count(),
        html.matches("</details>").count()
    );
}

#[test]
fn a_runner_that_did_not_finish_is_reported_with_its_last_output() {
    let mut runner = runner_result(
        Runner::Node,
        node_targets(),
        collected("node", &node_targets()),
    );
    runner.outcome = SandboxOutcome::OutOfMemory {
        limit_bytes: 2 * 1024 * 1024 * 1024,
    };
    runner.logs.stderr =
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory".into();
    let results = run_results(vec![runner]);
    assert_eq!(results.verdict, Verdict::Neutral);
    let md = markdown(&results, &ReportLinks::default());
    assert!(
        md.contains("**node runner** ran out of memory (limit 2048 MiB)"),
        "{md}"
    );
    assert!(md.contains("JavaScript heap out of memory"), "{md}");
    assert!(
        md.contains("| JavaScript | ran out of memory (limit 2048 MiB) |"),
        "{md}"
    );
}
