//! The typed ids a job carries from the webhook through the store and the worker to the GitHub client and the
//! engine: repository, commit, pull request, installation, comment, check run and run. Defined here, below
//! all of those modules, so none of them has to import another to name one. Pure values: parsing and display.
//!
//! `parse` is for input from outside (a payload, a URL) and says no to anything unexpected; the `From`
//! conversions are for values ato wrote itself (its database, literals) and do not check.
//!
//! Serde forms are those of the plain values (a number, a string), so stored and sent JSON is unchanged.

use std::fmt;
use std::ops::Deref;

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

/// Splits at the first `/` without checking (a name without one is all owner): for names ato stored itself.
impl From<&str> for RepoName {
    fn from(full_name: &str) -> Self {
        let (owner, name) = full_name.split_once('/').unwrap_or((full_name, ""));
        Self::new(owner, name)
    }
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

        impl From<u64> for $name {
            fn from(id: u64) -> Self {
                Self(id)
            }
        }

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

/// A full commit id: 40 hex digits (SHA-1), or 64 in a SHA-256 repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommitSha(pub String);

impl CommitSha {
    /// Accepts only a full sha in hex (lowercased), so a sha can go into a URL path or a git command as is.
    pub fn parse(sha: &str) -> Option<Self> {
        ((sha.len() == 40 || sha.len() == 64) && sha.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(sha.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for CommitSha {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for CommitSha {
    fn from(sha: &str) -> Self {
        Self(sha.to_owned())
    }
}

impl From<String> for CommitSha {
    fn from(sha: String) -> Self {
        Self(sha)
    }
}

impl fmt::Display for CommitSha {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id of one run of the engine: the label of its containers, the folder of its report, the `external_id`
/// of its check run and part of its report link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RunId(pub String);

impl RunId {
    /// Longest run id accepted from outside.
    pub const MAX_LEN: usize = 128;

    /// Accepts a run id that is safe as one path component: letters, digits, `-` and `_`, at most
    /// [`RunId::MAX_LEN`] characters.
    pub fn parse(run_id: &str) -> Option<Self> {
        let safe = !run_id.is_empty()
            && run_id.len() <= Self::MAX_LEN
            && run_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        safe.then(|| Self(run_id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for RunId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for RunId {
    fn from(run_id: &str) -> Self {
        Self(run_id.to_owned())
    }
}

impl From<String> for RunId {
    fn from(run_id: String) -> Self {
        Self(run_id)
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_names_parse_and_display() {
        assert_eq!(
            RepoName::parse("octo/hello.world"),
            Some(RepoName::new("octo", "hello.world"))
        );
        assert_eq!(RepoName::parse("octo"), None);
        assert_eq!(RepoName::parse("a/b/c"), None);
        assert_eq!(RepoName::parse("../x"), None);
        assert_eq!(RepoName::from("octo/hello").to_string(), "octo/hello");
    }

    #[test]
    fn shas_must_be_full() {
        assert!(CommitSha::parse(&"a".repeat(40)).is_some());
        assert!(CommitSha::parse(&"a".repeat(64)).is_some());
        assert!(CommitSha::parse("abc").is_none());
        assert!(CommitSha::parse(&"a".repeat(41)).is_none());
        assert!(CommitSha::parse(&"g".repeat(40)).is_none());
        assert_eq!(
            CommitSha::parse(&"AB".repeat(20)).unwrap().as_str(),
            "ab".repeat(20)
        );
    }

    #[test]
    fn run_ids_are_single_safe_components() {
        assert!(RunId::parse("20261125-abc_DEF-1").is_some());
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a\\b",
            "a.b",
            "a b",
            "%2e%2e",
            &"x".repeat(129),
        ] {
            assert!(RunId::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn serde_forms_are_the_plain_values() {
        let json = serde_json::to_string(&(PrNumber(3), CommitSha::from("ab"), RunId::from("r-1")));
        assert_eq!(json.unwrap(), r#"[3,"ab","r-1"]"#);
    }
}
