//! The real `ato serve` binary as a child process on 127.0.0.1, pointed at the fake GitHub, with its log kept
//! in a file (shown when a wait fails), and bounded waits on whatever the test watches.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fake_github::{APP_ID, FakeGithub, app_private_key};

/// How long any single wait may take before the test fails (a run takes ~15 s on an idle machine).
pub const DEADLINE: Duration = Duration::from_secs(180);

/// The webhook secret the server is started with.
pub const SECRET: &str = "e2e webhook secret";

pub struct AtoServer {
    child: Child,
    pub url: String,
    pub data_dir: PathBuf,
    log: PathBuf,
    env: Vec<(String, String)>,
}

impl AtoServer {
    /// Starts `ato serve` with its data in `root/data`, runner containers killed after `runner_timeout_secs`,
    /// and waits until `/healthz` answers.
    pub async fn start(fake: &FakeGithub, root: &Path, runner_timeout_secs: u64) -> AtoServer {
        AtoServer::start_with_app(fake, root, runner_timeout_secs, true).await
    }

    /// Like [`AtoServer::start`], with no app credentials at all: the server starts in set-up mode.
    pub async fn start_unconfigured(fake: &FakeGithub, root: &Path) -> AtoServer {
        AtoServer::start_with_app(fake, root, 120, false).await
    }

    async fn start_with_app(
        fake: &FakeGithub,
        root: &Path,
        runner_timeout_secs: u64,
        with_app: bool,
    ) -> AtoServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("a free port")
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}");
        let data_dir = root.join("data");
        let mut env = vec![
            ("GITHUB_API_URL", fake.api_url.clone()),
            ("ATO_BIND", format!("127.0.0.1:{port}")),
            ("ATO_PUBLIC_URL", url.clone()),
            ("ATO_DATA_DIR", data_dir.display().to_string()),
            ("RUNNER_TIMEOUT_SECS", runner_timeout_secs.to_string()),
            ("RUST_LOG", "info".to_string()),
        ];
        if with_app {
            env.extend([
                ("GITHUB_APP_ID", APP_ID.to_string()),
                ("GITHUB_PRIVATE_KEY", app_private_key()),
                ("GITHUB_WEBHOOK_SECRET", SECRET.to_string()),
            ]);
        }
        let mut server = AtoServer {
            child: spawn(&root.join("serve.log"), &env),
            url,
            data_dir,
            log: root.join("serve.log"),
            env: env.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        };
        server.wait_healthy().await;
        server
    }

    /// Kills the process with SIGKILL (no clean shutdown) and waits for it to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let status = self.child.wait().expect("wait for ato serve");
        assert!(!status.success(), "ato serve was killed, not stopped");
    }

    /// Starts the binary again with the same settings and data directory.
    pub async fn restart(&mut self) {
        let env: Vec<(&str, String)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        self.child = spawn(&self.log, &env);
        self.wait_healthy().await;
    }

    /// Everything the server wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// No installation token, webhook secret or private key in the server's log.
    pub fn assert_log_has_no_secrets(&self) {
        let log = self.log();
        assert!(
            log.contains("webhook recorded"),
            "the log is written: {log}"
        );
        for secret in ["ghs_", SECRET, "PRIVATE KEY"] {
            assert!(!log.contains(secret), "{secret} is in the log:\n{log}");
        }
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = reqwest::get(format!("{}{path}", self.url))
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}\n--- ato serve log ---\n{}", self.log()));
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    async fn wait_healthy(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                panic!("ato serve exited ({status}) at start-up:\n{}", self.log());
            }
            if let Ok(response) = reqwest::get(format!("{}/healthz", self.url)).await
                && response.status().as_u16() == 200
            {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "ato serve did not answer /healthz within 60 s:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls `/metrics` until it holds every line of `lines` (job states are written after GitHub is told).
    pub async fn wait_metrics(&self, lines: &[&str]) -> String {
        let started = Instant::now();
        loop {
            let (status, text) = self.get("/metrics").await;
            assert_eq!(status, 200, "/metrics answers: {text}");
            if lines.iter().all(|line| text.lines().any(|l| l == *line)) {
                return text;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "/metrics never showed {lines:?}:\n{text}\n--- ato serve log ---\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Polls `probe` every 200 ms until it returns `Some`, failing after [`DEADLINE`] with `what` and the log.
    pub async fn wait_for<T>(&self, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let started = Instant::now();
        loop {
            if let Some(value) = probe() {
                return value;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "timed out after {DEADLINE:?} waiting for {what}\n--- ato serve log ---\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for AtoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(log: &Path, env: &[(&str, String)]) -> Child {
    let log = File::options()
        .create(true)
        .append(true)
        .open(log)
        .expect("the server log file");
    let mut command = Command::new(env!("CARGO_BIN_EXE_ato"));
    command
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log);
    // Settings of the developer's shell must not change what is tested.
    for var in [
        "GITHUB_APP_ID",
        "GITHUB_PRIVATE_KEY",
        "GITHUB_WEBHOOK_SECRET",
        "GITHUB_PRIVATE_KEY_PATH",
        "RUNNER_RUNTIME",
        "ATO_WORKERS",
        "ATO_RUN_DRAFTS",
        "LLM_BASE_URL",
        "LLM_MODEL",
        "OPENAI_API_BASE",
        "OPENAI_MODEL",
    ] {
        command.env_remove(var);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.spawn().expect("ato serve starts")
}
