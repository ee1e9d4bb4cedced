//! Settings of `ato serve`, read once at start-up from the environment.
//!
//! [`ServeConfig::from_map`] is pure (it takes the variables as a map) so every rule is unit-tested;
//! [`ServeConfig::from_env`] puts the real environment and the key file on top. A missing or malformed setting is
//! an error that names the variable — never a panic, never a silent default for something that matters.
//! Secrets are held in [`SecretString`], whose `Debug` prints `[REDACTED]`, so logging the config is safe.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// Default GitHub REST API base.
pub const DEFAULT_GITHUB_API_URL: &str = "https://api.github.com";
/// Default listen address.
pub const DEFAULT_BIND: &str = "0.0.0.0:3000";
/// Default number of jobs run at once.
pub const DEFAULT_WORKERS: usize = 2;
/// Upper bound for `ATO_WORKERS`: each worker may run several containers on a small machine.
pub const MAX_WORKERS: usize = 64;

/// A start-up configuration error, naming the variable at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var} is not set")]
    Missing { var: &'static str },
    #[error("{var} is not valid: {reason}")]
    Invalid { var: &'static str, reason: String },
    #[error("{var}: cannot read {path}: {source}")]
    Unreadable {
        var: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where the GitHub App's private key comes from.
#[derive(Debug, Clone)]
pub enum PrivateKeySource {
    /// `GITHUB_PRIVATE_KEY`: the PEM itself.
    Pem(SecretString),
    /// `GITHUB_PRIVATE_KEY_PATH`: a file holding the PEM (read by [`ServeConfig::from_env`]).
    Path(PathBuf),
}

/// The webhook secrets: the first signs nothing, all are accepted — a list lets an operator rotate the secret
/// without dropping deliveries.
#[derive(Debug, Clone)]
pub struct WebhookSecrets(Vec<SecretString>);

impl WebhookSecrets {
    /// Builds the list; empty entries are refused because an empty HMAC key would accept forged bodies.
    pub fn new(secrets: Vec<SecretString>) -> Result<Self, ConfigError> {
        if secrets.is_empty() || secrets.iter().any(|s| s.expose_secret().is_empty()) {
            return Err(ConfigError::Invalid {
                var: "GITHUB_WEBHOOK_SECRET",
                reason: "the list must not be empty and no entry may be empty".into(),
            });
        }
        Ok(Self(secrets))
    }

    /// Every accepted secret, in configured order.
    pub fn iter(&self) -> impl Iterator<Item = &SecretString> {
        self.0.iter()
    }
}

/// Everything `ato serve` needs to run.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub app_id: u64,
    pub private_key: PrivateKeySource,
    pub webhook_secrets: WebhookSecrets,
    pub github_api_url: Url,
    pub bind: SocketAddr,
    /// Base of the links to reports (`{public_url}/reports/{run}/{token}`) and of the app's webhook URL.
    pub public_url: Url,
    /// Holds `ato.db` and `reports/`.
    pub data_dir: PathBuf,
    pub workers: usize,
    /// Whether draft pull requests are tested (`ATO_RUN_DRAFTS`).
    pub run_drafts: bool,
}

impl ServeConfig {
    /// Reads the process environment, then loads the private key file when `GITHUB_PRIVATE_KEY_PATH` is used,
    /// so a wrong path fails at start-up rather than at the first job.
    pub fn from_env() -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        Self::from_map(&vars)?.load_key_file()
    }

    /// Replaces a `GITHUB_PRIVATE_KEY_PATH` source by the PEM read from that file (checked like an inline key).
    pub fn load_key_file(mut self) -> Result<Self, ConfigError> {
        if let PrivateKeySource::Path(path) = &self.private_key {
            let pem = std::fs::read_to_string(path).map_err(|source| ConfigError::Unreadable {
                var: "GITHUB_PRIVATE_KEY_PATH",
                path: path.clone(),
                source,
            })?;
            self.private_key = PrivateKeySource::Pem(check_pem("GITHUB_PRIVATE_KEY_PATH", &pem)?);
        }
        Ok(self)
    }

    /// Parses the settings from a map of variables (pure; no file is read).
    pub fn from_map(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |var: &'static str| vars.get(var).map(|v| v.trim()).filter(|v| !v.is_empty());
        let require = |var: &'static str| get(var).ok_or(ConfigError::Missing { var });

        let app_id = parse_app_id(require("GITHUB_APP_ID")?)?;
        let private_key = match (
            vars.get("GITHUB_PRIVATE_KEY"),
            get("GITHUB_PRIVATE_KEY_PATH"),
        ) {
            (Some(pem), _) if !pem.trim().is_empty() => {
                PrivateKeySource::Pem(check_pem("GITHUB_PRIVATE_KEY", pem)?)
            }
            (_, Some(path)) => PrivateKeySource::Path(PathBuf::from(path)),
            _ => {
                return Err(ConfigError::Missing {
                    var: "GITHUB_PRIVATE_KEY",
                });
            }
        };
        let secrets = vars
            .get("GITHUB_WEBHOOK_SECRET")
            .ok_or(ConfigError::Missing {
                var: "GITHUB_WEBHOOK_SECRET",
            })?
            .split(',')
            .map(|s| SecretString::from(s.trim().to_owned()))
            .collect();
        let webhook_secrets = WebhookSecrets::new(secrets)?;
        let github_api_url = parse_url(
            "GITHUB_API_URL",
            get("GITHUB_API_URL").unwrap_or(DEFAULT_GITHUB_API_URL),
        )?;
        let bind_text = get("ATO_BIND").unwrap_or(DEFAULT_BIND);
        let bind = bind_text.parse().map_err(|_| ConfigError::Invalid {
            var: "ATO_BIND",
            reason: format!("{bind_text:?} is not an address like 0.0.0.0:3000"),
        })?;
        let public_url = parse_url("ATO_PUBLIC_URL", require("ATO_PUBLIC_URL")?)?;
        let data_dir = PathBuf::from(require("ATO_DATA_DIR")?);
        let workers = match get("ATO_WORKERS") {
            None => DEFAULT_WORKERS,
            Some(text) => match text.parse::<usize>() {
                Ok(n) if (1..=MAX_WORKERS).contains(&n) => n,
                _ => {
                    return Err(ConfigError::Invalid {
                        var: "ATO_WORKERS",
                        reason: format!("{text:?} is not a whole number from 1 to {MAX_WORKERS}"),
                    });
                }
            },
        };
        let run_drafts = match get("ATO_RUN_DRAFTS") {
            None => false,
            Some(text) => parse_bool("ATO_RUN_DRAFTS", text)?,
        };
        Ok(Self {
            app_id,
            private_key,
            webhook_secrets,
            github_api_url,
            bind,
            public_url,
            data_dir,
            workers,
            run_drafts,
        })
    }
}

fn parse_app_id(text: &str) -> Result<u64, ConfigError> {
    match text.parse::<u64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(ConfigError::Invalid {
            var: "GITHUB_APP_ID",
            reason: format!("{text:?} is not a positive number"),
        }),
    }
}

