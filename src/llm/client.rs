//! The model client: one OpenAI-compatible chat-completions call, with a deadline and bounded retries.
//!
//! Works with OpenAI, a LiteLLM proxy, vLLM and Ollama alike: only `model`, `messages` and `temperature` are
//! sent, and only `choices[0].message.content` and `usage` are read. Request and answer bodies are never logged
//! (they hold the user's code), the key is held as a secret, and every error reads as one sentence for a
//! report that names neither the key nor a password of the URL.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::config::LlmConfig;
use super::redact::{MARK, redact};
use super::retry::{Decision, Failure, Policy, parse_retry_after};
use super::text;

/// Sampling temperature: low, because a test should assert the obvious, not be creative.
const TEMPERATURE: f64 = 0.2;
/// An answer larger than this is not a test module.
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;
/// Characters of an error body kept for a report.
const EXCERPT_CHARS: usize = 300;
/// Connecting takes at most this long (or the request timeout, when shorter).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// One chat message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Message {
        Message {
            role: "system".into(),
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Message {
        Message {
            role: "user".into(),
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Message {
        Message {
            role: "assistant".into(),
            content: content.into(),
        }
    }
}

/// The model's answer and what it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The answer's text; empty when the model sent no content.
    pub text: String,
    /// From `usage`; 0 when the server does not say.
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Requests made, the successful one included.
    pub attempts: u32,
}

/// Why a model call gave no answer. Each reads as one sentence for a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    /// No connection could be made, or each one broke before the answer was read.
    #[error("the model at {url} could not be reached{}: {reason}", times(*attempts))]
    Unreachable {
        url: String,
        attempts: u32,
        reason: String,
    },
    /// One request ran past the configured timeout; not retried.
    #[error("the model at {url} did not answer within {}", seconds(*timeout))]
    TimedOut { url: String, timeout: Duration },
    /// An HTTP error status: final (4xx) or still there after every attempt (5xx).
    #[error("the model at {url} answered HTTP {status}{}{}", times(*attempts), colon(excerpt))]
    Status {
        url: String,
        status: u16,
        attempts: u32,
        /// The start of the body (its `error.message` when it has one), redacted.
        excerpt: String,
    },
    /// Still HTTP 429 after every attempt.
    #[error("the model at {url} was still rate-limited (HTTP 429) after {attempts} attempts")]
    RateLimited { url: String, attempts: u32 },
    /// HTTP 429 asking for a longer wait than allowed.
    #[error(
        "the model at {url} is rate-limited and asked to wait {}, longer than the {} ato waits (LLM_MAX_RETRY_AFTER_SECS)",
        seconds(*wait),
        seconds(*limit)
    )]
    WaitTooLong {
        url: String,
        wait: Duration,
        limit: Duration,
    },
    /// A success status with a body that is not a chat completion.
    #[error("the model at {url} sent an answer that is not a chat completion: {reason}")]
    BadResponse { url: String, reason: String },
    /// The HTTP client could not be built.
    #[error("the HTTP client for the model could not be set up: {0}")]
    Client(String),
}

impl LlmError {
    /// Requests made before giving up.
    pub fn attempts(&self) -> u32 {
        match self {
            LlmError::Unreachable { attempts, .. }
            | LlmError::Status { attempts, .. }
            | LlmError::RateLimited { attempts, .. } => *attempts,
            LlmError::Client(_) => 0,
            _ => 1,
        }
    }
}

/// " twice", " four times"… after the first; nothing for one attempt.
fn times(attempts: u32) -> String {
    const WORDS: [&str; 9] = [
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    match attempts {
        0 | 1 => String::new(),
        2 => " twice".into(),
        n if n <= 10 => format!(" {} times", WORDS[n as usize - 2]),
        n => format!(" {n} times"),
    }
}

fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

fn colon(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!(": {excerpt}")
    }
}

