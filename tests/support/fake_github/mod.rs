//! A fake GitHub for tests: an axum app on 127.0.0.1 speaking the REST shapes ato uses, backed by an
//! in-memory model, with a second "codeload" server for tarballs (reached by a 302), a record of every
//! request, and fault injection. It checks the app JWT (RS256, the test key's public half) on `/app/...` and
//! installation tokens everywhere else, like GitHub does.

mod handlers;
mod repo_routes;
mod writes;

pub use writes::Write;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;

use super::fixture;

/// The app id the fake expects in JWTs.
pub const APP_ID: u64 = 4242;
/// The one code the fake's manifest conversion accepts (what GitHub puts in the setup callback).
pub const MANIFEST_CODE: &str = "manifest-code-1";
/// The webhook secret of the app the manifest conversion creates.
pub const MANIFEST_WEBHOOK_SECRET: &str = "secret made by the manifest flow";
/// The login of comments the app writes.
pub const BOT_LOGIN: &str = "ato-test[bot]";

/// The test app's private key (PEM), as ato would read it from `GITHUB_PRIVATE_KEY`.
pub fn app_private_key() -> String {
    std::fs::read_to_string(fixture("test-only-github-app-key.pem")).expect("test key fixture")
}

/// Which server a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    Api,
    Codeload,
}

#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub host: Host,
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The last value of each header.
    pub headers: HashMap<String, String>,
    /// Every header line, in order.
    pub header_lines: Vec<(String, String)>,
    pub status: u16,
    /// When the request arrived.
    pub at: std::time::Instant,
}

impl RecordedRequest {
    pub fn header_count(&self, name: &str) -> usize {
        self.header_lines.iter().filter(|(n, _)| n == name).count()
    }
}

/// A failure the fake answers with instead of the real answer.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    Status(u16),
    /// 429 with `retry-after`.
    TooManyRequests {
        retry_after_secs: u64,
    },
    /// 403 with `x-ratelimit-remaining: 0` and a reset this many seconds ahead.
    RateLimitReset {
        reset_in_secs: u64,
    },
}

#[derive(Debug, Clone)]
struct FaultRule {
    path_contains: String,
    fault: Fault,
    remaining: u32,
}

#[derive(Debug, Clone)]
pub struct FakePull {
    pub state: String,
    pub draft: bool,
    pub head_sha: String,
    pub base_sha: String,
    pub files: Vec<String>,
    /// filename → the `patch` text GitHub would list for it; files without one get a one-line dummy patch.
    pub patches: HashMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct FakeCheckRun {
    pub id: u64,
    pub name: String,
    pub head_sha: String,
    pub status: String,
    /// The status the run was created with.
    pub created_status: String,
    pub conclusion: Option<String>,
    pub external_id: Option<String>,
    pub details_url: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub text: Option<String>,
    pub annotations: Vec<serde_json::Value>,
    /// PATCH requests received.
    pub updates: usize,
}

#[derive(Debug, Clone)]
pub struct FakeComment {
    pub id: u64,
    pub issue: u64,
    pub body: String,
    pub login: String,
    pub user_type: String,
    pub app_id: Option<u64>,
    pub reactions: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct FakeRepo {
    pub installation: u64,
    pub default_branch: String,
    /// (ref, path) → bytes.
    pub files: HashMap<(String, String), Vec<u8>>,
    pub pulls: HashMap<u64, FakePull>,
    /// sha → gzip bytes, served by codeload.
    pub tarballs: HashMap<String, Vec<u8>>,
    pub check_runs: Vec<FakeCheckRun>,
    pub comments: Vec<FakeComment>,
    pub permissions: HashMap<String, String>,
    /// Every successful write ato made to this repository, in order.
    pub writes: Vec<Write>,
}

#[derive(Debug, Clone)]
struct IssuedToken {
    token: String,
    installation: u64,
    expires_at: SystemTime,
}

/// Everything the fake knows. Tests read and change it through [`FakeGithub::model`].
#[derive(Debug, Default)]
pub struct Model {
    pub repos: HashMap<String, FakeRepo>,
    pub requests: Vec<RecordedRequest>,
    /// How long issued installation tokens live (GitHub: one hour).
    pub token_lifetime: Duration,
    tokens: Vec<IssuedToken>,
    faults: Vec<FaultRule>,
    next_id: u64,
    /// Whether [`MANIFEST_CODE`] was exchanged (a code works once).
    pub manifest_converted: bool,
}

impl Model {
    pub fn repo(&mut self, full_name: &str) -> &mut FakeRepo {
        self.repos
            .get_mut(full_name)
            .unwrap_or_else(|| panic!("the fake has no repo {full_name}"))
    }

