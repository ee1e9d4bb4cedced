//! End to end: sample runner outputs (tests/fixtures/runner-out) → collect → results → report files, and the
//! patch checked by a real `git apply`.

use std::path::{Path, PathBuf};
use std::process::Command;

use ato::collect::{Collected, collect};
use ato::model::{
    BehaviourChange, Finding, Language, Logs, Observation, Problem, ProblemKind, Revision,
    RunResults, RunStatus, Runner, RunnerResult, SandboxOutcome, Severity, SkippedFile, TargetFile,
    TestCase, TestKind, TestStatus, Verdict,
};
use ato::report::patch::patch;
use ato::report::{COMMENT_BUDGET, ReportLinks, html, markdown, verdict, write};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runner-out")
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git must be installed to run these tests")
}

#[test]
fn the_patch_applies_with_real_git_and_recreates_the_files() {
    let files: Vec<(String, String)> = vec![
        (
            "tests/ato/test_calc.py".into(),
            "from pkg import calc\n\n\ndef test_add():\n    assert calc.add(1, 2) == 3\n".into(),
        ),
        (
            "test/ato/no_newline.test.mjs".into(),
            "import test from 'node:test';\ntest('x', () => {});".into(),
        ),
        ("tests/ato/empty.py".into(), String::new()),
        ("tests/ato/crlf.py".into(), "a = 1\r\nb = 2\r\n".into()),
        ("tests/ato/with space.py".into(), "x = ' '\n".into()),
        (
            "tests/ato/ünïcode \"quoted\".py".into(),
            "# é\n+not a hunk line\n--- /dev/null\n".into(),
        ),
        (
            "src/test/java/com/example/AtoCalcTest.java".into(),
            "class AtoCalcTest {}\n\n\n".into(),
        ),
    ];
    let text = patch(&files);
    let repo = tempfile::tempdir().unwrap();
    let init = git(repo.path(), &["init", "-q"]);
    assert!(
        init.status.success(),
        "git init: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    std::fs::write(repo.path().join("ato-tests.patch"), &text).unwrap();
    let check = git(repo.path(), &["apply", "--check", "ato-tests.patch"]);
    assert!(
        check.status.success(),
        "git apply --check: {}\n{text}",
        String::from_utf8_lossy(&check.stderr)
    );
    let apply = git(repo.path(), &["apply", "ato-tests.patch"]);
    assert!(
        apply.status.success(),
        "git apply: {}",
        String::from_utf8_lossy(&apply.stderr)
    );
    for (path, contents) in &files {
        let written = std::fs::read_to_string(repo.path().join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(&written, contents, "{path}");
    }
}

fn target(path: &str, language: Language, changed_lines: &[u32]) -> TargetFile {
    TargetFile {
        path: path.into(),
        language,
        changed_lines: changed_lines.to_vec(),
        symbols: vec![],
    }
}

fn python_targets() -> Vec<TargetFile> {
    vec![target(
        "pkg/calc.py",
        Language::Python,
        &[11, 12, 13, 16, 17, 18, 21, 22, 23, 24],
    )]
}

fn node_targets() -> Vec<TargetFile> {
    vec![target(
        "src/slug.js",
        Language::JavaScript,
        &[1, 2, 3, 9, 10],
    )]
}

fn java_targets() -> Vec<TargetFile> {
    vec![target(
        "src/main/java/com/example/Calc.java",
        Language::Java,
        &[5, 6, 10, 11, 12, 20],
    )]
}

fn collected(runner: &str, targets: &[TargetFile]) -> Collected {
    collect(&fixtures().join(runner), targets).unwrap_or_else(|e| panic!("{runner}: {e}"))
}

fn test<'a>(c: &'a Collected, id: &str) -> &'a TestCase {
    c.tests
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no test {id} in {:?}", c.tests))
}

