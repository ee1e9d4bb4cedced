//! One job from start to end: volume → container → upload → exec with a deadline → download → removal.

use std::time::{Duration, Instant};

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::exec::StartExecResults;
use bollard::query_parameters::{
    CreateContainerOptions, DownloadFromContainerOptions, KillContainerOptions,
    UploadToContainerOptions, WaitContainerOptions,
};
use futures_util::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;

use super::Engine;
use super::cleanup::CleanupGuard;
use super::error::{SandboxError, is_not_found};
use super::job::{Finished, Job, SIGKILL_EXIT, classify};
use super::mounts::WORKSPACE_DIR;
use super::output::CappedBuffer;
use super::spec::{self, JobIds};
use super::tar_owner;

/// The longest pause between two looks at whether the job's exec has ended.
const MAX_EXIT_POLL: Duration = Duration::from_millis(200);
/// How long a killed container may take to stop before its OOM flag is read.
const STOP_WAIT: Duration = Duration::from_secs(30);

/// See [`super::Sandbox::run`].
pub(super) async fn run(
    docker: &Docker,
    engine: &Engine,
    mut job: Job,
    cancel: &CancellationToken,
) -> Result<Finished, SandboxError> {
    job.validate()?;
    tar_owner::give_entries_to(&mut job.workspace_tar, job.user)
        .map_err(SandboxError::BadWorkspace)?;
    let workspace = std::mem::take(&mut job.workspace_tar);
    let ids = JobIds::new(&job.run_id);
    tracing::debug!(job = %ids.token, image = %job.image, "starting a sandboxed job");

    let guard = CleanupGuard::new(docker.clone(), engine, ids.clone());
    let result = tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(SandboxError::Cancelled),
        result = execute(docker, engine.runtime.as_deref(), &job, &ids, workspace) => result,
    };
    match guard.clean().await {
        Ok(_) => {}
        // The job's own result matters more; the start-up sweep removes what is left.
        Err(error) => {
            tracing::error!(run_id = %job.run_id, %error, "could not remove a sandbox container")
        }
    }
    result
}

async fn execute(
    docker: &Docker,
    runtime: Option<&str>,
    job: &Job,
    ids: &JobIds,
    workspace: Vec<u8>,
) -> Result<Finished, SandboxError> {
    let argv = match &job.command {
        Some(argv) => argv.clone(),
        None => image_command(docker, &job.image).await?,
    };
    let name = ids.name();
    docker
        .create_volume(spec::workspace_volume(job, ids))
        .await
        .map_err(SandboxError::docker("create the workspace volume"))?;
    let options = CreateContainerOptions {
        name: Some(name.clone()),
        ..Default::default()
    };
    docker
        .create_container(Some(options), spec::container(job, ids, runtime))
        .await
        .map_err(|e| match is_not_found(&e) {
            true => SandboxError::ImageMissing {
                image: job.image.clone(),
            },
            false => SandboxError::docker("create the container")(e),
        })?;
    docker
        .start_container(&name, None)
        .await
        .map_err(SandboxError::docker(
            "start the container (its image must provide `sleep`)",
        ))?;
    if !workspace.is_empty() {
        let options = UploadToContainerOptions {
            path: WORKSPACE_DIR.to_string(),
            ..Default::default()
        };
        let body = bollard::body_full(workspace.into());
        docker
            .upload_to_container(&name, Some(options), body)
            .await
            .map_err(SandboxError::docker("upload the workspace"))?;
    }

    let exec = docker
        .create_exec(&name, spec::job_exec(job, argv))
        .await
        .map_err(SandboxError::docker("create the job's exec"))?;
    let started = Instant::now();
    let mut stdout = CappedBuffer::new(job.limits.output_bytes);
    let mut stderr = CappedBuffer::new(job.limits.output_bytes);
    // The deadline covers the output and the exit: a job that closes its output and goes on running is
    // still running.
    let attached = async {
        match docker.start_exec(&exec.id, None).await {
            Ok(StartExecResults::Attached { output, .. }) => {
                drain(output, &mut stdout, &mut stderr).await
            }
            Ok(StartExecResults::Detached) => {}
            Err(e) => return Err(SandboxError::docker("start the job")(e)),
        }
        exec_exit_code(docker, &exec.id).await
    };
    let (timed_out, exit_code) = match tokio::time::timeout(job.limits.timeout, attached).await {
        Ok(exit_code) => (false, exit_code?),
        Err(_) => (true, None),
    };
    let duration = started.elapsed();
    if timed_out {
        // Freeze the job so what it wrote so far can be collected; the volume stays mounted while paused.
        if let Err(error) = docker.pause_container(&name).await {
            tracing::warn!(%error, "could not pause the timed-out container");
        }
    }
    let (results_tar, results_too_large) =
        download(docker, &name, &job.results_dir, job.limits.results_bytes).await?;
    let oom_killed = match (timed_out, exit_code) {
        (false, None | Some(SIGKILL_EXIT)) => stop_and_read_oom(docker, &name).await?,
        _ => false,
    };
    Ok(Finished {
        outcome: classify(timed_out, exit_code, oom_killed),
        output_truncated: stdout.truncated() || stderr.truncated(),
        stdout: stdout.into_text(),
        stderr: stderr.into_text(),
        results_tar,
        results_too_large,
        duration,
    })
}

