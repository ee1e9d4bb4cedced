//! Webhook acknowledgement latency under a fixed load.
//!
//! Starts the real server on 127.0.0.1 with a temporary data directory (SQLite in WAL mode with
//! `synchronous=NORMAL`, every delivery committed before the answer), then sends signed ~28 KB `pull_request`
//! deliveries (the shared `opened` payload, a different PR number and delivery id each) at a fixed rate of
//! 1,000 per second for 10 seconds from concurrent in-process clients. Latency is measured from the moment a
//! request was due, not when a client got round to it, so a stalled server cannot hide its queue
//! ("coordinated omission"). Prints p50/p99/max, achieved throughput, and the process RSS when idle.
//!
//! Run with `cargo bench --bench webhook_ack` (`ATO_BENCH_DURABILITY=full` for synchronous=FULL,
//! `ATO_BENCH_BASELINE=1` for the HTTP stack alone). The clients
//! share the process and its CPUs with the server, so on a busy machine the tail mostly measures scheduling.
//! Bounded: at most `REQUESTS` requests and `DEADLINE` overall.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ato::serve_config::ServeConfig;
use ato::server::{AppState, serve_listener};
use ato::store::{DATABASE_FILE, Durability, Store};
use ato::webhook::signature::sign;

const RATE_PER_SEC: u64 = 1_000;
const SECONDS: u64 = 10;
const REQUESTS: usize = (RATE_PER_SEC * SECONDS) as usize;
const CLIENTS: usize = 64;
const DEADLINE: Duration = Duration::from_secs(60);
const SECRET: &str = "bench-secret";
const NUMBER_MARK: u64 = 987_654_321;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("data");
    let vars: HashMap<String, String> = [
        ("GITHUB_APP_ID", "1"),
        (
            "GITHUB_PRIVATE_KEY",
            "-----BEGIN RSA PRIVATE KEY-----\nX\n-----END RSA PRIVATE KEY-----",
        ),
        ("GITHUB_WEBHOOK_SECRET", SECRET),
        ("ATO_PUBLIC_URL", "http://127.0.0.1"),
        ("ATO_DATA_DIR", data_dir.to_str().expect("utf-8 temp path")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let config = ServeConfig::from_map(&vars).expect("bench config");
    // ATO_BENCH_DURABILITY=full measures synchronous=FULL (an fsync per delivery) instead of NORMAL.
    let full = std::env::var("ATO_BENCH_DURABILITY").is_ok_and(|v| v == "full");
    let durability = if full {
        Durability::Full
    } else {
        Durability::Normal
    };
    let store = Store::open_file(&config.data_dir.join(DATABASE_FILE), durability)
        .await
        .expect("store");
    let state = AppState::new(&config, store.clone()).expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("http://{}/webhook", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // ATO_BENCH_BASELINE=1 serves a route that only reads the body and answers 202: the cost of HTTP and of
    // the clients alone, to subtract from a normal run to get the cost of verifying, parsing and storing.
    let baseline = std::env::var_os("ATO_BENCH_BASELINE").is_some();
    let shutdown = async {
        let _ = stopped.await;
    };
    let server = if baseline {
        let app = axum::Router::new()
            .route(
                "/webhook",
                axum::routing::post(|_body: axum::body::Bytes| async {
                    axum::http::StatusCode::ACCEPTED
                }),
            )
            .layer(axum::extract::DefaultBodyLimit::max(25 * 1024 * 1024));
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
                .map_err(ato::server::ServeError::Serve)
        })
    } else {
        tokio::spawn(serve_listener(listener, state, shutdown))
    };

    let (prefix, suffix) = payload_template();
    println!(
        "payload: {} bytes; {REQUESTS} requests at {RATE_PER_SEC}/s from {CLIENTS} clients",
        prefix.len() + suffix.len() + 3
    );
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(CLIENTS)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    // Warm up the connections and the database (not measured), then read the idle footprint.
    for i in 0..CLIENTS {
        let body = format!("{prefix}{}{suffix}", 1_000_000 + i);
        send(&client, &url, &format!("warm-{i}"), body)
            .await
            .expect("warm-up request");
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let idle_rss = rss_kib();
    let cpu_before = cpu_ticks();

    let next = Arc::new(AtomicUsize::new(0));
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let interval = Duration::from_nanos(1_000_000_000 / RATE_PER_SEC);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, next) = (client.clone(), url.clone(), Arc::clone(&next));
        let (prefix, suffix) = (prefix.clone(), suffix.clone());
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut failures = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= REQUESTS || start.elapsed() > DEADLINE {
                    break;
                }
                let due = start + interval * i as u32;
                tokio::time::sleep_until(due).await;
                let body = format!("{prefix}{i}{suffix}");
                let sent = tokio::time::Instant::now();
                match send(&client, &url, &format!("bench-{i}"), body).await {
                    Ok(()) => samples.push((due.elapsed(), sent.elapsed())),
                    Err(e) => {
                        failures += 1;
                        eprintln!("request {i}: {e}");
                    }
                }
            }
            (samples, failures)
        }));
    }
    let mut from_due = Vec::with_capacity(REQUESTS);
    let mut from_send = Vec::with_capacity(REQUESTS);
    let mut failures = 0;
    for task in tasks {
        let (samples, f) = task.await.expect("client task");
        for (due, sent) in samples {
            from_due.push(due);
            from_send.push(sent);
        }
        failures += f;
    }
    let elapsed = start.elapsed();
    let loaded_rss = rss_kib();
    let cpu_used = cpu_ticks()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let stats = store.job_stats().await.expect("job stats");
    let jobs: u64 = stats.by_state.iter().map(|(_, n)| n).sum();

    let acknowledged = from_due.len();
    println!(
        "completed: {} ok, {failures} failed, in {:.2} s",
        from_due.len(),
        elapsed.as_secs_f64()
    );
    println!(
        "throughput: {:.0} req/s",
        from_due.len() as f64 / elapsed.as_secs_f64()
    );
    print_latency(
        "latency from due time (includes client timer lag)",
        from_due,
    );
    print_latency("latency from send (server acknowledgement)", from_send);
    if let Some(ticks) = cpu_used {
        // Clock ticks are 1/100 s on Linux.
        let per_request_us = ticks as f64 * 10_000.0 / acknowledged.max(1) as f64;
        println!("cpu (server and clients together): {per_request_us:.0} us per request");
    }
    println!(
        "rss: idle {} KiB, after load {} KiB",
        idle_rss.unwrap_or(0),
        loaded_rss.unwrap_or(0)
    );
    println!("jobs in store: {jobs} (expected {})", REQUESTS + CLIENTS);
    let sync = if full { "FULL" } else { "NORMAL" };
    println!("storage: SQLite WAL, synchronous={sync}, one committed transaction per delivery");
    let _ = stop.send(());
    let _ = server.await;
    drop(dir);
    assert_eq!(failures, 0, "every request must be acknowledged");
    if !baseline {
        assert_eq!(
            jobs as usize,
            REQUESTS + CLIENTS,
            "every delivery must be stored"
        );
    }
}

