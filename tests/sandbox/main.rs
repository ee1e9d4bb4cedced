//! Containers on the real Docker engine: the sandbox running one job (`jobs`), what a hostile job cannot do
//! (`isolation`), the dependency phase's two extra options (`deps_options`), and the runner images built,
//! skipped and used (`runner_images`). Needs Docker and `busybox-static`; fails, never skips, without them.
//!
//! Run one group with `cargo test --test sandbox isolation::` (or `jobs::`, `deps_options::`,
//! `runner_images::`).

#[path = "../support/mod.rs"]
mod support;

mod deps_options;
mod isolation;
mod jobs;
mod runner_images;
