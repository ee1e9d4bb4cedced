//! `coverage.json`: ato's own coverage file, which every runner writes whatever tool measured
//! (runners/PROTOCOL.md): per file of the head tree, the executable lines that ran and those that did not,
//! and each branching line's outcomes taken.
//!
//! Only the changed lines of each target matter to a reviewer: "did the generated tests run what this PR
//! changed?". Lines the tool does not count as executable (blank, comments, declarations) are neither covered
//! nor missed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::PROTOCOL_VERSION;
use crate::model::{FileCoverage, LineBranches, TargetFile};

#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    #[error("coverage.json is not ato's coverage file: {0}")]
    Json(#[from] serde_json::Error),
    #[error("coverage.json speaks runner protocol {found}, ato speaks {PROTOCOL_VERSION}")]
    Protocol { found: u32 },
}

/// `coverage.json`, as far as ato reads it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CoverageFile {
    pub protocol: u32,
    /// The tool whose report it was converted from (`coverage.py`, `lcov`, `jacoco`).
    #[serde(default)]
    pub tool: String,
    pub files: Vec<FileLines>,
}

/// One file's executable lines as the tool saw them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FileLines {
    /// Relative to the repository root.
    pub path: String,
    #[serde(default)]
    pub executed: Vec<u32>,
    #[serde(default)]
    pub missing: Vec<u32>,
    /// Lines that branch, where the tool measures branches.
    #[serde(default)]
    pub branches: Vec<LineBranches>,
}

/// Parses `coverage.json`.
pub fn parse(json: &[u8]) -> Result<CoverageFile, CoverageError> {
    let file: CoverageFile = serde_json::from_slice(json)?;
    if file.protocol != PROTOCOL_VERSION {
        return Err(CoverageError::Protocol {
            found: file.protocol,
        });
    }
    Ok(file)
}

/// Lines of one target, merged over the entries that name it.
#[derive(Default)]
struct Merged {
    executed: BTreeSet<u32>,
    missing: BTreeSet<u32>,
    branches: BTreeMap<u32, (u32, u32)>,
}

/// Keeps each target's changed executable lines, split into covered and missed, and the branches of its
/// changed lines, in target order. Targets the file does not mention are left out (nothing is known of them);
/// the caller says so.
pub fn restrict(file: &CoverageFile, targets: &[TargetFile]) -> Vec<FileCoverage> {
    let mut by_target: BTreeMap<&str, Merged> = BTreeMap::new();
    for entry in &file.files {
        if let Some(target) = targets.iter().find(|t| t.path == entry.path) {
            let merged = by_target.entry(target.path.as_str()).or_default();
            merged.executed.extend(&entry.executed);
            merged.missing.extend(&entry.missing);
            for branch in &entry.branches {
                let (taken, total) = merged.branches.entry(branch.line).or_default();
                *taken = taken.saturating_add(branch.taken);
                *total = total.saturating_add(branch.total);
            }
        }
    }
    targets
        .iter()
        .filter_map(|target| {
            let lines = by_target.get(target.path.as_str())?;
            let changed = || target.changed_lines.iter().copied();
            Some(FileCoverage {
                path: target.path.clone(),
                covered: changed().filter(|l| lines.executed.contains(l)).collect(),
                missed: changed()
                    .filter(|l| lines.missing.contains(l) && !lines.executed.contains(l))
                    .collect(),
                branches: changed()
                    .filter_map(|line| {
                        let (taken, total) = *lines.branches.get(&line)?;
                        Some(LineBranches { line, taken, total })
                    })
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Language;

    fn target(path: &str, changed: &[u32]) -> TargetFile {
        TargetFile {
            path: path.into(),
            language: Language::Python,
            changed_lines: changed.to_vec(),
            symbols: vec![],
        }
    }

    #[test]
    fn keeps_changed_executable_lines_only() {
        let json = br#"{"protocol":2,"tool":"coverage.py","files":[
            {"path":"pkg/calc.py","executed":[1,2,5,6],"missing":[8,9],"branches":[]},
            {"path":"pkg/other.py","executed":[1],"missing":[],"branches":[]}]}"#;
        let file = parse(json).unwrap();
        let coverage = restrict(&file, &[target("pkg/calc.py", &[2, 3, 6, 8, 20])]);
        assert_eq!(
            coverage,
            vec![FileCoverage {
                path: "pkg/calc.py".into(),
                covered: vec![2, 6],
                missed: vec![8],
                branches: vec![],
            }]
        );
    }

    #[test]
    fn a_file_listed_without_lines_is_known_and_unlisted_targets_are_left_out() {
        let json = br#"{"protocol":2,"tool":"lcov","files":[
            {"path":"src/a.js","executed":[1,3],"missing":[2]},
            {"path":"src/b.js","executed":[],"missing":[1]},
            {"path":"src/empty.js"}]}"#;
        let coverage = restrict(
            &parse(json).unwrap(),
            &[
                target("src/a.js", &[1, 2, 4]),
                target("src/b.js", &[1]),
                target("c.js", &[1]),
                target("src/empty.js", &[1]),
            ],
        );
        let lines: Vec<_> = coverage
            .iter()
            .map(|c| (c.path.as_str(), c.covered.clone(), c.missed.clone()))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("src/a.js", vec![1], vec![2]),
                ("src/b.js", vec![], vec![1]),
                ("src/empty.js", vec![], vec![]),
            ]
        );
    }

    #[test]
    fn branches_of_changed_lines_are_kept_and_entries_of_one_file_merge() {
        let json = br#"{"protocol":2,"tool":"jacoco","files":[
            {"path":"src/main/java/A.java","executed":[10,11],"missing":[12],
             "branches":[{"line":10,"taken":1,"total":2},{"line":30,"taken":0,"total":2}]},
            {"path":"src/main/java/A.java","executed":[12],"missing":[],
             "branches":[{"line":10,"taken":1,"total":2}]}]}"#;
        let [coverage] = restrict(
            &parse(json).unwrap(),
            &[target("src/main/java/A.java", &[10, 12, 30])],
        )
        .try_into()
        .unwrap();
        assert_eq!(coverage.covered, vec![10, 12]);
        assert_eq!(coverage.missed, Vec::<u32>::new());
        assert_eq!(
            coverage.branches,
            vec![
                LineBranches {
                    line: 10,
                    taken: 2,
                    total: 4
                },
                LineBranches {
                    line: 30,
                    taken: 0,
                    total: 2
                }
            ]
        );
    }

    #[test]
    fn other_json_is_refused() {
        assert!(parse(br#"{"files":{"pkg/calc.py":{"executed_lines":[1]}}}"#).is_err());
        assert!(parse(b"[").is_err());
        let other = parse(br#"{"protocol":1,"files":[]}"#).unwrap_err();
        assert!(
            other.to_string().contains("protocol 1, ato speaks 2"),
            "{other}"
        );
    }
}
