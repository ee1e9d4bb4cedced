//! `ato serve`: settings, the durable store, the sandbox, the workers and the HTTP server, started in the
//! order that loses nothing — unfinished jobs are requeued and leftover containers swept before anything new
//! is accepted.
//!
//! Every setting is checked before anything starts, and every problem reported together. Without app
//! credentials the server starts in set-up mode: it serves `/setup`, and the workers start as soon as the
//! manifest flow has created the app ([`AppSlot::wait`](crate::server::AppSlot::wait)), with no restart.

use std::sync::Arc;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::github::{GithubApp, GithubConfig};
use crate::sandbox::{Limits, Sandbox};
use crate::serve_config::{AppCredentials, ServeConfig};
use crate::server::{self, AppState};
use crate::store::Store;
use crate::worker::{WorkerContext, Workers};

/// Stopped containers and unused volumes labelled ato that are at least this old belong to no live job.
const STALE_LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(120);

/// Every setting, each problem on its own line.
struct Settings {
    config: ServeConfig,
    limits: Limits,
    deps: crate::deps::DepsSettings,
    model: Option<crate::generate::ModelSettings>,
}

fn read_settings() -> anyhow::Result<Settings> {
    let mut problems: Vec<String> = Vec::new();
    let config = ServeConfig::from_env()
        .map_err(|errors| problems.extend(errors.iter().map(|e| format!("  - {e}: {}", e.hint()))))
        .ok();
    let limits = Limits::from_env()
        .map_err(|e| problems.push(format!("  - {e}")))
        .ok();
    let deps = crate::deps::DepsSettings::from_env()
        .map_err(|e| problems.push(format!("  - {e}")))
        .ok();
    let data_dir = config.as_ref().map(|c| c.data_dir.as_path());
    let model = crate::generate::ModelSettings::from_env(data_dir)
        .map_err(|e| problems.push(format!("  - {e}")))
        .ok();
    if let Err(engine) = crate::sandbox::Engine::from_env() {
        problems.extend(engine.iter().map(|e| format!("  - {e}")));
    }
    match (config, limits, deps, model) {
        (Some(config), Some(limits), Some(deps), Some(model)) if problems.is_empty() => {
            Ok(Settings {
                config,
                limits,
                deps,
                model,
            })
        }
        _ => anyhow::bail!(
            "{}\n{}",
            crate::serve_config::ConfigErrors::heading(problems.len()),
            problems.join("\n")
        ),
    }
}

pub async fn run() -> anyhow::Result<()> {
    let Settings {
        config,
        limits,
        deps,
        model,
    } = read_settings()?;
    for note in &deps.notes {
        tracing::warn!("{note}");
    }

    let store = Store::open(&config.data_dir)
        .await
        .with_context(|| format!("cannot open the database in {}", config.data_dir.display()))?;
    let interrupted_runs = store.running_run_ids().await?;
    let requeued = store.requeue_running().await?;
    if !requeued.requeued.is_empty() || !requeued.failed.is_empty() {
        tracing::info!(requeued = ?requeued.requeued, failed = ?requeued.failed, "recovered unfinished jobs");
    }
    let sandbox = Sandbox::connect().await?;
    tracing::info!(engine = %sandbox.engine().describe(), runtime = sandbox.runtime().unwrap_or("default"), "Docker engine for the runner containers");
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
    match state.app.current() {
        Some(app) => tracing::info!(app_id = app.app_id, "GitHub App configured"),
        None => tracing::warn!(
            "no GitHub App yet: open {}/setup to create it; webhooks are taken as soon as it exists",
            config.public_url.as_str().trim_end_matches('/')
        ),
    }
    let shutdown = CancellationToken::new();
    // The workers start when the app exists: at once, or when /setup has created it.
    let worker_pool = tokio::spawn({
        let state = state.clone();
        let (api_url, workers, shutdown) = (
            config.github_api_url.clone(),
            config.workers,
            shutdown.clone(),
        );
        async move {
            let app = tokio::select! {
                app = state.app.wait() => app,
                () = shutdown.cancelled() => return Ok(()),
            };
            let github = github_app(api_url, &app)?;
            let pool = Workers::new(WorkerContext {
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
            let running = tokio::spawn(pool.run(workers, shutdown));
            // Wake the workers for jobs requeued from the last run.
            for _ in 0..workers {
                state.job_wakeup.notify_one();
            }
            let _ = running.await;
            anyhow::Ok(())
        }
    });
    let stop = shutdown.clone();
    let served = server::serve(state, config.bind, async move {
        server::shutdown_signal().await;
        stop.cancel();
    })
    .await;
    shutdown.cancel();
    let workers = worker_pool.await;
    served?;
    workers.context("the worker pool panicked")??;
    Ok(())
}

fn github_app(api_url: url::Url, app: &Arc<AppCredentials>) -> anyhow::Result<GithubApp> {
    let pem = app
        .pem()
        .context("GITHUB_PRIVATE_KEY_PATH was not read")?
        .clone();
    GithubApp::new(GithubConfig::new(api_url, app.app_id, pem))
        .context("cannot set up the GitHub client")
}
