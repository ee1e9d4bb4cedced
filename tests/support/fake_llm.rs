//! A fake OpenAI-compatible chat-completions server for tests: real HTTP (axum on 127.0.0.1, a free port),
//! scripted replies chosen by what the first user message (the question) contains, a fixed delay before every reply, and a
//! record of every request it received.
//!
//! It speaks the wire format of `POST /v1/chat/completions`; other paths get 404, a body that is not a chat
//! request gets 400, and a request no rule matches gets a plain-text 500 naming the problem, so a test that
//! forgot a rule sees it rather than hanging.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ato::llm::LlmConfig;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// How long [`Reply::Hang`] waits: far beyond any test's timeout.
const HANG: Duration = Duration::from_secs(3600);

/// What the fake answers to one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A chat completion with this content and usage.
    Answer {
        text: String,
        prompt_tokens: u64,
        completion_tokens: u64,
    },
    /// An HTTP status with an optional `retry-after` header and a body (JSON when it starts with `{`).
    Status {
        status: u16,
        retry_after: Option<String>,
        body: String,
    },
    /// No answer at all, for as long as the client waits.
    Hang,
}

impl Reply {
    /// A status with an OpenAI-style error body.
    pub fn status(status: u16) -> Reply {
        Reply::Status {
            status,
            retry_after: None,
            body: json!({"error": {"message": format!("scripted HTTP {status}"), "type": "fake"}})
                .to_string(),
        }
    }

    /// HTTP 429 with this `retry-after`.
    pub fn too_many_requests(retry_after: &str) -> Reply {
        Reply::Status {
            status: 429,
            retry_after: Some(retry_after.to_string()),
            body: json!({"error": {"message": "Rate limit reached", "type": "requests"}})
                .to_string(),
        }
    }

    /// A completion of exactly this text.
    pub fn text(text: &str) -> Reply {
        Reply::Answer {
            text: text.to_string(),
            prompt_tokens: ANSWER_PROMPT_TOKENS,
            completion_tokens: ANSWER_COMPLETION_TOKENS,
        }
    }
}

/// Usage reported by [`answer`] and [`Reply::text`].
pub const ANSWER_PROMPT_TOKENS: u64 = 100;
pub const ANSWER_COMPLETION_TOKENS: u64 = 40;

/// A typical model answer: prose, the code in a ```python fence, prose.
pub fn answer(code: &str) -> Reply {
    Reply::text(&format!(
        "Here is a pytest module for the function:\n\n```python\n{}\n```\n\nIt covers the usual case and an edge case.",
        code.trim_end()
    ))
}

/// Replies for requests whose first user message (the question; a repair repeats it) contains `when` (`""` matches all): in turn, the last one
/// repeating.
#[derive(Debug, Clone)]
pub struct Rule {
    pub when: String,
    pub replies: Vec<Reply>,
}

impl Rule {
    pub fn new(when: &str, replies: Vec<Reply>) -> Rule {
        Rule {
            when: when.to_string(),
            replies,
        }
    }

    /// The same reply to every request.
    pub fn always(reply: Reply) -> Rule {
        Rule::new("", vec![reply])
    }
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub body: String,
    pub authorization: Option<String>,
    /// When it arrived.
    pub at: Instant,
}

impl Recorded {
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The content of the last message with role `user`.
    pub fn last_user_message(&self) -> Option<String> {
        last_user_message(&self.json()?)
    }
}

struct Shared {
    rules: Vec<Rule>,
    /// Requests each rule answered so far.
    served: Mutex<Vec<usize>>,
    requests: Mutex<Vec<Recorded>>,
    delay: Duration,
}

