//! A pull request's life: one check run and one report comment per delivery (a redelivery changes nothing),
//! annotations on changed lines only, and a new push that replaces the running job of the previous head.

use crate::support::app::project::{FILE, base_source, capped_source, changed_lines, patch};
use crate::support::app::project::{sha, slow_source};
use crate::support::app::{Conclusion, MARKER, SECRET, TestApp, contains};
use crate::support::app::{pr_opened, pr_synchronize};
use crate::support::docker::{ato_containers, inspect};
use crate::support::fake_github::FakeCheckRun;

/// Every annotation is on a changed line of the file, and one names the changed function.
fn assert_annotated_on_changed_lines(run: &FakeCheckRun) {
    let changed = changed_lines(&patch(&base_source(), &capped_source(100)));
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_request_gets_one_check_and_one_comment_and_a_new_push_replaces_the_running_job() {
    let app = TestApp::start().await;
    assert_eq!(app.server.get("/healthz").await.0, 200);
    let head1 = sha(0x1001);
    app.push(1, &head1, &capped_source(100));
    let opened = pr_opened(1, &head1).id("open-1");
    app.deliver(opened.clone()).await;
    assert_eq!(
        app.deliver_ignored(opened).await.trim(),
        "duplicate delivery"
    );

    let run = app.expect_check_run(&head1, Conclusion::Failure).await;
    assert_eq!(run.created_status, "in_progress", "created in progress");
    let run_id = run.external_id.clone().expect("external_id is the run id");
    let details = run.details_url.clone().expect("details_url");
    assert!(details.starts_with(&format!("{}/reports/{run_id}/", app.server.url)));
    let (status, html) = app.server.get(&details[app.server.url.len()..]).await;
    assert_eq!(status, 200, "the report link answers");
    assert!(html.contains("clamp"), "{html}");
    // bandit's finding on the unchanged `run` (line 5) is in the full report, never annotated.
    assert!(
        html.contains("B602") && html.contains("limits.py:5"),
        "{html}"
    );
    assert_annotated_on_changed_lines(&run);
    let first = app.expect_comment(1, contains(MARKER)).await;
    assert!(first.body.starts_with(MARKER), "{}", first.body);
    app.expect_nothing_else().await; // one job, so one check run, for one delivery id

    // A push whose run hangs at import, then a newer push while it runs.
    let head2 = sha(0x1002);
    app.push(1, &head2, &slow_source(600));
    app.deliver(pr_synchronize(1, &head2)).await;
    let slow_run = app
        .wait_for("a container of the slow head's run", || {
            let id = app.check_runs(&head2).first()?.external_id.clone()?;
            (!ato_containers(Some(&id)).is_empty()).then_some(id)
        })
        .await;
    for container in ato_containers(Some(&slow_run)) {
        let config = inspect(&container);
        assert!(config.contains(&slow_run), "inspected: {config}");
        for secret in ["ghs_", SECRET, "PRIVATE KEY", "GITHUB_", "docker.sock"] {
            assert!(
                !config.contains(secret),
                "{secret} reached a container: {config}"
            );
        }
    }
    let head3 = sha(0x1003);
    app.push(1, &head3, &capped_source(50));
    app.deliver(pr_synchronize(1, &head3)).await;

    app.expect_check_run(&head2, Conclusion::Cancelled).await;
    app.wait_for("the slow run's containers to be gone", || {
        ato_containers(Some(&slow_run)).is_empty().then_some(())
    })
    .await;
    app.expect_check_run(&head3, Conclusion::Failure).await;
    let edited = app.expect_comment(1, contains(MARKER)).await;
    assert!(
        edited.edited && edited.id == first.id,
        "the same comment, edited in place: {edited:#?}"
    );
    assert_ne!(
        edited.body, first.body,
        "the comment reports the newest head"
    );
    assert_eq!(app.github.count("POST", "/issues/1/comments"), 1);
    app.expect_metrics(&[
        "ato_webhook_deliveries_total{outcome=\"accepted\"} 3",
        "ato_webhook_deliveries_total{outcome=\"duplicate\"} 1",
        "ato_jobs{state=\"succeeded\"} 2",
        "ato_jobs{state=\"cancelled\"} 1",
        "ato_jobs{state=\"running\"} 0",
        "ato_job_duration_seconds_count 2",
    ])
    .await;
    app.expect_nothing_else().await;
    app.server.assert_log_has_no_secrets();
}
