//! Coverage of the changed lines: coverage.py's JSON report (Python), lcov (Node) and JaCoCo's XML (Java).
//!
//! Only the changed lines of each target matter to a reviewer: "did the generated tests run what this PR
//! changed?". Lines the tool does not count as executable (blank, comments, declarations) are neither covered
//! nor missed.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::Reader;
use quick_xml::events::Event;
use serde::Deserialize;

use super::repo_path;
use super::xml::attribute;
use crate::model::{FileCoverage, TargetFile};

#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    #[error("coverage.json is not coverage.py's JSON report: {0}")]
    CoveragePy(#[from] serde_json::Error),
    #[error("jacoco.xml is not well-formed: {0}")]
    Jacoco(#[from] quick_xml::Error),
}

/// Executable lines of one file as a coverage tool saw them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LineHits {
    pub executed: BTreeSet<u32>,
    pub missing: BTreeSet<u32>,
}

/// Coverage per file, keyed by the path the tool wrote.
pub type Report = BTreeMap<String, LineHits>;

#[derive(Deserialize)]
struct CoveragePyReport {
    files: BTreeMap<String, CoveragePyFile>,
}

#[derive(Deserialize)]
struct CoveragePyFile {
    #[serde(default)]
    executed_lines: Vec<u32>,
    #[serde(default)]
    missing_lines: Vec<u32>,
}

/// Reads coverage.py's `--cov-report=json` (`files.<path>.executed_lines/missing_lines`).
pub fn parse_coverage_py(json: &[u8]) -> Result<Report, CoverageError> {
    let report: CoveragePyReport = serde_json::from_slice(json)?;
    Ok(report
        .files
        .into_iter()
        .map(|(path, file)| {
            let hits = LineHits {
                executed: file.executed_lines.into_iter().collect(),
                missing: file.missing_lines.into_iter().collect(),
            };
            (path, hits)
        })
        .collect())
}

/// Reads an lcov tracefile (`SF:` starts a file, `DA:<line>,<hits>` per executable line). Lines it does not
/// understand are skipped: lcov has many optional records.
pub fn parse_lcov(text: &str) -> Report {
    let mut report = Report::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(path) = line.strip_prefix("SF:") {
            current = Some(path.to_string());
            report.entry(path.to_string()).or_default();
        } else if line == "end_of_record" {
            current = None;
        } else if let (Some(data), Some(path)) = (line.strip_prefix("DA:"), current.as_ref()) {
            let mut fields = data.split(',');
            let number = fields.next().and_then(|n| n.trim().parse::<u32>().ok());
            let hits = fields.next().and_then(|h| h.trim().parse::<f64>().ok());
            if let (Some(number), Some(hits)) = (number, hits) {
                let file = report.entry(path.clone()).or_default();
                if hits > 0.0 {
                    file.executed.insert(number);
                } else {
                    file.missing.insert(number);
                }
            }
        }
    }
    report
}

