//! Engines other than the local socket: the runner containers through a real TLS connection with client
//! certificates (this machine's engine behind `stunnel`, see `support::tls_engine`), a client certificate the
//! engine does not trust refused with a message naming the engine, and `RUNNER_RUNTIME`: used when the engine
//! offers it, refused at connect time when it does not.

use std::collections::HashMap;

use ato::sandbox::{Engine, Outcome, Sandbox, SandboxError};

use crate::support::docker::require_docker;
use crate::support::sandbox::{run_clean, sh_job, tar_files, unique_run_id, workspace};
use crate::support::tls_engine::TlsEngine;

fn engine(vars: &[(&str, &str)]) -> Engine {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Engine::from_vars(|name| map.get(name).cloned()).expect("valid engine settings")
}

/// The local engine as the test process is configured (`DOCKER_HOST` or the socket), with `runtime`.
fn local_with_runtime(runtime: &str) -> Engine {
    let mut local = Engine::from_env().expect("the test's own Docker settings are valid");
    local.runtime = Some(runtime.to_string());
    local
}

#[tokio::test]
async fn runner_containers_run_through_a_tls_engine_with_client_certificates() {
    require_docker();
    let proxy = TlsEngine::start();
    let certs = proxy.good_certs.display().to_string();
    let tls = engine(&[
        ("DOCKER_HOST", &proxy.host()),
        ("DOCKER_TLS_VERIFY", "1"),
        ("DOCKER_CERT_PATH", &certs),
    ]);
    let sandbox = Sandbox::connect_to(tls)
        .await
        .unwrap_or_else(|e| panic!("connect over TLS: {e}\nproxy log:\n{}", proxy.log()));
    let mut job = sh_job(
        &unique_run_id("tls"),
        "cat head/in.txt; mkdir -p out; echo done > out/result.txt",
    );
    job.workspace_tar = workspace(&[("head/in.txt", "through TLS\n")]);
    let finished = run_clean(&sandbox, job).await.unwrap();
    assert_eq!(
        finished.outcome,
        Outcome::Exited { code: 0 },
        "{}",
        finished.stderr
    );
    assert_eq!(finished.stdout, "through TLS\n");
    let results = finished.results_tar.expect("results came back over TLS");
    assert_eq!(
        tar_files(&results)
            .get("out/result.txt")
            .map(String::as_str),
        Some("done\n")
    );
    let log = proxy.log();
    assert!(
        log.matches("accepted connection").count() >= 3,
        "the job's requests went through the TLS proxy:\n{log}"
    );
}

#[tokio::test]
async fn a_client_certificate_the_engine_does_not_trust_is_refused_clearly() {
    require_docker();
    let proxy = TlsEngine::start();
    let certs = proxy.wrong_certs.display().to_string();
    let tls = engine(&[
        ("DOCKER_HOST", &proxy.host()),
        ("DOCKER_TLS_VERIFY", "1"),
        ("DOCKER_CERT_PATH", &certs),
    ]);
    let error = Sandbox::connect_to(tls).await.unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, SandboxError::EngineRefused { .. }),
        "{message}\nproxy log:\n{}",
        proxy.log()
    );
    assert!(
        message.starts_with(&format!(
            "the Docker engine at {} (TLS) refused this client",
            proxy.host()
        )),
        "{message}"
    );
    assert!(
        message.contains("cert.pem"),
        "says what to check: {message}"
    );
}

#[tokio::test]
async fn a_tls_engine_without_certificates_names_the_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().display().to_string();
    let tls = engine(&[
        ("DOCKER_HOST", "tcp://127.0.0.1:9"),
        ("DOCKER_TLS_VERIFY", "1"),
        ("DOCKER_CERT_PATH", &certs),
    ]);
    let message = Sandbox::connect_to(tls).await.unwrap_err().to_string();
    assert!(
        message.contains(&format!("{certs}/ca.pem cannot be read")),
        "{message}"
    );
}

#[tokio::test]
async fn a_runtime_the_engine_does_not_offer_stops_the_connection() {
    require_docker();
    let error = Sandbox::connect_to(local_with_runtime("ato-no-such-runtime"))
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, SandboxError::RuntimeMissing(_)),
        "{message}"
    );
    assert!(
        message.starts_with("RUNNER_RUNTIME=ato-no-such-runtime: the Docker engine at "),
        "{message}"
    );
    assert!(
        message.contains("runc"),
        "lists what the engine offers: {message}"
    );
    let sandbox = Sandbox::connect_to(local_with_runtime("runc"))
        .await
        .unwrap();
    assert_eq!(sandbox.runtime(), Some("runc"), "runc is always offered");
}

/// gVisor end to end: a job under `runsc` sees gVisor's kernel. Needs an engine with the runtime `runsc`
/// (Debian package `runsc`, registered in the engine's daemon.json); without it the test says why it did
/// not run, and the refusal is what the test above checks.
#[tokio::test]
async fn runner_containers_run_under_gvisor_when_the_engine_offers_it() {
    require_docker();
    match Sandbox::connect_to(local_with_runtime("runsc")).await {
        Err(SandboxError::RuntimeMissing(why)) => {
            eprintln!(
                "SKIPPED runner_containers_run_under_gvisor_when_the_engine_offers_it: this machine's \
                 Docker engine has no runsc runtime, so gVisor cannot be shown here ({why})"
            );
        }
        Err(other) => panic!("connecting with RUNNER_RUNTIME=runsc: {other}"),
        Ok(sandbox) => {
            let finished = run_clean(
                &sandbox,
                sh_job(&unique_run_id("runsc"), "dmesg | head -n 1"),
            )
            .await
            .unwrap();
            assert_eq!(
                finished.outcome,
                Outcome::Exited { code: 0 },
                "{}",
                finished.stderr
            );
            assert!(
                finished.stdout.contains("gVisor"),
                "gVisor's kernel log: {}",
                finished.stdout
            );
        }
    }
}

#[tokio::test]
async fn an_ssh_engine_that_cannot_be_reached_is_named_in_the_error() {
    let ssh = engine(&[("DOCKER_HOST", "ssh://nobody@ato-no-such-host.invalid")]);
    let error = Sandbox::connect_to(ssh).await.unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(
            error,
            SandboxError::Unreachable { .. } | SandboxError::EngineRefused { .. }
        ),
        "{message}"
    );
    assert!(
        message.contains("ssh://nobody@ato-no-such-host.invalid"),
        "{message}"
    );
}
