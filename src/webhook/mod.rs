//! Webhook intake, the pure part: verify a delivery's signature ([`signature`]), read it into ato's own event
//! type ([`event`]), find `/ato` commands in comments ([`command`]), and turn the event into what the store
//! records ([`intake_for`]). The HTTP side is in [`crate::server`].

pub mod command;
pub(crate) mod event;
mod payload;
pub mod signature;

#[cfg(test)]
mod event_tests;

use crate::store::{Intake, JobTrigger, NewDelivery, NewJob};
pub(crate) use event::{Parsed, PayloadError, PrHead, RoutingPolicy, WebhookEvent, parse_event};

/// Outcome recorded for a delivery that changed something.
pub const OUTCOME_ACCEPTED: &str = "accepted";

/// What the store must write for one delivery: the delivery itself, and the jobs or installation change the
/// event causes. Ignored deliveries are recorded too (with their reason) so a redelivery is recognised.
pub fn intake_for(
    delivery_id: &str,
    event_name: &str,
    action: Option<&str>,
    event: WebhookEvent,
) -> Intake {
    let mut jobs = Vec::new();
    let mut installation = None;
    let mut outcome = OUTCOME_ACCEPTED.to_owned();
    match event {
        WebhookEvent::PullRequest { head, action } => {
            jobs.push(job_for(head, JobTrigger::PullRequest { action }));
        }
        WebhookEvent::CheckRerequested {
            heads,
            check_suite_id,
            check_run_id,
        } => {
            for head in heads {
                jobs.push(job_for(
                    head,
                    JobTrigger::CheckRerequested {
                        check_suite_id,
                        check_run_id,
                    },
                ));
            }
        }
        WebhookEvent::CommentCommand(c) => jobs.push(NewJob {
            trigger: JobTrigger::CommentCommand {
                comment_id: c.comment_id,
                user_login: c.user_login,
                command: c.command,
                text: c.text,
            },
            installation_id: c.pr.installation_id,
            repo: c.pr.repo,
            pr_number: c.pr.pr_number,
            head_sha: None,
            base_sha: None,
        }),
        WebhookEvent::Installation(change) => installation = Some(change),
        WebhookEvent::Ping => outcome = "ignored: ping".to_owned(),
        WebhookEvent::Ignored(reason) => outcome = format!("ignored: {reason}"),
    }
    Intake {
        delivery: NewDelivery {
            id: delivery_id.to_owned(),
            event: event_name.to_owned(),
            action: action.map(str::to_owned),
            outcome,
        },
        jobs,
        installation,
    }
}

fn job_for(head: PrHead, trigger: JobTrigger) -> NewJob {
    NewJob {
        trigger,
        installation_id: head.pr.installation_id,
        repo: head.pr.repo,
        pr_number: head.pr.pr_number,
        head_sha: Some(head.head_sha),
        base_sha: Some(head.base_sha),
    }
}
