//! What ato changed on the fake GitHub, in order: the log the app's test language reads its expectations from
//! (check runs, comments, reactions), and prints when one is not met.

use std::fmt;

/// One successful write to the fake's API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    CheckRunCreated {
        id: u64,
        head_sha: String,
        status: String,
    },
    /// A `PATCH` of a check run, with the state it left the run in.
    CheckRunUpdated {
        id: u64,
        head_sha: String,
        status: String,
        conclusion: Option<String>,
        title: Option<String>,
    },
    CommentPosted {
        id: u64,
        issue: u64,
        body: String,
    },
    CommentEdited {
        id: u64,
        issue: u64,
        body: String,
    },
    ReactionAdded {
        comment_id: u64,
        content: String,
    },
}

impl Write {
    /// The check run this write is about, if any.
    pub fn check_run(&self) -> Option<u64> {
        match self {
            Write::CheckRunCreated { id, .. } | Write::CheckRunUpdated { id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// The first `max` characters of `text` on one line, quoted.
fn gist(text: &str, max: usize) -> String {
    let flat: String = text.replace('\n', "⏎").chars().take(max).collect();
    let more = if text.chars().count() > max {
        "…"
    } else {
        ""
    };
    format!("{flat:?}{more}")
}

impl fmt::Display for Write {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = |sha: &str| sha.chars().take(10).collect::<String>();
        match self {
            Write::CheckRunCreated {
                id,
                head_sha,
                status,
            } => write!(
                f,
                "check run {id} created on {} ({status})",
                short(head_sha)
            ),
            Write::CheckRunUpdated {
                id,
                head_sha,
                status,
                conclusion,
                title,
            } => write!(
                f,
                "check run {id} on {} updated: {status}, conclusion {}, title {}",
                short(head_sha),
                conclusion.as_deref().unwrap_or("none"),
                gist(title.as_deref().unwrap_or_default(), 80)
            ),
            Write::CommentPosted { id, issue, body } => {
                write!(f, "comment {id} posted on #{issue}: {}", gist(body, 100))
            }
            Write::CommentEdited { id, issue, body } => {
                write!(f, "comment {id} on #{issue} edited: {}", gist(body, 100))
            }
            Write::ReactionAdded {
                comment_id,
                content,
            } => write!(f, "reaction {content} on comment {comment_id}"),
        }
    }
}