/// The running fake; stops when dropped.
pub struct FakeLlm {
    /// The base URL, ending in `/v1`, as `LLM_BASE_URL` would be.
    pub url: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeLlm {
    /// Starts the fake with `rules`, waiting `delay` before every reply.
    pub async fn start(rules: Vec<Rule>, delay: Duration) -> FakeLlm {
        let shared = Arc::new(Shared {
            served: Mutex::new(vec![0; rules.len()]),
            rules,
            requests: Mutex::new(Vec::new()),
            delay,
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake model");
        let address = listener.local_addr().expect("local address");
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("serve the fake model");
        });
        FakeLlm {
            url: format!("http://{address}/v1"),
            shared,
            server,
        }
    }

    /// Every request so far, in order of arrival.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// A configuration for this fake with test-sized limits: 2 s timeout, 3 attempts, 50 ms back-off, 5 s
    /// longest `retry-after`, and a key.
    pub fn config(&self) -> LlmConfig {
        LlmConfig {
            base_url: self.url.clone(),
            api_key: Some(TEST_KEY.to_string()),
            model: "fake-model".to_string(),
            timeout: Duration::from_secs(2),
            max_attempts: 3,
            concurrency: 8,
            backoff: Duration::from_millis(50),
            max_retry_after: Duration::from_secs(5),
        }
    }
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The key in [`FakeLlm::config`].
pub const TEST_KEY: &str = "sk-fake-test-key-0123456789";

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    shared.requests.lock().unwrap().push(Recorded {
        path: uri.path().to_string(),
        body: body.clone(),
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        at: Instant::now(),
    });
    if method != Method::POST || uri.path() != "/v1/chat/completions" {
        return error(
            StatusCode::NOT_FOUND,
            &format!("no route for {method} {}", uri.path()),
        );
    }
    let Some((model, question)) = chat_request(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "the body is not a chat request: it needs a model and messages of role and content",
        );
    };
    let reply = {
        let mut served = shared.served.lock().unwrap();
        shared
            .rules
            .iter()
            .position(|rule| question.contains(&rule.when))
            .map(|i| {
                let replies = &shared.rules[i].replies;
                let reply = replies
                    .get(served[i].min(replies.len().saturating_sub(1)))
                    .cloned();
                served[i] += 1;
                reply
            })
    };
    tokio::time::sleep(shared.delay).await;
    match reply {
        None => {
            let start: String = question.chars().take(200).collect();
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("no rule matches the first user message: {start}"),
            )
                .into_response()
        }
        Some(None) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the matching rule has no replies",
        )
            .into_response(),
        Some(Some(Reply::Hang)) => {
            tokio::time::sleep(HANG).await;
            error(StatusCode::GATEWAY_TIMEOUT, "hung")
        }
        Some(Some(Reply::Status {
            status,
            retry_after,
            body,
        })) => {
            let status = StatusCode::from_u16(status).expect("a valid scripted status");
            let mut response = (status, body.clone()).into_response();
            if body.starts_with('{') {
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    header::HeaderValue::from_static("application/json"),
                );
            }
            if let Some(wait) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, wait.parse().expect("a header value"));
            }
            response
        }
        Some(Some(Reply::Answer {
            text,
            prompt_tokens,
            completion_tokens,
        })) => {
            let created = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let count = shared.requests.lock().unwrap().len();
            axum::Json(json!({
                "id": format!("chatcmpl-fake-{count}"),
                "object": "chat.completion",
                "created": created,
                "model": model,
                "choices": [{
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop"
                }],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens
                }
            }))
            .into_response()
        }
    }
}

/// The model and the first user message of a chat request, or `None` when the body is not one.
fn chat_request(body: &str) -> Option<(String, String)> {
    let value: Value = serde_json::from_str(body).ok()?;
    let model = value.get("model")?.as_str()?.to_string();
    let messages = value.get("messages")?.as_array()?;
    let well_formed = !messages.is_empty()
        && messages.iter().all(|m| {
            m.get("role").and_then(Value::as_str).is_some()
                && m.get("content").and_then(Value::as_str).is_some()
        });
    well_formed.then(|| (model, first_user_message(&value).unwrap_or_default()))
}

/// The question of a conversation: its first user message (a repair request repeats it before the error).
fn first_user_message(request: &Value) -> Option<String> {
    request
        .get("messages")?
        .as_array()?
        .iter()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))?
        .get("content")?
        .as_str()
        .map(str::to_string)
}

fn last_user_message(request: &Value) -> Option<String> {
    request
        .get("messages")?
        .as_array()?
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))?
        .get("content")?
        .as_str()
        .map(str::to_string)
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": {"message": message, "type": "fake"}})),
    )
        .into_response()
}
