//! Node's dependencies: `package.json` with its `package-lock.json` (or `npm-shrinkwrap.json`), installed by
//! `npm ci --ignore-scripts` and copied into the cache; when the install fails offline, every package of the
//! lock that needs a registry is named. Pure.

use super::npm_lock::{self, RemotePackage};
use crate::deps::{
    ContentDigest, DEPS_DIR, Detection, Ended, HeadFiles, INSTALL_FAILED_EXIT, INSTALLED_LINE,
    Install, Manifest, list, problem, why_missing,
};
use crate::model::{Problem, Runner};

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

/// npm's words for a registry it could not reach.
const UNREACHABLE: &[&str] = &[
    "ENOTCACHED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ECONNREFUSED",
    "ETIMEDOUT",
    "ENETUNREACH",
];

/// `npm ci --ignore-scripts` in the head tree, then its `node_modules` copied into the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NpmCi {
    /// The packages of the lock that need a registry.
    remote: Vec<RemotePackage>,
}

/// The Node manifest of the head tree: a lock is needed, since `npm ci` installs only from one.
pub(super) fn detect(files: &HeadFiles) -> Detection {
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
    let mut digest = ContentDigest::default();
    digest.add("package.json", package_json);
    digest.add(lock_name, lock);
    Detection::Found(Manifest {
        runner: Runner::Node,
        source: lock_name.into(),
        install: Box::new(NpmCi { remote }),
        content_digest: digest.finish(),
        notes: Vec::new(),
    })
}

fn node_runner_brings(name: &str) -> bool {
    name.starts_with("@types/") || NODE_RUNNER_TOOLS.contains(&name)
}

impl Install for NpmCi {
    /// No install script of any package runs; offline unless the network is allowed.
    fn script(&self, network: bool) -> String {
        let offline = if network { "" } else { " --offline" };
        format!(
            r#"set -u
cd /work/head
export npm_config_cache=/tmp/npm-cache npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# --ignore-scripts: no install script of any package runs.
if ! npm ci --ignore-scripts --no-audit --no-fund{offline}; then
    exit {INSTALL_FAILED_EXIT}
fi
mkdir -p {DEPS_DIR}/node
cp -a node_modules {DEPS_DIR}/node/ || exit 1
echo {INSTALLED_LINE}
"#
        )
    }

    fn inputs(&self) -> Vec<(String, Vec<u8>)> {
        Vec::new()
    }

    /// npm stops at its first error: every registry package is named when no registry could be reached (or
    /// there was no network); npm's own words otherwise.
    fn missing(&self, source: &str, ended: &Ended<'_>) -> Vec<Problem> {
        let unreachable = UNREACHABLE.iter().any(|code| ended.stderr.contains(code));
        if ended.network && !unreachable {
            return Vec::new();
        }
        self.remote
            .iter()
            .map(|package| {
                problem(
                    source,
                    format!(
                        "dependency `{}` could not be installed: {} (the lock resolves it to {})",
                        package.name,
                        why_missing(ended),
                        package.source
                    ),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::Ecosystem;
    use crate::deps::test_support::{ended, found, head_files};
    use crate::lang::javascript::Node;

    fn files(entries: &[(&str, &[u8])]) -> HeadFiles {
        head_files(&Node, entries)
    }

    fn unusable(detection: Detection) -> Vec<Problem> {
        match detection {
            Detection::Unusable(problems) => problems,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn node_needs_a_lock() {
        let pkg = br#"{"dependencies":{"tiny":"file:vendor/tiny-1.0.0.tgz"}}"#;
        let lock = br#"{"lockfileVersion":3,"packages":{"node_modules/tiny":{"resolved":"file:vendor/tiny-1.0.0.tgz"}}}"#;
        let manifest = found(Node.detect(&files(&[
            ("package.json", pkg),
            ("package-lock.json", lock),
        ])));
        assert_eq!(manifest.source, "package-lock.json");
        assert_eq!(manifest.runner, Runner::Node);
        assert!(manifest.install.script(false).contains("npm ci"));
        // Nothing in the lock needs a registry: nothing to name.
        assert!(
            manifest
                .install
                .missing("package-lock.json", &ended(3, "", ""))
                .is_empty()
        );
        let problems = unusable(Node.detect(&files(&[("package.json", pkg)])));
        assert!(problems[0].message.contains("tiny"), "{problems:?}");
        assert!(problems[0].message.contains("package-lock.json"));
        let tools_only = br#"{"devDependencies":{"jest":"^29","@types/jest":"^29","eslint":"^9"}}"#;
        assert!(
            matches!(
                Node.detect(&files(&[("package.json", tools_only)])),
                Detection::None
            ),
            "the runner brings its test tools: no lock needed for them"
        );
        let with_tools = br#"{"dependencies":{"left-pad":"1"},"devDependencies":{"jest":"^29"}}"#;
        let problems = unusable(Node.detect(&files(&[("package.json", with_tools)])));
        assert!(
            problems[0].message.contains("declares left-pad but"),
            "{problems:?}"
        );
        let problems = unusable(Node.detect(&files(&[("package.json", pkg), ("yarn.lock", b"")])));
        assert!(problems[0].message.contains("yarn.lock is not supported"));
        assert!(matches!(
            Node.detect(&files(&[("package.json", b"{\"name\":\"x\"}")])),
            Detection::None
        ));
        assert!(matches!(
            crate::lang::java::Java.detect(&files(&[("package.json", pkg)])),
            Detection::None
        ));
    }

    #[test]
    fn npm_never_runs_scripts_and_is_offline_unless_allowed() {
        let npm = NpmCi { remote: Vec::new() };
        let offline = npm.script(false);
        assert!(offline.contains("npm ci --ignore-scripts --no-audit --no-fund --offline;"));
        assert!(offline.contains("cp -a node_modules /deps/node/"));
        assert!(!npm.script(true).contains("--offline"));
        assert!(npm.inputs().is_empty());
    }

    #[test]
    fn node_names_every_registry_package_when_offline() {
        let npm = NpmCi {
            remote: vec![
                RemotePackage {
                    name: "left-pad".into(),
                    source: "https://r.test/l.tgz".into(),
                },
                RemotePackage {
                    name: "ms".into(),
                    source: "https://r.test/m.tgz".into(),
                },
            ],
        };
        let offline = ended(3, "", "npm ERR! code ENOTCACHED\n");
        let problems = npm.missing("package-lock.json", &offline);
        assert_eq!(problems.len(), 2);
        assert!(problems[1].message.contains("`ms`"));
        assert_eq!(problems[1].path.as_deref(), Some("package-lock.json"));
        // Online and failing for another reason: npm's own words (nothing named here).
        let mut online = ended(3, "", "npm ERR! code EINTEGRITY\n");
        online.network = true;
        assert!(npm.missing("package-lock.json", &online).is_empty());
    }
}
