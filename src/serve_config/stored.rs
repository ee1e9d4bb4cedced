//! The app credentials `/setup` created, kept in the data directory so that a restart finds them:
//!
//! ```text
//! ATO_DATA_DIR/github-app/<id>/private-key.pem   (0600)
//! ATO_DATA_DIR/github-app/<id>/webhook-secret    (0600)
//! ATO_DATA_DIR/github-app/current                the id of the app in use, written last
//! ```
//!
//! Credentials in the environment win over these (see [`super::ServeConfig::from_env`]).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::{AppCredentials, ConfigError, PrivateKeySource, WebhookSecrets, check_pem};

const APP_DIR: &str = "github-app";
const CURRENT: &str = "current";
const KEY_FILE: &str = "private-key.pem";
const SECRET_FILE: &str = "webhook-secret";

/// Where `/setup` keeps app `app_id`'s files.
pub fn app_dir(data_dir: &Path, app_id: u64) -> PathBuf {
    data_dir.join(APP_DIR).join(app_id.to_string())
}

/// Stores a new app's key and webhook secret (mode 0600, never overwriting), then marks it current.
/// Returns the credentials, ready to use.
pub fn save(
    data_dir: &Path,
    app_id: u64,
    pem: &str,
    webhook_secret: &str,
) -> std::io::Result<AppCredentials> {
    let invalid =
        |e: ConfigError| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string());
    let private_key = check_pem("private key", pem).map_err(invalid)?;
    let webhook_secrets = WebhookSecrets::new(vec![SecretString::from(webhook_secret.to_owned())])
        .map_err(invalid)?;
    let dir = app_dir(data_dir, app_id);
    write_new(&dir, KEY_FILE, pem)?;
    write_new(&dir, SECRET_FILE, webhook_secret)?;
    // The marker goes last, through a rename, so a crash never leaves it naming half-written files.
    let parent = data_dir.join(APP_DIR);
    let temporary = parent.join(format!(".{CURRENT}.{app_id}"));
    let _ = std::fs::remove_file(&temporary);
    write_new(
        &parent,
        &format!(".{CURRENT}.{app_id}"),
        &app_id.to_string(),
    )?;
    std::fs::rename(&temporary, parent.join(CURRENT))?;
    Ok(AppCredentials {
        app_id,
        private_key: PrivateKeySource::Pem(private_key),
        webhook_secrets,
    })
}

/// The stored app, if `/setup` made one; an error names a marker or file that cannot be read.
pub fn load(data_dir: &Path) -> Result<Option<AppCredentials>, ConfigError> {
    let marker = data_dir.join(APP_DIR).join(CURRENT);
    let id_text = match std::fs::read_to_string(&marker) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(unreadable(marker, source)),
    };
    let app_id = id_text
        .trim()
        .parse::<u64>()
        .map_err(|_| ConfigError::Invalid {
            var: "ATO_DATA_DIR",
            reason: format!("{} does not hold an app id", marker.display()),
        })?;
    let dir = app_dir(data_dir, app_id);
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|source| unreadable(path, source))
    };
    let pem = check_pem("ATO_DATA_DIR", &read(KEY_FILE)?)?;
    let secret = read(SECRET_FILE)?;
    Ok(Some(AppCredentials {
        app_id,
        private_key: PrivateKeySource::Pem(pem),
        webhook_secrets: WebhookSecrets::new(vec![SecretString::from(secret.trim().to_owned())])?,
    }))
}

fn unreadable(path: PathBuf, source: std::io::Error) -> ConfigError {
    ConfigError::Unreadable {
        var: "ATO_DATA_DIR",
        path,
        source,
    }
}

/// Writes a new file readable by the owner only; never overwrites.
fn write_new(dir: &Path, name: &str, value: &str) -> std::io::Result<PathBuf> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nSTOREDKEY\n-----END RSA PRIVATE KEY-----\n";

    #[test]
    fn saved_credentials_are_private_and_found_again() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_none(), "nothing stored yet");
        let saved = save(dir.path(), 77, PEM, "hook-secret").unwrap();
        assert_eq!(saved.app_id, 77);
        let loaded = load(dir.path()).unwrap().expect("stored app");
        assert_eq!(loaded.app_id, 77);
        assert!(loaded.pem().unwrap().expose_secret().contains("STOREDKEY"));
        let secret = loaded.webhook_secrets.iter().next().unwrap();
        assert_eq!(secret.expose_secret(), "hook-secret");
        #[cfg(unix)]
        for name in [KEY_FILE, SECRET_FILE] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(app_dir(dir.path(), 77).join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
        assert!(
            save(dir.path(), 77, PEM, "again").is_err(),
            "never overwrites"
        );
    }

    #[test]
    fn a_marker_naming_missing_files_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(APP_DIR)).unwrap();
        std::fs::write(dir.path().join(APP_DIR).join(CURRENT), "5").unwrap();
        let error = load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("github-app/5/private-key.pem"), "{error}");
    }
}
