//! Pure path checks for [`super::unpack`]: which archive paths and link targets stay inside the destination.
//!
//! Everything here is lexical (no file system access), so it can be unit-tested alone. The one check that needs
//! the file system — "no existing symlink on the way" — lives in the unpacker.

use std::path::{Component, Path, PathBuf};

/// Why an archive path cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathProblem {
    /// Starts at `/` (or a Windows prefix).
    Absolute,
    /// Has a `..` component.
    ParentDir,
}

/// Turns an archive path into a relative path with only normal components, minus `strip` leading components.
///
/// `Ok(None)` means the entry disappears entirely when stripped (for example GitHub's top folder itself).
pub fn relative_entry_path(path: &Path, strip: usize) -> Result<Option<PathBuf>, PathProblem> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(PathProblem::ParentDir),
            Component::RootDir | Component::Prefix(_) => return Err(PathProblem::Absolute),
        }
    }
    if parts.len() <= strip {
        return Ok(None);
    }
    Ok(Some(parts[strip..].iter().collect()))
}

/// Whether a symlink placed at `link` (relative to the destination) with target `target` stays inside.
///
/// The rule is stricter than "resolves inside" on purpose: the target must be relative, and its `..`
/// components may only come first (`../lib/x` is fine, `a/../..` is not). Because parents of a link are
/// always real directories (the unpacker refuses to write through links) and every earlier link obeys the
/// same rule, leading `..` resolve physically exactly as they do lexically, so no chain of links can climb out.
pub fn symlink_stays_inside(link: &Path, target: &Path) -> bool {
    let depth = link.components().count().saturating_sub(1);
    let mut ups = 0usize;
    let mut seen_normal = false;
    for component in target.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if !seen_normal => ups += 1,
            Component::ParentDir => return false,
            Component::Normal(_) => seen_normal = true,
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    ups <= depth
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(path: &str, strip: usize) -> Result<Option<PathBuf>, PathProblem> {
        relative_entry_path(Path::new(path), strip)
    }

    #[test]
    fn strips_leading_components_and_dot() {
        assert_eq!(
            rel("./top/src/a.py", 1),
            Ok(Some(PathBuf::from("src/a.py")))
        );
        assert_eq!(rel("top/", 1), Ok(None));
        assert_eq!(rel("a/b", 0), Ok(Some(PathBuf::from("a/b"))));
    }

    #[test]
    fn refuses_absolute_and_parent_paths() {
        assert_eq!(rel("/etc/passwd", 0), Err(PathProblem::Absolute));
        assert_eq!(rel("a/../../x", 0), Err(PathProblem::ParentDir));
        assert_eq!(rel("top/../x", 1), Err(PathProblem::ParentDir));
    }

    #[test]
    fn symlinks_inside_are_allowed() {
        assert!(symlink_stays_inside(
            Path::new("a/b/link"),
            Path::new("../../c")
        ));
        assert!(symlink_stays_inside(
            Path::new("link"),
            Path::new("sub/file")
        ));
        assert!(symlink_stays_inside(Path::new("a/link"), Path::new("./x")));
    }

    #[test]
    fn symlinks_leaving_are_refused() {
        assert!(!symlink_stays_inside(Path::new("link"), Path::new("/")));
        assert!(!symlink_stays_inside(Path::new("link"), Path::new("..")));
        assert!(!symlink_stays_inside(
            Path::new("a/link"),
            Path::new("../../x")
        ));
        // Lexically inside, but `s/..` climbs out if `s` is itself a link to `.`.
        assert!(!symlink_stays_inside(Path::new("t"), Path::new("s/..")));
    }
}
