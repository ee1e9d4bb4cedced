//! Reading a local git repository through the `git` command line.
//!
//! The CLI rather than a library, because it is what the user has, it honours their configuration where that
//! matters (ignore files, `safe.directory`) and it is hardened in one place ([`command`]): no shell, a deadline on
//! every call, revisions passed after `--end-of-options` and paths after `--`, literal pathspecs.
//!
//! Calls block; async callers run them in `tokio::task::spawn_blocking`.

mod command;
mod links;
mod tree;

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use command::GitCommand;
pub use tree::TreeLimits;

/// Default deadline of one git call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest diff accepted, in bytes.
pub const MAX_DIFF_BYTES: usize = 64 * 1024 * 1024;
/// Largest single file [`Repo::read_file`] returns, in bytes.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Git's empty tree: the base of `ato run --all`, against which every file of the head is new.
pub const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// Output cap of the small calls (rev-parse, merge-base, ls-files…).
const SMALL_OUTPUT: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("git is not installed or not on PATH")]
    GitMissing,
    #[error("{dir} is not a git repository with a working tree: {detail}")]
    NotARepository { dir: PathBuf, detail: String },
    #[error("unknown revision '{rev}': no commit of that name in this repository")]
    BadRevision { rev: String },
    #[error("'{a}' and '{b}' have no common ancestor")]
    NoMergeBase { a: String, b: String },
    #[error("no default branch: origin/HEAD is not set and neither main nor master exists")]
    NoDefaultBranch,
    #[error("invalid path '{path}': must be relative, inside the repository, without '..'")]
    InvalidPath { path: String },
    #[error("{path} is larger than {limit} bytes")]
    FileTooLarge { path: String, limit: usize },
    #[error("the tree has more than {limit} files")]
    TooManyFiles { limit: usize },
    #[error("the tree is larger than {limit} bytes")]
    TreeTooLarge { limit: u64 },
    #[error("{command} printed more than {limit} bytes")]
    OutputTooLarge { command: String, limit: usize },
    #[error("{command} did not finish within {secs} s and was killed")]
    Timeout { command: String, secs: u64 },
    #[error("{command} failed (exit status {status}): {stderr}")]
    Failed {
        command: String,
        status: i32,
        stderr: String,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

/// The head side of a comparison: a commit, or the files on disk as they are now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    /// A commit, by sha (or any revision git resolves).
    Commit(String),
    /// Tracked files as they are on disk, plus untracked files that are not ignored.
    WorkingTree,
}

/// An opened repository with a working tree.
#[derive(Debug, Clone)]
pub struct Repo {
    root: PathBuf,
    timeout: Duration,
    limits: TreeLimits,
}

impl Repo {
    /// Opens the repository that contains `dir` (any folder inside its working tree).
    pub fn open(dir: impl AsRef<Path>) -> Result<Repo, GitError> {
        let dir = dir.as_ref();
        if !dir.is_dir() {
            return Err(GitError::NotARepository {
                dir: dir.to_path_buf(),
                detail: "no such directory".into(),
            });
        }
        let finished = GitCommand::new(dir, DEFAULT_TIMEOUT, SMALL_OUTPUT)
            .args(["rev-parse", "--show-toplevel"])
            .finish()?;
        let top = String::from_utf8_lossy(&finished.stdout).trim().to_string();
        if !finished.status.success() || top.is_empty() {
            let detail = finished.stderr.lines().next().unwrap_or("").to_string();
            return Err(GitError::NotARepository {
                dir: dir.to_path_buf(),
                detail,
            });
        }
        Ok(Repo {
            root: PathBuf::from(top),
            timeout: DEFAULT_TIMEOUT,
            limits: TreeLimits::default(),
        })
    }

    /// The same repository with another deadline per git call.
    pub fn with_timeout(mut self, timeout: Duration) -> Repo {
        self.timeout = timeout;
        self
    }

    /// The same repository with other caps for [`Repo::append_tree`].
    pub fn with_tree_limits(mut self, limits: TreeLimits) -> Repo {
        self.limits = limits;
        self
    }

