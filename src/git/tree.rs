//! Writing a whole tree (a commit, or the working tree) into a tar stream for a runner container.
//!
//! The container must never see `.git`, a link that points out of the tree, or an unbounded amount of data, so
//! every entry passes through [`TarWriter`], which counts, caps and re-roots it under a prefix. Links are held
//! back until the whole tree is known, because whether one escapes can depend on the others (see [`super::links`]).

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use super::command::wait_with_deadline;
use super::{GitError, Repo, Tree, check_relative, links};

/// Caps on what [`Repo::append_tree`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeLimits {
    pub max_files: usize,
    pub max_bytes: u64,
}

impl Default for TreeLimits {
    fn default() -> Self {
        TreeLimits {
            max_files: 50_000,
            max_bytes: 512 * 1024 * 1024,
        }
    }
}

/// What [`Repo::append_tree`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeStats {
    /// Regular files written.
    pub files: usize,
    /// Their total size.
    pub bytes: u64,
    /// Symbolic links written (they stay inside the tree).
    pub symlinks: usize,
    /// Symbolic links left out because they point outside the tree, sorted.
    pub skipped_symlinks: Vec<String>,
}

impl Repo {
    /// Writes every file of `tree` into `builder` under `prefix/` (e.g. `head`), without `.git`.
    ///
    /// For a commit: the files of `git archive`. For the working tree: tracked files as they are on disk plus
    /// untracked files that are not ignored. Links are kept only when they resolve inside the tree.
    pub fn append_tree<W: Write>(
        &self,
        tree: &Tree,
        prefix: &str,
        builder: &mut tar::Builder<W>,
    ) -> Result<TreeStats, GitError> {
        let prefix = prefix.trim_end_matches('/');
        check_relative(prefix)?;
        let mut writer = TarWriter::new(builder, prefix, self.limits);
        match tree {
            Tree::Commit(rev) => self.append_commit(rev, &mut writer)?,
            Tree::WorkingTree => self.append_working_tree(&mut writer)?,
        }
        writer.finish()
    }

    fn append_commit<W: Write>(
        &self,
        rev: &str,
        writer: &mut TarWriter<W>,
    ) -> Result<(), GitError> {
        let sha = self.resolve(rev)?;
        let cmd = self
            .git()
            .args(["archive", "--format=tar", "--end-of-options", &sha]);
        let mut child = cmd.spawn()?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let err_reader = thread::spawn(move || {
            let mut text = String::new();
            let _ = (&mut stderr).take(16 * 1024).read_to_string(&mut text);
            text
        });
        // The archive is read here while a watchdog enforces the deadline on the process.
        let child = Arc::new(Mutex::new(child));
        let (done, finished) = mpsc::channel::<()>();
        let watched = Arc::clone(&child);
        let timeout = cmd.timeout();
        let watchdog = thread::spawn(move || {
            if finished.recv_timeout(timeout).is_err() {
                let _ = watched.lock().map(|mut c| c.kill());
                return true;
            }
            false
        });
        let copied = copy_archive(stdout, writer);
        let _ = done.send(());
        let timed_out = watchdog.join().unwrap_or(false);
        let mut child = child.lock().unwrap_or_else(|p| p.into_inner());
        if copied.is_err() {
            let _ = child.kill();
        }
        let status = wait_with_deadline(&mut child, cmd.timeout())?;
        let status = match status {
            Some(status) if !timed_out => status,
            _ => {
                return Err(GitError::Timeout {
                    command: cmd.describe(),
                    secs: cmd.timeout().as_secs(),
                });
            }
        };
        copied?;
        let stderr = err_reader.join().unwrap_or_default();
        if status.success() {
            Ok(())
        } else {
            Err(GitError::Failed {
                command: cmd.describe(),
                status: status.code().unwrap_or(-1),
                stderr: stderr.trim().to_string(),
            })
        }
    }

