//! The PR comment ato keeps up to date (found again by a hidden marker), reactions, and replies.

use http::Method;
use serde::Deserialize;
use serde_json::json;

use super::GithubError;
use super::client::Installation;
use super::limits::{MAX_COMMENT_CHARS, trim_chars};
use super::request::ApiRequest;
use super::types::{CommentId, PrNumber, RepoName};

/// Marks ato's report comment; invisible in rendered Markdown.
pub const REPORT_MARKER: &str = "<!-- ato:report -->";

/// Comments looked through to find the report comment (100 per page, so 50 pages).
const MAX_COMMENTS_SCANNED: usize = 5000;

/// Reactions ato uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaction {
    /// 👀: "seen, working on it" (the answer to `/ato rerun`).
    Eyes,
}

impl Reaction {
    fn content(self) -> &'static str {
        match self {
            Self::Eyes => "eyes",
        }
    }
}

/// The report comment after [`Installation::upsert_report_comment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpsertedComment {
    pub id: CommentId,
    /// True when no earlier report comment was found and a new one was posted.
    pub created: bool,
}

/// The parts of an issue comment used to recognise ours.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueComment {
    pub id: CommentId,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub user: Option<CommentUser>,
    #[serde(default)]
    pub performed_via_github_app: Option<CommentApp>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommentUser {
    pub login: String,
    #[serde(rename = "type", default)]
    pub kind: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommentApp {
    pub id: u64,
}

/// The report body as posted: the marker first, the whole within GitHub's size limit.
pub fn report_body(markdown: &str) -> String {
    let body = if markdown.contains(REPORT_MARKER) {
        markdown.to_owned()
    } else {
        format!("{REPORT_MARKER}\n{markdown}")
    };
    trim_chars(&body, MAX_COMMENT_CHARS).into_owned()
}

/// Picks our report comment: it carries the marker and was written by a bot — by this app when GitHub says
/// which app (a human quoting the marker must not have their comment taken over).
pub fn find_report_comment(comments: &[IssueComment], app_id: u64) -> Option<CommentId> {
    let marked = |c: &&IssueComment| c.body.as_deref().is_some_and(|b| b.contains(REPORT_MARKER));
    let by_bot = |c: &&IssueComment| c.user.as_ref().is_some_and(|u| u.kind == "Bot");
    let by_us = |c: &&&IssueComment| {
        c.performed_via_github_app
            .as_ref()
            .is_some_and(|a| a.id == app_id)
    };
    let candidates: Vec<&IssueComment> = comments.iter().filter(marked).filter(by_bot).collect();
    candidates
        .iter()
        .find(by_us)
        .or_else(|| {
            candidates
                .iter()
                .find(|c| c.performed_via_github_app.is_none())
        })
        .map(|c| c.id)
}

impl Installation {
    /// All comments of an issue or PR (paginated), up to a few thousand.
    pub async fn issue_comments(
        &self,
        repo: &RepoName,
        pr: PrNumber,
    ) -> Result<Vec<IssueComment>, GithubError> {
        let first = format!("{}/issues/{pr}/comments?per_page=100", repo.api_path());
        Ok(self.get_all_pages(first, MAX_COMMENTS_SCANNED).await?.0)
    }

    /// Posts the report, or edits the earlier report comment in place, so a PR has one.
    pub async fn upsert_report_comment(
        &self,
        repo: &RepoName,
        pr: PrNumber,
        markdown: &str,
    ) -> Result<UpsertedComment, GithubError> {
        let body = report_body(markdown);
        let comments = self.issue_comments(repo, pr).await?;
        match find_report_comment(&comments, self.app.app_id()) {
            Some(id) => {
                let path = format!("{}/issues/comments/{id}", repo.api_path());
                let request =
                    ApiRequest::new(Method::PATCH, path).with_body(json!({ "body": body }));
                match self.send_ok(&request).await {
                    Ok(_) => Ok(UpsertedComment { id, created: false }),
                    // Deleted since it was listed: post a new one.
                    Err(error) if error.is_not_found() => {
                        let id = self.post_comment(repo, pr, &body).await?;
                        Ok(UpsertedComment { id, created: true })
                    }
                    Err(error) => Err(error),
                }
            }
            None => {
                let id = self.post_comment(repo, pr, &body).await?;
                Ok(UpsertedComment { id, created: true })
            }
        }
    }

    /// Posts a new comment (a reply to a command, for example), trimmed to GitHub's limit.
    pub async fn post_comment(
        &self,
        repo: &RepoName,
        pr: PrNumber,
        body: &str,
    ) -> Result<CommentId, GithubError> {
        #[derive(Deserialize)]
        struct Created {
            id: CommentId,
        }
        let path = format!("{}/issues/{pr}/comments", repo.api_path());
        let body = trim_chars(body, MAX_COMMENT_CHARS);
        let created: Created = self
            .json(&ApiRequest::new(Method::POST, path).with_body(json!({ "body": body })))
            .await?;
        Ok(created.id)
    }

    /// Reacts to an issue or PR comment; reacting twice is harmless (GitHub answers 200).
    pub async fn add_reaction(
        &self,
        repo: &RepoName,
        comment: CommentId,
        reaction: Reaction,
    ) -> Result<(), GithubError> {
        let path = format!("{}/issues/comments/{comment}/reactions", repo.api_path());
        self.send_ok(
            &ApiRequest::new(Method::POST, path)
                .with_body(json!({ "content": reaction.content() })),
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(id: u64, body: &str, kind: &str, app: Option<u64>) -> IssueComment {
        IssueComment {
            id: CommentId(id),
            body: Some(body.into()),
            user: Some(CommentUser {
                login: format!("user{id}"),
                kind: kind.into(),
            }),
            performed_via_github_app: app.map(|id| CommentApp { id }),
        }
    }

    #[test]
    fn our_comment_is_found_by_marker_and_app() {
        let comments = vec![
            comment(1, "hello", "User", None),
            comment(2, &format!("quoting {REPORT_MARKER}"), "User", None),
            comment(3, &format!("{REPORT_MARKER} other app"), "Bot", Some(99)),
            comment(4, &format!("{REPORT_MARKER}\nreport"), "Bot", Some(7)),
        ];
        assert_eq!(find_report_comment(&comments, 7), Some(CommentId(4)));
        assert_eq!(find_report_comment(&comments[..3], 7), None);
    }

    #[test]
    fn the_body_starts_with_the_marker_and_fits() {
        assert!(report_body("# Report").starts_with(REPORT_MARKER));
        let huge = report_body(&"x".repeat(100_000));
        assert_eq!(huge.chars().count(), MAX_COMMENT_CHARS);
        assert!(huge.starts_with(REPORT_MARKER));
    }
}
