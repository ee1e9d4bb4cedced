//! Reading what a runner wrote to its output folder (runners/PROTOCOL.md) into the results schema.
//!
//! Everything in the folder came out of a container that ran the PR's code, so it is parsed, never trusted:
//! sizes are capped, paths are checked before they reach a patch, and a report that does not parse becomes a
//! problem in the results rather than an error that loses the rest. Only a missing or invalid
//! `manifest.json` fails the whole collection: the protocol makes that a crash of the runner.
//!
//! [`from_outputs`] is pure (bytes in, results out); [`collect`] only reads the folder.

pub mod coverage;
pub mod junit;
pub mod manifest;
pub mod static_findings;
mod xml;

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::Path;

use crate::model::{
    BehaviourChange, FileCoverage, Finding, GeneratedFile, Problem, ProblemKind, RunStatus,
    TargetFile, TestCase,
};

/// The largest output file ato reads; anything bigger is reported, not read.
pub const MAX_OUTPUT_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// The most generated files listed from `tests/`.
const MAX_TEST_FILES: usize = 10_000;
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

/// The raw files of an output folder. Each is optional: a runner writes only what applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunnerOutputs {
    pub manifest: Option<Vec<u8>>,
    /// `junit/run-N.xml`, ordered by N: (file name, contents).
    pub junit_runs: Vec<(String, Vec<u8>)>,
    pub coverage_py: Option<Vec<u8>>,
    pub lcov: Option<Vec<u8>>,
    pub jacoco: Option<Vec<u8>>,
    pub bandit: Option<Vec<u8>>,
    pub eslint: Option<Vec<u8>>,
    pub findbugs: Option<Vec<u8>>,
    /// Regular files under `tests/`, relative to the output folder (`tests/test_x.py`).
    pub test_files: BTreeSet<String>,
    /// Files that exist but were not read (too big, a link…), with why.
    pub unreadable: Vec<String>,
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
    let tests = junit::merge(&runs, &manifest);
    if outputs.junit_runs.is_empty() && !manifest.generated.is_empty() {
        notes.push("No JUnit results: the generated tests did not run.".into());
    }

    let coverage = read_coverage(outputs, targets, &mut problems, &mut notes);
    let findings = read_findings(outputs, targets, &mut problems);
    let generated_files = generated_files(
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

/// The manifest's generated files that really are in `tests/`, with `in_patch` set when every test in the file
/// passed on every run. A failing test ato cannot place in a file keeps every file out of the patch: the patch
/// is a promise that its tests pass.
fn generated_files(
    manifest: &manifest::Manifest,
    tests: &[TestCase],
    test_files: &BTreeSet<String>,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<String>,
) -> Vec<GeneratedFile> {
    let passed_everywhere =
        |t: &TestCase| !t.runs.is_empty() && t.runs.iter().all(|r| *r == RunStatus::Passed);
    let known: BTreeSet<&str> = manifest.generated.iter().map(|g| g.file.as_str()).collect();
    let unplaced_failure = tests
        .iter()
        .any(|t| !known.contains(t.file.as_str()) && !passed_everywhere(t));
    if unplaced_failure {
        notes.push(
            "A test that did not pass every run could not be placed in a generated file, so no file is offered \
             in the patch."
                .into(),
        );
    }
    let mut files = Vec::new();
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

fn tool_problem(message: String) -> Problem {
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

/// Reads the folder's known files. Links and special files are not followed, and big files are not read.
pub fn read_outputs(out_dir: &Path) -> Result<RunnerOutputs, CollectError> {
    let mut outputs = RunnerOutputs::default();
    let mut read = |relative: &str| read_capped(out_dir, relative, &mut outputs.unreadable);
    let manifest = read("manifest.json")?;
    let coverage_py = read("coverage/coverage.json")?;
    let lcov = read("coverage/lcov.info")?;
    let jacoco = read("coverage/jacoco.xml")?;
    let bandit = read("static/bandit.json")?;
    let eslint = read("static/eslint.json")?;
    let findbugs = read("static/findbugs.xml")?;
    let mut numbered = Vec::new();
    for name in list_dir(&out_dir.join("junit"))? {
        let number = name
            .strip_prefix("run-")
            .and_then(|n| n.strip_suffix(".xml"))
            .and_then(|n| n.parse::<u32>().ok());
        if let Some(number) = number {
            numbered.push((number, name));
        }
    }
    numbered.sort();
    for (_, name) in numbered {
        if let Some(bytes) = read(&format!("junit/{name}"))? {
            outputs.junit_runs.push((name, bytes));
        }
    }
    outputs.manifest = manifest;
    outputs.coverage_py = coverage_py;
    outputs.lcov = lcov;
    outputs.jacoco = jacoco;
    outputs.bandit = bandit;
    outputs.eslint = eslint;
    outputs.findbugs = findbugs;
    list_test_files(out_dir, "tests", &mut outputs.test_files)?;
    Ok(outputs)
}

fn read_capped(
    out_dir: &Path,
    relative: &str,
    unreadable: &mut Vec<String>,
) -> Result<Option<Vec<u8>>, CollectError> {
    let path = out_dir.join(relative);
    let io = |source| CollectError::Io {
        path: relative.to_string(),
        source,
    };
    let meta = match fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    if !meta.is_file() {
        unreadable.push(format!(
            "{relative} is not a regular file; it was not read."
        ));
        return Ok(None);
    }
    if meta.len() > MAX_OUTPUT_FILE_BYTES {
        unreadable.push(format!(
            "{relative} is larger than {MAX_OUTPUT_FILE_BYTES} bytes; it was not read."
        ));
        return Ok(None);
    }
    let mut bytes = Vec::new();
    fs::File::open(&path)
        .and_then(|f| f.take(MAX_OUTPUT_FILE_BYTES).read_to_end(&mut bytes))
        .map_err(io)?;
    Ok(Some(bytes))
}

/// Names of the entries of a folder, empty when it does not exist.
fn list_dir(dir: &Path) -> Result<Vec<String>, CollectError> {
    let io = |source| CollectError::Io {
        path: dir.display().to_string(),
        source,
    };
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        _ => return Ok(Vec::new()),
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        names.push(
            entry
                .map_err(io)?
                .file_name()
                .to_string_lossy()
                .into_owned(),
        );
    }
    names.sort();
    Ok(names)
}

/// Regular files under `relative`, recursively, without following links, up to [`MAX_TEST_FILES`].
fn list_test_files(
    out_dir: &Path,
    relative: &str,
    found: &mut BTreeSet<String>,
) -> Result<(), CollectError> {
    for name in list_dir(&out_dir.join(relative))? {
        if found.len() >= MAX_TEST_FILES {
            return Ok(());
        }
        let child = format!("{relative}/{name}");
        let meta =
            fs::symlink_metadata(out_dir.join(&child)).map_err(|source| CollectError::Io {
                path: child.clone(),
                source,
            })?;
        if meta.is_dir() {
            list_test_files(out_dir, &child, found)?;
        } else if meta.is_file() {
            found.insert(child);
        }
    }
    Ok(())
}
