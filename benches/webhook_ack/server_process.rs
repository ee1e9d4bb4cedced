//! The server under test: the release `ato serve` binary as a child process, with a temporary data directory
//! and a GitHub that accepts connections and never answers.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long `ato serve` may take to answer `/healthz` (it connects to Docker and sweeps leftovers first).
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

impl ServerProcess {
    /// Starts `binary serve` on a free loopback port, its database in `data_dir`, its log in `log`.
    pub fn start(
        binary: &Path,
        data_dir: &Path,
        log: &Path,
        secret: &str,
        github: SocketAddr,
    ) -> Result<ServerProcess, String> {
        let addr = free_loopback_port()?;
        let key = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/test-only-github-app-key.pem");
        let log_file = std::fs::File::create(log).map_err(|e| format!("server log: {e}"))?;
        let mut command = Command::new(binary);
        command
            .arg("serve")
            // Only what the server needs: no token, key or model setting of the caller's shell leaks in.
            .env_clear()
            .envs(std::env::vars().filter(|(name, _)| {
                matches!(name.as_str(), "PATH" | "HOME" | "DOCKER_HOST" | "TMPDIR")
            }))
            .env("GITHUB_APP_ID", "1")
            .env("GITHUB_PRIVATE_KEY_PATH", &key)
            .env("GITHUB_WEBHOOK_SECRET", secret)
            .env("GITHUB_API_URL", format!("http://{github}"))
            .env("ATO_PUBLIC_URL", "http://127.0.0.1")
            .env("ATO_DATA_DIR", data_dir)
            .env("ATO_BIND", addr.to_string())
            .stdin(Stdio::null())
            .stdout(
                log_file
                    .try_clone()
                    .map_err(|e| format!("server log: {e}"))?,
            )
            .stderr(log_file);
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut server = ServerProcess {
            child,
            addr,
            log: log.to_path_buf(),
        };
        server.wait_until_healthy()?;
        Ok(server)
    }

    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// Kills the server with SIGKILL — no graceful shutdown — so what is in the database afterwards is what a
    /// crash would have left.
    pub fn kill(mut self) -> Result<(), String> {
        self.child
            .kill()
            .map_err(|e| format!("kill the server: {e}"))?;
        self.child
            .wait()
            .map_err(|e| format!("reap the server: {e}"))?;
        Ok(())
    }

    /// The last lines of the server's log, for an error message.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    fn wait_until_healthy(&mut self) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("ato serve exited ({status}):\n{}", self.log_tail()));
            }
            if healthz(self.addr) {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                let _ = self.child.kill();
                return Err(format!(
                    "ato serve did not answer /healthz within {START_TIMEOUT:?}:\n{}",
                    self.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain blocking `GET /healthz`; true on `200`.
fn healthz(addr: SocketAddr) -> bool {
    use std::io::Write;
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

fn free_loopback_port() -> Result<SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind loopback: {e}"))?;
    listener
        .local_addr()
        .map_err(|e| format!("local address: {e}"))
}

/// A "GitHub" that accepts every connection and never answers, so each worker that claims a job waits on its
/// first API call (for the client's request timeout) instead of failing the job at once and claiming the next:
/// the workers stay occupied, as they are during real runs, rather than racing the webhook for the database.
/// Nothing reaches the real GitHub. The thread and its sockets live until the bench exits.
pub fn start_silent_github() -> Result<SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind loopback: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("local address: {e}"))?;
    std::thread::Builder::new()
        .name("silent-github".into())
        .spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                held.push(stream);
            }
        })
        .map_err(|e| format!("start the silent GitHub: {e}"))?;
    Ok(addr)
}
