//! End to end: sample runner outputs (tests/fixtures/runner-out) → collect → results → report files, and the
//! patch checked by a real `git apply`.

use std::path::{Path, PathBuf};
use std::process::Command;

use ato::collect::{Collected, collect, read_sources};
use ato::model::{
    BehaviourChange, Finding, Language, Logs, Observation, Problem, ProblemKind, Revision,
    RunResults, RunStatus, Runner, RunnerResult, SandboxOutcome, Severity, SkippedFile, TargetFile,
    TestCase, TestKind, TestStatus, Verdict,
};
use ato::report::patch::patch;
use ato::report::{COMMENT_BUDGET, ReportLinks, html, markdown, verdict, write};

#[path = "report/collect_fixtures.rs"]
mod collect_fixtures;
#[path = "report/rendering.rs"]
mod rendering;

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
        model_tests: None,
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

/// The generated test files of the fixtures, as (repo_path, contents), read back as the engine would.
fn fixture_sources(results: &RunResults) -> Vec<(String, String)> {
    let mut sources = Vec::new();
    for (runner, folder) in results.runners.iter().zip(["python", "node", "java"]) {
        let read = read_sources(&fixtures().join(folder), &runner.generated_files).unwrap();
        assert!(read.unreadable.is_empty(), "{:?}", read.unreadable);
        sources.extend(read.files);
    }
    sources
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
    let severities: Vec<_> = md
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(" |").next())
        .collect();
    let findings: Vec<_> = severities
        .into_iter()
        .filter(|s| ["High", "Medium", "Low"].contains(s))
        .collect();
    assert_eq!(
        findings,
        vec!["High", "Medium", "Medium", "Low"],
        "most severe first"
    );
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

/// The whole comment for the sample outputs, compared with `tests/fixtures/runner-out/expected-report.md` so a
/// reviewer sees what a change does to it. `ATO_UPDATE_GOLDEN=1 cargo test --test report` rewrites the file.
#[test]
fn the_comment_for_the_sample_outputs_matches_the_golden_file() {
    let results = all_fixtures();
    let links = ReportLinks {
        report: Some("https://ato.example/reports/01JTESTRUN/token".into()),
        patch: Some("https://ato.example/reports/01JTESTRUN/token/ato-tests.patch".into()),
    };
    let md = markdown(&results, &links);
    let golden = fixtures().join("expected-report.md");
    if std::env::var_os("ATO_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &md).unwrap();
    }
    let expected = std::fs::read_to_string(&golden)
        .expect("expected-report.md (ATO_UPDATE_GOLDEN=1 writes it)");
    pretty_assertions::assert_eq!(md, expected);
}
