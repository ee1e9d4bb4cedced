//! The app's router alone, in the test process: the real router and store on 127.0.0.1:0 with a temporary
//! data directory and no workers, driven by a real HTTP client in the same language as [`super::TestApp`]
//! (deliver, expect), with everything ato logs captured so tests can look for leaked secrets.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use ato::serve_config::ServeConfig;
use ato::server::{AppState, serve_listener};
use ato::store::{Job, Store};

use crate::support::webhooks::{Delivery, WebhookClient};

pub const SECRET: &str = "It's a Secret to Everybody";
pub const OLD_SECRET: &str = "the-previous-secret";
/// The app id of the sample check_suite payloads, so their re-run requests are "ours".
const APP_ID: &str = "29310";
/// The head of the sample pull request payloads.
pub const HEAD: &str = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

pub struct Harness {
    pub base: String,
    pub client: reqwest::Client,
    webhook: WebhookClient,
    pub state: AppState,
    pub data_dir: PathBuf,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub async fn start() -> Harness {
    start_with(&[]).await
}

pub async fn start_with(extra: &[(&str, &str)]) -> Harness {
    captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let mut vars: HashMap<String, String> = [
        ("GITHUB_APP_ID", APP_ID),
        (
            "GITHUB_PRIVATE_KEY",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
        ),
        ("GITHUB_WEBHOOK_SECRET", &format!("{OLD_SECRET},{SECRET}")),
        ("ATO_PUBLIC_URL", "https://ato.example.org"),
        ("ATO_DATA_DIR", data_dir.to_str().unwrap()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    let config = ServeConfig::from_map(&vars).unwrap();
    let store = Store::open(&config.data_dir).await.unwrap();
    let state = AppState::new(&config, store).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = state.clone();
    let server = tokio::spawn(async move {
        serve_listener(listener, served, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    Harness {
        webhook: WebhookClient::new(&base, SECRET),
        base,
        client,
        state,
        data_dir,
        _dir: dir,
        stop: Some(stop),
        server: Some(server),
    }
}

impl Harness {
    /// Asks the server to shut down gracefully and waits (bounded) until it has.
    pub async fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let server = self.server.take().expect("server running");
        tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .expect("the server stops within 10 s")
            .expect("the server task ends cleanly");
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// Posts `delivery` and returns the status and text of the answer.
    pub async fn send(&self, delivery: Delivery) -> (u16, String) {
        let answer = self.webhook.send(delivery).await;
        (answer.status, answer.body)
    }

    /// Posts `delivery` and asserts the answer's status; returns its text.
    pub async fn send_expecting(&self, delivery: Delivery, status: u16) -> String {
        self.webhook.send_expecting(delivery, status).await
    }

    /// Delivers and asserts `202 Accepted`.
    pub async fn deliver(&self, delivery: Delivery) {
        self.webhook.deliver(delivery).await;
    }

    /// Delivers and asserts `200` (ignored, or a duplicate); returns the answer's text.
    pub async fn deliver_ignored(&self, delivery: Delivery) -> String {
        self.webhook.deliver_ignored(delivery).await
    }

    /// The one job delivery `id` made.
    pub async fn expect_job(&self, id: &str) -> Job {
        let mut jobs = self.store().jobs_for_delivery(id).await.unwrap();
        assert_eq!(jobs.len(), 1, "one job for delivery {id}: {jobs:#?}");
        jobs.remove(0)
    }

    /// `/metrics` has every line of `lines`; returns the whole text.
    pub async fn expect_metrics(&self, lines: &[&str]) -> String {
        let text = self.metrics().await;
        for line in lines {
            assert!(
                text.lines().any(|l| l == *line),
                "{line} missing from /metrics:\n{text}"
            );
        }
        text
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn metrics(&self) -> String {
        self.get("/metrics").await.text().await.unwrap()
    }
}

static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

/// Everything ato and its HTTP layer logged (at trace level) in this test binary so far: every test server
/// logs here, so tests can assert that no secret or token ever reaches the log.
pub fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buffer);
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("ato=trace,tower_http=trace")
            .with_ansi(false)
            .with_writer(move || LogSink(Arc::clone(&sink)))
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("one global subscriber per test binary");
        buffer
    })
    .clone()
}

pub fn log_text() -> String {
    String::from_utf8_lossy(&captured_logs().lock().unwrap()).into_owned()
}

struct LogSink(Arc<Mutex<Vec<u8>>>);

impl Write for LogSink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
