//! `ato serve` end to end: the real binary on 127.0.0.1, signed deliveries over HTTP, the fake GitHub (API and
//! codeload) holding a small Python project, real Docker and the real Python runner image.
//!
//! Each test starts its own fake and server (they run in parallel) and bounds every wait; a failed wait prints
//! the server's log.

mod e2e_support;
mod support;

#[path = "app_e2e/deliver.rs"]
mod deliver;
#[path = "app_e2e/project.rs"]
mod project;
#[path = "app_e2e/server.rs"]
mod server;
#[path = "app_e2e/view.rs"]
mod view;

#[path = "app_e2e/hostile.rs"]
mod hostile;
#[path = "app_e2e/restart.rs"]
mod restart;

use e2e_support::{ato_containers, require_docker};
use support::fake_github::{BOT_LOGIN, FakeGithub, Fault};

use deliver::send;
use project::{FILE, capped_source, changed_lines, sha, slow_source};
use server::AtoServer;
use view::{MARKER, calls, check_runs, comments, first_completed, reactions, report_comments};

async fn setup() -> (tempfile::TempDir, FakeGithub) {
    require_docker();
    let root = tempfile::tempdir().expect("temp dir");
    let fake = FakeGithub::start().await;
    project::add_repo(&fake);
    (root, fake)
}

