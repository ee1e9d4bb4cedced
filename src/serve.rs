//! `ato serve`: settings, the durable store, the sandbox, the workers and the HTTP server, started in the
//! order that loses nothing — unfinished jobs are requeued and leftover containers swept before anything new
//! is accepted.

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::github::{GithubApp, GithubConfig};
use crate::sandbox::{Limits, Sandbox};
use crate::serve_config::{PrivateKeySource, ServeConfig};
use crate::server::{self, AppState};
use crate::store::Store;
use crate::worker::{WorkerContext, Workers};

/// Stopped containers and unused volumes labelled ato that are at least this old belong to no live job.
const STALE_LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(120);

pub async fn run() -> anyhow::Result<()> {
    let config = ServeConfig::from_env()?;
    let limits = Limits::from_env()?;
    let deps = crate::deps::DepsSettings::from_env()?;
    for note in &deps.notes {
        tracing::warn!("{note}");
    }
    let model = crate::generate::ModelSettings::from_env(Some(&config.data_dir))
        .map_err(anyhow::Error::msg)?;
    let PrivateKeySource::Pem(pem) = config.private_key.clone() else {
        anyhow::bail!("GITHUB_PRIVATE_KEY_PATH was not read");
    };
    let github = GithubApp::new(GithubConfig::new(
        config.github_api_url.clone(),
        config.app_id,
        pem,
    ))
    .context("cannot set up the GitHub client")?;

    let store = Store::open(&config.data_dir)
        .await
        .with_context(|| format!("cannot open the database in {}", config.data_dir.display()))?;
    let interrupted_runs = store.running_run_ids().await?;
    let requeued = store.requeue_running().await?;
    if !requeued.requeued.is_empty() || !requeued.failed.is_empty() {
        tracing::info!(requeued = ?requeued.requeued, failed = ?requeued.failed, "recovered unfinished jobs");
    }
    let sandbox = Sandbox::connect().await?;
    // The containers of this server's interrupted runs are known by run id and go now; anything else labelled
    // ato only when stale, because the engine may be shared (another server, `ato run`, a test suite) and a
    // blanket sweep would kill their running jobs.
    let mut swept = 0;
    for run_id in &interrupted_runs {
        swept += sandbox.sweep_run(run_id).await?;
    }
    swept += sandbox.sweep_stale(STALE_LEFTOVER_AGE).await?;
    if swept > 0 {
        tracing::info!(swept, "removed leftover runner containers");
    }

    let state = AppState::new(&config, store)?;
    // The workers get what they need, and the webhook side's two signals, not the HTTP state.
    let workers = Workers::new(WorkerContext {
        store: state.store.clone(),
        github,
        sandbox,
        limits,
        deps,
        model,
        data_dir: state.data_dir.clone(),
        public_url: state.public_url.clone(),
        report_key: state.report_key.clone(),
        job_wakeup: state.job_wakeup.clone(),
        cancellations: state.cancellations.clone(),
        interrupted_runs: interrupted_runs.into_iter().collect(),
    });
    let shutdown = CancellationToken::new();
    let worker_pool = tokio::spawn(workers.run(config.workers, shutdown.clone()));
    // Wake the workers for jobs requeued from the last run.
    for _ in 0..config.workers {
        state.job_wakeup.notify_one();
    }
    let stop = shutdown.clone();
    let served = server::serve(state, config.bind, async move {
        server::shutdown_signal().await;
        stop.cancel();
    })
    .await;
    shutdown.cancel();
    let _ = worker_pool.await;
    served?;
    Ok(())
}
