//! Which Python a project needs, from every place it says so. Required (filters): `requires-python`
//! (`[project]`, Flit's `[tool.flit.metadata]`), Poetry's `python` dependency, `python_requires` in
//! `setup.cfg` and `setup.py`. Tested (ranks): `Programming Language :: Python :: 3.x` classifiers,
//! `.python-version`, `runtime.txt`, Pipfile's `[requires]`, tox environments, CI `python-version`s.
//! [`choose_python`] ranks the available versions.

use super::setup_py::{Literal, SetupPy};
use super::{pep440, tox};
use crate::declared::Tree;
use crate::declared::chooser::{Choice, Constraint, Declarations, Strength, choose};
use crate::declared::ci_workflows::ci_values;
use crate::declared::ranges::{Ranges, Version};
use crate::declared::{Note, ini};

/// Every Python version declaration of the tree, in a fixed order (files, then kinds).
pub fn python_constraints(tree: &dyn Tree) -> Declarations {
    let mut out = Declarations::default();
    if let Some(text) = tree.text("pyproject.toml") {
        pyproject(&text, &mut out);
    }
    if let Some(text) = tree.text("setup.cfg") {
        setup_cfg(&text, &mut out);
    }
    if let Some(text) = tree.text("setup.py") {
        setup_py(&text, &mut out);
    }
    if let Some(text) = tree.text("Pipfile") {
        pipfile(&text, &mut out);
    }
    for file in [".python-version", "runtime.txt"] {
        let Some(text) = tree.text(file) else {
            continue;
        };
        let versions: Vec<&str> = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or("").trim())
            .map(|line| line.strip_prefix("python-").unwrap_or(line))
            .collect();
        tested(&mut out, file, "", &versions);
    }
    let (tox_envs, notes) = tox::tox_pythons(tree);
    out.notes.extend(notes);
    for envs in tox_envs {
        let names: Vec<String> = envs.versions.iter().map(Version::to_string).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        tested(&mut out, &envs.file, "tox environments for", &names);
    }
    let (workflows, notes) = ci_values(tree, "python-version", "actions/setup-python");
    out.notes.extend(notes);
    for workflow in workflows {
        let values: Vec<&str> = workflow
            .values
            .iter()
            .map(String::as_str)
            .filter(|value| !value.to_ascii_lowercase().contains("pypy"))
            .collect();
        tested(&mut out, &workflow.file, "python-version", &values);
    }
    out
}

/// [`choose`] for Python: `available` are `major.minor` series (`3.9`, `3.11`, `3.13`).
pub fn choose_python(available: &[Version], declared: &Declarations) -> Vec<Choice> {
    choose("Python", available, &declared.constraints)
}

/// A required specifier; a bad one is a note.
fn required(out: &mut Declarations, file: &str, said: String, spec: &str) {
    match pep440::parse(spec) {
        Ok(allows) => out.constraints.push(Constraint {
            file: file.to_string(),
            said,
            strength: Strength::Required,
            allows,
        }),
        Err(err) => out.notes.push(Note::new(file, err.to_string())),
    }
}

/// The `major.minor` series of the versions named (`3.9.18` → 3.9.*), said as `label v1, v2`. What names
/// no minor version is skipped: `system`, and `3.x` or `py3`, which say "any Python 3" and would make
/// every version look tested. Nothing is added when nothing is left.
fn tested(out: &mut Declarations, file: &str, label: &str, versions: &[&str]) {
    let mut allows = Ranges::none();
    let mut named = Vec::new();
    for text in versions {
        let Some(version) = Version::parse_prefix(text).filter(|v| v.0.len() >= 2) else {
            continue;
        };
        allows = allows.union(&Ranges::series(&version.truncate(2)));
        named.push(*text);
    }
    if !allows.is_empty() {
        let said = format!("{label} {}", named.join(", "));
        out.constraints.push(Constraint {
            file: file.to_string(),
            said: said.trim().to_string(),
            strength: Strength::Tested,
            allows,
        });
    }
}

