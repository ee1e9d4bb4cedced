//! What the fake GitHub shows of a pull request: its check runs, comments and the requests ato made.

use std::time::Duration;

use crate::support::fake_github::{BOT_LOGIN, FakeCheckRun, FakeComment, FakeGithub, Host};

use super::project::REPO;

/// The hidden marker of ato's report comment.
pub const MARKER: &str = "<!-- ato:report -->";

pub fn check_runs(fake: &FakeGithub, head_sha: &str) -> Vec<FakeCheckRun> {
    fake.model()
        .repo(REPO)
        .check_runs
        .iter()
        .filter(|r| r.head_sha == head_sha)
        .cloned()
        .collect()
}

/// The completed check runs of a head.
pub fn completed(fake: &FakeGithub, head_sha: &str) -> Vec<FakeCheckRun> {
    check_runs(fake, head_sha)
        .into_iter()
        .filter(|r| r.status == "completed")
        .collect()
}

/// The first completed check run of a head, once there is one.
pub fn first_completed(fake: &FakeGithub, head_sha: &str) -> Option<FakeCheckRun> {
    completed(fake, head_sha).into_iter().next()
}

pub fn comments(fake: &FakeGithub, pr: u64) -> Vec<FakeComment> {
    fake.model()
        .repo(REPO)
        .comments
        .iter()
        .filter(|c| c.issue == pr)
        .cloned()
        .collect()
}

/// ato's report comments on a pull request (by the app, with the marker).
pub fn report_comments(fake: &FakeGithub, pr: u64) -> Vec<FakeComment> {
    comments(fake, pr)
        .into_iter()
        .filter(|c| c.login == BOT_LOGIN && c.body.contains(MARKER))
        .collect()
}

/// A comment written by a person, as if GitHub had stored it before sending the webhook.
pub fn add_user_comment(fake: &FakeGithub, pr: u64, id: u64, login: &str, body: &str) {
    fake.model().repo(REPO).comments.push(FakeComment {
        id,
        issue: pr,
        body: body.to_string(),
        login: login.to_string(),
        user_type: "User".into(),
        app_id: None,
        reactions: Vec::new(),
    });
}

pub fn reactions(fake: &FakeGithub, comment_id: u64) -> Vec<String> {
    fake.model()
        .repo(REPO)
        .comments
        .iter()
        .find(|c| c.id == comment_id)
        .map(|c| c.reactions.clone())
        .unwrap_or_default()
}

/// The API requests with this method whose path contains `fragment`, with their status and the time since
/// the first of them.
pub fn calls(fake: &FakeGithub, method: &str, fragment: &str) -> Vec<(u16, Duration)> {
    let requests: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.host == Host::Api && r.method == method && r.path.contains(fragment))
        .collect();
    let Some(first) = requests.first().map(|r| r.at) else {
        return Vec::new();
    };
    requests
        .iter()
        .map(|r| (r.status, r.at.duration_since(first)))
        .collect()
}
