//! `X-Hub-Signature-256` verification: `sha256=` + hex HMAC-SHA256 of the raw body, checked in constant time
//! against every configured secret before a single byte of the body is parsed.

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::serve_config::WebhookSecrets;

type HmacSha256 = Hmac<Sha256>;

/// Why a delivery's signature was refused. The text is safe to log: it never quotes the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no X-Hub-Signature-256 header")]
    Missing,
    #[error("only the SHA-1 X-Hub-Signature header was sent; SHA-256 is required")]
    Sha1Only,
    #[error("X-Hub-Signature-256 is not sha256=<64 hex digits>")]
    Malformed,
    #[error("X-Hub-Signature-256 does not match any configured secret")]
    Mismatch,
}

/// The header value GitHub would send for `body` signed with `secret` (used by tests and the benchmark).
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks the signature headers of a delivery. `sha256` is the `X-Hub-Signature-256` value and `sha1_present`
/// says whether the legacy `X-Hub-Signature` header was there (to give a precise refusal).
pub fn verify(
    secrets: &WebhookSecrets,
    sha256: Option<&[u8]>,
    sha1_present: bool,
    body: &[u8],
) -> Result<(), SignatureError> {
    let header = match sha256 {
        Some(h) => h,
        None if sha1_present => return Err(SignatureError::Sha1Only),
        None => return Err(SignatureError::Missing),
    };
    let digest_hex = header
        .strip_prefix(b"sha256=")
        .ok_or(SignatureError::Malformed)?;
    let mut expected = [0u8; 32];
    hex::decode_to_slice(digest_hex, &mut expected).map_err(|_| SignatureError::Malformed)?;
    // `verify_slice` compares in constant time; trying every secret lets an operator rotate secrets.
    let matched = secrets.iter().any(|secret| {
        let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes())
            .expect("HMAC accepts keys of any length");
        mac.update(body);
        mac.verify_slice(&expected).is_ok()
    });
    if matched {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    const GITHUB_SECRET: &str = "It's a Secret to Everybody";
    const GITHUB_BODY: &[u8] = b"Hello, World!";
    const GITHUB_ANSWER: &str =
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    fn secrets(list: &[&str]) -> WebhookSecrets {
        WebhookSecrets::new(
            list.iter()
                .map(|s| SecretString::from(s.to_string()))
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn github_known_answer() {
        assert_eq!(sign(GITHUB_SECRET.as_bytes(), GITHUB_BODY), GITHUB_ANSWER);
        let s = secrets(&[GITHUB_SECRET]);
        assert_eq!(
            verify(&s, Some(GITHUB_ANSWER.as_bytes()), false, GITHUB_BODY),
            Ok(())
        );
    }

    #[test]
    fn any_configured_secret_is_accepted() {
        let s = secrets(&["old", GITHUB_SECRET]);
        assert_eq!(
            verify(&s, Some(GITHUB_ANSWER.as_bytes()), false, GITHUB_BODY),
            Ok(())
        );
    }

    #[test]
    fn tampered_body_is_refused() {
        let s = secrets(&[GITHUB_SECRET]);
        let r = verify(&s, Some(GITHUB_ANSWER.as_bytes()), false, b"Hello, World?");
        assert_eq!(r, Err(SignatureError::Mismatch));
    }

    #[test]
    fn wrong_secret_is_refused() {
        let s = secrets(&["another"]);
        let r = verify(&s, Some(GITHUB_ANSWER.as_bytes()), false, GITHUB_BODY);
        assert_eq!(r, Err(SignatureError::Mismatch));
    }

    #[test]
    fn missing_and_sha1_only_are_told_apart() {
        let s = secrets(&[GITHUB_SECRET]);
        assert_eq!(
            verify(&s, None, false, GITHUB_BODY),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(&s, None, true, GITHUB_BODY),
            Err(SignatureError::Sha1Only)
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        let s = secrets(&[GITHUB_SECRET]);
        let bad: [&[u8]; 5] = [
            b"757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            b"sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            b"sha256=757107",
            b"sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            b"sha256=",
        ];
        for header in bad {
            assert_eq!(
                verify(&s, Some(header), false, GITHUB_BODY),
                Err(SignatureError::Malformed)
            );
        }
    }

    #[test]
    fn uppercase_hex_is_accepted() {
        let s = secrets(&[GITHUB_SECRET]);
        let upper = format!("sha256={}", GITHUB_ANSWER[7..].to_uppercase());
        assert_eq!(
            verify(&s, Some(upper.as_bytes()), false, GITHUB_BODY),
            Ok(())
        );
    }
}
