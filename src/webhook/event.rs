//! GitHub deliveries → ato's own event type. Pure: bytes in, [`WebhookEvent`] out.
//!
//! Only the few fields ato needs are read, into small purpose-built structs (GitHub adds fields all the time;
//! serde ignores them). The body is first checked to be JSON at all; only events and actions ato acts on are
//! then read in detail, so an unusual `labeled` payload can never fail a delivery. (A `pull_request` delivery
//! is first tried in one pass, its action included; only one that does not fit is read the general way.) Everything else becomes
//! [`WebhookEvent::Ignored`] with the reason, which is recorded with the delivery.

use serde::de::DeserializeOwned;

use super::command::parse_first_command;
use super::payload::*;
use crate::ids::{CommentId, CommitSha, InstallationId, PrNumber, RepoName};
use crate::store::{InstallationAction, InstallationChange, RepoRef, RequestedCommand};

/// Settings that decide which deliveries become jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingPolicy {
    /// Our GitHub App id: comments made through it and check suites of other apps are ignored.
    pub app_id: u64,
    pub run_drafts: bool,
}

/// A pull request of a repository of an installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrRef {
    pub installation_id: InstallationId,
    pub repo: RepoName,
    pub pr_number: PrNumber,
}

/// A pull request at a given head, to be tested against its base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrHead {
    pub pr: PrRef,
    pub head_sha: CommitSha,
    pub base_sha: CommitSha,
}

/// A `/ato` command written in a PR comment; the worker authorises it before acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentCommand {
    pub pr: PrRef,
    pub comment_id: CommentId,
    pub user_login: String,
    pub command: RequestedCommand,
    pub text: String,
}

/// What a delivery means to ato.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    /// pull_request opened / reopened / synchronize / ready_for_review: test this head.
    PullRequest {
        head: PrHead,
        action: String,
    },
    /// The Re-run button of a check run or suite: test the head again for each PR it belongs to.
    CheckRerequested {
        heads: Vec<PrHead>,
        check_suite_id: u64,
        check_run_id: Option<u64>,
    },
    CommentCommand(CommentCommand),
    Installation(InstallationChange),
    Ping,
    Ignored(IgnoreReason),
}

/// Why a well-formed delivery needs no work. `Display` is recorded as the delivery's outcome.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreReason {
    #[error("event {0} is not handled")]
    UnhandledEvent(String),
    #[error("action {0} is not handled")]
    UnhandledAction(String),
    #[error("draft pull request")]
    Draft,
    #[error("no installation in the payload")]
    NoInstallation,
    #[error("comment is on an issue, not a pull request")]
    NotAPullRequest,
    #[error("pull request is not open")]
    PullRequestClosed,
    #[error("comment has no /ato command")]
    NoCommand,
    #[error("comment was written by this app")]
    OwnComment,
    #[error("comment was written by a bot")]
    BotComment,
    #[error("check belongs to another app")]
    OtherAppsCheck,
    #[error("check is not attached to a pull request")]
    NoPullRequest,
}

/// The payload could not be read. `Display` (with the JSON path) is for the log only — the HTTP answer is
/// generic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("payload of {event} at {path}: {message}")]
pub struct PayloadError {
    pub event: String,
    pub path: String,
    pub message: String,
}

/// A delivery read: its `action` (when it has one) and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub action: Option<String>,
    pub event: WebhookEvent,
}

/// Reads a delivery. `event` is the `X-GitHub-Event` header.
pub fn parse_event(
    event: &str,
    body: &[u8],
    policy: &RoutingPolicy,
) -> Result<Parsed, PayloadError> {
    // The most frequent delivery by far, read in one pass instead of two: its payload carries the action. A
    // payload that does not fit takes the general way below, which says why.
    if event == "pull_request"
        && let Ok(payload) = serde_json::from_slice::<PullRequestPayload>(body)
    {
        let action = payload.action.clone();
        let routed = if is_tested_pull_request_action(&action) {
            pull_request(payload, policy)?
        } else {
            WebhookEvent::Ignored(IgnoreReason::UnhandledAction(action.clone()))
        };
        return Ok(Parsed {
            action: Some(action),
            event: routed,
        });
    }
    let envelope: Envelope = read(event, body)?;
    let action = envelope.action;
    let routed = route(event, action.as_deref().unwrap_or_default(), body, policy)?;
    Ok(Parsed {
        action,
        event: routed,
    })
}

