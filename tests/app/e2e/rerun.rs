//! `/ato rerun` in a comment: run again for someone with write access, refused (politely) for a reader,
//! acknowledged with 👀 either way, and never read from a code block or a quote.

use crate::support::app::project::{capped_source, sha};
use crate::support::app::{Conclusion, MARKER, TestApp, contains, lacks, pr_opened};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rerun_commands_are_authorised_acknowledged_and_never_read_from_code_blocks() {
    let app = TestApp::start().await;
    let head = sha(0x2001);
    app.push(2, &head, &capped_source(100));
    app.deliver(pr_opened(2, &head)).await;
    app.expect_check_run(&head, Conclusion::Failure).await;
    let report = app.expect_comment(2, contains(MARKER)).await;

    let fenced = "Try this:\n```\n/ato rerun\n```";
    let quoted = "> /ato rerun\n\nwhy would this help?";
    for (id, text) in [(9001, fenced), (9004, quoted)] {
        app.deliver_ignored(app.user_comment(2, id, "maintainer", text))
            .await;
    }

    app.deliver(app.user_comment(2, 9002, "visitor", "/ato rerun"))
        .await;
    app.expect_reaction(9002, "eyes").await;
    let refusal = contains("Sorry @visitor")
        .and(contains("write access"))
        .and(lacks(MARKER));
    app.expect_comment(2, refusal).await;
    app.expect_nothing_else().await; // a reader's command runs nothing

    app.deliver(app.user_comment(2, 9003, "maintainer", "/ato rerun"))
        .await;
    app.expect_reaction(9003, "eyes").await;
    app.expect_check_run(&head, Conclusion::Failure).await;
    let again = app.expect_comment(2, contains(MARKER)).await;
    assert!(
        again.edited && again.id == report.id,
        "one report comment, edited: {again:#?}"
    );
    app.expect_metrics(&[
        "ato_jobs{state=\"succeeded\"} 3",
        "ato_jobs{state=\"running\"} 0",
        "ato_webhook_deliveries_total{outcome=\"ignored\"} 2",
        "ato_webhook_deliveries_total{outcome=\"accepted\"} 3",
    ])
    .await;
    // No reaction to the fenced and quoted commands, no other comment: nothing else was written.
    app.expect_nothing_else().await;
}
