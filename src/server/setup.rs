//! The GitHub App manifest flow, so an operator can create the app in two clicks.
//!
//! `GET /setup` shows a form that POSTs the manifest (`app-manifest.yml`, with this server's public URL filled
//! in) to GitHub; GitHub sends the browser back to `GET /setup/callback?code=..&state=..`, and the code is
//! exchanged with `POST {GITHUB_API_URL}/app-manifests/{code}/conversions` for the app's id, private key and
//! webhook secret. The secrets are written to files (mode 0600) under `ATO_DATA_DIR/github-app/{id}/` — never
//! to the page or the log ([`crate::serve_config::stored`]) — and put in the server's [`super::AppSlot`]: it
//! takes the new app's webhooks at once, and finds the app again after a restart.
//!
//! The flow is open only while the server has no app: once it has one (from the environment, the data
//! directory or an earlier flow), `/setup` says so and creates nothing, so no visitor can replace the app.
//!
//! `app-manifest.yml` is written in YAML's JSON-compatible flow style, so no YAML parser is needed here.
//! The `state` parameter is `{unix time}.{nonce}.{HMAC}` under the report key: only flows started from this
//! server's own page, in the last hour, are completed.

use crate::report::escape::html as escape;
use crate::serve_config::stored;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use hmac::Mac;
use serde::Deserialize;
use url::Url;

use super::AppState;
use crate::report_link::ReportKey;

/// The manifest as committed at the repository root.
pub const APP_MANIFEST: &str = include_str!("../../app-manifest.yml");
const STATE_MAX_AGE_SECS: u64 = 3600;

#[derive(Deserialize)]
pub(super) struct StartParams {
    /// Create the app under this organisation instead of the operator's own account.
    org: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
}

/// What GitHub returns from the conversion (the fields ato uses).
#[derive(Deserialize)]
struct Conversion {
    id: u64,
    slug: Option<String>,
    html_url: Option<String>,
    pem: String,
    webhook_secret: Option<String>,
}

/// The manifest with this server's URLs filled in.
pub fn manifest_for(public_url: &Url) -> serde_json::Value {
    let base = public_url.as_str().trim_end_matches('/');
    let mut manifest: serde_json::Value = serde_json::from_str(APP_MANIFEST)
        .expect("app-manifest.yml is JSON-compatible YAML (tested)");
    manifest["url"] = base.into();
    manifest["hook_attributes"]["url"] = format!("{base}/webhook").into();
    manifest["redirect_url"] = format!("{base}/setup/callback").into();
    manifest
}

pub(super) async fn start(
    State(state): State<AppState>,
    Query(params): Query<StartParams>,
) -> Response {
    if let Some(app) = state.app.current() {
        return already_set_up(app.app_id);
    }
    let target = match params.org.as_deref() {
        None | Some("") => "https://github.com/settings/apps/new".to_owned(),
        Some(org) if is_safe_name(org, 39) => {
            format!("https://github.com/organizations/{org}/settings/apps/new")
        }
        Some(_) => {
            return (
                StatusCode::BAD_REQUEST,
                "org must be a GitHub organisation login\n",
            )
                .into_response();
        }
    };
    let flow_state = new_state(&state.report_key, now_secs());
    let manifest = manifest_for(&state.public_url).to_string();
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Create the ato GitHub App</title></head><body>\
         <h1>Create the ato GitHub App</h1>\
         <p>This sends the app manifest below to GitHub, which asks you to confirm. GitHub then sends you back \
         here and ato saves the app's private key and webhook secret in its data directory.</p>\
         <form action=\"{action}?state={flow_state}\" method=\"post\">\
         <input type=\"hidden\" name=\"manifest\" value=\"{value}\">\
         <button type=\"submit\">Create the GitHub App</button></form>\
         <pre>{shown}</pre></body></html>",
        action = escape(&target),
        value = escape(&manifest),
        shown = escape(&serde_json::to_string_pretty(&manifest_for(&state.public_url)).unwrap_or_default()),
    ))
    .into_response()
}

