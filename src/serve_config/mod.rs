//! Settings of `ato serve`, read once at start-up from the environment.
//!
//! [`ServeConfig::from_map`] is pure (it takes the variables as a map) so every rule is unit-tested;
//! [`ServeConfig::from_env`] puts the real environment, the key file and the credentials `/setup` stored
//! ([`stored`]) on top. Every missing or malformed setting is reported at once, each naming its variable and
//! what to do ([`ConfigErrors`]) — never a panic, never a silent default for something that matters. The app's
//! credentials may all be absent: the server then starts in set-up mode. [`help`] lists every variable.
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

mod errors;
pub mod help;
pub mod stored;

pub use errors::{ConfigError, ConfigErrors};

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

/// The GitHub App's credentials: from the environment, or stored by `/setup` in the data directory.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    pub app_id: u64,
    pub private_key: PrivateKeySource,
    pub webhook_secrets: WebhookSecrets,
}

impl AppCredentials {
    /// The PEM, once [`ServeConfig::load_key_file`] has read a key file.
    pub fn pem(&self) -> Option<&SecretString> {
        match &self.private_key {
            PrivateKeySource::Pem(pem) => Some(pem),
            PrivateKeySource::Path(_) => None,
        }
    }
}

/// Everything `ato serve` needs to run.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// `None` until the app exists: the server then serves `/setup` and takes the credentials it creates.
    pub app: Option<AppCredentials>,
    pub github_api_url: Url,
    pub bind: SocketAddr,
    /// Base of the links to reports (`{public_url}/reports/{run}/{token}`) and of the app's webhook URL.
    pub public_url: Url,
    /// Holds `ato.db`, `reports/` and the credentials `/setup` stores (`github-app/`).
    pub data_dir: PathBuf,
    pub workers: usize,
    /// Whether draft pull requests are tested (`ATO_RUN_DRAFTS`).
    pub run_drafts: bool,
}

/// The three variables that make up the app's credentials.
pub const CREDENTIAL_VARS: [&str; 3] = [
    "GITHUB_APP_ID",
    "GITHUB_PRIVATE_KEY",
    "GITHUB_WEBHOOK_SECRET",
];

impl ServeConfig {
    /// Reads the process environment, loads the private key file when `GITHUB_PRIVATE_KEY_PATH` is used (so a
    /// wrong path fails at start-up rather than at the first job), and, when the environment names no app,
    /// the credentials `/setup` stored in the data directory.
    pub fn from_env() -> Result<Self, ConfigErrors> {
        let vars: HashMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let mut config = Self::from_map(&vars)?
            .load_key_file()
            .map_err(|e| ConfigErrors(vec![e]))?;
        if config.app.is_none() {
            config.app = stored::load(&config.data_dir).map_err(|e| ConfigErrors(vec![e]))?;
        }
        Ok(config)
    }

    /// Replaces a `GITHUB_PRIVATE_KEY_PATH` source by the PEM read from that file (checked like an inline key).
    pub fn load_key_file(mut self) -> Result<Self, ConfigError> {
        if let Some(AppCredentials {
            private_key: source @ PrivateKeySource::Path(_),
            ..
        }) = &mut self.app
        {
            let PrivateKeySource::Path(path) = &*source else {
                unreachable!("matched above")
            };
            let pem = std::fs::read_to_string(path).map_err(|error| ConfigError::Unreadable {
                var: "GITHUB_PRIVATE_KEY_PATH",
                path: path.clone(),
                source: error,
            })?;
            *source = PrivateKeySource::Pem(check_pem("GITHUB_PRIVATE_KEY_PATH", &pem)?);
        }
        Ok(self)
    }

