//! The model endpoint, read from the environment.
//!
//! [`LlmConfig::from_lookup`] is pure (it takes a lookup function) so every rule is unit-tested;
//! [`LlmConfig::from_env`] plugs in the process environment. No model configured is not an error — ato then
//! uses its builtin generator only — but a half or malformed configuration is, and the error names the variable.

use std::fmt;
use std::time::Duration;

use url::Url;

/// Default time for one request, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default number of tries of one request (the first plus the retries).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;
/// Default number of model calls in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Default first back-off after a 5xx or a connection error; it doubles each time.
pub const DEFAULT_BACKOFF: Duration = Duration::from_millis(500);
/// Default longest `retry-after` ato waits for; a 429 asking for more ends the tries.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The model endpoint. Built by [`LlmConfig::from_env`]; `None` there when no model is configured.
#[derive(Clone, PartialEq, Eq)]
pub struct LlmConfig {
    /// `LLM_BASE_URL` or `OPENAI_API_BASE`, without a trailing `/`; e.g. `http://127.0.0.1:4000/v1`.
    pub base_url: String,
    /// `LLM_API_KEY` or `OPENAI_API_KEY`; `Debug` never shows it.
    pub api_key: Option<String>,
    /// `LLM_MODEL` or `OPENAI_MODEL`.
    pub model: String,
    /// `LLM_TIMEOUT_SECS`: one request's whole time, answer included.
    pub timeout: Duration,
    /// `LLM_MAX_ATTEMPTS`: the first try plus the retries, for 429, 5xx and connection errors.
    pub max_attempts: u32,
    /// `LLM_CONCURRENCY`: model calls in flight at once.
    pub concurrency: usize,
    /// `LLM_BACKOFF_MS`: the first back-off after a 5xx or connection error, doubled each time.
    pub backoff: Duration,
    /// `LLM_MAX_RETRY_AFTER_SECS`: a 429's `retry-after` longer than this ends the tries.
    pub max_retry_after: Duration,
}

impl fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .field("concurrency", &self.concurrency)
            .field("backoff", &self.backoff)
            .field("max_retry_after", &self.max_retry_after)
            .finish()
    }
}

/// A model configuration that cannot be used, naming the variable at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmConfigError {
    #[error("{missing} (or {alias}) is not set, but {set} is: set both to use a model, or neither")]
    Incomplete {
        missing: &'static str,
        alias: &'static str,
        set: &'static str,
    },
    #[error("{var} is not valid: {reason}")]
    Invalid { var: &'static str, reason: String },
}

/// A setting and its alias; the first name wins.
type Names = (&'static str, &'static str);

const BASE_URL: Names = ("LLM_BASE_URL", "OPENAI_API_BASE");
const API_KEY: Names = ("LLM_API_KEY", "OPENAI_API_KEY");
const MODEL: Names = ("LLM_MODEL", "OPENAI_MODEL");

