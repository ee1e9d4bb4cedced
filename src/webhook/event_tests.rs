//! Unit tests of event routing on small hand-written payloads (GitHub's sample payloads, in
//! `tests/fixtures/webhooks/`, are delivered over HTTP by the `app` tests' `webhook::payloads`).

use serde_json::{Value, json};

use super::command::{Command, CommandError};
use super::event::*;
use super::intake_for;
use crate::store::{InstallationAction, JobTrigger, RequestedCommand};

const HEAD: &str = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
const BASE: &str = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const APP: u64 = 29310;

fn policy(run_drafts: bool) -> RoutingPolicy {
    RoutingPolicy {
        app_id: APP,
        run_drafts,
    }
}

fn parse(event: &str, payload: &Value) -> Result<Parsed, PayloadError> {
    parse_event(event, payload.to_string().as_bytes(), &policy(false))
}

fn ignored(event: &str, payload: &Value) -> IgnoreReason {
    match parse(event, payload).unwrap().event {
        WebhookEvent::Ignored(reason) => reason,
        other => panic!("expected ignored, got {other:?}"),
    }
}

fn pull_request(action: &str, draft: bool) -> Value {
    json!({
        "action": action, "number": 2,
        "pull_request": {"draft": draft, "head": {"sha": HEAD}, "base": {"sha": BASE}},
        "repository": {"full_name": "octo/hello"},
        "installation": {"id": 7}
    })
}

fn comment(body: &str) -> Value {
    json!({
        "action": "created",
        "issue": {"number": 5, "state": "open", "pull_request": {"url": "https://x"}},
        "comment": {"id": 99, "body": body, "user": {"login": "alice", "type": "User"},
                    "performed_via_github_app": null},
        "repository": {"full_name": "octo/hello"},
        "installation": {"id": 7}
    })
}

#[test]
fn pull_request_opened_is_a_head_to_test() {
    let parsed = parse("pull_request", &pull_request("opened", false)).unwrap();
    assert_eq!(parsed.action.as_deref(), Some("opened"));
    let WebhookEvent::PullRequest { head, action } = parsed.event else {
        panic!("{parsed:?}")
    };
    assert_eq!(action, "opened");
    assert_eq!(
        head.pr,
        PrRef {
            installation_id: 7.into(),
            repo: "octo/hello".into(),
            pr_number: 2.into()
        }
    );
    assert_eq!(
        (head.head_sha.as_str(), head.base_sha.as_str()),
        (HEAD, BASE)
    );
}

#[test]
fn drafts_are_skipped_unless_configured() {
    assert_eq!(
        ignored("pull_request", &pull_request("opened", true)),
        IgnoreReason::Draft
    );
    let body = pull_request("synchronize", true).to_string();
    let parsed = parse_event("pull_request", body.as_bytes(), &policy(true)).unwrap();
    assert!(matches!(parsed.event, WebhookEvent::PullRequest { .. }));
}

#[test]
fn other_pull_request_actions_are_ignored_without_reading_them() {
    // A labeled payload with nothing but the action: it must not fail for lack of fields.
    let reason = ignored("pull_request", &json!({"action": "labeled"}));
    assert_eq!(reason, IgnoreReason::UnhandledAction("labeled".into()));
}

#[test]
fn a_complete_payload_of_another_pull_request_action_is_ignored_with_its_action() {
    // Read in one pass (it fits the pull_request struct), and still ignored like the bare one above.
    let parsed = parse("pull_request", &pull_request("labeled", false)).unwrap();
    assert_eq!(parsed.action.as_deref(), Some("labeled"));
    assert_eq!(
        parsed.event,
        WebhookEvent::Ignored(IgnoreReason::UnhandledAction("labeled".into()))
    );
}

#[test]
fn a_pull_request_payload_without_an_action_is_ignored_not_refused() {
    let mut payload = pull_request("opened", false);
    payload.as_object_mut().unwrap().remove("action");
    let parsed = parse("pull_request", &payload).unwrap();
    assert_eq!(parsed.action, None);
    assert_eq!(
        parsed.event,
        WebhookEvent::Ignored(IgnoreReason::UnhandledAction(String::new()))
    );
}

