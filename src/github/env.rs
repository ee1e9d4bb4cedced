//! [`GithubConfig`] from the environment: `GITHUB_APP_ID`, `GITHUB_PRIVATE_KEY` or
//! `GITHUB_PRIVATE_KEY_PATH`, `GITHUB_API_URL` (the names Probot uses).

use std::path::PathBuf;

use base64::Engine;
use secrecy::SecretString;
use url::Url;

use super::client::GithubConfig;

pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// A missing or malformed setting, named. Values (keys especially) are never part of the message.
#[derive(Debug, thiserror::Error)]
pub enum GithubEnvError {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("{name} is malformed: {reason}")]
    Malformed { name: &'static str, reason: String },
    #[error("GITHUB_PRIVATE_KEY_PATH {path:?} cannot be read: {source}")]
    KeyFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl GithubConfig {
    /// Reads the settings through `lookup` (`|name| std::env::var(name).ok()` in production), with the
    /// defaults of [`GithubConfig::new`]. `GITHUB_PRIVATE_KEY` wins over `GITHUB_PRIVATE_KEY_PATH`.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, GithubEnvError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let app_id = get("GITHUB_APP_ID").ok_or(GithubEnvError::Missing("GITHUB_APP_ID"))?;
        let app_id = app_id
            .trim()
            .parse::<u64>()
            .map_err(|_| GithubEnvError::Malformed {
                name: "GITHUB_APP_ID",
                reason: "not a number".into(),
            })?;
        let api_text = get("GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.into());
        let api_url = Url::parse(api_text.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            .ok_or_else(|| GithubEnvError::Malformed {
                name: "GITHUB_API_URL",
                reason: "not an http(s) URL".into(),
            })?;
        let key = match (get("GITHUB_PRIVATE_KEY"), get("GITHUB_PRIVATE_KEY_PATH")) {
            (Some(key), _) => normalise_key(&key).ok_or_else(|| GithubEnvError::Malformed {
                name: "GITHUB_PRIVATE_KEY",
                reason: "neither a PEM key nor base64 of one".into(),
            })?,
            (None, Some(path)) => {
                let path = PathBuf::from(path);
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| GithubEnvError::KeyFile { path, source })?;
                normalise_key(&text).ok_or_else(|| GithubEnvError::Malformed {
                    name: "GITHUB_PRIVATE_KEY_PATH",
                    reason: "the file is not a PEM key".into(),
                })?
            }
            (None, None) => {
                return Err(GithubEnvError::Missing(
                    "GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH",
                ));
            }
        };
        Ok(GithubConfig::new(api_url, app_id, SecretString::from(key)))
    }
}

/// Accepts a PEM key as is, with its newlines escaped as `\n` (common in `.env` files), or base64 of it.
fn normalise_key(value: &str) -> Option<String> {
    let value = value.trim();
    if value.starts_with("-----BEGIN") {
        return Some(value.replace("\\n", "\n"));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    text.trim_start().starts_with("-----BEGIN").then_some(text)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret;

    use super::*;

    const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----";

    fn from(vars: &[(&str, &str)]) -> Result<GithubConfig, GithubEnvError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        GithubConfig::from_env(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_and_escaped_newlines() {
        let config = from(&[
            ("GITHUB_APP_ID", " 12 "),
            ("GITHUB_PRIVATE_KEY", &PEM.replace('\n', "\\n")),
        ])
        .unwrap();
        assert_eq!(config.app_id, 12);
        assert_eq!(config.api_url.as_str(), "https://api.github.com/");
        assert_eq!(config.private_key_pem.expose_secret(), PEM);
    }

    #[test]
    fn base64_keys_and_custom_urls() {
        let encoded = base64::engine::general_purpose::STANDARD.encode(PEM);
        let config = from(&[
            ("GITHUB_APP_ID", "1"),
            ("GITHUB_PRIVATE_KEY", &encoded),
            ("GITHUB_API_URL", "http://127.0.0.1:9/api/v3"),
        ])
        .unwrap();
        assert_eq!(config.private_key_pem.expose_secret(), PEM);
        assert_eq!(config.api_url.as_str(), "http://127.0.0.1:9/api/v3");
    }

    #[test]
    fn errors_name_the_variable_and_not_the_value() {
        let err = from(&[("GITHUB_PRIVATE_KEY", PEM)]).unwrap_err();
        assert_eq!(err.to_string(), "GITHUB_APP_ID is not set");
        let err = from(&[("GITHUB_APP_ID", "x"), ("GITHUB_PRIVATE_KEY", PEM)]).unwrap_err();
        assert!(err.to_string().starts_with("GITHUB_APP_ID is malformed"));
        let err = from(&[("GITHUB_APP_ID", "1")]).unwrap_err();
        assert!(err.to_string().contains("GITHUB_PRIVATE_KEY"));
        let err = from(&[
            ("GITHUB_APP_ID", "1"),
            ("GITHUB_PRIVATE_KEY", "s3cr3t-not-a-key"),
        ])
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("GITHUB_PRIVATE_KEY is malformed")
                && !err.to_string().contains("s3cr3t")
        );
        let err = from(&[
            ("GITHUB_APP_ID", "1"),
            ("GITHUB_PRIVATE_KEY", PEM),
            ("GITHUB_API_URL", "ftp://x"),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("GITHUB_API_URL is malformed"));
        let err = from(&[
            ("GITHUB_APP_ID", "1"),
            ("GITHUB_PRIVATE_KEY_PATH", "/nonexistent/key.pem"),
        ])
        .unwrap_err();
        assert!(matches!(err, GithubEnvError::KeyFile { .. }));
    }
}
