//! The few fields of GitHub's webhook payloads that ato reads. Small purpose-built structs, not whole API
//! models: serde ignores everything else, so new fields GitHub adds never break intake.

use serde::Deserialize;

use crate::ids::{CommentId, InstallationId, PrNumber};
use crate::store::RepoRef;

#[derive(Deserialize)]
pub(super) struct Envelope {
    pub(super) action: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Id {
    pub(super) id: u64,
}

#[derive(Deserialize)]
pub(super) struct Repository {
    pub(super) full_name: String,
}

#[derive(Deserialize)]
pub(super) struct Sha {
    pub(super) sha: String,
}

#[derive(Deserialize)]
pub(super) struct PullRequestPayload {
    pub(super) action: String,
    pub(super) number: PrNumber,
    pub(super) pull_request: PullRequestBody,
    pub(super) repository: Repository,
    pub(super) installation: Option<Id>,
}

#[derive(Deserialize)]
pub(super) struct PullRequestBody {
    pub(super) draft: Option<bool>,
    pub(super) head: Sha,
    pub(super) base: Sha,
}

#[derive(Deserialize)]
pub(super) struct IssueCommentPayload {
    pub(super) issue: Issue,
    pub(super) comment: Comment,
    pub(super) repository: Repository,
    pub(super) installation: Option<Id>,
}

#[derive(Deserialize)]
pub(super) struct Issue {
    pub(super) number: PrNumber,
    pub(super) state: String,
    /// Present (an object) only when the issue is a pull request.
    pub(super) pull_request: Option<serde_json::Value>,
}

#[derive(Deserialize)]
pub(super) struct Comment {
    pub(super) id: CommentId,
    pub(super) body: Option<String>,
    pub(super) user: User,
    pub(super) performed_via_github_app: Option<Id>,
}

#[derive(Deserialize)]
pub(super) struct User {
    pub(super) login: String,
    #[serde(rename = "type")]
    pub(super) kind: String,
}

#[derive(Deserialize)]
pub(super) struct PrLink {
    pub(super) number: PrNumber,
    pub(super) base: Sha,
}

#[derive(Deserialize)]
pub(super) struct CheckRunPayload {
    pub(super) check_run: CheckRun,
    pub(super) repository: Repository,
    pub(super) installation: Option<Id>,
}

#[derive(Deserialize)]
pub(super) struct CheckRun {
    pub(super) id: u64,
    pub(super) head_sha: String,
    pub(super) app: Id,
    pub(super) check_suite: Id,
    pub(super) pull_requests: Vec<PrLink>,
}

#[derive(Deserialize)]
pub(super) struct CheckSuitePayload {
    pub(super) check_suite: CheckSuite,
    pub(super) repository: Repository,
    pub(super) installation: Option<Id>,
}

#[derive(Deserialize)]
pub(super) struct CheckSuite {
    pub(super) id: u64,
    pub(super) head_sha: String,
    pub(super) app: Id,
    pub(super) pull_requests: Vec<PrLink>,
}

#[derive(Deserialize)]
pub(super) struct InstallationPayload {
    pub(super) installation: InstallationObject,
    pub(super) repositories: Option<Vec<RepoRef>>,
}

#[derive(Deserialize)]
pub(super) struct InstallationReposPayload {
    pub(super) installation: InstallationObject,
    pub(super) repositories_added: Option<Vec<RepoRef>>,
    pub(super) repositories_removed: Option<Vec<RepoRef>>,
}

#[derive(Deserialize)]
pub(super) struct InstallationObject {
    pub(super) id: InstallationId,
    pub(super) account: Option<Account>,
}

#[derive(Deserialize)]
pub(super) struct Account {
    pub(super) login: String,
}
