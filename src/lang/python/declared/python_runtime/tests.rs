//! Tests of the Python version declarations and the choice they lead to.

use super::*;
use crate::declared::Fit;
use crate::declared::fixtures::{
    ARROW_PYPROJECT, MATRIX_WORKFLOW, POETRY_PYPROJECT, REQUESTS_SETUP_PY, TOX_INI, tree,
};

const AVAILABLE: &[&str] = &["3.9", "3.11", "3.13"];

fn available() -> Vec<Version> {
    AVAILABLE
        .iter()
        .filter_map(|v| Version::parse_prefix(v))
        .collect()
}

/// `(file, said, required?)` of each constraint.
fn summary(declared: &Declarations) -> Vec<(String, String, bool)> {
    declared
        .constraints
        .iter()
        .map(|c| {
            let required = c.strength == Strength::Required;
            (c.file.clone(), c.said.clone(), required)
        })
        .collect()
}

fn order(choices: &[Choice]) -> Vec<String> {
    choices.iter().map(|c| c.version.to_string()).collect()
}

fn row(file: &str, said: &str, required: bool) -> (String, String, bool) {
    (file.to_string(), said.to_string(), required)
}

#[test]
fn arrow_requires_python_and_its_classifiers() {
    let declared = python_constraints(&tree(&[("pyproject.toml", ARROW_PYPROJECT)]));
    assert!(declared.notes.is_empty(), "{:?}", declared.notes);
    assert_eq!(
        summary(&declared),
        vec![
            row("pyproject.toml", "requires-python \">=3.8\"", true),
            row(
                "pyproject.toml",
                "classifiers 3.8, 3.9, 3.10, 3.11, 3.12",
                false
            ),
        ]
    );
    let choices = choose_python(&available(), &declared);
    assert_eq!(order(&choices), ["3.11", "3.9", "3.13"]);
    assert_eq!(
        choices[0].reason,
        "Python 3.11: the project tests on it (classifiers 3.8, 3.9, 3.10, 3.11, 3.12 (pyproject.toml)), \
         and requires-python \">=3.8\" (pyproject.toml) allows it"
    );
    assert_eq!(choices[2].fit, Fit::Allowed);
}

#[test]
fn requests_setup_py_statically() {
    let declared = python_constraints(&tree(&[("setup.py", REQUESTS_SETUP_PY)]));
    assert_eq!(
        summary(&declared),
        vec![
            row("setup.py", "python_requires=\">=3.9\"", true),
            row("setup.py", "classifiers 3.9, 3.10, 3.11", false),
        ]
    );
    assert_eq!(
        order(&choose_python(&available(), &declared)),
        ["3.11", "3.9", "3.13"]
    );
}

#[test]
fn poetry_python_is_required() {
    let declared = python_constraints(&tree(&[("pyproject.toml", POETRY_PYPROJECT)]));
    assert_eq!(
        summary(&declared)[0],
        row("pyproject.toml", "python \"^3.10\"", true)
    );
    let choices = choose_python(&available(), &declared);
    assert_eq!(order(&choices), ["3.11", "3.13", "3.9"]);
    assert_eq!(choices[2].fit, Fit::Outside);
}

#[test]
fn setup_cfg_python_requires_and_classifiers() {
    let text = "[metadata]\nname = pkg\nclassifiers =\n    Programming Language :: Python :: 3\n    \
                Programming Language :: Python :: 3.7\n    Programming Language :: Python :: 3.8\n\n\
                [options]\npython_requires = >=3.7, <3.11\ninstall_requires = attrs\n";
    let declared = python_constraints(&tree(&[("setup.cfg", text)]));
    assert_eq!(
        summary(&declared),
        vec![
            row("setup.cfg", "python_requires = >=3.7, <3.11", true),
            row("setup.cfg", "classifiers 3.7, 3.8", false),
        ]
    );
    let choices = choose_python(&available(), &declared);
    assert_eq!(order(&choices), ["3.9", "3.11", "3.13"]);
    assert!(
        choices[0].reason.contains("nearest first"),
        "{}",
        choices[0].reason
    );
}

