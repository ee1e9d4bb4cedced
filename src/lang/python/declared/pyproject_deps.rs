//! The dependencies `pyproject.toml` declares: PEP 621 `[project]` (and its optional dependencies), PEP 735
//! `[dependency-groups]`, Poetry (main, dev and named groups, optional dependencies by extra), PDM's
//! dev-dependencies, Flit's old `[tool.flit.metadata]`, setuptools' dynamic requirement files; and
//! whether the project is installable.

use toml::{Table, Value};

use super::pep508::normalise_name;
use super::poetry::{self, Dialect};
use super::requirement_list::{Collected, Group, Origin, group_of};
use super::requirements_txt;
use crate::declared::Tree;

const FILE: &str = "pyproject.toml";

pub(super) fn read(tree: &dyn Tree, deps: &mut Collected) {
    let Some(text) = tree.text(FILE) else {
        return;
    };
    let table: Table = match toml::from_str(&text) {
        Ok(table) => table,
        Err(err) => return deps.note(FILE, format!("not TOML: {err}")),
    };
    let get = |path: &[&str]| lookup(&table, path);
    let own_name = get(&["project", "name"]).or_else(|| get(&["tool", "poetry", "name"]));
    if let Some(name) = own_name.and_then(Value::as_str) {
        deps.self_name = Some(normalise_name(name));
    }
    if let Some(system) = get(&["build-system"]) {
        let backend = system.get("build-backend").and_then(Value::as_str);
        deps.deps.installable = Some(match backend {
            Some(backend) => format!("pyproject.toml [build-system] ({backend})"),
            None => "pyproject.toml [build-system]".to_string(),
        });
    } else if get(&["project"]).is_some() {
        deps.deps.installable = Some("pyproject.toml [project] (setuptools by default)".into());
    }

    strings(
        deps,
        Group::Runtime,
        get(&["project", "dependencies"]),
        "[project] dependencies",
        None,
    );
    for (extra, list) in tables(get(&["project", "optional-dependencies"])) {
        let part = format!("[project.optional-dependencies] {extra}");
        strings(deps, group_of(extra), Some(list), &part, Some(extra));
    }
    if let Some(groups) = get(&["dependency-groups"]).and_then(Value::as_table) {
        for name in groups.keys() {
            let mut requirements = Vec::new();
            if let Err(message) = dependency_group(groups, name, &mut Vec::new(), &mut requirements)
            {
                deps.note(FILE, message);
            }
            let list = Value::Array(requirements.into_iter().map(Value::String).collect());
            strings(
                deps,
                group_of(name),
                Some(&list),
                &format!("[dependency-groups] {name}"),
                Some(name),
            );
        }
    }
    poetry_tables(&table, deps);
    for (group, list) in tables(get(&["tool", "pdm", "dev-dependencies"])) {
        let part = format!("[tool.pdm.dev-dependencies] {group}");
        strings(deps, group_of(group), Some(list), &part, Some(group));
    }
    let flit = |key: &str| get(&["tool", "flit", "metadata", key]);
    strings(
        deps,
        Group::Runtime,
        flit("requires"),
        "[tool.flit.metadata] requires",
        None,
    );
    strings(
        deps,
        Group::Test,
        flit("dev-requires"),
        "[tool.flit.metadata] dev-requires",
        None,
    );
    for (extra, list) in tables(flit("requires-extra")) {
        let part = format!("[tool.flit.metadata] requires-extra {extra}");
        strings(deps, group_of(extra), Some(list), &part, Some(extra));
    }
    setuptools_dynamic(tree, &table, deps);
}

fn lookup<'a>(table: &'a Table, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    rest.iter()
        .try_fold(table.get(*first)?, |value, key| value.get(key))
}

/// The entries of a table value (none when it is absent or not a table).
fn tables(value: Option<&Value>) -> Vec<(&str, &Value)> {
    value
        .and_then(Value::as_table)
        .map(|table| {
            table
                .iter()
                .map(|(key, value)| (key.as_str(), value))
                .collect()
        })
        .unwrap_or_default()
}

/// A list of PEP 508 strings (PDM's may start with `-e `).
fn strings(
    deps: &mut Collected,
    group: Group,
    list: Option<&Value>,
    part: &str,
    name: Option<&str>,
) {
    let Some(list) = list else {
        return;
    };
    let Some(items) = list.as_array() else {
        return deps.note(FILE, format!("{part} is not a list"));
    };
    let at = Origin {
        file: FILE,
        line: None,
        group: name,
    };
    for item in items {
        match item.as_str() {
            Some(text) => match text.trim().strip_prefix("-e ") {
                Some(editable) => deps.add_text(group, editable, at, true),
                None => deps.add_text(group, text, at, false),
            },
            None => deps.note(FILE, format!("{part} holds something other than a string")),
        }
    }
}

