//! The sandbox on the real Docker engine: running one job (`jobs`), what a hostile job cannot do
//! (`isolation`), and the dependency phase's two extra options (`deps_options`). Needs Docker and
//! `busybox-static`; fails, never skips, without them.
//!
//! Run one group with `cargo test --test sandbox isolation::` (or `jobs::`, `deps_options::`). The runner
//! images have their own binary (`runner_images`): they remove and rebuild images, which must not run beside
//! these tests' timed containers.

#[path = "../support/mod.rs"]
mod support;

mod deps_options;
mod isolation;
mod jobs;
