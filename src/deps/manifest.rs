//! What a language family gives the dependency phase: its [`Ecosystem`] (which files are manifests, and the
//! [`Manifest`] found among them) and, for a found manifest, how to [`Install`] it. Each family implements them
//! in its module under `src/lang/`; this is the vocabulary, with the digest the cache is keyed by. Pure.

use sha2::{Digest, Sha256};

use super::ended::Ended;
use super::head_files::HeadFiles;
use crate::model::{Problem, ProblemKind, Runner};

/// Bumped whenever what a filled cache holds changes shape (layout, install options), so old caches are
/// never mounted by a newer ato.
pub const CACHE_FORMAT: u32 = 1;

/// A family's dependency manifests: pip's requirements, npm's lock, Maven's poms.
pub trait Ecosystem: Send + Sync {
    /// Whether the file at `path` (relative to the head tree) is read whole, to detect and digest the
    /// manifest. Every other file enters the digest by its sha256 only.
    fn is_manifest(&self, path: &str) -> bool;

    /// The manifest of the project in the head tree, if it declares dependencies.
    fn detect(&self, files: &HeadFiles) -> Detection;
}

/// How a found manifest is installed into the cache by the dependency container, and what its failure means.
pub trait Install: std::fmt::Debug + Send + Sync {
    /// The shell script the container runs (see `script.rs` for what it must print and how it must end).
    fn script(&self, network: bool) -> String;

    /// The files the script reads, by name in its folder (`ato-deps/`).
    fn inputs(&self) -> Vec<(String, Vec<u8>)>;

    /// After a failed or partial install: a `dependencies` problem for each package it could not have (or
    /// left out). Empty when the output names none (the installer's last words are then shown instead).
    fn missing(&self, source: &str, ended: &Ended<'_>) -> Vec<Problem>;
}

/// A project's dependencies, ready to install.
#[derive(Debug)]
pub struct Manifest {
    pub runner: Runner,
    /// The file the dependencies come from (`requirements.txt`, `pyproject.toml`, `package-lock.json`).
    pub source: String,
    pub install: Box<dyn Install>,
    /// sha256 of everything that decides what gets installed (manifests, vendored archives).
    pub content_digest: String,
    /// What the declarations say that could not be read (`setup.py: install_requires is not a literal`).
    pub notes: Vec<String>,
}

impl Manifest {
    /// The cache key: the content, the runner image that installs and uses it, and the cache format.
    pub fn cache_digest(&self, image_id: &str) -> String {
        self.cache_digest_with(image_id, "")
    }

    /// [`Manifest::cache_digest`] with what of the settings changes what is installed (the package indexes,
    /// `DepsSettings::digest_part`); empty adds nothing, so an offline fill keeps its digest.
    pub fn cache_digest_with(&self, image_id: &str, settings: &str) -> String {
        let mut hasher = Sha256::new();
        let mut parts = vec![
            format!("ato-deps/{CACHE_FORMAT}"),
            self.runner.name().to_string(),
            image_id.to_string(),
            self.content_digest.clone(),
        ];
        if !settings.is_empty() {
            parts.push(settings.to_string());
        }
        for part in parts {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// What [`Ecosystem::detect`] found.
#[derive(Debug)]
pub enum Detection {
    /// No dependencies to install.
    None,
    Found(Manifest),
    /// The project declares dependencies ato cannot install; the problems say why.
    Unusable(Vec<Problem>),
}

/// A `dependencies` problem about a manifest.
pub fn problem(path: &str, message: String) -> Problem {
    Problem {
        path: Some(path.to_string()),
        line: None,
        kind: ProblemKind::Dependencies,
        message,
        missing_module: None,
        same_on_base: None,
    }
}

/// `a, b and 3 more` for a message.
pub fn list(names: &[String]) -> String {
    const SHOWN: usize = 10;
    let shown = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match names.len().saturating_sub(SHOWN) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// The content digest: length-prefixed (name, bytes) pairs, so moving bytes between parts never gives the
/// same digest.
#[derive(Default)]
pub struct ContentDigest(Sha256);

impl ContentDigest {
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        self.0.update((name.len() as u64).to_be_bytes());
        self.0.update(name.as_bytes());
        self.0.update((bytes.len() as u64).to_be_bytes());
        self.0.update(bytes);
    }

    pub fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut() {
        let names: Vec<String> = (1..=12).map(|i| format!("p{i}")).collect();
        assert_eq!(list(&names[..2]), "p1, p2");
        assert_eq!(
            list(&names),
            "p1, p2, p3, p4, p5, p6, p7, p8, p9, p10 and 2 more"
        );
    }

    #[test]
    fn moving_bytes_between_parts_changes_the_digest() {
        let digest = |parts: &[(&str, &[u8])]| {
            let mut digest = ContentDigest::default();
            for (name, bytes) in parts {
                digest.add(name, bytes);
            }
            digest.finish()
        };
        assert_ne!(digest(&[("a", b"bc")]), digest(&[("ab", b"c")]));
        assert_eq!(digest(&[("a", b"bc")]).len(), 64);
    }
}
