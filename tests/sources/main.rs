//! Reading a change's source trees: the git wrapper and the planner on real repositories (`plan_git`), and
//! the safe unpacking of (hostile) tar archives, as GitHub's source tarballs are (`safe_tar`,
//! `safe_tar_metadata`).
//!
//! Run one group with `cargo test --test sources plan_git::` (or `safe_tar::`, `safe_tar_metadata::`).

mod plan_git;
mod safe_tar;
mod safe_tar_metadata;
