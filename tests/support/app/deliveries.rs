//! Deliveries about the test project's pull requests: GitHub's sample payloads pointed at the fake's
//! repository and installation, with the PR number, head and comment the test names.

use serde_json::{Value, json};

use super::project::{INSTALLATION, REPO, base_sha};
use crate::support::webhooks::{Delivery, sample_json};

/// `pull_request` `opened` for PR `number` at `head_sha`.
pub fn pr_opened(number: u64, head_sha: &str) -> Delivery {
    pull_request("opened", number, head_sha)
}

/// `pull_request` `synchronize` (a push) for PR `number`, now at `head_sha`.
pub fn pr_synchronize(number: u64, head_sha: &str) -> Delivery {
    pull_request("synchronize", number, head_sha)
}

/// `pull_request` with `action` (a sample of that action must exist) for PR `number` at `head_sha`.
pub fn pull_request(action: &str, number: u64, head_sha: &str) -> Delivery {
    let mut payload = sample_json(&format!("pull_request/{action}.payload.json"));
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
    Delivery::json("pull_request", &payload)
}

/// `issue_comment` `created` by a person (`login`) on PR `number`.
pub fn comment(number: u64, comment_id: u64, login: &str, body: &str) -> Delivery {
    let mut payload = sample_json("issue_comment/created.with-installation.payload.json");
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
    Delivery::json("issue_comment", &payload)
}

/// Points a sample at the fake's repository and installation.
fn retarget(payload: &mut Value) {
    let (owner, name) = REPO.split_once('/').expect("owner/name");
    payload["repository"]["full_name"] = json!(REPO);
    payload["repository"]["name"] = json!(name);
    payload["repository"]["owner"]["login"] = json!(owner);
    payload["installation"] = json!({ "id": INSTALLATION });
}
