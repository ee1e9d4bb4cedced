//! What a caller asks the sandbox to run, and what it gets back.

use std::time::Duration;

use super::mounts::{Network, RESULTS_DIR, VolumeMount, WORKSPACE_DIR, validate_mount};
use super::{Limits, SandboxError};

/// The numeric user a job runs as. Numeric, so no `/etc/passwd` of the image is trusted to resolve it, and
/// never root: a job that needs root is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct User {
    pub uid: u32,
    pub gid: u32,
}

impl User {
    /// `nobody:nogroup`, the default.
    pub const NOBODY: User = User {
        uid: 65534,
        gid: 65534,
    };

    /// Docker's `uid:gid` form.
    pub fn docker_spec(self) -> String {
        format!("{}:{}", self.uid, self.gid)
    }
}

impl Default for User {
    fn default() -> Self {
        User::NOBODY
    }
}

/// One hostile job: an image, a command, files in, files out.
#[derive(Debug, Clone)]
pub struct Job {
    /// The run this job belongs to; the value of the `ato` label on everything the job creates.
    pub run_id: String,
    /// The image to run (must already exist: nothing is pulled).
    pub image: String,
    /// The argv to run in `/work`; `None` runs the image's own entrypoint and command.
    pub command: Option<Vec<String>>,
    /// The whole environment of the job besides the image's own `ENV` (nothing of the host's is added),
    /// plus `HOME=/tmp` unless given here.
    pub env: Vec<(String, String)>,
    /// A tar unpacked into `/work` before the job starts. Its entries are given to [`Job::user`].
    pub workspace_tar: Vec<u8>,
    /// The directory downloaded as a tar after the job ends, normally [`RESULTS_DIR`].
    pub results_dir: String,
    /// The user the job runs as.
    pub user: User,
    pub limits: Limits,
    /// Named volumes to mount; none by default.
    pub volumes: Vec<VolumeMount>,
    /// [`Network::None`] by default.
    pub network: Network,
}

impl Job {
    /// A job with the defaults: the image's command, no environment, results from [`RESULTS_DIR`], user
    /// nobody, the given limits.
    pub fn new(
        run_id: impl Into<String>,
        image: impl Into<String>,
        workspace_tar: Vec<u8>,
        limits: Limits,
    ) -> Job {
        Job {
            run_id: run_id.into(),
            image: image.into(),
            command: None,
            env: Vec::new(),
            workspace_tar,
            results_dir: RESULTS_DIR.to_string(),
            user: User::NOBODY,
            limits,
            volumes: Vec::new(),
            network: Network::None,
        }
    }

    /// Checks what Docker would otherwise reject late or, worse, accept: a bad label value, root, an empty
    /// command, an environment entry that would smuggle in a second variable.
    pub fn validate(&self) -> Result<(), SandboxError> {
        let invalid = |why: String| Err(SandboxError::InvalidJob(why));
        if self.run_id.is_empty()
            || self.run_id.len() > 128
            || self.run_id.chars().any(char::is_control)
        {
            return invalid("the run id must be 1 to 128 printable characters".into());
        }
        if self.image.trim().is_empty() {
            return invalid("no image given".into());
        }
        if self.user.uid == 0 || self.user.gid == 0 {
            return invalid("jobs never run as root (uid or gid 0)".into());
        }
        if let Some(command) = &self.command {
            if command.is_empty() || command[0].is_empty() {
                return invalid("the command is empty".into());
            }
            if command.iter().any(|arg| arg.contains('\0')) {
                return invalid("the command contains a NUL byte".into());
            }
        }
        for (name, value) in &self.env {
            let name_ok = !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit();
            if !name_ok {
                return invalid(format!(
                    "environment variable name {name:?} is not a plain identifier"
                ));
            }
            if value.contains('\0') {
                return invalid(format!("environment variable {name} contains a NUL byte"));
            }
        }
        if !self.results_dir.starts_with(WORKSPACE_DIR)
            || self.results_dir.split('/').any(|part| part == "..")
        {
            return invalid(format!(
                "the results directory must be inside {WORKSPACE_DIR}"
            ));
        }
        for (index, mount) in self.volumes.iter().enumerate() {
            validate_mount(mount).or_else(invalid)?;
            if self.volumes[..index].iter().any(|other| {
                other.target.trim_end_matches('/') == mount.target.trim_end_matches('/')
            }) {
                return invalid(format!("two volumes are mounted at {}", mount.target));
            }
        }
        let size = self.workspace_tar.len() as u64;
        if size > self.limits.workspace_bytes {
            return Err(SandboxError::WorkspaceTooLarge {
                size,
                limit: self.limits.workspace_bytes,
            });
        }
        Ok(())
    }

    /// The container's environment: the job's, then `HOME=/tmp` unless the job set `HOME`.
    pub fn container_env(&self) -> Vec<String> {
        let mut env: Vec<String> = self
            .env
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        if !self.env.iter().any(|(name, _)| name == "HOME") {
            env.push("HOME=/tmp".to_string());
        }
        env
    }
}

