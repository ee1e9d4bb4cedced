//! Where the code under test comes from: a local git repository, or two unpacked trees and a diff.

use std::path::{Path, PathBuf};

use crate::git::{EMPTY_TREE, GitError, Repo, Tree};
use crate::model::Revision;
use crate::plan::{self, Plan, PlanConfig};

use super::EngineError;

/// The two sides of a change and the diff between them.
#[derive(Debug, Clone)]
pub enum Source {
    /// `ato run`: revisions of a local repository (the head may be the working tree).
    Local {
        repo: Repo,
        base_name: String,
        base_sha: String,
        head_name: String,
        head: Tree,
    },
    /// The GitHub App: trees unpacked from tarballs, and the diff assembled from the PR's files.
    Dirs {
        base_dir: Option<PathBuf>,
        head_dir: PathBuf,
        diff: String,
        base: Revision,
        head: Revision,
    },
}

impl Source {
    /// `ato run --all`: the head measured against git's empty tree, so every file is new and every public
    /// function is a changed one.
    pub fn local_all(dir: &Path, head: Option<&str>) -> Result<Source, GitError> {
        let repo = Repo::open(dir)?;
        let (head_name, head) = match head {
            Some(rev) => (rev.to_string(), Tree::Commit(repo.resolve(rev)?)),
            None => ("working tree".to_string(), Tree::WorkingTree),
        };
        Ok(Source::Local {
            repo,
            base_name: "nothing (--all: every file is new)".to_string(),
            base_sha: EMPTY_TREE.to_string(),
            head_name,
            head,
        })
    }

    /// Opens a local repository and resolves the revisions: the base defaults to the merge base with the
    /// default branch, the head to the working tree.
    pub fn local(dir: &Path, base: Option<&str>, head: Option<&str>) -> Result<Source, GitError> {
        let repo = Repo::open(dir)?;
        let (head_name, head) = match head {
            Some(rev) => (rev.to_string(), Tree::Commit(repo.resolve(rev)?)),
            None => ("working tree".to_string(), Tree::WorkingTree),
        };
        let (base_name, base_sha) = match base {
            Some(rev) => (rev.to_string(), repo.resolve(rev)?),
            None => {
                let branch = repo.default_branch()?;
                let head_rev = match &head {
                    Tree::Commit(sha) => sha.clone(),
                    Tree::WorkingTree => "HEAD".to_string(),
                };
                (
                    format!("merge base with {branch}"),
                    repo.merge_base(&branch, &head_rev)?,
                )
            }
        };
        Ok(Source::Local {
            repo,
            base_name,
            base_sha,
            head_name,
            head,
        })
    }

    pub fn base_revision(&self) -> Revision {
        match self {
            Source::Local {
                base_name,
                base_sha,
                ..
            } => Revision {
                name: base_name.clone(),
                sha: Some(base_sha.clone()),
            },
            Source::Dirs { base, .. } => base.clone(),
        }
    }

    pub fn head_revision(&self) -> Revision {
        match self {
            Source::Local {
                head_name, head, ..
            } => Revision {
                name: head_name.clone(),
                sha: match head {
                    Tree::Commit(sha) => Some(sha.clone()),
                    Tree::WorkingTree => None,
                },
            },
            Source::Dirs { head, .. } => head.clone(),
        }
    }

    /// Reads the change and decides what to test. Runs git, so it leaves the async runtime's threads alone.
    pub async fn plan(&self, config: &PlanConfig) -> Result<Plan, EngineError> {
        let source = self.clone();
        let config = config.clone();
        tokio::task::spawn_blocking(move || source.plan_blocking(&config))
            .await
            .map_err(|err| EngineError::Internal(format!("planning failed: {err}")))?
    }