fn route(
    event: &str,
    action: &str,
    body: &[u8],
    policy: &RoutingPolicy,
) -> Result<WebhookEvent, PayloadError> {
    let unhandled = || {
        Ok(WebhookEvent::Ignored(IgnoreReason::UnhandledAction(
            action.to_owned(),
        )))
    };
    match (event, action) {
        ("ping", _) => Ok(WebhookEvent::Ping),
        ("pull_request", action) if is_tested_pull_request_action(action) => {
            pull_request(read(event, body)?, policy)
        }
        ("issue_comment", "created") => issue_comment(read(event, body)?, policy),
        ("check_run", "rerequested") => {
            let p: CheckRunPayload = read(event, body)?;
            let run = p.check_run;
            check_rerequested(
                p.installation,
                p.repository,
                run.app,
                run.head_sha,
                run.pull_requests,
                policy,
            )
            .map(|heads| check_event(heads, run.check_suite.id, Some(run.id)))
        }
        ("check_suite", "rerequested") => {
            let p: CheckSuitePayload = read(event, body)?;
            let suite = p.check_suite;
            check_rerequested(
                p.installation,
                p.repository,
                suite.app,
                suite.head_sha,
                suite.pull_requests,
                policy,
            )
            .map(|heads| check_event(heads, suite.id, None))
        }
        (
            "installation",
            "created" | "deleted" | "suspend" | "unsuspend" | "new_permissions_accepted",
        ) => {
            let p: InstallationPayload = read(event, body)?;
            let kind = match action {
                "deleted" => InstallationAction::Delete,
                "suspend" => InstallationAction::Suspend,
                "unsuspend" => InstallationAction::Unsuspend,
                _ => InstallationAction::Upsert,
            };
            Ok(WebhookEvent::Installation(installation_change(
                p.installation,
                kind,
                p.repositories.unwrap_or_default(),
                vec![],
            )))
        }
        ("installation_repositories", "added" | "removed") => {
            let p: InstallationReposPayload = read(event, body)?;
            let change = installation_change(
                p.installation,
                InstallationAction::Upsert,
                p.repositories_added.unwrap_or_default(),
                p.repositories_removed.unwrap_or_default(),
            );
            Ok(WebhookEvent::Installation(change))
        }
        (
            "pull_request"
            | "issue_comment"
            | "check_run"
            | "check_suite"
            | "installation"
            | "installation_repositories",
            _,
        ) => unhandled(),
        _ => Ok(WebhookEvent::Ignored(IgnoreReason::UnhandledEvent(
            event.to_owned(),
        ))),
    }
}

/// The pull_request actions that start a run: a new head, or a PR that became reviewable again.
fn is_tested_pull_request_action(action: &str) -> bool {
    matches!(
        action,
        "opened" | "reopened" | "synchronize" | "ready_for_review"
    )
}

fn pull_request(
    p: PullRequestPayload,
    policy: &RoutingPolicy,
) -> Result<WebhookEvent, PayloadError> {
    let Some(installation) = p.installation else {
        return ignored(IgnoreReason::NoInstallation);
    };
    if p.pull_request.draft.unwrap_or(false) && !policy.run_drafts {
        return ignored(IgnoreReason::Draft);
    }
    let event = "pull_request";
    let pr = PrRef {
        installation_id: InstallationId(installation.id),
        repo: repo_name(&p.repository.full_name, event)?,
        pr_number: p.number,
    };
    let head = PrHead {
        pr,
        head_sha: commit_sha(&p.pull_request.head.sha, "head.sha", event)?,
        base_sha: commit_sha(&p.pull_request.base.sha, "base.sha", event)?,
    };
    Ok(WebhookEvent::PullRequest {
        head,
        action: p.action,
    })
}