    fn append_working_tree<W: Write>(&self, writer: &mut TarWriter<W>) -> Result<(), GitError> {
        let listing = self
            .git()
            .args([
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ])
            .run()?;
        let paths: BTreeSet<String> = listing
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        let io = |path: &str| {
            let context = format!("reading {path}");
            move |source| GitError::Io { context, source }
        };
        for path in paths {
            if check_relative(&path).is_err() || is_git_dir(&path) {
                continue;
            }
            let full = self.root.join(&path);
            let Ok(meta) = std::fs::symlink_metadata(&full) else {
                continue; // deleted on disk: not part of the working tree
            };
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&full).map_err(io(&path))?;
                writer.defer_link(&path, &target.to_string_lossy());
            } else if meta.is_file() && inside(&self.root, &full) {
                writer.reserve(meta.len())?;
                // Read first, so a file that changes meanwhile cannot make the header lie about its size.
                let mut data = Vec::new();
                std::fs::File::open(&full)
                    .and_then(|f| f.take(writer.room() + 1).read_to_end(&mut data))
                    .map_err(io(&path))?;
                writer.reserve(data.len() as u64)?;
                let executable = is_executable(&meta);
                writer.append_file(&path, data.len() as u64, executable, data.as_slice())?;
            }
            // Folders here are submodules: not part of this repository's files.
        }
        Ok(())
    }
}

/// Reads one file of the working tree, as git would store it (a link reads as its target).
pub(crate) fn read_working_file(
    root: &Path,
    path: &str,
    limit: usize,
) -> Result<Option<Vec<u8>>, GitError> {
    let full = root.join(path);
    let io = |source| GitError::Io {
        context: format!("reading {path}"),
        source,
    };
    let Ok(meta) = std::fs::symlink_metadata(&full) else {
        return Ok(None);
    };
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(&full).map_err(io)?;
        return Ok(Some(target.to_string_lossy().into_owned().into_bytes()));
    }
    if !meta.is_file() || !inside(root, &full) {
        return Ok(None);
    }
    if meta.len() > limit as u64 {
        return Err(GitError::FileTooLarge {
            path: path.into(),
            limit,
        });
    }
    std::fs::read(&full).map(Some).map_err(io)
}

/// Whether `full`, with every link on its way resolved, is still under `root` (a folder on the way may be a link).
fn inside(root: &Path, full: &Path) -> bool {
    match (root.canonicalize(), full.canonicalize()) {
        (Ok(root), Ok(full)) => full.starts_with(root),
        _ => false,
    }
}

fn is_git_dir(path: &str) -> bool {
    path.split('/').any(|part| part == ".git")
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Re-streams the entries of `git archive` into the writer.
fn copy_archive<R: Read, W: Write>(stdout: R, writer: &mut TarWriter<W>) -> Result<(), GitError> {
    let io = |source| GitError::Io {
        context: "reading git archive".into(),
        source,
    };
    let mut archive = tar::Archive::new(stdout);
    for entry in archive.entries().map_err(io)? {
        let mut entry = entry.map_err(io)?;
        let path = entry.path().map_err(io)?.to_string_lossy().into_owned();
        let path = path.trim_end_matches('/').to_string();
        if path.is_empty() || check_relative(&path).is_err() || is_git_dir(&path) {
            continue;
        }
        let kind = entry.header().entry_type();
        if kind.is_file() {
            let size = entry.header().size().map_err(io)?;
            writer.reserve(size)?;
            let executable = entry.header().mode().map_err(io)? & 0o111 != 0;
            writer.append_file(&path, size, executable, &mut entry)?;
        } else if kind.is_symlink() {
            let target = entry.link_name().map_err(io)?.unwrap_or_default();
            writer.defer_link(&path, &target.to_string_lossy());
        }
    }
    // Read to the end so git is not killed by a broken pipe after the end-of-archive blocks.
    let mut rest = archive.into_inner();
    std::io::copy(&mut rest, &mut std::io::sink()).map_err(io)?;
    Ok(())
}

/// Counts, caps and writes entries under the prefix; holds links back until the end.
struct TarWriter<'a, W: Write> {
    builder: &'a mut tar::Builder<W>,
    prefix: String,
    limits: TreeLimits,
    stats: TreeStats,
    dirs: BTreeSet<String>,
    links: HashMap<String, String>,
}

