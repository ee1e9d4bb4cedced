//! Which generated test files ato offers as "tests you can add".

use std::collections::BTreeSet;

use super::manifest::{self, Manifest};
use super::tool_problem;
use crate::model::{GeneratedFile, Problem, RunStatus, TestCase};

/// The manifest's generated files that really are in `tests/`, with `in_patch` set when every test in the file
/// passed on every run. A failing test ato cannot place in a file keeps every file out of the patch: the patch
/// is a promise that its tests pass. (An unplaced skipped test does not: it cannot make the patch fail.)
pub(crate) fn generated_files(
    manifest: &Manifest,
    tests: &[TestCase],
    test_files: &BTreeSet<String>,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<String>,
) -> Vec<GeneratedFile> {
    let passed_everywhere =
        |t: &TestCase| !t.runs.is_empty() && t.runs.iter().all(|r| *r == RunStatus::Passed);
    let known: BTreeSet<&str> = manifest.generated.iter().map(|g| g.file.as_str()).collect();
    let failed_somewhere = |t: &TestCase| {
        t.runs
            .iter()
            .any(|r| matches!(r, RunStatus::Failed | RunStatus::Error))
    };
    let unplaced_failure = tests
        .iter()
        .any(|t| !known.contains(t.file.as_str()) && failed_somewhere(t));
    if unplaced_failure {
        notes.push(
            "A test that failed could not be placed in a generated file, so no file is offered in the patch.".into(),
        );
    }
    let mut files = Vec::new();
    let mut repo_paths = BTreeSet::new();
    for entry in &manifest.generated {
        let safe = manifest::is_safe_relative_path(&entry.file)
            && entry.file.starts_with("tests/")
            && manifest::is_safe_relative_path(&entry.repo_path);
        if !safe {
            problems.push(tool_problem(format!(
                "manifest.json names an unsafe path ({} → {}); the file is left out.",
                entry.file, entry.repo_path
            )));
            continue;
        }
        if !repo_paths.insert(entry.repo_path.as_str()) {
            problems.push(tool_problem(format!(
                "manifest.json puts two files at {}; only the first is kept.",
                entry.repo_path
            )));
            continue;
        }
        if !test_files.contains(&entry.file) {
            problems.push(tool_problem(format!(
                "manifest.json names {}, which the runner did not write.",
                entry.file
            )));
            continue;
        }
        let mut own = tests.iter().filter(|t| t.file == entry.file).peekable();
        let has_tests = own.peek().is_some();
        let all_passed = own.all(passed_everywhere);
        files.push(GeneratedFile {
            path: entry.file.clone(),
            repo_path: entry.repo_path.clone(),
            in_patch: has_tests && all_passed && !unplaced_failure,
        });
    }
    files
}
