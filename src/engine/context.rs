//! What one run is given besides its source and plan configuration: its id, the sandbox, the settings, the
//! report folder, where progress is told and the token that cancels it. One value, passed by reference from
//! [`super::run`] down to each runner's containers, instead of the same six arguments at every step.

use std::path::Path;

use tokio_util::sync::CancellationToken;

use crate::ids::RunId;
use crate::runners::Progress;
use crate::sandbox::Sandbox;

use super::settings::RunnerSettings;

/// The run's id and surroundings, borrowed for the length of the run.
#[derive(Clone, Copy)]
pub struct RunContext<'a> {
    /// Labels the run's containers and names its results.
    pub run_id: &'a RunId,
    pub sandbox: &'a Sandbox,
    pub settings: &'a RunnerSettings,
    /// The report folder: `report.md`, `report.html`, `results.json`, `runners/<name>/`.
    pub out: &'a Path,
    pub progress: Progress<'a>,
    pub cancel: &'a CancellationToken,
    /// `owner/name` when the run tests a pull request: the report links its lines to GitHub.
    pub repository: Option<&'a str>,
}

impl RunContext<'_> {
    /// Tells `message` to whoever follows the run (the terminal of `ato run`, the worker's log).
    pub fn progress(&self, message: &str) {
        (self.progress)(message)
    }
}
