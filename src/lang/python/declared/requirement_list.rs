//! The requirements of a Python project as they are collected: one requirement, the lists it goes to, and the
//! accumulator every declaration reader fills ([`Collected`]: de-duplication, the project's own extras). The
//! readers (`requirements_txt`, `pyproject_deps`, `setup_files_deps`, `tox_deps`) depend on this module, and
//! [`super::python_deps`] runs them in order.

use super::pep508::{self, Pep508};
use super::poetry::TableDep;
use crate::declared::Note;

/// One requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyRequirement {
    /// PEP 503 normalised; `None` for a path or URL that names no project.
    pub name: Option<String>,
    /// What to give pip: a PEP 508 string with the name normalised, or a path / URL as written.
    pub requirement: String,
    pub file: String,
    /// 1-based, when the file has lines for it (not TOML).
    pub line: Option<u32>,
    /// The extra or group it comes from (`test`, `dev`, `docs`), when it does.
    pub group: Option<String>,
    /// A path inside the repository, nothing to fetch.
    pub local: bool,
    /// `-e` / Poetry's `develop` / Pipfile's `editable`.
    pub editable: bool,
}

/// A pip option a requirement file sets (`--find-links vendor`, `--index-url …`, `--no-index`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipOption {
    pub option: String,
    /// The value, with a relative `--find-links` folder made relative to the repository root.
    pub value: Option<String>,
    pub file: String,
    pub line: u32,
}

/// Everything a project declares about its Python dependencies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PythonDeps {
    pub runtime: Vec<PyRequirement>,
    /// What the tests need besides the runtime (test/dev extras and groups, test requirement files).
    pub test: Vec<PyRequirement>,
    /// Other extras and groups (docs, lint), not needed to run the tests.
    pub optional: Vec<PyRequirement>,
    /// From `-c` constraint files: versions to hold, not things to install.
    pub constraints: Vec<PyRequirement>,
    pub pip_options: Vec<PipOption>,
    /// Why `pip install .` can install the project itself (`pyproject.toml [build-system]`, `setup.py`);
    /// `None` when it cannot. The project is never one of its own requirements.
    pub installable: Option<String>,
    pub notes: Vec<Note>,
}

/// Which list a requirement goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Runtime,
    Test,
    Optional,
    /// A `-c` file's pins.
    Constraint,
}

/// Names of extras, groups and requirement files whose contents the tests need.
const TEST_NAMES: &[&str] = &[
    "test",
    "tests",
    "testing",
    "dev",
    "develop",
    "development",
    "ci",
];

/// The group an extra, dependency group or requirement file name stands for.
pub fn group_of(name: &str) -> Group {
    let name = pep508::normalise_name(name);
    if TEST_NAMES.contains(&name.as_str()) || name.split('-').any(|word| TEST_NAMES.contains(&word))
    {
        Group::Test
    } else {
        Group::Optional
    }
}

/// The lists while they are being filled, and the extras the project asks for on itself (`-e .[test]`).
#[derive(Debug, Default)]
pub(super) struct Collected {
    pub deps: PythonDeps,
    self_extras: Vec<(Group, String)>,
    /// Requirement files already read, and into which group.
    files_read: Vec<(String, Group)>,
    /// The project's own name (PEP 503), so naming it as a requirement is read as naming itself.
    pub self_name: Option<String>,
}

impl Collected {
    /// True the first time `file` is read into `group`.
    pub fn first_reading(&mut self, file: &str, group: Group) -> bool {
        let entry = (file.to_string(), group);
        let first = !self.files_read.contains(&entry);
        if first {
            self.files_read.push(entry);
        }
        first
    }

    /// Adds a requirement made from a Poetry or Pipfile table entry (the project itself is skipped).
    pub fn add_table(&mut self, group: Group, dep: TableDep, file: &str, name: Option<&str>) {
        if let Some(widened) = &dep.widened {
            self.note(
                file,
                format!("{widened}, wider than written: PEP 440 has no \"or\""),
            );
        }
        if dep.local && self_reference(&dep.requirement).is_some() {
            return;
        }
        self.push(
            group,
            PyRequirement {
                name: Some(dep.name),
                requirement: dep.requirement,
                file: file.to_string(),
                line: None,
                group: name.map(str::to_string),
                local: dep.local,
                editable: dep.editable,
            },
        );
    }

    pub fn push(&mut self, group: Group, requirement: PyRequirement) {
        match group {
            Group::Runtime => self.deps.runtime.push(requirement),
            Group::Test => self.deps.test.push(requirement),
            Group::Optional => self.deps.optional.push(requirement),
            Group::Constraint => self.deps.constraints.push(requirement),
        }
    }

    pub fn note(&mut self, file: &str, message: impl Into<String>) {
        self.deps.notes.push(Note::new(file, message));
    }

    /// Adds a requirement as written; the project itself (`.`, `.[test]`) is not one: its extras join
    /// `group`. Something that is neither a requirement nor a path is a note.
    pub fn add_text(&mut self, group: Group, text: &str, at: Origin<'_>, editable: bool) {
        let text = text.trim();
        if let Some(extras) = self_reference(text) {
            self.self_extras
                .extend(extras.into_iter().map(|extra| (group, extra)));
            return;
        }
        let requirement = match requirement(text, at, editable) {
            Ok(requirement) => requirement,
            Err(message) => return self.note(at.file, message),
        };
        self.push(group, requirement);
    }

