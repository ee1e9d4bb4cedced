//! The one GitHub client: octocrab as the transport (base URL, timeouts, no retry of its own), with ato's
//! authentication and retry policy around every request.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use http::{Method, StatusCode};
use octocrab::Octocrab;
use octocrab::service::middleware::retry::RetryConfig;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use super::GithubError;
use super::auth::{AppKey, CachedToken, TokenCache, epoch_secs, parse_github_time};
use super::request::{ApiRequest, ApiResponse, body_prefix, decode, status_error};
use super::retry::{Decision, GiveUp, Outcome, RateLimitHeaders, RetryPolicy};
use super::types::InstallationId;

/// How ato talks to GitHub. [`GithubConfig::new`] fills in production defaults.
#[derive(Debug, Clone)]
pub struct GithubConfig {
    /// `GITHUB_API_URL`, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`.
    pub api_url: Url,
    pub app_id: u64,
    /// The app's private key, PEM (PKCS#1 as GitHub issues it, or PKCS#8).
    pub private_key_pem: SecretString,
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    /// Deadline for one request, answer body included (tarball downloads have their own).
    pub request_timeout: Duration,
    /// Deadline for a whole tarball download and unpack.
    pub download_timeout: Duration,
    /// Installation tokens are replaced when they have less than this left to live.
    pub token_refresh_margin: Duration,
}

impl GithubConfig {
    pub fn new(api_url: Url, app_id: u64, private_key_pem: SecretString) -> Self {
        Self {
            api_url,
            app_id,
            private_key_pem,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            download_timeout: Duration::from_secs(10 * 60),
            token_refresh_margin: Duration::from_secs(5 * 60),
        }
    }
}

/// The app as a whole: signs JWTs, caches installation tokens. Cheap to clone.
#[derive(Clone)]
pub struct GithubApp {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) octocrab: Octocrab,
    /// The API URL without its trailing slash; pagination links must start with it.
    pub(crate) api_base: String,
    pub(crate) key: AppKey,
    pub(crate) tokens: TokenCache,
    pub(crate) config: GithubConfig,
    /// For the tarball's second hop (another host): no redirects, no credentials.
    pub(crate) download: reqwest::Client,
}

impl std::fmt::Debug for GithubApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubApp")
            .field("api_url", &self.inner.api_base)
            .field("app_id", &self.inner.key.app_id())
            .finish_non_exhaustive()
    }
}

/// The calls made on behalf of one installation. Every call asks the token cache, so a long job keeps
/// working across token refreshes.
#[derive(Clone, Debug)]
pub struct Installation {
    pub(crate) app: GithubApp,
    pub(crate) id: InstallationId,
}

