//! One runner's containers in one run: the builtin run and the model phase's validation rounds share the
//! image, the source, the installed dependencies and the output folder. The runner phase makes a
//! [`Container`]; the model phase runs its validation rounds through it.

use std::path::PathBuf;

use crate::model::{Runner, TargetFile};
use crate::sandbox::{Job, VolumeMount};

use super::context::RunContext;
use super::workspace::{self, PROTOCOL_VERSION, PlanCandidate, PlanMode, RunnerPlan};
use super::{EngineError, Source};

/// What every container of one runner in one run shares: the builtin run and the validation rounds.
pub struct Container<'a> {
    pub run: RunContext<'a>,
    pub runner: Runner,
    pub image: String,
    pub source: &'a Source,
    /// The installed dependencies, mounted read-only at `/deps`.
    pub deps: Option<VolumeMount>,
    /// `out/runners/<name>`.
    pub out_dir: PathBuf,
}

impl Container<'_> {
    pub fn progress(&self, message: &str) {
        self.run.progress(message)
    }

    /// The workspace tar: a normal plan, or a `validate` plan when there are candidates (with their files).
    pub async fn workspace(
        &self,
        targets: &[TargetFile],
        candidates: Vec<PlanCandidate>,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<Vec<u8>, EngineError> {
        let settings = self.run.settings;
        let plan = RunnerPlan {
            protocol: PROTOCOL_VERSION,
            runner: self.runner,
            seed: settings.seed,
            reruns: settings.reruns,
            step_timeout_secs: settings.step_timeout_secs(),
            has_base: self.source.has_base(),
            builtin: settings.builtin,
            files: targets.to_vec(),
            mode: (!candidates.is_empty()).then_some(PlanMode::Validate),
            candidates,
        };
        let source = self.source.clone();
        tokio::task::spawn_blocking(move || workspace::pack(&plan, &source, &files))
            .await
            .map_err(|err| EngineError::Internal(format!("packing the workspace failed: {err}")))?
    }

    pub fn job(&self, workspace_tar: Vec<u8>) -> Job {
        let mut job = Job::new(
            self.run.run_id.as_str(),
            &self.image,
            workspace_tar,
            self.run.settings.limits.clone(),
        );
        job.volumes.extend(self.deps.clone());
        job
    }
}