impl LlmConfig {
    /// Reads the process environment.
    pub fn from_env() -> Result<Option<LlmConfig>, LlmConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// Builds the configuration from a variable lookup (pure). `Ok(None)` when neither a base URL nor a model
    /// is set. Empty or blank values count as unset.
    pub fn from_lookup(
        get: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<LlmConfig>, LlmConfigError> {
        let value = |var: &'static str| {
            get(var)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .map(|v| (var, v))
        };
        let either = |(name, alias): Names| value(name).or_else(|| value(alias));

        let (base_var, base) = match (either(BASE_URL), either(MODEL)) {
            (None, None) => return Ok(None),
            (Some((base_var, _)), None) => {
                return Err(LlmConfigError::Incomplete {
                    missing: MODEL.0,
                    alias: MODEL.1,
                    set: base_var,
                });
            }
            (None, Some((model_var, _))) => {
                return Err(LlmConfigError::Incomplete {
                    missing: BASE_URL.0,
                    alias: BASE_URL.1,
                    set: model_var,
                });
            }
            (Some(base), Some(_)) => base,
        };
        let model = either(MODEL).map(|(_, m)| m).unwrap_or_default();
        let api_key = match either(API_KEY) {
            Some((var, key)) => Some(check_key(var, key)?),
            None => None,
        };

        let number = |var: &'static str| -> Result<Option<u64>, LlmConfigError> {
            value(var)
                .map(|(_, v)| {
                    v.parse::<u64>().map_err(|_| LlmConfigError::Invalid {
                        var,
                        reason: format!("{v:?} is not a whole number"),
                    })
                })
                .transpose()
        };
        let at_least_one = |var: &'static str| -> Result<Option<u64>, LlmConfigError> {
            match number(var)? {
                Some(0) => Err(LlmConfigError::Invalid {
                    var,
                    reason: "must be at least 1".into(),
                }),
                other => Ok(other),
            }
        };

        Ok(Some(LlmConfig {
            base_url: check_base_url(base_var, &base)?,
            api_key,
            model,
            timeout: at_least_one("LLM_TIMEOUT_SECS")?.map_or(DEFAULT_TIMEOUT, Duration::from_secs),
            max_attempts: at_least_one("LLM_MAX_ATTEMPTS")?.map_or(
                Ok(DEFAULT_MAX_ATTEMPTS),
                |n| {
                    u32::try_from(n).map_err(|_| LlmConfigError::Invalid {
                        var: "LLM_MAX_ATTEMPTS",
                        reason: "is far too large".into(),
                    })
                },
            )?,
            concurrency: at_least_one("LLM_CONCURRENCY")?.map_or(DEFAULT_CONCURRENCY, |n| {
                usize::try_from(n).unwrap_or(usize::MAX)
            }),
            backoff: number("LLM_BACKOFF_MS")?.map_or(DEFAULT_BACKOFF, Duration::from_millis),
            max_retry_after: number("LLM_MAX_RETRY_AFTER_SECS")?
                .map_or(DEFAULT_MAX_RETRY_AFTER, Duration::from_secs),
        }))
    }
}

/// An http(s) URL with a host, returned without its trailing `/` so paths can be appended.
fn check_base_url(var: &'static str, raw: &str) -> Result<String, LlmConfigError> {
    let invalid = |reason: String| LlmConfigError::Invalid { var, reason };
    let url = Url::parse(raw).map_err(|e| invalid(format!("not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "the scheme must be http or https, not {:?}",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the URL has no host".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "the URL must not have a query or a fragment; give the base, e.g. http://host:4000/v1"
                .into(),
        ));
    }
    Ok(raw.trim_end_matches('/').to_string())
}

