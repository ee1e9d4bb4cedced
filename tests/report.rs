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
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git must be installed to run these tests");
    output
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
