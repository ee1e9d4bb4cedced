//! Planning (in progress).
pub mod diff;
#[cfg(test)]
mod diff_tests;
