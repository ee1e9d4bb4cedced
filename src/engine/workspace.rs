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
    /// `false`: no builtin tests, only the static checker (absent when true).
    #[serde(skip_serializing_if = "is_true")]
    pub builtin: bool,
    pub files: Vec<TargetFile>,
    /// `validate` to check the model's candidates instead of generating; absent for a normal run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<PlanCandidate>,
}

/// A module for the runner to validate (`validate` mode): its file is in the workspace.
#[derive(Debug, Clone, Serialize)]
pub struct PlanCandidate {
    pub id: String,
    /// Relative to `/work`.
    pub file: String,
    /// `path::symbol`.
    pub target: String,
}

/// Packs the plan, both trees and `extra` files (path relative to `/work`, contents). Blocking: call it from
/// `spawn_blocking`.
pub fn pack(
    plan: &RunnerPlan,
    source: &Source,
    extra: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, EngineError> {
    let mut builder = tar::Builder::new(Vec::new());
    let plan_json = serde_json::to_vec_pretty(plan)
        .map_err(|err| EngineError::Internal(format!("cannot encode plan.json: {err}")))?;
    append_file(&mut builder, "plan.json", &plan_json)?;
    for (path, bytes) in extra {
        append_file(&mut builder, path, bytes)?;
    }
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

fn is_true(value: &bool) -> bool {
    *value
}
