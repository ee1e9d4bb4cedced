//! The head tree as the dependency phase sees it: read from the runner's workspace tar (so both sources,
//! a local repository and an unpacked tarball, look the same), and repacked for the dependency container.

use std::collections::BTreeMap;
use std::io::Read;

use sha2::{Digest, Sha256};

/// Where the head tree is in a runner workspace (runners/PROTOCOL.md).
const HEAD_PREFIX: &str = "head/";
/// Manifests larger than this are not read (a lock of a big project is a few MB).
const MAX_MANIFEST_BYTES: u64 = 32 << 20;

/// The files of the head tree that decide what gets installed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadFiles {
    /// The family's manifests ([`super::Ecosystem::is_manifest`]: `requirements*.txt`, `package.json`, locks, poms…)
    /// by path.
    pub manifests: BTreeMap<String, Vec<u8>>,
    /// Every other regular file by path, with the sha256 of its bytes (hex), so vendored archives enter the
    /// cache digest without being kept in memory.
    pub digests: BTreeMap<String, String>,
}

impl HeadFiles {
    /// Reads the `head/` entries of a workspace tar, keeping whole the files `is_manifest` names (the
    /// family's [`super::Ecosystem::is_manifest`]) and every declaration the readers of `crate::declared`
    /// read (`crate::declared::is_declaration`: setup.py, setup.cfg, tox.ini, package.json, pom.xml…).
    pub fn from_workspace_tar(
        tar: &[u8],
        is_manifest: &dyn Fn(&str) -> bool,
    ) -> Result<HeadFiles, String> {
        let mut files = HeadFiles::default();
        let mut archive = tar::Archive::new(tar);
        let entries = archive
            .entries()
            .map_err(|err| format!("cannot read the workspace: {err}"))?;
        for entry in entries {
            let mut entry = entry.map_err(|err| format!("cannot read the workspace: {err}"))?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = entry
                .path()
                .map_err(|err| format!("cannot read a workspace path: {err}"))?
                .to_string_lossy()
                .replace('\\', "/");
            let Some(path) = path.strip_prefix(HEAD_PREFIX).map(str::to_string) else {
                continue;
            };
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .map_err(|err| format!("cannot read {path} from the workspace: {err}"))?;
            let whole = is_manifest(&path) || crate::declared::is_declaration(&path);
            if whole && bytes.len() as u64 <= MAX_MANIFEST_BYTES {
                files.manifests.insert(path, bytes);
            } else {
                files
                    .digests
                    .insert(path, hex::encode(Sha256::digest(&bytes)));
            }
        }
        Ok(files)
    }

    pub fn manifest(&self, path: &str) -> Option<&[u8]> {
        self.manifests.get(path).map(Vec::as_slice)
    }

    /// True when the tree has a file or folder at `path`.
    pub fn exists(&self, path: &str) -> bool {
        let dir = format!("{}/", path.trim_end_matches('/'));
        self.manifests.contains_key(path)
            || self.digests.contains_key(path)
            || self.all_paths().any(|file| file.starts_with(&dir))
    }

    /// The files directly or deeply under `dir` whose names end with one of `suffixes`, with their digests.
    pub fn files_under<'a>(
        &'a self,
        dir: &str,
        suffixes: &'a [&'a str],
    ) -> impl Iterator<Item = (&'a String, &'a String)> + 'a {
        let prefix = match dir.trim_matches('/') {
            "" | "." => String::new(),
            dir => format!("{dir}/"),
        };
        self.digests.iter().filter(move |(path, _)| {
            path.starts_with(&prefix) && suffixes.iter().any(|suffix| path.ends_with(suffix))
        })
    }

    fn all_paths(&self) -> impl Iterator<Item = &String> {
        self.manifests.keys().chain(self.digests.keys())
    }
}

/// The dependency container's workspace: the `head/` entries of the runner workspace, plus `extra` files
/// (the install script and what it reads) under their own paths.
pub fn deps_workspace(
    runner_workspace: &[u8],
    extra: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, String> {
    let failed = |err: std::io::Error| format!("cannot pack the dependency workspace: {err}");
    let mut builder = tar::Builder::new(Vec::new());
    let mut archive = tar::Archive::new(runner_workspace);
    for entry in archive.entries().map_err(failed)? {
        let mut entry = entry.map_err(failed)?;
        let path = entry.path().map_err(failed)?.to_string_lossy().into_owned();
        if !path.starts_with(HEAD_PREFIX) {
            continue;
        }
        let mut header = entry.header().clone();
        let link = entry.link_name().map_err(failed)?.map(|l| l.into_owned());
        match link {
            Some(target) => builder
                .append_link(&mut header, &path, target)
                .map_err(failed)?,
            None => builder
                .append_data(&mut header, &path, &mut entry)
                .map_err(failed)?,
        }
    }
    for (path, bytes) in extra {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder
            .append_data(&mut header, path, bytes.as_slice())
            .map_err(failed)?;
    }
    builder.into_inner().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::test_support::workspace;
    use crate::deps::{Detection, Ecosystem};

    #[test]
    fn manifests_are_kept_and_other_files_digested() {
        /// Every `.txt` and `package.json` file, wherever it is.
        struct Texts;
        impl Ecosystem for Texts {
            fn is_manifest(&self, path: &str) -> bool {
                path.ends_with(".txt") || path == "package.json"
            }
            fn detect(&self, _files: &HeadFiles) -> Detection {
                Detection::None
            }
        }
        let tar = workspace(&[
            ("requirements.txt", b"tiny\n"),
            ("requirements/dev.txt", b"pytest\n"),
            ("sub/package.json", b"{}"),
            ("vendor/tiny-1.0-py3-none-any.whl", b"PK"),
        ]);
        let files = HeadFiles::from_workspace_tar(&tar, &|path| Texts.is_manifest(path)).unwrap();
        assert_eq!(
            files.manifest("requirements.txt"),
            Some(b"tiny\n".as_slice())
        );
        assert!(files.manifest("requirements/dev.txt").is_some());
        assert!(
            files.manifest("sub/package.json").is_none(),
            "only the root's"
        );
        assert!(files.digests.contains_key("sub/package.json"));
        assert!(files.exists("vendor") && files.exists("vendor/") && !files.exists("vend"));
        let wheels: Vec<_> = files.files_under("vendor", &[".whl"]).collect();
        assert_eq!(wheels.len(), 1);
        assert_eq!(wheels[0].1, &hex::encode(Sha256::digest(b"PK")));
        assert!(!files.manifests.contains_key("plan.json"));
    }

    #[test]
    fn the_deps_workspace_has_the_head_and_the_extras_only() {
        let tar = workspace(&[("requirements.txt", b"tiny\n")]);
        let packed =
            deps_workspace(&tar, &[("ato-deps/install.sh".into(), b"true\n".to_vec())]).unwrap();
        let mut paths = Vec::new();
        for entry in tar::Archive::new(packed.as_slice()).entries().unwrap() {
            paths.push(
                entry
                    .unwrap()
                    .path()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        assert_eq!(paths, vec!["head/requirements.txt", "ato-deps/install.sh"]);
    }
}
