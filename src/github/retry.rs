//! When to try a GitHub request again, and how long to wait first. Pure: the caller supplies the outcome
//! and the current time, and does the sleeping (scaled by [`RetryPolicy::time_scale`], which tests set small).

use std::time::Duration;

use http::HeaderMap;

/// The retry rules for every GitHub call (octocrab's own retry is switched off so there is only one).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub max_attempts: u32,
    /// First back-off after a 5xx or a connection error; doubled each further try.
    pub base_backoff: Duration,
    /// Back-off never grows past this.
    pub max_backoff: Duration,
    /// Wait after a rate-limit answer that says nothing about when to come back (GitHub: at least a minute).
    pub min_rate_limit_wait: Duration,
    /// A single wait longer than this is not waited: the call fails with [`Decision::GiveUp`] instead.
    pub max_wait: Duration,
    /// Multiplies every actual sleep; 1.0 in production. Decisions are always made in real time.
    pub time_scale: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            min_rate_limit_wait: Duration::from_secs(60),
            max_wait: Duration::from_secs(15 * 60),
            time_scale: 1.0,
        }
    }
}

/// The rate-limit headers of a response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitHeaders {
    pub retry_after_secs: Option<u64>,
    pub remaining: Option<u64>,
    /// Epoch seconds when the limit resets.
    pub reset_epoch_secs: Option<u64>,
}

impl RateLimitHeaders {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        Self {
            retry_after_secs: number("retry-after"),
            remaining: number("x-ratelimit-remaining"),
            reset_epoch_secs: number("x-ratelimit-reset"),
        }
    }
}

/// What happened on one try.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// GitHub answered. `body` is (the start of) the answer, used to recognise a rate-limit 403.
    Answered {
        status: u16,
        headers: RateLimitHeaders,
        body: &'a str,
    },
    /// No answer: connection refused or reset, timeout.
    TransportError,
}

/// Why the policy stops retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUp {
    /// The last allowed try failed.
    AttemptsExhausted,
    /// GitHub asks to wait longer than [`RetryPolicy::max_wait`].
    WaitTooLong(Duration),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Use this answer as it is (success, or an error that retrying cannot fix).
    Accept,
    /// Try again after this (unscaled) wait.
    RetryAfter(Duration),
    GiveUp(GiveUp),
}

impl RetryPolicy {
    /// Decides after try number `attempt` (1 for the first) ended with `outcome`, at `now_epoch_secs`.
    pub fn decide(&self, attempt: u32, outcome: &Outcome<'_>, now_epoch_secs: u64) -> Decision {
        let wait = match *outcome {
            Outcome::TransportError => self.backoff(attempt),
            Outcome::Answered {
                status,
                headers,
                body,
            } => {
                if is_rate_limited(status, &headers, body) {
                    self.rate_limit_wait(attempt, &headers, now_epoch_secs)
                } else if matches!(status, 500 | 502 | 503 | 504) {
                    self.backoff(attempt)
                } else {
                    // Successes, redirects, and final errors (400, 401, 403 forbidden, 404, 422, ...).
                    return Decision::Accept;
                }
            }
        };
        if attempt >= self.max_attempts {
            Decision::GiveUp(GiveUp::AttemptsExhausted)
        } else if wait > self.max_wait {
            Decision::GiveUp(GiveUp::WaitTooLong(wait))
        } else {
            Decision::RetryAfter(wait)
        }
    }