/// A chat-completions client. Cheap to clone: the connection pool is shared.
#[derive(Clone)]
pub struct LlmClient {
    http: reqwest::Client,
    endpoint: String,
    /// The base URL as errors show it: without a password.
    shown_url: String,
    /// `Bearer <key>`, marked sensitive so no debug output shows it.
    authorization: Option<HeaderValue>,
    /// The key itself, only to scrub it from error bodies that echo it.
    api_key: Option<SecretString>,
    model: String,
    timeout: Duration,
    policy: Policy,
}

impl fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmClient")
            .field("url", &self.shown_url)
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: &'a [Message],
    temperature: f64,
}

#[derive(Deserialize)]
struct ChatResponse {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    message: Option<AnswerMessage>,
}

#[derive(Deserialize)]
struct AnswerMessage {
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
}

/// How one request ended.
enum Attempt {
    Answered(Vec<u8>),
    Status {
        status: u16,
        retry_after: Option<Duration>,
        body: Vec<u8>,
    },
    Broken(String),
    TimedOut,
    TooLarge,
}

impl LlmClient {
    pub fn new(config: &LlmConfig) -> Result<LlmClient, LlmError> {
        let http = reqwest::Client::builder()
            // A redirect of a POST is a misconfiguration; following it could carry the key elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT.min(config.timeout))
            .user_agent(concat!("ato/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LlmError::Client(e.to_string()))?;
        let authorization = match &config.api_key {
            None => None,
            Some(key) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                    LlmError::Client(
                        "the API key holds characters an HTTP header cannot carry".into(),
                    )
                })?;
                value.set_sensitive(true);
                Some(value)
            }
        };
        Ok(LlmClient {
            http,
            endpoint: format!("{}/chat/completions", config.base_url.trim_end_matches('/')),
            shown_url: without_password(&config.base_url),
            authorization,
            api_key: config.api_key.clone().map(SecretString::from),
            model: config.model.clone(),
            timeout: config.timeout,
            policy: Policy {
                max_attempts: config.max_attempts.max(1),
                backoff: config.backoff,
                max_retry_after: config.max_retry_after,
            },
        })
    }

    /// The model's answer to `messages`: `POST {base_url}/chat/completions`, retried on 429, 5xx and broken
    /// connections up to the configured number of attempts; a request past the timeout is final.
    pub async fn complete(&self, messages: &[Message]) -> Result<Completion, LlmError> {
        let body = serde_json::to_vec(&ChatRequest {
            model: &self.model,
            messages,
            temperature: TEMPERATURE,
        })
        .map_err(|e| LlmError::Client(e.to_string()))?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (failure, last) = match self.attempt(&body).await {
                Attempt::Answered(answer) => return self.completion(&answer, attempts),
                Attempt::TimedOut => {
                    return Err(LlmError::TimedOut {
                        url: self.shown_url.clone(),
                        timeout: self.timeout,
                    });
                }
                Attempt::TooLarge => {
                    return Err(self.bad_response(format!(
                        "the answer is larger than {} MiB",
                        MAX_ANSWER_BYTES / (1024 * 1024)
                    )));
                }
                Attempt::Broken(reason) => (Failure::Connection, LastError::Broken(reason)),
                Attempt::Status {
                    status: 429,
                    retry_after,
                    ..
                } => (Failure::RateLimited { retry_after }, LastError::RateLimited),
                Attempt::Status { status, body, .. } if status >= 500 => {
                    (Failure::ServerError, LastError::Status(status, body))
                }
                Attempt::Status { status, body, .. } => {
                    return Err(self.status_error(status, &body, attempts));
                }
            };
            match self.policy.after(attempts, failure) {
                Decision::RetryAfter(wait) => {
                    tracing::debug!(attempts, ?wait, ?failure, "model request failed; retrying");
                    tokio::time::sleep(wait).await;
                }
                Decision::WaitTooLong(wait) => {
                    return Err(LlmError::WaitTooLong {
                        url: self.shown_url.clone(),
                        wait,
                        limit: self.policy.max_retry_after,
                    });
                }
                Decision::Exhausted => {
                    return Err(match last {
                        LastError::Broken(reason) => LlmError::Unreachable {
                            url: self.shown_url.clone(),
                            attempts,
                            reason,
                        },
                        LastError::RateLimited => LlmError::RateLimited {
                            url: self.shown_url.clone(),
                            attempts,
                        },
                        LastError::Status(status, body) => {
                            self.status_error(status, &body, attempts)
                        }
                    });
                }
            }
        }
    }

    /// One request, its answer read in full, all within the timeout.
    async fn attempt(&self, body: &[u8]) -> Attempt {
        let mut request = self
            .http
            .post(&self.endpoint)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_vec());
        if let Some(authorization) = &self.authorization {
            request = request.header(AUTHORIZATION, authorization.clone());
        }
        let exchange = async {
            let mut response = request.send().await?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Ok::<_, reqwest::Error>(Attempt::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(if (200..300).contains(&status) {
                Attempt::Answered(body)
            } else {
                Attempt::Status {
                    status,
                    retry_after,
                    body,
                }
            })
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => Attempt::TimedOut,
            Ok(Ok(attempt)) => attempt,
            Ok(Err(e)) if e.is_timeout() && !e.is_connect() => Attempt::TimedOut,
            Ok(Err(e)) => Attempt::Broken(root_cause(&e)),
        }
    }

    fn completion(&self, body: &[u8], attempts: u32) -> Result<Completion, LlmError> {
        let response: ChatResponse = serde_json::from_slice(body).map_err(|e| {
            let hint = error_message(body)
                .map(|m| format!(" (it says: {})", excerpt(&m, self.api_key.as_ref())))
                .unwrap_or_default();
            self.bad_response(format!("{e}{hint}"))
        })?;
        let Some(choice) = response.choices.into_iter().next() else {
            return Err(self.bad_response("it holds no choices".into()));
        };
        let usage = response.usage;
        Ok(Completion {
            text: choice.message.and_then(|m| m.content).unwrap_or_default(),
            prompt_tokens: usage.as_ref().and_then(|u| u.prompt_tokens).unwrap_or(0),
            completion_tokens: usage
                .as_ref()
                .and_then(|u| u.completion_tokens)
                .unwrap_or(0),
            attempts,
        })
    }

    fn status_error(&self, status: u16, body: &[u8], attempts: u32) -> LlmError {
        let message =
            error_message(body).unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
        LlmError::Status {
            url: self.shown_url.clone(),
            status,
            attempts,
            excerpt: excerpt(&message, self.api_key.as_ref()),
        }
    }

    fn bad_response(&self, reason: String) -> LlmError {
        LlmError::BadResponse {
            url: self.shown_url.clone(),
            reason,
        }
    }
}

