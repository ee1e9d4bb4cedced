//! The durable store: webhook deliveries, the job queue and installations, in one SQLite file
//! (`ATO_DATA_DIR/ato.db`).
//!
//! Why SQLite: a crash must not lose work (an in-memory queue would), and one file needs no other service.
//! The database runs in WAL mode; `synchronous` is NORMAL by default — a committed transaction survives a crash
//! of the process, and only an OS crash or power cut can lose the last few commits (FULL, which also survives
//! those at the cost of an fsync per delivery, is [`Durability::Full`]).
//!
//! Checkpoints are SQLite's automatic ones (every ~1000 WAL pages, in the committing connection): a
//! background checkpointer was tried and dropped — it kept the writer from restarting the WAL, which then grew
//! without bound under steady load (see the store test on WAL size). What made those checkpoints slow, flushing
//! the whole WAL, is done ahead by a background thread instead ([`wal_flush`]).
//!
//! rusqlite is blocking, so every call runs on the store's own database thread ([`writer`]), never on the async
//! runtime; waiting calls share one commit (group commit). Several processes or stores on one file are safe
//! because every batch is one `IMMEDIATE` transaction.

mod installations;
mod jobs;
mod migrations;
pub(crate) mod records;
mod sql;
mod stats;
mod wal_flush;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use rusqlite::Connection;

use crate::ids::{CommitSha, InstallationId, PrNumber, RepoName, RunId};
pub use records::*;

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "ato.db";

/// How hard a commit is pushed to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// WAL + `synchronous=NORMAL`: survives a process crash; an OS crash may lose the last commits.
    #[default]
    Normal,
    /// WAL + `synchronous=FULL`: every commit is fsynced.
    Full,
}

/// A store failure. These are ato's faults, never the sender's: the webhook answers them with 503.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration {version} failed: {source}")]
    Migration {
        version: u32,
        source: rusqlite::Error,
    },
    #[error("the database is newer (schema version {found}) than this ato knows ({known})")]
    SchemaTooNew { found: u32, known: u32 },
    #[error("stored job {id} is unreadable: {reason}")]
    Corrupt { id: i64, reason: String },
    #[error("the database task stopped unexpectedly: {0}")]
    Task(String),
    #[error("the database did not complete the request (see the log)")]
    Unavailable,
}

