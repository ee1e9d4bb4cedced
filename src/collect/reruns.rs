//! Joining the JUnit runs of the same tests: a test's verdict comes from all its runs, which is how flaky
//! tests are told apart from broken ones, and its kind and target come from the manifest.

use std::collections::HashMap;

use super::junit::JunitCase;
use super::manifest::{BaseOutcome, Manifest, TestEntry};
use crate::model::{RunStatus, TestCase, TestKind, TestStatus};

/// The verdict over all runs: skipped runs do not count; all passed → passed, all failed → failed, mixed →
/// flaky, nothing but skips → skipped.
pub fn status_over_runs(runs: &[RunStatus]) -> TestStatus {
    let ran: Vec<bool> = runs
        .iter()
        .filter(|r| **r != RunStatus::Skipped)
        .map(|r| *r == RunStatus::Passed)
        .collect();
    match (ran.iter().any(|p| *p), ran.iter().any(|p| !*p)) {
        (false, false) => TestStatus::Skipped,
        (true, false) => TestStatus::Passed,
        (false, true) => TestStatus::Failed,
        (true, true) => TestStatus::Flaky,
    }
}

/// Joins the runs (in run order) into one [`TestCase`] per test id, in order of first appearance, with kind,
/// target and file from the manifest. Tests missing from the manifest are `smoke`, and their file is guessed
/// from the class name (`tests.test_x` → `tests/test_x.py`); it is empty when no generated file matches.
///
/// An id can repeat within a run (`node:test` names cases `test::<name>` whatever their `describe`): the
/// n-th occurrence in a run is joined with the n-th of the other runs and reported as `<id> (n)`, so two
/// different tests are never mistaken for one flaky test.
pub fn merge(runs: &[Vec<JunitCase>], manifest: &Manifest) -> Vec<TestCase> {
    let known: HashMap<&str, _> = manifest.tests.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut order: Vec<TestCase> = Vec::new();
    let mut index: HashMap<(String, usize), usize> = HashMap::new();
    for run in runs {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for case in run {
            let occurrence = seen.entry(case.id.as_str()).or_insert(0);
            *occurrence += 1;
            let occurrence = *occurrence;
            let at = *index
                .entry((case.id.clone(), occurrence))
                .or_insert_with(|| {
                    let entry = known.get(case.id.as_str());
                    order.push(TestCase {
                        id: if occurrence == 1 {
                            case.id.clone()
                        } else {
                            format!("{} ({occurrence})", case.id)
                        },
                        file: entry
                            .map(|e| e.file.clone())
                            .unwrap_or_else(|| guess_file(case, manifest)),
                        kind: entry.map_or(TestKind::Smoke, |e| e.kind),
                        target: entry.and_then(|e| e.target.clone()),
                        status: TestStatus::Skipped,
                        runs: Vec::new(),
                        message: None,
                    });
                    order.len() - 1
                });
            let test = &mut order[at];
            test.runs.push(case.status);
            if test.message.is_none() && case.message.is_some() {
                test.message = case.message.clone();
            }
        }
    }
    for test in &mut order {
        test.status = status_over_runs(&test.runs);
        let id = test.id.as_str();
        if let Some(entry) = known.get(id) {
            judge_failure(test, entry);
        }
    }
    order
}

/// What the runner found out about a test that failed on every run: ato's fault (its reason becomes the
/// message), or failing on base too. A test that did not fail on every run keeps its status whatever the
/// runner says.
fn judge_failure(test: &mut TestCase, entry: &TestEntry) {
    if test.status != TestStatus::Failed {
        return;
    }
    if let Some(reason) = &entry.ato_fault {
        test.status = TestStatus::NotRunnable;
        test.message = Some(reason.clone());
    } else if entry.on_base == Some(BaseOutcome::Failed) {
        test.status = TestStatus::FailsOnBase;
    }
}

