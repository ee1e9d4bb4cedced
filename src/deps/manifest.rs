//! Which dependency manifest a runner's project has, and the digest its cache is keyed by. Pure.

use sha2::{Digest, Sha256};

use super::head_files::HeadFiles;
use super::npm_lock::{self, RemotePackage};
use super::requirements::{self, Requirement};
use crate::model::{Problem, ProblemKind, Runner};

/// Bumped whenever what a filled cache holds changes shape (layout, install options), so old caches are
/// never mounted by a newer ato.
pub const CACHE_FORMAT: u32 = 1;

/// Folders a project keeps its wheels and sdists in by convention, used as `--find-links` when they hold
/// any (besides the ones `requirements.txt` names itself).
const VENDOR_DIRS: &[&str] = &["vendor", "vendored", "wheels", "wheelhouse", "third_party"];
/// What pip can install from a `--find-links` folder.
const PYTHON_ARCHIVES: &[&str] = &[".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"];

/// How the manifest is installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// `pip install --target /deps/python -r <file>`; `generated` holds the file's contents when ato
    /// writes it (from `pyproject.toml`), else the file is the repository's own.
    Pip {
        requirements_file: String,
        generated: Option<String>,
        find_links: Vec<String>,
    },
    /// `npm ci --ignore-scripts` in the head tree, then its `node_modules` copied into the cache.
    NpmCi,
    /// Maven resolves the project's dependencies and plugins into `/deps/java/m2` (the main sources are not
    /// compiled); Debian's repository in the image is a read-only tail, so its plugins are not copied.
    Maven,
}

/// A project's dependencies, ready to install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub runner: Runner,
    /// The file the dependencies come from (`requirements.txt`, `pyproject.toml`, `package-lock.json`).
    pub source: String,
    pub install: Install,
    /// Python: each requirement, to probe one by one when the install fails.
    pub requirements: Vec<Requirement>,
    /// Node: the packages of the lock that need a registry.
    pub remote: Vec<RemotePackage>,
    /// sha256 of everything that decides what gets installed (manifests, vendored archives).
    pub content_digest: String,
}

