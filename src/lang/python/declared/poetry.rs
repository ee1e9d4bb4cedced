//! One entry of a Poetry dependency table or a Pipfile package table as PEP 508: `"^1.2"`,
//! `{version = "^1.2", extras = [...], markers = "...", python = "<3.11", optional = true}`, git, url and
//! path forms, and a list of such tables (one per marker).

use super::pep440;
use super::pep508::{Pep508, is_path, normalise_name};

/// Whose syntax the version strings are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// Caret, tilde, wildcards, `||`.
    Poetry,
    /// PEP 440, `*` for any.
    Pipfile,
}

/// One requirement made from a table entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TableDep {
    /// PEP 503 normalised.
    pub name: String,
    /// PEP 508, or a local path as pip takes it.
    pub requirement: String,
    pub local: bool,
    pub editable: bool,
    /// Poetry's `optional = true`: installed only with an extra.
    pub optional: bool,
    /// Set when the version had no PEP 440 form and a wider one was written (`^1 || ^2` → `>=1,<3`).
    pub widened: Option<String>,
}

/// Pipfile keys that are environment markers themselves: `sys_platform = "== 'win32'"`.
const MARKER_KEYS: &[&str] = &[
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_system",
    "python_version",
    "python_full_version",
    "implementation_name",
];

/// The requirements `name = value` stands for.
pub(super) fn dependency(
    name: &str,
    value: &toml::Value,
    dialect: Dialect,
) -> Result<Vec<TableDep>, String> {
    match value {
        toml::Value::Array(items) => items
            .iter()
            .map(|item| single(name, item, dialect))
            .collect(),
        value => single(name, value, dialect).map(|dep| vec![dep]),
    }
}

fn single(name: &str, value: &toml::Value, dialect: Dialect) -> Result<TableDep, String> {
    let empty = toml::Table::new();
    let (version, table) = match value {
        toml::Value::String(version) => (Some(version.as_str()), &empty),
        toml::Value::Table(table) => (table.get("version").and_then(|v| v.as_str()), table),
        other => {
            return Err(format!(
                "{name}: {} is not a version or a table",
                other.type_str()
            ));
        }
    };
    let text = |key: &str| table.get(key).and_then(toml::Value::as_str);
    let flag = |key: &str| {
        table
            .get(key)
            .and_then(toml::Value::as_bool)
            .unwrap_or(false)
    };
    let mut widened = None;
    let version = match (version.map(str::trim), dialect) {
        (None | Some("*" | ""), _) => String::new(),
        // pipenv reads a bare `3.*` or `26.1` as `==`.
        (Some(version), Dialect::Pipfile) if version.starts_with(|c: char| c.is_ascii_digit()) => {
            format!("=={version}")
        }
        (Some(version), Dialect::Pipfile) => version.to_string(),
        (Some(version), Dialect::Poetry) => {
            let (pep, exact) = pep440::poetry_to_pep440(version).map_err(|err| err.to_string())?;
            if !exact {
                widened = Some(format!("{name} {version:?} is written as {pep:?}"));
            }
            pep
        }
    };
    let mut markers: Vec<String> = text("markers").map(str::to_string).into_iter().collect();
    if let Some(python) = text("python") {
        markers.push(python_marker(python)?);
    }
    if let Some(platform) = text("platform") {
        markers.push(format!("sys_platform == {platform:?}"));
    }
    for key in MARKER_KEYS.iter().filter(|_| dialect == Dialect::Pipfile) {
        if let Some(condition) = text(key) {
            markers.push(format!("{key} {condition}"));
        }
    }
    let marker = match markers.len() {
        0 => None,
        1 => markers.pop(),
        _ => Some(
            markers
                .iter()
                .map(|m| format!("({m})"))
                .collect::<Vec<_>>()
                .join(" and "),
        ),
    };
    let extras: Vec<String> = table
        .get("extras")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|extra| extra.as_str().map(normalise_name))
        .collect();
    let editable = flag("develop") || flag("editable");
    let local_path = text("path").or_else(|| text("file").filter(|file| is_path(file)));
    if let Some(path) = local_path {
        let path = if path.starts_with('.') || path.starts_with('/') {
            path.to_string()
        } else {
            format!("./{path}")
        };
        return Ok(TableDep {
            name: normalise_name(name),
            requirement: path,
            local: true,
            editable,
            optional: flag("optional"),
            widened,
        });
    }
    let url = if let Some(git) = text("git") {
        let reference = ["rev", "tag", "branch", "ref"]
            .iter()
            .find_map(|key| text(key));
        let mut url = format!("git+{}", git.trim_start_matches("git+"));
        if let Some(reference) = reference {
            url.push_str(&format!("@{reference}"));
        }
        if let Some(sub) = text("subdirectory") {
            url.push_str(&format!("#subdirectory={sub}"));
        }
        Some(url)
    } else {
        text("url").or_else(|| text("file")).map(str::to_string)
    };
    let requirement = Pep508 {
        name: normalise_name(name),
        extras,
        version: if url.is_some() {
            String::new()
        } else {
            version
        },
        url,
        marker,
    };
    Ok(TableDep {
        name: requirement.name.clone(),
        requirement: requirement.to_string(),
        local: false,
        editable,
        optional: flag("optional"),
        widened,
    })
}

