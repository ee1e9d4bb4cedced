//! What is wrong with the settings, each problem with what to do about it, all reported together.

use std::fmt;
use std::path::PathBuf;

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
    #[error("the GitHub App is only partly configured: {missing} not set")]
    PartialApp { missing: String },
}

impl ConfigError {
    /// The variable at fault (the first one, for a partial app).
    pub fn var(&self) -> &'static str {
        match self {
            ConfigError::Missing { var }
            | ConfigError::Invalid { var, .. }
            | ConfigError::Unreadable { var, .. } => var,
            ConfigError::PartialApp { .. } => "GITHUB_APP_ID",
        }
    }

    /// What the operator should do.
    pub fn hint(&self) -> &'static str {
        match (self, self.var()) {
            (ConfigError::PartialApp { .. }, _) => {
                "set GITHUB_APP_ID, GITHUB_PRIVATE_KEY (or GITHUB_PRIVATE_KEY_PATH) and GITHUB_WEBHOOK_SECRET \
                 together, or none of them and create the app at ATO_PUBLIC_URL/setup"
            }
            (_, "ATO_PUBLIC_URL") => {
                "set it to the https:// address GitHub reaches this server at (the app's webhook URL is \
                 ATO_PUBLIC_URL/webhook)"
            }
            (_, "ATO_DATA_DIR") => {
                "set it to a persistent folder for the database, the reports and the app's credentials"
            }
            (_, "GITHUB_PRIVATE_KEY" | "GITHUB_PRIVATE_KEY_PATH") => {
                "give the PEM the app's settings page generates (a one-line PEM with \\n is accepted), or a \
                 readable file holding it"
            }
            (ConfigError::Unreadable { .. }, _) => "fix the path or the file's permissions",
            (_, "GITHUB_APP_ID") => "the app's numeric id, shown on its settings page",
            (_, "GITHUB_WEBHOOK_SECRET") => {
                "the app's webhook secret; a comma-separated list while rotating it"
            }
            _ => "see `ato serve --help` for its form and default",
        }
    }
}

/// Every problem found in the settings.
#[derive(Debug)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    pub fn iter(&self) -> impl Iterator<Item = &ConfigError> {
        self.0.iter()
    }

    /// The first line of the report of `count` problems.
    pub fn heading(count: usize) -> String {
        format!(
            "{count} setting{} of `ato serve` need{} fixing (`ato serve --help` lists them all):",
            if count == 1 { "" } else { "s" },
            if count == 1 { "s" } else { "" }
        )
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&ConfigErrors::heading(self.0.len()))?;
        for error in &self.0 {
            write!(f, "\n  - {error}: {}", error.hint())?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}
