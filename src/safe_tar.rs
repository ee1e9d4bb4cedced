//! Unpacks a tar archive that we do not trust (a pull request's source, a runner's result tar) into a directory.
//!
//! The `tar` crate's own `unpack` is careful, but its rules are not ours: we also cap sizes and entry counts,
//! refuse devices and FIFOs outright, and want to say exactly which entry was refused and why. Nothing is ever
//! written outside `dest`: paths with `/` or `..` are refused, links are refused or checked, and no write
//! goes through an existing symlink (parents are checked with `symlink_metadata`, files are created with
//! `create_new`, which fails on any existing name, dangling links included).

mod meta;
mod paths;

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use tar::{Archive, EntryType};

pub(crate) use paths::PathProblem;
use paths::{relative_entry_path, symlink_stays_inside};

/// What to do with symbolic and hard links in an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPolicy {
    /// Any link is refused (for archives that have no reason to contain one, like runner results).
    RefuseAll,
    /// Links are created when they stay inside the destination (see [`paths::symlink_stays_inside`]).
    AllowInside,
}

/// Caps and options for [`unpack`]. The defaults suit a repository snapshot.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Sum of all regular files' sizes.
    pub max_total_bytes: u64,
    /// Size of one regular file.
    pub max_file_bytes: u64,
    /// Number of entries of any kind.
    pub max_entries: u64,
    /// Length in bytes of an entry's path or link target, as stored in the archive.
    pub max_path_len: usize,
    pub links: LinkPolicy,
    /// Leading path components to drop (GitHub tarballs have one top folder `owner-repo-sha/`).
    pub strip_components: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_total_bytes: 1024 * 1024 * 1024,
            max_file_bytes: 100 * 1024 * 1024,
            max_entries: 200_000,
            max_path_len: 1024,
            links: LinkPolicy::AllowInside,
            strip_components: 0,
        }
    }
}

/// What [`unpack`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnpackStats {
    pub files: u64,
    pub dirs: u64,
    pub links: u64,
    /// Bytes of regular file content written.
    pub bytes: u64,
}

