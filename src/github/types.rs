//! Typed ids and the small response structs ato reads from GitHub (only the fields it uses).

use std::fmt;

use serde::{Deserialize, Serialize};

/// `owner/name` of a repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RepoName {
    pub owner: String,
    pub name: String,
}

impl RepoName {
    pub fn new(owner: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            owner: owner.into(),
            name: name.into(),
        }
    }

    /// Parses `owner/name` (as in a webhook's `repository.full_name`).
    pub fn parse(full_name: &str) -> Option<Self> {
        let (owner, name) = full_name.split_once('/')?;
        let valid =
            |part: &str| !part.is_empty() && !part.contains(['/', '?', '#', '%']) && part != "..";
        (valid(owner) && valid(name)).then(|| Self::new(owner, name))
    }
}

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

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

macro_rules! number_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

number_id!(
    /// A pull request's number within its repository.
    PrNumber
);
number_id!(
    /// The id of an installation of the app (from webhooks' `installation.id`).
    InstallationId
);
number_id!(
    /// A check run's id.
    CheckRunId
);
number_id!(
    /// An issue (or pull request) comment's id.
    CommentId
);

/// A full 40-hex-digit commit id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommitSha(pub String);

impl CommitSha {
    /// Accepts only 40 hex digits, so a sha can go into a URL path unescaped.
    pub fn parse(sha: &str) -> Option<Self> {
        (sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(sha.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CommitSha {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
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
    fn repo_names_parse_and_encode() {
        assert_eq!(
            RepoName::parse("octo/hello.world"),
            Some(RepoName::new("octo", "hello.world"))
        );
        assert_eq!(RepoName::parse("octo"), None);
        assert_eq!(RepoName::parse("a/b/c"), None);
        assert_eq!(RepoName::new("o w", "n?x").api_path(), "/repos/o%20w/n%3Fx");
    }

    #[test]
    fn shas_must_be_full() {
        assert!(CommitSha::parse(&"a".repeat(40)).is_some());
        assert!(CommitSha::parse("abc").is_none());
        assert!(CommitSha::parse(&"g".repeat(40)).is_none());
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
