//! The dependencies of setuptools' `setup.cfg` (`install_requires`, `tests_require`,
//! `[options.extras_require]`, `file:` directives) and `setup.py` (the same keywords, read statically),
//! and of pipenv's `Pipfile` (`[packages]`, `[dev-packages]`, other categories).

use super::pep508::{Pep508, normalise_name};
use super::poetry::{self, Dialect};
use super::requirement_list::{Collected, Group, Origin, group_of};
use super::requirements_txt;
use super::setup_py::{Literal, SetupPy};
use crate::declared::Tree;
use crate::declared::ini::{self, Entry};

/// Pipfile tables that are not package categories.
const PIPFILE_OTHER_TABLES: &[&str] = &["source", "requires", "scripts", "pipenv"];

pub(super) fn read(tree: &dyn Tree, deps: &mut Collected) {
    if let Some(text) = tree.text("setup.cfg") {
        setup_cfg(tree, &text, deps);
    }
    if let Some(text) = tree.text("setup.py") {
        setup_py(&text, deps);
        if deps.deps.installable.is_none() {
            deps.deps.installable = Some("setup.py".into());
        }
    } else if tree.read("setup.cfg").is_some() && deps.deps.installable.is_none() {
        deps.note(
            "setup.cfg",
            "without setup.py or pyproject.toml, pip cannot install the project itself",
        );
    }
    if let Some(text) = tree.text("Pipfile") {
        pipfile(&text, deps);
    }
}

fn setup_cfg(tree: &dyn Tree, text: &str, deps: &mut Collected) {
    let ini = ini::parse(text);
    if let Some(name) = ini
        .get("metadata", "name")
        .filter(|_| deps.self_name.is_none())
    {
        deps.self_name = Some(normalise_name(&name.value()));
    }
    if let Some(entry) = ini.get("options", "install_requires") {
        cfg_entry(tree, entry, Group::Runtime, None, None, deps);
    }
    if let Some(entry) = ini.get("options", "tests_require") {
        cfg_entry(tree, entry, Group::Test, None, None, deps);
    }
    for entry in ini.section("options.extras_require").unwrap_or_default() {
        let (extra, marker) = split_extra(&entry.key);
        cfg_entry(tree, entry, group_of(extra), Some(extra), marker, deps);
    }
}

/// `test:python_version < "3.8"` → (`test`, the marker).
fn split_extra(key: &str) -> (&str, Option<&str>) {
    match key.split_once(':') {
        Some((extra, marker)) => (extra.trim(), Some(marker.trim()).filter(|m| !m.is_empty())),
        None => (key.trim(), None),
    }
}

/// One `setup.cfg` value: a requirement per line, or `file: a.txt, b.txt`.
fn cfg_entry(
    tree: &dyn Tree,
    entry: &Entry,
    group: Group,
    extra: Option<&str>,
    marker: Option<&str>,
    deps: &mut Collected,
) {
    let file = "setup.cfg";
    let value = entry.value();
    if let Some(files) = value.strip_prefix("file:") {
        for name in files.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let path = requirements_txt::join(file, name);
            if !tree.exists(&path) {
                deps.note(
                    file,
                    format!("line {}: file: {name} is not in the repository", entry.line),
                );
                continue;
            }
            requirements_txt::read_included(tree, &path, group, deps);
        }
        return;
    }
    // setuptools splits a one-line value on `;` (not `,`, which specifiers use).
    let lines = entry.lines();
    let one_line = lines.len() == 1;
    for (line, text) in lines {
        let items: Vec<&str> = if one_line {
            text.split(';').collect()
        } else {
            vec![text.as_str()]
        };
        for item in items {
            let at = Origin {
                file,
                line: Some(line),
                group: extra,
            };
            add_with_marker(deps, group, item, at, marker);
        }
    }
}

