//! The dependency phase of one runner in one run: look the cache up, fill it when needed, and say what the
//! test container mounts. A partial fill is mounted from a volume of the run ([`partial`]), which
//! [`release`] removes when the runner's run is over.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::allow_list::{AllowList, ProxyLog};
use super::cache::{self, CacheEntry, State};
use super::ended::Ended;
use super::failure::classify;
use super::head_files::{HeadFiles, deps_workspace};
use super::manifest::{Detection, Ecosystem, Manifest, problem};
use super::outcome::{Fill, before_left_out, judge};
use super::partial::{self, Kept};
use super::script::{self, DEPS_DIR, SCRIPT_DIR};
use super::settings::DepsNetwork;
use super::{DepsError, DepsSettings, access, proxy};
use crate::model::Problem;
use crate::sandbox::{Job, Limits, Network, Sandbox, VolumeMount};

/// How often a run waits for another process's fill of the same cache to finish.
const FILL_POLL: Duration = Duration::from_millis(500);
/// An incomplete cache younger than this may be one another process has just created and is about to mount
/// (once mounted, Docker refuses its removal); older and unused, it is the leftover of a fill that died.
const FILL_START_GRACE: Duration = Duration::from_secs(30);

/// What happened to the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    /// The project declares no dependencies.
    NotNeeded,
    /// A complete cache was mounted as it was.
    Hit,
    /// A dependency container filled it in this run.
    Filled,
    /// All but some packages were installed, for this run only; the problems name the others.
    Partial,
    /// Nothing could be installed; the problems say why.
    Failed,
}

/// What the dependency phase gives the test phase.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The cache, read-only at `/deps`, when the dependencies are installed.
    pub mount: Option<VolumeMount>,
    pub cache: CacheUse,
    /// `dependencies` problems: each package that could not be installed.
    pub problems: Vec<Problem>,
    pub notes: Vec<String>,
    /// The installer's output (stdout, then stderr) of a fill that failed or left packages out, for the
    /// run's output folder.
    pub install_output: Option<String>,
    /// The volume of a partial fill, mounted by this run only: [`release`] removes it.
    pub run_volume: Option<String>,
    pub duration: Duration,
}

impl CacheUse {
    /// A word for progress lines: `cache hit`, `installed`, …
    pub fn describe(self) -> &'static str {
        match self {
            CacheUse::NotNeeded => "none declared",
            CacheUse::Hit => "cache hit",
            CacheUse::Filled => "installed",
            CacheUse::Partial => "partly installed",
            CacheUse::Failed => "not installed",
        }
    }
}

impl Prepared {
    fn new(cache: CacheUse, started: Instant) -> Prepared {
        Prepared {
            mount: None,
            cache,
            problems: Vec::new(),
            notes: Vec::new(),
            install_output: None,
            run_volume: None,
            duration: started.elapsed(),
        }
    }
}

/// Runs the dependency phase of a runner for the head tree of `workspace` (a runner workspace tar, see
/// runners/PROTOCOL.md), with the manifests of its family's `ecosystem`, the runner's `image` and the run's
/// `limits`.
#[allow(clippy::too_many_arguments)]
pub async fn prepare(
    sandbox: &Sandbox,
    run_id: &str,
    ecosystem: &'static dyn Ecosystem,
    image: &str,
    workspace: &[u8],
    limits: &Limits,
    settings: &DepsSettings,
    cancel: &CancellationToken,
) -> Result<Prepared, DepsError> {
    let started = Instant::now();
    let files = {
        let tar = workspace.to_vec();
        tokio::task::spawn_blocking(move || {
            HeadFiles::from_workspace_tar(&tar, &|path| ecosystem.is_manifest(path))
        })
        .await
        .map_err(|err| DepsError::Workspace(err.to_string()))?
        .map_err(DepsError::Workspace)?
    };
    let manifest = match ecosystem.detect(&files) {
        Detection::None => return Ok(Prepared::new(CacheUse::NotNeeded, started)),
        Detection::Unusable(problems) => {
            let mut prepared = Prepared::new(CacheUse::Failed, started);
            prepared.problems = problems;
            return Ok(prepared);
        }
        Detection::Found(manifest) => manifest,
    };
    let mut prepared = cached_or_filled(
        sandbox, run_id, &manifest, image, workspace, limits, settings, cancel, started,
    )
    .await?;
    prepared.notes.splice(0..0, manifest.notes.iter().cloned());
    Ok(prepared)
}

