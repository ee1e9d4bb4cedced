//! The sample run the report tests render: the runner outputs under `tests/fixtures/runner-out` collected
//! for Python, JavaScript and Java, with fixed ids, revisions and durations, so its rendering never changes
//! unless the renderer does.

use std::path::{Path, PathBuf};

use ato::collect::{Collected, collect, read_sources};
use ato::model::{
    Language, Logs, Revision, RunResults, Runner, RunnerResult, SandboxOutcome, SkippedFile,
    TargetFile, TestCase,
};
use ato::report::verdict;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runner-out")
}

fn target(path: &str, language: Language, changed_lines: &[u32]) -> TargetFile {
    TargetFile {
        path: path.into(),
        language,
        changed_lines: changed_lines.to_vec(),
        symbols: vec![],
    }
}

pub fn python_targets() -> Vec<TargetFile> {
    vec![target(
        "pkg/calc.py",
        Language::Python,
        &[11, 12, 13, 16, 17, 18, 21, 22, 23, 24],
    )]
}

pub fn node_targets() -> Vec<TargetFile> {
    vec![target(
        "src/slug.js",
        Language::JavaScript,
        &[1, 2, 3, 9, 10],
    )]
}

pub fn java_targets() -> Vec<TargetFile> {
    vec![target(
        "src/main/java/com/example/Calc.java",
        Language::Java,
        &[5, 6, 10, 11, 12, 20],
    )]
}

pub fn collected(runner: &str, targets: &[TargetFile]) -> Collected {
    collect(&fixtures().join(runner), targets).unwrap_or_else(|e| panic!("{runner}: {e}"))
}

pub fn test<'a>(c: &'a Collected, id: &str) -> &'a TestCase {
    c.tests
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no test {id} in {:?}", c.tests))
}

pub fn runner_result(runner: Runner, targets: Vec<TargetFile>, c: Collected) -> RunnerResult {
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
        runtime: None,
    }
}

pub fn run_results(runners: Vec<RunnerResult>) -> RunResults {
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

pub fn all_fixtures() -> RunResults {
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
pub fn fixture_sources(results: &RunResults) -> Vec<(String, String)> {
    let mut sources = Vec::new();
    for (runner, folder) in results.runners.iter().zip(["python", "node", "java"]) {
        let read = read_sources(&fixtures().join(folder), &runner.generated_files).unwrap();
        assert!(read.unreadable.is_empty(), "{:?}", read.unreadable);
        sources.extend(read.files);
    }
    sources
}
