//! What a project declares about itself: which runtime version it needs (Python, Node, Java) and which
//! Python packages it depends on, read from its files without running anything.
//!
//! Everything here is pure: callers hand in a read-only view of the repository ([`Tree`]: path → bytes,
//! plus the list of paths), whether it comes from git, a workspace tar or a test. Each finding keeps the
//! file it came from, so a report can say why a version was chosen or a package installed.
//!
//! - runtimes: [`python_runtime`], [`node_runtime`], [`java_runtime`] collect [`Constraint`]s (required
//!   ones filter, tested ones rank); [`choose`] ranks the available versions with a reason each (Java has
//!   its own rule, [`java_runtime::choose_jdk`]). Version sets are [`Ranges`], read by [`pep440`] (with
//!   Poetry's forms) and [`npm_semver`];
//! - Python dependencies: [`python_deps::python_deps`], runtime and test requirements as PEP 508 strings.
//!
//! A caller that keeps only some files' contents keeps the ones [`is_declaration`] names.

mod ci_workflows;
#[cfg(test)]
mod fixtures;
mod ini;
mod java_build;
mod pep508;
mod poetry;
mod pyproject_deps;
mod requirement_list;
mod requirements_txt;
mod setup_files_deps;
mod setup_py;
mod tox;
mod tox_deps;
mod tree;

pub mod chooser;
pub mod java_runtime;
pub mod node_runtime;
pub mod npm_semver;
pub mod pep440;
pub mod python_deps;
pub mod python_runtime;
pub mod ranges;

pub use chooser::{Choice, Constraint, Declarations, Fit, Strength, choose};
pub use ranges::{Ranges, Version};
pub use tree::{FnTree, Tree, is_declaration};

/// Something a file says that could not be read, and why (a non-literal `setup.py` argument, bad TOML…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub file: String,
    pub message: String,
}

impl Note {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> Note {
        Note {
            file: file.to_string(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}
