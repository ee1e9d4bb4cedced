//! Removal of what a job created: explicitly at the end of every path of [`super::Sandbox::run`], by a guard
//! when the caller's future is dropped (cancelled task, panic), and by the start-up sweep after a crash.
//!
//! Everything is found again by label rather than remembered by id, so a create call interrupted before
//! Docker answered leaves nothing behind either.

use std::collections::HashMap;

use bollard::Docker;
use bollard::query_parameters::{
    ListContainersOptions, ListVolumesOptions, RemoveContainerOptions, RemoveVolumeOptions,
};

use super::connect_docker;
use super::error::{SandboxError, is_not_found};
use super::spec::JobIds;

/// Force-removes every container (with its anonymous volumes), then every volume, matching `filters`.
/// Returns how many objects were removed. Objects that vanish meanwhile are not an error.
pub(crate) async fn remove_matching(
    docker: &Docker,
    filters: HashMap<String, Vec<String>>,
) -> Result<usize, SandboxError> {
    let containers = docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(filters.clone()),
            ..Default::default()
        }))
        .await
        .map_err(SandboxError::docker("list containers"))?;
    let mut removed = 0;
    for id in containers.into_iter().filter_map(|c| c.id) {
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
    let volumes = docker
        .list_volumes(Some(ListVolumesOptions {
            filters: Some(filters),
        }))
        .await
        .map_err(SandboxError::docker("list volumes"))?;
    for volume in volumes.volumes.unwrap_or_default() {
        match docker
            .remove_volume(&volume.name, Some(RemoveVolumeOptions { force: true }))
            .await
        {
            Ok(()) => removed += 1,
            Err(e) if is_not_found(&e) => {}
            Err(e) => return Err(SandboxError::docker("remove a volume")(e)),
        }
    }
    Ok(removed)
}

/// Removes one job's container and volume if [`CleanupGuard::clean`] was never reached: the future running
/// the job was dropped (its task aborted or panicked). Dropping cannot await, and the runtime may be shutting
/// down, so the removal runs on its own thread with its own runtime and its own Docker connection.
pub(crate) struct CleanupGuard {
    docker: Docker,
    host: String,
    ids: JobIds,
    armed: bool,
}

impl CleanupGuard {
    pub(crate) fn new(docker: Docker, host: &str, ids: JobIds) -> CleanupGuard {
        CleanupGuard {
            docker,
            host: host.to_string(),
            ids,
            armed: true,
        }
    }

    /// The explicit cleanup, on every path that returns. The guard stays armed until it succeeds, so a
    /// failed or interrupted cleanup is tried once more from `Drop`.
    pub(crate) async fn clean(mut self) -> Result<usize, SandboxError> {
        let removed = remove_matching(&self.docker, self.ids.filter()).await?;
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
        let host = std::mem::take(&mut self.host);
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
                            let docker = connect_docker(&host).await.map_err(|e| e.to_string())?;
                            remove_matching(&docker, filters).await.map_err(|e| e.to_string())
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
