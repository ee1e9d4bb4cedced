//! Rendering the results: `results.json`, the PR comment (`report.md`), the full page (`report.html`) and the
//! patch of tests you can add (`ato-tests.patch`).

pub mod escape;
pub mod verdict;

pub mod patch;
#[cfg(test)]
mod sample;
