//! The link to a run's report, shared but not guessable: `{public_url}/reports/{run}/{token}`, where the
//! token is hex(HMAC-SHA256(key, run id)). The key is 32 random bytes made on first start and kept in
//! `ATO_DATA_DIR/report-link.key` (mode 0600), apart from the GitHub secrets so rotating those does not break
//! old links. The worker makes links ([`ReportKey::token`]); the server checks them ([`ReportKey::verify`]) and
//! serves the report from [`report_dir`].

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

use crate::ids::RunId;

/// File of the key inside the data directory.
pub const REPORT_KEY_FILE: &str = "report-link.key";
const KEY_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum ReportKeyError {
    #[error("cannot read or create {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} does not hold a {KEY_LEN}-byte key")]
    Malformed { path: PathBuf },
}

/// The secret that signs report links (and setup-flow states). Debug never shows it.
#[derive(Clone)]
pub struct ReportKey(Arc<SecretBox<[u8; KEY_LEN]>>);

impl std::fmt::Debug for ReportKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReportKey([REDACTED])")
    }
}

impl ReportKey {
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        ReportKey(Arc::new(SecretBox::new(Box::new(bytes))))
    }

    /// Reads the key from `data_dir`, or makes a new random one there (readable by the owner only).
    pub fn load_or_create(data_dir: &Path) -> Result<Self, ReportKeyError> {
        let path = data_dir.join(REPORT_KEY_FILE);
        let io = |source| ReportKeyError::Io {
            path: path.clone(),
            source,
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let key: [u8; KEY_LEN] = bytes
                    .try_into()
                    .map_err(|_| ReportKeyError::Malformed { path: path.clone() })?;
                return Ok(Self::from_bytes(key));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let mut key = [0u8; KEY_LEN];
        rand::fill(&mut key[..]);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(io)?;
        file.write_all(&key)
            .and_then(|()| file.sync_all())
            .map_err(io)?;
        Ok(Self::from_bytes(key))
    }

    /// The link token of a run: hex(HMAC-SHA256(key, run id)).
    pub fn token(&self, run_id: &str) -> String {
        hex::encode(self.mac(run_id.as_bytes()).finalize().into_bytes())
    }

    /// Whether `token` is the token of `run_id`, compared in constant time.
    pub fn verify(&self, run_id: &str, token: &str) -> bool {
        let Ok(bytes) = hex::decode(token) else {
            return false;
        };
        self.mac(run_id.as_bytes()).verify_slice(&bytes).is_ok()
    }

    /// An HMAC under the key over `message`, for other signed values (domain-separated by their prefix).
    pub(crate) fn mac(&self, message: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.expose_secret())
            .expect("HMAC accepts keys of any length");
        mac.update(message);
        mac
    }
}

/// Where a run's report lives: `{data_dir}/reports/{run}`; `GET /reports/{run}/{token}` serves its
/// `report.html`.
pub fn report_dir(data_dir: &Path, run_id: &RunId) -> PathBuf {
    data_dir.join("reports").join(run_id.as_str())
}

/// The public link to a run's report: `{public_url}/reports/{run}/{token}`.
pub fn report_url(public_url: &url::Url, key: &ReportKey, run_id: &str) -> String {
    format!(
        "{}/reports/{run_id}/{}",
        public_url.as_str().trim_end_matches('/'),
        key.token(run_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trips_and_binds_the_run() {
        let key = ReportKey::from_bytes([7; KEY_LEN]);
        let token = key.token("run-1");
        assert_eq!(token.len(), 64);
        assert!(key.verify("run-1", &token));
        assert!(!key.verify("run-2", &token));
        assert!(!key.verify("run-1", &token[..63]));
        assert!(!key.verify("run-1", "not hex"));
        assert!(!ReportKey::from_bytes([8; KEY_LEN]).verify("run-1", &token));
    }

    #[test]
    fn known_answer() {
        // HMAC-SHA256 with a 32-byte key of 0x07 over "run-1", computed independently (Python's hmac module).
        let key = ReportKey::from_bytes([7; KEY_LEN]);
        assert_eq!(key.token("run-1"), KNOWN_TOKEN);
    }
    const KNOWN_TOKEN: &str = "38b5ce355052e21f45486ac75e559bc85d302d23b9cd7ef09897b626ed57ced8";

    #[test]
    fn key_is_created_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = ReportKey::load_or_create(dir.path()).unwrap();
        let second = ReportKey::load_or_create(dir.path()).unwrap();
        assert_eq!(first.token("r"), second.token("r"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(REPORT_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn truncated_key_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(REPORT_KEY_FILE), b"short").unwrap();
        assert!(matches!(
            ReportKey::load_or_create(dir.path()),
            Err(ReportKeyError::Malformed { .. })
        ));
    }

    #[test]
    fn report_url_joins_without_double_slash() {
        let key = ReportKey::from_bytes([1; KEY_LEN]);
        let url = url::Url::parse("https://ato.example.org/").unwrap();
        assert_eq!(
            report_url(&url, &key, "r1"),
            format!("https://ato.example.org/reports/r1/{}", key.token("r1"))
        );
    }
}
