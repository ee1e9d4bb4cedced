//! A Python project's dependencies, from every file that declares them, split into what the code needs
//! (runtime), what its tests need (test) and other optional sets (docs, lint extras), each requirement a
//! PEP 508 string pip accepts, with its file and line. Requirement files (`requirements*.txt` and their
//! `-r`/`-c` includes), `pyproject.toml` (PEP 621, PEP 735 groups, Poetry, PDM, Flit, setuptools' dynamic
//! files), `setup.cfg`, `setup.py` (statically) and `Pipfile` are read; what could not be read is a note.

use super::requirement_list::Collected;
pub use super::requirement_list::{PyRequirement, PythonDeps};
use super::{pyproject_deps, requirements_txt, setup_files_deps, tox_deps};
use crate::declared::Tree;

/// Reads every declaration of `tree`.
pub fn python_deps(tree: &dyn Tree) -> PythonDeps {
    let mut deps = Collected::default();
    requirements_txt::read_all(tree, &mut deps);
    pyproject_deps::read(tree, &mut deps);
    setup_files_deps::read(tree, &mut deps);
    tox_deps::read(tree, &mut deps);
    deps.finish()
}

#[cfg(test)]
mod tests;
