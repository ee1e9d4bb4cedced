//! What tox installs for every test environment (`[testenv] deps` of `tox.ini`, of `setup.cfg`'s
//! `[testenv]`, of `pyproject.toml`'s `legacy_tox_ini`): test requirements that many projects declare nowhere
//! else. `{[section]key}` references are followed; lines that depend on a factor (`django42: Django~=4.2`)
//! or on another substitution are left out, and said so.

use super::requirement_list::{Collected, Group, Origin};
use super::requirements_txt::{join, read_included, split_option};
use crate::declared::Tree;
use crate::declared::ini::{self, Ini};

pub(super) fn read(tree: &dyn Tree, deps: &mut Collected) {
    for file in ["tox.ini", "setup.cfg"] {
        if let Some(text) = tree.text(file) {
            testenv_deps(tree, file, &ini::parse(&text), deps);
        }
    }
    let legacy = tree
        .text("pyproject.toml")
        .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
        .and_then(|table| {
            let tox = table.get("tool")?.get("tox")?;
            tox.get("legacy_tox_ini")?.as_str().map(str::to_string)
        });
    if let Some(legacy) = legacy {
        testenv_deps(tree, "pyproject.toml", &ini::parse(&legacy), deps);
    }
}

fn testenv_deps(tree: &dyn Tree, file: &str, ini: &Ini, deps: &mut Collected) {
    let Some(entry) = ini.get("testenv", "deps") else {
        return;
    };
    let mut skipped = Vec::new();
    for (line, text) in expand(ini, entry.lines(), 0) {
        if is_conditional(&text) || text.contains('{') {
            skipped.push(line.to_string());
            continue;
        }
        let at = Origin {
            file,
            line: Some(line),
            group: Some("tox"),
        };
        if !text.starts_with('-') {
            deps.add_text(Group::Test, &text, at, false);
            continue;
        }
        let (option, value) = split_option(&text);
        match option.as_str() {
            "-r" | "--requirement" | "-c" | "--constraint" => {
                let group = if matches!(option.as_str(), "-c" | "--constraint") {
                    Group::Constraint
                } else {
                    Group::Test
                };
                let path = join(file, &value);
                if tree.exists(&path) {
                    read_included(tree, &path, group, deps);
                } else {
                    deps.note(
                        file,
                        format!("line {line}: {option} {value}: no such file in the repository"),
                    );
                }
            }
            "-e" | "--editable" => deps.add_text(Group::Test, &value, at, true),
            _ => deps.note(
                file,
                format!("line {line}: {option} in [testenv] deps is not passed on"),
            ),
        }
    }
    if !skipped.is_empty() {
        deps.note(
            file,
            format!(
                "[testenv] deps lines {} depend on a tox factor or substitution and are not read",
                skipped.join(", ")
            ),
        );
    }
}

/// The lines with each `{[section]key}` line replaced by that value's lines (a few levels deep).
fn expand(ini: &Ini, lines: Vec<(u32, String)>, depth: usize) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for (line, text) in lines {
        let reference = text
            .strip_prefix("{[")
            .and_then(|rest| rest.strip_suffix('}'))
            .and_then(|rest| rest.split_once(']'));
        match reference.and_then(|(section, key)| ini.get(section, key)) {
            Some(entry) if depth < 4 => out.extend(expand(ini, entry.lines(), depth + 1)),
            _ => out.push((line, text)),
        }
    }
    out
}

/// `py38,django42: pkg` or `!windows: pkg`: installed only in some environments.
fn is_conditional(text: &str) -> bool {
    let Some((factors, _)) = text.split_once(": ").or_else(|| text.split_once(":\t")) else {
        return false;
    };
    !factors.is_empty()
        && factors.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ',' | '!' | '{' | '}' | '.')
        })
}

#[cfg(test)]
mod tests {
    use crate::declared::fixtures::{TOX_INI, tree};
    use crate::lang::python::declared::python_deps::python_deps;

    #[test]
    fn testenv_deps_with_references_factors_and_includes() {
        let tox = "[tox]\nenvlist = py{310,311}\n\n[test-requirements]\ndeps =\n    attrs\n    coverage >= 7.10.6\n\n\
                   [testenv]\ndeps =\n    {[test-requirements]deps}\n    pytest >= 8.4.1  # a comment\n    \
                   dj42: django~=4.2.1\n    -rtests/requirements.txt\n    -e .[extra]\n    {env:EXTRA_DEP}\n\
                   commands = pytest {posargs}\n";
        let deps = python_deps(&tree(&[
            ("tox.ini", tox),
            ("tests/requirements.txt", "pytest-twisted\n"),
        ]));
        let test: Vec<String> = deps.test.iter().map(|r| r.requirement.clone()).collect();
        // tests/requirements.txt is a test file of its own, read before tox.ini.
        assert_eq!(
            test,
            [
                "pytest-twisted",
                "attrs",
                "coverage>=7.10.6",
                "pytest>=8.4.1"
            ]
        );
        let lines: Vec<Option<u32>> = deps.test.iter().map(|r| r.line).collect();
        assert_eq!(lines, [Some(1), Some(6), Some(7), Some(12)]);
        assert_eq!(deps.test[1].group.as_deref(), Some("tox"));
        let notes: Vec<String> = deps.notes.iter().map(ToString::to_string).collect();
        assert_eq!(
            notes,
            [
                "tox.ini: [testenv] deps lines 13, 16 depend on a tox factor or substitution and are not read"
            ]
        );
    }

    #[test]
    fn the_fixture_tox_ini() {
        let deps = python_deps(&tree(&[("tox.ini", TOX_INI)]));
        let test: Vec<String> = deps.test.iter().map(|r| r.requirement.clone()).collect();
        assert_eq!(test, ["pytest"]);
        assert_eq!(
            deps.notes.len(),
            1,
            "django32: Django>=3.2,<4.0 is left out"
        );
    }
}
