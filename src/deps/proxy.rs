//! The dependency container's way out under `ATO_DEPS_NETWORK=registries`: a Docker network created
//! `--internal` (no route out, no outside DNS) and without an address of the host on it (so the host's own
//! services are out of reach too), and on it and on the default bridge a container running the
//! allow-list proxy (`runners/common/proxy/allow_proxy.py`, run by the runner image's `python3`). The
//! dependency container joins only the internal network and reaches the registries through the proxy.
//!
//! The proxy container is hardened like every sandbox job (the sandbox's own container spec: read-only root,
//! capabilities dropped, no new privileges, pids and memory limits, a non-root user), holds no workspace and
//! no secret, and exits by itself after the fill's timeout. It and the network carry the run's labels and
//! are removed on every path: by [`Egress::finish`], by the cleanup guard if the future is dropped, and by
//! the start-up sweep after a crash. Works the same when ato itself runs in a container: only the Docker
//! engine is asked for anything.

use std::time::{Duration, Instant};

use bollard::container::LogOutput;
use bollard::models::{ContainerCreateBody, NetworkConnectRequest, NetworkCreateRequest};
use bollard::query_parameters::{CreateContainerOptions, LogsOptions};
use futures_util::StreamExt;

use super::DepsError;
use super::allow_list::{AllowList, ProxyLog, read_log};
use crate::sandbox::spec::{self, HOLDER_GRACE, JobIds};
use crate::sandbox::{CleanupGuard, Job, Limits, Sandbox};

/// The proxy program, embedded so it runs in whichever runner image the run has.
const PROXY_PROGRAM: &str = include_str!("../../runners/common/proxy/allow_proxy.py");
const PROXY_PORT: u16 = 3128;
/// How long the proxy may take to say it listens.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// What the proxy's own container may use.
const PROXY_MEMORY: u64 = 128 << 20;
const PROXY_PIDS: i64 = 128;
/// The most of the proxy's log that is read.
const LOG_CAP: usize = 1 << 20;

/// A running proxy and its internal network.
pub(crate) struct Egress {
    sandbox: Sandbox,
    ids: JobIds,
    guard: CleanupGuard,
    /// The internal network the dependency container joins.
    pub network: String,
    /// `http://<proxy address>:3128`, for `HTTP_PROXY`/`HTTPS_PROXY`.
    pub proxy_url: String,
}

/// Creates the internal network and starts the proxy in `image`, allowing `allow`, for at most `timeout`
/// (plus the sandbox's grace).
pub(crate) async fn start(
    sandbox: &Sandbox,
    run_id: &str,
    image: &str,
    allow: &AllowList,
    timeout: Duration,
) -> Result<Egress, DepsError> {
    let docker = sandbox.docker();
    let ids = JobIds::new(run_id);
    let guard = sandbox.cleanup_guard(ids.clone());
    let network = format!("ato-deps-net-{}", ids.token);
    docker
        .create_network(NetworkCreateRequest {
            name: network.clone(),
            driver: Some("bridge".into()),
            internal: Some(true),
            // No address of the host on this bridge: without it a container of an internal network still
            // reaches every service the host listens on (through the gateway address), with it nothing.
            options: Some(std::collections::HashMap::from([(
                "com.docker.network.bridge.inhibit_ipv4".to_string(),
                "true".to_string(),
            )])),
            labels: Some(ids.labels()),
            ..Default::default()
        })
        .await
        .map_err(DepsError::docker(
            "create the dependency phase's internal network",
        ))?;
    let subnets = match docker.inspect_network(&network, None).await {
        Ok(inspected) => inspected
            .ipam
            .and_then(|ipam| ipam.config)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|config| config.subnet)
            .collect::<Vec<_>>(),
        Err(_) => Vec::new(),
    };
    let egress = Egress {
        sandbox: sandbox.clone(),
        ids,
        guard,
        network,
        proxy_url: String::new(),
    };
    match run_proxy(egress, image, allow, &subnets, timeout).await {
        Ok(egress) => Ok(egress),
        Err((egress, error)) => {
            egress.remove().await;
            Err(error)
        }
    }
}