fn runner_result(runner: Runner, targets: Vec<TargetFile>, c: Collected) -> RunnerResult {
    RunnerResult {
        runner,
        image: format!("ato-runner-{}:1", runner.name()),
        outcome: SandboxOutcome::Completed { exit_code: 0 },
        duration_ms: 2_000,
        targets,
        tests: c.tests,
        behaviour_changes: c.behaviour_changes,
        coverage: c.coverage,
        findings: c.findings,
        problems: c.problems,
        notes: c.notes,
        generated_files: c.generated_files,
        logs: Logs {
            stdout: "collected 7 items\n".into(),
            stderr: String::new(),
            truncated: false,
        },
    }
}

fn run_results(runners: Vec<RunnerResult>) -> RunResults {
    let (verdict, summary) = verdict(&runners);
    RunResults {
        schema_version: ato::model::SCHEMA_VERSION,
        ato_version: "0.1.0".into(),
        run_id: "01JTESTRUN".into(),
        base: Revision {
            name: "main".into(),
            sha: Some("1111111111111111111111111111111111111111".into()),
        },
        head: Revision {
            name: "feature/calc".into(),
            sha: Some("2222222222222222222222222222222222222222".into()),
        },
        duration_ms: 12_345,
        verdict,
        summary,
        skipped_files: vec![SkippedFile {
            path: "vendor/lib.py".into(),
            reason: "vendored".into(),
        }],
        runners,
    }
}

fn all_fixtures() -> RunResults {
    run_results(vec![
        runner_result(
            Runner::Python,
            python_targets(),
            collected("python", &python_targets()),
        ),
        runner_result(
            Runner::Node,
            node_targets(),
            collected("node", &node_targets()),
        ),
        runner_result(
            Runner::Java,
            java_targets(),
            collected("java", &java_targets()),
        ),
    ])
}

/// The generated test files of the fixtures, as (repo_path, contents).
fn fixture_sources(results: &RunResults) -> Vec<(String, String)> {
    let mut sources = Vec::new();
    for (runner, folder) in results.runners.iter().zip(["python", "node", "java"]) {
        for g in &runner.generated_files {
            let contents = std::fs::read_to_string(fixtures().join(folder).join(&g.path)).unwrap();
            sources.push((g.repo_path.clone(), contents));
        }
    }
    sources
}

#[test]
fn python_outputs_made_by_real_pytest_and_bandit_are_collected() {
    let c = collected("python", &python_targets());
    assert_eq!(c.tests.len(), 7, "{:?}", c.tests);
    let doctest = test(&c, "tests.test_ato_calc::test_add_doctest");
    assert_eq!(
        (doctest.status, doctest.kind),
        (TestStatus::Passed, TestKind::Doctest)
    );
    assert_eq!(doctest.runs, vec![RunStatus::Passed; 3]);
    let negative = test(
        &c,
        "tests.test_ato_calc::test_add_characterization_negative",
    );
    assert_eq!(negative.status, TestStatus::Failed);
    assert_eq!(negative.target.as_deref(), Some("pkg/calc.py::add"));
    let message = negative.message.as_deref().unwrap();
    assert!(message.starts_with("ValueError: negative\n\n"), "{message}");
    assert!(
        message.contains("raise ValueError(\"negative\")"),
        "{message}"
    );
    let flaky = test(&c, "tests.test_ato_calc::test_size_flaky");
    assert_eq!(flaky.status, TestStatus::Flaky);
    assert_eq!(
        flaky.runs,
        vec![RunStatus::Passed, RunStatus::Failed, RunStatus::Passed]
    );
    assert!(
        flaky
            .message
            .as_deref()
            .unwrap()
            .contains("state left over from another test")
    );
    assert_eq!(
        test(&c, "tests.test_ato_calc::test_run_skipped").status,
        TestStatus::Skipped
    );
    let unlisted = test(&c, "tests.test_ato_size::test_size_small");
    assert_eq!(
        (unlisted.kind, unlisted.file.as_str()),
        (TestKind::Smoke, "tests/test_ato_size.py")
    );

    assert_eq!(c.coverage.len(), 1);
    assert_eq!(c.coverage[0].covered, vec![11, 12, 13, 16, 21, 22, 24]);
    assert_eq!(c.coverage[0].missed, vec![18, 23]);

    let rules: Vec<_> = c
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.line, f.on_changed_line))
        .collect();
    assert_eq!(
        rules,
        vec![
            ("B404", 2, false),
            ("B602", 18, true),
            ("B101", 28, false),
            ("B307", 29, false)
        ]
    );
    assert!(
        c.findings
            .iter()
            .all(|f| f.path == "pkg/calc.py" && f.tool == "bandit")
    );
    assert_eq!(c.findings[1].severity, Severity::High);

    let patchable: Vec<_> = c
        .generated_files
        .iter()
        .map(|g| (g.repo_path.as_str(), g.in_patch))
        .collect();
    assert_eq!(
        patchable,
        vec![
            ("tests/ato/test_ato_calc.py", false),
            ("tests/ato/test_ato_size.py", true)
        ]
    );
    assert_eq!(c.behaviour_changes.len(), 1);
    assert_eq!(c.problems[0].kind, ProblemKind::SyntaxError);
    assert_eq!(
        c.notes,
        vec!["Hypothesis ghostwriter skipped pkg/calc.py::run: no type hints".to_string()]
    );
}

