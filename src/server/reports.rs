//! `GET /reports/{run}/{token}`: the HTML report of a run, behind a link that can be shared but not guessed
//! ([`crate::report_link`]); `GET /reports/{run}/{token}/results.json`: the same run's results, the status
//! API (the schema of `results.json`, [`crate::model`]). Any refusal is the same 404, so a prober learns
//! nothing about which part was wrong.

use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::ids::RunId;
use crate::report_link::report_dir;

/// Headers that keep a report page inert: no scripts, nothing fetched, and the token-bearing URL never sent as a
/// referrer.
const REPORT_HEADERS: [(header::HeaderName, &str); 4] = [
    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
];

/// Headers of the results: JSON, never sniffed as anything else, the link never sent as a referrer.
const RESULTS_HEADERS: [(header::HeaderName, &str); 3] = [
    (header::CONTENT_TYPE, "application/json"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
];

pub(super) async fn serve_report(
    State(state): State<AppState>,
    UrlPath((run_id, token)): UrlPath<(String, String)>,
) -> Response {
    serve_file(
        &state,
        &run_id,
        &token,
        crate::report::REPORT_HTML,
        REPORT_HEADERS,
    )
    .await
}

pub(super) async fn serve_results(
    State(state): State<AppState>,
    UrlPath((run_id, token)): UrlPath<(String, String)>,
) -> Response {
    serve_file(
        &state,
        &run_id,
        &token,
        crate::report::RESULTS_JSON,
        RESULTS_HEADERS,
    )
    .await
}

async fn serve_file<const N: usize>(
    state: &AppState,
    run_id: &str,
    token: &str,
    name: &str,
    headers: [(header::HeaderName, &'static str); N],
) -> Response {
    let Some(run_id) = RunId::parse(run_id) else {
        return not_found();
    };
    if !state.report_key.verify(&run_id, token) {
        return not_found();
    }
    let path = report_dir(&state.data_dir, &run_id).join(name);
    match tokio::fs::read(&path).await {
        Ok(body) => (headers, body).into_response(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => not_found(),
        Err(error) => {
            tracing::error!(%error, %run_id, "cannot read a report");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot read the report\n",
            )
                .into_response()
        }
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such report\n").into_response()
}
