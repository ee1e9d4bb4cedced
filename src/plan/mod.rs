//! What a change touched and what to test: from a unified diff and the files' contents to the target files, their
//! changed lines and changed public symbols, and the files left out with the reason why.
//!
//! Pure: no git, no file system. The caller reads the files (see [`crate::git::Repo::read_file`]) and passes them
//! in, which keeps every rule here testable with strings.

pub(crate) mod diff;
pub(crate) mod outline;
pub(crate) mod select;
pub(crate) mod symbols;

#[cfg(test)]
mod diff_tests;
#[cfg(test)]
mod plan_tests;

use crate::model::{SkippedFile, TargetFile};
use diff::{FileDiff, FileStatus};
pub use select::PlanConfig;
pub(crate) use select::{FileFilter, PlanError};
use symbols::Side;

/// The files to test and the changed files left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub targets: Vec<TargetFile>,
    pub skipped: Vec<SkippedFile>,
}

/// Plans a run from the diff between base and head.
///
/// `head` and `base` give a file's text on each side by path (`None` when it does not exist or cannot be read);
/// `base` is asked with the file's base-side path, which differs from its head path after a rename. The only error
/// is an invalid glob in `config`.
pub fn plan(
    diff: &str,
    head: &dyn Fn(&str) -> Option<String>,
    base: &dyn Fn(&str) -> Option<String>,
    config: &PlanConfig,
) -> Result<Plan, PlanError> {
    let filter = FileFilter::new(config)?;
    let mut result = Plan::default();
    for file in diff::parse_diff(diff) {
        match plan_file(&file, head, base, &filter) {
            Ok(target) => result.targets.push(target),
            Err(reason) => result.skipped.push(SkippedFile {
                path: file.path().to_string(),
                reason,
            }),
        }
    }
    result.targets.sort_by(|a, b| a.path.cmp(&b.path));
    result.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(result)
}

/// One file: a target, or the reason it is left out.
fn plan_file(
    file: &FileDiff,
    head: &dyn Fn(&str) -> Option<String>,
    base: &dyn Fn(&str) -> Option<String>,
    filter: &FileFilter,
) -> Result<TargetFile, String> {
    let path = file.path();
    if file.status == FileStatus::Deleted {
        return Err("deleted".into());
    }
    if file.submodule {
        return Err("submodule".into());
    }
    if file.symlink {
        return Err("symbolic link".into());
    }
    if file.binary {
        return Err("binary file".into());
    }
    if let Some(reason) = select::vendored_reason(path) {
        return Err(reason.into());
    }
    let Some(language) = select::language_of(path) else {
        return Err("unsupported language".into());
    };
    if let Some(reason) = select::test_reason(path)
        .or_else(|| select::generated_path_reason(path))
        .map(str::to_string)
        .or_else(|| filter.config_reason(path, language))
    {
        return Err(reason);
    }
    let renamed = file.status == FileStatus::Renamed;
    if file.added_lines.is_empty() && file.removed_lines.is_empty() && !renamed {
        return Err("no content change".into());
    }
    let Some(head_source) = head(path) else {
        return Err("could not be read at head".into());
    };
    if let Some(marker) = select::generated_marker(&head_source) {
        return Err(format!("generated code (marked '{marker}')"));
    }
    if let Some(reason) = select::entry_point_reason(path, language, &head_source) {
        return Err(reason.into());
    }
    let head_outline = outline::outline(language, &head_source);
    let base_source = match (file.status, &file.old_path) {
        (FileStatus::Added, _) | (_, None) => None,
        (_, Some(old)) => base(old),
    };
    let base_outline = base_source
        .as_deref()
        .map(|source| outline::outline(language, source));
    let head_side = Side {
        source: &head_source,
        outline: &head_outline,
    };
    let base_side = base_source
        .as_deref()
        .zip(base_outline.as_deref())
        .map(|(source, outline)| Side { source, outline });
    Ok(TargetFile {
        path: path.to_string(),
        language,
        changed_lines: file.added_lines.clone(),
        symbols: symbols::changed_symbols(file, head_side, base_side),
    })
}