#[test]
fn node_outputs_are_collected() {
    let c = collected("node", &node_targets());
    let statuses: Vec<_> = c.tests.iter().map(|t| (t.id.as_str(), t.status)).collect();
    assert_eq!(
        statuses,
        vec![
            ("test::slugify exports a function", TestStatus::Passed),
            ("test::slugify lower-cases words", TestStatus::Passed),
            ("test::keeps inner spaces", TestStatus::Skipped),
        ]
    );
    assert_eq!(c.coverage[0].covered, vec![1, 2, 3]);
    assert_eq!(c.coverage[0].missed, vec![9, 10]);
    let findings: Vec<_> = c
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.rule.as_str(), f.on_changed_line))
        .collect();
    assert_eq!(
        findings,
        vec![
            ("src/slug.js", "no-unused-vars", true),
            ("src/slug.js", "eqeqeq", true),
            ("src/broken.js", "parse-error", false),
        ]
    );
    assert!(c.generated_files[0].in_patch);
}

#[test]
fn java_outputs_are_collected() {
    let c = collected("java", &java_targets());
    let statuses: Vec<_> = c.tests.iter().map(|t| (t.id.as_str(), t.status)).collect();
    assert_eq!(
        statuses,
        vec![
            ("com.example.AtoCalcTest::addIsPublic()", TestStatus::Passed),
            (
                "com.example.AtoCalcTest::addKeepsSign()",
                TestStatus::Failed
            ),
            (
                "com.example.AtoCalcTest::divideByZeroThrows()",
                TestStatus::Failed
            ),
            (
                "com.example.AtoCalcTest::parsesLocale()",
                TestStatus::Skipped
            ),
        ]
    );
    assert_eq!(c.tests[2].runs, vec![RunStatus::Error, RunStatus::Error]);
    assert!(
        c.tests[1]
            .message
            .as_deref()
            .unwrap()
            .starts_with("expected: <-1> but was: <1>")
    );
    assert_eq!(c.coverage[0].path, "src/main/java/com/example/Calc.java");
    assert_eq!(c.coverage[0].covered, vec![5, 6, 10, 11]);
    assert_eq!(c.coverage[0].missed, vec![12]);
    let findings: Vec<_> = c
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.line, f.on_changed_line, f.severity))
        .collect();
    assert_eq!(
        findings,
        vec![
            ("DM_DEFAULT_ENCODING", 18, false, Severity::High),
            ("ICAST_IDIV_CAST_TO_DOUBLE", 11, true, Severity::Medium)
        ]
    );
    assert!(
        c.findings
            .iter()
            .all(|f| f.path == "src/main/java/com/example/Calc.java")
    );
    assert!(!c.generated_files[0].in_patch);
}

