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
mod connect;
pub mod engine;
mod error;
mod job;
mod limits;
mod mounts;
mod output;
mod run;
pub(crate) mod spec;
mod tar_owner;

use std::collections::HashMap;

use bollard::Docker;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

pub(crate) use cleanup::CleanupGuard;
pub(crate) use connect::connect_docker;
pub use engine::Engine;
pub use error::SandboxError;
pub(crate) use job::User;
pub use job::{Finished, Job, Outcome};
pub use limits::Limits;
pub use mounts::{Network, VolumeMount};
pub(crate) use spec::RUN_LABEL;

/// A connection to Docker that runs sandboxed jobs. Cheap to clone; share one per process.
#[derive(Debug, Clone)]
pub struct Sandbox {
    docker: Docker,
    /// Where `docker` points, for the cleanup thread that must open its own connection.
    engine: Engine,
}

impl Sandbox {
    /// Connects to the engine named by `DOCKER_HOST` (default: the local socket; TLS and SSH as the Docker
    /// CLI takes them, see [`engine`]), negotiating the API version down to the engine's. When
    /// `RUNNER_RUNTIME` names an OCI runtime, the engine must offer it.
    pub async fn connect() -> Result<Sandbox, SandboxError> {
        let engine = Engine::from_env().map_err(|problems| SandboxError::EngineSettings {
            problems: problems.iter().map(ToString::to_string).collect(),
        })?;
        Sandbox::connect_to(engine).await
    }

    /// Connects to `engine`; its runtime, when set, must be one the engine offers.
    pub async fn connect_to(engine: Engine) -> Result<Sandbox, SandboxError> {
        let docker = connect_docker(&engine).await?;
        if let Some(wanted) = &engine.runtime {
            let info = docker
                .info()
                .await
                .map_err(SandboxError::docker("read the engine's info"))?;
            engine::check_runtime(
                wanted,
                &engine.describe(),
                &info.runtimes.unwrap_or_default(),
            )
            .map_err(SandboxError::RuntimeMissing)?;
        }
        Ok(Sandbox { docker, engine })
    }

    /// The connection, for other Docker work (the image builder reuses it).
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// A guard that removes everything labelled with `ids` (containers, volumes, networks) when cleaned, or
    /// when dropped uncleaned: for what a caller creates besides jobs (the dependency phase's proxy).
    pub(crate) fn cleanup_guard(&self, ids: spec::JobIds) -> CleanupGuard {
        CleanupGuard::new(self.docker.clone(), &self.engine, ids)
    }

    /// The OCI runtime jobs run under, when not Docker's default.
    pub fn runtime(&self) -> Option<&str> {
        self.engine.runtime.as_deref()
    }

    /// The engine the jobs go to.
    pub fn engine(&self) -> &Engine {
        &self.engine
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
        run::run(&self.docker, &self.engine, job, cancel)
            .instrument(span)
            .await
    }
}