/// `Programming Language :: Python :: 3.9` → `3.9`; the major-only ones (`:: 3`, `:: 3 :: Only`) say too
/// little.
fn classifier_versions<'a>(classifiers: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut versions = Vec::new();
    for classifier in classifiers {
        let Some(rest) = classifier
            .trim()
            .strip_prefix("Programming Language :: Python :: ")
        else {
            continue;
        };
        let is_minor = rest.split_once('.').is_some_and(|(major, minor)| {
            [major, minor]
                .iter()
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
        });
        if is_minor && !versions.iter().any(|v| v == rest) {
            versions.push(rest.to_string());
        }
    }
    versions
}

fn classifiers(out: &mut Declarations, file: &str, versions: Vec<String>) {
    let versions: Vec<&str> = versions.iter().map(String::as_str).collect();
    tested(out, file, "classifiers", &versions);
}

fn pyproject(text: &str, out: &mut Declarations) {
    let file = "pyproject.toml";
    let table: toml::Table = match toml::from_str(text) {
        Ok(table) => table,
        Err(err) => {
            out.notes.push(Note::new(file, format!("not TOML: {err}")));
            return;
        }
    };
    let get = |path: &[&str]| lookup(&table, path);
    for (path, said) in [
        (&["project", "requires-python"][..], "requires-python"),
        (
            &["tool", "flit", "metadata", "requires-python"][..],
            "requires-python",
        ),
        (&["tool", "poetry", "dependencies", "python"][..], "python"),
    ] {
        let value = get(path);
        match value.and_then(python_spec) {
            Some(spec) => required(out, file, format!("{said} {spec:?}"), &spec),
            None if value.is_some() => out.notes.push(Note::new(
                file,
                format!("{} is not a version string", path.join(".")),
            )),
            None => {}
        }
    }
    for path in [
        &["project", "classifiers"][..],
        &["tool", "poetry", "classifiers"][..],
        &["tool", "flit", "metadata", "classifiers"][..],
    ] {
        let list = get(path).and_then(toml::Value::as_array);
        let strings = list.into_iter().flatten().filter_map(toml::Value::as_str);
        classifiers(out, file, classifier_versions(strings));
    }
}

/// A version string, or Poetry's `{ version = "^3.8" }`.
fn python_spec(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(spec) => Some(spec.clone()),
        toml::Value::Table(table) => table.get("version")?.as_str().map(str::to_string),
        _ => None,
    }
}

fn lookup<'a>(table: &'a toml::Table, path: &[&str]) -> Option<&'a toml::Value> {
    let (first, rest) = path.split_first()?;
    rest.iter()
        .try_fold(table.get(*first)?, |value, key| value.get(key))
}

fn setup_cfg(text: &str, out: &mut Declarations) {
    let file = "setup.cfg";
    let ini = ini::parse(text);
    if let Some(entry) = ini.get("options", "python_requires") {
        let spec = entry.value();
        required(out, file, format!("python_requires = {spec}"), &spec);
    }
    if let Some(entry) = ini.get("metadata", "classifiers") {
        let lines = entry.lines();
        classifiers(
            out,
            file,
            classifier_versions(lines.iter().map(|(_, l)| l.as_str())),
        );
    }
}

fn setup_py(text: &str, out: &mut Declarations) {
    let file = "setup.py";
    let setup = SetupPy::parse(text);
    if let Some(found) = setup.keyword("python_requires") {
        match found.value {
            Ok(Literal::Str(spec)) => {
                required(out, file, format!("python_requires={spec:?}"), &spec)
            }
            Ok(_) => out
                .notes
                .push(Note::new(file, "python_requires is not a string")),
            Err(expr) => out.notes.push(Note::new(
                file,
                format!(
                    "line {}: python_requires={expr} is not a literal; not executed",
                    found.line
                ),
            )),
        }
    }
    classifiers(out, file, classifier_versions(setup.strings()));
}

fn pipfile(text: &str, out: &mut Declarations) {
    let file = "Pipfile";
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return; // the dependency reader reports it
    };
    for key in ["python_full_version", "python_version"] {
        if let Some(version) = lookup(&table, &["requires", key]).and_then(toml::Value::as_str) {
            tested(out, file, &format!("{key} ="), &[version]);
            return;
        }
    }
}

#[cfg(test)]
mod tests;
