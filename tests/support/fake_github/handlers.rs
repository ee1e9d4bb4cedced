//! The fake's answers, in GitHub's REST shapes (only the fields ato reads, plus a few for realism).

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{APP_ID, Fault, IssuedToken, Model, Shared};

pub struct Request<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    pub body: &'a Bytes,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub(super) fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(
            json!({ "message": message, "documentation_url": "https://docs.github.com/rest" }),
        ),
    )
        .into_response()
}

pub(super) fn ok(status: StatusCode, value: Value) -> Response {
    (status, axum::Json(value)).into_response()
}

pub fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::Status(code) => error(StatusCode::from_u16(code).unwrap(), "injected failure"),
        Fault::TooManyRequests { retry_after_secs } => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "You have exceeded a secondary rate limit.",
            );
            response
                .headers_mut()
                .insert("retry-after", retry_after_secs.into());
            response
        }
        Fault::RateLimitReset { reset_in_secs } => {
            let mut response = error(
                StatusCode::FORBIDDEN,
                "API rate limit exceeded for installation.",
            );
            let headers = response.headers_mut();
            headers.insert("x-ratelimit-remaining", 0.into());
            headers.insert("x-ratelimit-reset", (now_secs() + reset_in_secs).into());
            response
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// GitHub's checks on an app JWT: RS256 by the app's key, issued by the app, at most 10 minutes ahead.
/// The error is the message of GitHub's 401.
fn verify_jwt(state: &Shared, headers: &HeaderMap) -> Result<(), String> {
    #[derive(serde::Deserialize)]
    struct Claims {
        iat: u64,
        exp: u64,
    }
    let token = bearer(headers).ok_or("A JSON web token could not be decoded")?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[APP_ID.to_string()]);
    validation.set_required_spec_claims(&["exp", "iat", "iss"]);
    let claims = jsonwebtoken::decode::<Claims>(token, &state.public_key, &validation)
        .map_err(|e| format!("A JSON web token could not be decoded: {e}"))?
        .claims;
    let now = now_secs();
    if claims.exp > now + 600 || claims.iat > now || claims.exp <= claims.iat {
        return Err("'Expiration time' claim ('exp') is too far in the future".into());
    }
    Ok(())
}

/// The installation a valid, unexpired token belongs to.
fn installation_of(model: &Model, headers: &HeaderMap) -> Option<u64> {
    let token = bearer(headers)?;
    let now = SystemTime::now();
    model
        .tokens
        .iter()
        .find(|t| t.token == token && t.expires_at > now)
        .map(|t| t.installation)
}

fn github_time(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub(super) fn query(uri: &Uri) -> HashMap<String, String> {
    uri.query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// One page of `items` and its Link header, as GitHub paginates (`per_page` ≤ 100, `page` from 1).
pub(super) fn paginate(state: &Shared, uri: &Uri, items: Vec<Value>) -> Response {
    let params = query(uri);
    let per_page: usize = params
        .get("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
        .clamp(1, 100);
    let page: usize = params
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let last = items.len().div_ceil(per_page).max(1);
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let mut response = ok(StatusCode::OK, Value::Array(slice));
    let link = |n: usize, rel: &str| {
        format!(
            "<{}{}?per_page={per_page}&page={n}>; rel=\"{rel}\"",
            state.api_url,
            uri.path()
        )
    };
    let mut links = Vec::new();
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    if page > 1 {
        links.push(link(1, "first"));
        links.push(link(page - 1, "prev"));
    }
    if !links.is_empty() {
        response
            .headers_mut()
            .insert(header::LINK, links.join(", ").parse().unwrap());
    }
    response
}

pub fn api(state: &Shared, model: &mut Model, request: &Request<'_>) -> Response {
    let segments: Vec<&str> = request.uri.path().trim_matches('/').split('/').collect();
    let method = request.method.clone();
    if let ["app", "installations", id, "access_tokens"] = segments[..] {
        if method != Method::POST {
            return error(StatusCode::NOT_FOUND, "Not Found");
        }
        if let Err(message) = verify_jwt(state, request.headers) {
            return error(StatusCode::UNAUTHORIZED, &message);
        }
        let Ok(installation) = id.parse::<u64>() else {
            return error(StatusCode::NOT_FOUND, "Not Found");
        };
        if !model.repos.values().any(|r| r.installation == installation) {
            return error(StatusCode::NOT_FOUND, "Not Found");
        }
        let expires_at = SystemTime::now() + model.token_lifetime;
        let token = format!("ghs_fake{}", model.next_id());
        model.tokens.push(IssuedToken {
            token: token.clone(),
            installation,
            expires_at,
        });
        return ok(
            StatusCode::CREATED,
            json!({ "token": token, "expires_at": github_time(expires_at) }),
        );
    }
    if let ["app-manifests", code, "conversions"] = segments[..] {
        // The manifest flow's exchange: unauthenticated, one code once, as GitHub does.
        if method != Method::POST || code != super::MANIFEST_CODE || model.manifest_converted {
            return error(StatusCode::NOT_FOUND, "Not Found");
        }
        model.manifest_converted = true;
        return ok(
            StatusCode::CREATED,
            json!({
                "id": APP_ID, "slug": "ato-test", "html_url": "https://github.com/apps/ato-test",
                "pem": super::app_private_key(), "webhook_secret": super::MANIFEST_WEBHOOK_SECRET,
                "client_id": "Iv1.test", "client_secret": "test-client-secret"
            }),
        );
    }
    let ["repos", owner, name, ref rest @ ..] = segments[..] else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    let full_name = format!("{owner}/{name}");
    let Some(installation) = installation_of(model, request.headers) else {
        return error(StatusCode::UNAUTHORIZED, "Bad credentials");
    };
    match model.repos.get(&full_name) {
        Some(repo) if repo.installation == installation => {}
        _ => return error(StatusCode::NOT_FOUND, "Not Found"),
    }
    let body: Value = serde_json::from_slice(request.body).unwrap_or(Value::Null);
    super::repo_routes::repo_route(state, model, &full_name, &method, rest, request.uri, body)
}

/// `GET /{owner}/{repo}/legacy.tar.gz/{sha}`: the archive bytes, no authentication (as a signed URL would be).
pub fn codeload(model: &mut Model, request: &Request<'_>) -> Response {
    let segments: Vec<&str> = request.uri.path().trim_matches('/').split('/').collect();
    let ["GET", owner, name, "legacy.tar.gz", sha] =
        [&[request.method.as_str()][..], &segments[..]].concat()[..]
    else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    match model
        .repos
        .get(&format!("{owner}/{name}"))
        .and_then(|r| r.tarballs.get(sha))
    {
        Some(bytes) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/x-gzip")
            .body(Body::from(bytes.clone()))
            .unwrap(),
        None => error(StatusCode::NOT_FOUND, "Not Found"),
    }
}
