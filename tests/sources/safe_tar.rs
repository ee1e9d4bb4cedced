//! Hostile archives, built by hand with raw headers (the `tar` builder itself refuses to write most of them).

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use ato::safe_tar::{Limits, LinkPolicy, UnpackStats, UnsafeArchive, unpack};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use tar::{Builder, EntryType, Header};

/// One archive entry with its path and link name written verbatim.
struct Raw<'a> {
    path: &'a str,
    kind: EntryType,
    link: &'a str,
    data: &'a [u8],
    mode: u32,
}

fn raw(path: &str, kind: EntryType) -> Raw<'_> {
    Raw {
        path,
        kind,
        link: "",
        data: b"",
        mode: 0o644,
    }
}

fn file<'a>(path: &'a str, data: &'a [u8]) -> Raw<'a> {
    Raw {
        data,
        ..raw(path, EntryType::Regular)
    }
}

fn link<'a>(path: &'a str, kind: EntryType, target: &'a str) -> Raw<'a> {
    Raw {
        link: target,
        ..raw(path, kind)
    }
}

fn build(entries: &[Raw<'_>]) -> Vec<u8> {
    let mut builder = Builder::new(Vec::new());
    for entry in entries {
        let mut header = Header::new_gnu();
        let old = header.as_old_mut();
        old.name[..entry.path.len()].copy_from_slice(entry.path.as_bytes());
        old.linkname[..entry.link.len()].copy_from_slice(entry.link.as_bytes());
        header.set_entry_type(entry.kind);
        header.set_size(entry.data.len() as u64);
        header.set_mode(entry.mode);
        header.set_cksum();
        builder
            .append(&header, entry.data)
            .expect("append to an in-memory tar");
    }
    builder.into_inner().expect("finish the tar")
}

/// A scratch root with `dest` inside it, so tests can check that nothing appeared next to `dest`.
struct Scratch {
    root: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Self {
            root: tempfile::tempdir().expect("temp dir"),
        }
    }
    fn dest(&self) -> std::path::PathBuf {
        self.root.path().join("dest")
    }
    fn unpack(&self, tar: &[u8], limits: &Limits) -> Result<UnpackStats, UnsafeArchive> {
        unpack(tar, &self.dest(), limits)
    }
    /// Everything under the root that is not under `dest`.
    fn outside_entries(&self) -> Vec<String> {
        fs::read_dir(self.root.path())
            .expect("read root")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| name != "dest")
            .collect()
    }
}

#[test]
fn a_good_archive_unpacks_with_links_modes_and_stripping() {
    let scratch = Scratch::new();
    let mut pax = Header::new_ustar();
    pax.set_entry_type(EntryType::XGlobalHeader);
    let comment = b"52 comment=0123456789abcdef0123456789abcdef01234567\n";
    pax.set_size(comment.len() as u64);
    pax.set_path("pax_global_header").expect("pax path");
    pax.set_cksum();
    let mut builder = Builder::new(Vec::new());
    builder.append(&pax, &comment[..]).expect("pax header");
    let rest = build(&[
        raw("o-r-sha/", EntryType::Directory),
        raw("o-r-sha/pkg/", EntryType::Directory),
        file("o-r-sha/pkg/calc.py", b"def add(a, b):\n    return a + b\n"),
        Raw {
            mode: 0o4755,
            ..file("o-r-sha/run.sh", b"#!/bin/sh\n")
        },
        link("o-r-sha/pkg/alias.py", EntryType::Symlink, "calc.py"),
        link("o-r-sha/docs/up", EntryType::Symlink, "../pkg"),
        link("o-r-sha/hard.py", EntryType::Link, "o-r-sha/pkg/calc.py"),
    ]);
    let mut tar = builder.into_inner().expect("tar");
    tar.truncate(tar.len() - 1024); // drop the end-of-archive blocks before appending the rest
    tar.extend_from_slice(&rest);

    let limits = Limits {
        strip_components: 1,
        ..Limits::default()
    };
    let stats = scratch
        .unpack(&tar, &limits)
        .expect("a good archive unpacks");

    let dest = scratch.dest();
    assert_eq!(
        stats,
        UnpackStats {
            files: 2,
            dirs: 1,
            links: 3,
            bytes: 42
        }
    );
    assert_eq!(
        fs::read_to_string(dest.join("pkg/calc.py")).unwrap(),
        "def add(a, b):\n    return a + b\n"
    );
    assert_eq!(
        fs::read_link(dest.join("pkg/alias.py")).unwrap(),
        Path::new("calc.py")
    );
    assert_eq!(
        fs::read_to_string(dest.join("hard.py")).unwrap(),
        "def add(a, b):\n    return a + b\n"
    );
    let mode = fs::metadata(dest.join("run.sh"))
        .unwrap()
        .permissions()
        .mode()
        & 0o7777;
    assert_eq!(mode, 0o755, "setuid is dropped, the executable bit kept");
    assert!(!dest.join("pax_global_header").exists());
    assert!(!dest.join("o-r-sha").exists(), "the top folder is stripped");
}

