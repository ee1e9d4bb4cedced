//! The dependency cache: one Docker named volume per digest, filled once by a dependency container and then
//! mounted read-only into every test container of the same project state.
//!
//! Docker volume labels cannot change after creation and a file inside a volume can only be read through a
//! container, so "complete" is a second, empty volume created after a successful fill: looking the cache up
//! is two inspects, no container. The volumes carry `ato.deps=<digest>`, not the run label `ato`, so the
//! sweeps of leftover containers keep them; `docker volume prune --filter label=ato.deps` empties the cache.
//!
//! A partial fill (all but the packages that could not be had) is never complete: what it installed is
//! copied into a third volume, `<data>-partial-<8 hex>`, of the one run that uses it (`ato.deps.run=<run
//! id>`), and the entry is removed like a failed fill's, so the next run tries the whole again. That volume
//! carries `ato.deps` too, not `ato`: the sweeps of other processes must not remove it between the run's
//! containers (it is unused then, and Docker would create an empty one in its place at the next mount). The
//! run removes it when it is over; one a crash left behind goes with the cache's `prune`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use bollard::Docker;
use bollard::models::VolumeCreateRequest;
use bollard::query_parameters::RemoveVolumeOptions;

use super::DepsError;
use crate::model::Runner;

/// The label every cache volume carries; its value is the full digest.
pub const DEPS_LABEL: &str = "ato.deps";
const RUNNER_LABEL: &str = "ato.deps.runner";
const ROLE_LABEL: &str = "ato.deps.role";
/// A token unique to one fill: Docker answers a create of an existing volume with that volume, so the token
/// tells whether this process made it or another one is filling it.
const FILLER_LABEL: &str = "ato.deps.filler";
/// The run a partial fill's volume belongs to.
const PARTIAL_RUN_LABEL: &str = "ato.deps.run";

/// The two volumes of one cache entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheEntry {
    pub runner: Runner,
    pub digest: String,
    /// `ato-deps-<runner>-<12 hex>`: what is mounted at `/deps`.
    pub data: String,
    /// `ato-deps-<runner>-<12 hex>-complete`: exists once `data` is filled.
    pub marker: String,
}

impl CacheEntry {
    pub fn new(runner: Runner, digest: &str) -> CacheEntry {
        let short = &digest[..digest.len().min(12)];
        let data = format!("ato-deps-{}-{short}", runner.name());
        CacheEntry {
            runner,
            digest: digest.to_string(),
            marker: format!("{data}-complete"),
            data,
        }
    }

    fn request(&self, name: &str, role: &str) -> VolumeCreateRequest {
        VolumeCreateRequest {
            name: Some(name.to_string()),
            driver: Some("local".to_string()),
            labels: Some(HashMap::from([
                (DEPS_LABEL.to_string(), self.digest.clone()),
                (RUNNER_LABEL.to_string(), self.runner.name().to_string()),
                (ROLE_LABEL.to_string(), role.to_string()),
            ])),
            ..Default::default()
        }
    }
}

/// What the engine holds for an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Filled: mount it.
    Complete,
    /// Data without its marker: a fill that died (or one running in another process).
    Incomplete,
    Absent,
}

pub async fn state(docker: &Docker, entry: &CacheEntry) -> Result<State, DepsError> {
    let data = exists(docker, &entry.data).await?;
    let marker = exists(docker, &entry.marker).await?;
    Ok(match (data, marker) {
        (true, true) => State::Complete,
        (true, false) => State::Incomplete,
        // A marker alone (its data removed by hand) means nothing.
        (false, _) => State::Absent,
    })
}

/// Creates the empty data volume to fill. `false` when another process created it first (and fills it).
pub async fn create(docker: &Docker, entry: &CacheEntry) -> Result<bool, DepsError> {
    let token = format!("{:016x}", rand::random::<u64>());
    let mut request = entry.request(&entry.data, "data");
    if let Some(labels) = request.labels.as_mut() {
        labels.insert(FILLER_LABEL.to_string(), token.clone());
    }
    let volume = docker
        .create_volume(request)
        .await
        .map_err(DepsError::docker("create the dependency cache volume"))?;
    Ok(volume.labels.get(FILLER_LABEL) == Some(&token))
}

