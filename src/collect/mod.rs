//! Reading what a runner wrote to its output folder (runners/PROTOCOL.md) into the results schema.
//!
//! Everything in the folder came out of a container that ran the PR's code, so it is parsed, never trusted:
//! sizes are capped, paths are checked before they reach a patch, and a report that does not parse becomes a
//! problem in the results rather than an error that loses the rest. Only a missing or invalid
//! `manifest.json` fails the whole collection: the protocol makes that a crash of the runner.
//!
//! [`from_outputs`] is pure (bytes in, results out); [`collect`] only reads the folder.

pub mod coverage;
mod folder;
mod generated;
pub mod junit;
pub mod manifest;
pub mod reruns;
pub mod static_findings;
mod xml;

pub use folder::{RunnerOutputs, Sources, read_outputs, read_sources};

use std::path::Path;

use crate::model::{
    BehaviourChange, FileCoverage, Finding, GeneratedFile, Problem, ProblemKind, TargetFile,
    TestCase,
};

/// Where the runner sees the head tree; tools sometimes write absolute paths under it.
const WORKSPACE_HEAD: &str = "/work/head/";

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
    let mut report = coverage::Report::new();
    let mut any = false;
    if let Some(bytes) = &outputs.coverage_py {
        any = true;
        match coverage::parse_coverage_py(bytes) {
            Ok(r) => report.extend(r),
            Err(e) => problems.push(tool_problem(format!("coverage/coverage.json: {e}"))),
        }
    }
    if let Some(bytes) = &outputs.lcov {
        any = true;
        report.extend(coverage::parse_lcov(&String::from_utf8_lossy(bytes)));
    }
    if let Some(bytes) = &outputs.jacoco {
        any = true;
        match coverage::parse_jacoco(&String::from_utf8_lossy(bytes)) {
            Ok(r) => report.extend(r),
            Err(e) => problems.push(tool_problem(format!("coverage/jacoco.xml: {e}"))),
        }
    }
    let restricted = coverage::restrict(&report, targets);
    if any {
        for target in targets {
            if !restricted.iter().any(|c| c.path == target.path) {
                notes.push(format!(
                    "{} never ran under the generated tests: no coverage data.",
                    target.path
                ));
            }
        }
    }
    restricted
}

fn read_findings(
    outputs: &RunnerOutputs,
    targets: &[TargetFile],
    problems: &mut Vec<Problem>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut take = |result: Result<Vec<Finding>, static_findings::FindingsError>| match result {
        Ok(found) => findings.extend(found),
        Err(e) => problems.push(tool_problem(e.to_string())),
    };
    if let Some(bytes) = &outputs.bandit {
        take(static_findings::parse_bandit(bytes, targets));
    }
    if let Some(bytes) = &outputs.eslint {
        take(static_findings::parse_eslint(bytes, targets));
    }
    if let Some(bytes) = &outputs.findbugs {
        take(static_findings::parse_findbugs(
            &String::from_utf8_lossy(bytes),
            targets,
        ));
    }
    findings
}

pub(crate) fn tool_problem(message: String) -> Problem {
    Problem {
        path: None,
        line: None,
        kind: ProblemKind::Tool,
        message,
    }
}

/// A tool's path for a file as a path relative to the repository root: drops the runner's `/work/head/` and
/// `./`, then prefers the target it names, matching a suffix (`com/x/A.java` is
/// `src/main/java/com/x/A.java`) when no target has exactly that path.
pub(crate) fn repo_path(raw: &str, targets: &[TargetFile]) -> String {
    let mut path = raw.strip_prefix(WORKSPACE_HEAD).unwrap_or(raw);
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    if targets.iter().any(|t| t.path == path) {
        return path.to_string();
    }
    let suffix = format!("/{path}");
    targets
        .iter()
        .find(|t| t.path.ends_with(&suffix))
        .map_or_else(|| path.to_string(), |t| t.path.clone())
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

    const TWO_FILES: &str = r#"{"protocol":1,"generated":[
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
        let manifest = r#"{"protocol":1,"generated":[
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
        out.bandit = Some(b"not json".to_vec());
        out.coverage_py =
            Some(br#"{"files":{"pkg/m.py":{"executed_lines":[1],"missing_lines":[2]}}}"#.to_vec());
        let collected = from_outputs(&out, &targets()).unwrap();
        assert_eq!(collected.tests.len(), 1);
        assert_eq!(collected.problems.len(), 2, "{:?}", collected.problems);
        assert!(collected.problems[0].message.starts_with("junit/run-1.xml"));
        assert_eq!(collected.coverage[0].covered, vec![1]);
        assert_eq!(collected.coverage[0].missed, vec![2]);
    }

    #[test]
    fn repo_paths_drop_workspace_prefixes_and_match_target_suffixes() {
        let targets = vec![TargetFile {
            path: "src/main/java/com/x/A.java".into(),
            language: Language::Java,
            changed_lines: vec![],
            symbols: vec![],
        }];
        assert_eq!(repo_path("/work/head/src/a.js", &targets), "src/a.js");
        assert_eq!(repo_path("././pkg/m.py", &targets), "pkg/m.py");
        assert_eq!(
            repo_path("com/x/A.java", &targets),
            "src/main/java/com/x/A.java"
        );
        assert_eq!(
            repo_path("x/A.java", &targets),
            "src/main/java/com/x/A.java"
        );
        assert_eq!(repo_path("B.java", &targets), "B.java");
    }
}