impl<'a, W: Write> TarWriter<'a, W> {
    fn new(builder: &'a mut tar::Builder<W>, prefix: &str, limits: TreeLimits) -> Self {
        TarWriter {
            builder,
            prefix: prefix.to_string(),
            limits,
            stats: TreeStats::default(),
            dirs: BTreeSet::new(),
            links: HashMap::new(),
        }
    }

    /// Counts one more file of `size` bytes, failing when a cap would be passed.
    fn reserve(&mut self, size: u64) -> Result<(), GitError> {
        if self.stats.files + self.links.len() + 1 > self.limits.max_files {
            return Err(GitError::TooManyFiles {
                limit: self.limits.max_files,
            });
        }
        if self.stats.bytes + size > self.limits.max_bytes {
            return Err(GitError::TreeTooLarge {
                limit: self.limits.max_bytes,
            });
        }
        Ok(())
    }

    /// Bytes still allowed.
    fn room(&self) -> u64 {
        self.limits.max_bytes.saturating_sub(self.stats.bytes)
    }

    fn append_file(
        &mut self,
        path: &str,
        size: u64,
        executable: bool,
        data: impl Read,
    ) -> Result<(), GitError> {
        self.parents(path)?;
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(size);
        header.set_mode(if executable { 0o755 } else { 0o644 });
        header.set_mtime(0);
        // `take` guards against a file that grew between stat and read: the header's size is what is written.
        self.builder
            .append_data(&mut header, self.full(path), data.take(size))
            .map_err(|source| GitError::Io {
                context: format!("writing {path} to the archive"),
                source,
            })?;
        self.stats.files += 1;
        self.stats.bytes += size;
        Ok(())
    }

    fn defer_link(&mut self, path: &str, target: &str) {
        self.links.insert(path.to_string(), target.to_string());
    }

    /// Writes the folders above `path` that are not written yet.
    fn parents(&mut self, path: &str) -> Result<(), GitError> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut dirs = vec![self.prefix.clone()];
        for i in 1..parts.len() {
            dirs.push(format!("{}/{}", self.prefix, parts[..i].join("/")));
        }
        for dir in dirs {
            if self.dirs.insert(dir.clone()) {
                let mut header = tar::Header::new_gnu();
                header.set_entry_type(tar::EntryType::Directory);
                header.set_size(0);
                header.set_mode(0o755);
                header.set_mtime(0);
                self.builder
                    .append_data(&mut header, format!("{dir}/"), std::io::empty())
                    .map_err(|source| GitError::Io {
                        context: format!("writing {dir} to the archive"),
                        source,
                    })?;
            }
        }
        Ok(())
    }

    fn full(&self, path: &str) -> String {
        format!("{}/{}", self.prefix, path)
    }

    /// Writes the links that stay inside the tree and returns the counts.
    fn finish(mut self) -> Result<TreeStats, GitError> {
        let mut names: Vec<String> = self.links.keys().cloned().collect();
        names.sort();
        for name in names {
            if !links::stays_inside(&self.links, &name) {
                self.stats.skipped_symlinks.push(name);
                continue;
            }
            self.parents(&name)?;
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(tar::EntryType::Symlink);
            header.set_size(0);
            header.set_mode(0o777);
            header.set_mtime(0);
            let full = self.full(&name);
            self.builder
                .append_link(&mut header, &full, &self.links[&name])
                .map_err(|source| GitError::Io {
                    context: format!("writing {name} to the archive"),
                    source,
                })?;
            self.stats.symlinks += 1;
        }
        Ok(self.stats)
    }
}
