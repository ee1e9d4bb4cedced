//! What ato posts on a pull request: the check run with its annotations, the report comment (one, edited
//! in place), reactions and replies.

use ato::github::{
    Annotation, AnnotationLevel, CheckRunOutput, CommentId, CommitSha, Conclusion, NewCheckRun,
    PrNumber, REPORT_MARKER, Reaction,
};

use crate::support::fake_github::{FakeComment, Fault};
use crate::support::github_client::{HEAD, REPO, add_pull, repo, setup};

fn annotations(count: u32) -> Vec<Annotation> {
    (1..=count)
        .map(|line| Annotation {
            path: "pkg/calc.py".into(),
            start_line: line,
            end_line: line,
            level: AnnotationLevel::Failure,
            message: format!("test_add failed on line {line}"),
            title: Some("failing generated test".into()),
            raw_details: None,
        })
        .collect()
}

#[tokio::test]
async fn a_check_run_is_created_then_completed_with_all_annotations() {
    let (fake, github) = setup().await;
    let run = NewCheckRun {
        head_sha: CommitSha::parse(HEAD).unwrap(),
        external_id: "run-42".into(),
        details_url: Some("https://ato.example/reports/run-42/token".into()),
    };
    let id = github.create_check_run(&repo(), &run).await.unwrap();
    {
        let model = fake.model();
        let created = &model.repos[REPO].check_runs[0];
        assert_eq!(
            (created.name.as_str(), created.status.as_str()),
            ("ato", "in_progress")
        );
        assert_eq!(created.external_id.as_deref(), Some("run-42"));
        assert_eq!(created.head_sha, HEAD);
    }
    let output = CheckRunOutput {
        title: "ato: 120 failures".into(),
        summary: "s".repeat(70_000),
        text: Some("t".into()),
    };
    github
        .complete_check_run(&repo(), id, Conclusion::Failure, &output, &annotations(120))
        .await
        .unwrap();

    assert_eq!(
        fake.count("PATCH", "/check-runs/"),
        3,
        "120 annotations in 3 requests"
    );
    let model = fake.model();
    let done = &model.repos[REPO].check_runs[0];
    assert_eq!(done.annotations.len(), 120);
    assert_eq!(done.annotations[119]["start_line"], 120);
    assert_eq!(
        (done.status.as_str(), done.conclusion.as_deref()),
        ("completed", Some("failure"))
    );
    let summary = done.summary.as_deref().unwrap();
    assert_eq!(summary.chars().count(), 65_535);
    assert!(summary.ends_with("(truncated by ato)"));
}

#[tokio::test]
async fn the_report_comment_is_found_by_its_marker_and_edited() {
    let (fake, github) = setup().await;
    add_pull(&fake, 7, 1);
    // A human quoting the marker must not have their comment taken over.
    let human = FakeComment {
        id: 900,
        issue: 7,
        body: format!("what is {REPORT_MARKER}?"),
        login: "alice".into(),
        user_type: "User".into(),
        app_id: None,
        reactions: Vec::new(),
    };
    fake.model().repo(REPO).comments.push(human);
    let first = github
        .upsert_report_comment(&repo(), PrNumber(7), "## ato report\nfirst")
        .await
        .unwrap();
    let second = github
        .upsert_report_comment(&repo(), PrNumber(7), "## ato report\nsecond")
        .await
        .unwrap();
    assert!(first.created && !second.created);
    assert_eq!(first.id, second.id);
    {
        let model = fake.model();
        let ours: Vec<_> = model.repos[REPO]
            .comments
            .iter()
            .filter(|c| c.login.ends_with("[bot]"))
            .collect();
        assert_eq!(ours.len(), 1, "one comment after two reports");
        assert!(ours[0].body.starts_with(REPORT_MARKER) && ours[0].body.ends_with("second"));
        assert_eq!(
            model.repos[REPO].comments[0].body,
            format!("what is {REPORT_MARKER}?")
        );
    }
    github
        .add_reaction(&repo(), CommentId(900), Reaction::Eyes)
        .await
        .unwrap();
    let reply = github
        .post_comment(&repo(), PrNumber(7), "@alice rerunning")
        .await
        .unwrap();
    let model = fake.model();
    assert_eq!(
        model.repos[REPO].comments[0].reactions,
        vec!["eyes".to_owned()]
    );
    assert!(
        model.repos[REPO]
            .comments
            .iter()
            .any(|c| c.id == reply.0 && c.body == "@alice rerunning")
    );
}

#[tokio::test]
async fn a_report_comment_deleted_meanwhile_is_posted_again() {
    let (fake, github) = setup().await;
    add_pull(&fake, 3, 1);
    let first = github
        .upsert_report_comment(&repo(), PrNumber(3), "one")
        .await
        .unwrap();
    fake.inject("/issues/comments/", Fault::Status(404), 1);
    let second = github
        .upsert_report_comment(&repo(), PrNumber(3), "two")
        .await
        .unwrap();
    assert!(second.created && second.id != first.id);
    assert_eq!(
        fake.count("PATCH", "/issues/comments/"),
        1,
        "the 404 is not retried"
    );
    let model = fake.model();
    let posted = model.repos[REPO]
        .comments
        .iter()
        .find(|c| c.id == second.id.0)
        .unwrap();
    assert!(posted.body.ends_with("two"));
}
