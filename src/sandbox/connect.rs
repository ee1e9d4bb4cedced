//! Opening a connection to the [`Engine`]: the certificate files are checked first (a missing or unreadable
//! one is named), then the engine must answer the version negotiation within [`CONNECT_TIMEOUT`]; a failure
//! names the engine and says whether it could not be reached or refused this client.

use std::error::Error as _;
use std::time::Duration;

use bollard::{API_DEFAULT_VERSION, Docker};

use super::SandboxError;
use super::engine::{Engine, Transport};

/// How long a connection waits for the engine's first answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// bollard's request timeout (seconds): long requests (image imports, waits) set their own.
const REQUEST_TIMEOUT_SECS: u64 = 120;

/// Opens a connection and checks that the engine answers, agreeing on the API version (this machine's 20.10
/// speaks 1.41).
pub(crate) async fn connect_docker(engine: &Engine) -> Result<Docker, SandboxError> {
    let docker = open(engine)?;
    match tokio::time::timeout(CONNECT_TIMEOUT, docker.negotiate_version()).await {
        Ok(Ok(docker)) => Ok(docker),
        Ok(Err(error)) => Err(failure(engine, &chain(&error))),
        Err(_) => Err(SandboxError::Unreachable {
            detail: format!(
                "{}: no answer within {CONNECT_TIMEOUT:?}",
                engine.describe()
            ),
        }),
    }
}

fn open(engine: &Engine) -> Result<Docker, SandboxError> {
    let unreachable = |detail: String| SandboxError::Unreachable {
        detail: format!("{}: {detail}", engine.describe()),
    };
    match &engine.transport {
        Transport::Unix => {
            Docker::connect_with_unix(&engine.host, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
        }
        Transport::Tcp => {
            Docker::connect_with_http(&engine.host, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
        }
        Transport::Tls(files) => {
            for (what, path) in files.each() {
                if let Err(error) = std::fs::File::open(path) {
                    return Err(SandboxError::EngineSettings {
                        problems: vec![format!(
                            "DOCKER_CERT_PATH: {what} {} cannot be read ({error}); it names the folder holding \
                             ca.pem, cert.pem and key.pem for {}",
                            path.display(),
                            engine.describe()
                        )],
                    });
                }
            }
            // rustls needs one process-wide provider; reqwest and octocrab bring it in with ring too.
            let _ = rustls::crypto::ring::default_provider().install_default();
            Docker::connect_with_ssl(
                &engine.host,
                &files.key,
                &files.cert,
                &files.ca,
                REQUEST_TIMEOUT_SECS,
                API_DEFAULT_VERSION,
            )
        }
        Transport::Ssh => {
            Docker::connect_with_ssh(&engine.host, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION, None)
        }
    }
    .map_err(|error| unreachable(chain(&error)))
}

/// An error and its sources, on one line.
fn chain(error: &bollard::errors::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let more = inner.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = inner.source();
    }
    text
}

/// What a failed first request means: the engine refused this client (TLS: the certificates do not match;
/// SSH: authentication), or it could not be reached at all.
pub(crate) fn failure(engine: &Engine, detail: &str) -> SandboxError {
    let lower = detail.to_ascii_lowercase();
    let refused = match engine.transport {
        Transport::Tls(_) => [
            "certificate",
            "alert",
            "handshake",
            "unknownissuer",
            "badsignature",
            "tls",
        ]
        .iter()
        .any(|word| lower.contains(word)),
        Transport::Ssh => ["permission denied", "host key", "authentication"]
            .iter()
            .any(|word| lower.contains(word)),
        _ => lower.contains("permission denied"),
    };
    if !refused {
        return SandboxError::Unreachable {
            detail: format!("{}: {detail}", engine.describe()),
        };
    }
    let hint = match engine.transport {
        Transport::Tls(_) => {
            "check that DOCKER_CERT_PATH's ca.pem signed the engine's certificate and that cert.pem and \
             key.pem are a client certificate the engine trusts (its --tlscacert)"
        }
        Transport::Ssh => "check the ssh user, key and known_hosts for that host",
        _ => "this user may not use the engine's socket (the docker group)",
    };
    SandboxError::EngineRefused {
        engine: engine.describe(),
        detail: format!("{detail}; {hint}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::engine::TlsFiles;

    fn tls() -> Engine {
        Engine {
            host: "tcp://127.0.0.1:2376".into(),
            transport: Transport::Tls(TlsFiles {
                ca: "/c/ca.pem".into(),
                cert: "/c/cert.pem".into(),
                key: "/c/key.pem".into(),
            }),
            runtime: None,
        }
    }

    #[test]
    fn a_tls_alert_is_a_refusal_that_says_what_to_check() {
        let e = failure(
            &tls(),
            "error trying to connect: received fatal alert: CertificateRequired",
        );
        let text = e.to_string();
        assert!(matches!(e, SandboxError::EngineRefused { .. }), "{text}");
        assert!(text.contains("tcp://127.0.0.1:2376 (TLS)"), "{text}");
        assert!(text.contains("cert.pem"), "{text}");
    }

    #[test]
    fn a_closed_port_is_unreachable() {
        let e = failure(
            &tls(),
            "error trying to connect: tcp connect error: Connection refused (os error 111)",
        );
        assert!(matches!(e, SandboxError::Unreachable { .. }), "{e}");
        assert!(e.to_string().contains("tcp://127.0.0.1:2376"), "{e}");
    }

    #[tokio::test]
    async fn a_missing_certificate_file_is_named_before_connecting() {
        let error = connect_docker(&tls()).await.unwrap_err().to_string();
        assert!(error.contains("/c/ca.pem cannot be read"), "{error}");
        assert!(error.contains("DOCKER_CERT_PATH"), "{error}");
    }
}