#[test]
fn unknown_events_are_ignored() {
    assert_eq!(
        ignored("star", &json!({"action": "created"})),
        IgnoreReason::UnhandledEvent("star".into())
    );
}

#[test]
fn missing_fields_of_a_handled_action_are_a_payload_error_with_a_path() {
    let mut payload = pull_request("opened", false);
    payload["pull_request"]["head"] = json!({});
    let err = parse("pull_request", &payload).unwrap_err();
    assert!(err.path.contains("pull_request.head"), "{err}");
}

#[test]
fn broken_json_is_a_payload_error_even_for_unknown_events() {
    assert!(parse_event("star", b"{not json", &policy(false)).is_err());
}

#[test]
fn bad_shas_and_repository_names_are_refused() {
    let mut payload = pull_request("opened", false);
    payload["pull_request"]["head"]["sha"] = json!("--upload-pack=evil");
    assert!(parse("pull_request", &payload).is_err());
    let mut payload = pull_request("opened", false);
    payload["repository"]["full_name"] = json!("../etc");
    assert!(parse("pull_request", &payload).is_err());
}

#[test]
fn events_without_installation_are_ignored() {
    let mut payload = pull_request("opened", false);
    payload.as_object_mut().unwrap().remove("installation");
    assert_eq!(
        ignored("pull_request", &payload),
        IgnoreReason::NoInstallation
    );
}

#[test]
fn rerun_comment_is_a_command() {
    let parsed = parse("issue_comment", &comment("Looks flaky.\n/ato rerun")).unwrap();
    let WebhookEvent::CommentCommand(c) = parsed.event else {
        panic!("{parsed:?}")
    };
    assert_eq!(c.pr.pr_number, 5.into());
    assert_eq!((c.comment_id, c.user_login.as_str()), (99.into(), "alice"));
    assert_eq!(c.command, RequestedCommand::Known(Command::Rerun));
    assert_eq!(c.text, "Looks flaky.\n/ato rerun");
}

#[test]
fn unknown_subcommand_still_makes_a_job_to_answer_it() {
    let parsed = parse("issue_comment", &comment("/ato deploy")).unwrap();
    let WebhookEvent::CommentCommand(c) = parsed.event else {
        panic!("{parsed:?}")
    };
    assert_eq!(
        c.command,
        RequestedCommand::Unknown(CommandError::UnknownSubcommand("deploy".into()))
    );
}

#[test]
fn comments_that_are_not_commands_for_us_are_ignored() {
    assert_eq!(
        ignored("issue_comment", &comment("nice work")),
        IgnoreReason::NoCommand
    );
    assert_eq!(
        ignored("issue_comment", &comment("```\n/ato rerun\n```")),
        IgnoreReason::NoCommand
    );
    let mut on_issue = comment("/ato rerun");
    on_issue["issue"]
        .as_object_mut()
        .unwrap()
        .remove("pull_request");
    assert_eq!(
        ignored("issue_comment", &on_issue),
        IgnoreReason::NotAPullRequest
    );
    let mut closed = comment("/ato rerun");
    closed["issue"]["state"] = json!("closed");
    assert_eq!(
        ignored("issue_comment", &closed),
        IgnoreReason::PullRequestClosed
    );
}

#[test]
fn our_own_and_bot_comments_are_ignored() {
    let mut own = comment("/ato rerun");
    own["comment"]["performed_via_github_app"] = json!({"id": APP});
    assert_eq!(ignored("issue_comment", &own), IgnoreReason::OwnComment);
    let mut bot = comment("/ato rerun");
    bot["comment"]["user"]["type"] = json!("Bot");
    assert_eq!(ignored("issue_comment", &bot), IgnoreReason::BotComment);
}