pub(super) async fn callback(
    State(state): State<AppState>,
    Query(params): Query<CallbackParams>,
) -> Response {
    let (Some(code), Some(flow_state)) = (params.code, params.state) else {
        return page(
            StatusCode::BAD_REQUEST,
            "The callback needs the code and state GitHub sends.",
        );
    };
    if let Some(app) = state.app.current() {
        return already_set_up(app.app_id);
    }
    if !is_safe_name(&code, 128) || !verify_state(&state.report_key, &flow_state, now_secs()) {
        return page(
            StatusCode::BAD_REQUEST,
            "This link is not valid (or older than an hour). Start again at /setup.",
        );
    }
    let url = format!(
        "{}/app-manifests/{code}/conversions",
        state.github_api_url.as_str().trim_end_matches('/')
    );
    let response = state
        .http
        .post(&url)
        .header("accept", "application/vnd.github+json")
        .header("x-github-api-version", "2022-11-28")
        .send()
        .await;
    let conversion = match response {
        Ok(r) if r.status().is_success() => r.json::<Conversion>().await,
        Ok(r) => {
            tracing::warn!(status = %r.status(), "setup: GitHub refused the manifest code");
            return page(
                StatusCode::BAD_REQUEST,
                "GitHub refused the code (it is valid for one hour, once). Start again at /setup.",
            );
        }
        Err(error) => Err(error),
    };
    let conversion = match conversion {
        Ok(c) => c,
        Err(error) => {
            tracing::error!(%error, "setup: the manifest conversion failed");
            return page(
                StatusCode::BAD_GATEWAY,
                "GitHub could not be reached or answered unexpectedly. Try again.",
            );
        }
    };
    let Some(webhook_secret) = conversion.webhook_secret.as_deref() else {
        tracing::error!(
            app_id = conversion.id,
            "setup: GitHub returned no webhook secret"
        );
        return page(
            StatusCode::BAD_GATEWAY,
            "GitHub created the app but returned no webhook secret; delete the app on GitHub and start again.",
        );
    };
    // Checked again under the lock: another flow may have finished while this one waited for GitHub.
    let _setup = state.app.setup_lock().await;
    if let Some(app) = state.app.current() {
        return already_set_up(app.app_id);
    }
    let app = match stored::save(
        &state.data_dir,
        conversion.id,
        &conversion.pem,
        webhook_secret,
    ) {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, app_id = conversion.id, "setup: cannot save the app's credentials");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The app was created but its credentials could not be saved; see the server log.",
            );
        }
    };
    state.app.install(app);
    let dir = stored::app_dir(&state.data_dir, conversion.id);
    tracing::info!(app_id = conversion.id, dir = %dir.display(), "setup: GitHub App created, credentials saved; taking its webhooks now");
    Html(success_page(&conversion, &dir.display().to_string())).into_response()
}

fn success_page(c: &Conversion, dir: &str) -> String {
    let install = c.html_url.as_deref().map_or(String::new(), |u| {
        format!(
            "<p>Now install it on the repositories to test: \
             <a href=\"{0}/installations/new\">{0}/installations/new</a></p>",
            escape(u)
        )
    });
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>ato GitHub App created</title></head><body>\
         <h1>The GitHub App {slug} was created</h1>\
         <p>ato takes its webhooks now; no restart is needed. Its id is {id}; its private key and webhook \
         secret were saved in {dir} on this server (readable by its owner only), where ato finds them after a \
         restart. Variables set in the environment (GITHUB_APP_ID, GITHUB_PRIVATE_KEY, \
         GITHUB_WEBHOOK_SECRET) would take their place.</p>{install}</body></html>",
        slug = escape(c.slug.as_deref().unwrap_or("ato")),
        id = c.id,
        dir = escape(dir),
    )
}

