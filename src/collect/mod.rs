//! Reading what a runner wrote to its output folder (runners/PROTOCOL.md) into the results schema: the
//! manifest, the JUnit XML of each run, and ato's own `coverage.json` and `findings.json`, into which each
//! runner converts its tools' reports (the tools' own formats are the harnesses' business).
//!
//! Everything in the folder came out of a container that ran the PR's code, so it is parsed, never trusted:
//! sizes are capped, paths are checked before they reach a patch, and a report that does not parse becomes a
//! problem in the results rather than an error that loses the rest. Only a missing or invalid
//! `manifest.json` fails the whole collection: the protocol makes that a crash of the runner.
//!
//! [`from_outputs`] is pure (bytes in, results out); [`collect`] only reads the folder.

#[cfg(test)]
mod contract_tests;
pub(crate) mod coverage;
pub(crate) mod findings;
mod folder;
mod generated;
pub(crate) mod junit;
pub(crate) mod manifest;
pub(crate) mod reruns;
mod xml;

pub use folder::read_sources;

pub(crate) use folder::{RunnerOutputs, read_outputs};

use std::path::Path;

use crate::model::{
    BehaviourChange, FileCoverage, Finding, GeneratedFile, Problem, ProblemKind, TargetFile,
    TestCase,
};

/// The runner protocol version (runners/PROTOCOL.md) this host speaks: it writes it into `plan.json` and
/// reads only outputs that carry it.
pub const PROTOCOL_VERSION: u32 = 2;

/// What a runner's output folder says, ready to go into a `RunnerResult`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collected {
    pub tests: Vec<TestCase>,
    pub behaviour_changes: Vec<BehaviourChange>,
    pub coverage: Vec<FileCoverage>,
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    pub notes: Vec<String>,
    pub generated_files: Vec<GeneratedFile>,
}

