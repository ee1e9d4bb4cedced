//! Reading a change's source trees: the git wrapper (`git`) and the planner (`plan`) on real repositories,
//! and the safe unpacking of (hostile) tar archives, as GitHub's source tarballs are (`safe_tar`,
//! `safe_tar_metadata`).
//!
//! Run one group with `cargo test --test sources git::` (or `plan::`, `safe_tar::`, `safe_tar_metadata::`).

#[path = "../support/mod.rs"]
mod support;

mod git;
mod plan;
mod safe_tar;
mod safe_tar_metadata;
