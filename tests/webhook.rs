//! The real router served on 127.0.0.1 and driven by a real HTTP client: every shared GitHub payload, signature
//! refusals, size cap, bad JSON, redelivery, supersede, health, metrics, report links and the setup flow.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ato::serve_config::ServeConfig;
use ato::server::{AppState, serve_listener};
use ato::store::{JobState, JobTrigger, RequestedCommand, Store};
use ato::webhook::command::Command;
use ato::webhook::signature::sign;
use reqwest::StatusCode;

const SECRET: &str = "It's a Secret to Everybody";
const OLD_SECRET: &str = "the-previous-secret";
/// The app id of the shared check_suite payloads, so their re-run requests are "ours".
const APP_ID: &str = "29310";
const HEAD: &str = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

struct Harness {
    base: String,
    client: reqwest::Client,
    state: AppState,
    data_dir: PathBuf,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start() -> Harness {
    start_with(&[]).await
}

async fn start_with(extra: &[(&str, &str)]) -> Harness {
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
    tokio::spawn(async move {
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
        base,
        client,
        state,
        data_dir,
        _dir: dir,
        stop: Some(stop),
    }
}

impl Harness {
    fn store(&self) -> &Store {
        &self.state.store
    }

    async fn deliver(&self, event: &str, delivery: &str, body: &[u8]) -> (StatusCode, String) {
        self.deliver_signed(event, delivery, body, Some(&sign(SECRET.as_bytes(), body)))
            .await
    }

    async fn deliver_signed(
        &self,
        event: &str,
        delivery: &str,
        body: &[u8],
        signature: Option<&str>,
    ) -> (StatusCode, String) {
        let mut request = self
            .client
            .post(format!("{}/webhook", self.base))
            .header("x-github-event", event)
            .header("x-github-delivery", delivery)
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(signature) = signature {
            request = request.header("x-hub-signature-256", signature);
        }
        let response = request.send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn metrics(&self) -> String {
        self.get("/metrics").await.text().await.unwrap()
    }
}

fn shared_webhooks() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/webhooks")
}

fn payload(relative: &str) -> Vec<u8> {
    let path = shared_webhooks().join(relative);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("shared payload {} missing: {e}", path.display()))
}

/// What each shared payload must do.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// 202 and one job of this kind.
    Job(&'static str),
    /// 202, no job, installations changed.
    Installation,
    /// 200, recorded as ignored with this reason.
    Ignored(&'static str),
}

const EXPECTED: &[(&str, Expect)] = {
    use Expect::*;
    &[
        (
            "check_run/completed.1.payload.json",
            Ignored("action completed is not handled"),
        ),
        (
            "check_run/completed.payload.json",
            Ignored("action completed is not handled"),
        ),
        (
            "check_run/created.payload.json",
            Ignored("action created is not handled"),
        ),
        (
            "check_run/requested_action.payload.json",
            Ignored("action requested_action is not handled"),
        ),
        (
            "check_run/rerequested.payload.json",
            Ignored("check belongs to another app"),
        ),
        (
            "check_suite/completed.1.payload.json",
            Ignored("action completed is not handled"),
        ),
        (
            "check_suite/completed.payload.json",
            Ignored("action completed is not handled"),
        ),
        (
            "check_suite/requested.payload.json",
            Ignored("action requested is not handled"),
        ),
        (
            "check_suite/requested.payload.with-email-with-special-characters.json",
            Ignored("action requested is not handled"),
        ),
        (
            "check_suite/rerequested.payload.json",
            Job("check_rerequested"),
        ),
        ("installation/created.payload.json", Installation),
        (
            "installation/created.with-requester.payload.json",
            Installation,
        ),
        ("installation/deleted.payload.json", Installation),
        (
            "installation/new_permissions_accepted.payload.json",
            Installation,
        ),
        ("installation/suspend.payload.json", Installation),
        ("installation/unsuspend.payload.json", Installation),
        ("installation_repositories/added.payload.json", Installation),
        (
            "installation_repositories/removed.payload.json",
            Installation,
        ),
        (
            "issue_comment/created.1.payload.json",
            Ignored("no installation in the payload"),
        ),
        (
            "issue_comment/created.payload.json",
            Ignored("no installation in the payload"),
        ),
        (
            "issue_comment/created.with-installation.payload.json",
            Ignored("comment is on an issue, not a pull request"),
        ),
        (
            "issue_comment/deleted.payload.json",
            Ignored("action deleted is not handled"),
        ),
        (
            "issue_comment/edited.payload.json",
            Ignored("action edited is not handled"),
        ),
        ("ping/payload.json", Ignored("ping")),
        ("ping/with-app_id.payload.json", Ignored("ping")),
        (
            "pull_request/assigned.payload.json",
            Ignored("action assigned is not handled"),
        ),
        (
            "pull_request/closed.payload.json",
            Ignored("action closed is not handled"),
        ),
        (
            "pull_request/converted_to_draft.payload.json",
            Ignored("action converted_to_draft is not handled"),
        ),
        (
            "pull_request/converted_to_draft.with-installation.payload.json",
            Ignored("action converted_to_draft is not handled"),
        ),
        (
            "pull_request/labeled.payload.json",
            Ignored("action labeled is not handled"),
        ),
        (
            "pull_request/locked.payload.json",
            Ignored("action locked is not handled"),
        ),
        ("pull_request/opened.payload.json", Job("pull_request")),
        (
            "pull_request/opened.with-null-body.json",
            Job("pull_request"),
        ),
        (
            "pull_request/ready_for_review.payload.json",
            Ignored("no installation in the payload"),
        ),
        (
            "pull_request/ready_for_review.with-installation.payload.json",
            Job("pull_request"),
        ),
        ("pull_request/reopened.payload.json", Job("pull_request")),
        (
            "pull_request/review_request_removed.payload.json",
            Ignored("action review_request_removed is not handled"),
        ),
        (
            "pull_request/review_requested.payload.json",
            Ignored("action review_requested is not handled"),
        ),
        ("pull_request/synchronize.payload.json", Job("pull_request")),
        (
            "pull_request/unassigned.payload.json",
            Ignored("action unassigned is not handled"),
        ),
        (
            "pull_request/unlabeled.payload.json",
            Ignored("action unlabeled is not handled"),
        ),
        (
            "pull_request/unlocked.payload.json",
            Ignored("action unlocked is not handled"),
        ),
    ]
};

/// Every `*.json` payload under the shared folder, as `event/file`.
fn all_shared_payloads() -> Vec<String> {
    let root = shared_webhooks();
    let mut found = Vec::new();
    let events = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    for event in events.map(Result::unwrap).filter(|e| e.path().is_dir()) {
        for file in std::fs::read_dir(event.path()).unwrap().map(Result::unwrap) {
            let name = file.file_name().into_string().unwrap();
            if name.ends_with(".json") {
                found.push(format!(
                    "{}/{name}",
                    event.file_name().into_string().unwrap()
                ));
            }
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn every_shared_payload_is_accepted_and_routed_or_deliberately_ignored() {
    let h = start().await;
    let listed: Vec<String> = EXPECTED.iter().map(|(p, _)| (*p).to_owned()).collect();
    assert_eq!(
        all_shared_payloads(),
        listed,
        "each shared payload needs a decided expectation here"
    );

    for (n, (relative, expect)) in EXPECTED.iter().enumerate() {
        let event = relative.split('/').next().unwrap();
        let delivery = format!("shared-{n}");
        let (status, text) = h.deliver(event, &delivery, &payload(relative)).await;
        let jobs = h.store().jobs_for_delivery(&delivery).await.unwrap();
        let recorded = h
            .store()
            .delivery(&delivery)
            .await
            .unwrap()
            .expect("every delivery is recorded");
        assert_eq!(recorded.event, event);
        match expect {
            Expect::Job(kind) => {
                assert_eq!(status, StatusCode::ACCEPTED, "{relative}: {text}");
                assert_eq!(jobs.len(), 1, "{relative}");
                assert_eq!(jobs[0].trigger.kind(), *kind, "{relative}");
                assert_eq!(
                    (jobs[0].repo.as_str(), jobs[0].pr_number),
                    ("Codertocat/Hello-World", 2)
                );
                assert_eq!(jobs[0].head_sha.as_deref(), Some(HEAD), "{relative}");
                assert_eq!(recorded.outcome, "accepted");
            }
            Expect::Installation => {
                assert_eq!(status, StatusCode::ACCEPTED, "{relative}: {text}");
                assert!(jobs.is_empty(), "{relative}");
                assert_eq!(recorded.outcome, "accepted");
            }
            Expect::Ignored(reason) => {
                assert_eq!(status, StatusCode::OK, "{relative}: {text}");
                assert!(jobs.is_empty(), "{relative}");
                assert_eq!(recorded.outcome, format!("ignored: {reason}"), "{relative}");
            }
        }
    }
    let install = h
        .store()
        .installation(957387)
        .await
        .unwrap()
        .expect("installation recorded");
    assert_eq!(install.account_login.as_deref(), Some("Codertocat"));
    let repos: Vec<&str> = install.repos.iter().map(|r| r.full_name.as_str()).collect();
    assert_eq!(repos, ["Codertocat/Hello-World", "Codertocat/Space"]);
    let metrics = h.metrics().await;
    assert!(
        metrics.contains("ato_webhook_deliveries_total{outcome=\"accepted\"} 14\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("ato_webhook_deliveries_total{outcome=\"ignored\"} 28\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn githubs_known_answer_signature_passes_and_others_are_refused() {
    let h = start().await;
    let body = b"Hello, World!";
    let known = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    // The signature is right, so the delivery gets past it and is refused only as not JSON.
    let (status, _) = h.deliver_signed("ping", "ka-1", body, Some(known)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let ping = payload("ping/payload.json");
    let refusals = [
        ("missing", None),
        ("wrong secret", Some(sign(b"not the secret", &ping))),
        ("other body", Some(known.to_owned())),
        ("not hex", Some("sha256=xyz".to_owned())),
    ];
    for (what, signature) in refusals {
        let (status, text) = h
            .deliver_signed("ping", "bad-sig", &ping, signature.as_deref())
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {text}");
    }
    // sha1-only, as very old webhooks send.
    let response = h
        .client
        .post(format!("{}/webhook", h.base))
        .header("x-github-event", "ping")
        .header("x-github-delivery", "sha1-only")
        .header(
            "x-hub-signature",
            "sha1=0123456789abcdef0123456789abcdef01234567",
        )
        .body(ping.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        h.store().delivery("bad-sig").await.unwrap(),
        None,
        "refused deliveries are not recorded"
    );
    // The previous secret of a rotation still works.
    let (status, _) = h
        .deliver_signed(
            "ping",
            "rotated",
            &ping,
            Some(&sign(OLD_SECRET.as_bytes(), &ping)),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        h.metrics()
            .await
            .contains("ato_webhook_deliveries_total{outcome=\"bad_signature\"} 5\n")
    );
}

#[tokio::test]
async fn bad_input_gets_4xx_and_the_server_keeps_serving() {
    let h = start().await;
    let (status, text) = h
        .deliver(
            "pull_request",
            "broken",
            b"{\"action\": \"opened\", \"number\": ",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        !text.contains("line") && !text.contains("column"),
        "parser detail stays in the log: {text}"
    );
    let mut wrong_type =
        serde_json::from_slice::<serde_json::Value>(&payload("pull_request/opened.payload.json"))
            .unwrap();
    wrong_type["pull_request"]["head"]["sha"] = serde_json::json!(42);
    let (status, _) = h
        .deliver(
            "pull_request",
            "wrong-type",
            wrong_type.to_string().as_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = h.deliver("Bad Event!", "bad-event", b"{}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = h.deliver("ping", "bad/delivery", b"{}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let oversized = vec![b' '; 25 * 1024 * 1024 + 1];
    let signature = sign(SECRET.as_bytes(), &oversized);
    let response = h
        .client
        .post(format!("{}/webhook", h.base))
        .header("x-github-event", "ping")
        .header("x-github-delivery", "huge")
        .header("x-hub-signature-256", signature)
        .body(oversized)
        .send()
        .await;
    match response {
        Ok(r) => assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE),
        Err(e) => panic!("the server must answer 413, not drop the connection: {e}"),
    }

    // Still serving: health, and a good delivery.
    assert_eq!(h.get("/healthz").await.status(), StatusCode::OK);
    let (status, _) = h
        .deliver(
            "pull_request",
            "good",
            &payload("pull_request/opened.payload.json"),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let metrics = h.metrics().await;
    assert!(
        metrics.contains("ato_webhook_deliveries_total{outcome=\"bad_payload\"} 4\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("ato_webhook_deliveries_total{outcome=\"too_large\"} 1\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn the_largest_allowed_body_is_accepted() {
    let h = start().await;
    let mut body = payload("ping/payload.json");
    body.resize(25 * 1024 * 1024, b' '); // JSON allows trailing whitespace
    let (status, text) = h.deliver("ping", "big-but-allowed", &body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
}

#[tokio::test]
async fn a_redelivery_creates_no_second_job() {
    let h = start().await;
    let body = payload("pull_request/opened.payload.json");
    let (first, _) = h.deliver("pull_request", "same-id", &body).await;
    let (second, text) = h.deliver("pull_request", "same-id", &body).await;
    assert_eq!((first, second), (StatusCode::ACCEPTED, StatusCode::OK));
    assert!(text.contains("duplicate"), "{text}");
    assert_eq!(
        h.store().jobs_for_delivery("same-id").await.unwrap().len(),
        1
    );
    let woken = tokio::time::timeout(Duration::from_secs(1), h.state.job_wakeup.notified()).await;
    assert!(
        woken.is_ok(),
        "a queued job leaves a wake-up for the next idle worker"
    );
    let stats = h.store().job_stats().await.unwrap();
    assert!(stats.by_state.contains(&(JobState::Queued, 1)), "{stats:?}");
    assert!(
        h.metrics()
            .await
            .contains("ato_webhook_deliveries_total{outcome=\"duplicate\"} 1\n")
    );
}

#[tokio::test]
async fn a_push_supersedes_the_job_of_the_previous_head() {
    let h = start().await;
    let mut cancellations = h.state.cancellations.subscribe();
    let (status, _) = h
        .deliver(
            "pull_request",
            "open",
            &payload("pull_request/opened.payload.json"),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let old = h.store().jobs_for_delivery("open").await.unwrap()[0].id;

    let mut sync: serde_json::Value =
        serde_json::from_slice(&payload("pull_request/synchronize.payload.json")).unwrap();
    let new_head = "0123456789abcdef0123456789abcdef01234567";
    sync["pull_request"]["head"]["sha"] = new_head.into();
    let (status, _) = h
        .deliver("pull_request", "push", sync.to_string().as_bytes())
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);

    assert!(h.store().is_cancelled(old).await.unwrap());
    let cancelled = tokio::time::timeout(Duration::from_secs(5), cancellations.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cancelled, old, "the worker is told which job to kill");
    let new = &h.store().jobs_for_delivery("push").await.unwrap()[0];
    assert_eq!(
        (new.state, new.head_sha.as_deref()),
        (JobState::Queued, Some(new_head))
    );
    let claimed = h.store().claim_next().await.unwrap().unwrap();
    assert_eq!(claimed.id, new.id, "the cancelled job is never claimed");
}

#[tokio::test]
async fn a_rerun_comment_on_a_pr_becomes_a_job_to_authorise() {
    let h = start().await;
    let mut comment: serde_json::Value = serde_json::from_slice(&payload(
        "issue_comment/created.with-installation.payload.json",
    ))
    .unwrap();
    comment["issue"]["pull_request"] =
        serde_json::json!({"url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"});
    comment["comment"]["body"] = "Flaky runner, sorry.\n\n/ato rerun".into();
    let (status, _) = h
        .deliver("issue_comment", "rerun", comment.to_string().as_bytes())
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let job = &h.store().jobs_for_delivery("rerun").await.unwrap()[0];
    let JobTrigger::CommentCommand {
        user_login,
        command,
        ..
    } = &job.trigger
    else {
        panic!("{job:?}")
    };
    assert_eq!(
        (user_login.as_str(), command),
        ("Codertocat", &RequestedCommand::Known(Command::Rerun))
    );
    assert_eq!((job.pr_number, job.head_sha.as_deref()), (1, None));
}

#[tokio::test]
async fn health_and_metrics_report_the_store() {
    let h = start().await;
    let health = h.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    let response = h.get("/metrics").await;
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    for line in [
        "ato_jobs{state=\"queued\"} 0",
        "ato_job_duration_seconds_count 0",
        "# TYPE ato_jobs gauge",
    ] {
        assert!(text.contains(line), "{line} missing from:\n{text}");
    }
    h.deliver(
        "pull_request",
        "m-1",
        &payload("pull_request/opened.payload.json"),
    )
    .await;
    assert!(h.metrics().await.contains("ato_jobs{state=\"queued\"} 1\n"));
}

#[tokio::test]
async fn report_links_need_the_right_token() {
    let h = start().await;
    let run = "run-20261125-1";
    let dir = h.data_dir.join("reports").join(run);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("report.html"), "<h1>ato report</h1>").unwrap();
    let token = h.state.report_key.token(run);

    let ok = h.get(&format!("/reports/{run}/{token}")).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        ok.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert_eq!(ok.headers()["referrer-policy"], "no-referrer");
    assert_eq!(ok.text().await.unwrap(), "<h1>ato report</h1>");

    let mut wrong = token.clone();
    wrong.replace_range(0..1, if token.starts_with('0') { "1" } else { "0" });
    let other_run_token = h.state.report_key.token("run-other");
    for path in [
        format!("/reports/{run}/{wrong}"),
        format!("/reports/{run}/{}", &token[..32]),
        format!("/reports/{run}/{other_run_token}"),
        format!("/reports/run-other/{other_run_token}"),
        format!(
            "/reports/..%2F..%2Fetc/{}",
            h.state.report_key.token("../../etc")
        ),
    ] {
        let response = h.get(&path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            response.text().await.unwrap(),
            "no such report\n",
            "one answer for every refusal"
        );
    }
}

#[tokio::test]
async fn setup_flow_saves_the_credentials_without_showing_them() {
    // A fake GitHub for the manifest conversion, on loopback.
    let fake = axum::Router::new().route(
        "/app-manifests/{code}/conversions",
        axum::routing::post(|axum::extract::Path(code): axum::extract::Path<String>| async move {
            if code != "good-code" {
                return (StatusCode::NOT_FOUND, axum::Json(serde_json::json!({"message": "Not Found"})));
            }
            (
                StatusCode::CREATED,
                axum::Json(serde_json::json!({
                    "id": 4242, "slug": "ato-test", "html_url": "https://github.com/apps/ato-test",
                    "pem": "-----BEGIN RSA PRIVATE KEY-----\nSECRETPEM\n-----END RSA PRIVATE KEY-----\n",
                    "webhook_secret": "SECRETHOOK", "client_secret": "SECRETCLIENT"
                })),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, fake).await.unwrap() });
    let h = start_with(&[("GITHUB_API_URL", &api)]).await;

    let page = h.get("/setup").await.text().await.unwrap();
    assert!(
        page.contains("action=\"https://github.com/settings/apps/new?state="),
        "{page}"
    );
    assert!(page.contains("https://ato.example.org/webhook"), "{page}");
    let state = page
        .split("?state=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();

    let bad = h
        .get(&format!("/setup/callback?code=good-code&state={state}x"))
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let refused = h
        .get(&format!("/setup/callback?code=bad-code&state={state}"))
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    let done = h
        .get(&format!("/setup/callback?code=good-code&state={state}"))
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let text = done.text().await.unwrap();
    assert!(text.contains("GITHUB_APP_ID=4242"), "{text}");
    for secret in ["SECRETPEM", "SECRETHOOK", "SECRETCLIENT"] {
        assert!(!text.contains(secret), "the page must not show {secret}");
    }
    let saved = h.data_dir.join("github-app/4242");
    let pem = std::fs::read_to_string(saved.join("private-key.pem")).unwrap();
    assert!(pem.contains("SECRETPEM"));
    assert_eq!(
        std::fs::read_to_string(saved.join("webhook-secret")).unwrap(),
        "SECRETHOOK"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(saved.join("private-key.pem"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}
