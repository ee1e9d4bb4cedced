//! When the changed code fails to import on one Python version for a reason another version fixes: a
//! standard-library module or attribute that version removed (`pipes` in 3.13, `imp` in 3.12,
//! `collections.Mapping` in 3.10), one it does not have yet (`tomllib` before 3.11), or syntax that fails on
//! the base revision too (newer syntax than the interpreter reads). Pure: it reads the runner's
//! [`Problem`]s and says which way to go, with the sentence the report prints.

use crate::declared::Version;
use crate::model::{Problem, ProblemKind};

/// Standard-library modules and the Python version that no longer has them.
const REMOVED_MODULES: &[(&str, (u64, u64))] = &[
    ("formatter", (3, 10)),
    ("parser", (3, 10)),
    ("symbol", (3, 10)),
    ("binhex", (3, 11)),
    ("asynchat", (3, 12)),
    ("asyncore", (3, 12)),
    ("smtpd", (3, 12)),
    ("imp", (3, 12)),
    ("distutils", (3, 12)),
    // PEP 594's dead batteries, and lib2to3.
    ("aifc", (3, 13)),
    ("audioop", (3, 13)),
    ("cgi", (3, 13)),
    ("cgitb", (3, 13)),
    ("chunk", (3, 13)),
    ("crypt", (3, 13)),
    ("imghdr", (3, 13)),
    ("mailcap", (3, 13)),
    ("msilib", (3, 13)),
    ("nis", (3, 13)),
    ("nntplib", (3, 13)),
    ("ossaudiodev", (3, 13)),
    ("pipes", (3, 13)),
    ("sndhdr", (3, 13)),
    ("spwd", (3, 13)),
    ("sunau", (3, 13)),
    ("telnetlib", (3, 13)),
    ("uu", (3, 13)),
    ("xdrlib", (3, 13)),
    ("lib2to3", (3, 13)),
];

/// Standard-library attributes (`module`, `name`) and the version that removed them.
const REMOVED_ATTRIBUTES: &[(&str, &str, (u64, u64))] = &[
    ("collections", "Mapping", (3, 10)),
    ("collections", "MutableMapping", (3, 10)),
    ("collections", "Sequence", (3, 10)),
    ("collections", "MutableSequence", (3, 10)),
    ("collections", "Iterable", (3, 10)),
    ("collections", "Iterator", (3, 10)),
    ("collections", "Callable", (3, 10)),
    ("collections", "Set", (3, 10)),
    ("collections", "MutableSet", (3, 10)),
    ("collections", "Hashable", (3, 10)),
    ("inspect", "getargspec", (3, 11)),
    ("asyncio", "coroutine", (3, 11)),
    ("configparser", "SafeConfigParser", (3, 12)),
    ("unittest", "makeSuite", (3, 13)),
    ("unittest", "findTestCases", (3, 13)),
    ("locale", "resetlocale", (3, 13)),
];

/// Standard-library modules and the first Python version that has them.
const ADDED_MODULES: &[(&str, (u64, u64))] = &[
    ("zoneinfo", (3, 9)),
    ("graphlib", (3, 9)),
    ("tomllib", (3, 11)),
];

/// Which way to look for a Python version the code imports on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wants {
    /// An older version than this one (something the code uses was removed in it).
    Below(Version),
    /// A newer version than this one.
    Above(Version),
}

impl Wants {
    /// Whether `version` (a `major.minor` series) is the way this points.
    pub fn accepts(&self, version: &Version) -> bool {
        match self {
            Wants::Below(limit) => version < limit,
            Wants::Above(limit) => version > limit,
        }
    }
}

/// A reason to run the Python runner again on another version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    pub wants: Wants,
    /// Why, for the report: "`pipes` was removed in Python 3.13".
    pub reason: String,
}

/// Whether the problems of a run on `version` (`3.13`) call for another version, and which way. The first
/// problem that does decides; `None` when none does (a missing third-party package, a real syntax error of
/// the PR…).
pub fn retry_direction(problems: &[Problem], version: &Version) -> Option<Retry> {
    problems
        .iter()
        .find_map(|problem| problem_retry(problem, version))
}

fn problem_retry(problem: &Problem, version: &Version) -> Option<Retry> {
    match problem.kind {
        ProblemKind::ImportError => import_retry(problem, version),
        // Syntax the interpreter cannot read on base and head alike is the project's own, written for a
        // newer Python; a syntax error only the head has is the PR's.
        ProblemKind::SyntaxError if problem.same_on_base == Some(true) => Some(Retry {
            wants: Wants::Above(version.clone()),
            reason: format!(
                "{} does not parse on Python {version}, on the base revision either",
                problem.path.as_deref().unwrap_or("the code")
            ),
        }),
        _ => None,
    }
}

fn import_retry(problem: &Problem, version: &Version) -> Option<Retry> {
    let module = problem
        .missing_module
        .clone()
        .or_else(|| missing_module_in(&problem.message));
    if let Some(module) = module {
        let top = module.split('.').next().unwrap_or(&module);
        if let Some((_, removed)) = REMOVED_MODULES.iter().find(|(name, _)| *name == top) {
            let removed = series(*removed);
            if *version >= removed {
                return Some(Retry {
                    reason: format!("`{top}` was removed in Python {removed}"),
                    wants: Wants::Below(removed),
                });
            }
        }
        if let Some((_, added)) = ADDED_MODULES.iter().find(|(name, _)| *name == top) {
            let added = series(*added);
            if *version < added {
                return Some(Retry {
                    reason: format!("`{top}` is new in Python {added}"),
                    wants: Wants::Above(version.clone()),
                });
            }
        }
    }
    let (module, name) = missing_attribute_in(&problem.message)?;
    let (_, _, removed) = REMOVED_ATTRIBUTES
        .iter()
        .find(|(m, n, _)| *m == module && *n == name)?;
    let removed = series(*removed);
    (*version >= removed).then(|| Retry {
        reason: format!("`{module}.{name}` was removed in Python {removed}"),
        wants: Wants::Below(removed),
    })
}

fn series((major, minor): (u64, u64)) -> Version {
    Version::new(&[major, minor])
}

/// `No module named 'pipes'` → `pipes` (what a harness that does not fill `missing_module` says).
fn missing_module_in(message: &str) -> Option<String> {
    quoted_after(message, "No module named ")
}

/// `module 'collections' has no attribute 'Mapping'` or `cannot import name 'Mapping' from 'collections'`.
fn missing_attribute_in(message: &str) -> Option<(String, String)> {
    if let Some(module) = quoted_after(message, "module ") {
        let rest = message.split(" has no attribute ").nth(1)?;
        let name = quoted_after(rest, "")?;
        return Some((module, name));
    }
    let name = quoted_after(message, "cannot import name ")?;
    let rest = message.split(" from ").nth(1)?;
    let module = quoted_after(rest, "")?;
    Some((module, name))
}

/// The first `'…'` right after `prefix` (anywhere in `text` when `prefix` is empty).
fn quoted_after(text: &str, prefix: &str) -> Option<String> {
    let start = if prefix.is_empty() {
        0
    } else {
        text.find(prefix)? + prefix.len()
    };
    let rest = text[start..].trim_start().strip_prefix('\'')?;
    let name = rest.split('\'').next()?;
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
#[path = "runtime_tests.rs"]
mod tests;