/// The cache of `manifest`: mounted when complete, else filled here or waited for.
#[allow(clippy::too_many_arguments)]
async fn cached_or_filled(
    sandbox: &Sandbox,
    run_id: &str,
    manifest: &Manifest,
    image: &str,
    workspace: &[u8],
    limits: &Limits,
    settings: &DepsSettings,
    cancel: &CancellationToken,
    started: Instant,
) -> Result<Prepared, DepsError> {
    let image_id = sandbox
        .docker()
        .inspect_image(image)
        .await
        .map_err(DepsError::docker("inspect the runner image"))?
        .id
        .unwrap_or_else(|| image.to_string());
    let entry = CacheEntry::new(
        manifest.runner,
        &manifest.cache_digest_with(&image_id, &settings.digest_part()),
    );
    let _filling = cache::lock(&entry).await;
    let docker = sandbox.docker();
    let deadline = Instant::now() + limits.timeout;
    // Set once another process is seen creating the volume: its fill is then waited for, never removed.
    let mut filled_elsewhere = false;
    loop {
        let state = match cache::state(docker, &entry).await? {
            // Created here: this process fills it.
            State::Absent if cache::create(docker, &entry).await? => break,
            State::Absent => {
                filled_elsewhere = true;
                State::Incomplete
            }
            state => state,
        };
        match state {
            State::Complete => {
                let mut prepared = mounted(&entry.data, CacheUse::Hit, started);
                prepared.notes.push(format!(
                    "dependencies of {}: reused the cache {} (installed by an earlier run)",
                    manifest.source, entry.data
                ));
                return Ok(prepared);
            }
            // A fill that died is removed (and the next look creates the volume afresh); one still running
            // elsewhere is waited for.
            State::Absent | State::Incomplete => {
                // Docker refuses to remove a volume a container uses: a fill still running is kept.
                let leftover = !filled_elsewhere
                    && cache::data_age(docker, &entry)
                        .await?
                        .is_none_or(|age| age >= FILL_START_GRACE);
                if leftover && cache::remove(docker, &entry).await? {
                    continue;
                }
                if Instant::now() >= deadline || cancel.is_cancelled() {
                    let mut prepared = Prepared::new(CacheUse::Failed, started);
                    prepared.problems.push(problem(
                        &manifest.source,
                        format!(
                            "the dependencies of {} were being installed by another ato process that did \
                             not finish in time; none were installed",
                            manifest.source
                        ),
                    ));
                    return Ok(prepared);
                }
                tokio::time::sleep(FILL_POLL).await;
            }
        }
    }
    fill(
        sandbox, run_id, image, workspace, limits, settings, manifest, &entry, cancel, started,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn fill(
    sandbox: &Sandbox,
    run_id: &str,
    image: &str,
    workspace: &[u8],
    limits: &Limits,
    settings: &DepsSettings,
    manifest: &Manifest,
    entry: &CacheEntry,
    cancel: &CancellationToken,
    started: Instant,
) -> Result<Prepared, DepsError> {
    let docker = sandbox.docker();
    let online = settings.online();
    // Through the proxy: started before the workspace is packed, since its address goes into the files.
    let egress = match settings.network {
        DepsNetwork::Registries => {
            let allow = AllowList::of(&settings.registries.reachable());
            match proxy::start(sandbox, run_id, image, &allow, limits.timeout).await {
                Ok(egress) => Some(egress),
                Err(error) => {
                    discard(docker, entry).await;
                    return Err(error);
                }
            }
        }
        DepsNetwork::Off | DepsNetwork::Open => None,
    };
    let proxy_url = egress.as_ref().map(|egress| egress.proxy_url.clone());
    let mut files = script::files(manifest, online);
    files.extend(
        access::files(settings, proxy_url.as_deref())
            .into_iter()
            .map(|(name, bytes)| (format!("{SCRIPT_DIR}/{name}"), bytes)),
    );
    let mut job = Job::new(run_id, image, Vec::new(), limits.clone());
    job.workspace_tar = match deps_workspace(workspace, &files) {
        Ok(tar) => tar,
        Err(why) => {
            close(egress).await;
            discard(docker, entry).await;
            return Err(DepsError::Workspace(why));
        }
    };
    job.command = Some(script::command());
    job.env = access::env(settings, proxy_url.as_deref());
    job.volumes = vec![VolumeMount {
        volume: entry.data.clone(),
        target: DEPS_DIR.to_string(),
        read_only: false,
    }];
    job.network = match (&egress, settings.network) {
        (Some(egress), _) => Network::Internal(egress.network.clone()),
        (None, DepsNetwork::Open) => Network::Bridge,
        (None, _) => Network::None,
    };
    let finished = sandbox.run(job, cancel).await;
    let log = close(egress).await;
    let finished = match finished {
        Ok(finished) => finished,
        Err(error) => {
            discard(docker, entry).await;
            return Err(error.into());
        }
    };
    let output = format!("{}\n{}", finished.stdout, finished.stderr);
    let ended = Ended {
        outcome: finished.outcome,
        stdout: &finished.stdout,
        stderr: &finished.stderr,
        timeout_secs: limits.timeout.as_secs(),
        network: online,
        cause: classify(before_left_out(&output), &log),
        refused: &log.refused,
    };
    let refusals = (!log.refused.is_empty()).then(|| {
        format!(
            "dependencies of {}: the install tried to reach {}; ato's allow-list proxy refused it",
            manifest.source,
            log.refused.join(", ")
        )
    });
    let how = match settings.network {
        DepsNetwork::Registries => " through the allow-list proxy",
        DepsNetwork::Open => " with an open network",
        DepsNetwork::Off => " without network",
    };
    let secs = finished.duration.as_secs_f64();
    let mut prepared = match judge(manifest, &ended) {
        Fill::Installed => {
            cache::mark_complete(docker, entry).await?;
            let mut prepared = mounted(&entry.data, CacheUse::Filled, started);
            prepared.notes.push(format!(
                "dependencies of {}: installed into the cache {} in {secs:.1} s{how}",
                manifest.source, entry.data,
            ));
            prepared
        }
        Fill::Partial(problems) => {
            // Copied out of the entry, which then goes like a failed fill's: never served as complete.
            let kept = partial::keep(sandbox, run_id, image, limits, entry, cancel).await;
            discard(docker, entry).await;
            let mut prepared = match kept? {
                Kept::In(volume) => {
                    let mut prepared = mounted(&volume, CacheUse::Partial, started);
                    prepared.notes.push(format!(
                        "dependencies of {}: installed all but {} in {secs:.1} s{how}, into {volume} for \
                         this run only: not cached, so the next run tries them all again",
                        manifest.source,
                        left_out(problems.len()),
                    ));
                    prepared.run_volume = Some(volume);
                    prepared
                }
                Kept::Lost(why) => {
                    tracing::warn!(cache = %entry.data, why, "a partial dependency fill was lost");
                    let mut prepared = Prepared::new(CacheUse::Failed, started);
                    prepared.notes.push(format!(
                        "dependencies of {}: all but {} were installed, but could not be kept for the \
                         tests ({why}); none are used",
                        manifest.source,
                        left_out(problems.len()),
                    ));
                    prepared
                }
            };
            prepared.problems = problems;
            prepared.install_output = Some(output);
            prepared
        }
        Fill::Failed(problems) => {
            tracing::info!(cache = %entry.data, stderr = %finished.stderr, "the dependency phase failed");
            discard(docker, entry).await;
            let mut prepared = Prepared::new(CacheUse::Failed, started);
            prepared.problems = problems;
            prepared.install_output = Some(output);
            prepared
        }
    };
    prepared.notes.extend(refusals);
    Ok(prepared)
}

/// Reads the proxy's log and removes it with its network; nothing without a proxy.
async fn close(egress: Option<proxy::Egress>) -> ProxyLog {
    match egress {
        Some(egress) => egress.finish().await,
        None => ProxyLog::default(),
    }
}

/// `1 package` / `3 packages`, of those left out.
fn left_out(count: usize) -> String {
    match count {
        1 => "1 package".into(),
        n => format!("{n} packages"),
    }
}

/// Removes what the dependency phase made for this run only (a partial fill's volume), once the runner's run
/// that mounted it is over.
pub async fn release(sandbox: &Sandbox, prepared: &Prepared) {
    if let Some(volume) = &prepared.run_volume {
        partial::release(sandbox, volume).await;
    }
}

fn mounted(volume: &str, cache: CacheUse, started: Instant) -> Prepared {
    let mut prepared = Prepared::new(cache, started);
    prepared.mount = Some(VolumeMount {
        volume: volume.to_string(),
        target: DEPS_DIR.to_string(),
        read_only: true,
    });
    prepared
}

/// A failed or partial fill is never cached.
async fn discard(docker: &bollard::Docker, entry: &CacheEntry) {
    if let Err(error) = cache::remove(docker, entry).await {
        tracing::warn!(cache = %entry.data, %error, "could not remove a failed dependency cache");
    }
}
