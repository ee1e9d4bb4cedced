//! The resource limits of one sandboxed job, and the pure parsing of the `RUNNER_*` settings.
//!
//! Parsing is kept apart from reading the environment so every malformed value can be unit-tested; a bad
//! value is an error naming the variable, never a panic and never a silent fallback to the default.

use std::time::Duration;

use super::SandboxError;

/// Environment variable: CPUs a runner container may use (a decimal, e.g. `1.5`).
pub const CPU_LIMIT_VAR: &str = "RUNNER_CPU_LIMIT";
/// Environment variable: memory a runner container may use, bytes with an optional `k`/`m`/`g` suffix.
pub const MEM_LIMIT_VAR: &str = "RUNNER_MEM_LIMIT";
/// Environment variable: wall-clock seconds after which a runner container is killed.
pub const TIMEOUT_VAR: &str = "RUNNER_TIMEOUT_SECS";

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// Docker refuses a memory limit below 6 MiB; saying so here gives a clearer error than the daemon's.
const MIN_MEMORY_BYTES: u64 = 6 * MIB;
/// Docker's smallest CPU quota is a hundredth of a CPU.
const MIN_CPUS: f64 = 0.01;

/// Everything one container may consume. The first three come from the environment; each field says its default.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// CPUs (`nano_cpus` = cpus × 10⁹). `RUNNER_CPU_LIMIT`, default 1.0.
    pub cpus: f64,
    /// Memory in bytes, also the memory+swap limit so the container cannot swap. Includes `/tmp` and the
    /// workspace, which are tmpfs. `RUNNER_MEM_LIMIT`, default 2 GiB.
    pub memory_bytes: u64,
    /// Wall-clock time the job may run before the container is killed. `RUNNER_TIMEOUT_SECS`, default 600.
    pub timeout: Duration,
    /// Processes and threads in the container: a fork bomb stops here.
    pub pids: i64,
    /// Open files per process (soft and hard `nofile`).
    pub nofile: i64,
    /// Size of the `/work` tmpfs volume (the uploaded workspace plus what the job writes there).
    pub workspace_bytes: u64,
    /// Size of the `/tmp` tmpfs.
    pub tmp_bytes: u64,
    /// Bytes of stdout and of stderr kept in memory, each; the rest is read and dropped.
    pub output_bytes: usize,
    /// Largest tar of the results directory accepted back from the container.
    pub results_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cpus: 1.0,
            memory_bytes: 2 * GIB,
            timeout: Duration::from_secs(600),
            pids: 256,
            nofile: 1024,
            workspace_bytes: GIB,
            tmp_bytes: 256 * MIB,
            output_bytes: MIB as usize,
            results_bytes: 64 * MIB,
        }
    }
}