/// How the job ended. Each is reported differently, so they are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The job's process exited by itself (a signal shows as 128 + its number).
    Exited { code: i64 },
    /// The wall-clock limit passed and the container was killed.
    TimedOut,
    /// The kernel's OOM killer ended the job: the memory limit was reached.
    OutOfMemory,
}

/// What a finished job left behind.
#[derive(Debug, Clone)]
pub struct Finished {
    pub outcome: Outcome,
    /// The job's stdout, lossily decoded and cut to [`Limits::output_bytes`].
    pub stdout: String,
    /// The job's stderr, likewise.
    pub stderr: String,
    /// True when stdout or stderr was longer than what is kept.
    pub output_truncated: bool,
    /// The results directory as a tar (its entries start with the directory's last component, e.g. `out/`),
    /// or `None` when the job left no such directory or it was over [`Limits::results_bytes`]. The tar is
    /// hostile: unpack it only with the safe unpacker.
    pub results_tar: Option<Vec<u8>>,
    /// True when the results were dropped for being over [`Limits::results_bytes`].
    pub results_too_large: bool,
    /// Wall-clock time from the job's start to its end.
    pub duration: Duration,
}

/// Exit code of a process ended by SIGKILL, which is how the OOM killer ends one.
pub(crate) const SIGKILL_EXIT: i64 = 128 + 9;

/// Decides the outcome from what was observed. An OOM kill wins over the exit code only when the job really
/// died of SIGKILL (the job may survive the OOM kill of a child); a timeout wins over both, since the kill
/// that ended the job was ours.
pub fn classify(timed_out: bool, exit_code: Option<i64>, oom_killed: bool) -> Outcome {
    match (timed_out, exit_code) {
        (true, _) => Outcome::TimedOut,
        (false, Some(SIGKILL_EXIT) | None) if oom_killed => Outcome::OutOfMemory,
        (false, Some(code)) => Outcome::Exited { code },
        // Neither an exit code nor an OOM kill: the container died under the job (it was killed from
        // outside); report it as killed.
        (false, None) => Outcome::Exited { code: SIGKILL_EXIT },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job::new("run-1", "image:tag", Vec::new(), Limits::default())
    }

    #[test]
    fn a_plain_job_is_valid() {
        job().validate().unwrap();
    }

    #[test]
    fn root_is_refused() {
        let mut job = job();
        job.user = User { uid: 0, gid: 65534 };
        assert!(job.validate().unwrap_err().to_string().contains("root"));
    }

    #[test]
    fn bad_environment_names_are_refused() {
        for name in ["", "A=B", "1X", "A B", "A\nB"] {
            let mut job = job();
            job.env = vec![(name.to_string(), "v".to_string())];
            assert!(job.validate().is_err(), "{name:?} accepted");
        }
        let mut job = job();
        job.env = vec![("A".into(), "x\0y".into())];
        assert!(job.validate().is_err());
    }

    #[test]
    fn empty_command_and_bad_run_id_are_refused() {
        let mut bad = job();
        bad.command = Some(vec![]);
        assert!(bad.validate().is_err());
        let mut bad = job();
        bad.run_id = "a\nb".into();
        assert!(bad.validate().is_err());
        let mut bad = job();
        bad.results_dir = "/etc".into();
        assert!(bad.validate().is_err());
        let mut bad = job();
        bad.results_dir = "/work/../etc".into();
        assert!(bad.validate().is_err());
    }

    #[test]
    fn an_oversized_workspace_is_refused() {
        let mut bad = job();
        bad.limits.workspace_bytes = 10;
        bad.workspace_tar = vec![0; 11];
        assert!(matches!(
            bad.validate(),
            Err(SandboxError::WorkspaceTooLarge {
                size: 11,
                limit: 10
            })
        ));
    }

    #[test]
    fn home_is_tmp_unless_given() {
        let mut job = job();
        job.env = vec![("A".into(), "1".into())];
        assert_eq!(job.container_env(), vec!["A=1", "HOME=/tmp"]);
        job.env.push(("HOME".into(), "/work".into()));
        assert_eq!(job.container_env(), vec!["A=1", "HOME=/work"]);
    }

    #[test]
    fn outcomes_are_told_apart() {
        assert_eq!(classify(false, Some(0), false), Outcome::Exited { code: 0 });
        assert_eq!(classify(false, Some(3), true), Outcome::Exited { code: 3 });
        assert_eq!(classify(false, Some(137), true), Outcome::OutOfMemory);
        assert_eq!(
            classify(false, Some(137), false),
            Outcome::Exited { code: 137 }
        );
        assert_eq!(classify(false, None, true), Outcome::OutOfMemory);
        assert_eq!(classify(true, Some(137), true), Outcome::TimedOut);
        assert_eq!(classify(true, None, false), Outcome::TimedOut);
        assert_eq!(classify(false, None, false), Outcome::Exited { code: 137 });
    }
}