#[test]
fn pyenv_runtime_txt_and_pipfile_rank() {
    let declared = python_constraints(&tree(&[
        (".python-version", "3.9.18\n3.11\nsystem\n"),
        ("runtime.txt", "python-3.9.7\n"),
        (
            "Pipfile",
            "[packages]\nrequests = \"*\"\n\n[requires]\npython_version = \"3.9\"\n",
        ),
    ]));
    assert_eq!(
        summary(&declared),
        vec![
            row("Pipfile", "python_version = 3.9", false),
            row(".python-version", "3.9.18, 3.11", false),
            row("runtime.txt", "3.9.7", false),
        ]
    );
    let choices = choose_python(&available(), &declared);
    assert_eq!(order(&choices), ["3.11", "3.9", "3.13"]);
    assert_eq!(choices[0].fit, Fit::Tested);
    assert!(
        choices[0].reason.contains(".python-version"),
        "{}",
        choices[0].reason
    );
}

#[test]
fn tox_and_ci_matrices_rank() {
    let declared = python_constraints(&tree(&[
        ("tox.ini", TOX_INI),
        (".github/workflows/ci.yml", MATRIX_WORKFLOW),
    ]));
    assert_eq!(
        summary(&declared),
        vec![
            row(
                "tox.ini",
                "tox environments for 3.8, 3.9, 3.10, 3.11",
                false
            ),
            row(
                ".github/workflows/ci.yml",
                "python-version 3.9, 3.10, 3.11, 3.12, 3.13",
                false
            ),
        ]
    );
    let choices = choose_python(&available(), &declared);
    assert_eq!(order(&choices), ["3.13", "3.11", "3.9"]);
    assert!(choices.iter().all(|c| c.fit == Fit::Tested));
}

#[test]
fn nothing_available_satisfies_a_new_requirement() {
    let text = "[project]\nname = \"x\"\nrequires-python = \">=3.14\"\n";
    let declared = python_constraints(&tree(&[("pyproject.toml", text)]));
    let choices = choose_python(&available(), &declared);
    assert_eq!(order(&choices), ["3.13", "3.11", "3.9"]);
    assert_eq!(
        choices[0].reason,
        "Python 3.13: no available version satisfies requires-python \">=3.14\" (pyproject.toml); \
         3.13 is the nearest"
    );
}

#[test]
fn a_python2_project_gets_the_oldest_available() {
    let text = "setup(name='old', python_requires='>=2.7, !=3.0.*, !=3.1.*, <3.8',\n      \
                classifiers=['Programming Language :: Python :: 2.7'])\n";
    let declared = python_constraints(&tree(&[("setup.py", text)]));
    let choices = choose_python(&available(), &declared);
    assert_eq!(order(&choices), ["3.9", "3.11", "3.13"]);
    assert!(choices.iter().all(|c| c.fit == Fit::Outside));
    assert!(
        choices[0].reason.contains("3.9 is the nearest"),
        "{}",
        choices[0].reason
    );
}

#[test]
fn what_cannot_be_read_is_noted() {
    let declared = python_constraints(&tree(&[
        ("pyproject.toml", "[project\nname = 1\n"),
        ("setup.py", "setup(python_requires=PY_REQ)\n"),
        ("setup.cfg", "[options]\npython_requires = three\n"),
    ]));
    let notes: Vec<String> = declared.notes.iter().map(ToString::to_string).collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(
        notes[0].starts_with("pyproject.toml: not TOML"),
        "{}",
        notes[0]
    );
    assert!(
        notes[1].starts_with("setup.cfg: cannot read the version constraint"),
        "{}",
        notes[1]
    );
    assert_eq!(
        notes[2],
        "setup.py: line 1: python_requires=PY_REQ (not defined as a literal in setup.py) is not a literal; \
         not executed"
    );
    assert!(declared.constraints.is_empty());
    assert_eq!(
        order(&choose_python(&available(), &declared)),
        ["3.13", "3.11", "3.9"]
    );
}

#[test]
fn any_python_3_is_not_a_tested_version() {
    let workflow = "jobs:\n  lint:\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.x'\n";
    let cfg = "[metadata]\nclassifiers =\n    Programming Language :: Python :: 3.7\n    Programming Language :: Python :: 3.8\n";
    let declared = python_constraints(&tree(&[
        (".github/workflows/lint.yml", workflow),
        ("setup.cfg", cfg),
        ("tox.ini", "[tox]\nenvlist = py3, lint\n"),
    ]));
    assert_eq!(
        summary(&declared),
        vec![row("setup.cfg", "classifiers 3.7, 3.8", false)]
    );
    assert_eq!(
        order(&choose_python(&available(), &declared)),
        ["3.9", "3.11", "3.13"]
    );
}
