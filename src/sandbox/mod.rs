//! The sandbox: runs one hostile job in a throw-away, locked-down container (see "The sandbox" in the README).
//!
//! Every container gets no network (only a dependency-phase job may ask for one, see [`Network`]: the bridge,
//! or an internal network whose only way out is the dependency phase's allow-list proxy), a read-only root
//! filesystem, a small tmpfs `/tmp` (`HOME=/tmp`), all
//! capabilities dropped, `no-new-privileges`, Docker's default seccomp profile, a non-root numeric user,
//! pids, memory (no swap), CPU and `nofile` limits, a size-capped json-file log, only the job's environment,
//! never a bind mount of the host and never the Docker socket, and the gVisor runtime when configured and
//! present. Files go in as a tar uploaded into a size-limited tmpfs volume at `/work`; results come back as
//! a tar of `/work/out`. [`spec`] explains why the job runs as an exec in a holder container.
//!
//! Every container, volume and network (the dependency phase's) carries the label `ato=<run id>` and is
//! removed on every path; [`Sandbox::sweep`] removes leftovers of a crashed process at start-up.

mod cleanup;
mod error;
mod job;
mod limits;
mod mounts;
mod output;
mod run;
pub(crate) mod spec;
mod tar_owner;

use std::collections::HashMap;
use std::time::Duration;

use bollard::Docker;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

pub(crate) use cleanup::CleanupGuard;
pub use error::SandboxError;
pub(crate) use job::User;
pub use job::{Finished, Job, Outcome};
pub use limits::Limits;
pub use mounts::{Network, VolumeMount};
pub(crate) use spec::RUN_LABEL;

/// Docker's own default address on Unix.
const DEFAULT_DOCKER_HOST: &str = "unix:///var/run/docker.sock";

/// How long `connect` waits for the daemon's first answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection to Docker that runs sandboxed jobs. Cheap to clone; share one per process.
#[derive(Debug, Clone)]
pub struct Sandbox {
    docker: Docker,
    /// Where `docker` points, for the cleanup thread that must open its own connection.
    host: String,
    runtime: Option<String>,
}

impl Sandbox {
    /// Connects to the Docker daemon named by `DOCKER_HOST` (default: the local socket), negotiating the API
    /// version down to the daemon's (this machine's 20.10 speaks 1.41). Jobs use the default runtime.
    pub async fn connect() -> Result<Sandbox, SandboxError> {
        Sandbox::connect_to(&docker_host(), None).await
    }

    /// Like [`Sandbox::connect`], with an OCI runtime (e.g. `runsc`, gVisor) to use when the daemon has it.
    /// A configured runtime the daemon does not list is logged and not used: jobs then run
    /// under the default runtime rather than not at all.
    pub async fn connect_with_runtime(runtime: Option<&str>) -> Result<Sandbox, SandboxError> {
        Sandbox::connect_to(&docker_host(), runtime).await
    }

    /// Connects to the daemon at `host` (`unix://…`, `tcp://…`, as `DOCKER_HOST` takes it).
    pub async fn connect_to(host: &str, runtime: Option<&str>) -> Result<Sandbox, SandboxError> {
        let docker = connect_docker(host).await?;
        let runtime = match runtime {
            None => None,
            Some(wanted) => {
                let info = docker
                    .info()
                    .await
                    .map_err(SandboxError::docker("read the daemon's info"))?;
                let available = info.runtimes.unwrap_or_default();
                pick_runtime(wanted, &available)
            }
        };
        Ok(Sandbox {
            docker,
            host: host.to_string(),
            runtime,
        })
    }

    /// The connection, for other Docker work (the image builder reuses it).
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// A guard that removes everything labelled with `ids` (containers, volumes, networks) when cleaned, or
    /// when dropped uncleaned: for what a caller creates besides jobs (the dependency phase's proxy).
    pub(crate) fn cleanup_guard(&self, ids: spec::JobIds) -> CleanupGuard {
        CleanupGuard::new(self.docker.clone(), &self.host, ids)
    }

