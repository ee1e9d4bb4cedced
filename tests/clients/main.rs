//! ato's HTTP clients against fakes on loopback: the GitHub client against the fake GitHub (tokens, pagination,
//! retries: `github_client`; check runs and the report comment: `github_reports`; source tarballs:
//! `github_tarball`), and the model client against the fake OpenAI-compatible server (`llm_client`).
//!
//! Run one group with `cargo test --test clients github_client::` (or another module's name).

#[path = "../support/mod.rs"]
mod support;

mod github_client;
mod github_reports;
mod github_tarball;
mod llm_client;
