//! Metadata entries in hostile and honest archives: GNU long names and PAX headers are honoured, but read
//! with caps, and a PAX path gets the same checks as any other path.

use ato::safe_tar::{Limits, UnsafeArchive, unpack};
use tar::{Builder, EntryType, Header};

fn header(kind: EntryType, size: u64) -> Header {
    let mut header = Header::new_gnu();
    header.set_entry_type(kind);
    header.set_size(size);
    header.set_mode(0o644);
    header
}

fn with_path(mut header: Header, path: &str) -> Header {
    header.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
    header.set_cksum();
    header
}

#[test]
fn long_gnu_names_unpack_in_full() {
    let long = format!("{}/file.py", "deep".repeat(60));
    let mut builder = Builder::new(Vec::new());
    let mut head = header(EntryType::Regular, 3);
    builder
        .append_data(&mut head, &long, &b"abc"[..])
        .expect("GNU long name");
    let tar = builder.into_inner().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let stats = unpack(&tar[..], dest.path(), &Limits::default()).expect("unpacks");
    assert_eq!(stats.files, 1);
    assert_eq!(std::fs::read(dest.path().join(&long)).unwrap(), b"abc");
}

#[test]
fn pax_paths_are_used_and_checked() {
    let build = |pax_path: &str| {
        let mut builder = Builder::new(Vec::new());
        builder
            .append_pax_extensions([("path", pax_path.as_bytes())])
            .unwrap();
        builder
            .append(
                &with_path(header(EntryType::Regular, 2), "short"),
                &b"hi"[..],
            )
            .unwrap();
        builder.into_inner().unwrap()
    };
    let dest = tempfile::tempdir().unwrap();
    unpack(
        &build("pkg/from_pax.py")[..],
        dest.path(),
        &Limits::default(),
    )
    .expect("unpacks");
    assert_eq!(
        std::fs::read(dest.path().join("pkg/from_pax.py")).unwrap(),
        b"hi"
    );
    assert!(!dest.path().join("short").exists());

    let root = tempfile::tempdir().unwrap();
    let err = unpack(
        &build("../escaped")[..],
        &root.path().join("dest"),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::ParentDir { entry } if entry == "../escaped"),
        "{err}"
    );
    assert!(!root.path().join("escaped").exists());
}

#[test]
fn a_huge_long_name_is_refused_before_it_is_read() {
    // Declares a 1 GiB name and carries none of it: refused on the declared size alone.
    let mut tar = with_path(header(EntryType::GNULongName, 1 << 30), "././@LongLink")
        .as_bytes()
        .to_vec();
    tar.extend_from_slice(&[0u8; 1024]);
    let dest = tempfile::tempdir().unwrap();
    let err = unpack(&tar[..], dest.path(), &Limits::default()).unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::Metadata { reason, .. } if reason.contains("1073741824")),
        "{err}"
    );
}

#[test]
fn a_pax_size_that_disagrees_with_the_header_is_refused() {
    let mut builder = Builder::new(Vec::new());
    builder
        .append_pax_extensions([("size", &b"999"[..])])
        .unwrap();
    builder
        .append(&with_path(header(EntryType::Regular, 2), "f"), &b"hi"[..])
        .unwrap();
    let tar = builder.into_inner().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let err = unpack(&tar[..], dest.path(), &Limits::default()).unwrap_err();
    assert!(
        matches!(&err, UnsafeArchive::Metadata { reason, .. } if reason.contains("PAX size")),
        "{err}"
    );
}

#[test]
fn a_long_link_name_is_capped_like_a_path() {
    let target = "t".repeat(300);
    let mut builder = Builder::new(Vec::new());
    let mut head = header(EntryType::Symlink, 0);
    builder
        .append_link(&mut head, "link", &target)
        .expect("GNU long link");
    let tar = builder.into_inner().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let limits = Limits {
        max_path_len: 200,
        ..Limits::default()
    };
    let err = unpack(&tar[..], dest.path(), &limits).unwrap_err();
    assert!(matches!(&err, UnsafeArchive::Metadata { .. }), "{err}");
    let stats = unpack(&tar[..], dest.path(), &Limits::default()).expect("within the default cap");
    assert_eq!(
        std::fs::read_link(dest.path().join("link"))
            .unwrap()
            .to_str()
            .unwrap(),
        target
    );
    assert_eq!(stats.links, 1);
}
