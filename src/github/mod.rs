//! Everything ato asks of GitHub, as a GitHub App: one concrete client over octocrab whose base URL is
//! `GITHUB_API_URL`, with its own timeouts, one retry policy ([`retry`]), cached installation tokens
//! ([`auth`]) and typed ids and small response structs ([`types`]).
//!
//! Start with [`GithubApp::new`], then [`GithubApp::installation`] for the calls made on behalf of one
//! installation: pull requests and their files ([`pulls`]), check runs ([`checks`]), the report comment and
//! reactions ([`comments`]), and the source tarball ([`tarball`]).

mod auth;
pub mod checks;
mod client;
pub mod comments;
pub(crate) mod env;
pub(crate) mod limits;
mod pagination;
pub(crate) mod pulls;
mod request;
pub(crate) mod retry;
pub mod tarball;
pub(crate) mod types;

use std::time::Duration;

pub use checks::{Annotation, AnnotationLevel, CheckRunOutput, Conclusion, NewCheckRun};
pub use client::{GithubApp, GithubConfig, Installation};
pub use comments::{REPORT_MARKER, Reaction};
pub use retry::RetryPolicy;
pub use tarball::{TarballError, TarballLimits};
pub(crate) use types::{CheckRunId, PrFile, PullRequest};
pub use types::{CommentId, CommitSha, InstallationId, Permission, PrNumber, RepoName};

/// Why a GitHub call failed. Messages name the request (method and path) and GitHub's answer; they never
/// contain a token or key.
#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error("the GitHub App private key is not a valid RSA PEM key: {0}")]
    PrivateKey(#[source] jsonwebtoken::errors::Error),
    #[error("could not sign the app JWT: {0}")]
    Jwt(#[source] jsonwebtoken::errors::Error),
    #[error("invalid GitHub API URL {url:?}: {reason}")]
    ApiUrl { url: String, reason: String },
    #[error("could not build the HTTP client: {0}")]
    Client(String),
    #[error("{method} {path}: GitHub answered {status}: {message}")]
    Status {
        method: String,
        path: String,
        status: u16,
        message: String,
    },
    #[error("{method} {path}: rate limited; GitHub asks to wait {wait:?}, more than ato waits")]
    RateLimited {
        method: String,
        path: String,
        wait: Duration,
    },
    #[error("{method} {path}: gave up after {attempts} tries; last: {last}")]
    GaveUp {
        method: String,
        path: String,
        attempts: u32,
        last: String,
    },
    #[error("{method} {path}: unexpected answer: {reason}")]
    Unexpected {
        method: String,
        path: String,
        reason: String,
    },
    #[error("tarball of {repo} at {sha}: {source}")]
    Tarball {
        repo: String,
        sha: String,
        #[source]
        source: TarballError,
    },
}

impl GithubError {
    /// GitHub's HTTP status, when the failure was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}
