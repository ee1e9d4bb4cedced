//! The workspace a runner container gets: `plan.json`, `head/` and `base/` in one tar (runners/PROTOCOL.md).

use serde::{Deserialize, Serialize};

use crate::model::{Runner, TargetFile};

use super::{EngineError, Source};

/// Version of the runner protocol this host speaks (declared with the reader of the runners' outputs).
pub use crate::collect::PROTOCOL_VERSION;

/// `plan.json`, as runners/PROTOCOL.md describes it (`runners/contract/plan.json` and `plan-validate.json`
/// are examples of it).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct RunnerPlan {
    pub protocol: u32,
    pub runner: Runner,
    pub seed: u64,
    pub reruns: u32,
    pub step_timeout_secs: u64,
    pub has_base: bool,
    /// `false`: no builtin tests, only the static checker (absent when true).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub builtin: bool,
    pub files: Vec<TargetFile>,
    /// `validate` to check the model's candidates instead of generating; absent for a normal run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<PlanMode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<PlanCandidate>,
}

/// What the runner is asked to do besides generating (the default, when `mode` is absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanMode {
    /// Check the candidates instead of generating.
    Validate,
}

/// A module for the runner to validate (`validate` mode): its file is in the workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> serde_json::Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("runners/contract")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The contract's example plans read into the host's type and write back the same: what the host writes
    /// has exactly the examples' shape, which every harness's tests read.
    #[test]
    fn the_example_plans_round_trip_through_the_hosts_type() {
        for name in ["plan.json", "plan-validate.json"] {
            let fixture = example(name);
            let plan: RunnerPlan =
                serde_json::from_value(fixture.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(plan.protocol, PROTOCOL_VERSION, "{name}");
            assert_eq!(serde_json::to_value(&plan).unwrap(), fixture, "{name}");
        }
    }

    #[test]
    fn the_validate_example_names_its_mode_and_candidates() {
        let plan: RunnerPlan = serde_json::from_value(example("plan-validate.json")).unwrap();
        assert_eq!(plan.mode, Some(PlanMode::Validate));
        assert!(!plan.builtin);
        let ids: Vec<_> = plan.candidates.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c2-b"]);
        let run: RunnerPlan = serde_json::from_value(example("plan.json")).unwrap();
        assert_eq!(
            (run.mode, run.builtin, run.runner),
            (None, true, Runner::Python)
        );
        assert_eq!(run.files[0].symbols.len(), 3);
    }
}