/// PEP 735: a group's strings, with `{include-group = "…"}` expanded (cycles are an error).
fn dependency_group(
    groups: &Table,
    name: &str,
    path: &mut Vec<String>,
    out: &mut Vec<String>,
) -> Result<(), String> {
    if path.iter().any(|seen| seen == name) {
        return Err(format!("[dependency-groups] {name} includes itself"));
    }
    let Some(items) = groups.get(name).and_then(Value::as_array) else {
        return Err(format!("[dependency-groups] has no list named {name}"));
    };
    path.push(name.to_string());
    for item in items {
        match item {
            Value::String(text) => out.push(text.clone()),
            Value::Table(table) => match table.get("include-group").and_then(Value::as_str) {
                Some(included) => dependency_group(groups, included, path, out)?,
                None => {
                    return Err(format!(
                        "[dependency-groups] {name}: an entry is not a requirement"
                    ));
                }
            },
            _ => {
                return Err(format!(
                    "[dependency-groups] {name}: an entry is not a requirement"
                ));
            }
        }
    }
    path.pop();
    Ok(())
}

/// Poetry's main dependencies (minus `python`), its old dev-dependencies and its groups.
fn poetry_tables(table: &Table, deps: &mut Collected) {
    let Some(poetry) = lookup(table, &["tool", "poetry"]) else {
        return;
    };
    // `[tool.poetry.extras] client = ["httpx"]`: which extra an optional dependency belongs to.
    let extras = tables(poetry.get("extras"));
    let extra_of = |name: &str| {
        extras.iter().find_map(|(extra, members)| {
            let listed = members
                .as_array()
                .is_some_and(|list| list.iter().any(|m| m.as_str() == Some(name)));
            listed.then_some(*extra)
        })
    };
    let mut sections: Vec<(Group, String, Option<&Value>)> = vec![
        (
            Group::Runtime,
            "[tool.poetry.dependencies]".into(),
            poetry.get("dependencies"),
        ),
        (
            Group::Test,
            "[tool.poetry.dev-dependencies]".into(),
            poetry.get("dev-dependencies"),
        ),
    ];
    for (name, group) in tables(poetry.get("group")) {
        let kind = if name == "main" {
            Group::Runtime
        } else {
            group_of(name)
        };
        let part = format!("[tool.poetry.group.{name}.dependencies]");
        sections.push((kind, part, group.get("dependencies")));
    }
    for (kind, part, section) in sections {
        let group_name = part
            .strip_prefix("[tool.poetry.group.")
            .and_then(|rest| rest.split_once('.'))
            .map(|(name, _)| name.to_string());
        for (name, value) in tables(section) {
            if name == "python" {
                continue;
            }
            let made = match poetry::dependency(name, value, Dialect::Poetry) {
                Ok(made) => made,
                Err(message) => {
                    deps.note(FILE, format!("{part} {message}"));
                    continue;
                }
            };
            for dep in made {
                let (kind, group) = match (dep.optional, extra_of(name)) {
                    (true, Some(extra)) => (group_of(extra), Some(extra.to_string())),
                    (true, None) => (Group::Optional, None),
                    (false, _) => (kind, group_name.clone()),
                };
                deps.add_table(kind, dep, FILE, group.as_deref());
            }
        }
    }
}

/// `[tool.setuptools.dynamic] dependencies = {file = [...]}` and `optional-dependencies.<extra>`.
fn setuptools_dynamic(tree: &dyn Tree, table: &Table, deps: &mut Collected) {
    let Some(dynamic) = lookup(table, &["tool", "setuptools", "dynamic"]) else {
        return;
    };
    let files = |value: &Value| -> Vec<String> {
        match value.get("file") {
            Some(Value::String(file)) => vec![file.clone()],
            Some(Value::Array(files)) => files
                .iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut wanted: Vec<(Group, String)> = Vec::new();
    if let Some(value) = dynamic.get("dependencies") {
        wanted.extend(files(value).into_iter().map(|file| (Group::Runtime, file)));
    }
    for (extra, value) in tables(dynamic.get("optional-dependencies")) {
        wanted.extend(files(value).into_iter().map(|file| (group_of(extra), file)));
    }
    for (group, file) in wanted {
        let path = requirements_txt::join(FILE, &file);
        if !tree.exists(&path) {
            deps.note(
                FILE,
                format!("[tool.setuptools.dynamic] names {file}, which is not in the repository"),
            );
            continue;
        }
        requirements_txt::read_included(tree, &path, group, deps);
    }
}

#[cfg(test)]
mod tests;
