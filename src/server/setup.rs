//! The GitHub App manifest flow, so an operator can create the app in two clicks.
//!
//! `GET /setup` shows a form that POSTs the manifest (`app-manifest.yml`, with this server's public URL filled
//! in) to GitHub; GitHub sends the browser back to `GET /setup/callback?code=..&state=..`, and the code is
//! exchanged with `POST {GITHUB_API_URL}/app-manifests/{code}/conversions` for the app's id, private key and
//! webhook secret. The secrets are written to files (mode 0600) under `ATO_DATA_DIR/github-app/{id}/` — never
//! to the page or the log — and the page says where they are and which variables to set.
//!
//! `app-manifest.yml` is written in YAML's JSON-compatible flow style, so no YAML parser is needed here.
//! The `state` parameter is `{unix time}.{nonce}.{HMAC}` under the report key: only flows started from this
//! server's own page, in the last hour, are completed.

use crate::report::escape::html as escape;
use std::io::Write as _;
use std::path::{Path, PathBuf};

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
    let dir = state
        .data_dir
        .join("github-app")
        .join(conversion.id.to_string());
    let saved = save_secret(&dir, "private-key.pem", &conversion.pem).and_then(|key| {
        let secret = conversion
            .webhook_secret
            .as_deref()
            .map(|s| save_secret(&dir, "webhook-secret", s))
            .transpose()?;
        Ok((key, secret))
    });
    let (key_path, secret_path) = match saved {
        Ok(paths) => paths,
        Err(error) => {
            tracing::error!(%error, app_id = conversion.id, "setup: cannot save the app's credentials");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The app was created but its credentials could not be saved; see the server log.",
            );
        }
    };
    tracing::info!(app_id = conversion.id, dir = %dir.display(), "setup: GitHub App created, credentials saved");
    Html(success_page(&conversion, &key_path, secret_path.as_deref())).into_response()
}

fn success_page(c: &Conversion, key_path: &Path, secret_path: Option<&Path>) -> String {
    let secret_line = match secret_path {
        Some(p) => format!("GITHUB_WEBHOOK_SECRET=&lt;the contents of {}&gt;", escape(&p.display().to_string())),
        None => "GITHUB_WEBHOOK_SECRET=&lt;GitHub returned no webhook secret: set one in the app's settings&gt;".into(),
    };
    let install = c.html_url.as_deref().map_or(String::new(), |u| {
        format!(
            "<p>Then install it: <a href=\"{0}/installations/new\">{0}/installations/new</a></p>",
            escape(u)
        )
    });
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>ato GitHub App created</title></head><body>\
         <h1>The GitHub App {slug} was created</h1>\
         <p>Its private key and webhook secret were saved on this server (readable by its owner only). \
         Set these variables and restart <code>ato serve</code>:</p>\
         <pre>GITHUB_APP_ID={id}\nGITHUB_PRIVATE_KEY_PATH={key}\n{secret_line}</pre>{install}</body></html>",
        slug = escape(c.slug.as_deref().unwrap_or("ato")),
        id = c.id,
        key = escape(&key_path.display().to_string()),
    )
}

/// Writes one secret to a new file readable by the owner only; never overwrites.
fn save_secret(dir: &Path, name: &str, value: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path)?;
    file.write_all(value.as_bytes())?;
    file.sync_all()?;
    Ok(path)
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