    /// Invalidates every installation token issued so far (as uninstalling or a key rotation would).
    pub fn revoke_tokens(&mut self) {
        self.tokens.clear();
    }

    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

/// The running fake. Its servers stop when it is dropped.
pub struct FakeGithub {
    pub api_url: String,
    pub codeload_url: String,
    state: Arc<Shared>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

struct Shared {
    model: Mutex<Model>,
    codeload_url: String,
    api_url: String,
    public_key: jsonwebtoken::DecodingKey,
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl FakeGithub {
    pub async fn start() -> Self {
        let api = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake API");
        let codeload = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake codeload");
        let api_url = format!("http://{}", api.local_addr().unwrap());
        let codeload_url = format!("http://{}", codeload.local_addr().unwrap());
        let public_pem =
            std::fs::read(fixture("test-only-github-app-key.pub.pem")).expect("public key fixture");
        let state = Arc::new(Shared {
            model: Mutex::new(Model {
                manifest_converted: false,
                token_lifetime: Duration::from_secs(3600),
                ..Model::default()
            }),
            codeload_url: codeload_url.clone(),
            api_url: api_url.clone(),
            public_key: jsonwebtoken::DecodingKey::from_rsa_pem(&public_pem)
                .expect("public key parses"),
        });
        let api_app = Router::new().fallback(serve_api).with_state(state.clone());
        let codeload_app = Router::new()
            .fallback(serve_codeload)
            .with_state(state.clone());
        let tasks = vec![
            tokio::spawn(async move { axum::serve(api, api_app).await.expect("fake API server") }),
            tokio::spawn(async move {
                axum::serve(codeload, codeload_app)
                    .await
                    .expect("fake codeload server")
            }),
        ];
        Self {
            api_url,
            codeload_url,
            state,
            tasks,
        }
    }

    pub fn model(&self) -> MutexGuard<'_, Model> {
        self.state.model.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a repository reachable by `installation`, with a default branch `main`.
    pub fn add_repo(&self, full_name: &str, installation: u64) {
        let repo = FakeRepo {
            installation,
            default_branch: "main".into(),
            ..FakeRepo::default()
        };
        self.model().repos.insert(full_name.into(), repo);
    }

    /// The next `count` requests whose path contains `path_contains` get `fault`.
    pub fn inject(&self, path_contains: &str, fault: Fault, count: u32) {
        self.model().faults.push(FaultRule {
            path_contains: path_contains.into(),
            fault,
            remaining: count,
        });
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.model().requests.clone()
    }

    /// Requests to the API whose path contains `fragment`.
    pub fn count(&self, method: &str, fragment: &str) -> usize {
        self.model()
            .requests
            .iter()
            .filter(|r| r.host == Host::Api && r.method == method && r.path.contains(fragment))
            .count()
    }

    pub fn token_requests(&self) -> usize {
        self.count("POST", "/access_tokens")
    }

    /// The API requests with this method whose path contains `fragment`: their status, and the time since
    /// the first of them arrived.
    pub fn calls(&self, method: &str, fragment: &str) -> Vec<(u16, Duration)> {
        let model = self.model();
        let requests: Vec<_> = model
            .requests
            .iter()
            .filter(|r| r.host == Host::Api && r.method == method && r.path.contains(fragment))
            .collect();
        let Some(first) = requests.first().map(|r| r.at) else {
            return Vec::new();
        };
        requests
            .iter()
            .map(|r| (r.status, r.at.duration_since(first)))
            .collect()
    }
}

async fn serve_api(
    State(state): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(&state, Host::Api, method, uri, headers, body)
}

async fn serve_codeload(
    State(state): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(&state, Host::Codeload, method, uri, headers, body)
}

/// Records the request, applies a matching fault, else answers from the model.
fn serve(
    state: &Shared,
    host: Host,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = std::time::Instant::now();
    let path = uri
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let mut model = state.model.lock().unwrap_or_else(|e| e.into_inner());
    let fault = model
        .faults
        .iter_mut()
        .find(|f| f.remaining > 0 && path.contains(&f.path_contains))
        .map(|f| {
            f.remaining -= 1;
            f.fault
        });
    let response = match fault {
        Some(fault) => handlers::fault_response(fault),
        None => {
            let request = handlers::Request {
                method: &method,
                uri: &uri,
                headers: &headers,
                body: &body,
            };
            match host {
                Host::Api => handlers::api(state, &mut model, &request),
                Host::Codeload => handlers::codeload(&mut model, &request),
            }
        }
    };
    let header_lines: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or("<binary>").to_owned(),
            )
        })
        .collect();
    model.requests.push(RecordedRequest {
        host,
        method: method.to_string(),
        path,
        headers: header_lines.iter().cloned().collect(),
        header_lines,
        status: response.status().as_u16(),
        at,
    });
    response
}
