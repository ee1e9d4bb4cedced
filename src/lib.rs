//! ato generates unit tests for the files a pull request changed, runs them with the static checkers in
//! locked-down Docker containers, and reports what it found.
//!
//! The pipeline, in the order a run goes through it:
//! [`git`] (read the repository) → [`plan`] (what changed, what to test) → [`runners`] (the images) →
//! [`sandbox`] (run a runner container) → [`collect`] (read what it wrote) → [`report`] (results.json,
//! Markdown, HTML, patch). [`engine`] drives one run from start to end. [`lang`] holds everything particular to
//! a language, one module per language family.
//!
//! The GitHub App around it, from the outside in: [`server`] (HTTP) → [`webhook`] (deliveries read) →
//! [`store`] (the durable job queue) → [`worker`] (runs the engine on a job) → [`github`] (the API). The values
//! they pass along live below all of them: [`ids`] (repository, commit, pull request, installation, run…),
//! [`command`] (the `/ato` commands) and [`report_link`] (the signed link to a run's report).

pub mod collect;
mod command;
mod declared;
pub mod deps;
pub mod engine;
pub mod generate;
pub mod git;
pub mod github;
pub mod healthcheck;
mod ids;
pub mod lang;
pub mod llm;
pub mod model;
pub mod plan;
pub mod progress;
pub mod publish;
pub mod repo_config;
pub mod report;
mod report_link;
pub mod runners;
pub mod safe_tar;
pub mod sandbox;
pub mod serve;
pub mod serve_config;
pub mod server;
pub mod store;
pub mod webhook;
mod worker;