/// Sends a delivery and checks the answer's status.
async fn deliver(
    server: &AtoServer,
    event: &str,
    id: &str,
    payload: &serde_json::Value,
    want: u16,
) {
    let (status, body) = send(&server.url, event, id, payload).await;
    assert_eq!(status, want, "delivery {id} answered {status}: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_request_gets_one_check_and_one_comment_and_a_new_push_replaces_the_running_job() {
    let (root, fake) = setup().await;
    let head1 = sha(0x1001);
    project::push(&fake, 1, &head1, &capped_source(100));
    let server = AtoServer::start(&fake, root.path(), 120).await;
    assert_eq!(server.get("/healthz").await.0, 200);

    let opened = deliver::pull_request("opened", 1, &head1);
    deliver(&server, "pull_request", "open-1", &opened, 202).await;
    let (status, body) = send(&server.url, "pull_request", "open-1", &opened).await;
    assert_eq!((status, body.trim()), (200, "duplicate delivery"));

    let run = server
        .wait_for("the first head's check run to complete", || {
            first_completed(&fake, &head1)
        })
        .await;
    assert_eq!(run.created_status, "in_progress", "created in progress");
    assert_eq!(run.conclusion.as_deref(), Some("failure"), "{run:#?}");
    let run_id = run.external_id.clone().expect("external_id is the run id");
    let details = run.details_url.clone().expect("details_url");
    assert!(details.starts_with(&format!("{}/reports/{run_id}/", server.url)));
    let report = reqwest::get(&details)
        .await
        .expect("the report link answers");
    assert_eq!(report.status().as_u16(), 200);
    let html = report.text().await.unwrap();
    assert!(html.contains("clamp"), "{html}");
    // bandit's finding on the unchanged `run` (line 5) is in the full report, never annotated.
    assert!(
        html.contains("B602") && html.contains("limits.py:5"),
        "{html}"
    );

    let changed = changed_lines(&project::patch(
        &project::base_source(),
        &capped_source(100),
    ));
    assert!(
        !run.annotations.is_empty(),
        "the behaviour change is annotated"
    );
    for annotation in &run.annotations {
        assert_eq!(annotation["path"], FILE, "{annotation}");
        let line = annotation["start_line"].as_u64().expect("start_line");
        assert!(
            changed.contains(&line),
            "line {line} not in {changed:?}: {annotation}"
        );
    }
    assert!(
        run.annotations
            .iter()
            .any(|a| a["title"].as_str().is_some_and(|t| t.contains("clamp"))),
        "{:#?}",
        run.annotations
    );
    let first = server
        .wait_for("the report comment", || report_comments(&fake, 1).pop())
        .await;
    assert!(first.body.starts_with(MARKER), "{}", first.body);
    assert_eq!(
        check_runs(&fake, &head1).len(),
        1,
        "one job for one delivery id"
    );

    // A push whose run hangs at import, then a newer push while it runs.
    let head2 = sha(0x1002);
    project::push(&fake, 1, &head2, &slow_source(600));
    deliver(
        &server,
        "pull_request",
        "sync-2",
        &deliver::pull_request("synchronize", 1, &head2),
        202,
    )
    .await;
    let slow_run = server
        .wait_for("a container of the slow head's run", || {
            let id = check_runs(&fake, &head2).first()?.external_id.clone()?;
            (!ato_containers(Some(&id)).is_empty()).then_some(id)
        })
        .await;
    for container in ato_containers(Some(&slow_run)) {
        let config = server::inspect(&container);
        assert!(config.contains(&slow_run), "inspected: {config}");
        for secret in [
            "ghs_",
            deliver::SECRET,
            "PRIVATE KEY",
            "GITHUB_",
            "docker.sock",
        ] {
            assert!(
                !config.contains(secret),
                "{secret} reached a container: {config}"
            );
        }
    }
    let head3 = sha(0x1003);
    project::push(&fake, 1, &head3, &capped_source(50));
    deliver(
        &server,
        "pull_request",
        "sync-3",
        &deliver::pull_request("synchronize", 1, &head3),
        202,
    )
    .await;

    let cancelled = server
        .wait_for("the slow run to be closed", || {
            first_completed(&fake, &head2)
        })
        .await;
    assert_eq!(
        cancelled.conclusion.as_deref(),
        Some("cancelled"),
        "{cancelled:#?}"
    );
    server
        .wait_for("the slow run's containers to be gone", || {
            ato_containers(Some(&slow_run)).is_empty().then_some(())
        })
        .await;
    let third = server
        .wait_for("the newest head's check run", || {
            first_completed(&fake, &head3)
        })
        .await;
    assert_eq!(third.conclusion.as_deref(), Some("failure"), "{third:#?}");
    let edited = server
        .wait_for("the comment to be edited for the newest head", || {
            report_comments(&fake, 1)
                .pop()
                .filter(|c| c.body != first.body)
        })
        .await;
    assert_eq!(edited.id, first.id, "the same comment, edited in place");
    assert_eq!(report_comments(&fake, 1).len(), 1);
    assert_eq!(comments(&fake, 1).len(), 1, "no other comment");
    assert_eq!(fake.count("POST", "/issues/1/comments"), 1);

    server
        .wait_metrics(&[
            "ato_webhook_deliveries_total{outcome=\"accepted\"} 3",
            "ato_webhook_deliveries_total{outcome=\"duplicate\"} 1",
            "ato_jobs{state=\"succeeded\"} 2",
            "ato_jobs{state=\"cancelled\"} 1",
            "ato_jobs{state=\"running\"} 0",
            "ato_job_duration_seconds_count 2",
        ])
        .await;
    server.assert_log_has_no_secrets();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rerun_commands_are_authorised_acknowledged_and_never_read_from_code_blocks() {
    let (root, fake) = setup().await;
    let head = sha(0x2001);
    project::push(&fake, 2, &head, &capped_source(100));
    let server = AtoServer::start(&fake, root.path(), 120).await;
    deliver(
        &server,
        "pull_request",
        "open-2",
        &deliver::pull_request("opened", 2, &head),
        202,
    )
    .await;
    server
        .wait_for("the first report comment", || {
            report_comments(&fake, 2).pop()
        })
        .await;

    let fenced = "Try this:\n```\n/ato rerun\n```";
    let quoted = "> /ato rerun\n\nwhy would this help?";
    for (id, text) in [(9001, fenced), (9004, quoted)] {
        view::add_user_comment(&fake, 2, id, "maintainer", text);
        let payload = deliver::comment(2, id, "maintainer", text);
        deliver(&server, "issue_comment", &format!("c-{id}"), &payload, 200).await;
    }

    view::add_user_comment(&fake, 2, 9002, "visitor", "/ato rerun");
    deliver(
        &server,
        "issue_comment",
        "c-reader",
        &deliver::comment(2, 9002, "visitor", "/ato rerun"),
        202,
    )
    .await;
    let refusal = server
        .wait_for("the refusal", || {
            comments(&fake, 2)
                .into_iter()
                .find(|c| c.login == BOT_LOGIN && !c.body.contains(MARKER))
        })
        .await;
    assert!(refusal.body.contains("Sorry @visitor"), "{}", refusal.body);
    assert!(refusal.body.contains("write access"), "{}", refusal.body);
    assert_eq!(reactions(&fake, 9002), ["eyes"]);
    assert_eq!(
        check_runs(&fake, &head).len(),
        1,
        "a reader's command runs nothing"
    );

    view::add_user_comment(&fake, 2, 9003, "maintainer", "/ato rerun");
    deliver(
        &server,
        "issue_comment",
        "c-writer",
        &deliver::comment(2, 9003, "maintainer", "/ato rerun"),
        202,
    )
    .await;
    server
        .wait_for("the rerun's check run to complete", || {
            let runs = view::completed(&fake, &head);
            (runs.len() == 2).then_some(runs)
        })
        .await;
    assert_eq!(reactions(&fake, 9003), ["eyes"]);
    server
        .wait_metrics(&[
            "ato_jobs{state=\"succeeded\"} 3",
            "ato_jobs{state=\"running\"} 0",
        ])
        .await;

    for id in [9001, 9004] {
        assert!(reactions(&fake, id).is_empty(), "no reaction to {id}");
    }
    let bot: Vec<_> = comments(&fake, 2)
        .into_iter()
        .filter(|c| c.login == BOT_LOGIN)
        .collect();
    assert_eq!(bot.len(), 2, "the report and the one refusal: {bot:#?}");
    assert_eq!(report_comments(&fake, 2).len(), 1);
    let text = server
        .wait_metrics(&["ato_webhook_deliveries_total{outcome=\"ignored\"} 2"])
        .await;
    assert!(
        text.contains("ato_webhook_deliveries_total{outcome=\"accepted\"} 3"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_and_rate_limits_during_a_run_are_waited_out_within_the_retry_policy() {
    let (root, fake) = setup().await;
    let head = sha(0x3001);
    project::push(&fake, 3, &head, &capped_source(100));
    fake.inject("/pulls/3/files", Fault::Status(500), 2);
    fake.inject(
        "/check-runs",
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
        1,
    );
    fake.inject(
        "/issues/3/comments",
        Fault::RateLimitReset { reset_in_secs: 2 },
        1,
    );
    let server = AtoServer::start(&fake, root.path(), 120).await;
    deliver(
        &server,
        "pull_request",
        "open-3",
        &deliver::pull_request("opened", 3, &head),
        202,
    )
    .await;

    server
        .wait_for("the report comment", || report_comments(&fake, 3).pop())
        .await;
    let run = first_completed(&fake, &head).expect("the check run completed before the comment");
    assert_eq!(
        run.conclusion.as_deref(),
        Some("failure"),
        "the run was judged: {run:#?}"
    );

    let files = calls(&fake, "GET", "/pulls/3/files");
    let statuses: Vec<u16> = files.iter().map(|c| c.0).collect();
    assert_eq!(
        statuses,
        [500, 500, 200],
        "two 500s, then the answer: {files:?}"
    );
    assert!(
        files[2].1 >= std::time::Duration::from_secs(2),
        "1 s then 2 s back-off: {files:?}"
    );

    let created = calls(&fake, "POST", "/check-runs");
    assert_eq!(
        created.iter().map(|c| c.0).collect::<Vec<_>>(),
        [429, 201],
        "{created:?}"
    );
    assert!(
        created[1].1 >= std::time::Duration::from_secs(1),
        "retry-after honoured: {created:?}"
    );

    let listed = calls(&fake, "GET", "/issues/3/comments");
    assert_eq!(
        listed.iter().map(|c| c.0).collect::<Vec<_>>(),
        [403, 200],
        "{listed:?}"
    );
    assert!(
        listed[1].1 >= std::time::Duration::from_millis(1500),
        "waited for the reset: {listed:?}"
    );

    assert_eq!(
        fake.count("PATCH", "/check-runs/"),
        1,
        "completed in one update"
    );
    assert_eq!(fake.count("POST", "/issues/3/comments"), 1, "one comment");
    assert_eq!(fake.token_requests(), 1, "the installation token is reused");
    server.assert_log_has_no_secrets();
}