/// Poetry's `python = "^3.8"` on a dependency, as a marker.
fn python_marker(constraint: &str) -> Result<String, String> {
    let (pep, _) = pep440::poetry_to_pep440(constraint).map_err(|err| err.to_string())?;
    let clauses: Vec<String> = pep
        .split(',')
        .filter(|clause| !clause.is_empty())
        .map(|clause| {
            let at = clause
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(clause.len());
            let (op, version) = clause.split_at(at);
            let dots = version.matches('.').count();
            let variable = if dots >= 2 {
                "python_full_version"
            } else {
                "python_version"
            };
            format!("{variable} {op} \"{version}\"")
        })
        .collect();
    Ok(clauses.join(" and "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poetry(entry: &str) -> Vec<String> {
        let table: toml::Table = toml::from_str(&format!("dep = {entry}")).unwrap();
        dependency("Dep_Name", &table["dep"], Dialect::Poetry)
            .unwrap()
            .into_iter()
            .map(|dep| dep.requirement)
            .collect()
    }

    #[test]
    fn poetry_forms_become_pep508() {
        assert_eq!(poetry("\"^1.2\""), ["dep-name>=1.2,<2"]);
        assert_eq!(poetry("\"*\""), ["dep-name"]);
        assert_eq!(poetry("\"0.23.*\""), ["dep-name==0.23.*"]);
        assert_eq!(
            poetry("{extras = [\"standard\"], version = \"^0.29.0\"}"),
            ["dep-name[standard]>=0.29.0,<0.30"]
        );
        assert_eq!(
            poetry("{version = \">=2.0\", python = \"<3.11\"}"),
            ["dep-name>=2.0; python_version < \"3.11\""]
        );
        assert_eq!(
            poetry(
                "{version = \"^1\", python = \"^3.8.1\", markers = \"sys_platform == 'linux'\"}"
            ),
            [
                "dep-name>=1,<2; (sys_platform == 'linux') and (python_full_version >= \"3.8.1\" and python_version < \"4\")"
            ]
        );
        assert_eq!(
            poetry("{git = \"https://github.com/pytoolz/toolz.git\", tag = \"0.12.1\"}"),
            ["dep-name @ git+https://github.com/pytoolz/toolz.git@0.12.1"]
        );
        assert_eq!(
            poetry("{url = \"https://x.test/d-1.0.tar.gz\"}"),
            ["dep-name @ https://x.test/d-1.0.tar.gz"]
        );
        assert_eq!(
            poetry(
                "[{version = \"<2\", python = \"<3.8\"}, {version = \"^2\", python = \">=3.8\"}]"
            ),
            [
                "dep-name<2; python_version < \"3.8\"",
                "dep-name>=2,<3; python_version >= \"3.8\""
            ]
        );
    }

    #[test]
    fn local_paths_optional_and_widened_versions_are_flagged() {
        let table: toml::Table = toml::from_str(
            "a = {path = \"libs/a\", develop = true}\nb = {version = \"^1\", optional = true}\nc = \"^1 || ^2\"\n",
        )
        .unwrap();
        let a = &dependency("a", &table["a"], Dialect::Poetry).unwrap()[0];
        assert_eq!(
            (a.requirement.as_str(), a.local, a.editable),
            ("./libs/a", true, true)
        );
        assert!(dependency("b", &table["b"], Dialect::Poetry).unwrap()[0].optional);
        let c = &dependency("c", &table["c"], Dialect::Poetry).unwrap()[0];
        assert_eq!(c.requirement, "c>=1,<3");
        assert_eq!(
            c.widened.as_deref(),
            Some("c \"^1 || ^2\" is written as \">=1,<3\"")
        );
        assert!(dependency("d", &toml::Value::Integer(1), Dialect::Poetry).is_err());
        assert!(dependency("d", &toml::Value::String("^x".into()), Dialect::Poetry).is_err());
    }

    #[test]
    fn pipfile_versions_are_pep440_and_markers_may_be_keys() {
        let table: toml::Table = toml::from_str(
            "requests = \"*\"\ndjango = \">=4.2,<5\"\npywin32 = {version = \"*\", sys_platform = \"== 'win32'\"}\n\
             e = {path = \".\", editable = true}\nw = {version = \"3.*\", sys_platform = \"== 'win32'\"}\n",
        )
        .unwrap();
        let pipfile = |name: &str| {
            dependency(name, &table[name], Dialect::Pipfile).unwrap()[0]
                .requirement
                .clone()
        };
        assert_eq!(pipfile("requests"), "requests");
        assert_eq!(pipfile("django"), "django>=4.2,<5");
        assert_eq!(pipfile("pywin32"), "pywin32; sys_platform == 'win32'");
        assert_eq!(pipfile("e"), ".");
        assert_eq!(pipfile("w"), "w==3.*; sys_platform == 'win32'");
    }
}
