//! The dependency phase: installs a project's dependencies once, in their own container, into a cache the
//! test containers mount read-only at `/deps`.
//!
//! Per runner: the family's [`Ecosystem`] (its module under `src/lang/`) finds what the project declares
//! (Python: every requirements file, `pyproject.toml`, `setup.cfg`, `setup.py`, `Pipfile`, tox; Node:
//! `package.json` with its `package-lock.json`; Java: a Maven `pom.xml`), keyed by a digest of those files,
//! the vendored archives, the runner image and the package indexes used. A complete cache for that digest is
//! mounted as it is; otherwise a dependency container fills it with the family's [`Install`] script (`pip
//! install --target`, `npm ci --ignore-scripts`, Maven resolving into a local repository), hardened like
//! every sandbox job. Its network ([`DepsSettings`], `ATO_DEPS_NETWORK`): by default an internal Docker
//! network whose only way out is ato's allow-list proxy ([`proxy`]), which lets through only the configured
//! package indexes, registries and mirrors and reports every other destination it refused; or none; or the
//! open bridge. A fill that fails is removed, never cached, and becomes `dependencies` problems naming each
//! package that could not be had and why ([`failure`]); the installer's output is kept for the report. A
//! family's script may install all but those packages (pip does, npm and Maven install all or nothing): such
//! a partial fill is named the same way, copied into a volume of the run for its tests ([`partial`]) and
//! removed from the cache like a failed one, so the next run tries everything again. The test phase never
//! has a network.
//!
//! This module knows no language: the engine hands [`prepare`] the family's [`Ecosystem`].

mod access;
mod allow_list;
mod cache;
mod ended;
mod failure;
mod head_files;
mod manifest;
mod outcome;
mod partial;
mod phase;
mod proxy;
mod script;
mod settings;
#[cfg(test)]
pub(crate) mod test_support;

pub(crate) use access::CA_FILE;
pub use allow_list::{AllowList, ProxyLog, read_log};
pub use cache::CacheEntry;
pub use failure::{Cause, cause_in, classify};

pub(crate) use ended::Ended;
pub use head_files::HeadFiles;
pub use manifest::Detection;
pub(crate) use manifest::{ContentDigest, Ecosystem, Install, Manifest, list, problem};
pub(crate) use outcome::{why_missing, why_missing_because};
pub use phase::{CacheUse, Prepared, prepare, release};
pub(crate) use script::{
    DEPS_DIR, INSTALL_FAILED_EXIT, INSTALLED_LINE, MISSING_PREFIX, PARTIAL_LINE, SCRIPT_DIR,
    UNBUILT_PREFIX, WITHOUT_LEFT_OUT_MARK, sh_quote,
};
pub use settings::{
    CA_BUNDLE_VAR, CaBundle, DepsNetwork, DepsSettings, MAVEN_MIRROR_VAR, NETWORK_VAR,
    NPM_REGISTRY_VAR, PIP_EXTRA_INDEX_VAR, PIP_INDEX_VAR, Registries,
};

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
    #[error("{variable} is malformed ({value:?}): expected {expected}")]
    BadSetting {
        variable: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("{CA_BUNDLE_VAR} (or SSL_CERT_FILE) names {path:?}, which cannot be used: {why}")]
    CaBundle {
        path: std::path::PathBuf,
        why: String,
    },
    #[error("the dependency phase's allow-list proxy failed: {0}")]
    Proxy(String),
    #[error("the dependency phase could not read the workspace: {0}")]
    Workspace(String),
}

impl DepsError {
    pub(crate) fn docker(action: &'static str) -> impl FnOnce(bollard::errors::Error) -> DepsError {
        move |source| DepsError::Docker { action, source }
    }
}