async fn send(
    client: &reqwest::Client,
    url: &str,
    delivery: &str,
    body: String,
) -> Result<(), String> {
    let signature = sign(SECRET.as_bytes(), body.as_bytes());
    let response = client
        .post(url)
        .header("x-github-event", "pull_request")
        .header("x-github-delivery", delivery)
        .header("x-hub-signature-256", signature)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    match response.status().as_u16() {
        202 => Ok(()),
        other => Err(format!("status {other}")),
    }
}

/// The shared `opened` payload split around its PR number, so each request can carry another number.
fn payload_template() -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/webhooks/pull_request/opened.payload.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("payload JSON");
    value["number"] = NUMBER_MARK.into();
    let pretty = serde_json::to_string_pretty(&value).expect("serialise");
    let (prefix, suffix) = pretty
        .split_once(&NUMBER_MARK.to_string())
        .expect("number mark present");
    (prefix.to_owned(), suffix.to_owned())
}

fn print_latency(what: &str, mut samples: Vec<Duration>) {
    samples.sort_unstable();
    let Some(max) = samples.last() else { return };
    let pct = |p: f64| samples[((samples.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    println!(
        "{what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(pct(0.50)),
        ms(pct(0.99)),
        ms(*max)
    );
}

/// utime + stime of this process, in clock ticks, from /proc/self/stat.
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