fn parse_url(var: &'static str, text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text).map_err(|e| ConfigError::Invalid {
        var,
        reason: format!("{text:?}: {e}"),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::Invalid {
            var,
            reason: format!("{text:?} is not an http(s) URL"),
        });
    }
    Ok(url)
}

fn parse_bool(var: &'static str, text: &str) -> Result<bool, ConfigError> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Invalid {
            var,
            reason: format!("{text:?} is not true or false"),
        }),
    }
}

/// Accepts a PEM, also in the one-line form with literal `\n` that many deployment tools (and Probot) use.
/// The error never quotes the value: it is a secret.
fn check_pem(var: &'static str, text: &str) -> Result<SecretString, ConfigError> {
    let pem = text.trim().replace("\\n", "\n");
    if !pem.starts_with("-----BEGIN ") || !pem.contains("PRIVATE KEY-----") {
        return Err(ConfigError::Invalid {
            var,
            reason: "not a PEM private key (expected -----BEGIN ... PRIVATE KEY-----)".into(),
        });
    }
    Ok(SecretString::from(pem + "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const PEM: &str =
        "-----BEGIN RSA PRIVATE KEY-----\\nTOPSECRETKEY\\n-----END RSA PRIVATE KEY-----";

    fn base() -> HashMap<String, String> {
        [
            ("GITHUB_APP_ID", "42"),
            ("GITHUB_PRIVATE_KEY", PEM),
            ("GITHUB_WEBHOOK_SECRET", "hush-one, hush-two"),
            ("ATO_PUBLIC_URL", "https://ato.example.org"),
            ("ATO_DATA_DIR", "data"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    fn with(key: &str, value: &str) -> HashMap<String, String> {
        let mut vars = base();
        vars.insert(key.to_owned(), value.to_owned());
        vars
    }

    fn without(key: &str) -> HashMap<String, String> {
        let mut vars = base();
        vars.remove(key);
        vars
    }

    fn error_var(vars: &HashMap<String, String>) -> &'static str {
        match ServeConfig::from_map(vars).unwrap_err() {
            ConfigError::Missing { var } | ConfigError::Invalid { var, .. } => var,
            ConfigError::Unreadable { var, .. } => var,
        }
    }

    #[test]
    fn defaults_apply_when_optional_settings_are_absent() {
        let c = ServeConfig::from_map(&base()).unwrap();
        assert_eq!(c.app_id, 42);
        assert_eq!(c.github_api_url.as_str(), "https://api.github.com/");
        assert_eq!(c.bind.to_string(), "0.0.0.0:3000");
        assert_eq!(c.workers, 2);
        assert!(!c.run_drafts);
        assert_eq!(c.webhook_secrets.iter().count(), 2);
        let second = c.webhook_secrets.iter().nth(1).unwrap();
        assert_eq!(second.expose_secret(), "hush-two");
    }

    #[test]
    fn one_line_pem_gets_real_newlines() {
        let c = ServeConfig::from_map(&base()).unwrap();
        let PrivateKeySource::Pem(pem) = c.private_key else {
            panic!("expected a PEM")
        };
        assert!(pem.expose_secret().contains("-----\nTOPSECRETKEY\n-----"));
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let c = ServeConfig::from_map(&base()).unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("TOPSECRETKEY"), "{text}");
        assert!(!text.contains("hush"), "{text}");
    }

    #[test]
    fn missing_required_settings_name_their_variable() {
        for var in [
            "GITHUB_APP_ID",
            "GITHUB_WEBHOOK_SECRET",
            "ATO_PUBLIC_URL",
            "ATO_DATA_DIR",
        ] {
            assert_eq!(error_var(&without(var)), var);
        }
        assert_eq!(
            error_var(&without("GITHUB_PRIVATE_KEY")),
            "GITHUB_PRIVATE_KEY"
        );
    }

    #[test]
    fn key_path_is_used_when_no_inline_key() {
        let mut vars = without("GITHUB_PRIVATE_KEY");
        vars.insert("GITHUB_PRIVATE_KEY_PATH".into(), "/keys/app.pem".into());
        let c = ServeConfig::from_map(&vars).unwrap();
        assert!(
            matches!(c.private_key, PrivateKeySource::Path(p) if p == Path::new("/keys/app.pem"))
        );
    }

    #[test]
    fn key_file_is_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.pem");
        std::fs::write(&good, PEM.replace("\\n", "\n")).unwrap();
        let mut vars = without("GITHUB_PRIVATE_KEY");
        vars.insert(
            "GITHUB_PRIVATE_KEY_PATH".into(),
            good.to_str().unwrap().into(),
        );
        let config = ServeConfig::from_map(&vars)
            .unwrap()
            .load_key_file()
            .unwrap();
        let PrivateKeySource::Pem(pem) = config.private_key else {
            panic!("expected the PEM")
        };
        assert!(pem.expose_secret().contains("TOPSECRETKEY"));

        let bad = dir.path().join("bad.pem");
        std::fs::write(&bad, "hello").unwrap();
        vars.insert(
            "GITHUB_PRIVATE_KEY_PATH".into(),
            bad.to_str().unwrap().into(),
        );
        let err = ServeConfig::from_map(&vars)
            .unwrap()
            .load_key_file()
            .unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::Invalid {
                    var: "GITHUB_PRIVATE_KEY_PATH",
                    ..
                }
            ),
            "{err}"
        );

        vars.insert(
            "GITHUB_PRIVATE_KEY_PATH".into(),
            dir.path().join("absent").to_str().unwrap().into(),
        );
        let err = ServeConfig::from_map(&vars)
            .unwrap()
            .load_key_file()
            .unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::Unreadable {
                    var: "GITHUB_PRIVATE_KEY_PATH",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn malformed_settings_name_their_variable() {
        let cases = [
            ("GITHUB_APP_ID", "abc"),
            ("GITHUB_APP_ID", "0"),
            ("GITHUB_PRIVATE_KEY", "not a key"),
            ("GITHUB_WEBHOOK_SECRET", "a,,b"),
            ("GITHUB_API_URL", "ftp://x"),
            ("GITHUB_API_URL", "not a url"),
            ("ATO_BIND", "localhost"),
            ("ATO_PUBLIC_URL", "example.org"),
            ("ATO_WORKERS", "0"),
            ("ATO_WORKERS", "many"),
            ("ATO_RUN_DRAFTS", "perhaps"),
        ];
        for (var, value) in cases {
            assert_eq!(error_var(&with(var, value)), var, "{var}={value}");
        }
    }

    #[test]
    fn bad_key_error_does_not_quote_the_value() {
        let err = ServeConfig::from_map(&with("GITHUB_PRIVATE_KEY", "sekrit-value")).unwrap_err();
        assert!(!err.to_string().contains("sekrit"), "{err}");
    }

    #[test]
    fn optional_settings_are_parsed() {
        let mut vars = with("ATO_WORKERS", "4");
        vars.insert("ATO_RUN_DRAFTS".into(), "TRUE".into());
        vars.insert("ATO_BIND".into(), "127.0.0.1:8080".into());
        vars.insert(
            "GITHUB_API_URL".into(),
            "http://127.0.0.1:9999/api/v3".into(),
        );
        let c = ServeConfig::from_map(&vars).unwrap();
        assert_eq!(c.workers, 4);
        assert!(c.run_drafts);
        assert_eq!(c.bind.port(), 8080);
        assert_eq!(c.github_api_url.as_str(), "http://127.0.0.1:9999/api/v3");
    }
}
