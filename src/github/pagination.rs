//! Following GitHub's `Link: <...>; rel="next"` pagination, only ever on the API's own host.

use http::{HeaderMap, Method};
use serde::de::DeserializeOwned;

use super::GithubError;
use super::client::Installation;
use super::request::{ApiRequest, decode};

/// The `rel="next"` URL of a `Link` header, if any.
pub(crate) fn next_link(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(http::header::LINK)?.to_str().ok()?;
    value.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"));
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_owned())
    })
}

/// Turns an absolute link from GitHub into a path relative to the API base; `None` if it points anywhere
/// else (the token must not follow it there).
pub(crate) fn relative_to_api(api_base: &str, url: &str) -> Option<String> {
    let rest = url.strip_prefix(api_base)?;
    rest.starts_with('/').then(|| rest.to_owned())
}

impl Installation {
    /// GETs `first_path` and its following pages, collecting at most `cap` items. The flag says whether
    /// more items existed past the cap.
    pub(crate) async fn get_all_pages<T: DeserializeOwned>(
        &self,
        first_path: String,
        cap: usize,
    ) -> Result<(Vec<T>, bool), GithubError> {
        let mut items = Vec::new();
        let mut path = first_path;
        loop {
            let request = ApiRequest::new(Method::GET, path);
            let response = self.send_ok(&request).await?;
            let page: Vec<T> = decode(&request, &response.body)?;
            let page_len = page.len();
            items.extend(page);
            let next = next_link(&response.headers);
            if items.len() >= cap {
                let more = items.len() > cap || next.is_some();
                items.truncate(cap);
                return Ok((items, more));
            }
            let Some(next) = next else {
                return Ok((items, false));
            };
            if page_len == 0 {
                // A next link after an empty page would loop forever.
                return Ok((items, false));
            }
            path = relative_to_api(&self.app.inner.api_base, &next).ok_or_else(|| {
                GithubError::Unexpected {
                    method: "GET".into(),
                    path: request.path.clone(),
                    reason: format!("pagination link {next:?} leaves the API URL"),
                }
            })?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_link_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::LINK,
            "<https://api.github.com/repositories/1/pulls/2/files?page=1>; rel=\"prev\", \
             <https://api.github.com/repositories/1/pulls/2/files?page=3>; rel=\"next\", \
             <https://api.github.com/repositories/1/pulls/2/files?page=9>; rel=\"last\""
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.github.com/repositories/1/pulls/2/files?page=3")
        );
        assert_eq!(next_link(&HeaderMap::new()), None);
    }

    #[test]
    fn links_must_stay_on_the_api() {
        let base = "https://ghe.example.com/api/v3";
        assert_eq!(
            relative_to_api(base, "https://ghe.example.com/api/v3/x?page=2").as_deref(),
            Some("/x?page=2")
        );
        assert_eq!(
            relative_to_api(base, "https://evil.example.com/api/v3/x"),
            None
        );
        assert_eq!(
            relative_to_api(base, "https://ghe.example.com/api/v3.evil.com/x"),
            None
        );
    }
}