fn issue_comment(
    p: IssueCommentPayload,
    policy: &RoutingPolicy,
) -> Result<WebhookEvent, PayloadError> {
    let Some(installation) = p.installation else {
        return ignored(IgnoreReason::NoInstallation);
    };
    if p.issue.pull_request.is_none_or(|v| v.is_null()) {
        return ignored(IgnoreReason::NotAPullRequest);
    }
    if p.comment
        .performed_via_github_app
        .is_some_and(|app| app.id == policy.app_id)
    {
        return ignored(IgnoreReason::OwnComment);
    }
    if p.comment.user.kind == "Bot" {
        return ignored(IgnoreReason::BotComment);
    }
    if p.issue.state != "open" {
        return ignored(IgnoreReason::PullRequestClosed);
    }
    let text = p.comment.body.unwrap_or_default();
    let Some(parsed) = parse_first_command(&text) else {
        return ignored(IgnoreReason::NoCommand);
    };
    let command = match parsed {
        Ok(command) => RequestedCommand::Known(command),
        Err(error) => RequestedCommand::Unknown(error),
    };
    let pr = PrRef {
        installation_id: InstallationId(installation.id),
        repo: repo_name(&p.repository.full_name, "issue_comment")?,
        pr_number: p.issue.number,
    };
    Ok(WebhookEvent::CommentCommand(CommentCommand {
        pr,
        comment_id: p.comment.id,
        user_login: p.comment.user.login,
        command,
        text,
    }))
}

fn check_rerequested(
    installation: Option<Id>,
    repository: Repository,
    app: Id,
    head_sha: String,
    pull_requests: Vec<PrLink>,
    policy: &RoutingPolicy,
) -> Result<Result<Vec<PrHead>, IgnoreReason>, PayloadError> {
    let Some(installation) = installation else {
        return Ok(Err(IgnoreReason::NoInstallation));
    };
    if app.id != policy.app_id {
        return Ok(Err(IgnoreReason::OtherAppsCheck));
    }
    if pull_requests.is_empty() {
        return Ok(Err(IgnoreReason::NoPullRequest));
    }
    let event = "check";
    let repo = repo_name(&repository.full_name, event)?;
    let mut heads = Vec::with_capacity(pull_requests.len());
    for link in pull_requests {
        let pr = PrRef {
            installation_id: InstallationId(installation.id),
            repo: repo.clone(),
            pr_number: link.number,
        };
        let head = PrHead {
            pr,
            head_sha: commit_sha(&head_sha, "head.sha", event)?,
            base_sha: commit_sha(&link.base.sha, "base.sha", event)?,
        };
        heads.push(head);
    }
    Ok(Ok(heads))
}

fn check_event(
    heads: Result<Vec<PrHead>, IgnoreReason>,
    check_suite_id: u64,
    check_run_id: Option<u64>,
) -> WebhookEvent {
    match heads {
        Ok(heads) => WebhookEvent::CheckRerequested {
            heads,
            check_suite_id,
            check_run_id,
        },
        Err(reason) => WebhookEvent::Ignored(reason),
    }
}

fn installation_change(
    installation: InstallationObject,
    action: InstallationAction,
    added: Vec<RepoRef>,
    removed: Vec<RepoRef>,
) -> InstallationChange {
    InstallationChange {
        installation_id: installation.id,
        account_login: installation.account.map(|a| a.login),
        action,
        repos_added: added,
        repos_removed: removed,
    }
}

fn ignored(reason: IgnoreReason) -> Result<WebhookEvent, PayloadError> {
    Ok(WebhookEvent::Ignored(reason))
}

/// Deserialises; on failure, deserialises again with path tracking to say where (for the log). Tracking the
/// path costs about as much as the parse itself, so the common, valid case does without it.
fn read<T: DeserializeOwned>(event: &str, body: &[u8]) -> Result<T, PayloadError> {
    serde_json::from_slice(body).or_else(|_| {
        let de = &mut serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(de).map_err(|e| PayloadError {
            event: event.to_owned(),
            path: e.path().to_string(),
            message: e.inner().to_string(),
        })
    })
}

/// Shas and repository names end up in URLs and git commands: only accept what GitHub really sends.
fn commit_sha(sha: &str, path: &str, event: &str) -> Result<CommitSha, PayloadError> {
    CommitSha::parse(sha).ok_or_else(|| invalid(event, path, "not a commit sha"))
}

/// `owner/name`, each part of the characters GitHub allows (stricter than [`RepoName::parse`]).
fn repo_name(full_name: &str, event: &str) -> Result<RepoName, PayloadError> {
    let safe = |part: &str| {
        !part.is_empty()
            && part.len() <= 100
            && part != "."
            && part != ".."
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    };
    match full_name.split_once('/') {
        Some((owner, name)) if safe(owner) && safe(name) => Ok(RepoName::new(owner, name)),
        _ => Err(invalid(event, "repository.full_name", "not owner/name")),
    }
}

fn invalid(event: &str, path: &str, message: &str) -> PayloadError {
    PayloadError {
        event: event.to_owned(),
        path: path.to_owned(),
        message: message.to_owned(),
    }
}
