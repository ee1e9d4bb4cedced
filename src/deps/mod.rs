//! The dependency phase: installs a project's dependencies once, in their own container, into a cache the
//! test containers mount read-only at `/deps`.
//!
//! Per runner: the family's [`Ecosystem`] (its module under `src/lang/`) finds what the project declares
//! (Python: `requirements.txt`, else `pyproject.toml`'s `[project].dependencies`; Node: `package.json` with its
//! `package-lock.json`; Java: a Maven `pom.xml`), keyed by a digest of those files, the vendored archives and
//! the runner image. A complete cache for that digest is mounted as it is; otherwise a dependency container
//! fills it with the family's [`Install`] script (`pip install --target`, `npm ci --ignore-scripts`, Maven
//! resolving into a local repository), hardened like every sandbox job and without network unless the
//! operator sets `ATO_DEPS_NETWORK=1`. A fill that fails is removed, never cached, and becomes `dependencies`
//! problems naming each package that could not be had. The test phase never has a network.
//!
//! This module knows no language: the engine hands [`prepare`] the family's [`Ecosystem`].

mod cache;
mod ended;
mod head_files;
mod manifest;
mod outcome;
mod phase;
mod script;
#[cfg(test)]
pub(crate) mod test_support;

pub use cache::CacheEntry;

pub(crate) use ended::Ended;
pub use head_files::HeadFiles;
pub use manifest::Detection;
pub(crate) use manifest::{ContentDigest, Ecosystem, Install, Manifest, list, problem};
pub(crate) use outcome::why_missing;
pub use phase::{CacheUse, prepare};
pub(crate) use script::{
    DEPS_DIR, INSTALL_FAILED_EXIT, INSTALLED_LINE, MISSING_PREFIX, SCRIPT_DIR, sh_quote,
};

/// Environment variable: `1` lets the dependency container reach the network; unset or `0` keeps it off.
pub const NETWORK_VAR: &str = "ATO_DEPS_NETWORK";

/// How the dependency phase runs; the same for every run of a process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DepsSettings {
    /// The dependency container may use the network (never the test container). Off by default.
    pub network: bool,
}

impl DepsSettings {
    /// Reads `ATO_DEPS_NETWORK`.
    pub fn from_env() -> Result<DepsSettings, DepsError> {
        DepsSettings::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`DepsSettings::from_env`] over any lookup. Only an explicit `1`/`true`/`yes`/`on` allows the network;
    /// anything unrecognised is an error rather than a guess.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<DepsSettings, DepsError> {
        let network = match lookup(NETWORK_VAR) {
            None => false,
            Some(value) => match value.trim().to_ascii_lowercase().as_str() {
                "" | "0" | "false" | "no" | "off" => false,
                "1" | "true" | "yes" | "on" => true,
                _ => {
                    return Err(DepsError::BadSetting {
                        variable: NETWORK_VAR,
                        value,
                    });
                }
            },
        };
        Ok(DepsSettings { network })
    }
}

/// Why the dependency phase could not run at all. A failed install is not an error: it is a problem in the
/// report.
#[derive(Debug, thiserror::Error)]
pub enum DepsError {
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::SandboxError),
    #[error("Docker failed to {action}: {source}")]
    Docker {
        action: &'static str,
        #[source]
        source: bollard::errors::Error,
    },
    #[error("{variable} is malformed ({value:?}): expected 1 to allow the network or 0 to deny it")]
    BadSetting {
        variable: &'static str,
        value: String,
    },
    #[error("the dependency phase could not read the workspace: {0}")]
    Workspace(String),
}

impl DepsError {
    pub(crate) fn docker(action: &'static str) -> impl FnOnce(bollard::errors::Error) -> DepsError {
        move |source| DepsError::Docker { action, source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_network_is_off_unless_explicitly_allowed() {
        let with = |value: Option<&str>| {
            DepsSettings::from_lookup(|_| value.map(str::to_string)).map(|s| s.network)
        };
        assert!(!with(None).unwrap());
        assert!(!with(Some("0")).unwrap());
        assert!(!with(Some("")).unwrap());
        assert!(with(Some("1")).unwrap());
        assert!(with(Some(" TRUE ")).unwrap());
        let error = with(Some("maybe")).unwrap_err().to_string();
        assert!(
            error.contains("ATO_DEPS_NETWORK") && error.contains("maybe"),
            "{error}"
        );
    }
}
