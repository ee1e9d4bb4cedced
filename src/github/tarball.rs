//! Downloading a commit's source: `GET /repos/{o}/{r}/tarball/{sha}` answers 302 to another host
//! (codeload). ato follows that redirect itself, without credentials, and streams the gzip through
//! [`crate::safe_tar`] in a blocking thread fed by a bounded channel, so memory stays flat and every cap holds
//! before the bytes reach the disk.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::StreamExt;
use http::{Method, StatusCode};
use tokio::sync::mpsc;

use super::GithubError;
use super::auth::epoch_secs;
use super::client::Installation;
use super::request::{ApiRequest, status_error};
use super::retry::{Decision, Outcome, RateLimitHeaders};
use super::types::{CommitSha, RepoName};
use crate::safe_tar::{self, UnpackStats, UnsafeArchive};

/// Caps for a source tarball. `unpack.strip_components` is always 1 (GitHub's `owner-repo-sha/` folder).
#[derive(Debug, Clone)]
pub struct TarballLimits {
    /// Bytes of gzip read from the network.
    pub max_compressed_bytes: u64,
    pub unpack: safe_tar::Limits,
}

impl Default for TarballLimits {
    fn default() -> Self {
        Self {
            max_compressed_bytes: 256 * 1024 * 1024,
            unpack: safe_tar::Limits::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TarballError {
    #[error("GitHub answered {0} instead of a redirect to the archive")]
    NoRedirect(u16),
    /// Holds only the location's scheme: the URL itself may carry a short-lived token.
    #[error("the redirect location (scheme {0:?}) is not an http(s) URL")]
    BadLocation(String),
    #[error("the archive host answered {0}")]
    ArchiveStatus(u16),
    #[error("the archive host could not be reached: {0}")]
    ArchiveTransport(String),
    #[error("the compressed archive is larger than {limit} bytes")]
    CompressedTooLarge { limit: u64 },
    #[error("the download broke off: {0}")]
    Interrupted(String),
    #[error("no complete archive within {0:?}")]
    Timeout(std::time::Duration),
    #[error("refused: {0}")]
    Unsafe(#[from] UnsafeArchive),
    #[error("the unpacking thread failed: {0}")]
    Worker(String),
}

/// Bytes from the network, read by the blocking unpacker.
struct ChannelReader {
    chunks: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(error)) => return Err(error),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

impl Installation {
    /// Downloads the source of `repo` at `sha` and unpacks it into `dest` (created if missing), without
    /// GitHub's top folder. On error `dest` may hold part of the tree: throw it away.
    pub async fn download_tarball(
        &self,
        repo: &RepoName,
        sha: &CommitSha,
        dest: &Path,
        limits: &TarballLimits,
    ) -> Result<UnpackStats, GithubError> {
        let wrap = |source: TarballError| GithubError::Tarball {
            repo: repo.to_string(),
            sha: sha.to_string(),
            source,
        };
        let deadline = self.app.inner.config.download_timeout;
        let response = self.archive_response(repo, sha).await?;
        let work = stream_into(response, dest.to_path_buf(), limits.clone());
        match tokio::time::timeout(deadline, work).await {
            Ok(result) => result.map_err(wrap),
            Err(_) => Err(wrap(TarballError::Timeout(deadline))),
        }
    }

    /// Asks GitHub for the archive's location, then GETs it from there with no credentials. Both steps are
    /// retried together under the retry policy (a fresh location each time: they expire).
    async fn archive_response(
        &self,
        repo: &RepoName,
        sha: &CommitSha,
    ) -> Result<reqwest::Response, GithubError> {
        let wrap = |source: TarballError| GithubError::Tarball {
            repo: repo.to_string(),
            sha: sha.to_string(),
            source,
        };
        let inner = &self.app.inner;
        let policy = &inner.config.retry;
        let request = ApiRequest::new(Method::GET, format!("{}/tarball/{sha}", repo.api_path()));
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answer = self.send(&request).await?;
            if answer.status.is_success()
                || answer.status.is_client_error()
                || answer.status.is_server_error()
            {
                return Err(match answer.status {
                    status if status.is_success() => {
                        wrap(TarballError::NoRedirect(status.as_u16()))
                    }
                    _ => status_error(&request, &answer),
                });
            }
            let location = answer
                .headers
                .get(http::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let url = reqwest::Url::parse(&location)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| wrap(TarballError::BadLocation(scheme_of(&location))))?;
            // A new request with no Authorization header: the archive host gets no credentials.
            let answer_deadline = inner.config.request_timeout;
            let fetched =
                match tokio::time::timeout(answer_deadline, inner.download.get(url).send()).await {
                    Ok(fetched) => fetched.map_err(|e| e.without_url().to_string()),
                    Err(_) => Err(format!("no answer within {answer_deadline:?}")),
                };
            let now = epoch_secs(SystemTime::now());
            let (outcome, failure) = match fetched {
                Ok(r) if r.status() == StatusCode::OK => return Ok(r),
                Ok(r) => (
                    Outcome::Answered {
                        status: r.status().as_u16(),
                        headers: RateLimitHeaders::from_headers(r.headers()),
                        body: "",
                    },
                    TarballError::ArchiveStatus(r.status().as_u16()),
                ),
                Err(e) => (Outcome::TransportError, TarballError::ArchiveTransport(e)),
            };
            match policy.decide(attempt, &outcome, now) {
                Decision::RetryAfter(wait) => {
                    tracing::warn!(%repo, %sha, attempt, ?wait, error = %failure, "retrying tarball download");
                    tokio::time::sleep(policy.scaled(wait)).await;
                }
                Decision::Accept | Decision::GiveUp(_) => return Err(wrap(failure)),
            }
        }
    }
}

fn scheme_of(location: &str) -> String {
    location
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .unwrap_or_default()
        .chars()
        .take(16)
        .collect()
}

/// Streams `response` through gzip into [`safe_tar::unpack`], with the compressed-size cap on the network side.
async fn stream_into(
    response: reqwest::Response,
    dest: PathBuf,
    limits: TarballLimits,
) -> Result<UnpackStats, TarballError> {
    let cap = limits.max_compressed_bytes;
    if response.content_length().is_some_and(|len| len > cap) {
        return Err(TarballError::CompressedTooLarge { limit: cap });
    }
    let (sender, receiver) = mpsc::channel::<io::Result<Bytes>>(16);
    let unpack_limits = safe_tar::Limits {
        strip_components: 1,
        ..limits.unpack
    };
    let unpacker = tokio::task::spawn_blocking(move || {
        let reader = ChannelReader {
            chunks: receiver,
            current: Bytes::new(),
        };
        safe_tar::unpack(flate2::read::GzDecoder::new(reader), &dest, &unpack_limits)
    });
    let mut stream = response.bytes_stream();
    let mut received = 0u64;
    let mut network_failure = None;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => {
                let failure = TarballError::Interrupted(error.without_url().to_string());
                let _ = sender
                    .send(Err(io::Error::other(failure.to_string())))
                    .await;
                network_failure = Some(failure);
                break;
            }
        };
        received += chunk.len() as u64;
        if received > cap {
            let _ = sender
                .send(Err(io::Error::other("compressed size cap reached")))
                .await;
            network_failure = Some(TarballError::CompressedTooLarge { limit: cap });
            break;
        }
        if sender.send(Ok(chunk)).await.is_err() {
            break; // the unpacker stopped: finished, or refused the archive
        }
    }
    drop(sender);
    let unpacked = unpacker
        .await
        .map_err(|e| TarballError::Worker(e.to_string()))?;
    // A network-side failure explains an unpack error better than the unpacker's "read failed".
    match (network_failure, unpacked) {
        (Some(failure), Err(_)) => Err(failure),
        (_, result) => result.map_err(TarballError::from),
    }
}
