//! How a dependency container ended, as far as judging its install goes: what [`super::outcome::judge`]
//! and each family's [`super::Install::missing`] read.

use crate::sandbox::Outcome;

/// What the container did, as far as judging it goes.
pub struct Ended<'a> {
    pub outcome: Outcome,
    pub stdout: &'a str,
    pub stderr: &'a str,
    pub timeout_secs: u64,
    pub network: bool,
}
