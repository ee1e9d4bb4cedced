//! Small builders for results in the report's unit tests.

use crate::model::{
    Language, Logs, Revision, RunResults, RunStatus, Runner, RunnerResult, SandboxOutcome,
    TargetFile, TestCase, TestKind, TestStatus,
};

pub fn runner(runner: Runner) -> RunnerResult {
    let language = match runner {
        Runner::Python => Language::Python,
        Runner::Node => Language::JavaScript,
        Runner::Java => Language::Java,
    };
    RunnerResult {
        runner,
        image: format!("ato-runner-{}:1", runner.name()),
        outcome: SandboxOutcome::Completed { exit_code: 0 },
        duration_ms: 1234,
        targets: vec![TargetFile {
            path: "pkg/m.py".into(),
            language,
            changed_lines: vec![1, 2, 3],
            symbols: vec![],
        }],
        tests: vec![],
        behaviour_changes: vec![],
        coverage: vec![],
        findings: vec![],
        problems: vec![],
        notes: vec![],
        generated_files: vec![],
        logs: Logs::default(),
        model_tests: None,
        runtime: None,
    }
}

pub fn test(id: &str, status: TestStatus) -> TestCase {
    let runs = match status {
        TestStatus::Passed => vec![RunStatus::Passed; 3],
        TestStatus::Failed | TestStatus::FailsOnBase | TestStatus::NotRunnable => {
            vec![RunStatus::Failed; 3]
        }
        TestStatus::Flaky => vec![RunStatus::Passed, RunStatus::Failed, RunStatus::Passed],
        TestStatus::Skipped => vec![RunStatus::Skipped; 3],
    };
    let message = match status {
        TestStatus::Failed | TestStatus::Flaky | TestStatus::FailsOnBase => {
            Some("assert 1 == 2".to_string())
        }
        TestStatus::NotRunnable => Some("Hypothesis could not run the generated test".to_string()),
        TestStatus::Passed | TestStatus::Skipped => None,
    };
    TestCase {
        id: id.into(),
        file: "tests/test_m.py".into(),
        kind: TestKind::Smoke,
        target: Some("pkg/m.py::f".into()),
        status,
        runs,
        message,
    }
}

pub fn results(runners: Vec<RunnerResult>) -> RunResults {
    let (verdict, summary) = crate::report::verdict::verdict(&runners);
    RunResults {
        schema_version: crate::model::SCHEMA_VERSION,
        ato_version: "0.1.0".into(),
        run_id: "run-1".into(),
        base: Revision {
            name: "main".into(),
            sha: Some("a".repeat(40)),
        },
        head: Revision {
            name: "feature".into(),
            sha: Some("b".repeat(40)),
        },
        duration_ms: 4321,
        verdict,
        summary,
        skipped_files: vec![],
        runners,
    }
}
