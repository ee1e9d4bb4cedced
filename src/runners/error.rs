//! What can go wrong while making a runner image, worded for the person who has to fix it.

use thiserror::Error;

/// An error from building or checking a runner image.
///
/// Build failures carry the tail of the build output: the last lines are where Docker and apt say what
/// went wrong, and the full output is in the debug log.
#[derive(Debug, Error)]
pub enum ImageError {
    /// The runner family is known to the model, but this ato has no recipe for it yet.
    #[error("the {runner} runner is not available yet: this ato has no runners/{runner}/ recipe")]
    NotAvailable { runner: &'static str },

    /// The embedded recipe is unusable (missing Dockerfile, malformed packages.txt…).
    #[error("the {runner} runner recipe is broken: {reason}")]
    BadRecipe {
        runner: &'static str,
        reason: String,
    },

    /// A Docker API call failed outside of a build (inspect, import…).
    #[error("Docker could not {action}: {source}")]
    Docker {
        action: String,
        #[source]
        source: bollard::errors::Error,
    },

    /// mmdebstrap ran but could not make the base rootfs.
    #[error("mmdebstrap could not make the base image {image}: {reason}\n{log_tail}")]
    Mmdebstrap {
        image: String,
        reason: String,
        log_tail: String,
    },

    /// There is no way to get a base image: no mmdebstrap here, and Docker could not fetch the default.
    #[error(
        "could not build {image}: mmdebstrap is not installed and Docker could not use the default base \
         image {default_base}; install mmdebstrap (apt-get install mmdebstrap) or give Docker access to a \
         registry\n{log_tail}"
    )]
    NoBase {
        image: String,
        default_base: String,
        log_tail: String,
    },

    /// `docker build` of the recipe failed.
    #[error("building {image} failed: {reason}\n{log_tail}")]
    BuildFailed {
        image: String,
        reason: String,
        log_tail: String,
    },

    /// A step ran past its deadline.
    #[error("{what} did not finish within {secs} s")]
    Timeout { what: String, secs: u64 },

    /// Local file or process trouble (temporary folder, spawning mmdebstrap…).
    #[error("could not {action}: {source}")]
    Io {
        action: String,
        #[source]
        source: std::io::Error,
    },
}

impl ImageError {
    pub(crate) fn docker(action: impl Into<String>, source: bollard::errors::Error) -> Self {
        ImageError::Docker {
            action: action.into(),
            source,
        }
    }

    pub(crate) fn io(action: impl Into<String>, source: std::io::Error) -> Self {
        ImageError::Io {
            action: action.into(),
            source,
        }
    }
}