/// Why an archive was refused. Entry paths are shown as stored in the archive.
#[derive(Debug, thiserror::Error)]
pub enum UnsafeArchive {
    #[error("entry {entry:?}: absolute path")]
    AbsolutePath { entry: String },
    #[error("entry {entry:?}: path contains `..`")]
    ParentDir { entry: String },
    #[error("entry {entry:?}: path is {len} bytes, more than the limit of {limit}")]
    PathTooLong {
        entry: String,
        len: usize,
        limit: usize,
    },
    #[error("entry {entry:?}: links are not allowed in this archive")]
    LinkRefused { entry: String },
    #[error("entry {entry:?}: link target {target:?} leaves the destination")]
    LinkOutside { entry: String, target: String },
    #[error("entry {entry:?}: hard link target {target:?} is not a regular file unpacked earlier")]
    HardLinkTarget { entry: String, target: String },
    #[error("entry {entry:?}: {kind} entries are not allowed")]
    SpecialFile { entry: String, kind: &'static str },
    #[error("entry {entry:?}: would write through the existing link {link:?}")]
    ThroughLink { entry: String, link: PathBuf },
    #[error("entry {entry:?}: {size} bytes, more than the per-file limit of {limit}")]
    FileTooLarge {
        entry: String,
        size: u64,
        limit: u64,
    },
    #[error("entry {entry:?}: unpacked size would exceed the limit of {limit} bytes")]
    TotalTooLarge { entry: String, limit: u64 },
    #[error("more than {limit} entries")]
    TooManyEntries { limit: u64 },
    #[error("entry {entry:?}: {source}")]
    Io {
        entry: String,
        #[source]
        source: io::Error,
    },
    #[error("entry {entry:?}: {reason}")]
    Metadata { entry: String, reason: String },
    #[error("unreadable archive: {0}")]
    Archive(#[source] io::Error),
}

/// Unpacks `reader` (an uncompressed tar stream) into `dest`, which is created if missing.
///
/// On refusal, entries unpacked before the bad one stay in `dest` (the caller throws `dest` away); nothing was
/// written anywhere else.
pub fn unpack(
    reader: impl Read,
    dest: &Path,
    limits: &Limits,
) -> Result<UnpackStats, UnsafeArchive> {
    fs::create_dir_all(dest).map_err(|source| io_error("<destination>", source))?;
    let mut archive = Archive::new(reader);
    let mut stats = UnpackStats::default();
    let mut seen = 0u64;
    let mut pending = meta::Pending::default();
    for entry in archive.entries().map_err(UnsafeArchive::Archive)?.raw(true) {
        let mut entry = entry.map_err(UnsafeArchive::Archive)?;
        seen += 1;
        if seen > limits.max_entries {
            return Err(UnsafeArchive::TooManyEntries {
                limit: limits.max_entries,
            });
        }
        if pending.absorb(&mut entry, limits)? {
            continue;
        }
        let names = pending.take_names(&entry)?;
        let raw_path = names.path;
        let name = String::from_utf8_lossy(&raw_path).into_owned();
        let kind = entry.header().entry_type();
        check_path_len(&name, raw_path.len(), limits)?;
        let Some(relative) = checked_relative(&name, limits.strip_components)? else {
            continue;
        };
        let target = dest.join(&relative);
        prepare_parents(dest, &relative, &name)?;
        match kind {
            EntryType::Regular | EntryType::Continuous => {
                let size = entry.size();
                check_sizes(&name, size, stats.bytes, limits)?;
                let mode = entry.header().mode().unwrap_or(0o644);
                stats.bytes += write_file(&mut entry, &target, size, mode, &name)?;
                stats.files += 1;
            }
            EntryType::Directory => {
                make_dir(&target, &name)?;
                stats.dirs += 1;
            }
            EntryType::Symlink => {
                let link_target = link_target(names.link.as_deref(), &name, limits)?;
                if !symlink_stays_inside(&relative, Path::new(&link_target)) {
                    return Err(UnsafeArchive::LinkOutside {
                        entry: name,
                        target: link_target,
                    });
                }
                refuse_existing(&target, &name)?;
                std::os::unix::fs::symlink(&link_target, &target)
                    .map_err(|e| io_error(&name, e))?;
                stats.links += 1;
            }
            EntryType::Link => {
                let link_target = link_target(names.link.as_deref(), &name, limits)?;
                let source = hard_link_source(dest, &link_target, &name, limits)?;
                refuse_existing(&target, &name)?;
                fs::hard_link(&source, &target).map_err(|e| io_error(&name, e))?;
                stats.links += 1;
            }
            other => {
                return Err(UnsafeArchive::SpecialFile {
                    entry: name,
                    kind: kind_name(other),
                });
            }
        }
    }
    Ok(stats)
}

fn io_error(entry: &str, source: io::Error) -> UnsafeArchive {
    UnsafeArchive::Io {
        entry: entry.to_owned(),
        source,
    }
}

fn check_path_len(name: &str, len: usize, limits: &Limits) -> Result<(), UnsafeArchive> {
    if len > limits.max_path_len {
        return Err(UnsafeArchive::PathTooLong {
            entry: name.to_owned(),
            len,
            limit: limits.max_path_len,
        });
    }
    Ok(())
}

fn checked_relative(name: &str, strip: usize) -> Result<Option<PathBuf>, UnsafeArchive> {
    relative_entry_path(Path::new(name), strip).map_err(|problem| match problem {
        PathProblem::Absolute => UnsafeArchive::AbsolutePath {
            entry: name.to_owned(),
        },
        PathProblem::ParentDir => UnsafeArchive::ParentDir {
            entry: name.to_owned(),
        },
    })
}

fn check_sizes(name: &str, size: u64, written: u64, limits: &Limits) -> Result<(), UnsafeArchive> {
    if size > limits.max_file_bytes {
        return Err(UnsafeArchive::FileTooLarge {
            entry: name.to_owned(),
            size,
            limit: limits.max_file_bytes,
        });
    }
    if written.saturating_add(size) > limits.max_total_bytes {
        return Err(UnsafeArchive::TotalTooLarge {
            entry: name.to_owned(),
            limit: limits.max_total_bytes,
        });
    }
    Ok(())
}

/// Creates the missing parent directories of `relative` inside `dest`, refusing to pass through a symlink.
fn prepare_parents(dest: &Path, relative: &Path, name: &str) -> Result<(), UnsafeArchive> {
    let mut current = dest.to_path_buf();
    let Some(parent) = relative.parent() else {
        return Ok(());
    };
    for component in parent.components() {
        current.push(component);
        make_dir(&current, name)?;
    }
    Ok(())
}

/// Makes `path` a directory: fine if it already is one, refused if it is a link.
fn make_dir(path: &Path, name: &str) -> Result<(), UnsafeArchive> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(UnsafeArchive::ThroughLink {
            entry: name.to_owned(),
            link: path.to_path_buf(),
        }),
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(io_error(
            name,
            io::Error::new(io::ErrorKind::AlreadyExists, "a file is in the way"),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir(path).map_err(|e| io_error(name, e))
        }
        Err(e) => Err(io_error(name, e)),
    }
}

/// Refuses if `path` is an existing link; removes an existing regular file (a later entry wins, as in tar).
fn refuse_existing(path: &Path, name: &str) -> Result<(), UnsafeArchive> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(UnsafeArchive::ThroughLink {
            entry: name.to_owned(),
            link: path.to_path_buf(),
        }),
        Ok(meta) if meta.is_file() => fs::remove_file(path).map_err(|e| io_error(name, e)),
        Ok(_) => Err(io_error(
            name,
            io::Error::new(io::ErrorKind::AlreadyExists, "a directory is in the way"),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(name, e)),
    }
}

