//! A short test language for the GitHub App, in the manner of rust-lang/bors's `BorsTester`:
//!
//! ```ignore
//! let app = TestApp::start().await;
//! app.push(7, &head, &capped_source(100));
//! app.deliver(pr_opened(7, &head)).await;
//! app.expect_check_run(&head, Conclusion::Failure).await;
//! app.expect_comment(7, contains("clamp")).await;
//! app.expect_nothing_else().await;
//! ```
//!
//! [`TestApp`] is the real `ato serve` binary ([`server`]) against a fresh fake GitHub holding a small Python
//! project ([`project`]), on real Docker. Each expectation waits, at most [`DEADLINE`], for the next matching
//! write ato makes on the fake (check runs, comments, reactions: the fake logs them in order) and marks it as
//! accounted for; a failed one says what was expected, lists every write the fake saw (`✓` on those earlier
//! expectations matched) and shows the server's log. [`TestApp::expect_nothing_else`] waits until no job is
//! queued or running, then fails on any write no expectation matched.
//!
//! [`in_process`] is the router alone in the test process, for the intake's tests.

pub mod deliveries;
pub mod expect;
pub mod in_process;
pub mod project;
pub mod server;

use std::sync::Mutex;
use std::time::{Duration, Instant};

#[allow(unused_imports)] // each test binary uses part of it
pub use deliveries::{comment, pr_opened, pr_synchronize};
#[allow(unused_imports)]
pub use expect::{CommentWrite, Conclusion, Text, anything, contains, lacks};
#[allow(unused_imports)]
pub use server::{AtoServer, DEADLINE, SECRET};

use expect::Matched;

use crate::support::docker::require_docker;
use crate::support::fake_github::{
    FakeCheckRun, FakeComment, FakeGithub, MANIFEST_CODE, MANIFEST_WEBHOOK_SECRET, Write,
};
use crate::support::webhooks::{Delivery, WebhookClient};

/// The hidden marker of ato's report comment.
pub const MARKER: &str = "<!-- ato:report -->";

/// `ato serve` with its fake GitHub, and the writes the test has accounted for so far.
pub struct TestApp {
    pub github: FakeGithub,
    pub server: AtoServer,
    webhook: WebhookClient,
    matched: Mutex<Matched>,
    root: tempfile::TempDir,
}

impl TestApp {
    /// Checks Docker, starts a fake GitHub with the project, and `ato serve` (runner timeout 120 s) on it.
    pub async fn start() -> TestApp {
        require_docker();
        let root = tempfile::tempdir().expect("temp dir");
        let github = FakeGithub::start().await;
        project::add_repo(&github);
        let server = AtoServer::start(&github, root.path(), 120).await;
        TestApp {
            webhook: WebhookClient::new(&server.url, SECRET),
            github,
            server,
            matched: Mutex::new(Matched::default()),
            root,
        }
    }

    /// Like [`TestApp::start`], but `ato serve` has no app credentials (only `ATO_PUBLIC_URL` and
    /// `ATO_DATA_DIR`, and the fake's API URL): the app is created through `/setup` (see
    /// [`TestApp::complete_setup`]), and deliveries are signed with the secret the fake's manifest flow gives.
    pub async fn start_unconfigured() -> TestApp {
        require_docker();
        let root = tempfile::tempdir().expect("temp dir");
        let github = FakeGithub::start().await;
        project::add_repo(&github);
        let server = AtoServer::start_unconfigured(&github, root.path()).await;
        TestApp {
            webhook: WebhookClient::new(&server.url, MANIFEST_WEBHOOK_SECRET),
            github,
            server,
            matched: Mutex::new(Matched::default()),
            root,
        }
    }

    /// The manifest flow as a browser goes through it: `/setup`'s form carries a signed state; GitHub sends the
    /// browser back to `/setup/callback` with a code and that state. Returns the page the server shows.
    pub async fn complete_setup(&self) -> String {
        let (status, form) = self.server.get("/setup").await;
        assert_eq!(status, 200, "{form}");
        let state = form
            .split("?state=")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no state in the setup form: {form}"));
        let (status, page) = self
            .server
            .get(&format!(
                "/setup/callback?code={MANIFEST_CODE}&state={state}"
            ))
            .await;
        assert_eq!(
            status,
            200,
            "{page}\n--- ato serve log ---\n{}",
            self.server.log()
        );
        page
    }

    /// The test's temporary folder (the server's data directory is inside).
    pub fn root(&self) -> &std::path::Path {
        self.root.path()
    }

    /// Sets PR `number` to `head_sha` with `limits.py` = `source` (its tarball and patch).
    pub fn push(&self, number: u64, head_sha: &str, source: &str) {
        project::push(&self.github, number, head_sha, source);
    }

    /// A comment a person wrote on PR `number`, stored on the fake as GitHub would before sending its webhook,
    /// and the delivery of that webhook.
    pub fn user_comment(&self, number: u64, id: u64, login: &str, body: &str) -> Delivery {
        self.github
            .model()
            .repo(project::REPO)
            .comments
            .push(FakeComment {
                id,
                issue: number,
                body: body.to_string(),
                login: login.to_string(),
                user_type: "User".into(),
                app_id: None,
                reactions: Vec::new(),
            });
        comment(number, id, login, body)
    }

    /// Delivers and asserts `202 Accepted`.
    pub async fn deliver(&self, delivery: Delivery) {
        self.webhook.deliver(delivery).await;
    }

    /// Delivers and asserts `200` (ignored, or a duplicate); returns the answer's text.
    pub async fn deliver_ignored(&self, delivery: Delivery) -> String {
        self.webhook.deliver_ignored(delivery).await
    }