/// The failure last seen, for the error after the last attempt.
enum LastError {
    Broken(String),
    RateLimited,
    Status(u16, Vec<u8>),
}

/// `error.message` (OpenAI, LiteLLM, vLLM) or a string `error` (Ollama) of an error body.
fn error_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let error = value.get("error")?;
    error
        .get("message")
        .and_then(|m| m.as_str())
        .or_else(|| error.as_str())
        .map(str::to_string)
}

/// A body's text for a report: one line, at most [`EXCERPT_CHARS`] characters, without the key (servers echo
/// a wrong key back) or anything else that looks secret.
fn excerpt(text: &str, key: Option<&SecretString>) -> String {
    let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(key) = key.map(|k| k.expose_secret()).filter(|k| !k.is_empty()) {
        text = text.replace(key, MARK);
    }
    text::head(&redact(&text).text, EXCERPT_CHARS)
}

/// The innermost error's message ("Connection refused (os error 111)"): reqwest's own text repeats the URL.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// The URL with any password taken out, for messages.
fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(None);
            parsed.as_str().trim_end_matches('/').to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_sentences() {
        let url = "http://127.0.0.1:4000/v1".to_string();
        let status = LlmError::Status {
            url: url.clone(),
            status: 500,
            attempts: 4,
            excerpt: "upstream failed".into(),
        };
        assert_eq!(
            status.to_string(),
            "the model at http://127.0.0.1:4000/v1 answered HTTP 500 four times: upstream failed"
        );
        let final_status = LlmError::Status {
            url: url.clone(),
            status: 400,
            attempts: 1,
            excerpt: String::new(),
        };
        assert_eq!(
            final_status.to_string(),
            "the model at http://127.0.0.1:4000/v1 answered HTTP 400"
        );
        let timed_out = LlmError::TimedOut {
            url: url.clone(),
            timeout: Duration::from_secs(60),
        };
        assert_eq!(
            timed_out.to_string(),
            "the model at http://127.0.0.1:4000/v1 did not answer within 60 s"
        );
        let wait = LlmError::WaitTooLong {
            url,
            wait: Duration::from_secs(3600),
            limit: Duration::from_millis(1500),
        };
        assert!(
            wait.to_string()
                .contains("wait 3600 s, longer than the 1.5 s"),
            "{wait}"
        );
    }

    #[test]
    fn attempt_counts_are_words() {
        assert_eq!(times(1), "");
        assert_eq!(times(2), " twice");
        assert_eq!(times(10), " ten times");
        assert_eq!(times(12), " 12 times");
    }

    #[test]
    fn excerpts_are_short_single_lines_without_the_key() {
        let key = SecretString::from("sk-test-0123456789abcdefghij");
        let body = format!(
            "Incorrect API key provided:\n  {}.\n{}",
            key.expose_secret(),
            "x".repeat(1000)
        );
        let cut = excerpt(&body, Some(&key));
        assert!(!cut.contains("0123456789abcdefghij"), "{cut}");
        assert!(!cut.contains('\n'));
        assert!(
            cut.starts_with("Incorrect API key provided: «redacted»."),
            "{cut}"
        );
        assert!(
            cut.chars().count() <= EXCERPT_CHARS + 10,
            "{}",
            cut.chars().count()
        );
    }

    #[test]
    fn error_messages_come_from_the_usual_shapes() {
        assert_eq!(
            error_message(
                br#"{"error":{"message":"model not found","type":"invalid_request_error"}}"#
            ),
            Some("model not found".into())
        );
        assert_eq!(
            error_message(br#"{"error":"model 'x' not found"}"#),
            Some("model 'x' not found".into())
        );
        assert_eq!(error_message(b"Bad Gateway"), None);
    }

    #[test]
    fn passwords_leave_the_shown_url() {
        assert_eq!(
            without_password("https://user:pa55@proxy.example/v1"),
            "https://user@proxy.example/v1"
        );
        assert_eq!(
            without_password("http://127.0.0.1:4000/v1"),
            "http://127.0.0.1:4000/v1"
        );
    }

    fn config() -> LlmConfig {
        LlmConfig {
            base_url: "http://127.0.0.1:9/v1".into(),
            api_key: Some("sk-debug-secret".into()),
            model: "m".into(),
            timeout: Duration::from_secs(1),
            max_attempts: 1,
            concurrency: 1,
            backoff: Duration::ZERO,
            max_retry_after: Duration::from_secs(1),
        }
    }

    #[test]
    fn a_client_is_shared_across_tasks() {
        fn send_sync_clone<T: Send + Sync + Clone + 'static>() {}
        send_sync_clone::<LlmClient>();
    }

    #[test]
    fn a_key_unfit_for_a_header_is_refused_at_once() {
        let error = LlmClient::new(&LlmConfig {
            api_key: Some("sk-line\nbreak".into()),
            ..config()
        })
        .unwrap_err();
        assert!(matches!(error, LlmError::Client(_)), "{error:?}");
        assert!(!error.to_string().contains("break"), "{error}");
    }

    #[test]
    fn debug_shows_no_key() {
        let client = LlmClient::new(&config()).unwrap();
        let shown = format!("{client:?}");
        assert!(
            !shown.contains("debug-secret") && shown.contains("127.0.0.1:9"),
            "{shown}"
        );
    }

    #[test]
    fn request_body_has_the_wire_shape() {
        let messages = [Message::system("be brief"), Message::user("hi")];
        let body = serde_json::to_value(ChatRequest {
            model: "m",
            messages: &messages,
            temperature: TEMPERATURE,
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "model": "m",
                "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
                "temperature": 0.2
            })
        );
    }
}