/// Writes one regular file. `create_new` fails on any existing name, so even a link raced in is not followed.
fn write_file(
    entry: &mut impl Read,
    path: &Path,
    size: u64,
    mode: u32,
    name: &str,
) -> Result<u64, UnsafeArchive> {
    use std::os::unix::fs::OpenOptionsExt;
    refuse_existing(path, name)?;
    // Keep only the executable bit: no setuid, no world-writable files.
    let mode = if mode & 0o111 != 0 { 0o755 } else { 0o644 };
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| io_error(name, e))?;
    // The header's size bounds the read: the tar crate never yields more than that for an entry.
    let written = io::copy(&mut entry.take(size), &mut file).map_err(|e| io_error(name, e))?;
    file.flush().map_err(|e| io_error(name, e))?;
    Ok(written)
}

fn link_target(raw: Option<&[u8]>, name: &str, limits: &Limits) -> Result<String, UnsafeArchive> {
    if limits.links == LinkPolicy::RefuseAll {
        return Err(UnsafeArchive::LinkRefused {
            entry: name.to_owned(),
        });
    }
    let raw = raw.unwrap_or_default();
    let target = String::from_utf8_lossy(raw).into_owned();
    check_path_len(name, raw.len(), limits)?;
    if target.is_empty() {
        return Err(UnsafeArchive::LinkOutside {
            entry: name.to_owned(),
            target,
        });
    }
    Ok(target)
}

/// A hard link's target is another archive path: it must be a regular file already unpacked inside `dest`,
/// reached without passing through a symlink.
fn hard_link_source(
    dest: &Path,
    target: &str,
    name: &str,
    limits: &Limits,
) -> Result<PathBuf, UnsafeArchive> {
    let outside = || UnsafeArchive::LinkOutside {
        entry: name.to_owned(),
        target: target.to_owned(),
    };
    let relative = relative_entry_path(Path::new(target), limits.strip_components)
        .map_err(|_| outside())?
        .ok_or_else(outside)?;
    let mut current = dest.to_path_buf();
    for component in relative.components() {
        current.push(component);
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(UnsafeArchive::ThroughLink {
                    entry: name.to_owned(),
                    link: current,
                });
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    match fs::symlink_metadata(&current) {
        Ok(meta) if meta.is_file() => Ok(current),
        _ => Err(UnsafeArchive::HardLinkTarget {
            entry: name.to_owned(),
            target: target.to_owned(),
        }),
    }
}

fn kind_name(kind: EntryType) -> &'static str {
    match kind {
        EntryType::Char => "character device",
        EntryType::Block => "block device",
        EntryType::Fifo => "FIFO",
        EntryType::GNUSparse => "sparse file",
        _ => "unsupported",
    }
}