#[test]
fn parent_dir_paths_are_refused() {
    let scratch = Scratch::new();
    let err = scratch
        .unpack(&build(&[file("../x", b"escaped")]), &Limits::default())
        .unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::ParentDir { entry } if entry == "../x"),
        "{err}"
    );
    assert!(err.to_string().contains("../x"));
    assert!(scratch.outside_entries().is_empty());
}

#[test]
fn absolute_paths_are_refused() {
    let scratch = Scratch::new();
    let target = "/etc/ato-safe-tar-test-x";
    let err = scratch
        .unpack(&build(&[file(target, b"escaped")]), &Limits::default())
        .unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::AbsolutePath { entry } if entry == target),
        "{err}"
    );
    assert!(!Path::new(target).exists());
}

#[test]
fn a_symlink_to_root_then_a_file_through_it_is_refused() {
    let scratch = Scratch::new();
    let outside = scratch.root.path().to_string_lossy().into_owned();
    for target in ["/", outside.as_str(), ".."] {
        let tar = build(&[
            link("evil", EntryType::Symlink, target),
            file("evil/pwned", b"x"),
        ]);
        let err = scratch.unpack(&tar, &Limits::default()).unwrap_err();
        assert!(
            matches!(&err, UnsafeArchive::LinkOutside { entry, .. } if entry == "evil"),
            "{err}"
        );
        assert!(!scratch.dest().join("evil").exists());
        assert!(scratch.outside_entries().is_empty());
    }
}

#[test]
fn a_file_through_an_inside_link_is_refused_too() {
    let scratch = Scratch::new();
    let tar = build(&[
        raw("sub/", EntryType::Directory),
        link("a", EntryType::Symlink, "sub"),
        file("a/x", b"x"),
    ]);
    let err = scratch.unpack(&tar, &Limits::default()).unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::ThroughLink { entry, .. } if entry == "a/x"),
        "{err}"
    );
    assert!(!scratch.dest().join("sub/x").exists());
}

#[test]
fn a_chain_of_links_that_climbs_out_is_refused() {
    let scratch = Scratch::new();
    let tar = build(&[
        link("t", EntryType::Symlink, "s/.."),
        link("s", EntryType::Symlink, "."),
    ]);
    let err = scratch.unpack(&tar, &Limits::default()).unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::LinkOutside { entry, .. } if entry == "t"),
        "{err}"
    );
}

#[test]
fn a_hard_link_to_etc_passwd_is_refused() {
    let scratch = Scratch::new();
    for target in ["/etc/passwd", "../outside"] {
        let err = scratch
            .unpack(
                &build(&[link("pw", EntryType::Link, target)]),
                &Limits::default(),
            )
            .unwrap_err();
        assert!(
            matches!(&err, UnsafeArchive::LinkOutside { entry, .. } if entry == "pw"),
            "{err}"
        );
        assert!(!scratch.dest().join("pw").exists());
    }
}

