//! The HTTP side of `ato serve`: the axum router and its handlers.
//!
//! - `POST /webhook` ([`webhook_handler`]): verify, read, record durably, answer — the work happens later in the
//!   worker, which is woken through [`AppState::job_wakeup`].
//! - `GET /healthz`, `GET /metrics` ([`metrics`]).
//! - `GET /reports/{run}/{token}` ([`reports`]): the HTML report behind an unguessable link, and
//!   `…/results.json` beside it: the run's results, the status API.
//! - `GET /setup`, `GET /setup/callback` ([`setup`]): the GitHub App manifest flow, open while the server has
//!   no app ([`AppSlot`]); `GET /` says which of the two the server is in.
//!
//! Every request gets a tracing span with the route template (never the raw path: report links carry their
//! token in it, and the setup callback a one-time code in its query), the delivery id and the event name.

mod app_slot;
pub(crate) mod metrics;
pub(crate) mod reports;
pub(crate) mod setup;
mod webhook_handler;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, State};
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use tokio::sync::{Notify, broadcast};
use tower_http::trace::TraceLayer;
use url::Url;

pub(crate) use crate::report_link::ReportKey;
use crate::serve_config::ServeConfig;
use crate::store::{JobId, Store};
use crate::webhook::RoutingPolicy;
pub use app_slot::AppSlot;
pub(crate) use metrics::DeliveryCounters;

/// GitHub caps webhook payloads at 25 MB; anything larger is refused with 413 before it is read.
pub const MAX_WEBHOOK_BODY: usize = 25 * 1024 * 1024;

/// Everything the handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// The app's credentials: webhooks are verified with its secrets and routed with its id; empty in
    /// set-up mode.
    pub app: AppSlot,
    /// `ATO_RUN_DRAFTS`.
    pub run_drafts: bool,
    /// Holds `reports/{run}/report.html` (and `ato.db`).
    pub data_dir: PathBuf,
    pub public_url: Url,
    pub github_api_url: Url,
    /// Signs report links ([`ReportKey::token`]) and setup-flow states.
    pub report_key: ReportKey,
    pub counters: Arc<DeliveryCounters>,
    /// Notified once per queued job (`notify_one`, so a wake-up is never lost): a worker calls `claim_next`
    /// until it returns `None`, then waits on `job_wakeup.notified()` — with a timeout, as a fallback.
    pub job_wakeup: Arc<Notify>,
    /// Ids of jobs cancelled because a newer push superseded them: the worker kills their containers.
    /// (The store is the truth — `is_cancelled` — this only makes it prompt.)
    pub cancellations: broadcast::Sender<JobId>,
    /// For the setup callback's call to GitHub.
    pub http: reqwest::Client,
}

impl AppState {
    /// How webhooks of `app_id` are routed.
    pub fn policy(&self, app_id: u64) -> RoutingPolicy {
        RoutingPolicy {
            app_id,
            run_drafts: self.run_drafts,
        }
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the HTTP server failed: {0}")]
    Serve(std::io::Error),
    #[error("report-link key: {0}")]
    ReportKey(#[from] crate::report_link::ReportKeyError),
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

impl AppState {
    /// Builds the state from the settings and an opened store; creates the report-link key on first start.
    pub fn new(config: &ServeConfig, store: Store) -> Result<AppState, ServeError> {
        let report_key = ReportKey::load_or_create(&config.data_dir)?;
        let http = reqwest::Client::builder()
            .user_agent(concat!("ato/", env!("CARGO_PKG_VERSION")))
            .timeout(std::time::Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(AppState {
            store,
            app: AppSlot::new(config.app.clone()),
            run_drafts: config.run_drafts,
            data_dir: config.data_dir.clone(),
            public_url: config.public_url.clone(),
            github_api_url: config.github_api_url.clone(),
            report_key,
            counters: Arc::new(DeliveryCounters::default()),
            job_wakeup: Arc::new(Notify::new()),
            cancellations: broadcast::channel(1024).0,
            http,
        })
    }
}

/// The router of `ato serve`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/webhook",
            post(webhook_handler::receive).layer(DefaultBodyLimit::max(MAX_WEBHOOK_BODY)),
        )
        .route("/", get(setup::home))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::render))
        .route("/reports/{run}/{token}", get(reports::serve_report))
        .route(
            "/reports/{run}/{token}/results.json",
            get(reports::serve_results),
        )
        .route("/setup", get(setup::start))
        .route("/setup/callback", get(setup::callback))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// Serves `router(state)` on `bind` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    state: AppState,
    bind: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|source| ServeError::Bind { addr: bind, source })?;
    serve_listener(listener, state, shutdown).await
}

/// Serves `router(state)` on an already bound listener (tests and benchmarks bind 127.0.0.1:0).
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "ato serve listening");
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServeError::Serve)
}

/// Completes on Ctrl-C or SIGTERM (what `docker stop` and systemd send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.check().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

/// The span of one request: route template, delivery id and event (headers GitHub sets; values are bounded
/// so a hostile sender cannot flood the log).
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(64).collect::<String>())
    };
    tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        delivery = header("x-github-delivery").as_deref().unwrap_or(""),
        event = header("x-github-event").as_deref().unwrap_or(""),
    )
}