/// Records that the data volume is filled.
pub async fn mark_complete(docker: &Docker, entry: &CacheEntry) -> Result<(), DepsError> {
    docker
        .create_volume(entry.request(&entry.marker, "complete"))
        .await
        .map_err(DepsError::docker("mark the dependency cache complete"))?;
    Ok(())
}

/// Creates an empty volume for what a partial fill of `entry` installed, used by the run `run_id` only.
pub async fn create_partial(
    docker: &Docker,
    entry: &CacheEntry,
    run_id: &str,
) -> Result<String, DepsError> {
    let name = format!("{}-partial-{:08x}", entry.data, rand::random::<u32>());
    let mut request = entry.request(&name, "partial");
    if let Some(labels) = request.labels.as_mut() {
        labels.insert(PARTIAL_RUN_LABEL.to_string(), run_id.to_string());
    }
    docker
        .create_volume(request)
        .await
        .map_err(DepsError::docker("create the volume of a partial fill"))?;
    Ok(name)
}

/// Removes a partial fill's volume; one already gone is fine.
pub async fn remove_partial(docker: &Docker, name: &str) -> Result<(), DepsError> {
    match docker
        .remove_volume(name, Some(RemoveVolumeOptions { force: false }))
        .await
    {
        Ok(())
        | Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(()),
        Err(err) => Err(DepsError::docker("remove the volume of a partial fill")(
            err,
        )),
    }
}

/// Removes both volumes. `Ok(false)` when the data volume is in use (a fill of another process).
pub async fn remove(docker: &Docker, entry: &CacheEntry) -> Result<bool, DepsError> {
    for name in [&entry.marker, &entry.data] {
        match docker
            .remove_volume(name, Some(RemoveVolumeOptions { force: false }))
            .await
        {
            Ok(()) => {}
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => {}
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 409, ..
            }) => return Ok(false),
            Err(err) => return Err(DepsError::docker("remove a dependency cache volume")(err)),
        }
    }
    Ok(true)
}

/// How long ago the data volume was created; `None` when it is gone or Docker does not say.
pub async fn data_age(docker: &Docker, entry: &CacheEntry) -> Result<Option<Duration>, DepsError> {
    let volume = match docker.inspect_volume(&entry.data).await {
        Ok(volume) => volume,
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => return Ok(None),
        Err(err) => return Err(DepsError::docker("inspect a dependency cache volume")(err)),
    };
    let created = volume.created_at.as_deref().and_then(|at| {
        time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
    });
    Ok(created.map(|created| {
        let age = time::OffsetDateTime::now_utc() - created;
        Duration::from_secs_f64(age.as_seconds_f64().max(0.0))
    }))
}

async fn exists(docker: &Docker, name: &str) -> Result<bool, DepsError> {
    match docker.inspect_volume(name).await {
        Ok(_) => Ok(true),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(false),
        Err(err) => Err(DepsError::docker("inspect a dependency cache volume")(err)),
    }
}

/// One fill per entry at a time within this process (the workers of `ato serve` share entries); the
/// guard is held from the lookup to the marker.
pub async fn lock(entry: &CacheEntry) -> tokio::sync::OwnedMutexGuard<()> {
    static FILLS: LazyLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(Mutex::default);
    let mutex = {
        let mut fills = FILLS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        fills.entry(entry.data.clone()).or_default().clone()
    };
    mutex.lock_owned().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_labels() {
        let digest = "0123456789abcdef".repeat(4);
        let entry = CacheEntry::new(Runner::Node, &digest);
        assert_eq!(entry.data, "ato-deps-node-0123456789ab");
        assert_eq!(entry.marker, "ato-deps-node-0123456789ab-complete");
        let labels = entry.request(&entry.data, "data").labels.unwrap();
        assert_eq!(labels[DEPS_LABEL], digest);
        assert!(
            !labels.contains_key(crate::sandbox::RUN_LABEL),
            "sweeps keep the cache"
        );
    }
}