/// Handle to the database; cheap to clone, shared by the server and the workers.
#[derive(Clone)]
pub struct Store {
    ops: mpsc::Sender<writer::Operation>,
    path: Arc<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) `data_dir/ato.db` with the default durability and applies pending migrations.
    pub async fn open(data_dir: &Path) -> Result<Store, StoreError> {
        Self::open_file(&data_dir.join(DATABASE_FILE), Durability::default()).await
    }

    /// Opens a database file with the given durability and applies pending migrations.
    pub async fn open_file(path: &Path, durability: Durability) -> Result<Store, StoreError> {
        let path = path.to_path_buf();
        let opened = path.clone();
        let conn = tokio::task::spawn_blocking(move || -> Result<Connection, StoreError> {
            if let Some(dir) = opened.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            let mut conn = Connection::open(&opened)?;
            conn.busy_timeout(Duration::from_secs(5))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            let sync = match durability {
                Durability::Normal => "NORMAL",
                Durability::Full => "FULL",
            };
            conn.pragma_update(None, "synchronous", sync)?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            migrations::apply(&mut conn)?;
            Ok(conn)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))??;
        let path = Arc::new(path);
        // The thread stops with the last handle: every clone of the store shares `path`.
        wal_flush::spawn(&path, Arc::downgrade(&path))?;
        Ok(Store {
            ops: writer::spawn(conn)?,
            path,
        })
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the database thread inside a transaction shared with other waiting calls (group commit), and
    /// answers once that transaction is committed. If `f` fails, only its own writes are rolled back.
    async fn call<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let op: writer::Operation = Box::new(move |conn| {
            let result = f(conn);
            let ok = result.is_ok();
            let complete: writer::Completion = Box::new(move |commit_error| {
                let result = match commit_error {
                    None => result,
                    Some(error) => Err(StoreError::Task(format!("commit failed: {error}"))),
                };
                let _ = answer.send(result);
            });
            (ok, complete)
        });
        self.ops.send(op).map_err(|_| StoreError::Unavailable)?;
        answered.await.map_err(|_| StoreError::Unavailable)?
    }

    /// Records a delivery and everything it causes in ONE transaction, deduplicated on the delivery id: a
    /// redelivery writes nothing and returns [`Recorded::Duplicate`]. A job with a head sha cancels the older
    /// queued/running jobs of the same PR on another head (returned as `superseded`).
    pub async fn record_delivery_with_jobs(&self, intake: Intake) -> Result<Recorded, StoreError> {
        self.call(move |conn| jobs::record(conn, &intake, now_ms()))
            .await
    }

    /// Takes the oldest queued job and marks it running, atomically: two workers never get the same job.
    pub async fn claim_next(&self) -> Result<Option<Job>, StoreError> {
        self.call(|conn| jobs::claim_next(conn, now_ms())).await
    }

    /// Ends a running job. Returns false (and changes nothing) when the job is not running — typically because
    /// it was cancelled meanwhile.
    pub async fn finish(&self, id: JobId, outcome: JobOutcome) -> Result<bool, StoreError> {
        self.call(move |conn| jobs::finish(conn, id, &outcome, now_ms()))
            .await
    }

    /// The run ids of jobs left running: at start-up, before [`Store::requeue_running`] forgets them, so the
    /// containers of exactly those runs can be removed without touching other processes' runs.
    pub async fn running_run_ids(&self) -> Result<Vec<RunId>, StoreError> {
        self.call(jobs::running_run_ids).await
    }

    /// Start-up crash recovery: jobs left running by a previous process are queued again, unless they were
    /// already claimed [`jobs::MAX_ATTEMPTS`] times (then they are failed, so a job that kills the process
    /// cannot loop forever).
    pub async fn requeue_running(&self) -> Result<Requeued, StoreError> {
        self.call(|conn| jobs::requeue_running(conn, now_ms()))
            .await
    }

    /// Cancels the queued/running jobs of a PR whose head is not `new_head`; returns their ids so the worker can
    /// kill their containers.
    pub async fn supersede(
        &self,
        repo: &RepoName,
        pr_number: PrNumber,
        new_head: &CommitSha,
    ) -> Result<Vec<JobId>, StoreError> {
        let (repo, new_head) = (repo.to_string(), new_head.clone());
        self.call(move |conn| {
            jobs::supersede(conn, &repo, pr_number, &new_head, i64::MAX, now_ms())
        })
        .await
    }

    /// Whether a job was cancelled (the worker polls this during a run).
    pub async fn is_cancelled(&self, id: JobId) -> Result<bool, StoreError> {
        Ok(self
            .job(id)
            .await?
            .is_some_and(|job| job.state == JobState::Cancelled))
    }

    /// Records the run id and report-link token given to a claimed job.
    pub async fn set_run(
        &self,
        id: JobId,
        run_id: &RunId,
        report_token: &str,
    ) -> Result<(), StoreError> {
        let (run_id, token) = (run_id.clone(), report_token.to_owned());
        self.call(move |conn| jobs::set_run(conn, id, &run_id, &token, now_ms()))
            .await
    }

    /// Fills in the head and base of a job whose head was unknown at intake (comment commands).
    pub async fn set_head(
        &self,
        id: JobId,
        head_sha: &CommitSha,
        base_sha: &CommitSha,
    ) -> Result<(), StoreError> {
        let (head, base) = (head_sha.clone(), base_sha.clone());
        self.call(move |conn| jobs::set_head(conn, id, &head, &base, now_ms()))
            .await
    }

    pub async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        self.call(move |conn| jobs::get(conn, id)).await
    }

    /// The runs of the same pull request that completed before job `before`, newest first (at most `limit`):
    /// where the worker finds the previous results to compare a run with.
    pub async fn earlier_runs(
        &self,
        repo: &RepoName,
        pr_number: PrNumber,
        before: JobId,
        limit: usize,
    ) -> Result<Vec<RunId>, StoreError> {
        let repo = repo.to_string();
        self.call(move |conn| jobs::earlier_runs(conn, &repo, pr_number, before, limit))
            .await
    }

    /// The jobs a delivery created, oldest first.
    pub async fn jobs_for_delivery(&self, delivery_id: &str) -> Result<Vec<Job>, StoreError> {
        let id = delivery_id.to_owned();
        self.call(move |conn| jobs::for_delivery(conn, &id)).await
    }

    pub async fn delivery(&self, id: &str) -> Result<Option<DeliveryRow>, StoreError> {
        let id = id.to_owned();
        self.call(move |conn| jobs::delivery(conn, &id)).await
    }

    pub async fn installation(
        &self,
        id: InstallationId,
    ) -> Result<Option<Installation>, StoreError> {
        self.call(move |conn| installations::get(conn, id)).await
    }

    /// Job counts and durations for `/metrics`.
    pub async fn job_stats(&self) -> Result<JobStats, StoreError> {
        self.call(stats::job_stats).await
    }

    /// Forgets deliveries received before `cutoff_ms` (Unix milliseconds) that created no job, and returns how
    /// many. GitHub redelivers only recent deliveries (days), so old ids are no longer needed for dedupe; the
    /// worker may call this daily with a cutoff of a few weeks.
    pub async fn prune_deliveries(&self, cutoff_ms: i64) -> Result<usize, StoreError> {
        self.call(move |conn| {
            let removed = conn.execute(
                "DELETE FROM deliveries WHERE received_at < ?1
                 AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.delivery_id = deliveries.id)",
                [cutoff_ms],
            )?;
            Ok(removed)
        })
        .await
    }

    /// A cheap query proving the database answers (for `/healthz`).
    pub async fn check(&self) -> Result<(), StoreError> {
        self.call(|conn| {
            conn.query_row("SELECT count(*) FROM schema_version", [], |row| {
                row.get::<_, i64>(0)
            })?;
            Ok(())
        })
        .await
    }
}

/// Now, in Unix milliseconds.
fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