    /// The top folder of the working tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn git(&self) -> GitCommand {
        GitCommand::new(&self.root, self.timeout, SMALL_OUTPUT)
    }

    /// The full sha of the commit `rev` names (`main`, `HEAD~1`, a short sha, a tag), or [`EMPTY_TREE`]
    /// itself: the base of `ato run --all`, which every git knows without storing it.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        if rev == EMPTY_TREE {
            return Ok(rev.to_string());
        }
        let cmd = self
            .git()
            .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
            .arg(format!("{rev}^{{commit}}"));
        let finished = cmd.finish()?;
        let sha = String::from_utf8_lossy(&finished.stdout).trim().to_string();
        if finished.status.success() && !sha.is_empty() {
            Ok(sha)
        } else if finished.status.code() == Some(1) || finished.stderr.contains("fatal") {
            Err(GitError::BadRevision { rev: rev.into() })
        } else {
            Err(cmd.failed(&finished))
        }
    }

    /// The branch a pull request would target: `origin/HEAD`'s branch, else `main`, else `master`.
    /// Returned as a revision name (`origin/main`, `main`).
    pub fn default_branch(&self) -> Result<String, GitError> {
        let origin = self
            .git()
            .args(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"])
            .finish()?;
        if origin.status.success() {
            let full = String::from_utf8_lossy(&origin.stdout).trim().to_string();
            if let Some(short) = full.strip_prefix("refs/remotes/") {
                return Ok(short.to_string());
            }
        }
        for name in ["main", "master"] {
            let found = self
                .git()
                .args(["show-ref", "--verify", "--quiet"])
                .arg(format!("refs/heads/{name}"))
                .finish()?;
            if found.status.success() {
                return Ok(name.to_string());
            }
        }
        Err(GitError::NoDefaultBranch)
    }

    /// The best common ancestor of `a` and `b`, as a sha.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<String, GitError> {
        let a_sha = self.resolve(a)?;
        let b_sha = self.resolve(b)?;
        let cmd = self
            .git()
            .args(["merge-base", "--end-of-options", &a_sha, &b_sha]);
        let finished = cmd.finish()?;
        match finished.status.code() {
            Some(0) => Ok(String::from_utf8_lossy(&finished.stdout).trim().to_string()),
            Some(1) => Err(GitError::NoMergeBase {
                a: a.into(),
                b: b.into(),
            }),
            _ => Err(cmd.failed(&finished)),
        }
    }

    /// The unified diff (no context lines, renames found) from the commit `base` to `head`.
    ///
    /// Against the working tree, untracked files that are not ignored are shown as added. They are marked
    /// intent-to-add in a temporary copy of the index, so the user's own index is never touched.
    pub fn diff(&self, base: &str, head: &Tree) -> Result<String, GitError> {
        let base_sha = self.resolve(base)?;
        let flags = [
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--unified=0",
            "--find-renames",
            "--no-relative",
            "--submodule=short",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--end-of-options",
        ];
        let out = match head {
            Tree::Commit(rev) => {
                let head_sha = self.resolve(rev)?;
                self.git()
                    .args(flags)
                    .args([&base_sha, &head_sha, "--"])
                    .stdout_cap(MAX_DIFF_BYTES)
                    .run()?
            }
            Tree::WorkingTree => {
                let (_guard, index) = self.temporary_index()?;
                self.git()
                    .env("GIT_INDEX_FILE", &index)
                    .args(["add", "--intent-to-add", "--", "."])
                    .run()?;
                self.git()
                    .env("GIT_INDEX_FILE", &index)
                    .args(flags)
                    .args([&base_sha, "--"])
                    .stdout_cap(MAX_DIFF_BYTES)
                    .run()?
            }
        };
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// A private copy of the index (none at all when the repository has none), to stage into without touching
    /// the user's. The folder lives as long as the returned guard.
    fn temporary_index(&self) -> Result<(tempfile::TempDir, PathBuf), GitError> {
        let index = self
            .git()
            .args(["rev-parse", "--git-path", "index"])
            .run_text()?;
        let index = self.root.join(index);
        let io = |context: &str| {
            let context = context.to_string();
            move |source| GitError::Io { context, source }
        };
        let dir = tempfile::tempdir().map_err(io("creating a temporary index"))?;
        let copy = dir.path().join("index");
        if index.is_file() {
            std::fs::copy(&index, &copy).map_err(io("copying the index"))?;
        }
        Ok((dir, copy))
    }

    /// The content of `path` in `tree`, or `None` when it does not exist there (or is not a file).
    /// A symbolic link reads as its target, as git stores it.
    pub fn read_file(&self, tree: &Tree, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        check_relative(path)?;
        match tree {
            Tree::Commit(rev) => {
                let sha = self.resolve(rev)?;
                let listing = self
                    .git()
                    .args([
                        "ls-tree",
                        "-z",
                        "--full-tree",
                        "--end-of-options",
                        &sha,
                        "--",
                        path,
                    ])
                    .run()?;
                let Some(object) = blob_of_listing(&listing) else {
                    return Ok(None);
                };
                let content = self
                    .git()
                    .args(["cat-file", "blob", &object])
                    .stdout_cap(MAX_FILE_BYTES)
                    .run()
                    .map_err(|e| match e {
                        GitError::OutputTooLarge { limit, .. } => GitError::FileTooLarge {
                            path: path.into(),
                            limit,
                        },
                        other => other,
                    })?;
                Ok(Some(content))
            }
            Tree::WorkingTree => tree::read_working_file(&self.root, path, MAX_FILE_BYTES),
        }
    }

    /// Every file path in `tree`: a commit's blobs, or the working tree's tracked and untracked, not ignored,
    /// files.
    pub fn list_files(&self, tree: &Tree) -> Result<Vec<String>, GitError> {
        let listing = match tree {
            Tree::Commit(rev) => {
                let sha = self.resolve(rev)?;
                self.git()
                    .args(["ls-tree", "-r", "-z", "--name-only", "--full-tree"])
                    .args(["--end-of-options", &sha])
                    .run()?
            }
            Tree::WorkingTree => self
                .git()
                .args([
                    "ls-files",
                    "-z",
                    "--cached",
                    "--others",
                    "--exclude-standard",
                ])
                .run()?,
        };
        Ok(listing
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect())
    }
}