/// Why the output folder could not be read at all. The engine reports the runner as crashed with this message.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("the runner exited without writing manifest.json")]
    MissingManifest,
    #[error(transparent)]
    Manifest(#[from] manifest::ManifestError),
    #[error("cannot read the runner's output {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Reads a runner's output folder and turns it into results for `targets` (the files the runner was given).
pub fn collect(out_dir: &Path, targets: &[TargetFile]) -> Result<Collected, CollectError> {
    from_outputs(&read_outputs(out_dir)?, targets)
}

/// Turns the raw outputs into results. Pure, so every format quirk is testable without a container.
pub fn from_outputs(
    outputs: &RunnerOutputs,
    targets: &[TargetFile],
) -> Result<Collected, CollectError> {
    let manifest = manifest::parse(
        outputs
            .manifest
            .as_deref()
            .ok_or(CollectError::MissingManifest)?,
    )?;
    let mut problems = manifest.problems.clone();
    let mut notes = manifest.notes.clone();
    for message in &outputs.unreadable {
        problems.push(tool_problem(message.clone()));
    }

    let mut runs = Vec::new();
    for (name, bytes) in &outputs.junit_runs {
        match junit::parse_run(&String::from_utf8_lossy(bytes)) {
            Ok(cases) => runs.push(cases),
            Err(e) => problems.push(tool_problem(format!("junit/{name}: {e}"))),
        }
    }
    let tests = reruns::merge(&runs, &manifest);
    if outputs.junit_runs.is_empty() && !manifest.generated.is_empty() {
        notes.push("No JUnit results: the generated tests did not run.".into());
    }

    let coverage = read_coverage(outputs, targets, &mut problems, &mut notes);
    let findings = read_findings(outputs, targets, &mut problems);
    let generated_files = generated::generated_files(
        &manifest,
        &tests,
        &outputs.test_files,
        &mut problems,
        &mut notes,
    );

    Ok(Collected {
        tests,
        behaviour_changes: manifest.behaviour_changes,
        coverage,
        findings,
        problems,
        notes,
        generated_files,
    })
}

fn read_coverage(
    outputs: &RunnerOutputs,
    targets: &[TargetFile],
    problems: &mut Vec<Problem>,
    notes: &mut Vec<String>,
) -> Vec<FileCoverage> {
    let Some(bytes) = &outputs.coverage else {
        return Vec::new();
    };
    let restricted = match coverage::parse(bytes) {
        Ok(file) => coverage::restrict(&file, targets),
        Err(e) => {
            problems.push(tool_problem(e.to_string()));
            Vec::new()
        }
    };
    for target in targets {
        if !restricted.iter().any(|c| c.path == target.path) {
            notes.push(format!(
                "{} never ran under the generated tests: no coverage data.",
                target.path
            ));
        }
    }
    restricted
}

fn read_findings(
    outputs: &RunnerOutputs,
    targets: &[TargetFile],
    problems: &mut Vec<Problem>,
) -> Vec<Finding> {
    let Some(bytes) = &outputs.findings else {
        return Vec::new();
    };
    match findings::parse(bytes) {
        Ok(file) => findings::findings(file, targets),
        Err(e) => {
            problems.push(tool_problem(e.to_string()));
            Vec::new()
        }
    }
}

pub(crate) fn tool_problem(message: String) -> Problem {
    Problem {
        path: None,
        line: None,
        kind: ProblemKind::Tool,
        message,
        missing_module: None,
        same_on_base: None,
    }
}

/// Cuts `text` to `max` characters, marking the cut.
pub(crate) fn cap_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}… (cut)", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Language, TestStatus};

    fn targets() -> Vec<TargetFile> {
        vec![TargetFile {
            path: "pkg/m.py".into(),
            language: Language::Python,
            changed_lines: vec![1, 2],
            symbols: vec![],
        }]
    }

    fn junit(cases: &[(&str, &str, bool)]) -> Vec<u8> {
        let mut xml = String::from("<testsuites><testsuite>");
        for (classname, name, passed) in cases {
            xml.push_str(&format!(
                "<testcase classname=\"{classname}\" name=\"{name}\">"
            ));
            if !passed {
                xml.push_str("<failure message=\"boom\">trace</failure>");
            }
            xml.push_str("</testcase>");
        }
        xml.push_str("</testsuite></testsuites>");
        xml.into_bytes()
    }

    fn outputs(manifest: &str, runs: Vec<Vec<u8>>, files: &[&str]) -> RunnerOutputs {
        RunnerOutputs {
            manifest: Some(manifest.as_bytes().to_vec()),
            junit_runs: runs
                .into_iter()
                .enumerate()
                .map(|(i, r)| (format!("run-{}.xml", i + 1), r))
                .collect(),
            test_files: files.iter().map(|f| f.to_string()).collect(),
            ..RunnerOutputs::default()
        }
    }

    const TWO_FILES: &str = r#"{"protocol":2,"generated":[
        {"file":"tests/test_a.py","repo_path":"tests/ato/test_a.py"},
        {"file":"tests/test_b.py","repo_path":"tests/ato/test_b.py"}]}"#;

    #[test]
    fn a_missing_or_broken_manifest_fails_the_collection() {
        let none = RunnerOutputs::default();
        assert!(matches!(
            from_outputs(&none, &targets()),
            Err(CollectError::MissingManifest)
        ));
        let broken = outputs("{", vec![], &[]);
        assert!(matches!(
            from_outputs(&broken, &targets()),
            Err(CollectError::Manifest(_))
        ));
    }

    #[test]
    fn only_files_whose_tests_passed_every_run_go_in_the_patch() {
        let runs = vec![
            junit(&[("tests.test_a", "t1", true), ("tests.test_b", "t2", true)]),
            junit(&[("tests.test_a", "t1", true), ("tests.test_b", "t2", false)]),
        ];
        let collected = from_outputs(
            &outputs(TWO_FILES, runs, &["tests/test_a.py", "tests/test_b.py"]),
            &targets(),
        )
        .unwrap();
        assert_eq!(collected.tests[1].status, TestStatus::Flaky);
        let in_patch: Vec<_> = collected
            .generated_files
            .iter()
            .map(|g| (g.path.as_str(), g.in_patch))
            .collect();
        assert_eq!(
            in_patch,
            vec![("tests/test_a.py", true), ("tests/test_b.py", false)]
        );
    }

    #[test]
    fn a_failure_ato_cannot_place_keeps_every_file_out_of_the_patch() {
        let runs = vec![junit(&[
            ("tests.test_a", "t1", true),
            ("test", "unplaced", false),
        ])];
        let collected = from_outputs(
            &outputs(TWO_FILES, runs, &["tests/test_a.py", "tests/test_b.py"]),
            &targets(),
        )
        .unwrap();
        assert!(collected.generated_files.iter().all(|g| !g.in_patch));
        assert!(
            collected
                .notes
                .iter()
                .any(|n| n.contains("could not be placed")),
            "{:?}",
            collected.notes
        );
    }

    #[test]
    fn unsafe_or_missing_generated_paths_are_problems_not_patch_entries() {
        let manifest = r#"{"protocol":2,"generated":[
            {"file":"tests/a.py","repo_path":"../../etc/cron.d/x"},
            {"file":"../secret","repo_path":"tests/ok.py"},
            {"file":"tests/gone.py","repo_path":"tests/gone.py"},
            {"file":"tests/b.py","repo_path":"tests/ato/b.py\n+++ b/evil"},
            {"file":"tests/b.py","repo_path":"tests/ato/b.py"},
            {"file":"tests/a.py","repo_path":"tests/ato/b.py"}]}"#;
        let collected = from_outputs(
            &outputs(manifest, vec![], &["tests/a.py", "tests/b.py"]),
            &targets(),
        )
        .unwrap();
        let kept: Vec<_> = collected
            .generated_files
            .iter()
            .map(|g| g.repo_path.as_str())
            .collect();
        assert_eq!(kept, vec!["tests/ato/b.py"]);
        assert_eq!(collected.problems.len(), 5, "{:?}", collected.problems);
        assert!(
            collected.problems[4]
                .message
                .contains("two files at tests/ato/b.py")
        );
        assert!(
            collected
                .problems
                .iter()
                .all(|p| p.kind == ProblemKind::Tool)
        );
    }

    #[test]
    fn a_broken_report_is_a_problem_and_the_rest_is_kept() {
        let mut out = outputs(
            TWO_FILES,
            vec![
                b"<testsuite><testcase".to_vec(),
                junit(&[("tests.test_a", "t", true)]),
            ],
            &["tests/test_a.py", "tests/test_b.py"],
        );
        out.findings = Some(b"not json".to_vec());
        out.coverage = Some(
            br#"{"protocol":2,"tool":"coverage.py","files":[{"path":"pkg/m.py","executed":[1],"missing":[2]}]}"#
                .to_vec(),
        );
        let collected = from_outputs(&out, &targets()).unwrap();
        assert_eq!(collected.tests.len(), 1);
        assert_eq!(collected.problems.len(), 2, "{:?}", collected.problems);
        assert!(collected.problems[0].message.starts_with("junit/run-1.xml"));
        assert_eq!(collected.coverage[0].covered, vec![1]);
        assert_eq!(collected.coverage[0].missed, vec![2]);
    }
}
