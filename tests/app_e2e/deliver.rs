//! Webhook deliveries as GitHub sends them: minimal payloads with the fields ato reads, signed with
//! `X-Hub-Signature-256`, posted over HTTP.

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

fn repository() -> Value {
    let (owner, name) = REPO.split_once('/').unwrap();
    json!({ "id": 1296269, "name": name, "full_name": REPO, "private": true, "owner": { "login": owner } })
}

/// `pull_request` with `action` (opened, synchronize, ...) for PR `number` at `head_sha`.
pub fn pull_request(action: &str, number: u64, head_sha: &str) -> Value {
    json!({
        "action": action,
        "number": number,
        "pull_request": {
            "number": number, "state": "open", "draft": false,
            "head": { "sha": head_sha, "ref": "feature" },
            "base": { "sha": base_sha(), "ref": "main" },
        },
        "repository": repository(),
        "installation": { "id": INSTALLATION },
        "sender": { "login": "maintainer", "type": "User" },
    })
}

/// `issue_comment` created by a person (`login`) on PR `number`.
pub fn comment(number: u64, comment_id: u64, login: &str, body: &str) -> Value {
    json!({
        "action": "created",
        "issue": { "number": number, "state": "open", "pull_request": { "url": "https://example.invalid" } },
        "comment": {
            "id": comment_id, "body": body,
            "user": { "login": login, "type": "User" },
            "performed_via_github_app": null,
        },
        "repository": repository(),
        "installation": { "id": INSTALLATION },
        "sender": { "login": login, "type": "User" },
    })
}
