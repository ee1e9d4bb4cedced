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
    assert!(report.text().await.unwrap().contains("clamp"));

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

    let quoted = "Try this:\n```\n/ato rerun\n```";
    view::add_user_comment(&fake, 2, 9001, "maintainer", quoted);
    deliver(
        &server,
        "issue_comment",
        "c-quoted",
        &deliver::comment(2, 9001, "maintainer", quoted),
        200,
    )
    .await;

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

    assert!(
        reactions(&fake, 9001).is_empty(),
        "no reaction to a quoted command"
    );
    let bot: Vec<_> = comments(&fake, 2)
        .into_iter()
        .filter(|c| c.login == BOT_LOGIN)
        .collect();
    assert_eq!(bot.len(), 2, "the report and the one refusal: {bot:#?}");
    assert_eq!(report_comments(&fake, 2).len(), 1);
    let text = server
        .wait_metrics(&["ato_webhook_deliveries_total{outcome=\"ignored\"} 1"])
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_source_archives_are_refused_and_reported_without_writing_outside_the_job() {
    let (root, fake) = setup().await;
    let canary = root.path().join("canary");
    std::fs::create_dir(&canary).unwrap();
    std::fs::write(canary.join("secret.txt"), "original").unwrap();
    let canary_text = canary.display().to_string();
    let source = capped_source(100);
    let bomb = vec![0u8; 100 * 1024 * 1024 + 1];

    let cases: [(u64, &str, String, &str); 5] = [
        (
            11,
            "dotdot",
            format!("{}{}/escape-dotdot", "../".repeat(10), &canary_text[1..]),
            "`..`",
        ),
        (
            12,
            "absolute",
            format!("{canary_text}/escape-absolute"),
            "absolute path",
        ),
        (13, "symlink", canary_text.clone(), "leaves the destination"),
        (
            14,
            "hardlink",
            format!("{canary_text}/secret.txt"),
            "hard link target",
        ),
        (15, "bomb", String::new(), "per-file limit"),
    ];
    for (number, kind, target, _) in &cases {
        let head = sha(0x5000 + *number as u32);
        let top = format!("octo-calc-{}", &head[..7]);
        let (dir, file) = (format!("{top}/"), format!("{top}/{FILE}"));
        let (evil, through) = (
            format!("{top}/evil"),
            format!("{top}/evil/escape-through-link"),
        );
        let mut entries = vec![
            support::RawEntry::dir(&dir),
            support::RawEntry::file(&file, source.as_bytes()),
        ];
        let dotdot_path = format!("{top}/{target}");
        match *kind {
            "dotdot" => entries.push(support::RawEntry::file(&dotdot_path, b"escaped")),
            "absolute" => entries.push(support::RawEntry::file(target, b"escaped")),
            "symlink" => {
                entries.push(support::RawEntry::symlink(&evil, target));
                entries.push(support::RawEntry::file(&through, b"escaped"));
            }
            "hardlink" => entries.push(support::RawEntry::hard_link(&evil, target)),
            _ => entries.push(support::RawEntry::file(&evil, &bomb)),
        }
        let tarball = support::gzip_tar(&head, &entries);
        project::push_tarball(&fake, *number, &head, &source, tarball);
    }
    let server = AtoServer::start(&fake, root.path(), 120).await;
    for (number, kind, _, _) in &cases {
        let head = sha(0x5000 + *number as u32);
        let payload = deliver::pull_request("opened", *number, &head);
        deliver(
            &server,
            "pull_request",
            &format!("hostile-{kind}"),
            &payload,
            202,
        )
        .await;
    }

    for (number, kind, _, reason) in &cases {
        let head = sha(0x5000 + *number as u32);
        let run = server
            .wait_for(&format!("the {kind} archive's check run"), || {
                first_completed(&fake, &head)
            })
            .await;
        assert_eq!(
            run.conclusion.as_deref(),
            Some("neutral"),
            "{kind}: {run:#?}"
        );
        assert_eq!(
            run.title.as_deref(),
            Some("ato could not test this pull request")
        );
        let summary = run.summary.clone().unwrap_or_default();
        assert!(
            summary.contains("Could not download the source"),
            "{kind}: {summary}"
        );
        assert!(summary.contains(reason), "{kind}: {summary}");
        assert!(run.annotations.is_empty(), "{kind}");
        assert!(
            comments(&fake, *number).is_empty(),
            "{kind}: reported in the check run only"
        );
    }
    let mut left: Vec<_> = std::fs::read_dir(&canary)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["secret.txt"],
        "nothing written into the canary folder"
    );
    assert_eq!(
        std::fs::read_to_string(canary.join("secret.txt")).unwrap(),
        "original"
    );
    assert_eq!(
        project::files_named(root.path(), "escape-"),
        Vec::<std::path::PathBuf>::new()
    );
    let work = server.data_dir.join("work");
    let leftovers = std::fs::read_dir(&work).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0, "the jobs' source trees are removed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_a_job_finishes_it_once_after_a_restart() {
    let (root, fake) = setup().await;
    let head = sha(0x4001);
    project::push(&fake, 4, &head, &capped_source(100));
    let mut server = AtoServer::start(&fake, root.path(), 120).await;
    deliver(
        &server,
        "pull_request",
        "open-4",
        &deliver::pull_request("opened", 4, &head),
        202,
    )
    .await;
    let interrupted = server
        .wait_for("a container of the run", || {
            let id = check_runs(&fake, &head).first()?.external_id.clone()?;
            (!ato_containers(Some(&id)).is_empty()).then_some(id)
        })
        .await;
    server.kill();

    server.restart().await;
    assert!(
        ato_containers(Some(&interrupted)).is_empty(),
        "the interrupted run's containers are swept before the server answers"
    );
    let comment = server
        .wait_for("the report comment", || report_comments(&fake, 4).pop())
        .await;
    assert!(comment.body.contains("clamp"), "{}", comment.body);
    server
        .wait_metrics(&[
            "ato_jobs{state=\"succeeded\"} 1",
            "ato_jobs{state=\"running\"} 0",
            "ato_jobs{state=\"queued\"} 0",
            "ato_jobs{state=\"failed\"} 0",
        ])
        .await;
    let done = view::completed(&fake, &head);
    assert_eq!(done.len(), 1, "one completed check run: {done:#?}");
    assert_eq!(done[0].conclusion.as_deref(), Some("failure"));
    assert_ne!(
        done[0].external_id.as_deref(),
        Some(interrupted.as_str()),
        "a new run"
    );
    assert_eq!(comments(&fake, 4).len(), 1, "one comment");
    assert_eq!(fake.count("POST", "/issues/4/comments"), 1);
}
