//! Builders for the dependency tests, here and in each family's module: a workspace tar, the head files a
//! family sees in it, a container's end, and a manifest whose install is a stub.

use super::ended::Ended;
use super::head_files::HeadFiles;
use super::manifest::{Detection, Ecosystem, Install, Manifest, problem};
use crate::model::{Problem, Runner};
use crate::sandbox::Outcome;

/// A workspace tar with `plan.json`, the given head files and a base file.
pub(crate) fn workspace(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut all = vec![("plan.json".to_string(), b"{}".as_slice())];
    all.extend(files.iter().map(|(p, b)| (format!("head/{p}"), *b)));
    all.push(("base/requirements.txt".to_string(), b"old\n".as_slice()));
    for (path, bytes) in all {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, path, bytes).unwrap();
    }
    builder.into_inner().unwrap()
}

/// The head tree of `files` as `ecosystem` sees it.
pub(crate) fn head_files(ecosystem: &dyn Ecosystem, files: &[(&str, &[u8])]) -> HeadFiles {
    HeadFiles::from_workspace_tar(&workspace(files), &|path| ecosystem.is_manifest(path)).unwrap()
}

pub(crate) fn found(detection: Detection) -> Manifest {
    match detection {
        Detection::Found(manifest) => manifest,
        other => panic!("expected a manifest, got {other:?}"),
    }
}

/// A dependency container that exited with `code`, offline, with a 60 s limit.
pub(crate) fn ended<'a>(code: i64, stdout: &'a str, stderr: &'a str) -> Ended<'a> {
    Ended {
        outcome: Outcome::Exited { code },
        stdout,
        stderr,
        timeout_secs: 60,
        network: false,
        cause: None,
        refused: &[],
    }
}

/// An install that says what it is told to.
#[derive(Debug, Default)]
pub(crate) struct Stub {
    pub inputs: Vec<(String, Vec<u8>)>,
    /// Each becomes the problem `<name> is missing`.
    pub missing: Vec<String>,
}

impl Install for Stub {
    fn script(&self, network: bool) -> String {
        format!("echo {}\n", if network { "online" } else { "offline" })
    }

    fn inputs(&self) -> Vec<(String, Vec<u8>)> {
        self.inputs.clone()
    }

    fn missing(&self, source: &str, _ended: &Ended<'_>) -> Vec<Problem> {
        self.missing
            .iter()
            .map(|name| problem(source, format!("{name} is missing")))
            .collect()
    }
}

/// A Python `requirements.txt` manifest installed by `stub`.
pub(crate) fn stub_manifest(stub: Stub) -> Manifest {
    Manifest {
        runner: Runner::Python,
        source: "requirements.txt".into(),
        install: Box::new(stub),
        content_digest: "d".into(),
        notes: Vec::new(),
    }
}
