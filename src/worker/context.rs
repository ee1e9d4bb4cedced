//! What the workers are given by `ato serve`: the store (the job queue), the GitHub App client, the sandbox,
//! the settings of a run, where reports go and how they are linked, and the two signals the webhook side sends
//! (a job was queued; a job was superseded). The server builds it at start-up and hands it over, so the
//! workers never see the HTTP side's state.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{Notify, broadcast};
use url::Url;

use crate::deps::DepsSettings;
use crate::generate::ModelSettings;
use crate::github::GithubApp;
use crate::ids::RunId;
use crate::report_link::ReportKey;
use crate::sandbox::{Limits, Sandbox};
use crate::store::{JobId, Store};

/// Everything the workers share.
pub struct WorkerContext {
    pub store: Store,
    pub github: GithubApp,
    pub sandbox: Sandbox,
    /// The sandbox's limits; a repository's `timeout` setting replaces the wall clock.
    pub limits: Limits,
    pub deps: DepsSettings,
    /// The operator's model, when one is configured (LLM_*).
    pub model: Option<ModelSettings>,
    /// Holds the runs' source trees (`work/{run}`, removed after the run) and reports (`reports/{run}`).
    pub data_dir: PathBuf,
    /// Base of the report links shown on GitHub.
    pub public_url: Url,
    /// Signs the report links.
    pub report_key: ReportKey,
    /// Notified once per queued job; an idle worker waits on it (with a timeout, as a fallback).
    pub job_wakeup: Arc<Notify>,
    /// Ids of jobs a newer push superseded: their running containers are killed. (The store is the truth;
    /// this only makes it prompt.)
    pub cancellations: broadcast::Sender<JobId>,
    /// Run ids of the jobs a previous process left running: their check runs are still in progress on
    /// GitHub, and the jobs' next attempts close them.
    pub interrupted_runs: HashSet<RunId>,
}
