//! The sandbox on the real Docker engine: running one job (`jobs`), what a hostile job cannot do
//! (`isolation`), the dependency phase's two extra options (`deps_options`), and the decisions of its
//! allow-list proxy (`proxy_decisions`, with the host's `python3`), and engines reached over TLS or with an
//! OCI runtime (`engines`, with `openssl` and `stunnel`). Needs Docker and
//! `busybox-static`; fails, never skips, without them.
//!
//! Run one group with `cargo test --test sandbox isolation::` (or `jobs::`, `deps_options::`). The runner
//! images have their own binary (`runner_images`): they remove and rebuild images, which must not run beside
//! these tests' timed containers.

#[path = "../support/mod.rs"]
mod support;

mod deps_options;
mod engines;
mod isolation;
mod jobs;
mod proxy_decisions;
