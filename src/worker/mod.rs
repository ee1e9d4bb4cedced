//! The workers of `ato serve`: take jobs from the durable job table, run them, report on GitHub.
//!
//! The table is the queue, so a crash loses nothing: at start-up running jobs go back to queued. A newer push
//! to a pull request cancels its older job in the table and, through [`WorkerContext::cancellations`], here:
//! the job's [`CancellationToken`] fires and its containers are killed.

mod context;
mod job;
mod pr_diff;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::{JobId, JobOutcome};

pub use context::WorkerContext;

/// How long an idle worker waits before looking at the table again, in case a wake-up was missed.
const IDLE_POLL: Duration = Duration::from_secs(5);

/// The worker pool: its context, and the cancellation tokens of the jobs running now.
pub struct Workers {
    pub ctx: WorkerContext,
    running: Mutex<HashMap<JobId, CancellationToken>>,
}

impl Workers {
    pub fn new(ctx: WorkerContext) -> Arc<Workers> {
        Arc::new(Workers {
            ctx,
            running: Mutex::new(HashMap::new()),
        })
    }

    /// Runs `concurrency` workers and the cancellation listener until `shutdown` fires.
    pub async fn run(self: Arc<Self>, concurrency: usize, shutdown: CancellationToken) {
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(self.clone().listen_for_cancellations(shutdown.clone()));
        for worker in 0..concurrency.max(1) {
            tasks.spawn(self.clone().work(worker, shutdown.clone()));
        }
        while tasks.join_next().await.is_some() {}
    }

    async fn work(self: Arc<Self>, worker: usize, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            match self.ctx.store.claim_next().await {
                Ok(Some(job)) => self.process(job, &shutdown).await,
                Ok(None) => {
                    tokio::select! {
                        _ = self.ctx.job_wakeup.notified() => {}
                        _ = tokio::time::sleep(IDLE_POLL) => {}
                        _ = shutdown.cancelled() => {}
                    }
                }
                Err(error) => {
                    tracing::error!(worker, %error, "cannot claim a job; retrying");
                    tokio::time::sleep(IDLE_POLL).await;
                }
            }
        }
    }

    async fn process(&self, job: crate::store::Job, shutdown: &CancellationToken) {
        let cancel = shutdown.child_token();
        self.running_jobs().insert(job.id, cancel.clone());
        let span = tracing::info_span!("job", id = job.id, repo = %job.repo, pr = job.pr_number.0, kind = job.trigger.kind());
        let result =
            tracing::Instrument::instrument(job::handle(&self.ctx, &job, &cancel), span).await;
        self.running_jobs().remove(&job.id);
        if shutdown.is_cancelled() {
            // Stopping: the job stays `running` and is requeued at the next start.
            return;
        }
        let outcome = match result {
            Ok(()) => JobOutcome::Succeeded,
            Err(error) => {
                tracing::warn!(id = job.id, %error, "job failed");
                JobOutcome::Failed {
                    error: error.to_string(),
                }
            }
        };
        if let Err(error) = self.ctx.store.finish(job.id, outcome).await {
            tracing::error!(id = job.id, %error, "cannot record the end of a job");
        }
    }

    async fn listen_for_cancellations(self: Arc<Self>, shutdown: CancellationToken) {
        let mut cancellations = self.ctx.cancellations.subscribe();
        loop {
            tokio::select! {
                received = cancellations.recv() => match received {
                    Ok(id) => {
                        if let Some(token) = self.running_jobs().get(&id) {
                            tracing::info!(id, "cancelling a superseded job");
                            token.cancel();
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
                _ = shutdown.cancelled() => return,
            }
        }
    }

    fn running_jobs(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, CancellationToken>> {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
