//! Everything the tests share, in one place: each test binary mounts it with
//! `#[path = "../support/mod.rs"] mod support;` (benches with `#[path = "../tests/support/mod.rs"]`) and uses the
//! parts it needs.
//!
//! - [`app`]: the short test language for the GitHub App (`ato serve` end to end, and its router in-process);
//! - [`fake_github`] and [`github_client`]: a fake GitHub on loopback, and ato's client wired to it;
//! - [`fake_llm`]: a fake OpenAI-compatible model server;
//! - [`webhooks`]: GitHub's sample payloads (`tests/fixtures/webhooks/`), deliveries made from them, signed;
//! - [`git_repo`] and [`ato_run`]: git repositories made on the spot, and the real `ato run` binary on them;
//! - [`docker`], [`sandbox`] and [`deps`]: Docker checks and clean-up, the sandbox's busybox test image and jobs,
//!   the dependency phase's vendored packages and cache volumes;
//! - [`tarball`]: gzip'd tars with verbatim (hostile) entries, as GitHub serves source archives.

#![allow(dead_code)] // each test binary uses part of it

pub mod app;
pub mod ato_run;
pub mod deps;
pub mod docker;
pub mod fake_github;
pub mod fake_llm;
pub mod git_repo;
pub mod github_client;
pub mod sandbox;
pub mod tarball;
pub mod tls_engine;
pub mod webhooks;

use std::path::PathBuf;

/// A file or folder under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}