    /// The OCI runtime jobs run under, when not Docker's default.
    pub fn runtime(&self) -> Option<&str> {
        self.runtime.as_deref()
    }

    /// Removes every container, then every volume and network, labelled `ato` (leftovers of a crashed
    /// process). For the one process that owns the engine (`ato serve`), at start-up before any job runs: it
    /// also removes the jobs running now. Returns how many were removed.
    pub async fn sweep(&self) -> Result<usize, SandboxError> {
        let filters = HashMap::from([("label".to_string(), vec![RUN_LABEL.to_string()])]);
        cleanup::remove_matching(&self.docker, filters, None).await
    }

    /// Removes only the leftovers of processes that are gone: stopped containers and unused volumes labelled
    /// `ato` older than `min_age`. Safe while other ato processes (other `ato run`s) use the same engine.
    pub async fn sweep_stale(&self, min_age: std::time::Duration) -> Result<usize, SandboxError> {
        let filters = HashMap::from([("label".to_string(), vec![RUN_LABEL.to_string()])]);
        cleanup::remove_matching(&self.docker, filters, Some(min_age)).await
    }

    /// Removes the containers and volumes of one run (label `ato=<run_id>`), e.g. after a superseded run.
    pub async fn sweep_run(&self, run_id: &str) -> Result<usize, SandboxError> {
        let filters = HashMap::from([("label".to_string(), vec![format!("{RUN_LABEL}={run_id}")])]);
        cleanup::remove_matching(&self.docker, filters, None).await
    }

    /// Runs one job to its end and removes everything it created, whatever happens. A job that fails, times
    /// out or runs out of memory is a [`Finished`] with its [`Outcome`]; an error means the job could not be
    /// run, or `cancel` fired ([`SandboxError::Cancelled`], the container killed and removed).
    pub async fn run(
        &self,
        job: Job,
        cancel: &CancellationToken,
    ) -> Result<Finished, SandboxError> {
        let span = tracing::info_span!("sandbox", run_id = %job.run_id, image = %job.image);
        run::run(
            &self.docker,
            &self.host,
            self.runtime.as_deref(),
            job,
            cancel,
        )
        .instrument(span)
        .await
    }
}

/// The daemon's address: `DOCKER_HOST`, else the local socket.
pub fn docker_host() -> String {
    std::env::var("DOCKER_HOST")
        .ok()
        .filter(|host| !host.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_DOCKER_HOST.to_string())
}

/// Opens a connection and checks that the daemon answers, agreeing on the API version.
pub(crate) async fn connect_docker(host: &str) -> Result<Docker, SandboxError> {
    let unreachable = |detail: String| SandboxError::Unreachable {
        detail: format!("{host}: {detail}"),
    };
    let docker = Docker::connect_with_host(host).map_err(|e| unreachable(e.to_string()))?;
    match tokio::time::timeout(CONNECT_TIMEOUT, docker.negotiate_version()).await {
        Ok(Ok(docker)) => Ok(docker),
        Ok(Err(e)) => Err(unreachable(e.to_string())),
        Err(_) => Err(unreachable(format!("no answer within {CONNECT_TIMEOUT:?}"))),
    }
}

/// The runtime to use: the wanted one when the daemon lists it, else none (with a warning).
fn pick_runtime<V>(wanted: &str, available: &HashMap<String, V>) -> Option<String> {
    if available.contains_key(wanted) {
        return Some(wanted.to_string());
    }
    tracing::warn!(
        runtime = wanted,
        "the configured container runtime is not installed in Docker; using Docker's default runtime"
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runtime_is_used_only_when_docker_has_it() {
        let available = HashMap::from([("runc".to_string(), ()), ("runsc".to_string(), ())]);
        assert_eq!(pick_runtime("runsc", &available), Some("runsc".to_string()));
        assert_eq!(pick_runtime("kata", &available), None);
        assert_eq!(pick_runtime("runsc", &HashMap::<String, ()>::new()), None);
    }
}
