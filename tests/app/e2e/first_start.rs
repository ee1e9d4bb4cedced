//! A first start as an operator does it: `ato serve` with only `ATO_PUBLIC_URL` and `ATO_DATA_DIR` (and the
//! fake's API URL) serves `/setup`; the manifest flow creates the app; the same process, never restarted,
//! then takes a signed `pull_request` and reports a check run; a restart finds the stored app.

use crate::support::app::project::{capped_source, sha};
use crate::support::app::{Conclusion, TestApp, pr_opened};
use crate::support::fake_github::{APP_ID, MANIFEST_WEBHOOK_SECRET};
use crate::support::webhooks::{Delivery, WebhookClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_start_needs_only_a_url_and_a_data_folder_and_takes_webhooks_once_set_up() {
    let mut app = TestApp::start_unconfigured().await;
    let (status, home) = app.server.get("/").await;
    assert_eq!(status, 200);
    assert!(home.contains("ato is not set up yet"), "{home}");
    assert!(
        app.server
            .log()
            .contains("no GitHub App yet: open http://127.0.0.1:"),
        "the log says what to do:\n{}",
        app.server.log()
    );
    let early = WebhookClient::new(&app.server.url, MANIFEST_WEBHOOK_SECRET);
    early
        .send_expecting(Delivery::sample("ping/payload.json"), 503)
        .await;

    let page = app.complete_setup().await;
    assert!(page.contains("no restart is needed"), "{page}");
    let stored = app.server.data_dir.join(format!("github-app/{APP_ID}"));
    assert!(
        stored.join("private-key.pem").is_file(),
        "the key is stored"
    );

    let head = sha(0x5e7);
    app.push(1, &head, &capped_source(100));
    app.deliver(pr_opened(1, &head)).await;
    let run = app.expect_check_run(&head, Conclusion::Failure).await;
    assert_eq!(run.name, "ato");
    app.server.assert_log_has_no_secrets();
    let log = app.server.log();
    assert!(!log.contains(MANIFEST_WEBHOOK_SECRET), "{log}");
    assert_eq!(
        log.matches("ato serve listening").count(),
        1,
        "one process, no restart:\n{log}"
    );

    // A restart (still no credentials in the environment) uses the app /setup stored.
    app.server.kill();
    app.server.restart().await;
    let (_, home) = app.server.get("/").await;
    assert!(
        home.contains(&format!("running as GitHub App {APP_ID}")),
        "{home}"
    );
    let (status, _) = app.server.get("/setup").await;
    assert_eq!(status, 409, "set-up is closed once the app exists");
}