fn add_with_marker(
    deps: &mut Collected,
    group: Group,
    text: &str,
    at: Origin<'_>,
    marker: Option<&str>,
) {
    match (marker, Pep508::parse(text)) {
        (Some(marker), Some(parsed)) => {
            let text = parsed.and_marker(Some(marker)).to_string();
            deps.add_text(group, &text, at, false);
        }
        _ => deps.add_text(group, text, at, false),
    }
}

fn setup_py(text: &str, deps: &mut Collected) {
    let file = "setup.py";
    let setup = SetupPy::parse(text);
    if let Some(Ok(Literal::Str(name))) = setup.keyword("name").map(|found| found.value) {
        deps.self_name.get_or_insert(normalise_name(&name));
    }
    for (keyword, group) in [
        ("install_requires", Group::Runtime),
        ("tests_require", Group::Test),
    ] {
        let Some(found) = setup.keyword(keyword) else {
            continue;
        };
        if let Some(caveat) = &found.caveat {
            deps.note(file, format!("line {}: {keyword}: {caveat}", found.line));
        }
        let at = Origin {
            file,
            line: Some(found.line),
            group: None,
        };
        match &found.value {
            Ok(literal) => requirement_list(deps, group, literal, at, None, keyword),
            Err(expr) => deps.note(
                file,
                format!("line {}: {keyword}={expr} is not a literal; not executed, so its requirements are unknown", found.line),
            ),
        }
    }
    let Some(found) = setup.keyword("extras_require") else {
        return;
    };
    if let Some(caveat) = &found.caveat {
        deps.note(
            file,
            format!("line {}: extras_require: {caveat}", found.line),
        );
    }
    match &found.value {
        Ok(Literal::Dict(entries)) => {
            for (key, value) in entries {
                let Literal::Str(key) = key else {
                    continue;
                };
                let (extra, marker) = split_extra(key);
                let at = Origin {
                    file,
                    line: Some(found.line),
                    group: Some(extra),
                };
                requirement_list(deps, group_of(extra), value, at, marker, "extras_require");
            }
        }
        Ok(_) => deps.note(file, format!("line {}: extras_require is not a dict", found.line)),
        Err(expr) => deps.note(
            file,
            format!("line {}: extras_require={expr} is not a literal; not executed, so its requirements are unknown", found.line),
        ),
    }
}

/// A list of requirement strings, or one string of lines.
fn requirement_list(
    deps: &mut Collected,
    group: Group,
    literal: &Literal,
    at: Origin<'_>,
    marker: Option<&str>,
    keyword: &str,
) {
    let items: Vec<&str> = match literal {
        Literal::Str(text) => text.lines().collect(),
        Literal::List(items) => items
            .iter()
            .filter_map(|item| match item {
                Literal::Str(text) => Some(text.as_str()),
                _ => None,
            })
            .collect(),
        Literal::Dict(_) => {
            let line = at.line.unwrap_or(0);
            return deps.note(
                at.file,
                format!("line {line}: {keyword} is a dict, not a list"),
            );
        }
    };
    for item in items {
        let item = ini::strip_inline_comment(item);
        if !item.is_empty() {
            add_with_marker(deps, group, item, at, marker);
        }
    }
}

fn pipfile(text: &str, deps: &mut Collected) {
    let file = "Pipfile";
    let table: toml::Table = match toml::from_str(text) {
        Ok(table) => table,
        Err(err) => return deps.note(file, format!("not TOML: {err}")),
    };
    for (category, packages) in &table {
        if PIPFILE_OTHER_TABLES.contains(&category.as_str()) {
            continue;
        }
        let Some(packages) = packages.as_table() else {
            continue;
        };
        let group = match category.as_str() {
            "packages" => Group::Runtime,
            "dev-packages" => Group::Test,
            other => group_of(other),
        };
        let name = (group == Group::Optional).then_some(category.as_str());
        for (package, value) in packages {
            match poetry::dependency(package, value, Dialect::Pipfile) {
                Ok(made) => {
                    for dep in made {
                        deps.add_table(group, dep, file, name);
                    }
                }
                Err(message) => deps.note(file, format!("[{category}] {message}")),
            }
        }
    }
}

#[cfg(test)]
mod tests;
