//! What a Python project declares, read without running anything: the interpreter it needs
//! ([`python_runtime`]: `requires-python`, `python_requires` in setup.cfg and setup.py read statically,
//! `.python-version`, tox envlists, CI matrices, classifiers) and the packages it depends on
//! ([`python_deps::python_deps`]: requirements files with their `-r` includes, PEP 621, Poetry, PDM, Flit,
//! setup.cfg, setup.py, Pipfile, tox deps; runtime and test requirements as PEP 508 strings). Version
//! specifiers are read by [`pep440`] (with Poetry's forms).

pub mod pep440;
mod pep508;
mod poetry;
mod pyproject_deps;
pub mod python_deps;
pub mod python_runtime;
mod requirement_list;
mod requirements_txt;
mod setup_files_deps;
mod setup_py;
mod tox;
mod tox_deps;
