//! Every sample payload GitHub documents (`tests/fixtures/webhooks/`), signed and delivered: accepted (2xx) and either routed to a job or an
//! installation change, or deliberately ignored with a recorded reason.

use crate::support::app::in_process::{HEAD, start};
use crate::support::webhooks::{Delivery, all_samples};

/// What each sample payload must do.
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

#[tokio::test]
async fn every_sample_payload_is_accepted_and_routed_or_deliberately_ignored() {
    let h = start().await;
    let listed: Vec<String> = EXPECTED.iter().map(|(p, _)| (*p).to_owned()).collect();
    assert_eq!(
        all_samples(),
        listed,
        "each sample payload needs a decided expectation here"
    );

    for (n, (relative, expect)) in EXPECTED.iter().enumerate() {
        let event = relative.split('/').next().unwrap();
        let id = format!("sample-{n}");
        let (status, text) = h.send(Delivery::sample(relative).id(&id)).await;
        let jobs = h.store().jobs_for_delivery(&id).await.unwrap();
        let recorded = h
            .store()
            .delivery(&id)
            .await
            .unwrap()
            .expect("every delivery is recorded");
        assert_eq!(recorded.event, event);
        match expect {
            Expect::Job(kind) => {
                assert_eq!(status, 202, "{relative}: {text}");
                assert_eq!(jobs.len(), 1, "{relative}");
                assert_eq!(jobs[0].trigger.kind(), *kind, "{relative}");
                assert_eq!(
                    (jobs[0].repo.to_string(), jobs[0].pr_number.0),
                    ("Codertocat/Hello-World".to_string(), 2)
                );
                assert_eq!(jobs[0].head_sha.as_deref(), Some(HEAD), "{relative}");
                assert_eq!(recorded.outcome, "accepted");
            }
            Expect::Installation => {
                assert_eq!(status, 202, "{relative}: {text}");
                assert!(jobs.is_empty(), "{relative}");
                assert_eq!(recorded.outcome, "accepted");
            }
            Expect::Ignored(reason) => {
                assert_eq!(status, 200, "{relative}: {text}");
                assert!(jobs.is_empty(), "{relative}");
                assert_eq!(recorded.outcome, format!("ignored: {reason}"), "{relative}");
            }
        }
    }
    let install = h
        .store()
        .installation(957387.into())
        .await
        .unwrap()
        .expect("installation recorded");
    assert_eq!(install.account_login.as_deref(), Some("Codertocat"));
    let repos: Vec<&str> = install.repos.iter().map(|r| r.full_name.as_str()).collect();
    assert_eq!(repos, ["Codertocat/Hello-World", "Codertocat/Space"]);
    h.expect_metrics(&[
        "ato_webhook_deliveries_total{outcome=\"accepted\"} 14",
        "ato_webhook_deliveries_total{outcome=\"ignored\"} 28",
    ])
    .await;
}
