//! `comment: on-change` in `.github/ato.yml`: the report comment is written when the result differs from the
//! previous run's, and left alone (no post, no edit) when a run finds the same.

use crate::support::app::project::{REPO, capped_source, sha};
use crate::support::app::{Conclusion, MARKER, TestApp, contains, pr_opened, pr_synchronize};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_comment_on_change_a_run_with_the_same_result_edits_nothing() {
    let app = TestApp::start().await;
    {
        let mut model = app.github.model();
        let repo = model.repo(REPO);
        let branch = repo.default_branch.clone();
        repo.files.insert(
            (branch, ".github/ato.yml".into()),
            b"comment: on-change\n".to_vec(),
        );
    }
    let head = sha(0x4001);
    app.push(4, &head, &capped_source(100));
    app.deliver(pr_opened(4, &head)).await;
    app.expect_check_run(&head, Conclusion::Failure).await;
    let first = app.expect_comment(4, contains(MARKER)).await;
    assert!(!first.body.contains("previous run"), "{}", first.body);

    // The same head tested again finds the same: a check run, and no comment written.
    app.deliver(app.user_comment(4, 9101, "maintainer", "/ato rerun"))
        .await;
    app.expect_reaction(9101, "eyes").await;
    app.expect_check_run(&head, Conclusion::Failure).await;
    app.expect_nothing_else().await;
    assert_eq!(app.github.count("PATCH", "/issues/comments/"), 0);

    // A push that changes the result: the one comment is edited, with the change against the previous run.
    let head2 = sha(0x4002);
    app.push(4, &head2, &capped_source(50));
    app.deliver(pr_synchronize(4, &head2)).await;
    app.expect_check_run(&head2, Conclusion::Failure).await;
    let edited = app.expect_comment(4, contains(MARKER)).await;
    assert!(
        edited.edited && edited.id == first.id,
        "the same comment, edited: {edited:#?}"
    );
    assert!(
        edited.body.contains("changes against the previous run"),
        "{}",
        edited.body
    );
    app.expect_nothing_else().await;
}
