use super::*;
use crate::github::Conclusion;
use crate::model::*;

fn results(runner: RunnerResult, verdict: Verdict) -> RunResults {
    RunResults {
        schema_version: SCHEMA_VERSION,
        ato_version: "0.1.0".into(),
        run_id: "1-abc".into(),
        base: Revision {
            name: "base".into(),
            sha: Some("a".repeat(40)),
        },
        head: Revision {
            name: "head".into(),
            sha: Some("b".repeat(40)),
        },
        duration_ms: 10,
        verdict,
        summary: "1 test failed".into(),
        skipped_files: vec![],
        runners: vec![runner],
    }
}

fn runner() -> RunnerResult {
    RunnerResult {
        runner: Runner::Python,
        image: "ato-runner-python:local".into(),
        outcome: SandboxOutcome::Completed { exit_code: 0 },
        duration_ms: 5,
        targets: vec![TargetFile {
            path: "calc.py".into(),
            language: Language::Python,
            changed_lines: vec![2, 7, 8],
            symbols: vec![Symbol {
                name: "add".into(),
                kind: SymbolKind::Function,
                start_line: 5,
                end_line: 9,
                is_new: false,
            }],
        }],
        tests: vec![TestCase {
            id: "test_ato_calc::test_add".into(),
            file: "tests/test_ato_calc.py".into(),
            kind: TestKind::Doctest,
            target: Some("calc.py::add".into()),
            status: TestStatus::Failed,
            runs: vec![RunStatus::Failed],
            message: Some("expected 3, got 4".into()),
        }],
        behaviour_changes: vec![BehaviourChange {
            file: "calc.py".into(),
            symbol: "add".into(),
            input: "add(1, 2)".into(),
            base: Observation::Returned { value: "3".into() },
            head: Observation::Raised {
                error: "ValueError".into(),
                message: "no".into(),
            },
        }],
        coverage: vec![],
        findings: vec![
            Finding {
                tool: "bandit".into(),
                rule: "B324".into(),
                severity: Severity::High,
                path: "calc.py".into(),
                line: 2,
                message: "md5".into(),
                on_changed_line: true,
            },
            Finding {
                tool: "bandit".into(),
                rule: "B101".into(),
                severity: Severity::Low,
                path: "calc.py".into(),
                line: 30,
                message: "assert".into(),
                on_changed_line: false,
            },
        ],
        problems: vec![],
        notes: vec![],
        generated_files: vec![],
        logs: Logs::default(),
        model_tests: None,
        runtime: None,
    }
}

#[test]
fn annotations_land_on_changed_lines_only() {
    let annotations = annotations(&results(runner(), Verdict::Failure));
    assert_eq!(annotations.len(), 3, "{annotations:#?}");
    let failing = &annotations[0];
    assert_eq!(
        (failing.path.as_str(), failing.start_line),
        ("calc.py", 7),
        "first changed line inside add"
    );
    assert_eq!(failing.level, AnnotationLevel::Failure);
    assert!(failing.message.contains("expected 3, got 4"));
    let change = &annotations[1];
    assert_eq!(change.start_line, 7);
    assert!(change.message.contains("add(1, 2)") && change.message.contains("ValueError"));
    assert_eq!(annotations[2].start_line, 2);
    assert!(
        annotations.iter().all(|a| a.start_line != 30),
        "the unchanged line 30 is not annotated"
    );
}

#[test]
fn behaviour_changes_of_one_function_are_one_annotation() {
    let mut runner = runner();
    let mut second = runner.behaviour_changes[0].clone();
    second.input = "add(5, 6)".into();
    runner.behaviour_changes.push(second);
    let annotations = annotations(&results(runner, Verdict::Failure));
    let changes: Vec<_> = annotations
        .iter()
        .filter(|a| {
            a.title
                .as_deref()
                .is_some_and(|t| t.starts_with("Behaviour changed"))
        })
        .collect();
    assert_eq!(changes.len(), 1, "{annotations:#?}");
    assert_eq!(
        changes[0].title.as_deref(),
        Some("Behaviour changed: add (2 inputs)")
    );
    assert!(changes[0].message.contains("add(1, 2)") && changes[0].message.contains("add(5, 6)"));
}

#[test]
fn a_symbol_whose_lines_did_not_change_gets_no_annotation() {
    let mut runner = runner();
    runner.targets[0].changed_lines = vec![2];
    let annotations = annotations(&results(runner, Verdict::Failure));
    assert_eq!(
        annotations.len(),
        1,
        "only the finding on line 2: {annotations:#?}"
    );
}

#[test]
fn settings_warnings_lead_the_check_text() {
    let results = results(runner(), Verdict::Failure);
    let output = check_output(
        &results,
        "report",
        &["unknown setting `foo`\nsecond line".into()],
    );
    assert_eq!(output.title, "1 test failed");
    assert_eq!(
        output.text.as_deref(),
        Some("> [!WARNING]\n> unknown setting `foo` second line\n\nreport")
    );
}

#[test]
fn verdicts_map_to_check_conclusions() {
    assert_eq!(conclusion(Verdict::Success), Conclusion::Success);
    assert_eq!(conclusion(Verdict::Failure), Conclusion::Failure);
    assert_eq!(conclusion(Verdict::Neutral), Conclusion::Neutral);
}