    fn plan_blocking(&self, config: &PlanConfig) -> Result<Plan, EngineError> {
        match self {
            Source::Local {
                repo,
                base_sha,
                head,
                ..
            } => {
                let diff = repo.diff(base_sha, head)?;
                let base_tree = Tree::Commit(base_sha.clone());
                let read = |tree: &Tree, path: &str| {
                    repo.read_file(tree, path)
                        .ok()
                        .flatten()
                        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                };
                Ok(plan::plan(
                    &diff,
                    &|path| read(head, path),
                    &|path| read(&base_tree, path),
                    config,
                )?)
            }
            Source::Dirs {
                base_dir,
                head_dir,
                diff,
                ..
            } => {
                let read = |dir: &Path, path: &str| std::fs::read_to_string(dir.join(path)).ok();
                Ok(plan::plan(
                    diff,
                    &|path| read(head_dir, path),
                    &|path| base_dir.as_deref().and_then(|dir| read(dir, path)),
                    config,
                )?)
            }
        }
    }

    pub fn has_base(&self) -> bool {
        match self {
            Source::Local { .. } => true,
            Source::Dirs { base_dir, .. } => base_dir.is_some(),
        }
    }

    /// Appends the head (or base) tree under `prefix/` to a workspace tar.
    pub fn append_tree<W: std::io::Write>(
        &self,
        head_side: bool,
        prefix: &str,
        builder: &mut tar::Builder<W>,
    ) -> Result<(), EngineError> {
        match self {
            Source::Local {
                repo,
                base_sha,
                head,
                ..
            } => {
                let tree = if head_side {
                    head.clone()
                } else {
                    Tree::Commit(base_sha.clone())
                };
                repo.append_tree(&tree, prefix, builder)?;
                Ok(())
            }
            Source::Dirs {
                base_dir, head_dir, ..
            } => {
                let dir = if head_side {
                    Some(head_dir)
                } else {
                    base_dir.as_ref()
                };
                if let Some(dir) = dir {
                    builder.follow_symlinks(false);
                    builder.append_dir_all(prefix, dir).map_err(|err| {
                        EngineError::Internal(format!("cannot pack {prefix}: {err}"))
                    })?;
                }
                Ok(())
            }
        }
    }

    /// The diff from base to head, as the planner read it.
    pub fn diff_text(&self) -> Result<String, EngineError> {
        match self {
            Source::Local {
                repo,
                base_sha,
                head,
                ..
            } => Ok(repo.diff(base_sha, head)?),
            Source::Dirs { diff, .. } => Ok(diff.clone()),
        }
    }

    /// Every file of the head tree, as repository paths.
    pub fn head_files(&self) -> Result<Vec<String>, EngineError> {
        match self {
            Source::Local { repo, head, .. } => Ok(repo.list_files(head)?),
            Source::Dirs { head_dir, .. } => {
                let mut files = Vec::new();
                list_dir(head_dir, head_dir, &mut files, 0);
                files.sort();
                Ok(files)
            }
        }
    }

    /// A base file's text, `None` when there is no base or the file is missing or unreadable.
    pub fn read_base(&self, path: &str) -> Option<String> {
        let bytes = match self {
            Source::Local { repo, base_sha, .. } => repo
                .read_file(&Tree::Commit(base_sha.clone()), path)
                .ok()
                .flatten()?,
            Source::Dirs { base_dir, .. } => {
                crate::git::check_relative(path).ok()?;
                std::fs::read(base_dir.as_ref()?.join(path)).ok()?
            }
        };
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// A head file's text, `None` when it is missing or unreadable.
    pub fn read_head(&self, path: &str) -> Option<String> {
        let bytes = match self {
            Source::Local { repo, head, .. } => repo.read_file(head, path).ok().flatten()?,
            Source::Dirs { head_dir, .. } => {
                crate::git::check_relative(path).ok()?;
                std::fs::read(head_dir.join(path)).ok()?
            }
        };
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Regular files under `dir`, relative to `root`; symbolic links are not followed.
fn list_dir(root: &Path, dir: &Path, files: &mut Vec<String>, depth: usize) {
    const MAX_FILES: usize = 100_000;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if files.len() >= MAX_FILES || depth > 64 {
            return;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            list_dir(root, &path, files, depth + 1);
        } else if kind.is_file()
            && let Ok(rel) = path.strip_prefix(root)
        {
            files.push(rel.to_string_lossy().into_owned());
        }
    }
}