    /// Dedupes and moves the extras asked for on the project itself.
    pub fn finish(mut self) -> PythonDeps {
        // The project named as a requirement (`requests[socks]` in requests' own test group).
        if let Some(own) = self.self_name.clone() {
            for group in [Group::Runtime, Group::Test, Group::Optional] {
                let list = match group {
                    Group::Runtime => &mut self.deps.runtime,
                    Group::Test => &mut self.deps.test,
                    _ => &mut self.deps.optional,
                };
                let (own_refs, rest): (Vec<PyRequirement>, Vec<PyRequirement>) =
                    std::mem::take(list).into_iter().partition(|r| {
                        r.name.as_deref() == Some(own.as_str())
                            && !r.local
                            && !r.requirement.contains(" @ ")
                    });
                *list = rest;
                let extras = own_refs
                    .iter()
                    .filter_map(|r| Pep508::parse(&r.requirement))
                    .flat_map(|parsed| parsed.extras);
                self.self_extras.extend(extras.map(|extra| (group, extra)));
            }
        }
        for (group, extra) in std::mem::take(&mut self.self_extras) {
            let (moved, kept) = std::mem::take(&mut self.deps.optional)
                .into_iter()
                .partition(|r| {
                    r.group.as_deref().map(pep508::normalise_name) == Some(extra.clone())
                });
            self.deps.optional = kept;
            for requirement in moved {
                self.push(group, requirement);
            }
        }
        let deps = &mut self.deps;
        deps.runtime = dedupe(std::mem::take(&mut deps.runtime), &[]);
        deps.test = dedupe(std::mem::take(&mut deps.test), &deps.runtime);
        let installed: Vec<PyRequirement> =
            deps.runtime.iter().chain(&deps.test).cloned().collect();
        deps.optional = dedupe(std::mem::take(&mut deps.optional), &installed);
        deps.constraints = dedupe(std::mem::take(&mut deps.constraints), &[]);
        // A file read for two groups sets its options and earns its notes twice.
        let mut options: Vec<PipOption> = Vec::new();
        for option in std::mem::take(&mut deps.pip_options) {
            if !options
                .iter()
                .any(|o| o.option == option.option && o.value == option.value)
            {
                options.push(option);
            }
        }
        deps.pip_options = options;
        let mut notes: Vec<Note> = Vec::new();
        for note in std::mem::take(&mut deps.notes) {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        deps.notes = notes;
        self.deps
    }
}

/// Where a requirement was written.
#[derive(Debug, Clone, Copy)]
pub(super) struct Origin<'a> {
    pub file: &'a str,
    pub line: Option<u32>,
    pub group: Option<&'a str>,
}

/// `.`, `./`, `.[test,docs]`, `file:.` → the extras it asks for.
fn self_reference(text: &str) -> Option<Vec<String>> {
    let text = text.strip_prefix("file:").unwrap_or(text);
    let (path, extras) = match text.split_once('[') {
        Some((path, rest)) => (path, rest.trim_end().strip_suffix(']')?),
        None => (text, ""),
    };
    matches!(path.trim(), "." | "./").then(|| {
        extras
            .split(',')
            .map(|extra| pep508::normalise_name(extra.trim()))
            .filter(|extra| !extra.is_empty())
            .collect()
    })
}

/// A requirement from its text: PEP 508 (name normalised), else a path or URL as written.
fn requirement(text: &str, at: Origin<'_>, editable: bool) -> Result<PyRequirement, String> {
    let line = at.line.map(|n| format!("line {n}: ")).unwrap_or_default();
    let (name, requirement, local) = if let Some(parsed) = Pep508::parse(text) {
        let local = parsed
            .url
            .as_deref()
            .is_some_and(|url| url.starts_with("file:"));
        (Some(parsed.name.clone()), parsed.to_string(), local)
    } else if pep508::is_path(text) || text.contains("://") {
        (
            pep508::name_of_location(text),
            text.to_string(),
            pep508::is_path(text),
        )
    } else {
        return Err(format!("{line}{text:?} is not a requirement pip can read"));
    };
    Ok(PyRequirement {
        name,
        requirement,
        file: at.file.to_string(),
        line: at.line,
        group: at.group.map(str::to_string),
        local,
        editable,
    })
}

/// What makes two requirements the same (name and marker), and how specific one is.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    name: String,
    marker: Option<String>,
}

fn identity(requirement: &PyRequirement) -> (Identity, (u8, usize)) {
    let parsed = Pep508::parse(&requirement.requirement);
    let marker = parsed.as_ref().and_then(|p| p.marker.clone());
    let specificity = parsed.map_or((3, 0), |p| p.specificity());
    let name = requirement
        .name
        .clone()
        .unwrap_or_else(|| requirement.requirement.clone());
    (Identity { name, marker }, specificity)
}

/// Keeps one requirement per name and marker, the most specific (the first on a tie), where the first of
/// them was; drops the ones `already` has at least as specifically.
fn dedupe(list: Vec<PyRequirement>, already: &[PyRequirement]) -> Vec<PyRequirement> {
    let mut kept: Vec<(PyRequirement, Identity, (u8, usize))> = Vec::new();
    for requirement in list {
        let (id, specificity) = identity(&requirement);
        match kept.iter_mut().find(|(_, other, _)| *other == id) {
            Some(slot) if specificity > slot.2 => *slot = (requirement, id, specificity),
            Some(_) => {}
            None => kept.push((requirement, id, specificity)),
        }
    }
    kept.into_iter()
        .filter(|(_, id, specificity)| {
            !already.iter().any(|other| {
                let (other_id, other_specificity) = identity(other);
                other_id == *id && other_specificity >= *specificity
            })
        })
        .map(|(requirement, _, _)| requirement)
        .collect()
}
