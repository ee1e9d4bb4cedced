//! A partial fill kept for its run: what the dependency container installed, all but the packages that could
//! not be had, copied out of the cache entry into a volume of the run (see `cache.rs`), so the entry can be
//! removed like a failed fill's and the next run tries the whole again. The copy is a job of its own, hardened
//! like every job, with no network: the run's volume at `/deps` (a fresh volume mounted there takes the
//! owner of the image's `/deps`, so the job can write it) and the entry read-only beside it.

use tokio_util::sync::CancellationToken;

use super::DepsError;
use super::cache::{self, CacheEntry};
use super::script::DEPS_DIR;
use crate::sandbox::{Job, Limits, Outcome, Sandbox, VolumeMount};

/// Where the copy job sees the filled entry.
const FILLED_DIR: &str = "/deps-filled";

/// What became of a partial fill.
#[derive(Debug)]
pub enum Kept {
    /// In this volume, for this run only.
    In(String),
    /// It could not be copied (why, in words); nothing is kept.
    Lost(String),
}

/// Copies the filled `entry` into a new volume of the run `run_id`, with the runner's `image`.
pub async fn keep(
    sandbox: &Sandbox,
    run_id: &str,
    image: &str,
    limits: &Limits,
    entry: &CacheEntry,
    cancel: &CancellationToken,
) -> Result<Kept, DepsError> {
    let docker = sandbox.docker();
    let volume = cache::create_partial(docker, entry, run_id).await?;
    let mut job = Job::new(run_id, image, Vec::new(), limits.clone());
    job.command = Some(copy_command());
    job.volumes = vec![
        VolumeMount {
            volume: volume.clone(),
            target: DEPS_DIR.to_string(),
            read_only: false,
        },
        VolumeMount {
            volume: entry.data.clone(),
            target: FILLED_DIR.to_string(),
            read_only: true,
        },
    ];
    let finished = sandbox.run(job, cancel).await;
    let lost = match finished {
        Ok(finished) if finished.outcome == (Outcome::Exited { code: 0 }) => {
            return Ok(Kept::In(volume));
        }
        Ok(finished) => format!(
            "the copy of what was installed ended with {:?}: {}",
            finished.outcome,
            finished.stderr.trim()
        ),
        Err(error) => {
            release(sandbox, &volume).await;
            return Err(error.into());
        }
    };
    release(sandbox, &volume).await;
    Ok(Kept::Lost(lost))
}

/// Removes a partial fill's volume once its run is over (a failure is logged: the cache's prune removes it).
pub async fn release(sandbox: &Sandbox, volume: &str) {
    if let Err(error) = cache::remove_partial(sandbox.docker(), volume).await {
        tracing::warn!(volume, %error, "could not remove the volume of a partial dependency fill");
    }
}

/// `cp -a /deps-filled/. /deps/`: everything, with its modes and times; an empty entry (removed by another
/// process between the fill and the copy, and so created afresh by the mount) fails instead.
fn copy_command() -> Vec<String> {
    let script = format!(
        "if [ -z \"$(ls -A {FILLED_DIR})\" ]; then echo 'the filled cache is gone' >&2; exit 1; fi; \
         cp -a {FILLED_DIR}/. {DEPS_DIR}/"
    );
    vec!["sh".into(), "-c".into(), script]
}
