//! Running one `git` process with a deadline, no shell and a bounded output.
//!
//! Every call goes through [`GitCommand`], so every call gets the same hardening: a clean environment (no inherited
//! `GIT_DIR`/`GIT_INDEX_FILE` from a hook, no prompts, no optional locks on the user's index, literal pathspecs,
//! C locale), a wall-clock deadline after which the process is killed, and a cap on what it may print.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::GitError;

/// Environment variables that would make git look at another repository or index than the one asked for.
const CLEARED_ENV: [&str; 8] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_EXTERNAL_DIFF",
];

/// Longest stderr kept for an error message.
const STDERR_CAP: usize = 16 * 1024;

/// What a finished git process gave back.
#[derive(Debug)]
pub(crate) struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// One git invocation being assembled.
#[derive(Debug)]
pub(crate) struct GitCommand {
    dir: PathBuf,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    timeout: Duration,
    stdout_cap: usize,
}

impl GitCommand {
    pub fn new(dir: &Path, timeout: Duration, stdout_cap: usize) -> Self {
        GitCommand {
            dir: dir.to_path_buf(),
            args: Vec::new(),
            env: Vec::new(),
            timeout,
            stdout_cap,
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// Raises or lowers the cap on what the command may print before it counts as an error.
    pub fn stdout_cap(mut self, cap: usize) -> Self {
        self.stdout_cap = cap;
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.env.push((key.into(), value.as_ref().to_os_string()));
        self
    }

    /// A short description for error messages: `git diff`.
    pub fn describe(&self) -> String {
        let sub = self
            .args
            .iter()
            .map(|a| a.to_string_lossy())
            .find(|a| !a.starts_with('-'))
            .unwrap_or_default();
        format!("git {sub}")
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The process, ready to spawn, with the hardened environment.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new("git");
        cmd.current_dir(&self.dir)
            .args(["-c", "core.quotepath=off", "-c", "core.fsmonitor=false"])
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for key in CLEARED_ENV {
            cmd.env_remove(key);
        }
        cmd.env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_OPTIONAL_LOCKS", "0")
            .env("GIT_LITERAL_PATHSPECS", "1")
            .env("LC_ALL", "C");
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        cmd
    }

    /// Spawns the process; a missing `git` binary is [`GitError::GitMissing`].
    pub fn spawn(&self) -> Result<Child, GitError> {
        self.command().spawn().map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                GitError::GitMissing
            } else {
                GitError::Io {
                    context: format!("starting {}", self.describe()),
                    source,
                }
            }
        })
    }

    /// Runs to the end (or the deadline) and returns whatever the exit status was.
    pub fn finish(&self) -> Result<Finished, GitError> {
        let mut child = self.spawn()?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let cap = self.stdout_cap;
        let out_reader = thread::spawn(move || read_capped(stdout, cap));
        let err_reader = thread::spawn(move || read_capped(stderr, STDERR_CAP));
        let status = wait_with_deadline(&mut child, self.timeout);
        let (stdout, stdout_overflow) = out_reader.join().unwrap_or_default();
        let (stderr, _) = err_reader.join().unwrap_or_default();
        let Some(status) = status? else {
            return Err(GitError::Timeout {
                command: self.describe(),
                secs: self.timeout.as_secs(),
            });
        };
        if stdout_overflow {
            return Err(GitError::OutputTooLarge {
                command: self.describe(),
                limit: self.stdout_cap,
            });
        }
        Ok(Finished {
            status,
            stdout,
            stderr: String::from_utf8_lossy(&stderr).trim().to_string(),
        })
    }

    /// Runs and requires success; returns stdout.
    pub fn run(&self) -> Result<Vec<u8>, GitError> {
        let finished = self.finish()?;
        if finished.status.success() {
            Ok(finished.stdout)
        } else {
            Err(self.failed(&finished))
        }
    }

    /// Runs and requires success; returns stdout as trimmed text.
    pub fn run_text(&self) -> Result<String, GitError> {
        let out = self.run()?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    pub fn failed(&self, finished: &Finished) -> GitError {
        GitError::Failed {
            command: self.describe(),
            status: finished.status.code().unwrap_or(-1),
            stderr: finished.stderr.clone(),
        }
    }
}

/// Reads a stream to its end, keeping at most `cap` bytes; the flag says whether more was dropped.
/// Keeps draining past the cap so the child never blocks on a full pipe.
fn read_capped(mut stream: impl Read, cap: usize) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut overflow = false;
    let mut buf = [0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = cap.saturating_sub(kept.len());
                if n > room {
                    overflow = true;
                }
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
    (kept, overflow)
}

/// Waits for the child until the deadline; kills it and returns `None` when the deadline passes.
pub(crate) fn wait_with_deadline(
    child: &mut Child,
    timeout: Duration,
) -> Result<Option<ExitStatus>, GitError> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(Some(status)),
            Ok(None) => {}
            Err(source) => {
                return Err(GitError::Io {
                    context: "waiting for git".into(),
                    source,
                });
            }
        }
        let now = Instant::now();
        if now >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_past_the_cap_is_dropped_and_flagged() {
        let data = vec![7u8; 200_000];
        let (kept, overflow) = read_capped(data.as_slice(), 1000);
        assert_eq!(kept.len(), 1000);
        assert!(overflow);
        let (kept, overflow) = read_capped(&b"short"[..], 1000);
        assert_eq!(kept, b"short");
        assert!(!overflow);
    }

    #[test]
    fn describe_names_the_subcommand() {
        let cmd = GitCommand::new(Path::new("."), Duration::from_secs(1), 10).args([
            "--no-pager",
            "rev-parse",
            "--verify",
        ]);
        assert_eq!(cmd.describe(), "git rev-parse");
    }
}