    /// The next check run on `head_sha` to complete, which must end with `conclusion`.
    pub async fn expect_check_run(&self, head_sha: &str, conclusion: Conclusion) -> FakeCheckRun {
        let what = format!(
            "the next check run on {head_sha} to complete, with conclusion {}",
            conclusion.as_str()
        );
        self.expect(&what, |writes, matched, runs| {
            let run = runs.iter().find(|r| {
                r.head_sha == head_sha
                    && r.status == "completed"
                    && writes
                        .iter()
                        .enumerate()
                        .any(|(i, w)| w.check_run() == Some(r.id) && !matched.contains(i))
            })?;
            if run.conclusion.as_deref() != Some(conclusion.as_str()) {
                return Some(Err(format!(
                    "check run {} completed with conclusion {}, summary {:?}",
                    run.id,
                    run.conclusion.as_deref().unwrap_or("none"),
                    run.summary.as_deref().unwrap_or_default()
                )));
            }
            for (i, write) in writes.iter().enumerate() {
                if write.check_run() == Some(run.id) {
                    matched.mark(i);
                }
            }
            Some(Ok(run.clone()))
        })
        .await
    }

    /// The next comment ato writes (posts or edits) on PR `number`, which must match `text`.
    pub async fn expect_comment(&self, number: u64, text: Text) -> CommentWrite {
        let what = format!("the next comment written on #{number}, whose text {text}");
        self.expect(&what, |writes, matched, _| {
            let (index, comment) = writes
                .iter()
                .enumerate()
                .filter(|(i, _)| !matched.contains(*i))
                .filter_map(|(i, w)| Some((i, CommentWrite::from_write(w)?)))
                .find(|(_, c)| c.issue == number)?;
            if !text.matches(&comment.body) {
                return Some(Err(format!("it did not match:\n{}", comment.body)));
            }
            matched.mark(index);
            Some(Ok(comment))
        })
        .await
    }

    /// The next reaction ato adds to comment `comment_id`, which must be `content` (`eyes`, …).
    pub async fn expect_reaction(&self, comment_id: u64, content: &str) {
        let what = format!("the next reaction on comment {comment_id}: {content}");
        self.expect(&what, |writes, matched, _| {
            let (index, found) = writes.iter().enumerate().find_map(|(i, w)| match w {
                Write::ReactionAdded {
                    comment_id: on,
                    content,
                } if *on == comment_id && !matched.contains(i) => Some((i, content.clone())),
                _ => None,
            })?;
            if found != content {
                return Some(Err(format!("it was {found}")));
            }
            matched.mark(index);
            Some(Ok(()))
        })
        .await
    }

    /// Waits until `/metrics` has every line of `lines`; returns the whole text.
    pub async fn expect_metrics(&self, lines: &[&str]) -> String {
        self.server.wait_metrics(lines).await
    }

    /// Waits until no job is queued or running, then asserts that every write ato made on the fake was
    /// matched by an expectation.
    pub async fn expect_nothing_else(&self) {
        self.expect_metrics(&[
            "ato_jobs{state=\"queued\"} 0",
            "ato_jobs{state=\"running\"} 0",
        ])
        .await;
        let model = self.github.model();
        let writes = &model.repos[project::REPO].writes;
        let matched = self.matched.lock().unwrap_or_else(|e| e.into_inner());
        let unmatched = matched.unmatched(writes);
        assert!(
            unmatched.is_empty(),
            "expected nothing else, but ato also wrote:\n{}\nevery write the fake GitHub saw:\n{}",
            unmatched
                .iter()
                .map(|(_, w)| format!("    {w}\n"))
                .collect::<String>(),
            matched.render(writes)
        );
    }

    /// Every write ato made on the fake so far, in order.
    pub fn writes(&self) -> Vec<Write> {
        self.github.model().repos[project::REPO].writes.clone()
    }

    /// The check runs ato created on `head_sha`, in order, in their current state.
    pub fn check_runs(&self, head_sha: &str) -> Vec<FakeCheckRun> {
        let model = self.github.model();
        let runs = &model.repos[project::REPO].check_runs;
        runs.iter()
            .filter(|r| r.head_sha == head_sha)
            .cloned()
            .collect()
    }

    /// Polls `probe` until it returns `Some`, failing after [`DEADLINE`] with `what` and the server's log.
    pub async fn wait_for<T>(&self, what: &str, probe: impl FnMut() -> Option<T>) -> T {
        self.server.wait_for(what, probe).await
    }

    /// Polls `find` over the fake's writes (and check runs) until it decides: `Ok` is the match, `Err` a
    /// mismatch that fails at once; `None` waits. Fails after [`DEADLINE`], saying what the fake saw.
    async fn expect<T>(
        &self,
        what: &str,
        mut find: impl FnMut(&[Write], &mut Matched, &[FakeCheckRun]) -> Option<Result<T, String>>,
    ) -> T {
        let started = Instant::now();
        loop {
            {
                let model = self.github.model();
                let repo = &model.repos[project::REPO];
                let mut matched = self.matched.lock().unwrap_or_else(|e| e.into_inner());
                match find(&repo.writes, &mut matched, &repo.check_runs) {
                    Some(Ok(found)) => return found,
                    Some(Err(why)) => panic!(
                        "expected {what}, but {why}\n{}",
                        self.saw(&repo.writes, &matched)
                    ),
                    None if started.elapsed() > DEADLINE => panic!(
                        "timed out after {DEADLINE:?} waiting for {what}\n{}",
                        self.saw(&repo.writes, &matched)
                    ),
                    None => {}
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn saw(&self, writes: &[Write], matched: &Matched) -> String {
        format!(
            "every write the fake GitHub saw (✓: matched by an earlier expectation):\n{}\
             --- ato serve log ---\n{}",
            matched.render(writes),
            self.server.log()
        )
    }
}