    /// `wait` as actually slept.
    pub fn scaled(&self, wait: Duration) -> Duration {
        wait.mul_f64(self.time_scale.max(0.0))
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        self.base_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    fn rate_limit_wait(&self, attempt: u32, headers: &RateLimitHeaders, now: u64) -> Duration {
        if let Some(secs) = headers.retry_after_secs {
            return Duration::from_secs(secs);
        }
        if headers.remaining == Some(0)
            && let Some(reset) = headers.reset_epoch_secs
        {
            // One second more: the reset time is rounded down to the second.
            return Duration::from_secs(reset.saturating_sub(now) + 1);
        }
        self.min_rate_limit_wait.max(self.backoff(attempt))
    }
}

/// A 429 always is; a 403 only when it says so (headers, or the message of a secondary rate limit). Other
/// 403s — "Resource not accessible by integration" — are final, and waiting minutes for them would only
/// delay the error.
fn is_rate_limited(status: u16, headers: &RateLimitHeaders, body: &str) -> bool {
    match status {
        429 => true,
        403 => {
            headers.retry_after_secs.is_some()
                || headers.remaining == Some(0)
                || body.to_ascii_lowercase().contains("rate limit")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn answered(status: u16, headers: RateLimitHeaders) -> Outcome<'static> {
        Outcome::Answered {
            status,
            headers,
            body: "",
        }
    }

    fn decide(attempt: u32, outcome: Outcome<'_>) -> Decision {
        RetryPolicy::default().decide(attempt, &outcome, NOW)
    }

    #[test]
    fn successes_and_final_errors_are_accepted() {
        for status in [200, 201, 204, 302, 400, 401, 403, 404, 422] {
            assert_eq!(
                decide(1, answered(status, RateLimitHeaders::default())),
                Decision::Accept,
                "{status}"
            );
        }
    }

    #[test]
    fn server_errors_back_off_exponentially_then_give_up() {
        let waits: Vec<Decision> = (1..=5)
            .map(|n| decide(n, answered(502, RateLimitHeaders::default())))
            .collect();
        assert_eq!(
            waits,
            vec![
                Decision::RetryAfter(Duration::from_secs(1)),
                Decision::RetryAfter(Duration::from_secs(2)),
                Decision::RetryAfter(Duration::from_secs(4)),
                Decision::RetryAfter(Duration::from_secs(8)),
                Decision::GiveUp(GiveUp::AttemptsExhausted),
            ]
        );
        assert_eq!(
            decide(2, Outcome::TransportError),
            Decision::RetryAfter(Duration::from_secs(2))
        );
        let capped = RetryPolicy {
            max_attempts: 20,
            ..RetryPolicy::default()
        };
        assert_eq!(
            capped.decide(12, &Outcome::TransportError, NOW),
            Decision::RetryAfter(Duration::from_secs(30))
        );
    }

    #[test]
    fn retry_after_is_honoured_first() {
        let headers = RateLimitHeaders {
            retry_after_secs: Some(7),
            remaining: Some(0),
            reset_epoch_secs: Some(NOW + 500),
        };
        assert_eq!(
            decide(1, answered(429, headers)),
            Decision::RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(
            decide(1, answered(403, headers)),
            Decision::RetryAfter(Duration::from_secs(7))
        );
    }

    #[test]
    fn reset_is_used_when_nothing_remains() {
        let headers = RateLimitHeaders {
            retry_after_secs: None,
            remaining: Some(0),
            reset_epoch_secs: Some(NOW + 30),
        };
        assert_eq!(
            decide(1, answered(403, headers)),
            Decision::RetryAfter(Duration::from_secs(31))
        );
        let past = RateLimitHeaders {
            reset_epoch_secs: Some(NOW - 5),
            ..headers
        };
        assert_eq!(
            decide(1, answered(429, past)),
            Decision::RetryAfter(Duration::from_secs(1))
        );
    }

    #[test]
    fn rate_limits_without_a_hint_wait_at_least_a_minute() {
        assert_eq!(
            decide(1, answered(429, RateLimitHeaders::default())),
            Decision::RetryAfter(Duration::from_secs(60))
        );
        let secondary = Outcome::Answered {
            status: 403,
            headers: RateLimitHeaders::default(),
            body: r#"{"message":"You have exceeded a secondary rate limit."}"#,
        };
        assert_eq!(
            decide(2, secondary),
            Decision::RetryAfter(Duration::from_secs(60))
        );
    }

    #[test]
    fn waits_beyond_the_cap_give_up_at_once() {
        let headers = RateLimitHeaders {
            retry_after_secs: None,
            remaining: Some(0),
            reset_epoch_secs: Some(NOW + 3600),
        };
        assert_eq!(
            decide(1, answered(403, headers)),
            Decision::GiveUp(GiveUp::WaitTooLong(Duration::from_secs(3601)))
        );
    }

    #[test]
    fn headers_are_parsed_and_waits_scaled() {
        let mut map = HeaderMap::new();
        map.insert("retry-after", "12".parse().unwrap());
        map.insert("x-ratelimit-remaining", "0".parse().unwrap());
        map.insert("x-ratelimit-reset", "garbage".parse().unwrap());
        let parsed = RateLimitHeaders::from_headers(&map);
        assert_eq!(
            parsed,
            RateLimitHeaders {
                retry_after_secs: Some(12),
                remaining: Some(0),
                reset_epoch_secs: None
            }
        );
        let fast = RetryPolicy {
            time_scale: 0.001,
            ..RetryPolicy::default()
        };
        assert_eq!(
            fast.scaled(Duration::from_secs(60)),
            Duration::from_millis(60)
        );
    }
}