/// Reads JaCoCo's XML report: `package name=` / `sourcefile name=` / `line nr= mi= ci=`. A line with any
/// covered instruction ran. The path is `<package>/<file>`, which [`restrict`] matches against the target's
/// path suffix (`src/main/java/` is not in the report).
pub fn parse_jacoco(xml: &str) -> Result<Report, CoverageError> {
    let mut reader = Reader::from_str(xml);
    let mut report = Report::new();
    let mut package = String::new();
    let mut source: Option<String> = None;
    loop {
        match reader.read_event()? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "package" => package = attribute(&e, "name").unwrap_or_default(),
                "sourcefile" => {
                    let name = attribute(&e, "name").unwrap_or_default();
                    let path = if package.is_empty() {
                        name
                    } else {
                        format!("{package}/{name}")
                    };
                    report.entry(path.clone()).or_default();
                    source = Some(path);
                }
                "line" => {
                    if let Some(path) = &source {
                        let number = attribute(&e, "nr").and_then(|n| n.parse::<u32>().ok());
                        let covered = attribute(&e, "ci")
                            .and_then(|n| n.parse::<u64>().ok())
                            .unwrap_or(0);
                        if let Some(number) = number {
                            let file = report.entry(path.clone()).or_default();
                            if covered > 0 {
                                file.executed.insert(number);
                            } else {
                                file.missing.insert(number);
                            }
                        }
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "sourcefile" => source = None,
            Event::End(e) if e.local_name().as_ref() == "package" => package.clear(),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(report)
}

/// Keeps each target's changed executable lines, split into covered and missed, in target order. Targets the
/// report does not mention are left out (nothing is known of them); the caller says so.
pub fn restrict(report: &Report, targets: &[TargetFile]) -> Vec<FileCoverage> {
    let mut by_target: BTreeMap<&str, LineHits> = BTreeMap::new();
    for (raw, hits) in report {
        let path = repo_path(raw, targets);
        if let Some(target) = targets.iter().find(|t| t.path == path) {
            let merged = by_target.entry(target.path.as_str()).or_default();
            merged.executed.extend(&hits.executed);
            merged.missing.extend(&hits.missing);
        }
    }
    targets
        .iter()
        .filter_map(|target| {
            let hits = by_target.get(target.path.as_str())?;
            let covered: Vec<u32> = target
                .changed_lines
                .iter()
                .copied()
                .filter(|l| hits.executed.contains(l))
                .collect();
            let missed: Vec<u32> = target
                .changed_lines
                .iter()
                .copied()
                .filter(|l| hits.missing.contains(l) && !hits.executed.contains(l))
                .collect();
            Some(FileCoverage {
                path: target.path.clone(),
                covered,
                missed,
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
    fn coverage_py_keeps_changed_executable_lines_only() {
        let json = br#"{"meta":{"format":3},"files":{"pkg/calc.py":{"executed_lines":[1,2,5,6],"missing_lines":[8,9],
            "summary":{}},"pkg/other.py":{"executed_lines":[1],"missing_lines":[]}}}"#;
        let report = parse_coverage_py(json).unwrap();
        let coverage = restrict(&report, &[target("pkg/calc.py", &[2, 3, 6, 8, 20])]);
        assert_eq!(
            coverage,
            vec![FileCoverage {
                path: "pkg/calc.py".into(),
                covered: vec![2, 6],
                missed: vec![8]
            }]
        );
    }

    #[test]
    fn coverage_py_rejects_other_json() {
        assert!(parse_coverage_py(br#"{"totals": {}}"#).is_err());
        assert!(parse_coverage_py(b"[").is_err());
    }

    #[test]
    fn lcov_reads_da_records_and_absolute_workspace_paths() {
        let text = "TN:\nSF:/work/head/src/a.js\nFN:1,f\nDA:1,3\nDA:2,0\nDA:3,1,abc\nDA:bad\nend_of_record\n\
                    SF:src/b.js\nDA:1,0\nend_of_record\n";
        let report = parse_lcov(text);
        let coverage = restrict(
            &report,
            &[
                target("src/a.js", &[1, 2, 4]),
                target("src/b.js", &[1]),
                target("c.js", &[1]),
            ],
        );
        assert_eq!(
            coverage,
            vec![
                FileCoverage {
                    path: "src/a.js".into(),
                    covered: vec![1],
                    missed: vec![2]
                },
                FileCoverage {
                    path: "src/b.js".into(),
                    covered: vec![],
                    missed: vec![1]
                },
            ]
        );
    }

    #[test]
    fn jacoco_matches_package_paths_to_target_suffixes() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
            <report name="r"><package name="com/ex"><class name="com/ex/A" sourcefilename="A.java"/>
            <sourcefile name="A.java"><line nr="3" mi="2" ci="0" mb="0" cb="0"/><line nr="4" mi="1" ci="2"/>
            <counter type="LINE" missed="1" covered="1"/></sourcefile></package></report>"#;
        let report = parse_jacoco(xml).unwrap();
        let coverage = restrict(
            &report,
            &[target("src/main/java/com/ex/A.java", &[3, 4, 5])],
        );
        assert_eq!(coverage[0].covered, vec![4]);
        assert_eq!(coverage[0].missed, vec![3]);
        assert!(parse_jacoco("<report><package></report>").is_err());
    }
}
