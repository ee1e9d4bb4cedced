//! The GitHub App: `ato serve` end to end on real Docker (`e2e`), its router in-process (`webhook`: intake,
//! endpoints, GitHub's sample payloads), and the durable job store on a real SQLite file (`store`).
//!
//! The end-to-end tests are written in the test language of `support::app` (deliver, expect a check run,
//! expect a comment, expect nothing else); run one group with `cargo test --test app e2e::` (or `webhook::`,
//! `store::`).

#[path = "../support/mod.rs"]
mod support;

mod e2e;
mod store;
mod webhook;
