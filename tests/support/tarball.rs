//! Source archives as GitHub serves them (gzip'd tar with a PAX global header naming the commit), built with
//! entries written verbatim, so a test can make hostile ones too.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use tar::{Builder, EntryType, Header};

/// One archive entry; path and link name are written verbatim (the `tar` builder would refuse hostile ones).
pub struct RawEntry<'a> {
    pub path: &'a str,
    pub kind: EntryType,
    pub link: &'a str,
    pub data: &'a [u8],
}

impl<'a> RawEntry<'a> {
    pub fn file(path: &'a str, data: &'a [u8]) -> Self {
        Self {
            path,
            kind: EntryType::Regular,
            link: "",
            data,
        }
    }

    pub fn dir(path: &'a str) -> Self {
        Self {
            path,
            kind: EntryType::Directory,
            link: "",
            data: b"",
        }
    }

    pub fn symlink(path: &'a str, target: &'a str) -> Self {
        Self {
            path,
            kind: EntryType::Symlink,
            link: target,
            data: b"",
        }
    }

    pub fn hard_link(path: &'a str, target: &'a str) -> Self {
        Self {
            path,
            kind: EntryType::Link,
            link: target,
            data: b"",
        }
    }
}

/// A gzip'd tar of `entries`, starting with a PAX global header carrying `commit`, as GitHub's are.
pub fn gzip_tar(commit: &str, entries: &[RawEntry<'_>]) -> Vec<u8> {
    let mut builder = Builder::new(Vec::new());
    let record = format!("comment={commit}\n");
    let pax = format!("{} {record}", record.len() + 3);
    let mut header = Header::new_ustar();
    header.set_path("pax_global_header").expect("pax path");
    header.set_entry_type(EntryType::XGlobalHeader);
    header.set_size(pax.len() as u64);
    header.set_cksum();
    builder.append(&header, pax.as_bytes()).expect("pax header");
    for entry in entries {
        let mut header = Header::new_gnu();
        let old = header.as_old_mut();
        old.name[..entry.path.len()].copy_from_slice(entry.path.as_bytes());
        old.linkname[..entry.link.len()].copy_from_slice(entry.link.as_bytes());
        header.set_entry_type(entry.kind);
        header.set_size(entry.data.len() as u64);
        header.set_mode(if entry.kind == EntryType::Directory {
            0o755
        } else {
            0o644
        });
        header.set_cksum();
        builder.append(&header, entry.data).expect("append");
    }
    let tar = builder.into_inner().expect("finish tar");
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(&tar).expect("gzip");
    gz.finish().expect("gzip finish")
}