impl GithubApp {
    pub fn new(config: GithubConfig) -> Result<Self, GithubError> {
        let key = AppKey::from_pem(config.app_id, &config.private_key_pem)?;
        let api_base = config.api_url.as_str().trim_end_matches('/').to_owned();
        let url_error = |reason: String| GithubError::ApiUrl {
            url: api_base.clone(),
            reason,
        };
        if !matches!(config.api_url.scheme(), "http" | "https") {
            return Err(url_error("the scheme must be http or https".into()));
        }
        let octocrab = Octocrab::builder()
            .base_uri(api_base.as_str())
            .map_err(|e| url_error(e.to_string()))?
            .add_retry_config(RetryConfig::None)
            .set_connect_timeout(Some(config.connect_timeout))
            .set_read_timeout(Some(config.request_timeout))
            .set_write_timeout(Some(config.request_timeout))
            .build()
            .map_err(|e| GithubError::Client(e.to_string()))?;
        let download = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .user_agent("ato")
            .build()
            .map_err(|e| GithubError::Client(e.to_string()))?;
        let inner = Inner {
            octocrab,
            api_base,
            key,
            tokens: TokenCache::default(),
            config,
            download,
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    pub fn installation(&self, id: InstallationId) -> Installation {
        Installation {
            app: self.clone(),
            id,
        }
    }

    pub fn app_id(&self) -> u64 {
        self.inner.key.app_id()
    }

    /// Sends a request signed with the app JWT (a new one per try; they are cheap).
    pub(crate) async fn send_as_app(
        &self,
        request: &ApiRequest,
    ) -> Result<ApiResponse, GithubError> {
        // A 401 here is final: a new JWT from the same key would be refused too.
        // A 401 here is final: a new JWT from the same key would be refused too.
        self.send_with_retry(request, false, |_| async {
            self.inner.key.jwt(SystemTime::now())
        })
        .await
    }

    /// The retry loop shared by every call; `bearer(refresh)` gives the credential for a try, a new one when
    /// `refresh` is set: after a first 401, if `refresh_on_401` (a cached token may have been revoked).
    pub(crate) async fn send_with_retry<F, Fut>(
        &self,
        request: &ApiRequest,
        refresh_on_401: bool,
        mut bearer: F,
    ) -> Result<ApiResponse, GithubError>
    where
        F: FnMut(bool) -> Fut,
        Fut: Future<Output = Result<SecretString, GithubError>>,
    {
        let policy = &self.inner.config.retry;
        let mut refresh = false;
        let mut refreshed_once = !refresh_on_401;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let token = bearer(refresh).await?;
            refresh = false;
            let result = self.send_once(request, &token).await;
            let now = epoch_secs(SystemTime::now());
            let (decision, last) = match &result {
                Ok(response) => {
                    if response.status == StatusCode::UNAUTHORIZED
                        && !refreshed_once
                        && attempt < policy.max_attempts
                    {
                        // A cached token revoked or expired early: get a new one once.
                        refreshed_once = true;
                        refresh = true;
                        continue;
                    }
                    let outcome = Outcome::Answered {
                        status: response.status.as_u16(),
                        headers: RateLimitHeaders::from_headers(&response.headers),
                        body: body_prefix(&response.body, 4096),
                    };
                    (
                        policy.decide(attempt, &outcome, now),
                        format!("HTTP {}", response.status),
                    )
                }
                Err(error) => (
                    policy.decide(attempt, &Outcome::TransportError, now),
                    error.clone(),
                ),
            };
            match decision {
                Decision::Accept => {
                    return result.map_err(|reason| self.unexpected(request, reason));
                }
                Decision::RetryAfter(wait) => {
                    tracing::warn!(method = %request.method, path = %request.path, attempt, ?wait, %last, "retrying GitHub request");
                    tokio::time::sleep(policy.scaled(wait)).await;
                }
                Decision::GiveUp(GiveUp::WaitTooLong(wait)) => {
                    return Err(GithubError::RateLimited {
                        method: request.method.to_string(),
                        path: request.path.clone(),
                        wait,
                    });
                }
                Decision::GiveUp(GiveUp::AttemptsExhausted) => {
                    return Err(GithubError::GaveUp {
                        method: request.method.to_string(),
                        path: request.path.clone(),
                        attempts: attempt,
                        last,
                    });
                }
            }
        }
    }

    /// One try. A transport failure comes back as its message (retryable by the policy).
    async fn send_once(
        &self,
        request: &ApiRequest,
        token: &SecretString,
    ) -> Result<ApiResponse, String> {
        let octocrab = &self.inner.octocrab;
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
            .map_err(|_| "the token is not a valid header value".to_owned())?;
        authorization.set_sensitive(true);
        // octocrab adds User-Agent and X-GitHub-Api-Version itself; setting them here would send duplicates.
        let builder = http::Request::builder()
            .method(request.method.clone())
            .uri(request.path.as_str())
            .header(ACCEPT, "application/vnd.github+json")
            .header(AUTHORIZATION, authorization);
        let built = octocrab
            .build_request(builder, request.body.as_ref())
            .map_err(|e| e.to_string())?;
        let deadline = self.inner.config.request_timeout;
        let exchange = async {
            let response = octocrab.execute(built).await.map_err(|e| e.to_string())?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = octocrab
                .body_to_string(response)
                .await
                .map_err(|e| e.to_string())?;
            Ok(ApiResponse {
                status,
                headers,
                body,
            })
        };
        tokio::time::timeout(deadline, exchange)
            .await
            .map_err(|_| format!("no answer within {deadline:?}"))?
    }

    fn unexpected(&self, request: &ApiRequest, reason: String) -> GithubError {
        GithubError::Unexpected {
            method: request.method.to_string(),
            path: request.path.clone(),
            reason,
        }
    }
}

impl Installation {
    pub fn id(&self) -> InstallationId {
        self.id
    }

    /// The app this installation belongs to.
    pub fn app(&self) -> &GithubApp {
        &self.app
    }

    /// Sends `request` with this installation's token and returns the answer, whatever its status.
    pub(crate) async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, GithubError> {
        self.app
            .send_with_retry(request, true, |refresh| self.token(refresh))
            .await
    }

    /// Sends and requires a 2xx answer; other answers become [`GithubError::Status`].
    pub(crate) async fn send_ok(&self, request: &ApiRequest) -> Result<ApiResponse, GithubError> {
        let response = self.send(request).await?;
        if response.status.is_success() {
            Ok(response)
        } else {
            Err(status_error(request, &response))
        }
    }

    /// Sends, requires 2xx, and decodes the JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
    ) -> Result<T, GithubError> {
        let response = self.send_ok(request).await?;
        decode(request, &response.body)
    }

    /// A token with more than the refresh margin to live: the cached one, or a new one.
    async fn token(&self, force_refresh: bool) -> Result<SecretString, GithubError> {
        let inner = &self.app.inner;
        let slot = inner.tokens.slot(self.id);
        let mut cached = slot.lock().await;
        let margin = inner.config.token_refresh_margin;
        if !force_refresh
            && let Some(token) = cached
                .as_ref()
                .filter(|t| t.is_fresh(SystemTime::now(), margin))
        {
            return Ok(token.token.clone());
        }
        let fresh = self.request_token().await?;
        let token = fresh.token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// `POST /app/installations/{id}/access_tokens`, signed with the app JWT.
    async fn request_token(&self) -> Result<CachedToken, GithubError> {
        #[derive(serde::Deserialize)]
        struct AccessToken {
            token: String,
            expires_at: String,
        }
        let request = ApiRequest::new(
            Method::POST,
            format!("/app/installations/{}/access_tokens", self.id),
        );
        let response = self.app.send_as_app(&request).await?;
        if !response.status.is_success() {
            return Err(status_error(&request, &response));
        }
        let answer: AccessToken = decode(&request, &response.body)?;
        // An unreadable expiry is treated as "expires soon": the token is used for this call only.
        let expires_at = parse_github_time(&answer.expires_at).unwrap_or_else(SystemTime::now);
        tracing::debug!(installation = %self.id, expires_at = %answer.expires_at, "new installation token");
        Ok(CachedToken {
            token: SecretString::from(answer.token),
            expires_at,
        })
    }
}
