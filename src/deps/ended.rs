//! How a dependency container ended, as far as judging its install goes: what [`super::outcome::judge`]
//! and each family's [`super::Install::missing`] read.

use super::failure::Cause;
use crate::sandbox::Outcome;

/// What the container did, as far as judging it goes.
pub struct Ended<'a> {
    pub outcome: Outcome,
    pub stdout: &'a str,
    pub stderr: &'a str,
    pub timeout_secs: u64,
    /// The container had a way out (the allow-list proxy or the bridge).
    pub network: bool,
    /// Why the install failed, when its output or the proxy's log says ([`super::failure::classify`]).
    pub cause: Option<Cause>,
    /// The requests the allow-list proxy refused (`CONNECT github.com:443`), for the cause of each package
    /// ([`super::failure::cause_in`]).
    pub refused: &'a [String],
}
