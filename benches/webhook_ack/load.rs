//! The load generator: signed deliveries sent on a fixed schedule (open loop), wrk2-style.
//!
//! A pacing thread sleeps until each request's due time (`std::thread::sleep`, accurate to tens of µs, where
//! a tokio timer would round every wait up to the next millisecond) and hands the request to a one-thread
//! tokio runtime that sends it on a pooled keep-alive connection. It never waits for an answer before sending
//! the next request, so a slow server gets more concurrent requests, as it would from GitHub. Latency is
//! counted from the due time, so a stall shows in every request it delayed (no coordinated omission); the
//! time from the actual send and the pacer's own lateness are kept too, to tell the server from the client.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::runtime::Handle;
use tokio::sync::mpsc;

/// One request's timings.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// When the request was due, from the start of the run.
    pub due_at: Duration,
    /// Due time → answer read: the latency the sender sees on a fixed schedule.
    pub from_due: Duration,
    /// Actual send → answer read: the server's service time plus loopback.
    pub from_send: Duration,
    /// Due time → send: the generator's own lateness.
    pub send_lag: Duration,
}

/// The result of one run.
pub struct Outcome {
    pub samples: Vec<Sample>,
    /// One line per failed request (transport error or a status other than 202).
    pub errors: Vec<String>,
    /// First due time → last answer.
    pub elapsed: Duration,
}

/// The sample payload around its PR number, so every request is a different delivery of a different PR,
/// signed by the generator with the webhook secret as GitHub would.
pub struct Deliveries {
    pub prefix: String,
    pub suffix: String,
    /// `(X-GitHub-Delivery, X-Hub-Signature-256, PR number)` per request, signed before the run so no
    /// HMAC is computed while it is measured.
    pub signed: Vec<(String, String, u64)>,
}

impl Deliveries {
    pub fn new(
        prefix: &str,
        suffix: &str,
        id_prefix: &str,
        first_number: u64,
        count: usize,
        secret: &[u8],
    ) -> Self {
        let signed = (0..count)
            .map(|i| {
                let number = first_number + i as u64;
                let body = format!("{prefix}{number}{suffix}");
                let signature = ato::webhook::signature::sign(secret, body.as_bytes());
                (format!("{id_prefix}-{i}"), signature, number)
            })
            .collect();
        Deliveries {
            prefix: prefix.to_owned(),
            suffix: suffix.to_owned(),
            signed,
        }
    }

    pub fn body_len(&self) -> usize {
        self.signed.first().map_or(0, |(_, _, n)| {
            self.prefix.len() + n.to_string().len() + self.suffix.len()
        })
    }
}

/// Sends every delivery to `url` at `rate` per second, starting a little after the call, and waits for the
/// last answer. `runtime` runs the HTTP client; this thread paces.
pub fn run(
    runtime: &tokio::runtime::Runtime,
    client: &reqwest::Client,
    url: &str,
    deliveries: Deliveries,
    rate: u64,
) -> Outcome {
    let interval = Duration::from_nanos(1_000_000_000 / rate.max(1));
    let (results, mut received) = mpsc::unbounded_channel::<Result<Sample, String>>();
    let count = deliveries.signed.len();
    let start = Instant::now() + Duration::from_millis(20);
    let pacer = {
        let (handle, client, url) = (
            runtime.handle().clone(),
            client.clone(),
            Arc::<str>::from(url),
        );
        std::thread::Builder::new()
            .name("pacer".into())
            .spawn(move || {
                pace(
                    &handle, &client, &url, deliveries, start, interval, &results,
                )
            })
            .expect("start the pacing thread")
    };
    let mut samples = Vec::with_capacity(count);
    let mut errors = Vec::new();
    runtime.block_on(async {
        while let Some(result) = received.recv().await {
            match result {
                Ok(sample) => samples.push(sample),
                Err(error) => errors.push(error),
            }
        }
    });
    let elapsed = start.elapsed();
    pacer.join().expect("the pacing thread");
    Outcome {
        samples,
        errors,
        elapsed,
    }
}

fn pace(
    handle: &Handle,
    client: &reqwest::Client,
    url: &Arc<str>,
    deliveries: Deliveries,
    start: Instant,
    interval: Duration,
    results: &mpsc::UnboundedSender<Result<Sample, String>>,
) {
    let Deliveries {
        prefix,
        suffix,
        signed,
    } = deliveries;
    for (i, (delivery, signature, number)) in signed.into_iter().enumerate() {
        // Built before the wait, so the send itself is only a hand-over.
        let body = Bytes::from(format!("{prefix}{number}{suffix}"));
        let due = start + interval * i as u32;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let (client, url, results) = (client.clone(), Arc::clone(url), results.clone());
        handle.spawn(async move {
            let sent = Instant::now();
            let result = send(&client, &url, &delivery, &signature, body)
                .await
                .map(|()| {
                    let done = Instant::now();
                    Sample {
                        due_at: due - start,
                        from_due: done - due,
                        from_send: done - sent,
                        send_lag: sent.saturating_duration_since(due),
                    }
                })
                .map_err(|e| format!("{delivery}: {e}"));
            let _ = results.send(result);
        });
    }
}

async fn send(
    client: &reqwest::Client,
    url: &str,
    delivery: &str,
    signature: &str,
    body: Bytes,
) -> Result<(), String> {
    let response = client
        .post(url)
        .header("x-github-event", "pull_request")
        .header("x-github-delivery", delivery)
        .header("x-hub-signature-256", signature)
        .header("content-type", "application/json")
        .header("user-agent", "GitHub-Hookshot/bench")
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    // Read the answer to its end, so the connection goes back to the pool.
    response.bytes().await.map_err(|e| e.to_string())?;
    match status.as_u16() {
        202 => Ok(()),
        other => Err(format!("status {other}")),
    }
}
