//! Webhook deliveries as GitHub sends them: GitHub's sample payloads rewritten for the fake's repository,
//! signed with `X-Hub-Signature-256`, posted over HTTP.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::project::{INSTALLATION, REPO, base_sha};

pub const SECRET: &str = "e2e webhook secret";

/// Posts `payload` as event `event` with delivery id `delivery`; returns the status code and body.
pub async fn send(base_url: &str, event: &str, delivery: &str, payload: &Value) -> (u16, String) {
    let body = serde_json::to_vec(payload).expect("payload serialises");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("hmac key");
    mac.update(&body);
    let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let response = reqwest::Client::new()
        .post(format!("{base_url}/webhook"))
        .header("content-type", "application/json")
        .header("x-github-event", event)
        .header("x-github-delivery", delivery)
        .header("x-hub-signature-256", signature)
        .body(body)
        .send()
        .await
        .expect("the server answers the delivery");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// A payload GitHub documents (`../shared/webhooks/{event}/{name}`), as the template of a delivery.
fn template(event: &str, name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/webhooks")
        .join(event)
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the shared webhook payload {} is needed (shared/ is cloned next to the repository): {e}",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("a shared payload is JSON")
}

/// Points a template at the fake's repository and installation.
fn retarget(payload: &mut Value) {
    let (owner, name) = REPO.split_once('/').unwrap();
    payload["repository"]["full_name"] = json!(REPO);
    payload["repository"]["name"] = json!(name);
    payload["repository"]["owner"]["login"] = json!(owner);
    payload["installation"] = json!({ "id": INSTALLATION });
}

/// `pull_request` with `action` (opened or synchronize) for PR `number` at `head_sha`, from GitHub's sample.
pub fn pull_request(action: &str, number: u64, head_sha: &str) -> Value {
    let mut payload = template("pull_request", &format!("{action}.payload.json"));
    retarget(&mut payload);
    payload["number"] = json!(number);
    let pull = &mut payload["pull_request"];
    pull["number"] = json!(number);
    pull["state"] = json!("open");
    pull["draft"] = json!(false);
    pull["head"]["sha"] = json!(head_sha);
    pull["base"]["sha"] = json!(base_sha());
    if action == "synchronize" {
        payload["after"] = json!(head_sha);
    }
    payload
}

/// `issue_comment` created by a person (`login`) on PR `number`, from GitHub's sample.
pub fn comment(number: u64, comment_id: u64, login: &str, body: &str) -> Value {
    let mut payload = template("issue_comment", "created.with-installation.payload.json");
    retarget(&mut payload);
    let issue = &mut payload["issue"];
    issue["number"] = json!(number);
    issue["state"] = json!("open");
    issue["pull_request"] =
        json!({ "url": format!("https://api.github.com/repos/{REPO}/pulls/{number}") });
    let comment = &mut payload["comment"];
    comment["id"] = json!(comment_id);
    comment["body"] = json!(body);
    comment["user"]["login"] = json!(login);
    comment["user"]["type"] = json!("User");
    comment["performed_via_github_app"] = Value::Null;
    payload["sender"]["login"] = json!(login);
    payload
}
