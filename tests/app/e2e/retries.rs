//! GitHub failing during a run (server errors, a secondary rate limit, an exhausted rate limit): each call is
//! retried after the wait the policy (or GitHub) asks for, and the run still reports once.

use std::time::Duration;

use crate::support::app::project::{capped_source, sha};
use crate::support::app::{Conclusion, MARKER, TestApp, contains, pr_opened};
use crate::support::fake_github::{Fault, Write};

/// The statuses of the calls.
fn statuses(calls: &[(u16, Duration)]) -> Vec<u16> {
    calls.iter().map(|c| c.0).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_and_rate_limits_during_a_run_are_waited_out_within_the_retry_policy() {
    let app = TestApp::start().await;
    let head = sha(0x3001);
    app.push(3, &head, &capped_source(100));
    let github = &app.github;
    github.inject("/pulls/3/files", Fault::Status(500), 2);
    let secondary = Fault::TooManyRequests {
        retry_after_secs: 1,
    };
    github.inject("/check-runs", secondary, 1);
    github.inject(
        "/issues/3/comments",
        Fault::RateLimitReset { reset_in_secs: 2 },
        1,
    );
    app.deliver(pr_opened(3, &head)).await;

    app.expect_check_run(&head, Conclusion::Failure).await; // the run was judged
    app.expect_comment(3, contains(MARKER)).await;
    app.expect_nothing_else().await;
    let writes = app.writes();
    let completed = writes
        .iter()
        .position(|w| matches!(w, Write::CheckRunUpdated { status, .. } if status == "completed"));
    let commented = writes
        .iter()
        .position(|w| matches!(w, Write::CommentPosted { .. }));
    assert!(
        matches!((completed, commented), (Some(c), Some(p)) if c < p),
        "the check run completed before the comment: {writes:#?}"
    );

    let files = github.calls("GET", "/pulls/3/files");
    assert_eq!(
        statuses(&files),
        [500, 500, 200],
        "two 500s, then the answer: {files:?}"
    );
    assert!(
        files[2].1 >= Duration::from_secs(2),
        "1 s then 2 s back-off: {files:?}"
    );
    let created = github.calls("POST", "/check-runs");
    assert_eq!(statuses(&created), [429, 201], "{created:?}");
    assert!(
        created[1].1 >= Duration::from_secs(1),
        "retry-after honoured: {created:?}"
    );
    let listed = github.calls("GET", "/issues/3/comments");
    assert_eq!(statuses(&listed), [403, 200], "{listed:?}");
    assert!(
        listed[1].1 >= Duration::from_millis(1500),
        "waited for the reset: {listed:?}"
    );

    assert_eq!(
        github.count("PATCH", "/check-runs/"),
        1,
        "completed in one update"
    );
    assert_eq!(github.count("POST", "/issues/3/comments"), 1, "one comment");
    assert_eq!(
        github.token_requests(),
        1,
        "the installation token is reused"
    );
    app.server.assert_log_has_no_secrets();
}