/// The object id of the blob in one `ls-tree -z` line, if the entry is a blob.
fn blob_of_listing(listing: &[u8]) -> Option<String> {
    let line = listing.split(|b| *b == 0).next()?;
    let line = std::str::from_utf8(line).ok()?;
    let (meta, _path) = line.split_once('\t')?;
    let mut parts = meta.split(' ');
    let _mode = parts.next()?;
    let kind = parts.next()?;
    let object = parts.next()?;
    (kind == "blob").then(|| object.to_string())
}

/// A repository-relative path: not empty, not absolute, no `..`, no NUL.
pub(crate) fn check_relative(path: &str) -> Result<(), GitError> {
    let bad = path.is_empty()
        || path.contains('\0')
        || Path::new(path)
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if bad {
        Err(GitError::InvalidPath { path: path.into() })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_checked() {
        assert!(check_relative("a/b.py").is_ok());
        assert!(check_relative("./a.py").is_ok());
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a\0b"] {
            assert!(check_relative(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn ls_tree_line_gives_blob_id() {
        let line = b"100644 blob 422c2b7ab3b3c668038da977e4e93a5fc623169c\tf.py\0";
        assert_eq!(
            blob_of_listing(line).as_deref(),
            Some("422c2b7ab3b3c668038da977e4e93a5fc623169c")
        );
        assert_eq!(blob_of_listing(b"040000 tree abc\tdir\0"), None);
        assert_eq!(blob_of_listing(b""), None);
    }

    #[test]
    fn errors_read_well() {
        let e = GitError::BadRevision { rev: "nope".into() };
        assert_eq!(
            e.to_string(),
            "unknown revision 'nope': no commit of that name in this repository"
        );
    }
}