/// The image's entrypoint followed by its command, as `docker run IMAGE` would run them.
async fn image_command(docker: &Docker, image: &str) -> Result<Vec<String>, SandboxError> {
    let inspected = docker
        .inspect_image(image)
        .await
        .map_err(|e| match is_not_found(&e) {
            true => SandboxError::ImageMissing {
                image: image.to_string(),
            },
            false => SandboxError::docker("inspect the image")(e),
        })?;
    let config = inspected.config.unwrap_or_default();
    let argv: Vec<String> = config
        .entrypoint
        .unwrap_or_default()
        .into_iter()
        .chain(config.cmd.unwrap_or_default())
        .collect();
    if argv.is_empty() {
        return Err(SandboxError::InvalidJob(format!(
            "image {image} has no default command and the job gives none"
        )));
    }
    Ok(argv)
}

/// Reads the job's output to its end, keeping what the caps allow. A broken stream ends the output; the exit
/// code (or its absence) then tells what happened.
async fn drain(
    mut output: impl Stream<Item = Result<LogOutput, bollard::errors::Error>> + Unpin,
    stdout: &mut CappedBuffer,
    stderr: &mut CappedBuffer,
) {
    while let Some(chunk) = output.next().await {
        match chunk {
            Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                stdout.push(&message)
            }
            Ok(LogOutput::StdErr { message }) => stderr.push(&message),
            Ok(LogOutput::StdIn { .. }) => {}
            Err(error) => {
                tracing::warn!(%error, "the job's output stream broke");
                break;
            }
        }
    }
}

/// Waits until Docker reports the exec ended and returns its exit code; `None` when the process never
/// reported one (its container died under it). The caller's deadline bounds the wait.
async fn exec_exit_code(docker: &Docker, exec_id: &str) -> Result<Option<i64>, SandboxError> {
    let mut pause = Duration::from_millis(5);
    loop {
        let inspected = docker
            .inspect_exec(exec_id)
            .await
            .map_err(SandboxError::docker("inspect the job's exec"))?;
        if inspected.running != Some(true) {
            return Ok(inspected.exit_code);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MAX_EXIT_POLL);
    }
}

/// Downloads `dir` as a tar, up to `limit` bytes. `(None, false)` when the directory does not exist (or the
/// container is gone), `(None, true)` when it is over the limit.
async fn download(
    docker: &Docker,
    container: &str,
    dir: &str,
    limit: u64,
) -> Result<(Option<Vec<u8>>, bool), SandboxError> {
    let options = DownloadFromContainerOptions {
        path: dir.to_string(),
    };
    let mut stream = docker.download_from_container(container, Some(options));
    let mut tar = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => {
                if (tar.len() + bytes.len()) as u64 > limit {
                    return Ok((None, true));
                }
                tar.extend_from_slice(&bytes);
            }
            Err(e) if is_not_found(&e) => return Ok((None, false)),
            // A container that died (holder killed by the OOM killer) has nothing to give.
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 409, ..
            }) => {
                return Ok((None, false));
            }
            Err(e) => return Err(SandboxError::docker("download the results")(e)),
        }
    }
    Ok((Some(tar), false))
}

/// Kills the container, waits for it to stop and reads whether the OOM killer struck. Docker 20.10 records
/// `OOMKilled` only when the container stops, so this must come after the download.
async fn stop_and_read_oom(docker: &Docker, container: &str) -> Result<bool, SandboxError> {
    match docker
        .kill_container(
            container,
            Some(KillContainerOptions {
                signal: "KILL".into(),
            }),
        )
        .await
    {
        Ok(()) => {}
        // 409: already stopped (its holder was the OOM killer's victim).
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 409, ..
        }) => {}
        Err(e) => return Err(SandboxError::docker("kill the container")(e)),
    }
    let options = WaitContainerOptions {
        condition: "not-running".into(),
    };
    let mut wait = docker.wait_container(container, Some(options));
    // The wait answers an error for a non-zero exit code; only its end matters here.
    let _ = tokio::time::timeout(STOP_WAIT, wait.next()).await;
    let inspected = docker
        .inspect_container(container, None)
        .await
        .map_err(SandboxError::docker("inspect the container"))?;
    Ok(inspected
        .state
        .and_then(|state| state.oom_killed)
        .unwrap_or(false))
}
