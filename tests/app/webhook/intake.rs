//! The intake path over HTTP: signatures, refusals, size cap, redelivery, supersede and comment commands.

use std::sync::Arc;
use std::time::Duration;

use ato::store::{JobState, JobTrigger, RequestedCommand};
use ato::webhook::command::Command;

use crate::support::app::in_process::{OLD_SECRET, SECRET, log_text, start};
use crate::support::webhooks::{Delivery, sample, sample_json};

const OPENED: &str = "pull_request/opened.payload.json";

#[tokio::test]
async fn githubs_known_answer_signature_passes_and_others_are_refused() {
    let h = start().await;
    let known = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    // The signature is right, so the delivery gets past it and is refused only as not JSON.
    let hello = Delivery::raw("ping", b"Hello, World!").signature(Some(known));
    h.send_expecting(hello, 400).await;

    let ping = Delivery::sample("ping/payload.json").id("bad-sig");
    let refusals = [
        ("missing", ping.clone().signature(None)),
        ("wrong secret", ping.clone().signed_with(b"not the secret")),
        ("other body", ping.clone().signature(Some(known))),
        ("not hex", ping.clone().signature(Some("sha256=xyz"))),
    ];
    for (what, delivery) in refusals {
        let (status, text) = h.send(delivery).await;
        assert_eq!(status, 401, "{what}: {text}");
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
        .body(sample("ping/payload.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(
        h.store().delivery("bad-sig").await.unwrap(),
        None,
        "refused deliveries are not recorded"
    );
    // The previous secret of a rotation still works.
    h.deliver_ignored(ping.id("rotated").signed_with(OLD_SECRET.as_bytes()))
        .await;
    h.expect_metrics(&["ato_webhook_deliveries_total{outcome=\"bad_signature\"} 5"])
        .await;
    let logs = log_text();
    assert!(
        logs.contains("webhook refused: signature"),
        "refusals are logged"
    );
    assert!(!logs.contains(&known[7..]), "a signature reached the log");
    assert!(
        !logs.contains(SECRET) && !logs.contains(OLD_SECRET),
        "a secret reached the log"
    );
}

#[tokio::test]
async fn bad_input_gets_4xx_and_the_server_keeps_serving() {
    let h = start().await;
    let broken = Delivery::raw("pull_request", b"{\"action\": \"opened\", \"number\": ");
    let text = h.send_expecting(broken, 400).await;
    assert!(
        !text.contains("line") && !text.contains("column"),
        "parser detail stays in the log: {text}"
    );
    let mut wrong_type = sample_json(OPENED);
    wrong_type["pull_request"]["head"]["sha"] = serde_json::json!(42);
    h.send_expecting(Delivery::json("pull_request", &wrong_type), 400)
        .await;
    h.send_expecting(Delivery::raw("Bad Event!", b"{}"), 400)
        .await;
    h.send_expecting(Delivery::raw("ping", b"{}").id("bad/delivery"), 400)
        .await;

    let oversized = Delivery::raw("ping", &vec![b' '; 25 * 1024 * 1024 + 1]).id("huge");
    // The server must answer 413, not drop the connection.
    h.send_expecting(oversized, 413).await;

    // Still serving: health, and a good delivery.
    assert_eq!(h.get("/healthz").await.status().as_u16(), 200);
    h.deliver(Delivery::sample(OPENED)).await;
    h.expect_metrics(&[
        "ato_webhook_deliveries_total{outcome=\"bad_payload\"} 4",
        "ato_webhook_deliveries_total{outcome=\"too_large\"} 1",
    ])
    .await;
}

#[tokio::test]
async fn the_largest_allowed_body_is_accepted() {
    let h = start().await;
    let mut body = sample("ping/payload.json");
    body.resize(25 * 1024 * 1024, b' '); // JSON allows trailing whitespace
    h.deliver_ignored(Delivery::raw("ping", &body)).await;
}

#[tokio::test]
async fn a_redelivery_creates_no_second_job() {
    let h = start().await;
    let opened = Delivery::sample(OPENED).id("same-id");
    h.deliver(opened.clone()).await;
    let text = h.deliver_ignored(opened).await;
    assert!(text.contains("duplicate"), "{text}");
    h.expect_job("same-id").await;
    let woken = tokio::time::timeout(Duration::from_secs(1), h.state.job_wakeup.notified()).await;
    assert!(
        woken.is_ok(),
        "a queued job leaves a wake-up for the next idle worker"
    );
    let stats = h.store().job_stats().await.unwrap();
    assert!(stats.by_state.contains(&(JobState::Queued, 1)), "{stats:?}");
    h.expect_metrics(&["ato_webhook_deliveries_total{outcome=\"duplicate\"} 1"])
        .await;
}

#[tokio::test]
async fn a_push_supersedes_the_job_of_the_previous_head() {
    let h = start().await;
    let mut cancellations = h.state.cancellations.subscribe();
    h.deliver(Delivery::sample(OPENED).id("open")).await;
    let old = h.expect_job("open").await.id;

    let mut sync = sample_json("pull_request/synchronize.payload.json");
    let new_head = "0123456789abcdef0123456789abcdef01234567";
    sync["pull_request"]["head"]["sha"] = new_head.into();
    h.deliver(Delivery::json("pull_request", &sync).id("push"))
        .await;

    assert!(h.store().is_cancelled(old).await.unwrap());
    let cancelled = tokio::time::timeout(Duration::from_secs(5), cancellations.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cancelled, old, "the worker is told which job to kill");
    let new = h.expect_job("push").await;
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
    let mut comment = sample_json("issue_comment/created.with-installation.payload.json");
    comment["issue"]["pull_request"] =
        serde_json::json!({"url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"});
    comment["comment"]["body"] = "Flaky runner, sorry.\n\n/ato rerun".into();
    h.deliver(Delivery::json("issue_comment", &comment).id("rerun"))
        .await;
    let job = h.expect_job("rerun").await;
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
    assert_eq!((job.pr_number.0, job.head_sha.as_deref()), (1, None));
}

#[tokio::test]
async fn concurrent_redeliveries_still_make_one_job() {
    let h = Arc::new(start().await);
    let raced = Delivery::sample("pull_request/synchronize.payload.json").id("raced");
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let (h, raced) = (Arc::clone(&h), raced.clone());
        tasks.push(tokio::spawn(async move { h.send(raced).await.0 }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let accepted = statuses.iter().filter(|s| **s == 202).count();
    let duplicates = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!((accepted, duplicates), (1, 39), "{statuses:?}");
    h.expect_job("raced").await;
}
