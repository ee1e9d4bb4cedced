//! Removal of what a job created (containers, volumes, and the dependency phase's networks): explicitly at the end of every path of [`super::Sandbox::run`], by a guard
//! when the caller's future is dropped (cancelled task, panic), and by the start-up sweep after a crash.
//!
//! Everything is found again by label rather than remembered by id, so a create call interrupted before
//! Docker answered leaves nothing behind either.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bollard::Docker;
use bollard::models::ContainerSummaryStateEnum;
use bollard::query_parameters::{
    ListContainersOptions, ListNetworksOptions, ListVolumesOptions, RemoveContainerOptions,
    RemoveVolumeOptions,
};

use super::error::{SandboxError, is_not_found};
use super::spec::JobIds;
use super::{Engine, connect_docker};

/// Force-removes every container (with its anonymous volumes), then every volume, then every network, matching
/// `filters`.
/// Returns how many objects were removed. Objects that vanish meanwhile are not an error.
pub(crate) async fn remove_matching(
    docker: &Docker,
    filters: HashMap<String, Vec<String>>,
    only_stale: Option<Duration>,
) -> Result<usize, SandboxError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs() as i64;
    let old_enough = |created_secs: Option<i64>| match only_stale {
        None => true,
        Some(age) => created_secs.is_some_and(|created| now - created >= age.as_secs() as i64),
    };
    let containers = docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(filters.clone()),
            ..Default::default()
        }))
        .await
        .map_err(SandboxError::docker("list containers"))?;
    let mut removed = 0;
    for container in containers {
        // A live job's holder is running; only the stopped (or never started) containers of dead processes
        // are stale. The holder of a process that died stops by itself after its sleep.
        let running = container.state.as_ref().is_some_and(|state| {
            matches!(
                state,
                ContainerSummaryStateEnum::RUNNING | ContainerSummaryStateEnum::PAUSED
            )
        });
        if only_stale.is_some() && (running || !old_enough(container.created)) {
            continue;
        }
        let Some(id) = container.id else { continue };
        let options = RemoveContainerOptions {
            force: true,
            v: true,
            ..Default::default()
        };
        match docker.remove_container(&id, Some(options)).await {
            Ok(()) => removed += 1,
            Err(e) if is_not_found(&e) => {}
            Err(e) => return Err(SandboxError::docker("remove a container")(e)),
        }
    }
    let filters_again = filters.clone();
    let volumes = docker
        .list_volumes(Some(ListVolumesOptions {
            filters: Some(filters),
        }))
        .await
        .map_err(SandboxError::docker("list volumes"))?;
    for volume in volumes.volumes.unwrap_or_default() {
        let created = volume.created_at.as_deref().and_then(unix_seconds);
        if !old_enough(created) {
            continue;
        }
        match docker
            .remove_volume(
                &volume.name,
                Some(RemoveVolumeOptions {
                    force: only_stale.is_none(),
                }),
            )
            .await
        {
            Ok(()) => removed += 1,
            Err(e) if is_not_found(&e) => {}
            // In use by a live job's container: not stale after all.
            Err(e) if only_stale.is_some() && is_conflict(&e) => {}
            Err(e) => return Err(SandboxError::docker("remove a volume")(e)),
        }
    }
    removed += remove_networks(docker, filters_again, only_stale.is_some(), &old_enough).await?;
    Ok(removed)
}

/// Removes the networks matching `filters` (the dependency phase's internal networks), after their
/// containers. When only stale objects go, a network younger than the minimum age (a live fill's, its proxy
/// not yet attached) or one a live container still uses is kept.
async fn remove_networks(
    docker: &Docker,
    filters: HashMap<String, Vec<String>>,
    only_stale: bool,
    old_enough: &(dyn Fn(Option<i64>) -> bool + Sync),
) -> Result<usize, SandboxError> {
    let networks = docker
        .list_networks(Some(ListNetworksOptions {
            filters: Some(filters),
        }))
        .await
        .map_err(SandboxError::docker("list networks"))?;
    let mut removed = 0;
    for network in networks {
        if !old_enough(network.created.as_deref().and_then(unix_seconds)) {
            continue;
        }
        let Some(id) = network.id else { continue };
        match docker.remove_network(&id).await {
            Ok(()) => removed += 1,
            Err(e) if is_not_found(&e) => {}
            // Still has endpoints: a live run's, or a container whose removal raced this one.
            Err(e) if only_stale && (is_conflict(&e) || is_forbidden(&e)) => {}
            Err(e) => return Err(SandboxError::docker("remove a network")(e)),
        }
    }
    Ok(removed)
}

/// Docker's RFC 3339 time as seconds since the epoch.
fn unix_seconds(at: &str) -> Option<i64> {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|at| at.unix_timestamp())
}

fn is_forbidden(error: &bollard::errors::Error) -> bool {
    matches!(
        error,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 403,
            ..
        }
    )
}

fn is_conflict(error: &bollard::errors::Error) -> bool {
    matches!(
        error,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 409,
            ..
        }
    )
}

/// Removes one job's container and volume if [`CleanupGuard::clean`] was never reached: the future running
/// the job was dropped (its task aborted or panicked). Dropping cannot await, and the runtime may be shutting
/// down, so the removal runs on its own thread with its own runtime and its own Docker connection.
pub(crate) struct CleanupGuard {
    docker: Docker,
    engine: Engine,
    ids: JobIds,
    armed: bool,
}

impl CleanupGuard {
    pub(crate) fn new(docker: Docker, engine: &Engine, ids: JobIds) -> CleanupGuard {
        CleanupGuard {
            docker,
            engine: engine.clone(),
            ids,
            armed: true,
        }
    }

    /// The explicit cleanup, on every path that returns. The guard stays armed until it succeeds, so a
    /// failed or interrupted cleanup is tried once more from `Drop`.
    pub(crate) async fn clean(mut self) -> Result<usize, SandboxError> {
        let removed = remove_matching(&self.docker, self.ids.filter(), None).await?;
        self.armed = false;
        Ok(removed)
    }
}

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let filters = self.ids.filter();
        let engine = self.engine.clone();
        let run_id = self.ids.run_id.clone();
        let spawned = std::thread::Builder::new()
            .name("ato-sandbox-cleanup".to_string())
            .spawn(move || {
                let result = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())
                    .and_then(|runtime| {
                        runtime.block_on(async {
                            let docker = connect_docker(&engine).await.map_err(|e| e.to_string())?;
                            remove_matching(&docker, filters, None).await.map_err(|e| e.to_string())
                        })
                    });
                if let Err(error) = result {
                    tracing::error!(run_id, %error, "could not remove a dropped sandbox job; the start-up sweep will");
                }
            });
        if let Err(error) = spawned {
            tracing::error!(run_id = self.ids.run_id, %error, "could not start the cleanup of a dropped sandbox job");
        }
    }
}
