//! Webhook deliveries as GitHub sends them: GitHub's sample payloads (`tests/fixtures/webhooks/`, see the README
//! there), a [`Delivery`] made from one (or from any bytes), signed with `X-Hub-Signature-256` and posted over
//! real HTTP by a [`WebhookClient`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// The folder of GitHub's sample payloads: `{event}/{action}….json`.
pub fn samples_dir() -> PathBuf {
    super::fixture("webhooks")
}

/// The bytes of a sample payload, `relative` as `event/file` (e.g. `pull_request/opened.payload.json`).
pub fn sample(relative: &str) -> Vec<u8> {
    let path = samples_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("sample payload {}: {e}", path.display()))
}

/// A sample payload as JSON, to change before sending.
pub fn sample_json(relative: &str) -> Value {
    serde_json::from_slice(&sample(relative)).expect("a sample payload is JSON")
}

/// Every `*.json` sample, as `event/file`, sorted.
pub fn all_samples() -> Vec<String> {
    let root = samples_dir();
    let mut found = Vec::new();
    let events = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    for event in events.map(Result::unwrap).filter(|e| e.path().is_dir()) {
        for file in std::fs::read_dir(event.path()).unwrap().map(Result::unwrap) {
            let name = file.file_name().into_string().unwrap();
            if name.ends_with(".json") {
                let event = event.file_name().into_string().unwrap();
                found.push(format!("{event}/{name}"));
            }
        }
    }
    found.sort();
    found
}

/// `sha256=<hex>`: GitHub's `X-Hub-Signature-256` of `body` with `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length works");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// How a delivery is signed.
#[derive(Debug, Clone)]
enum Signature {
    /// With the receiving app's secret, as GitHub would.
    AppSecret,
    /// With another secret.
    Secret(Vec<u8>),
    /// This `X-Hub-Signature-256` header verbatim, or none.
    Header(Option<String>),
}

/// One webhook delivery: event, delivery id (unique unless set), body and how it is signed.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub event: String,
    pub id: String,
    pub body: Vec<u8>,
    signature: Signature,
}

impl Delivery {
    /// `body` as event `event`, signed with the app's secret, with a fresh delivery id.
    pub fn raw(event: &str, body: &[u8]) -> Delivery {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Delivery {
            event: event.to_owned(),
            id: format!("delivery-{}", NEXT.fetch_add(1, Ordering::Relaxed)),
            body: body.to_vec(),
            signature: Signature::AppSecret,
        }
    }

    /// A JSON payload as event `event`.
    pub fn json(event: &str, payload: &Value) -> Delivery {
        Delivery::raw(
            event,
            &serde_json::to_vec(payload).expect("JSON serialises"),
        )
    }

    /// A sample payload unchanged (`event/file`; the folder is the event).
    pub fn sample(relative: &str) -> Delivery {
        let event = relative.split('/').next().expect("event/file");
        Delivery::raw(event, &sample(relative))
    }

    /// The delivery id (`X-GitHub-Delivery`).
    pub fn id(mut self, id: &str) -> Delivery {
        self.id = id.to_owned();
        self
    }

    /// Signed with `secret` instead of the app's.
    pub fn signed_with(mut self, secret: &[u8]) -> Delivery {
        self.signature = Signature::Secret(secret.to_vec());
        self
    }

    /// This signature header verbatim (`None`: no header at all).
    pub fn signature(mut self, header: Option<&str>) -> Delivery {
        self.signature = Signature::Header(header.map(str::to_owned));
        self
    }
}

/// The server's answer to a delivery.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Posts deliveries to an app's `POST /webhook`, signing them with its secret.
#[derive(Clone)]
pub struct WebhookClient {
    pub base_url: String,
    secret: String,
    http: reqwest::Client,
}

impl WebhookClient {
    pub fn new(base_url: &str, secret: &str) -> WebhookClient {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        WebhookClient {
            base_url: base_url.to_owned(),
            secret: secret.to_owned(),
            http,
        }
    }

    /// Posts `delivery` and returns whatever the server answered.
    pub async fn send(&self, delivery: Delivery) -> Answer {
        let signature = match &delivery.signature {
            Signature::AppSecret => Some(sign(self.secret.as_bytes(), &delivery.body)),
            Signature::Secret(secret) => Some(sign(secret, &delivery.body)),
            Signature::Header(header) => header.clone(),
        };
        let mut request = self
            .http
            .post(format!("{}/webhook", self.base_url))
            .header("content-type", "application/json")
            .header("x-github-event", &delivery.event)
            .header("x-github-delivery", &delivery.id)
            .body(delivery.body);
        if let Some(signature) = signature {
            request = request.header("x-hub-signature-256", signature);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("delivery {}: the server did not answer: {e}", delivery.id));
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        Answer { status, body }
    }

    /// Posts `delivery` and asserts the server answered `status`; returns the answer's body.
    pub async fn send_expecting(&self, delivery: Delivery, status: u16) -> String {
        let (event, id) = (delivery.event.clone(), delivery.id.clone());
        let answer = self.send(delivery).await;
        assert_eq!(
            answer.status, status,
            "delivery {id} ({event}) was answered {} ({}), not {status}",
            answer.status, answer.body
        );
        answer.body
    }

    /// Posts `delivery` and asserts it was accepted (`202`: a job or an installation change).
    pub async fn deliver(&self, delivery: Delivery) {
        self.send_expecting(delivery, 202).await;
    }

    /// Posts `delivery` and asserts it was answered `200` (ignored, or a duplicate); returns the reason.
    pub async fn deliver_ignored(&self, delivery: Delivery) -> String {
        self.send_expecting(delivery, 200).await
    }
}
