//! The other endpoints: health, metrics, report links and the GitHub App setup flow.

use reqwest::StatusCode;

use crate::support::app::in_process::{log_text, start, start_with};
use crate::support::webhooks::{Delivery, WebhookClient};

#[tokio::test]
async fn health_and_metrics_report_the_store() {
    let h = start().await;
    let health = h.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    let response = h.get("/metrics").await;
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    for line in [
        "ato_jobs{state=\"queued\"} 0",
        "ato_job_duration_seconds_count 0",
        "# TYPE ato_jobs gauge",
    ] {
        assert!(text.contains(line), "{line} missing from:\n{text}");
    }
    h.deliver(Delivery::sample("pull_request/opened.payload.json"))
        .await;
    h.expect_metrics(&["ato_jobs{state=\"queued\"} 1"]).await;
}

#[tokio::test]
async fn report_links_need_the_right_token() {
    let h = start().await;
    let run = "run-20261125-1";
    let dir = h.data_dir.join("reports").join(run);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("report.html"), "<h1>ato report</h1>").unwrap();
    let token = h.state.report_key.token(run);

    let ok = h.get(&format!("/reports/{run}/{token}")).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        ok.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert_eq!(ok.headers()["referrer-policy"], "no-referrer");
    assert_eq!(ok.text().await.unwrap(), "<h1>ato report</h1>");

    let mut wrong = token.clone();
    wrong.replace_range(0..1, if token.starts_with('0') { "1" } else { "0" });
    let other_run_token = h.state.report_key.token("run-other");
    for path in [
        format!("/reports/{run}/{wrong}"),
        format!("/reports/{run}/{}", &token[..32]),
        format!("/reports/{run}/{other_run_token}"),
        format!("/reports/run-other/{other_run_token}"),
        format!(
            "/reports/..%2F..%2Fetc/{}",
            h.state.report_key.token("../../etc")
        ),
    ] {
        let response = h.get(&path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            response.text().await.unwrap(),
            "no such report\n",
            "one answer for every refusal"
        );
    }
    // The same link serves the run's results as JSON, the status API, behind the same token.
    std::fs::write(dir.join("results.json"), "{\"verdict\":\"failure\"}").unwrap();
    let json = h.get(&format!("/reports/{run}/{token}/results.json")).await;
    assert_eq!(json.status(), StatusCode::OK);
    assert_eq!(json.headers()["content-type"], "application/json");
    assert_eq!(json.headers()["x-content-type-options"], "nosniff");
    assert_eq!(json.text().await.unwrap(), "{\"verdict\":\"failure\"}");
    for path in [
        format!("/reports/{run}/{wrong}/results.json"),
        format!("/reports/run-other/{other_run_token}/results.json"),
    ] {
        let response = h.get(&path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let logs = log_text();
    assert!(
        logs.contains("/reports/{run}/{token}"),
        "requests are logged by route template"
    );
    assert!(!logs.contains(&token), "a report token reached the log");
}

#[tokio::test]
async fn setup_flow_saves_the_credentials_without_showing_them_and_takes_webhooks_at_once() {
    // A fake GitHub for the manifest conversion, on loopback.
    let fake = axum::Router::new().route(
        "/app-manifests/{code}/conversions",
        axum::routing::post(|axum::extract::Path(code): axum::extract::Path<String>| async move {
            if code != "good-code" {
                return (StatusCode::NOT_FOUND, axum::Json(serde_json::json!({"message": "Not Found"})));
            }
            (
                StatusCode::CREATED,
                axum::Json(serde_json::json!({
                    "id": 4242, "slug": "ato-test", "html_url": "https://github.com/apps/ato-test",
                    "pem": "-----BEGIN RSA PRIVATE KEY-----\nSECRETPEM\n-----END RSA PRIVATE KEY-----\n",
                    "webhook_secret": "SECRETHOOK", "client_secret": "SECRETCLIENT"
                })),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, fake).await.unwrap() });
    // No app credentials: set-up mode.
    let h = start_with(&[
        ("GITHUB_API_URL", &api),
        ("GITHUB_APP_ID", ""),
        ("GITHUB_PRIVATE_KEY", ""),
        ("GITHUB_WEBHOOK_SECRET", ""),
    ])
    .await;
    let home = h.get("/").await.text().await.unwrap();
    assert!(home.contains("ato is not set up yet"), "{home}");
    assert!(home.contains("href=\"/setup\""), "{home}");
    let hook = WebhookClient::new(&h.base, "SECRETHOOK");
    let early = hook
        .send_expecting(Delivery::sample("ping/payload.json"), 503)
        .await;
    assert_eq!(early, "ato is not set up yet\n");

    let page = h.get("/setup").await.text().await.unwrap();
    assert!(
        page.contains("action=\"https://github.com/settings/apps/new?state="),
        "{page}"
    );
    assert!(page.contains("https://ato.example.org/webhook"), "{page}");
    let state = page
        .split("?state=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();

    let bad = h
        .get(&format!("/setup/callback?code=good-code&state={state}x"))
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let refused = h
        .get(&format!("/setup/callback?code=bad-code&state={state}"))
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    let done = h
        .get(&format!("/setup/callback?code=good-code&state={state}"))
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let text = done.text().await.unwrap();
    assert!(
        text.contains("ato takes its webhooks now; no restart is needed"),
        "{text}"
    );
    assert!(text.contains("Its id is 4242"), "{text}");
    assert!(
        text.contains("https://github.com/apps/ato-test/installations/new"),
        "{text}"
    );
    for secret in ["SECRETPEM", "SECRETHOOK", "SECRETCLIENT"] {
        assert!(!text.contains(secret), "the page must not show {secret}");
    }
    let saved = h.data_dir.join("github-app/4242");
    let pem = std::fs::read_to_string(saved.join("private-key.pem")).unwrap();
    assert!(pem.contains("SECRETPEM"));
    assert_eq!(
        std::fs::read_to_string(saved.join("webhook-secret")).unwrap(),
        "SECRETHOOK"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(saved.join("private-key.pem"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(h.state.app.current().map(|a| a.app_id), Some(4242));
    hook.send_expecting(Delivery::sample("ping/payload.json"), 200)
        .await;
    let forged = WebhookClient::new(&h.base, "not the secret");
    forged
        .send_expecting(Delivery::sample("ping/payload.json"), 401)
        .await;
    let home = h.get("/").await.text().await.unwrap();
    assert!(home.contains("running as GitHub App 4242"), "{home}");

    // Set up once: a second flow creates nothing, even with a valid state.
    let again = h.get("/setup").await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let replay = h
        .get(&format!("/setup/callback?code=good-code&state={state}"))
        .await;
    assert_eq!(replay.status(), StatusCode::CONFLICT);
    assert!(
        replay
            .text()
            .await
            .unwrap()
            .contains("already set up as GitHub App 4242")
    );

    let logs = log_text();
    assert!(logs.contains("GitHub App created"), "the setup is logged");
    for secret in ["SECRETPEM", "SECRETHOOK", "SECRETCLIENT", "good-code"] {
        assert!(!logs.contains(secret), "{secret} reached the log");
    }
}

#[tokio::test]
async fn graceful_shutdown_stops_serving() {
    let mut h = start().await;
    assert_eq!(h.get("/healthz").await.status(), StatusCode::OK);
    h.shut_down().await;
    let refused = h.client.get(format!("{}/healthz", h.base)).send().await;
    assert!(refused.is_err(), "nothing listens after shutdown");
}

#[tokio::test]
async fn serve_reports_a_busy_address() {
    let h = start().await;
    let taken: std::net::SocketAddr = h.base.trim_start_matches("http://").parse().unwrap();
    let result = ato::server::serve(h.state.clone(), taken, std::future::pending()).await;
    let err = result.expect_err("the address is in use");
    assert!(err.to_string().contains(&taken.to_string()), "{err}");
}
