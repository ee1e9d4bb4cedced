//! What a project declares about itself, the parts every language shares: a read-only view of the
//! repository ([`Tree`]: path → bytes, plus the list of paths, whether it comes from git, a workspace tar or a
//! test), version sets ([`ranges::Ranges`]), the chooser that ranks the available runtime versions against the
//! constraints a project states ([`chooser::choose`]), and the readers of files that are not any one language's (INI,
//! CI workflow matrices). Each language's own readers live in its module under `src/lang/` (`declared/`):
//! Python's `requires-python`, PEP 440 and the dependency lists; Node's `engines` and npm ranges; Java's
//! compiler release and toolchain.
//!
//! Everything here is pure, and each finding keeps the file it came from, so a report can say why a
//! version was chosen or a package installed. A caller that keeps only some files' contents keeps the ones
//! [`is_declaration`] names.

pub mod chooser;
pub mod ci_workflows;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod ini;
pub mod ranges;
mod tree;

pub use chooser::{Choice, Declarations, Fit};
pub use ranges::Version;
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