/// The key goes into an `Authorization` header, so it must be printable ASCII without spaces; the message
/// never repeats the key.
fn check_key(var: &'static str, key: String) -> Result<String, LlmConfigError> {
    if key.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(key)
    } else {
        Err(LlmConfigError::Invalid {
            var,
            reason: "the key holds spaces, control or non-ASCII characters".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Option<LlmConfig>, LlmConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        LlmConfig::from_lookup(&|name| map.get(name).cloned())
    }

    fn error(vars: &[(&str, &str)]) -> String {
        config(vars).expect_err("should be refused").to_string()
    }

    #[test]
    fn nothing_set_means_no_model() {
        assert_eq!(config(&[]).unwrap(), None);
        assert_eq!(
            config(&[("LLM_BASE_URL", " "), ("LLM_MODEL", "")]).unwrap(),
            None
        );
        // Tuning without an endpoint is not an error: there is simply no model.
        assert_eq!(config(&[("LLM_TIMEOUT_SECS", "5")]).unwrap(), None);
    }

    #[test]
    fn defaults_apply_and_trailing_slash_is_dropped() {
        let c = config(&[
            ("LLM_BASE_URL", "http://127.0.0.1:4000/v1/"),
            ("LLM_MODEL", "gpt-4o-mini"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:4000/v1");
        assert_eq!(c.model, "gpt-4o-mini");
        assert_eq!(c.api_key, None);
        assert_eq!(c.timeout, Duration::from_secs(60));
        assert_eq!(c.max_attempts, 4);
        assert_eq!(c.concurrency, 8);
        assert_eq!(c.backoff, Duration::from_millis(500));
        assert_eq!(c.max_retry_after, Duration::from_secs(60));
    }

    #[test]
    fn llm_names_win_over_openai_aliases() {
        let c = config(&[
            ("LLM_BASE_URL", "https://llm.example/v1"),
            ("OPENAI_API_BASE", "https://api.openai.com/v1"),
            ("LLM_MODEL", "local"),
            ("OPENAI_MODEL", "gpt-4o"),
            ("LLM_API_KEY", "k-llm"),
            ("OPENAI_API_KEY", "k-openai"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.base_url, "https://llm.example/v1");
        assert_eq!(c.model, "local");
        assert_eq!(c.api_key.as_deref(), Some("k-llm"));
    }

    #[test]
    fn openai_aliases_are_used_alone() {
        let c = config(&[
            ("OPENAI_API_BASE", "https://api.openai.com/v1"),
            ("OPENAI_MODEL", "gpt-4o"),
            ("OPENAI_API_KEY", "sk-abc"),
            ("LLM_API_KEY", ""),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.base_url, "https://api.openai.com/v1");
        assert_eq!(c.model, "gpt-4o");
        assert_eq!(c.api_key.as_deref(), Some("sk-abc"));
    }

    #[test]
    fn tuning_variables_are_read() {
        let c = config(&[
            ("LLM_BASE_URL", "http://h/v1"),
            ("LLM_MODEL", "m"),
            ("LLM_TIMEOUT_SECS", "2"),
            ("LLM_MAX_ATTEMPTS", "1"),
            ("LLM_CONCURRENCY", "3"),
            ("LLM_BACKOFF_MS", "0"),
            ("LLM_MAX_RETRY_AFTER_SECS", "5"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.timeout, Duration::from_secs(2));
        assert_eq!(c.max_attempts, 1);
        assert_eq!(c.concurrency, 3);
        assert_eq!(c.backoff, Duration::ZERO);
        assert_eq!(c.max_retry_after, Duration::from_secs(5));
    }

    #[test]
    fn half_a_configuration_names_what_is_missing() {
        let e = error(&[("LLM_BASE_URL", "http://h/v1")]);
        assert!(
            e.contains("LLM_MODEL") && e.contains("OPENAI_MODEL") && e.contains("LLM_BASE_URL"),
            "{e}"
        );
        let e = error(&[("OPENAI_MODEL", "gpt-4o")]);
        assert!(
            e.starts_with("LLM_BASE_URL (or OPENAI_API_BASE) is not set")
                && e.contains("but OPENAI_MODEL is"),
            "{e}"
        );
    }

    #[test]
    fn bad_values_name_their_variable() {
        let base = [("LLM_BASE_URL", "http://h/v1"), ("LLM_MODEL", "m")];
        for (var, value) in [
            ("LLM_TIMEOUT_SECS", "ten"),
            ("LLM_TIMEOUT_SECS", "0"),
            ("LLM_MAX_ATTEMPTS", "-1"),
            ("LLM_MAX_ATTEMPTS", "0"),
            ("LLM_MAX_ATTEMPTS", "99999999999"),
            ("LLM_CONCURRENCY", "0"),
            ("LLM_BACKOFF_MS", "1.5"),
            ("LLM_MAX_RETRY_AFTER_SECS", "x"),
        ] {
            let mut vars = base.to_vec();
            vars.push((var, value));
            let e = error(&vars);
            assert!(e.starts_with(var), "{var}={value}: {e}");
        }
    }

    #[test]
    fn base_url_must_be_http() {
        for url in [
            "ftp://h/v1",
            "localhost:4000",
            "file:///tmp/x",
            "http://h/v1?x=1",
        ] {
            let e = error(&[("OPENAI_API_BASE", url), ("LLM_MODEL", "m")]);
            assert!(e.starts_with("OPENAI_API_BASE is not valid"), "{url}: {e}");
        }
    }

    #[test]
    fn a_bad_key_is_refused_without_repeating_it() {
        let e = error(&[
            ("LLM_BASE_URL", "http://h/v1"),
            ("LLM_MODEL", "m"),
            ("LLM_API_KEY", "sk-se cret"),
        ]);
        assert!(e.starts_with("LLM_API_KEY is not valid"), "{e}");
        assert!(!e.contains("se cret"), "{e}");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = config(&[
            ("LLM_BASE_URL", "http://h/v1"),
            ("LLM_MODEL", "m"),
            ("LLM_API_KEY", "sk-very-secret-key"),
        ])
        .unwrap()
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
