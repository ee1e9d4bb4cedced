//! Reading a repository and its pull requests: the PR, its changed files, a user's permission, and the
//! repository's `.github/ato.yml` from its default branch.

use base64::Engine;
use http::Method;
use serde::Deserialize;

use super::GithubError;
use super::client::Installation;
use super::limits::MAX_PR_FILES;
use super::request::{ApiRequest, decode, status_error};
use super::types::{
    ChangedFiles, Permission, PrFile, PrNumber, PullRequest, RepoInfo, RepoName, encode_segment,
};

/// Where ato's per-repository settings live.
pub const CONFIG_PATH: &str = ".github/ato.yml";

impl Installation {
    /// `GET /repos/{o}/{r}`: the default branch, among others.
    pub async fn repo(&self, repo: &RepoName) -> Result<RepoInfo, GithubError> {
        self.json(&ApiRequest::new(Method::GET, repo.api_path()))
            .await
    }

    /// `GET /repos/{o}/{r}/pulls/{n}`: head and base commits, draft and state.
    pub async fn pull_request(
        &self,
        repo: &RepoName,
        pr: PrNumber,
    ) -> Result<PullRequest, GithubError> {
        self.json(&ApiRequest::new(
            Method::GET,
            format!("{}/pulls/{pr}", repo.api_path()),
        ))
        .await
    }

    /// The files the PR changed, all pages, at most [`MAX_PR_FILES`] (GitHub lists no more).
    pub async fn pull_request_files(
        &self,
        repo: &RepoName,
        pr: PrNumber,
    ) -> Result<ChangedFiles, GithubError> {
        let first = format!("{}/pulls/{pr}/files?per_page=100", repo.api_path());
        let (files, truncated) = self.get_all_pages::<PrFile>(first, MAX_PR_FILES).await?;
        Ok(ChangedFiles { files, truncated })
    }

    /// `GET /repos/{o}/{r}/collaborators/{user}/permission`. A user GitHub does not know (404) has none.
    pub async fn collaborator_permission(
        &self,
        repo: &RepoName,
        user: &str,
    ) -> Result<Permission, GithubError> {
        #[derive(Deserialize)]
        struct Answer {
            permission: String,
            #[serde(default)]
            role_name: Option<String>,
        }
        let path = format!(
            "{}/collaborators/{}/permission",
            repo.api_path(),
            encode_segment(user)
        );
        let request = ApiRequest::new(Method::GET, path);
        let response = self.send(&request).await?;
        if response.status == http::StatusCode::NOT_FOUND {
            return Ok(Permission::None);
        }
        if !response.status.is_success() {
            return Err(status_error(&request, &response));
        }
        let answer: Answer = decode(&request, &response.body)?;
        // `permission` folds maintain into write and triage into read; `role_name` keeps them apart.
        let role = answer.role_name.as_deref().map(Permission::parse);
        let legacy = Permission::parse(&answer.permission);
        Ok(match role {
            Some(role) if role != Permission::None => role,
            _ => legacy,
        })
    }

    /// A file's bytes at `git_ref` (`GET .../contents/{path}?ref=`); `None` when it does not exist.
    pub async fn file_contents(
        &self,
        repo: &RepoName,
        path: &str,
        git_ref: &str,
    ) -> Result<Option<Vec<u8>>, GithubError> {
        #[derive(Deserialize)]
        struct Content {
            #[serde(rename = "type")]
            kind: String,
            #[serde(default)]
            encoding: Option<String>,
            #[serde(default)]
            content: Option<String>,
        }
        let encoded_path: Vec<String> = path.split('/').map(encode_segment).collect();
        let url = format!(
            "{}/contents/{}?ref={}",
            repo.api_path(),
            encoded_path.join("/"),
            encode_segment(git_ref)
        );
        let request = ApiRequest::new(Method::GET, url);
        let response = self.send(&request).await?;
        if response.status == http::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status.is_success() {
            return Err(status_error(&request, &response));
        }
        let unexpected = |reason: String| GithubError::Unexpected {
            method: "GET".into(),
            path: request.path.clone(),
            reason,
        };
        // A directory answers with a JSON array, which does not parse as one `Content`.
        let content: Content = decode(&request, &response.body)
            .map_err(|_| unexpected(format!("{path} is not a file")))?;
        if content.kind != "file" || content.encoding.as_deref() != Some("base64") {
            return Err(unexpected(format!(
                "{path} is a {} with encoding {:?}",
                content.kind, content.encoding
            )));
        }
        // GitHub wraps the base64 text in lines.
        let text: String = content
            .content
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| unexpected(format!("content is not base64: {e}")))?;
        Ok(Some(bytes))
    }

    /// `.github/ato.yml` from the default branch (never from a PR head), as text; `None` when absent.
    pub async fn ato_config(
        &self,
        repo: &RepoName,
        default_branch: &str,
    ) -> Result<Option<String>, GithubError> {
        let Some(bytes) = self
            .file_contents(repo, CONFIG_PATH, default_branch)
            .await?
        else {
            return Ok(None);
        };
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| GithubError::Unexpected {
                method: "GET".into(),
                path: format!("{}/contents/{CONFIG_PATH}", repo.api_path()),
                reason: "the file is not UTF-8 text".into(),
            })
    }
}