impl Limits {
    /// The defaults, with `RUNNER_CPU_LIMIT`, `RUNNER_MEM_LIMIT` and `RUNNER_TIMEOUT_SECS` applied when set.
    pub fn from_env() -> Result<Limits, SandboxError> {
        Limits::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Limits::from_env`] over any lookup, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Limits, SandboxError> {
        let mut limits = Limits::default();
        if let Some(value) = lookup(CPU_LIMIT_VAR) {
            limits.cpus =
                parse_cpus(&value).map_err(|reason| bad(CPU_LIMIT_VAR, &value, reason))?;
        }
        if let Some(value) = lookup(MEM_LIMIT_VAR) {
            limits.memory_bytes =
                parse_memory(&value).map_err(|reason| bad(MEM_LIMIT_VAR, &value, reason))?;
        }
        if let Some(value) = lookup(TIMEOUT_VAR) {
            limits.timeout =
                parse_timeout(&value).map_err(|reason| bad(TIMEOUT_VAR, &value, reason))?;
        }
        Ok(limits)
    }

    /// The CPU limit as Docker's `NanoCpus`.
    pub fn nano_cpus(&self) -> i64 {
        (self.cpus * 1e9).round() as i64
    }
}

fn bad(variable: &'static str, value: &str, reason: String) -> SandboxError {
    SandboxError::BadSetting {
        variable,
        value: value.to_string(),
        reason,
    }
}

/// Parses a CPU count such as `1`, `0.5` or `2.25`.
pub fn parse_cpus(value: &str) -> Result<f64, String> {
    let cpus: f64 = value
        .trim()
        .parse()
        .map_err(|_| "expected a number of CPUs such as 1 or 0.5".to_string())?;
    if !cpus.is_finite() || cpus < MIN_CPUS {
        return Err(format!("expected at least {MIN_CPUS} CPUs"));
    }
    Ok(cpus)
}

/// Parses a byte size: digits with an optional `k`, `m` or `g` suffix (binary units, any case, an optional
/// trailing `b`), as `docker run --memory` accepts. `2g` is 2 GiB.
pub fn parse_memory(value: &str) -> Result<u64, String> {
    let text = value.trim().to_ascii_lowercase();
    let text = text.strip_suffix('b').unwrap_or(&text);
    let (digits, unit) = match text.chars().last() {
        Some('k') => (&text[..text.len() - 1], KIB),
        Some('m') => (&text[..text.len() - 1], MIB),
        Some('g') => (&text[..text.len() - 1], GIB),
        _ => (text, 1),
    };
    let expected =
        || "expected bytes with an optional k, m or g suffix, such as 2g or 512m".to_string();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(expected());
    }
    let bytes = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .filter(|&n| n <= i64::MAX as u64)
        .ok_or_else(|| "the size is too large".to_string())?;
    if bytes < MIN_MEMORY_BYTES {
        return Err("Docker needs at least 6m".to_string());
    }
    Ok(bytes)
}

/// Parses a whole, positive number of seconds.
pub fn parse_timeout(value: &str) -> Result<Duration, String> {
    match value.trim().parse::<u64>() {
        Ok(0) => Err("the timeout must be at least 1 second".to_string()),
        Ok(secs) => Ok(Duration::from_secs(secs)),
        Err(_) => Err("expected a whole number of seconds such as 600".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_suffixes_are_binary_units() {
        assert_eq!(parse_memory("2g"), Ok(2 * GIB));
        assert_eq!(parse_memory("2G"), Ok(2 * GIB));
        assert_eq!(parse_memory("512m"), Ok(512 * MIB));
        assert_eq!(parse_memory("512MB"), Ok(512 * MIB));
        assert_eq!(parse_memory("8192k"), Ok(8 * MIB));
        assert_eq!(parse_memory(" 7340032 "), Ok(7 * MIB));
    }

    #[test]
    fn malformed_memory_is_refused() {
        for value in ["", "g", "2x", "-1g", "1.5g", "2 g", "two", "k2"] {
            assert!(parse_memory(value).is_err(), "{value:?} accepted");
        }
    }

    #[test]
    fn memory_below_docker_minimum_or_overflowing_is_refused() {
        assert!(parse_memory("5m").unwrap_err().contains("6m"));
        assert!(parse_memory("99999999999999999999g").is_err());
        assert!(
            parse_memory("9999999999g")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn cpus_parse_decimals_and_refuse_nonsense() {
        assert_eq!(parse_cpus("1"), Ok(1.0));
        assert_eq!(parse_cpus("0.5"), Ok(0.5));
        for value in ["", "0", "-1", "NaN", "inf", "one", "0.001"] {
            assert!(parse_cpus(value).is_err(), "{value:?} accepted");
        }
    }

    #[test]
    fn timeout_is_whole_positive_seconds() {
        assert_eq!(parse_timeout("600"), Ok(Duration::from_secs(600)));
        for value in ["", "0", "-5", "1.5", "10s"] {
            assert!(parse_timeout(value).is_err(), "{value:?} accepted");
        }
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let limits = Limits::from_lookup(|_| None).unwrap();
        assert_eq!(limits, Limits::default());
        assert_eq!(limits.nano_cpus(), 1_000_000_000);
        assert_eq!(limits.memory_bytes, 2 * GIB);
        assert_eq!(limits.timeout, Duration::from_secs(600));
    }

    #[test]
    fn settings_override_defaults() {
        let limits = Limits::from_lookup(|name| match name {
            CPU_LIMIT_VAR => Some("1.5".into()),
            MEM_LIMIT_VAR => Some("512m".into()),
            TIMEOUT_VAR => Some("30".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(limits.nano_cpus(), 1_500_000_000);
        assert_eq!(limits.memory_bytes, 512 * MIB);
        assert_eq!(limits.timeout, Duration::from_secs(30));
    }

    #[test]
    fn a_malformed_setting_names_its_variable() {
        let err = Limits::from_lookup(|name| (name == MEM_LIMIT_VAR).then(|| "lots".into()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("RUNNER_MEM_LIMIT"), "{err}");
        assert!(err.contains("lots"), "{err}");
        let err = Limits::from_lookup(|name| (name == TIMEOUT_VAR).then(|| "0".into()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("RUNNER_TIMEOUT_SECS"), "{err}");
    }
}