#[test]
fn a_folder_without_a_manifest_is_a_crash_for_the_caller() {
    let empty = tempfile::tempdir().unwrap();
    let err = collect(empty.path(), &python_targets()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the runner exited without writing manifest.json"
    );
}

#[test]
fn write_produces_the_four_files_from_the_fixtures() {
    let results = all_fixtures();
    assert_eq!(results.verdict, Verdict::Failure);
    assert_eq!(
        results.summary,
        "3 generated tests failed on every run; 2 behaviour changes between base and head; 1 flaky test listed."
    );
    let out = tempfile::tempdir().unwrap();
    write(out.path(), &results, &fixture_sources(&results)).unwrap();

    let json = std::fs::read_to_string(out.path().join("results.json")).unwrap();
    let parsed: RunResults = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, results);
    assert!(
        json.contains("\n  \"schema_version\": 1,"),
        "pretty-printed"
    );

    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(md.starts_with("## ❌ ato: failure\n"), "{md}");
    assert!(
        md.contains("| Python | completed | 4 | 1 | 1 | 1 | 1 | 77% (7/9) | 1 |"),
        "{md}"
    );
    assert!(
        md.contains("| JavaScript | completed | 2 | 0 | 0 | 1 | 0 | 60% (3/5) | 2 |"),
        "{md}"
    );
    assert!(
        md.contains("| Java | completed | 1 | 2 | 0 | 1 | 1 | 80% (4/5) | 1 |"),
        "{md}"
    );
    let at = |needle: &str| {
        md.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in {md}"))
    };
    assert!(
        at("### ❌ Failed tests (3)") < at("### ⚠️ Behaviour changes between base and head (2)")
    );
    assert!(at("### ⚠️ Behaviour changes") < at("### 🔁 Flaky tests (1)"));
    assert!(at("### 🔁 Flaky tests") < at("### 🔎 Findings on changed lines (4)"));
    assert!(at("### 🔎 Findings") < at("### 🧱 Problems (1)"));
    assert!(md.contains("- ` pkg/calc.py ` · ` add `: ` add(1, -2) ` — base returned ` -1 ` → head raised ` ValueError: negative `"));
    assert!(!md.contains("[Full report]"), "a local report has no links");

    let page = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<h2>Coverage of changed lines</h2>"));
    assert!(page.contains("did not run: 18, 23"));
    assert!(page.contains("<h2>All findings (9)</h2>"));
    assert!(page.contains("collected 7 items"), "logs are in the page");
    assert!(
        page.contains("def test_size_small():"),
        "generated tests are in the page"
    );
    assert!(page.contains("download=\"ato-tests.patch\" href=\"data:text/x-diff;base64,"));
    assert!(
        !page.contains("raw HTML omitted"),
        "the page's Markdown has no raw HTML"
    );
    for external in ["src=\"http", "href=\"http", "<script", "<link"] {
        assert!(!page.contains(external), "self-contained: {external}");
    }

    let patch_text = std::fs::read_to_string(out.path().join("ato-tests.patch")).unwrap();
    let files: Vec<_> = patch_text
        .lines()
        .filter(|l| l.starts_with("+++ "))
        .collect();
    assert_eq!(
        files,
        vec![
            "+++ b/tests/ato/test_ato_size.py",
            "+++ b/test/ato/slug.test.mjs"
        ]
    );
    let repo = tempfile::tempdir().unwrap();
    assert!(git(repo.path(), &["init", "-q"]).status.success());
    let check = git(
        repo.path(),
        &[
            "apply",
            "--check",
            out.path().join("ato-tests.patch").to_str().unwrap(),
        ],
    );
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

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
    for bad in [
        "<script",
        "<img",
        "<h1>",
        "href=\"javascript",
        "<strong>bold",
    ] {
        assert!(!page.contains(bad), "{bad} got through");
    }
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
