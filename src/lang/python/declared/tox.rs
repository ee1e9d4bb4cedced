//! The Python versions a tox configuration tests on: the `py39`, `py310`, `py3.12`, `3.13` factors of its
//! environment list, with tox's brace expansion (`py3{8,9,10}`, `py{38,39}-django{2,3}`, `py3{10-13}`).
//! Read from `tox.ini` (`[tox] envlist`), `setup.cfg` (`[tox:tox]`), `pyproject.toml` (`[tool.tox]`, its
//! `legacy_tox_ini` or `env_list`) and `tox.toml`.

use crate::declared::Note;
use crate::declared::Tree;
use crate::declared::ini;
use crate::declared::ranges::Version;

/// The environment names one file lists, and the Python versions among their factors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToxEnvs {
    pub file: String,
    pub versions: Vec<Version>,
}

pub fn tox_pythons(tree: &dyn Tree) -> (Vec<ToxEnvs>, Vec<Note>) {
    let mut found = Vec::new();
    let mut notes = Vec::new();
    let mut add = |file: &str, envs: Vec<String>| {
        let mut versions: Vec<Version> = Vec::new();
        for version in envs
            .iter()
            .flat_map(|env| env.split('-'))
            .filter_map(factor_version)
        {
            if !versions.contains(&version) {
                versions.push(version);
            }
        }
        if !versions.is_empty() {
            found.push(ToxEnvs {
                file: file.to_string(),
                versions,
            });
        }
    };
    for (file, section) in [("tox.ini", "tox"), ("setup.cfg", "tox:tox")] {
        if let Some(text) = tree.text(file) {
            add(file, ini_envs(&text, section));
        }
    }
    for file in ["pyproject.toml", "tox.toml"] {
        let Some(text) = tree.text(file) else {
            continue;
        };
        let table: toml::Table = match toml::from_str(&text) {
            Ok(table) => table,
            Err(err) => {
                // pyproject.toml's own readers report it.
                if file == "tox.toml" {
                    notes.push(Note::new(file, format!("not TOML: {err}")));
                }
                continue;
            }
        };
        let tox = if file == "tox.toml" {
            Some(&table)
        } else {
            table
                .get("tool")
                .and_then(|tool| tool.get("tox"))
                .and_then(toml::Value::as_table)
        };
        let Some(tox) = tox else {
            continue;
        };
        if let Some(legacy) = tox.get("legacy_tox_ini").and_then(toml::Value::as_str) {
            add(file, ini_envs(legacy, "tox"));
        }
        let list = tox.get("env_list").or_else(|| tox.get("envlist"));
        if let Some(items) = list.and_then(toml::Value::as_array) {
            let envs = items
                .iter()
                .filter_map(toml::Value::as_str)
                .flat_map(expand)
                .collect();
            add(file, envs);
        }
    }
    (found, notes)
}

fn ini_envs(text: &str, section: &str) -> Vec<String> {
    let ini = ini::parse(text);
    let entry = ini
        .get(section, "envlist")
        .or_else(|| ini.get(section, "env_list"));
    let Some(entry) = entry else {
        return Vec::new();
    };
    let joined: Vec<String> = entry.lines().into_iter().map(|(_, line)| line).collect();
    split_top_level(&joined.join(","))
        .iter()
        .flat_map(|env| expand(env))
        .collect()
}

