//! One API request and its answer, read whole; turning answers into values or errors.

use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;

use super::GithubError;

/// One request, relative to the API base (`/repos/...`, query included).
pub(crate) struct ApiRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) body: Option<serde_json::Value>,
}

/// GitHub's answer, read whole.
pub(crate) struct ApiResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl ApiRequest {
    pub(crate) fn new(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            body: None,
        }
    }

    pub(crate) fn with_body(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }
}

pub(crate) fn decode<T: DeserializeOwned>(
    request: &ApiRequest,
    body: &str,
) -> Result<T, GithubError> {
    serde_json::from_str(body).map_err(|e| GithubError::Unexpected {
        method: request.method.to_string(),
        path: request.path.clone(),
        reason: format!("response body does not parse: {e}"),
    })
}

/// GitHub's error `message` (or the start of the body) for a non-2xx answer.
pub(crate) fn status_error(request: &ApiRequest, response: &ApiResponse) -> GithubError {
    let message = serde_json::from_str::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_else(|| response.body.chars().take(200).collect());
    GithubError::Status {
        method: request.method.to_string(),
        path: request.path.clone(),
        status: response.status.as_u16(),
        message,
    }
}

/// At most `max_bytes` of `text`, cut on a character boundary (GitHub's answers are not all ASCII).
pub(crate) fn body_prefix(text: &str, max_bytes: usize) -> &str {
    let mut end = max_bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_never_split_a_character() {
        assert_eq!(body_prefix("héllo", 2), "h");
        assert_eq!(body_prefix("héllo", 3), "hé");
        assert_eq!(body_prefix("abc", 10), "abc");
    }

    #[test]
    fn errors_carry_githubs_message() {
        let request = ApiRequest::new(Method::GET, "/repos/o/r".into());
        let response = ApiResponse {
            status: StatusCode::FORBIDDEN,
            headers: HeaderMap::new(),
            body: r#"{"message":"Resource not accessible by integration"}"#.into(),
        };
        let error = status_error(&request, &response);
        assert_eq!(
            error.to_string(),
            "GET /repos/o/r: GitHub answered 403: Resource not accessible by integration"
        );
    }
}
