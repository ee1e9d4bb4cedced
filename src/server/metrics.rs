//! `GET /metrics` in the Prometheus text format.
//!
//! Webhook deliveries are counted in memory (since the process started, as Prometheus counters are): most
//! refused deliveries are never stored, so that a flood of forged requests cannot fill the disk. Job numbers
//! come from the store, so they agree with the queue and survive restarts.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::store::JobStats;

/// What became of a webhook delivery (the `outcome` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// Recorded and it queued jobs or changed installations.
    Accepted,
    /// A redelivery of an id already recorded.
    Duplicate,
    /// Recorded; nothing to do (unhandled event or action, draft, ping, ...).
    Ignored,
    BadSignature,
    BadPayload,
    TooLarge,
    /// The store failed (our fault): answered 503 so GitHub may redeliver.
    StoreError,
    /// No app credentials yet (set-up mode): answered 503.
    NotSetUp,
}

impl DeliveryOutcome {
    pub const ALL: [DeliveryOutcome; 8] = [
        DeliveryOutcome::Accepted,
        DeliveryOutcome::Duplicate,
        DeliveryOutcome::Ignored,
        DeliveryOutcome::BadSignature,
        DeliveryOutcome::BadPayload,
        DeliveryOutcome::TooLarge,
        DeliveryOutcome::StoreError,
        DeliveryOutcome::NotSetUp,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DeliveryOutcome::Accepted => "accepted",
            DeliveryOutcome::Duplicate => "duplicate",
            DeliveryOutcome::Ignored => "ignored",
            DeliveryOutcome::BadSignature => "bad_signature",
            DeliveryOutcome::BadPayload => "bad_payload",
            DeliveryOutcome::TooLarge => "too_large",
            DeliveryOutcome::StoreError => "store_error",
            DeliveryOutcome::NotSetUp => "not_set_up",
        }
    }
}

/// Delivery counters, one per outcome.
#[derive(Debug, Default)]
pub struct DeliveryCounters {
    counts: [AtomicU64; DeliveryOutcome::ALL.len()],
}

impl DeliveryCounters {
    pub fn add(&self, outcome: DeliveryOutcome) {
        self.counts[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self, outcome: DeliveryOutcome) -> u64 {
        self.counts[outcome as usize].load(Ordering::Relaxed)
    }
}

pub(super) async fn render(State(state): State<AppState>) -> Response {
    match state.store.job_stats().await {
        Ok(stats) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            render_text(&state.counters, &stats),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "metrics: cannot read job numbers");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// The exposition text (pure, so it is tested without a server).
pub fn render_text(counters: &DeliveryCounters, stats: &JobStats) -> String {
    let mut out = String::new();
    out.push_str("# HELP ato_webhook_deliveries_total Webhook deliveries received, by outcome.\n");
    out.push_str("# TYPE ato_webhook_deliveries_total counter\n");
    for outcome in DeliveryOutcome::ALL {
        let _ = writeln!(
            out,
            "ato_webhook_deliveries_total{{outcome=\"{}\"}} {}",
            outcome.label(),
            counters.get(outcome)
        );
    }
    out.push_str("# HELP ato_jobs Jobs in the store, by state.\n");
    out.push_str("# TYPE ato_jobs gauge\n");
    for (state, count) in &stats.by_state {
        let _ = writeln!(out, "ato_jobs{{state=\"{}\"}} {count}", state.as_str());
    }
    out.push_str(
        "# HELP ato_job_duration_seconds Run time of finished (succeeded or failed) jobs.\n",
    );
    out.push_str("# TYPE ato_job_duration_seconds histogram\n");
    for (bound, count) in &stats.duration_buckets {
        let le = if bound.is_infinite() {
            "+Inf".to_owned()
        } else {
            bound.to_string()
        };
        let _ = writeln!(
            out,
            "ato_job_duration_seconds_bucket{{le=\"{le}\"}} {count}"
        );
    }
    let _ = writeln!(
        out,
        "ato_job_duration_seconds_sum {}",
        stats.duration_sum_secs
    );
    let _ = writeln!(
        out,
        "ato_job_duration_seconds_count {}",
        stats.duration_count
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::JobState;

    #[test]
    fn text_has_every_series() {
        let counters = DeliveryCounters::default();
        counters.add(DeliveryOutcome::Accepted);
        counters.add(DeliveryOutcome::Accepted);
        counters.add(DeliveryOutcome::TooLarge);
        let stats = JobStats {
            by_state: JobState::ALL.iter().map(|s| (*s, 1)).collect(),
            duration_buckets: vec![(1.0, 0), (5.0, 2), (f64::INFINITY, 3)],
            duration_count: 3,
            duration_sum_secs: 12.5,
        };
        let text = render_text(&counters, &stats);
        assert!(
            text.contains("ato_webhook_deliveries_total{outcome=\"accepted\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("ato_webhook_deliveries_total{outcome=\"too_large\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("ato_webhook_deliveries_total{outcome=\"bad_signature\"} 0\n"),
            "{text}"
        );
        assert!(text.contains("ato_jobs{state=\"cancelled\"} 1\n"), "{text}");
        assert!(
            text.contains("ato_job_duration_seconds_bucket{le=\"5\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("ato_job_duration_seconds_bucket{le=\"+Inf\"} 3\n"),
            "{text}"
        );
        assert!(
            text.contains("ato_job_duration_seconds_sum 12.5\n"),
            "{text}"
        );
        assert!(
            text.contains("ato_job_duration_seconds_count 3\n"),
            "{text}"
        );
    }
}
