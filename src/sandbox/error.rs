//! Why a sandboxed job could not be run. A job that ran and failed, timed out or ran out of memory is not an
//! error: it is an [`Outcome`](super::Outcome).

use std::time::Duration;

/// An error of the sandbox itself (Docker, the job description, cancellation).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(
        "Docker is not reachable: {detail}; is the daemon running? set DOCKER_HOST to its address"
    )]
    Unreachable { detail: String },

    #[error("the Docker engine at {engine} refused this client: {detail}")]
    EngineRefused { engine: String, detail: String },

    #[error("the Docker engine settings cannot be used:\n  {}", problems.join("\n  "))]
    EngineSettings { problems: Vec<String> },

    #[error("{0}")]
    RuntimeMissing(String),

    #[error("{variable} is malformed ({value:?}): {reason}")]
    BadSetting {
        variable: &'static str,
        value: String,
        reason: String,
    },

    #[error("invalid sandbox job: {0}")]
    InvalidJob(String),

    #[error("image {image} is not present; build it first (`ato runners build`)")]
    ImageMissing { image: String },

    #[error("the workspace tar is malformed: {0}")]
    BadWorkspace(String),

    #[error("the workspace tar is {size} bytes, over the workspace limit of {limit} bytes")]
    WorkspaceTooLarge { size: u64, limit: u64 },

    #[error("Docker failed to {action}: {source}")]
    Docker {
        action: &'static str,
        #[source]
        source: bollard::errors::Error,
    },

    #[error("Docker did not {action} within {after:?}")]
    DockerTimeout {
        action: &'static str,
        after: Duration,
    },

    #[error("the sandboxed job was cancelled")]
    Cancelled,
}

impl SandboxError {
    /// Wraps a bollard error with what the sandbox was doing.
    pub(crate) fn docker(
        action: &'static str,
    ) -> impl FnOnce(bollard::errors::Error) -> SandboxError {
        move |source| SandboxError::Docker { action, source }
    }
}

/// True when Docker answered 404 (no such container, volume, image or path).
pub(crate) fn is_not_found(error: &bollard::errors::Error) -> bool {
    matches!(
        error,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}