impl Manifest {
    /// The cache key: the content, the runner image that installs and uses it, and the cache format.
    pub fn cache_digest(&self, image_id: &str) -> String {
        let mut hasher = Sha256::new();
        for part in [
            format!("ato-deps/{CACHE_FORMAT}"),
            self.runner.name().to_string(),
            image_id.to_string(),
            self.content_digest.clone(),
        ] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// What [`detect`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detection {
    /// No dependencies to install.
    None,
    Found(Manifest),
    /// The project declares dependencies ato cannot install; the problems say why.
    Unusable(Vec<Problem>),
}

/// Finds the manifest of `runner`'s project in the head tree.
pub fn detect(runner: Runner, files: &HeadFiles) -> Detection {
    match runner {
        Runner::Python => detect_python(files),
        Runner::Node => detect_node(files),
        Runner::Java => super::maven::detect(files),
    }
}

fn detect_python(files: &HeadFiles) -> Detection {
    if let Some(bytes) = files.manifest("requirements.txt") {
        let text = String::from_utf8_lossy(bytes);
        let parsed = requirements::parse_requirements(&text);
        if parsed.requirements.is_empty() && parsed.includes.is_empty() {
            return Detection::None;
        }
        let mut digest = Parts::default();
        // Included requirement files are manifests too; all of them are hashed, included or not.
        for (path, bytes) in &files.manifests {
            if path.ends_with(".txt") {
                digest.add(path, bytes);
            }
        }
        let mut find_links: Vec<String> = parsed
            .find_links
            .iter()
            .filter(|link| link.contains("://") || files.exists(link))
            .cloned()
            .collect();
        add_vendor_dirs(files, &mut find_links);
        hash_archives(files, &find_links, &mut digest);
        return Detection::Found(Manifest {
            runner: Runner::Python,
            source: "requirements.txt".into(),
            install: Install::Pip {
                requirements_file: "requirements.txt".into(),
                generated: None,
                find_links,
            },
            requirements: parsed.requirements,
            remote: Vec::new(),
            content_digest: digest.finish(),
        });
    }
    let Some(bytes) = files.manifest("pyproject.toml") else {
        return Detection::None;
    };
    let requirements = match requirements::parse_pyproject(&String::from_utf8_lossy(bytes)) {
        Ok(Some(requirements)) => requirements,
        Ok(None) => return Detection::None,
        Err(why) => {
            return Detection::Unusable(vec![problem(
                "pyproject.toml",
                format!(
                    "the dependencies of pyproject.toml could not be read, so none were installed: {why}"
                ),
            )]);
        }
    };
    let generated: String = requirements
        .iter()
        .map(|requirement| format!("{}\n", requirement.text))
        .collect();
    let mut digest = Parts::default();
    digest.add("pyproject.toml[project].dependencies", generated.as_bytes());
    let mut find_links = Vec::new();
    add_vendor_dirs(files, &mut find_links);
    hash_archives(files, &find_links, &mut digest);
    Detection::Found(Manifest {
        runner: Runner::Python,
        source: "pyproject.toml".into(),
        install: Install::Pip {
            requirements_file: "../ato-deps/requirements.txt".into(),
            generated: Some(generated),
            find_links,
        },
        requirements,
        remote: Vec::new(),
        content_digest: digest.finish(),
    })
}

fn add_vendor_dirs(files: &HeadFiles, find_links: &mut Vec<String>) {
    for dir in VENDOR_DIRS {
        let has_archives = files.files_under(dir, PYTHON_ARCHIVES).next().is_some();
        if has_archives && !find_links.iter().any(|link| link.trim_matches('/') == *dir) {
            find_links.push((*dir).to_string());
        }
    }
}

fn hash_archives(files: &HeadFiles, find_links: &[String], digest: &mut Parts) {
    for link in find_links {
        digest.add("find-links", link.as_bytes());
        for (path, sha) in files.files_under(link, PYTHON_ARCHIVES) {
            digest.add(path, sha.as_bytes());
        }
    }
}

fn detect_node(files: &HeadFiles) -> Detection {
    let Some(package_json) = files.manifest("package.json") else {
        return Detection::None;
    };
    let declared = match npm_lock::declared_dependencies(package_json) {
        Ok(declared) => declared,
        Err(why) => {
            return Detection::Unusable(vec![problem(
                "package.json",
                format!("package.json could not be read, so no dependencies were installed: {why}"),
            )]);
        }
    };
    if declared.is_empty() {
        return Detection::None;
    }
    let lock = ["npm-shrinkwrap.json", "package-lock.json"]
        .into_iter()
        .find_map(|name| files.manifest(name).map(|bytes| (name, bytes)));
    let Some((lock_name, lock)) = lock else {
        // Without a lock, nothing is installed: only what the runner does not bring itself is worth a word.
        let declared: Vec<String> = declared
            .into_iter()
            .filter(|name| !node_runner_brings(name))
            .collect();
        if declared.is_empty() {
            return Detection::None;
        }
        let other = ["yarn.lock", "pnpm-lock.yaml"]
            .into_iter()
            .find(|name| files.exists(name))
            .map(|name| format!(" (its {name} is not supported)"))
            .unwrap_or_default();
        return Detection::Unusable(vec![problem(
            "package.json",
            format!(
                "package.json declares {} but the repository has no package-lock.json{other}, and `npm ci` \
                 installs only from a lock: none were installed",
                list(&declared)
            ),
        )]);
    };
    let remote = match npm_lock::remote_packages(lock) {
        Ok(remote) => remote,
        Err(why) => {
            return Detection::Unusable(vec![problem(
                lock_name,
                format!("{lock_name} could not be read, so no dependencies were installed: {why}"),
            )]);
        }
    };
    let mut digest = Parts::default();
    digest.add("package.json", package_json);
    digest.add(lock_name, lock);
    Detection::Found(Manifest {
        runner: Runner::Node,
        source: lock_name.into(),
        install: Install::NpmCi,
        requirements: Vec::new(),
        remote,
        content_digest: digest.finish(),
    })
}

/// Test and lint tools the Node runner has itself (or, for vitest, replaces with `node:test` and says so), and
/// type declarations no test needs at run time.
const NODE_RUNNER_TOOLS: &[&str] = &[
    "jest",
    "@jest/globals",
    "vitest",
    "eslint",
    "@eslint/js",
    "typescript",
];

fn node_runner_brings(name: &str) -> bool {
    name.starts_with("@types/") || NODE_RUNNER_TOOLS.contains(&name)
}

/// A `dependencies` problem about a manifest.
pub fn problem(path: &str, message: String) -> Problem {
    Problem {
        path: Some(path.to_string()),
        line: None,
        kind: ProblemKind::Dependencies,
        message,
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

/// Length-prefixed (name, bytes) pairs: moving bytes between parts never gives the same digest.
#[derive(Default)]
pub(super) struct Parts(Sha256);

impl Parts {
    pub(super) fn add(&mut self, name: &str, bytes: &[u8]) {
        self.0.update((name.len() as u64).to_be_bytes());
        self.0.update(name.as_bytes());
        self.0.update((bytes.len() as u64).to_be_bytes());
        self.0.update(bytes);
    }

    pub(super) fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::deps::head_files::tests::workspace;

    pub fn files(entries: &[(&str, &[u8])]) -> HeadFiles {
        HeadFiles::from_workspace_tar(&workspace(entries)).unwrap()
    }

    pub fn found(detection: Detection) -> Manifest {
        match detection {
            Detection::Found(manifest) => manifest,
            other => panic!("expected a manifest, got {other:?}"),
        }
    }

    #[test]
    fn requirements_with_a_vendor_folder() {
        let tree = files(&[
            ("requirements.txt", b"tiny-dep==1.0\n--find-links wheels\n"),
            ("wheels/tiny_dep-1.0-py3-none-any.whl", b"PK1"),
            ("vendor/other-2.0.tar.gz", b"gz"),
            ("vendor/README.md", b"x"),
        ]);
        let manifest = found(detect(Runner::Python, &tree));
        assert_eq!(manifest.source, "requirements.txt");
        assert_eq!(
            manifest.install,
            Install::Pip {
                requirements_file: "requirements.txt".into(),
                generated: None,
                find_links: vec!["wheels".into(), "vendor".into()],
            }
        );
        assert_eq!(manifest.requirements[0].name.as_deref(), Some("tiny-dep"));
    }

    #[test]
    fn the_digest_follows_the_requirements_the_archives_and_the_image() {
        let digest = |req: &[u8], wheel: &[u8], image: &str| {
            let tree = files(&[
                ("requirements.txt", req),
                ("vendor/t-1.0-py3-none-any.whl", wheel),
            ]);
            found(detect(Runner::Python, &tree)).cache_digest(image)
        };
        let base = digest(b"t\n", b"PK1", "sha256:a");
        assert_eq!(base, digest(b"t\n", b"PK1", "sha256:a"));
        assert_ne!(base, digest(b"t==1\n", b"PK1", "sha256:a"));
        assert_ne!(base, digest(b"t\n", b"PK2", "sha256:a"));
        assert_ne!(base, digest(b"t\n", b"PK1", "sha256:b"));
        assert_eq!(base.len(), 64);
    }

    #[test]
    fn pyproject_dependencies_when_there_is_no_requirements_file() {
        let tree = files(&[(
            "pyproject.toml",
            b"[project]\nname='p'\ndependencies=['tiny-dep>=1', 'attrs']\n",
        )]);
        let manifest = found(detect(Runner::Python, &tree));
        assert_eq!(manifest.source, "pyproject.toml");
        match manifest.install {
            Install::Pip { generated, .. } => {
                assert_eq!(generated.as_deref(), Some("tiny-dep>=1\nattrs\n"))
            }
            other => panic!("{other:?}"),
        }
        let broken = detect(Runner::Python, &files(&[("pyproject.toml", b"[project\n")]));
        assert!(matches!(broken, Detection::Unusable(p) if p[0].kind == ProblemKind::Dependencies));
        assert_eq!(
            detect(Runner::Python, &files(&[("app.py", b"")])),
            Detection::None
        );
        assert_eq!(
            detect(
                Runner::Python,
                &files(&[("requirements.txt", b"# nothing\n")])
            ),
            Detection::None
        );
    }

    #[test]
    fn node_needs_a_lock() {
        let pkg = br#"{"dependencies":{"tiny":"file:vendor/tiny-1.0.0.tgz"}}"#;
        let lock = br#"{"lockfileVersion":3,"packages":{"node_modules/tiny":{"resolved":"file:vendor/tiny-1.0.0.tgz"}}}"#;
        let manifest = found(detect(
            Runner::Node,
            &files(&[("package.json", pkg), ("package-lock.json", lock)]),
        ));
        assert_eq!(manifest.install, Install::NpmCi);
        assert!(manifest.remote.is_empty());
        match detect(Runner::Node, &files(&[("package.json", pkg)])) {
            Detection::Unusable(problems) => {
                assert!(problems[0].message.contains("tiny"), "{problems:?}");
                assert!(problems[0].message.contains("package-lock.json"));
            }
            other => panic!("{other:?}"),
        }
        let tools_only = br#"{"devDependencies":{"jest":"^29","@types/jest":"^29","eslint":"^9"}}"#;
        assert_eq!(
            detect(Runner::Node, &files(&[("package.json", tools_only)])),
            Detection::None,
            "the runner brings its test tools: no lock needed for them"
        );
        let with_tools = br#"{"dependencies":{"left-pad":"1"},"devDependencies":{"jest":"^29"}}"#;
        match detect(Runner::Node, &files(&[("package.json", with_tools)])) {
            Detection::Unusable(problems) => {
                assert!(
                    problems[0].message.contains("declares left-pad but"),
                    "{problems:?}"
                )
            }
            other => panic!("{other:?}"),
        }
        match detect(
            Runner::Node,
            &files(&[("package.json", pkg), ("yarn.lock", b"")]),
        ) {
            Detection::Unusable(problems) => {
                assert!(problems[0].message.contains("yarn.lock is not supported"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            detect(
                Runner::Node,
                &files(&[("package.json", b"{\"name\":\"x\"}")])
            ),
            Detection::None
        );
        assert_eq!(
            detect(Runner::Java, &files(&[("package.json", pkg)])),
            Detection::None
        );
    }
}
