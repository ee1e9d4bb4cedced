//! The rows of the store as Rust types: what the webhook intake writes and what the worker reads.

use serde::{Deserialize, Serialize};

use crate::command::{Command, CommandError};
use crate::ids::{CommentId, CommitSha, InstallationId, PrNumber, RepoName, RunId};

/// Primary key of a job.
pub type JobId = i64;

/// Life of a job: `queued → running → succeeded | failed`, or `cancelled` from queued/running when a newer push
/// supersedes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Queued,
        JobState::Running,
        JobState::Succeeded,
        JobState::Failed,
        JobState::Cancelled,
    ];

    /// The text stored in the `state` column (and used as a metrics label).
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What a comment asked for: a command ato knows, or one it must answer with a polite reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestedCommand {
    Known(Command),
    /// `Display` of the error is the reply to post.
    Unknown(CommandError),
}

/// Why a job exists, with the fields that only some jobs have. Stored as JSON in `jobs.payload`; its tag is
/// the `jobs.kind` column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobTrigger {
    /// A pull_request delivery (opened, reopened, synchronize, ready_for_review): test this head.
    PullRequest { action: String },
    /// The Re-run button of a check run or check suite.
    CheckRerequested {
        check_suite_id: u64,
        check_run_id: Option<u64>,
    },
    /// A `/ato ...` comment. The worker must authorise it first: the commenter's collaborator permission must
    /// be write or more (the author_association in the payload is not enough), then react with 👀 and either
    /// rerun (the head is looked up then; `head_sha` is empty) or reply with the error's text.
    CommentCommand {
        comment_id: CommentId,
        user_login: String,
        command: RequestedCommand,
        /// The comment's Markdown as written (bounded in length by GitHub).
        text: String,
    },
}

impl JobTrigger {
    /// The value of the `jobs.kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            JobTrigger::PullRequest { .. } => "pull_request",
            JobTrigger::CheckRerequested { .. } => "check_rerequested",
            JobTrigger::CommentCommand { .. } => "comment_command",
        }
    }
}

/// A job to create, before it has an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub trigger: JobTrigger,
    pub installation_id: InstallationId,
    pub repo: RepoName,
    pub pr_number: PrNumber,
    /// Unknown for comment commands until the worker fetches the PR.
    pub head_sha: Option<CommitSha>,
    pub base_sha: Option<CommitSha>,
}

/// A job as stored. Times are Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub delivery_id: String,
    pub trigger: JobTrigger,
    pub installation_id: InstallationId,
    pub repo: RepoName,
    pub pr_number: PrNumber,
    pub head_sha: Option<CommitSha>,
    pub base_sha: Option<CommitSha>,
    pub state: JobState,
    /// How many times the job was claimed (a crash during a run makes it more than one).
    pub attempts: u32,
    pub created_at: i64,
    pub updated_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub run_id: Option<RunId>,
    pub report_token: Option<String>,
    pub error: Option<String>,
}

/// How a running job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Succeeded,
    /// ato could not complete the run (not: the PR's tests failed — that is a successful run).
    Failed {
        error: String,
    },
}

/// One webhook delivery, as recorded. `outcome` is `accepted` (it changed something) or `ignored: <reason>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// `X-GitHub-Delivery`, the idempotency key.
    pub id: String,
    pub event: String,
    pub action: Option<String>,
    pub outcome: String,
}

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub id: String,
    pub event: String,
    pub action: Option<String>,
    pub received_at: i64,
    pub outcome: String,
}

/// A repository of an installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoRef {
    pub id: u64,
    pub full_name: String,
}

/// What an installation or installation_repositories delivery does to the installations tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallationAction {
    /// Created, permissions accepted, repositories added/removed: the installation exists.
    Upsert,
    /// Uninstalled: forget it and its repositories.
    Delete,
    Suspend,
    Unsuspend,
}

/// A change to the installations tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallationChange {
    pub installation_id: InstallationId,
    pub account_login: Option<String>,
    pub action: InstallationAction,
    pub repos_added: Vec<RepoRef>,
    pub repos_removed: Vec<RepoRef>,
}

/// An installation as stored, with its repositories sorted by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    pub id: InstallationId,
    pub account_login: Option<String>,
    pub suspended: bool,
    pub repos: Vec<RepoRef>,
}

/// Everything one delivery writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    pub delivery: NewDelivery,
    pub jobs: Vec<NewJob>,
    pub installation: Option<InstallationChange>,
}

/// The result of recording a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// The delivery id was seen before: nothing was written.
    Duplicate,
    /// Stored. `superseded` are older queued/running jobs of the same PR on another head, now cancelled: the
    /// worker must kill their containers.
    New {
        job_ids: Vec<JobId>,
        superseded: Vec<JobId>,
    },
}

/// Jobs restored by [`crate::store::Store::requeue_running`] after a restart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requeued {
    /// Back to queued: they will run again.
    pub requeued: Vec<JobId>,
    /// Claimed too often already (they may be what crashed the process): marked failed.
    pub failed: Vec<JobId>,
}

/// Numbers for `/metrics`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobStats {
    /// Jobs per state (every state present, zero when none).
    pub by_state: Vec<(JobState, u64)>,
    /// Cumulative histogram of run durations of finished (succeeded/failed) jobs: (upper bound in seconds,
    /// count of jobs at most that long), the last bound being +Inf.
    pub duration_buckets: Vec<(f64, u64)>,
    pub duration_count: u64,
    pub duration_sum_secs: f64,
}