/// Splits on commas and whitespace outside braces.
fn split_top_level(text: &str) -> Vec<String> {
    let (mut parts, mut current, mut depth) = (Vec::new(), String::new(), 0usize);
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && (c == ',' || c.is_whitespace()) {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts.retain(|part| !part.is_empty());
    parts
}

/// tox's brace expansion: every combination of the alternatives of each `{…}`; `{10-13}` is a range.
pub fn expand(env: &str) -> Vec<String> {
    let Some(open) = env.find('{') else {
        return vec![env.trim().to_string()];
    };
    let Some(close) = env[open..].find('}').map(|at| open + at) else {
        return vec![env.trim().to_string()];
    };
    let (head, inner, tail) = (&env[..open], &env[open + 1..close], &env[close + 1..]);
    let mut choices = Vec::new();
    for choice in inner.split(',').map(str::trim) {
        let range = choice
            .split_once('-')
            .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
        match range {
            Some((from, to)) if from <= to && to - from < 100 => {
                choices.extend((from..=to).map(|n| n.to_string()));
            }
            _ => choices.push(choice.to_string()),
        }
    }
    let tails = expand(tail);
    choices
        .iter()
        .flat_map(|choice| {
            tails
                .iter()
                .map(move |rest| format!("{head}{choice}{rest}").trim().to_string())
        })
        .collect()
}

/// `py39` → 3.9, `py310` → 3.10, `py3.12` / `3.12` → 3.12, `py3` → 3; `pypy3`, `lint` → nothing.
fn factor_version(factor: &str) -> Option<Version> {
    let digits = factor.strip_prefix("py").unwrap_or(factor);
    let digits = digits.strip_prefix("thon").unwrap_or(digits);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if let Some((major, minor)) = digits.split_once('.') {
        return Some(Version(vec![major.parse().ok()?, minor.parse().ok()?]));
    }
    if factor == digits {
        return None; // a bare number is not a Python factor
    }
    let (major, minor) = digits.split_at(1);
    let major = major.parse().ok()?;
    match minor {
        "" => Some(Version(vec![major])),
        minor => Some(Version(vec![major, minor.parse().ok()?])),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn names(versions: &[Version]) -> Vec<String> {
        versions.iter().map(Version::to_string).collect()
    }

    #[test]
    fn brace_expansion() {
        assert_eq!(expand("py3{8,9,10}"), ["py38", "py39", "py310"]);
        assert_eq!(
            expand("py{38,39}-django{2,3}"),
            [
                "py38-django2",
                "py38-django3",
                "py39-django2",
                "py39-django3"
            ]
        );
        assert_eq!(expand("py3{10-13}"), ["py310", "py311", "py312", "py313"]);
        assert_eq!(expand("lint"), ["lint"]);
    }

    #[test]
    fn factors_that_name_a_python() {
        let version = |f: &str| factor_version(f).map(|v| v.to_string());
        assert_eq!(version("py39").as_deref(), Some("3.9"));
        assert_eq!(version("py310").as_deref(), Some("3.10"));
        assert_eq!(version("py27").as_deref(), Some("2.7"));
        assert_eq!(version("py3.12").as_deref(), Some("3.12"));
        assert_eq!(version("3.13").as_deref(), Some("3.13"));
        assert_eq!(version("py3").as_deref(), Some("3"));
        for other in ["pypy3", "pypy310", "django32", "lint", "py", "40"] {
            assert_eq!(version(other), None, "{other}");
        }
    }

    #[test]
    fn tox_ini_with_braces_over_several_lines() {
        let text = crate::declared::fixtures::TOX_INI;
        let mut tree = BTreeMap::new();
        tree.insert("tox.ini".to_string(), text.as_bytes().to_vec());
        let (found, notes) = tox_pythons(&tree);
        assert!(notes.is_empty());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].file, "tox.ini");
        assert_eq!(names(&found[0].versions), ["3.8", "3.9", "3.10", "3.11"]);
    }

    #[test]
    fn pyproject_legacy_ini_and_native_toml() {
        let pyproject =
            "[tool.tox]\nlegacy_tox_ini = \"\"\"\n[tox]\nenvlist = py39, py312\n\"\"\"\n";
        let tox_toml = "env_list = [\"3.13\", \"3.12\", \"type\"]\n";
        let mut tree = BTreeMap::new();
        tree.insert("pyproject.toml".to_string(), pyproject.as_bytes().to_vec());
        tree.insert("tox.toml".to_string(), tox_toml.as_bytes().to_vec());
        tree.insert(
            "setup.cfg".to_string(),
            b"[tox:tox]\nenvlist = py37\n".to_vec(),
        );
        let (found, _) = tox_pythons(&tree);
        let summary: Vec<(String, Vec<String>)> = found
            .iter()
            .map(|envs| (envs.file.clone(), names(&envs.versions)))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("setup.cfg".to_string(), vec!["3.7".to_string()]),
                (
                    "pyproject.toml".to_string(),
                    vec!["3.9".to_string(), "3.12".to_string()]
                ),
                (
                    "tox.toml".to_string(),
                    vec!["3.13".to_string(), "3.12".to_string()]
                ),
            ]
        );
    }
}