#[test]
fn edited_comments_are_ignored() {
    let mut edited = comment("/ato rerun");
    edited["action"] = json!("edited");
    assert_eq!(
        ignored("issue_comment", &edited),
        IgnoreReason::UnhandledAction("edited".into())
    );
}

fn check_suite(app: u64, prs: Value) -> Value {
    json!({
        "action": "rerequested",
        "check_suite": {"id": 11, "head_sha": HEAD, "app": {"id": app}, "pull_requests": prs},
        "repository": {"full_name": "octo/hello"},
        "installation": {"id": 7}
    })
}

#[test]
fn check_suite_rerequest_tests_each_pr_of_the_head() {
    let prs = json!([{"number": 2, "base": {"sha": BASE}}, {"number": 3, "base": {"sha": BASE}}]);
    let parsed = parse("check_suite", &check_suite(APP, prs)).unwrap();
    let WebhookEvent::CheckRerequested {
        heads,
        check_suite_id,
        check_run_id,
    } = parsed.event
    else {
        panic!("{parsed:?}")
    };
    assert_eq!((check_suite_id, check_run_id), (11, None));
    assert_eq!(
        heads.iter().map(|h| h.pr.pr_number.0).collect::<Vec<_>>(),
        [2, 3]
    );
    assert!(heads.iter().all(|h| h.head_sha.as_str() == HEAD));
}

#[test]
fn check_rerequests_of_other_apps_or_without_pr_are_ignored() {
    let prs = json!([{"number": 2, "base": {"sha": BASE}}]);
    assert_eq!(
        ignored("check_suite", &check_suite(1, prs)),
        IgnoreReason::OtherAppsCheck
    );
    assert_eq!(
        ignored("check_suite", &check_suite(APP, json!([]))),
        IgnoreReason::NoPullRequest
    );
}

#[test]
fn installation_events_become_installation_changes() {
    let payload = json!({
        "action": "created",
        "installation": {"id": 7, "account": {"login": "octo"}},
        "repositories": [{"id": 1, "full_name": "octo/hello", "private": false}]
    });
    let WebhookEvent::Installation(change) = parse("installation", &payload).unwrap().event else {
        panic!()
    };
    assert_eq!(change.action, InstallationAction::Upsert);
    assert_eq!(change.account_login.as_deref(), Some("octo"));
    assert_eq!(change.repos_added.len(), 1);
    let deleted = json!({"action": "deleted", "installation": {"id": 7}, "repositories": null});
    let WebhookEvent::Installation(change) = parse("installation", &deleted).unwrap().event else {
        panic!()
    };
    assert_eq!(change.action, InstallationAction::Delete);
}

#[test]
fn intake_records_jobs_and_ignored_reasons() {
    let parsed = parse("pull_request", &pull_request("reopened", false)).unwrap();
    let intake = intake_for(
        "d-1",
        "pull_request",
        parsed.action.as_deref(),
        parsed.event,
    );
    assert_eq!(intake.delivery.outcome, "accepted");
    assert_eq!(intake.jobs.len(), 1);
    assert_eq!(
        intake.jobs[0].trigger,
        JobTrigger::PullRequest {
            action: "reopened".into()
        }
    );
    assert_eq!(intake.jobs[0].head_sha.as_deref(), Some(HEAD));

    let parsed = parse("pull_request", &pull_request("opened", true)).unwrap();
    let intake = intake_for(
        "d-2",
        "pull_request",
        parsed.action.as_deref(),
        parsed.event,
    );
    assert_eq!(intake.delivery.outcome, "ignored: draft pull request");
    assert!(intake.jobs.is_empty());

    let parsed = parse("issue_comment", &comment("/ato rerun")).unwrap();
    let intake = intake_for(
        "d-3",
        "issue_comment",
        parsed.action.as_deref(),
        parsed.event,
    );
    assert_eq!(intake.jobs[0].head_sha, None);
    assert_eq!(intake.jobs[0].trigger.kind(), "comment_command");
}
