//! App authentication: the app JWT, and installation tokens cached per installation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use super::GithubError;
use super::types::InstallationId;

/// `iat` is set this far in the past, against clock drift (GitHub's advice).
const JWT_BACKDATE_SECS: u64 = 60;
/// GitHub refuses JWTs that live longer than 10 minutes; stay a minute under.
const JWT_LIFETIME_SECS: u64 = 9 * 60;

/// The app's id and private key. Debug shows the id only.
pub(crate) struct AppKey {
    app_id: u64,
    key: EncodingKey,
}

impl std::fmt::Debug for AppKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppKey")
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Claims {
    iat: u64,
    exp: u64,
    iss: String,
}

impl AppKey {
    pub(crate) fn from_pem(app_id: u64, pem: &SecretString) -> Result<Self, GithubError> {
        let key = EncodingKey::from_rsa_pem(pem.expose_secret().as_bytes())
            .map_err(GithubError::PrivateKey)?;
        Ok(Self { app_id, key })
    }

    pub(crate) fn app_id(&self) -> u64 {
        self.app_id
    }

    /// A fresh app JWT (RS256) valid from a minute ago for nine minutes.
    pub(crate) fn jwt(&self, now: SystemTime) -> Result<SecretString, GithubError> {
        let now = epoch_secs(now);
        let claims = Claims {
            iat: now.saturating_sub(JWT_BACKDATE_SECS),
            exp: now + JWT_LIFETIME_SECS,
            iss: self.app_id.to_string(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map_err(GithubError::Jwt)?;
        Ok(SecretString::from(token))
    }
}

/// An installation token and when GitHub says it expires.
#[derive(Clone)]
pub(crate) struct CachedToken {
    pub(crate) token: SecretString,
    pub(crate) expires_at: SystemTime,
}

impl CachedToken {
    /// Usable if it still has more than `margin` to live, so a request (or a whole step of a job) that starts
    /// now does not fail half-way with an expired token.
    pub(crate) fn is_fresh(&self, now: SystemTime, margin: Duration) -> bool {
        now + margin < self.expires_at
    }
}

/// One slot per installation; the slot's async lock makes concurrent callers wait for a single token request.
type Slot = Arc<tokio::sync::Mutex<Option<CachedToken>>>;

#[derive(Default)]
pub(crate) struct TokenCache {
    slots: Mutex<HashMap<InstallationId, Slot>>,
}

impl TokenCache {
    pub(crate) fn slot(&self, installation: InstallationId) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.entry(installation).or_default().clone()
    }
}

pub(crate) fn epoch_secs(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Parses GitHub's `expires_at` (`2026-01-31T12:34:56Z`, always UTC). `None` for anything else.
pub(crate) fn parse_github_time(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    if bytes.len() != 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || bytes[10] != b'T'
        || bytes[19] != b'Z'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
    let month = time::Month::try_from(u8::try_from(number(5..7)?).ok()?).ok()?;
    let date = time::Date::from_calendar_date(
        i32::try_from(number(0..4)?).ok()?,
        month,
        u8::try_from(number(8..10)?).ok()?,
    )
    .ok()?;
    let clock = time::Time::from_hms(
        u8::try_from(number(11..13)?).ok()?,
        u8::try_from(number(14..16)?).ok()?,
        u8::try_from(number(17..19)?).ok()?,
    )
    .ok()?;
    let seconds = u64::try_from(date.with_time(clock).assume_utc().unix_timestamp()).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_times_parse() {
        let parsed = parse_github_time("2016-07-11T22:14:10Z").expect("valid");
        assert_eq!(epoch_secs(parsed), 1_468_275_250);
        for bad in [
            "",
            "2016-07-11 22:14:10Z",
            "2016-13-11T22:14:10Z",
            "2016-07-11T22:14:10+01:00",
        ] {
            assert_eq!(parse_github_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn tokens_are_refreshed_before_they_expire() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let token = CachedToken {
            token: SecretString::from("t"),
            expires_at: now + Duration::from_secs(3600),
        };
        let margin = Duration::from_secs(300);
        assert!(token.is_fresh(now, margin));
        assert!(token.is_fresh(now + Duration::from_secs(3299), margin));
        assert!(!token.is_fresh(now + Duration::from_secs(3300), margin));
    }

    #[test]
    fn the_jwt_is_rs256_backdated_and_short_lived() {
        let fixtures = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let pem = std::fs::read_to_string(fixtures.join("test-only-github-app-key.pem")).unwrap();
        let key = AppKey::from_pem(42, &SecretString::from(pem)).unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let jwt = key.jwt(now).unwrap();
        let public = std::fs::read(fixtures.join("test-only-github-app-key.pub.pem")).unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.validate_exp = false; // the clock above is fixed
        validation.set_issuer(&["42"]);
        let decoding = jsonwebtoken::DecodingKey::from_rsa_pem(&public).unwrap();
        let claims =
            jsonwebtoken::decode::<serde_json::Value>(jwt.expose_secret(), &decoding, &validation)
                .expect("signed by the app key")
                .claims;
        assert_eq!(claims["iat"], 1_800_000_000 - 60);
        assert_eq!(claims["exp"], 1_800_000_000 + 9 * 60);
        assert_eq!(claims["iss"], "42");
        let shown = format!("{key:?}");
        assert!(shown.contains("42") && !shown.contains("BEGIN"));
    }

    #[test]
    fn a_bad_key_is_a_clear_error() {
        let err = AppKey::from_pem(1, &SecretString::from("not a key")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the GitHub App private key is not a valid RSA PEM key")
        );
    }

    #[test]
    fn debug_does_not_show_the_key() {
        let shown = format!(
            "{:?}",
            CachedToken {
                token: SecretString::from("ghs_secret"),
                expires_at: UNIX_EPOCH
            }
            .token
        );
        assert!(!shown.contains("ghs_secret"));
    }
}
