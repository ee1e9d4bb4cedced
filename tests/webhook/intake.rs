//! The intake path over HTTP: signatures, refusals, size cap, redelivery, supersede and comment commands.

use std::time::Duration;

use ato::store::{JobState, JobTrigger, RequestedCommand};
use ato::webhook::command::Command;
use ato::webhook::signature::sign;
use reqwest::StatusCode;

use crate::harness::{OLD_SECRET, SECRET, log_text, payload, start};

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
    assert_eq!((job.pr_number.0, job.head_sha.as_deref()), (1, None));
}

#[tokio::test]
async fn concurrent_redeliveries_still_make_one_job() {
    let h = std::sync::Arc::new(start().await);
    let body = std::sync::Arc::new(payload("pull_request/synchronize.payload.json"));
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let (h, body) = (std::sync::Arc::clone(&h), std::sync::Arc::clone(&body));
        tasks.push(tokio::spawn(async move {
            h.deliver("pull_request", "raced", &body).await.0
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count();
    let duplicates = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!((accepted, duplicates), (1, 39), "{statuses:?}");
    assert_eq!(h.store().jobs_for_delivery("raced").await.unwrap().len(), 1);
}
