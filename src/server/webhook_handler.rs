//! `POST /webhook`: size cap → signature → headers → payload → one committed transaction → answer.
//!
//! Answers: 202 when jobs were queued or installations changed, 200 for a redelivery or a delivery that needs
//! no work, 401 bad or missing signature, 413 over 25 MB, 400 unreadable payload. Nothing the sender controls
//! can cause a 5xx; only a store failure (ours) answers 503, so GitHub shows it and the delivery can be
//! redelivered. The body of an error answer is short and generic; the detail goes to the log.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::metrics::DeliveryOutcome;
use crate::serve_config::WebhookSecrets;
use crate::store::Recorded;
use crate::webhook::signature::{self, SignatureError};
use crate::webhook::{Parsed, PayloadError, RoutingPolicy, WebhookEvent, intake_for, parse_event};

/// Bodies larger than this are verified and parsed on the blocking pool, not on the async runtime.
const INLINE_BODY_LIMIT: usize = 64 * 1024;

/// A delivery that passed every check.
struct Checked {
    delivery_id: String,
    event_name: String,
    parsed: Parsed,
}

/// Why a delivery was refused before reaching the store.
enum Refusal {
    Signature(SignatureError),
    Header(&'static str),
    Payload(PayloadError),
}

pub(super) async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            tracing::warn!("webhook refused: body over 25 MB");
            return answer(
                &state,
                DeliveryOutcome::TooLarge,
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload too large",
            );
        }
        Err(rejection) => {
            tracing::warn!(error = %rejection, "webhook refused: body could not be read");
            return answer(
                &state,
                DeliveryOutcome::BadPayload,
                StatusCode::BAD_REQUEST,
                "unreadable body",
            );
        }
    };
    let Some(app) = state.app.current() else {
        tracing::warn!("webhook refused: no GitHub App yet; open /setup to create it");
        return answer(
            &state,
            DeliveryOutcome::NotSetUp,
            StatusCode::SERVICE_UNAVAILABLE,
            "ato is not set up yet",
        );
    };
    let policy = state.policy(app.app_id);
    let checked = if body.len() <= INLINE_BODY_LIMIT {
        check(&app.webhook_secrets, &policy, &headers, &body)
    } else {
        let secrets = app.webhook_secrets.clone();
        match tokio::task::spawn_blocking(move || check(&secrets, &policy, &headers, &body)).await {
            Ok(checked) => checked,
            Err(error) => {
                tracing::error!(%error, "webhook check task failed");
                return answer(
                    &state,
                    DeliveryOutcome::StoreError,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "try again",
                );
            }
        }
    };
    let checked = match checked {
        Ok(checked) => checked,
        Err(Refusal::Signature(error)) => {
            tracing::warn!(%error, "webhook refused: signature");
            return answer(
                &state,
                DeliveryOutcome::BadSignature,
                StatusCode::UNAUTHORIZED,
                "bad signature",
            );
        }
        Err(Refusal::Header(problem)) => {
            tracing::warn!(problem, "webhook refused: headers");
            return answer(
                &state,
                DeliveryOutcome::BadPayload,
                StatusCode::BAD_REQUEST,
                problem,
            );
        }
        Err(Refusal::Payload(error)) => {
            tracing::warn!(%error, "webhook refused: payload");
            return answer(
                &state,
                DeliveryOutcome::BadPayload,
                StatusCode::BAD_REQUEST,
                "unreadable payload",
            );
        }
    };
    record(&state, checked).await
}

async fn record(state: &AppState, checked: Checked) -> Response {
    let Checked {
        delivery_id,
        event_name,
        parsed,
    } = checked;
    let ignored = matches!(parsed.event, WebhookEvent::Ignored(_) | WebhookEvent::Ping);
    let intake = intake_for(
        &delivery_id,
        &event_name,
        parsed.action.as_deref(),
        parsed.event,
    );
    let outcome_text = intake.delivery.outcome.clone();
    match state.store.record_delivery_with_jobs(intake).await {
        Ok(Recorded::Duplicate) => {
            tracing::info!("webhook: redelivery of a recorded delivery; nothing to do");
            answer(
                state,
                DeliveryOutcome::Duplicate,
                StatusCode::OK,
                "duplicate delivery",
            )
        }
        Ok(Recorded::New {
            job_ids,
            superseded,
        }) => {
            tracing::info!(outcome = %outcome_text, jobs = ?job_ids, superseded = ?superseded, "webhook recorded");
            for id in superseded {
                // No receiver (no worker yet) is fine: the store holds the cancellation.
                let _ = state.cancellations.send(id);
            }
            // One permit per job: each wakes one idle worker, or waits for the next one to look.
            for _ in &job_ids {
                state.job_wakeup.notify_one();
            }
            if ignored {
                answer(
                    state,
                    DeliveryOutcome::Ignored,
                    StatusCode::OK,
                    &outcome_text,
                )
            } else {
                answer(
                    state,
                    DeliveryOutcome::Accepted,
                    StatusCode::ACCEPTED,
                    "accepted",
                )
            }
        }
        Err(error) => {
            tracing::error!(%error, "webhook: cannot record the delivery");
            answer(
                state,
                DeliveryOutcome::StoreError,
                StatusCode::SERVICE_UNAVAILABLE,
                "try again later",
            )
        }
    }
}

/// Signature first (nothing of the body is read before it is verified), then the headers, then the payload.
fn check(
    secrets: &WebhookSecrets,
    policy: &RoutingPolicy,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Checked, Refusal> {
    let sha256 = headers.get("x-hub-signature-256").map(|v| v.as_bytes());
    let sha1_present = headers.contains_key("x-hub-signature");
    signature::verify(secrets, sha256, sha1_present, body).map_err(Refusal::Signature)?;
    let event_name = header_text(headers, "x-github-event", 64, |b| {
        b.is_ascii_lowercase() || b == b'_'
    })
    .ok_or(Refusal::Header("missing or invalid X-GitHub-Event"))?;
    let delivery_id = header_text(headers, "x-github-delivery", 100, |b| {
        b.is_ascii_alphanumeric() || b == b'-'
    })
    .ok_or(Refusal::Header("missing or invalid X-GitHub-Delivery"))?;
    let parsed = parse_event(&event_name, body, policy).map_err(Refusal::Payload)?;
    Ok(Checked {
        delivery_id,
        event_name,
        parsed,
    })
}

fn header_text(
    headers: &HeaderMap,
    name: &str,
    max: usize,
    allowed: impl Fn(u8) -> bool,
) -> Option<String> {
    let value = headers.get(name)?.as_bytes();
    let ok = !value.is_empty() && value.len() <= max && value.iter().all(|b| allowed(*b));
    ok.then(|| String::from_utf8_lossy(value).into_owned())
}

fn answer(
    state: &AppState,
    outcome: DeliveryOutcome,
    status: StatusCode,
    message: &str,
) -> Response {
    state.counters.add(outcome);
    (status, format!("{message}\n")).into_response()
}