    /// Parses the settings from a map of variables (pure; no file is read). Every missing or malformed
    /// setting is reported, not only the first.
    pub fn from_map(vars: &HashMap<String, String>) -> Result<Self, ConfigErrors> {
        let get = |var: &'static str| vars.get(var).map(|v| v.trim()).filter(|v| !v.is_empty());
        let mut errors = Vec::new();

        let app = keep(&mut errors, app_credentials(vars)).flatten();
        let github_api_url = keep(
            &mut errors,
            parse_url(
                "GITHUB_API_URL",
                get("GITHUB_API_URL").unwrap_or(DEFAULT_GITHUB_API_URL),
            ),
        );
        let bind_text = get("ATO_BIND").unwrap_or(DEFAULT_BIND);
        let bind = keep(
            &mut errors,
            bind_text.parse().map_err(|_| ConfigError::Invalid {
                var: "ATO_BIND",
                reason: format!("{bind_text:?} is not an address like 0.0.0.0:3000"),
            }),
        );
        let public_url = keep(
            &mut errors,
            get("ATO_PUBLIC_URL")
                .ok_or(ConfigError::Missing {
                    var: "ATO_PUBLIC_URL",
                })
                .and_then(|text| parse_url("ATO_PUBLIC_URL", text)),
        );
        let data_dir = keep(
            &mut errors,
            get("ATO_DATA_DIR")
                .map(PathBuf::from)
                .ok_or(ConfigError::Missing {
                    var: "ATO_DATA_DIR",
                }),
        );
        let workers = keep(
            &mut errors,
            match get("ATO_WORKERS") {
                None => Ok(DEFAULT_WORKERS),
                Some(text) => match text.parse::<usize>() {
                    Ok(n) if (1..=MAX_WORKERS).contains(&n) => Ok(n),
                    _ => Err(ConfigError::Invalid {
                        var: "ATO_WORKERS",
                        reason: format!("{text:?} is not a whole number from 1 to {MAX_WORKERS}"),
                    }),
                },
            },
        );
        let run_drafts = keep(
            &mut errors,
            match get("ATO_RUN_DRAFTS") {
                None => Ok(false),
                Some(text) => parse_bool("ATO_RUN_DRAFTS", text),
            },
        );
        match (
            github_api_url,
            bind,
            public_url,
            data_dir,
            workers,
            run_drafts,
        ) {
            (
                Some(github_api_url),
                Some(bind),
                Some(public_url),
                Some(data_dir),
                Some(workers),
                Some(run_drafts),
            ) if errors.is_empty() => Ok(Self {
                app,
                github_api_url,
                bind,
                public_url,
                data_dir,
                workers,
                run_drafts,
            }),
            _ => Err(ConfigErrors(errors)),
        }
    }
}

/// The app's credentials: all three given, or none (the app is created through `/setup`); some but not all is
/// an error naming the missing ones.
fn app_credentials(vars: &HashMap<String, String>) -> Result<Option<AppCredentials>, ConfigError> {
    let get = |var: &'static str| vars.get(var).map(|v| v.trim()).filter(|v| !v.is_empty());
    let key = match (get("GITHUB_PRIVATE_KEY"), get("GITHUB_PRIVATE_KEY_PATH")) {
        (Some(pem), _) => Some(PrivateKeySource::Pem(check_pem("GITHUB_PRIVATE_KEY", pem)?)),
        (None, Some(path)) => Some(PrivateKeySource::Path(PathBuf::from(path))),
        (None, None) => None,
    };
    let (id, secret) = (get("GITHUB_APP_ID"), get("GITHUB_WEBHOOK_SECRET"));
    let (Some(id), Some(private_key), Some(secret)) = (id, key.clone(), secret) else {
        if id.is_none() && key.is_none() && secret.is_none() {
            return Ok(None);
        }
        let missing: Vec<&str> = [
            (id.is_none(), "GITHUB_APP_ID"),
            (
                key.is_none(),
                "GITHUB_PRIVATE_KEY (or GITHUB_PRIVATE_KEY_PATH)",
            ),
            (secret.is_none(), "GITHUB_WEBHOOK_SECRET"),
        ]
        .into_iter()
        .filter_map(|(absent, var)| absent.then_some(var))
        .collect();
        return Err(ConfigError::PartialApp {
            missing: missing.join(", "),
        });
    };
    let secrets = secret
        .split(',')
        .map(|s| SecretString::from(s.trim().to_owned()))
        .collect();
    Ok(Some(AppCredentials {
        app_id: parse_app_id(id)?,
        private_key,
        webhook_secrets: WebhookSecrets::new(secrets)?,
    }))
}

/// The value, or `None` with the error added to `errors`.
fn keep<T>(errors: &mut Vec<ConfigError>, result: Result<T, ConfigError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
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
mod tests;
