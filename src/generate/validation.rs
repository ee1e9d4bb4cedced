//! `out/validation.json`: what a runner found when it ran the model's test modules (runners/PROTOCOL.md,
//! "validate mode"). Written by code that ran next to the PR's code, so read leniently and trusted for nothing
//! but its own numbers.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::model::RunStatus;

/// The file a runner writes in validate mode, relative to its `out/`.
pub const FILE: &str = "validation.json";

/// The runner's account of one candidate.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Checked {
    pub id: String,
    #[serde(default)]
    pub collected: bool,
    #[serde(default)]
    pub tests: u32,
    #[serde(default, deserialize_with = "runs")]
    pub runs: Vec<RunStatus>,
    #[serde(default)]
    pub error: Option<String>,
    /// Executed lines of the target files (head paths) during run 1.
    #[serde(default)]
    pub covered: BTreeMap<String, Vec<u32>>,
}

#[derive(Debug, Deserialize)]
struct Validation {
    #[serde(default)]
    candidates: Vec<Checked>,
}

/// Reads `validation.json` from an unpacked runner output; a candidate the file does not mention is absent from
/// the map (the caller says why).
pub fn read(out: &Path) -> Result<BTreeMap<String, Checked>, String> {
    let path = out.join(FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|err| format!("the runner wrote no {FILE}: {err}"))?;
    parse(&text)
}

pub fn parse(text: &str) -> Result<BTreeMap<String, Checked>, String> {
    let validation: Validation =
        serde_json::from_str(text).map_err(|err| format!("{FILE} is not valid: {err}"))?;
    Ok(validation
        .candidates
        .into_iter()
        .map(|mut checked| {
            checked.error = checked
                .error
                .map(|e| crate::llm::text::head_and_tail(&e, 4000));
            (checked.id.clone(), checked)
        })
        .collect())
}

/// `"passed"`, `"failed"`, `"missing"` → run statuses; anything else counts as an error.
fn runs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<RunStatus>, D::Error> {
    let raw: Vec<String> = Vec::deserialize(d)?;
    Ok(raw
        .iter()
        .map(|run| match run.as_str() {
            "passed" => RunStatus::Passed,
            "failed" => RunStatus::Failed,
            _ => RunStatus::Error,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_protocol_example() {
        let text = r#"{"protocol":1,"candidates":[
            {"id":"c1","collected":true,"tests":3,"runs":["passed","failed","missing"],
             "error":"boom","covered":{"pkg/calc.py":[3,4]}},
            {"id":"c2","collected":false,"runs":[],"error":"ImportError"}]}"#;
        let got = parse(text).unwrap();
        assert_eq!(
            got["c1"].runs,
            [RunStatus::Passed, RunStatus::Failed, RunStatus::Error]
        );
        assert_eq!(got["c1"].covered["pkg/calc.py"], [3, 4]);
        assert!(!got["c2"].collected);
        assert_eq!(got["c2"].tests, 0);
    }

    #[test]
    fn long_errors_are_cut_and_bad_files_named() {
        let long = "x".repeat(5000);
        let text = format!(r#"{{"candidates":[{{"id":"a","error":"{long}"}}]}}"#);
        let error = parse(&text).unwrap()["a"].error.clone().unwrap();
        assert!(
            error.chars().count() < 4_020 && error.contains("(cut)"),
            "{error}"
        );
        assert!(parse("[").unwrap_err().contains("validation.json"));
    }
}