#[test]
fn links_are_refused_outright_when_the_policy_says_so() {
    let scratch = Scratch::new();
    let limits = Limits {
        links: LinkPolicy::RefuseAll,
        ..Limits::default()
    };
    let err = scratch
        .unpack(&build(&[link("ok", EntryType::Symlink, "inside")]), &limits)
        .unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::LinkRefused { entry } if entry == "ok"),
        "{err}"
    );
}

#[test]
fn a_gzip_size_bomb_is_stopped_at_the_cap() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(&build(&[file("bomb", &zeros)])).unwrap();
    let compressed = gz.finish().unwrap();
    assert!(
        compressed.len() < 200 * 1024,
        "the bomb compresses well: {}",
        compressed.len()
    );

    let scratch = Scratch::new();
    let limits = Limits {
        max_total_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let err = unpack(GzDecoder::new(&compressed[..]), &scratch.dest(), &limits).unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::TotalTooLarge { entry, limit } if entry == "bomb" && *limit == 1024 * 1024)
    );
    assert!(
        !scratch.dest().join("bomb").exists(),
        "refused before writing anything"
    );

    let limits = Limits {
        max_file_bytes: 1024,
        ..Limits::default()
    };
    let err = unpack(GzDecoder::new(&compressed[..]), &scratch.dest(), &limits).unwrap_err();
    assert!(matches!(err, UnsafeArchive::FileTooLarge { size, .. } if size == 8 * 1024 * 1024));
}

#[test]
fn many_small_files_cannot_add_up_past_the_total() {
    let scratch = Scratch::new();
    let data = [7u8; 400];
    let tar = build(&[file("a", &data), file("b", &data), file("c", &data)]);
    let limits = Limits {
        max_total_bytes: 1000,
        ..Limits::default()
    };
    let err = scratch.unpack(&tar, &limits).unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::TotalTooLarge { entry, .. } if entry == "c"),
        "{err}"
    );
}

#[test]
fn too_many_entries_are_refused() {
    let scratch = Scratch::new();
    let names: Vec<String> = (0..20).map(|i| format!("f{i}")).collect();
    let entries: Vec<Raw<'_>> = names.iter().map(|n| file(n, b"1")).collect();
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    let err = scratch.unpack(&build(&entries), &limits).unwrap_err();
    assert!(matches!(err, UnsafeArchive::TooManyEntries { limit: 10 }));
    assert_eq!(fs::read_dir(scratch.dest()).unwrap().count(), 10);
}

#[test]
fn fifos_and_devices_are_refused() {
    let scratch = Scratch::new();
    for (kind, name) in [
        (EntryType::Fifo, "FIFO"),
        (EntryType::Char, "character device"),
        (EntryType::Block, "block device"),
    ] {
        let err = scratch
            .unpack(&build(&[raw("special", kind)]), &Limits::default())
            .unwrap_err();
        assert!(
            matches!(&err, UnsafeArchive::SpecialFile { kind, .. } if *kind == name),
            "{err}"
        );
        assert!(fs::symlink_metadata(scratch.dest().join("special")).is_err());
    }
}

#[test]
fn long_paths_are_refused() {
    let scratch = Scratch::new();
    let long = "d/".repeat(40) + "f";
    let limits = Limits {
        max_path_len: 50,
        ..Limits::default()
    };
    let err = scratch
        .unpack(&build(&[file(&long, b"x")]), &limits)
        .unwrap_err();
    assert!(matches!(
        err,
        UnsafeArchive::PathTooLong {
            len: 81,
            limit: 50,
            ..
        }
    ));
}

#[test]
fn garbage_is_an_archive_error_not_a_panic() {
    let scratch = Scratch::new();
    let mut garbage = vec![0xAB; 1024];
    garbage.extend_from_slice(b"not a tar");
    let err = scratch.unpack(&garbage, &Limits::default()).unwrap_err();
    assert!(matches!(err, UnsafeArchive::Archive(_)), "{err}");
    let mut truncated = build(&[file("a", &[1u8; 4096])]);
    truncated.truncate(2048);
    let err = scratch.unpack(&truncated, &Limits::default()).unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::Io { entry, .. } if entry == "a")
            || matches!(err, UnsafeArchive::Archive(_)),
        "{err}"
    );
}
