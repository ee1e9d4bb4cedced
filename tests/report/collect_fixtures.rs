//! The sample runner outputs, read by `collect`.

use ato::collect::collect;
use ato::model::{ProblemKind, RunStatus, Severity, TestKind, TestStatus};

use crate::sample::{collected, java_targets, node_targets, python_targets, test};

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