/// `GET /`: what state the server is in.
pub(super) async fn home(State(state): State<AppState>) -> Html<String> {
    let body = match state.app.current() {
        Some(app) => format!(
            "<p>ato is running as GitHub App {}: it takes webhooks at <code>/webhook</code>.</p>",
            app.app_id
        ),
        None => "<p>ato is not set up yet: it has no GitHub App. <a href=\"/setup\">Create the app</a> \
                 (<code>/setup?org=NAME</code> for an organisation); it takes webhooks as soon as GitHub sends \
                 you back.</p>"
            .to_string(),
    };
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>ato</title></head><body><h1>ato</h1>{body}</body></html>"
    ))
}

fn already_set_up(app_id: u64) -> Response {
    page(
        StatusCode::CONFLICT,
        &format!("ato is already set up as GitHub App {app_id}; /setup creates no other app."),
    )
}

fn page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>ato setup</title></head><body><p>{}</p></body></html>",
        escape(message)
    );
    (status, Html(body)).into_response()
}

/// `{unix time}.{nonce}.{hex HMAC}`: unforgeable without the key, and dated.
pub fn new_state(key: &ReportKey, now: u64) -> String {
    let mut nonce = [0u8; 16];
    rand::fill(&mut nonce[..]);
    let unsigned = format!("{now}.{}", hex::encode(nonce));
    let mac = key
        .mac(format!("ato-setup-state:{unsigned}").as_bytes())
        .finalize()
        .into_bytes();
    format!("{unsigned}.{}", hex::encode(mac))
}

pub fn verify_state(key: &ReportKey, state: &str, now: u64) -> bool {
    let Some((unsigned, mac_hex)) = state.rsplit_once('.') else {
        return false;
    };
    let Some(issued) = unsigned
        .split_once('.')
        .and_then(|(t, _)| t.parse::<u64>().ok())
    else {
        return false;
    };
    let Ok(mac) = hex::decode(mac_hex) else {
        return false;
    };
    let fresh = issued <= now && now - issued <= STATE_MAX_AGE_SECS;
    fresh
        && key
            .mac(format!("ato-setup-state:{unsigned}").as_bytes())
            .verify_slice(&mac)
            .is_ok()
}

fn is_safe_name(text: &str, max: usize) -> bool {
    !text.is_empty()
        && text.len() <= max
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_has_the_required_fields_and_our_urls() {
        let m = manifest_for(&Url::parse("https://ato.example.net/base/").unwrap());
        assert_eq!(m["name"], "ato");
        assert_eq!(m["url"], "https://ato.example.net/base");
        assert_eq!(
            m["hook_attributes"]["url"],
            "https://ato.example.net/base/webhook"
        );
        assert_eq!(
            m["redirect_url"],
            "https://ato.example.net/base/setup/callback"
        );
        assert_eq!(m["public"], false);
        let p = &m["default_permissions"];
        assert_eq!(
            (p["checks"].as_str(), p["contents"].as_str()),
            (Some("write"), Some("read"))
        );
        assert_eq!(
            (p["pull_requests"].as_str(), p["issues"].as_str()),
            (Some("write"), Some("write"))
        );
        assert_eq!(p["metadata"], "read");
        let events: Vec<&str> = m["default_events"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e.as_str())
            .collect();
        assert_eq!(
            events,
            ["pull_request", "issue_comment", "check_run", "check_suite"]
        );
    }

    #[test]
    fn state_is_verified_and_expires() {
        let key = ReportKey::from_bytes([3; 32]);
        let state = new_state(&key, 1_000_000);
        assert!(verify_state(&key, &state, 1_000_000));
        assert!(verify_state(&key, &state, 1_000_000 + STATE_MAX_AGE_SECS));
        assert!(!verify_state(
            &key,
            &state,
            1_000_000 + STATE_MAX_AGE_SECS + 1
        ));
        assert!(!verify_state(
            &ReportKey::from_bytes([4; 32]),
            &state,
            1_000_000
        ));
        let forged = state.replacen("1000000", "1000001", 1);
        assert!(!verify_state(&key, &forged, 1_000_001));
        assert!(!verify_state(&key, "garbage", 1_000_000));
    }

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
