//! The contract's example files (`runners/contract/`) read with the host's own types: every file the runners
//! write, as every harness's tests check its output against the same examples.

use super::*;
use crate::model::{LineBranches, Observation, RunStatus, Severity, TestKind};

fn example(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("runners/contract")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The target files of the example plan.
fn targets() -> Vec<TargetFile> {
    let plan: serde_json::Value = serde_json::from_slice(&example("plan.json")).unwrap();
    serde_json::from_value(plan["files"].clone()).unwrap()
}

#[test]
fn the_example_manifest_reads() {
    let m = manifest::parse(&example("manifest.json")).unwrap();
    assert_eq!(m.protocol, PROTOCOL_VERSION);
    assert_eq!(m.generated[0].repo_path, "tests/ato/test_ato_calc.py");
    let kinds: Vec<_> = m.tests.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            TestKind::Doctest,
            TestKind::Characterization,
            TestKind::Smoke,
            TestKind::Property,
            TestKind::Property
        ]
    );
    assert_eq!(m.tests[2].target, None);
    assert_eq!(m.tests[3].on_base, Some(manifest::BaseOutcome::Passed));
    assert!(
        m.tests[4]
            .ato_fault
            .as_deref()
            .unwrap()
            .contains("typing.Any")
    );
    assert!(matches!(
        m.behaviour_changes[0].base,
        Observation::Returned { .. }
    ));
    assert!(matches!(
        m.behaviour_changes[0].head,
        Observation::Raised { .. }
    ));
    assert_eq!(m.problems[0].line, Some(3));
    assert_eq!(
        (m.problems[1].path.as_deref(), m.problems[1].line),
        (None, None)
    );
    assert_eq!(
        (
            m.problems[2].missing_module.as_deref(),
            m.problems[2].same_on_base
        ),
        (Some("six"), Some(true))
    );
    assert_eq!(m.notes.len(), 1);
}

#[test]
fn the_example_coverage_reads_and_keeps_the_changed_lines() {
    let file = coverage::parse(&example("coverage.json")).unwrap();
    assert_eq!(file.tool, "coverage.py");
    let restricted = coverage::restrict(&file, &targets());
    assert_eq!(restricted.len(), 2);
    let calc = &restricted[0];
    assert_eq!(calc.path, "pkg/calc.py");
    assert_eq!(calc.covered, vec![3, 4, 5, 10]);
    assert_eq!(calc.missed, vec![11, 12]);
    assert_eq!(
        calc.branches,
        vec![
            LineBranches {
                line: 4,
                taken: 1,
                total: 2
            },
            LineBranches {
                line: 10,
                taken: 2,
                total: 2
            }
        ]
    );
    assert_eq!(
        (restricted[1].covered.clone(), restricted[1].missed.clone()),
        (vec![], vec![1, 2])
    );
}

#[test]
fn the_example_findings_read_with_their_changed_lines() {
    let file = findings::parse(&example("findings.json")).unwrap();
    let found = findings::findings(file, &targets());
    let summary: Vec<_> = found
        .iter()
        .map(|f| (f.rule.as_str(), f.severity, f.line, f.on_changed_line))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("B602", Severity::High, 12, true),
            ("B404", Severity::Low, 1, false)
        ]
    );
}

#[test]
fn the_example_validation_reads() {
    let text = String::from_utf8(example("validation.json")).unwrap();
    let checked = crate::generate::validation::parse(&text).unwrap();
    let c1 = &checked["c1"];
    assert_eq!(
        c1.runs,
        vec![RunStatus::Passed, RunStatus::Failed, RunStatus::Passed]
    );
    assert_eq!(c1.covered["pkg/calc.py"], vec![3, 4, 5]);
    assert!(!checked["c2-b"].collected);
    assert_eq!(checked["c3"].error, None);
}

#[test]
fn an_output_folder_of_the_examples_is_collected_whole() {
    let outputs = RunnerOutputs {
        manifest: Some(example("manifest.json")),
        coverage: Some(example("coverage.json")),
        findings: Some(example("findings.json")),
        test_files: ["tests/test_ato_calc.py".to_string()].into(),
        ..RunnerOutputs::default()
    };
    let collected = from_outputs(&outputs, &targets()).unwrap();
    assert_eq!(collected.coverage.len(), 2);
    assert_eq!(collected.findings.len(), 2);
    assert_eq!(collected.behaviour_changes.len(), 1);
    assert_eq!(collected.problems.len(), 3, "{:?}", collected.problems);
}
