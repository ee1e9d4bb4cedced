//! The small response structs ato reads from GitHub (only the fields it uses), and the typed ids of
//! [`crate::ids`] as the GitHub client uses them (re-exported here, with their API paths).

use serde::Deserialize;

pub use crate::ids::{CheckRunId, CommentId, CommitSha, InstallationId, PrNumber, RepoName};

impl RepoName {
    /// `/repos/{owner}/{name}`, each part percent-encoded.
    pub fn api_path(&self) -> String {
        format!(
            "/repos/{}/{}",
            encode_segment(&self.owner),
            encode_segment(&self.name)
        )
    }
}

/// Percent-encodes one URL path segment (everything but RFC 3986's unreserved characters).
pub(crate) fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The parts of `GET /repos/{o}/{r}` ato needs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RepoInfo {
    pub full_name: String,
    pub default_branch: String,
    #[serde(default)]
    pub private: bool,
}

/// One end of a pull request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PrEnd {
    pub sha: CommitSha,
    #[serde(rename = "ref")]
    pub git_ref: String,
}

/// The parts of `GET /repos/{o}/{r}/pulls/{n}` ato needs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PullRequest {
    pub number: PrNumber,
    /// `open` or `closed`.
    pub state: String,
    #[serde(default)]
    pub draft: bool,
    pub head: PrEnd,
    pub base: PrEnd,
    #[serde(default)]
    pub changed_files: Option<u64>,
}

impl PullRequest {
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

/// One entry of `GET /repos/{o}/{r}/pulls/{n}/files`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PrFile {
    pub filename: String,
    /// `added`, `removed`, `modified`, `renamed`, `copied`, `changed` or `unchanged`.
    pub status: String,
    #[serde(default)]
    pub previous_filename: Option<String>,
    #[serde(default)]
    pub additions: u64,
    #[serde(default)]
    pub deletions: u64,
    /// The unified diff of this file; GitHub leaves it out for binary or very large diffs.
    #[serde(default)]
    pub patch: Option<String>,
}

/// The files a pull request changed, at most [`crate::github::limits::MAX_PR_FILES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFiles {
    pub files: Vec<PrFile>,
    /// More files existed than were listed (the 3000-file cap was reached).
    pub truncated: bool,
}

/// A user's permission on a repository (`GET .../collaborators/{user}/permission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Admin,
    Maintain,
    Write,
    Triage,
    Read,
    None,
}

impl Permission {
    /// Parses GitHub's `permission` or `role_name` value; unknown values are treated as no permission.
    pub fn parse(value: &str) -> Self {
        match value {
            "admin" => Self::Admin,
            "maintain" => Self::Maintain,
            "write" | "push" => Self::Write,
            "triage" => Self::Triage,
            "read" | "pull" => Self::Read,
            _ => Self::None,
        }
    }

    /// Whether the user may trigger ato (`/ato rerun`): admin, maintain or write.
    pub fn can_write(self) -> bool {
        matches!(self, Self::Admin | Self::Maintain | Self::Write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_paths_are_encoded() {
        assert_eq!(RepoName::new("o w", "n?x").api_path(), "/repos/o%20w/n%3Fx");
    }

    #[test]
    fn write_means_admin_maintain_or_write() {
        let writers: Vec<&str> = [
            "admin", "maintain", "write", "triage", "read", "none", "weird",
        ]
        .into_iter()
        .filter(|p| Permission::parse(p).can_write())
        .collect();
        assert_eq!(writers, vec!["admin", "maintain", "write"]);
    }
}
