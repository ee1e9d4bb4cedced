//! The workspace a runner container gets: `plan.json`, `head/` and `base/` in one tar (runners/PROTOCOL.md).

use serde::Serialize;

use crate::model::{Runner, TargetFile};

use super::{EngineError, Source};

/// Version of the runner protocol this host speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// `plan.json`, as runners/PROTOCOL.md describes it.
#[derive(Debug, Serialize)]
pub struct RunnerPlan {
    pub protocol: u32,
    pub runner: Runner,
    pub seed: u64,
    pub reruns: u32,
    pub step_timeout_secs: u64,
    pub has_base: bool,
    pub files: Vec<TargetFile>,
}

/// Packs the plan and both trees. Blocking: call it from `spawn_blocking`.
pub fn pack(plan: &RunnerPlan, source: &Source) -> Result<Vec<u8>, EngineError> {
    let mut builder = tar::Builder::new(Vec::new());
    let plan_json = serde_json::to_vec_pretty(plan)
        .map_err(|err| EngineError::Internal(format!("cannot encode plan.json: {err}")))?;
    append_file(&mut builder, "plan.json", &plan_json)?;
    source.append_tree(true, "head", &mut builder)?;
    if plan.has_base {
        source.append_tree(false, "base", &mut builder)?;
    }
    builder
        .into_inner()
        .map_err(|err| EngineError::Internal(format!("cannot finish the workspace tar: {err}")))
}

fn append_file(
    builder: &mut tar::Builder<Vec<u8>>,
    path: &str,
    bytes: &[u8],
) -> Result<(), EngineError> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(&mut header, path, bytes)
        .map_err(|err| EngineError::Internal(format!("cannot add {path} to the workspace: {err}")))
}