async fn run_proxy(
    mut egress: Egress,
    image: &str,
    allow: &AllowList,
    subnets: &[String],
    timeout: Duration,
) -> Result<Egress, (Egress, DepsError)> {
    let docker = egress.sandbox.docker().clone();
    let name = egress.ids.name();
    let body = proxy_container(
        &egress.ids,
        egress.sandbox.runtime(),
        image,
        &egress.network,
        allow,
        subnets,
        timeout,
    );
    let step = |action: &'static str| DepsError::docker(action);
    let created = docker
        .create_container(
            Some(CreateContainerOptions {
                name: Some(name.clone()),
                ..Default::default()
            }),
            body,
        )
        .await
        .map_err(step("create the allow-list proxy"));
    if let Err(error) = created {
        return Err((egress, error));
    }
    // The second network: the default bridge, its way out.
    let connected = docker
        .connect_network(
            "bridge",
            NetworkConnectRequest {
                container: name.clone(),
                ..Default::default()
            },
        )
        .await
        .map_err(step("attach the allow-list proxy to the bridge"));
    if let Err(error) = connected {
        return Err((egress, error));
    }
    if let Err(error) = docker
        .start_container(&name, None)
        .await
        .map_err(step("start the allow-list proxy"))
    {
        return Err((egress, error));
    }
    let address = match docker.inspect_container(&name, None).await {
        Ok(inspected) => inspected
            .network_settings
            .and_then(|settings| settings.networks)
            .and_then(|networks| networks.get(&egress.network).cloned())
            .and_then(|endpoint| endpoint.ip_address)
            .filter(|ip| !ip.is_empty()),
        Err(error) => return Err((egress, step("inspect the allow-list proxy")(error))),
    };
    let Some(address) = address else {
        let error = DepsError::Proxy("the allow-list proxy has no address on its network".into());
        return Err((egress, error));
    };
    egress.proxy_url = format!("http://{address}:{PROXY_PORT}");
    let started = Instant::now();
    loop {
        let log = match logs(&docker, &name).await {
            Ok(log) => log,
            Err(error) => return Err((egress, error)),
        };
        if read_log(&log).listening {
            return Ok(egress);
        }
        if started.elapsed() > START_TIMEOUT {
            let error = DepsError::Proxy(format!(
                "the allow-list proxy did not start within {} s: {}",
                START_TIMEOUT.as_secs(),
                log.trim()
            ));
            return Err((egress, error));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The proxy's container: the sandbox's hardened spec (read-only root, capabilities dropped, no new
/// privileges, the non-root user, pids and memory limits), no workspace, no environment of the host, on
/// `network`, running the program until the fill's `timeout` and the sandbox's grace have passed.
fn proxy_container(
    ids: &JobIds,
    runtime: Option<&str>,
    image: &str,
    network: &str,
    allow: &AllowList,
    subnets: &[String],
    timeout: Duration,
) -> ContainerCreateBody {
    let mut limits = Limits {
        memory_bytes: PROXY_MEMORY,
        pids: PROXY_PIDS,
        timeout,
        ..Limits::default()
    };
    limits.cpus = limits.cpus.min(1.0);
    let job = Job::new(ids.run_id.clone(), image, Vec::new(), limits);
    let mut body = spec::container(&job, ids, runtime);
    let lifetime = (timeout + HOLDER_GRACE).as_secs();
    let mut argv = vec![
        "-c".to_string(),
        PROXY_PROGRAM.to_string(),
        "--listen-port".into(),
        PROXY_PORT.to_string(),
        "--lifetime".into(),
        lifetime.to_string(),
    ];
    argv.extend(allow.proxy_args());
    // Only the internal network's containers may use it: it sits on the default bridge too.
    for subnet in subnets {
        argv.extend(["--client-subnet".to_string(), subnet.clone()]);
    }
    body.entrypoint = Some(vec!["python3".into()]);
    body.cmd = Some(argv);
    body.hostname = Some("ato-proxy".into());
    body.network_disabled = Some(false);
    body.env = Some(vec!["HOME=/tmp".into(), "PYTHONDONTWRITEBYTECODE=1".into()]);
    if let Some(host) = body.host_config.as_mut() {
        // No workspace: the program is its argument.
        host.mounts = None;
        host.network_mode = Some(network.to_string());
    }
    body
}

impl Egress {
    /// What the proxy said (its refusals), then the proxy and the network removed.
    pub(crate) async fn finish(self) -> ProxyLog {
        let log = match logs(self.sandbox.docker(), &self.ids.name()).await {
            Ok(text) => read_log(&text),
            Err(error) => {
                tracing::warn!(%error, "could not read the allow-list proxy's log");
                ProxyLog::default()
            }
        };
        self.remove().await;
        log
    }

    async fn remove(self) {
        if let Err(error) = self.guard.clean().await {
            tracing::error!(%error, network = %self.network, "could not remove the allow-list proxy");
        }
    }
}

/// The proxy's output so far (stdout and stderr), up to [`LOG_CAP`].
async fn logs(docker: &bollard::Docker, name: &str) -> Result<String, DepsError> {
    let mut stream = docker.logs(
        name,
        Some(LogsOptions {
            stdout: true,
            stderr: true,
            follow: false,
            tail: "all".into(),
            ..Default::default()
        }),
    );
    let mut text = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(DepsError::docker("read the allow-list proxy's log"))?;
        if let LogOutput::StdOut { message } | LogOutput::StdErr { message } = chunk
            && text.len() < LOG_CAP
        {
            text.extend_from_slice(&message);
        }
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    #[test]
    fn the_proxy_runs_hardened_like_every_job_with_only_its_allow_list() {
        let ids = JobIds::new("run-1");
        let allow = AllowList::of(&[Url::parse("https://pypi.org/simple/").unwrap()]);
        let body = proxy_container(
            &ids,
            None,
            "ato-runner-python:x",
            "ato-deps-net-1",
            &allow,
            &["172.30.0.0/16".to_string()],
            Duration::from_secs(60),
        );
        let host = body.host_config.clone().unwrap();
        assert_eq!(host.readonly_rootfs, Some(true));
        assert_eq!(host.cap_drop, Some(vec!["ALL".to_string()]));
        assert_eq!(
            host.security_opt,
            Some(vec!["no-new-privileges:true".to_string()])
        );
        assert_eq!(host.privileged, Some(false));
        assert_eq!(host.pids_limit, Some(PROXY_PIDS));
        assert_eq!(host.memory, Some(PROXY_MEMORY as i64));
        assert_eq!(host.memory_swap, Some(PROXY_MEMORY as i64));
        assert_eq!(host.network_mode.as_deref(), Some("ato-deps-net-1"));
        assert_eq!(host.mounts, None, "no workspace, no volume, no bind mount");
        assert_eq!(body.user.as_deref(), Some("65534:65534"));
        assert_eq!(
            body.env,
            Some(vec!["HOME=/tmp".into(), "PYTHONDONTWRITEBYTECODE=1".into()]),
            "nothing of the host's environment"
        );
        assert_eq!(body.labels, Some(ids.labels()));
        let cmd = body.cmd.unwrap();
        assert_eq!(cmd[0], "-c");
        assert!(cmd[1].contains("def decide("));
        assert_eq!(
            cmd[2..],
            [
                "--listen-port",
                "3128",
                "--lifetime",
                "180",
                "--allow-connect",
                "pypi.org:443",
                "--client-subnet",
                "172.30.0.0/16"
            ]
        );
    }
}
