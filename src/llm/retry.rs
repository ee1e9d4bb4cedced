//! When to try a model request again, and after how long (pure).
//!
//! Retried: 429 (after its `retry-after`, or the back-off without one), 5xx and broken connections (after an
//! exponential back-off). Not retried: other 4xx (the request itself is wrong) and timeouts (a model too slow
//! once is slow again; retrying would multiply the wait). A `retry-after` beyond the configured maximum ends
//! the tries at once rather than holding a run hostage.

use std::time::{Duration, SystemTime};

/// The longest single back-off, however many attempts were made.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A failed attempt that may be worth another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No connection, or it broke before the answer was read.
    Connection,
    /// HTTP 5xx.
    ServerError,
    /// HTTP 429, with the wait the server asked for.
    RateLimited { retry_after: Option<Duration> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Every allowed attempt was made.
    Exhausted,
    /// The server asked to wait longer than allowed.
    WaitTooLong(Duration),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy {
    pub max_attempts: u32,
    pub backoff: Duration,
    pub max_retry_after: Duration,
}

impl Policy {
    /// What to do after `attempts` tries (1 after the first), the last of which failed with `failure`.
    pub fn after(&self, attempts: u32, failure: Failure) -> Decision {
        if let Failure::RateLimited {
            retry_after: Some(wait),
        } = failure
            && wait > self.max_retry_after
        {
            return Decision::WaitTooLong(wait);
        }
        if attempts >= self.max_attempts {
            return Decision::Exhausted;
        }
        match failure {
            Failure::RateLimited {
                retry_after: Some(wait),
            } => Decision::RetryAfter(wait),
            _ => Decision::RetryAfter(self.backoff_after(attempts)),
        }
    }

    /// `backoff`, doubled for each attempt after the first, capped at [`MAX_BACKOFF`].
    fn backoff_after(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1));
        self.backoff.saturating_mul(factor).min(MAX_BACKOFF)
    }
}

/// A `retry-after` header's wait: delay-seconds (a fractional value is rounded up) or an HTTP date, counted
/// from `now` (a date in the past means no wait). `None` for anything else.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>()
        && secs.is_finite()
        && secs >= 0.0
    {
        return Some(Duration::from_secs(secs.ceil().min(u64::MAX as f64) as u64));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            max_attempts: 4,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
        }
    }

    #[test]
    fn server_errors_back_off_exponentially_until_the_last_attempt() {
        let p = policy();
        let waits: Vec<Decision> = (1..=4).map(|n| p.after(n, Failure::ServerError)).collect();
        assert_eq!(
            waits,
            [
                Decision::RetryAfter(Duration::from_millis(500)),
                Decision::RetryAfter(Duration::from_millis(1000)),
                Decision::RetryAfter(Duration::from_millis(2000)),
                Decision::Exhausted,
            ]
        );
        assert_eq!(
            p.after(2, Failure::Connection),
            Decision::RetryAfter(Duration::from_secs(1))
        );
    }

    #[test]
    fn backoff_is_capped() {
        let p = Policy {
            max_attempts: 100,
            ..policy()
        };
        assert_eq!(
            p.after(40, Failure::ServerError),
            Decision::RetryAfter(MAX_BACKOFF)
        );
    }

    #[test]
    fn one_attempt_means_no_retry() {
        let p = Policy {
            max_attempts: 1,
            ..policy()
        };
        assert_eq!(p.after(1, Failure::Connection), Decision::Exhausted);
    }

    #[test]
    fn rate_limits_honour_retry_after_within_the_maximum() {
        let p = policy();
        let asked = |secs| Failure::RateLimited {
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            p.after(1, asked(7)),
            Decision::RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(
            p.after(1, asked(60)),
            Decision::RetryAfter(Duration::from_secs(60))
        );
        assert_eq!(
            p.after(1, asked(61)),
            Decision::WaitTooLong(Duration::from_secs(61))
        );
        // Too long is said even on the last attempt: it is the more useful reason.
        assert_eq!(
            p.after(4, asked(3600)),
            Decision::WaitTooLong(Duration::from_secs(3600))
        );
        assert_eq!(p.after(4, asked(1)), Decision::Exhausted);
        // Without retry-after, the back-off.
        assert_eq!(
            p.after(1, Failure::RateLimited { retry_after: None }),
            Decision::RetryAfter(Duration::from_millis(500))
        );
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("1.2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        // The obsolete RFC 850 form is still an HTTP date.
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in ["", "soon", "-5", "NaN", "inf"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}
