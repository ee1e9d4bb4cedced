//! The runtime versions a project's GitHub Actions workflows (`.github/workflows/*.yml|yaml`) test on: the
//! values of a key (`python-version`, `node-version`, `java-version`) in each job's `strategy.matrix` (lists
//! and `include:` entries) and in the `with:` block of its setup action (`actions/setup-python`). A
//! `${{ matrix.x }}` is resolved from the job's matrix; any other expression is skipped.

use serde_norway::Value;

use super::Note;
use super::tree::Tree;

/// The values one workflow file names, as written (deduplicated, in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiValues {
    pub file: String,
    pub values: Vec<String>,
}

/// Every workflow's values of `key`, for the setup action `action` (`actions/setup-python`).
pub fn ci_values(tree: &dyn Tree, key: &str, action: &str) -> (Vec<CiValues>, Vec<Note>) {
    let mut found = Vec::new();
    let mut notes = Vec::new();
    let mut files: Vec<&str> = tree
        .paths()
        .into_iter()
        .filter(|path| {
            path.strip_prefix(".github/workflows/").is_some_and(|name| {
                !name.contains('/') && (name.ends_with(".yml") || name.ends_with(".yaml"))
            })
        })
        .collect();
    files.sort_unstable();
    for file in files {
        let Some(text) = tree.text(file) else {
            continue;
        };
        let workflow: Value = match serde_norway::from_str(&text) {
            Ok(value) => value,
            Err(err) => {
                notes.push(Note::new(file, format!("not YAML: {err}")));
                continue;
            }
        };
        let values = workflow_values(&workflow, key, action);
        if !values.is_empty() {
            found.push(CiValues {
                file: file.to_string(),
                values,
            });
        }
    }
    (found, notes)
}

fn workflow_values(workflow: &Value, key: &str, action: &str) -> Vec<String> {
    let mut values = Vec::new();
    let Some(jobs) = workflow.get("jobs").and_then(Value::as_mapping) else {
        return values;
    };
    for job in jobs.values() {
        let matrix = job.get("strategy").and_then(|s| s.get("matrix"));
        values.extend(matrix_values(matrix, key));
        let steps = job.get("steps").and_then(Value::as_sequence);
        for step in steps.into_iter().flatten() {
            let uses = step.get("uses").and_then(Value::as_str).unwrap_or("");
            if !uses.starts_with(action) {
                continue;
            }
            let Some(value) = step.get("with").and_then(|with| with.get(key)) else {
                continue;
            };
            for text in scalars(value) {
                match matrix_reference(&text) {
                    Some(name) => values.extend(matrix_values(matrix, name)),
                    None if text.contains("${{") => {}
                    None => values.push(text),
                }
            }
        }
    }
    let mut unique = Vec::new();
    for value in values {
        if !value.contains("${{") && !unique.contains(&value) {
            unique.push(value);
        }
    }
    unique
}

/// `${{ matrix.python-version }}` → `python-version`.
fn matrix_reference(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("${{")?.strip_suffix("}}")?.trim();
    let name = inner.strip_prefix("matrix.")?;
    let valid = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then_some(name)
}

/// The values of `key` in a matrix: its own list, and its `include:` entries.
fn matrix_values(matrix: Option<&Value>, key: &str) -> Vec<String> {
    let Some(matrix) = matrix else {
        return Vec::new();
    };
    let mut values: Vec<String> = matrix.get(key).map(scalars).unwrap_or_default();
    let includes = matrix.get("include").and_then(Value::as_sequence);
    for entry in includes.into_iter().flatten() {
        values.extend(entry.get(key).map(scalars).unwrap_or_default());
    }
    values
}

/// A scalar or a list of scalars as text; a multi-line string is one value per line.
fn scalars(value: &Value) -> Vec<String> {
    match value {
        Value::Sequence(items) => items.iter().flat_map(scalars).collect(),
        Value::String(text) => text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect(),
        Value::Number(number) => vec![number.to_string()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declared::fixtures::{MATRIX_WORKFLOW, tree};

    #[test]
    fn matrix_include_and_setup_steps() {
        let files = tree(&[(".github/workflows/ci.yml", MATRIX_WORKFLOW)]);
        let (found, notes) = ci_values(&files, "python-version", "actions/setup-python");
        assert!(notes.is_empty());
        assert_eq!(
            found,
            vec![CiValues {
                file: ".github/workflows/ci.yml".into(),
                values: ["3.9", "3.10", "3.11", "3.12", "3.13", "pypy-3.10"]
                    .map(String::from)
                    .to_vec(),
            }]
        );
        let (node, _) = ci_values(&files, "node-version", "actions/setup-node");
        assert_eq!(node[0].values, vec!["20"]);
    }

    #[test]
    fn a_matrix_key_named_like_the_input_counts_without_a_step() {
        let text = "jobs:\n  t:\n    strategy:\n      matrix:\n        java-version: [11, 17]\n    steps:\n      - run: mvn test\n";
        let files = tree(&[(".github/workflows/build.yaml", text)]);
        let (found, _) = ci_values(&files, "java-version", "actions/setup-java");
        assert_eq!(found[0].values, vec!["11", "17"]);
    }

    #[test]
    fn other_files_are_ignored_and_bad_yaml_is_noted() {
        let files = tree(&[
            (".github/workflows/bad.yml", "jobs: [\n"),
            (".github/workflows/sub/x.yml", MATRIX_WORKFLOW),
            (".github/dependabot.yml", MATRIX_WORKFLOW),
            (
                ".github/workflows/matrix.yml",
                "jobs:\n  a:\n    strategy:\n      matrix: ${{ fromJSON(needs.x.outputs.m) }}\n",
            ),
        ]);
        let (found, notes) = ci_values(&files, "python-version", "actions/setup-python");
        assert!(found.is_empty());
        assert_eq!(notes.len(), 1);
        assert!(notes[0].message.starts_with("not YAML"), "{}", notes[0]);
    }
}