/// The generated file whose path without extension ends with the class name's dotted path. pytest writes
/// collection errors with an empty class name and the module as the name, so the name is tried then.
fn guess_file(case: &JunitCase, manifest: &Manifest) -> String {
    let dotted = if case.classname.is_empty() {
        &case.name
    } else {
        &case.classname
    };
    let wanted = dotted.replace('.', "/");
    if wanted.is_empty() {
        return String::new();
    }
    manifest
        .generated
        .iter()
        .map(|g| &g.file)
        .find(|file| {
            let stem = file
                .rsplit_once('.')
                .map_or(file.as_str(), |(stem, _)| stem);
            stem == wanted || stem.ends_with(&format!("/{wanted}"))
        })
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::manifest::{GeneratedEntry, TestEntry};

    fn manifest(tests: Vec<TestEntry>, generated: &[&str]) -> Manifest {
        Manifest {
            protocol: 1,
            generated: generated
                .iter()
                .map(|f| GeneratedEntry {
                    file: f.to_string(),
                    repo_path: format!("r/{f}"),
                })
                .collect(),
            tests,
            behaviour_changes: vec![],
            problems: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn status_over_runs_tells_flaky_from_failed() {
        use RunStatus::*;
        assert_eq!(status_over_runs(&[Passed, Passed]), TestStatus::Passed);
        assert_eq!(
            status_over_runs(&[Failed, Error, Failed]),
            TestStatus::Failed
        );
        assert_eq!(
            status_over_runs(&[Passed, Failed, Passed]),
            TestStatus::Flaky
        );
        assert_eq!(status_over_runs(&[Skipped, Skipped]), TestStatus::Skipped);
        assert_eq!(status_over_runs(&[Skipped, Passed]), TestStatus::Passed);
        assert_eq!(status_over_runs(&[]), TestStatus::Skipped);
    }

    #[test]
    fn merge_joins_runs_with_the_manifest() {
        let case = |id: &str, status, message: Option<&str>| {
            let (classname, name) = id.split_once("::").unwrap();
            JunitCase {
                id: id.into(),
                classname: classname.into(),
                name: name.into(),
                status,
                message: message.map(Into::into),
            }
        };
        let runs = vec![
            vec![
                case("tests.t::a", RunStatus::Passed, None),
                case("tests.t::b", RunStatus::Failed, Some("first")),
            ],
            vec![
                case("tests.t::b", RunStatus::Failed, Some("second")),
                case("tests.t::a", RunStatus::Failed, Some("x")),
            ],
        ];
        let m = manifest(
            vec![TestEntry {
                id: "tests.t::b".into(),
                file: "tests/t.py".into(),
                kind: TestKind::Doctest,
                target: Some("pkg/m.py::f".into()),
                on_base: None,
                ato_fault: None,
            }],
            &["tests/t.py"],
        );
        let tests = merge(&runs, &m);
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0].id, "tests.t::a");
        assert_eq!(tests[0].status, TestStatus::Flaky);
        assert_eq!(tests[0].kind, TestKind::Smoke);
        assert_eq!(tests[0].file, "tests/t.py", "guessed from the class name");
        assert_eq!(tests[0].message.as_deref(), Some("x"));
        assert_eq!(tests[1].status, TestStatus::Failed);
        assert_eq!(tests[1].runs, vec![RunStatus::Failed, RunStatus::Failed]);
        assert_eq!(tests[1].kind, TestKind::Doctest);
        assert_eq!(tests[1].target.as_deref(), Some("pkg/m.py::f"));
        assert_eq!(tests[1].message.as_deref(), Some("first"));
    }

    #[test]
    fn what_the_runner_found_about_a_failure_decides_whose_it_is() {
        let entry = |id: &str, on_base, ato_fault: Option<&str>| TestEntry {
            id: id.into(),
            file: "tests/t.py".into(),
            kind: TestKind::Property,
            target: None,
            on_base,
            ato_fault: ato_fault.map(Into::into),
        };
        let m = manifest(
            vec![
                entry("t::changed", Some(BaseOutcome::Passed), None),
                entry("t::same", Some(BaseOutcome::Failed), None),
                entry("t::broken", None, Some("Hypothesis could not run it")),
                entry("t::flaky", Some(BaseOutcome::Failed), Some("ignored")),
            ],
            &["tests/t.py"],
        );
        let case = |name: &str, status| JunitCase {
            id: format!("t::{name}"),
            classname: "t".into(),
            name: name.into(),
            status,
            message: Some("assert False".into()),
        };
        let run = |flaky| {
            vec![
                case("changed", RunStatus::Failed),
                case("same", RunStatus::Failed),
                case("broken", RunStatus::Error),
                case("flaky", flaky),
            ]
        };
        let tests = merge(&[run(RunStatus::Failed), run(RunStatus::Passed)], &m);
        let statuses: Vec<_> = tests.iter().map(|t| t.status).collect();
        assert_eq!(
            statuses,
            [
                TestStatus::Failed,
                TestStatus::FailsOnBase,
                TestStatus::NotRunnable,
                TestStatus::Flaky
            ]
        );
        assert_eq!(
            tests[2].message.as_deref(),
            Some("Hypothesis could not run it")
        );
        assert_eq!(tests[3].message.as_deref(), Some("assert False"));
    }

    #[test]
    fn guesses_files_for_java_classes_and_pytest_collection_errors() {
        let m = manifest(
            vec![],
            &["tests/com/example/CalcTest.java", "tests/test_y.py"],
        );
        let case = |classname: &str, name: &str| JunitCase {
            id: format!("{classname}::{name}"),
            classname: classname.into(),
            name: name.into(),
            status: RunStatus::Error,
            message: None,
        };
        assert_eq!(
            guess_file(&case("com.example.CalcTest", "a()"), &m),
            "tests/com/example/CalcTest.java"
        );
        assert_eq!(guess_file(&case("", "tests.test_y"), &m), "tests/test_y.py");
        assert_eq!(guess_file(&case("test", "slugify works"), &m), "");
    }

    #[test]
    fn repeated_ids_in_a_run_stay_apart() {
        let case = |name: &str, status| JunitCase {
            id: format!("test::{name}"),
            classname: "test".into(),
            name: name.into(),
            status,
            message: None,
        };
        let run = || {
            vec![
                case("works", RunStatus::Passed),
                case("works", RunStatus::Failed),
            ]
        };
        let tests = merge(&[run(), run()], &manifest(vec![], &[]));
        let seen: Vec<_> = tests.iter().map(|t| (t.id.as_str(), t.status)).collect();
        assert_eq!(
            seen,
            vec![
                ("test::works", TestStatus::Passed),
                ("test::works (2)", TestStatus::Failed)
            ]
        );
    }
}
