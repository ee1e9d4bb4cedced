//! Which Docker engine the runner containers go to, and how to reach it, with the Docker CLI's conventions:
//!
//! - `DOCKER_HOST`: `unix:///path` (default `unix:///var/run/docker.sock`), `tcp://host:port` (port 2375, or 2376
//!   with TLS, when left out), `https://host:port` (always TLS) or `ssh://[user@]host` (the local `ssh` client
//!   runs `docker system dial-stdio` on the host, as the Docker CLI does; a port goes in `~/.ssh/config`).
//! - `DOCKER_TLS_VERIFY`: any non-empty value turns TLS on for `tcp://`, verifying the engine's certificate
//!   against `ca.pem` and presenting `cert.pem` / `key.pem` as the client's.
//! - `DOCKER_CERT_PATH`: the folder of those three files (default `~/.docker`).
//! - `RUNNER_RUNTIME`: the OCI runtime of the runner containers (e.g. `runsc`, gVisor); the engine must offer it.
//!
//! [`Engine::from_vars`] is pure; reading the certificate files and connecting are in [`super::connect_docker`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Docker's own default address on Unix.
pub const DEFAULT_DOCKER_HOST: &str = "unix:///var/run/docker.sock";
/// The Docker CLI's ports when `tcp://` names none.
const PLAIN_PORT: u16 = 2375;
const TLS_PORT: u16 = 2376;

/// How the engine is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A local socket: `unix:///var/run/docker.sock`.
    Unix,
    /// Plain HTTP on `tcp://` (only for an engine on a private network: anyone reaching it owns the host).
    Tcp,
    /// TLS with a client certificate.
    Tls(TlsFiles),
    /// The host's own socket through `ssh … docker system dial-stdio`.
    Ssh,
}

/// The three files of `DOCKER_CERT_PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    fn in_dir(dir: &Path) -> TlsFiles {
        TlsFiles {
            ca: dir.join("ca.pem"),
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        }
    }

    /// Each file with the variable it comes from, for the messages.
    pub fn each(&self) -> [(&'static str, &Path); 3] {
        [
            ("the engine's CA", self.ca.as_path()),
            ("the client certificate", self.cert.as_path()),
            ("the client key", self.key.as_path()),
        ]
    }
}

/// A Docker engine to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    /// The address as bollard takes it (`unix://…`, `tcp://host:port`, `https://host:port`, `ssh://…`).
    pub host: String,
    pub transport: Transport,
    /// `RUNNER_RUNTIME`, when set.
    pub runtime: Option<String>,
}

/// A setting of the engine that cannot be used, with what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}={value:?}: {reason}")]
pub struct EngineSettingError {
    pub var: &'static str,
    pub value: String,
    pub reason: String,
}

impl Engine {
    /// The local socket, default runtime.
    pub fn local() -> Engine {
        Engine {
            host: DEFAULT_DOCKER_HOST.to_string(),
            transport: Transport::Unix,
            runtime: None,
        }
    }

    /// Reads the process environment ([`Engine::from_vars`]).
    pub fn from_env() -> Result<Engine, Vec<EngineSettingError>> {
        Engine::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads `DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_TLS`, `DOCKER_CERT_PATH`, `HOME` and `RUNNER_RUNTIME`
    /// through `get`; every problem is returned, not only the first.
    pub fn from_vars(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Engine, Vec<EngineSettingError>> {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut problems = Vec::new();
        let host = get("DOCKER_HOST").unwrap_or_else(|| DEFAULT_DOCKER_HOST.to_string());
        let verify = get("DOCKER_TLS_VERIFY").is_some();
        if get("DOCKER_TLS").is_some() && !verify {
            problems.push(EngineSettingError {
                var: "DOCKER_TLS",
                value: get("DOCKER_TLS").unwrap_or_default(),
                reason: "TLS without verifying the engine's certificate is not supported: set \
                         DOCKER_TLS_VERIFY=1 and put the engine's ca.pem in DOCKER_CERT_PATH"
                    .into(),
            });
        }
        let runtime = match get("RUNNER_RUNTIME") {
            Some(name) if !is_runtime_name(&name) => {
                problems.push(EngineSettingError {
                    var: "RUNNER_RUNTIME",
                    value: name,
                    reason: "not a runtime name (letters, digits, `.`, `_`, `-`), e.g. runsc"
                        .into(),
                });
                None
            }
            other => other,
        };
        let cert_dir = get("DOCKER_CERT_PATH")
            .map(PathBuf::from)
            .or_else(|| get("HOME").map(|home| Path::new(&home).join(".docker")));
        let tls = |problems: &mut Vec<EngineSettingError>| match &cert_dir {
            Some(dir) => Some(Transport::Tls(TlsFiles::in_dir(dir))),
            None => {
                problems.push(EngineSettingError {
                    var: "DOCKER_CERT_PATH",
                    value: String::new(),
                    reason: "TLS needs the folder holding ca.pem, cert.pem and key.pem (and HOME is not set \
                             either, so ~/.docker cannot be used)"
                        .into(),
                });
                None
            }
        };
        let (scheme, rest) = host.split_once("://").unwrap_or(("", host.as_str()));
        let parsed = match scheme {
            "unix" if rest.starts_with('/') => Some((host.clone(), Some(Transport::Unix))),
            "tcp" | "http" if verify => {
                Some((with_port(rest, TLS_PORT, "tcp"), tls(&mut problems)))
            }
            "tcp" | "http" => Some((with_port(rest, PLAIN_PORT, "tcp"), Some(Transport::Tcp))),
            "https" => Some((with_port(rest, TLS_PORT, "https"), tls(&mut problems))),
            "ssh" if rest.rsplit_once('@').map_or(rest, |(_, h)| h).contains(':') => {
                problems.push(EngineSettingError {
                    var: "DOCKER_HOST",
                    value: host.clone(),
                    reason:
                        "a port in an ssh:// address is not supported: give the host a `Port` in \
                             ~/.ssh/config and use ssh://USER@HOST"
                            .into(),
                });
                Some((host.clone(), None))
            }
            "ssh" if !rest.is_empty() && !rest.contains('/') => {
                Some((host.clone(), Some(Transport::Ssh)))
            }
            _ => None,
        };
        let Some((host, transport)) = parsed else {
            problems.push(EngineSettingError {
                var: "DOCKER_HOST",
                value: host,
                reason:
                    "use unix:///var/run/docker.sock, tcp://HOST:2376 with DOCKER_TLS_VERIFY=1 and \
                         DOCKER_CERT_PATH, or ssh://USER@HOST"
                        .into(),
            });
            return Err(problems);
        };
        match transport {
            Some(transport) if problems.is_empty() => Ok(Engine {
                host,
                transport,
                runtime,
            }),
            _ => Err(problems),
        }
    }

    /// A short name of the engine for messages: its address, and how it is reached.
    pub fn describe(&self) -> String {
        match self.transport {
            Transport::Tls(_) => format!("{} (TLS)", self.host),
            _ => self.host.clone(),
        }
    }
}

/// `host[:port][/]` with the default port added when missing, as `scheme://host:port`.
fn with_port(rest: &str, port: u16, scheme: &str) -> String {
    let rest = rest.trim_end_matches('/');
    let has_port = match rest.rsplit_once(':') {
        // `[::1]:2376` has one; `[::1]` does not.
        Some((_, tail)) => !tail.ends_with(']') && tail.parse::<u16>().is_ok(),
        None => false,
    };
    if has_port {
        format!("{scheme}://{rest}")
    } else {
        format!("{scheme}://{rest}:{port}")
    }
}

fn is_runtime_name(name: &str) -> bool {
    name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Whether the engine offers `wanted`: `Ok` when it does, else a message naming the engine, what it offers
/// and what to do.
pub fn check_runtime(
    wanted: &str,
    engine: &str,
    offered: &HashMap<String, impl Sized>,
) -> Result<(), String> {
    if offered.contains_key(wanted) {
        return Ok(());
    }
    let mut names: Vec<&str> = offered.keys().map(String::as_str).collect();
    names.sort_unstable();
    let gvisor = if wanted == "runsc" {
        " (gVisor: install the runsc package on the engine's host and add it under \"runtimes\" in \
         /etc/docker/daemon.json)"
    } else {
        ""
    };
    Err(format!(
        "RUNNER_RUNTIME={wanted}: the Docker engine at {engine} offers no such runtime (it offers: {}); install \
         it there{gvisor} or unset RUNNER_RUNTIME",
        if names.is_empty() {
            "none listed".to_string()
        } else {
            names.join(", ")
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(vars: &[(&str, &str)]) -> Result<Engine, Vec<EngineSettingError>> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Engine::from_vars(|name| map.get(name).cloned())
    }

    fn problem_vars(vars: &[(&str, &str)]) -> Vec<&'static str> {
        engine(vars)
            .unwrap_err()
            .into_iter()
            .map(|p| p.var)
            .collect()
    }

    #[test]
    fn the_local_socket_is_the_default() {
        assert_eq!(engine(&[]).unwrap(), Engine::local());
        let e = engine(&[("DOCKER_HOST", "unix:///run/user/1000/docker.sock")]).unwrap();
        assert_eq!(
            (e.host.as_str(), e.transport),
            ("unix:///run/user/1000/docker.sock", Transport::Unix)
        );
    }

    #[test]
    fn tcp_is_tls_when_docker_tls_verify_is_set_as_the_cli_does() {
        let e = engine(&[
            ("DOCKER_HOST", "tcp://docker.internal:2376"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", "/certs"),
        ])
        .unwrap();
        assert_eq!(e.host, "tcp://docker.internal:2376");
        let Transport::Tls(files) = e.transport else {
            panic!("TLS expected")
        };
        assert_eq!(files.cert, Path::new("/certs/cert.pem"));
        assert_eq!(files.ca, Path::new("/certs/ca.pem"));
        assert_eq!(files.key, Path::new("/certs/key.pem"));
        assert_eq!(
            engine(&[("DOCKER_HOST", "tcp://10.0.0.5")])
                .unwrap()
                .transport,
            Transport::Tcp
        );
    }

    #[test]
    fn missing_ports_get_the_clis_defaults() {
        assert_eq!(
            engine(&[("DOCKER_HOST", "tcp://10.0.0.5")]).unwrap().host,
            "tcp://10.0.0.5:2375"
        );
        let tls = engine(&[("DOCKER_HOST", "https://d.example"), ("HOME", "/home/op")]).unwrap();
        assert_eq!(tls.host, "https://d.example:2376");
        let Transport::Tls(files) = tls.transport else {
            panic!("TLS expected")
        };
        assert_eq!(files.ca, Path::new("/home/op/.docker/ca.pem"));
        assert_eq!(
            engine(&[("DOCKER_HOST", "tcp://[::1]")]).unwrap().host,
            "tcp://[::1]:2375"
        );
        assert_eq!(
            engine(&[("DOCKER_HOST", "tcp://[::1]:99/")]).unwrap().host,
            "tcp://[::1]:99"
        );
    }

    #[test]
    fn ssh_is_taken_as_given_without_a_port() {
        let e = engine(&[("DOCKER_HOST", "ssh://ops@build-box")]).unwrap();
        assert_eq!(
            (e.host.as_str(), e.transport),
            ("ssh://ops@build-box", Transport::Ssh)
        );
        let port = engine(&[("DOCKER_HOST", "ssh://ops@build-box:2222")]).unwrap_err();
        assert!(port[0].to_string().contains("~/.ssh/config"), "{port:?}");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        assert_eq!(
            problem_vars(&[
                ("DOCKER_HOST", "npipe:////./pipe/docker"),
                ("RUNNER_RUNTIME", "run sc")
            ]),
            ["RUNNER_RUNTIME", "DOCKER_HOST"]
        );
        assert_eq!(
            problem_vars(&[("DOCKER_HOST", "https://d:2376")]),
            ["DOCKER_CERT_PATH"]
        );
        assert_eq!(
            problem_vars(&[("DOCKER_HOST", "tcp://d"), ("DOCKER_TLS", "1")]),
            ["DOCKER_TLS"]
        );
        assert_eq!(
            problem_vars(&[("DOCKER_HOST", "unix://relative")]),
            ["DOCKER_HOST"]
        );
        let message = engine(&[("DOCKER_HOST", "ftp://x")]).unwrap_err()[0].to_string();
        assert!(
            message.contains("DOCKER_TLS_VERIFY=1") && message.contains("ssh://"),
            "{message}"
        );
    }

    #[test]
    fn the_runtime_is_read() {
        assert_eq!(
            engine(&[("RUNNER_RUNTIME", "runsc")])
                .unwrap()
                .runtime
                .as_deref(),
            Some("runsc")
        );
        assert_eq!(engine(&[("RUNNER_RUNTIME", " ")]).unwrap().runtime, None);
    }

    #[test]
    fn a_runtime_the_engine_lacks_is_refused_with_what_it_offers() {
        let offered = HashMap::from([
            ("runc".to_string(), ()),
            ("io.containerd.runc.v2".to_string(), ()),
        ]);
        assert!(check_runtime("runc", "unix:///var/run/docker.sock", &offered).is_ok());
        let message = check_runtime("runsc", "unix:///var/run/docker.sock", &offered).unwrap_err();
        assert!(message.contains("RUNNER_RUNTIME=runsc"), "{message}");
        assert!(message.contains("unix:///var/run/docker.sock"), "{message}");
        assert!(message.contains("io.containerd.runc.v2, runc"), "{message}");
        assert!(message.contains("daemon.json"), "{message}");
    }
}
