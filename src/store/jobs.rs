//! Deliveries and the job queue in SQL. Every function runs inside the transaction the database thread opened
//! (IMMEDIATE: the write lock is taken at BEGIN, so other stores on the same file queue up instead of failing
//! half-way), which makes each call atomic.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StoreError;
use super::installations;
use super::records::*;
use super::sql::exec;
use crate::ids::{CommitSha, PrNumber, RepoName, RunId};

/// A job claimed this many times and still running at start-up is failed instead of queued again.
pub const MAX_ATTEMPTS: u32 = 3;

const JOB_COLUMNS: &str = "id, delivery_id, payload, installation_id, repo, pr_number, head_sha, base_sha, state, \
     attempts, created_at, updated_at, started_at, finished_at, run_id, report_token, error";

pub(super) fn record(conn: &Connection, intake: &Intake, now: i64) -> Result<Recorded, StoreError> {
    let d = &intake.delivery;
    let inserted = exec(
        conn,
        "INSERT INTO deliveries (id, event, action, received_at, outcome) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO NOTHING",
        params![d.id, d.event, d.action, now, d.outcome],
    )?;
    if inserted == 0 {
        return Ok(Recorded::Duplicate);
    }
    let mut job_ids = Vec::with_capacity(intake.jobs.len());
    let mut superseded = Vec::new();
    for job in &intake.jobs {
        let payload = serde_json::to_string(&job.trigger).expect("a trigger always serialises");
        let repo = job.repo.to_string();
        exec(
            conn,
            "INSERT INTO jobs (delivery_id, kind, installation_id, repo, pr_number, head_sha, base_sha, state,
                               payload, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?8, ?9, ?9)",
            params![
                d.id,
                job.trigger.kind(),
                job.installation_id,
                repo,
                job.pr_number,
                job.head_sha,
                job.base_sha,
                payload,
                now
            ],
        )?;
        let id = conn.last_insert_rowid();
        job_ids.push(id);
        if let Some(head) = &job.head_sha {
            superseded.extend(supersede(conn, &repo, job.pr_number, head, id, now)?);
        }
    }
    if let Some(change) = &intake.installation {
        installations::apply(conn, change, now)?;
    }
    Ok(Recorded::New {
        job_ids,
        superseded,
    })
}

/// Cancels queued/running jobs of the PR, older than `before_id`, whose known head differs from `new_head`.
/// Comment commands whose head is not resolved yet are left alone: they still have to be answered.
///
/// A SELECT and then an UPDATE by id, not one `UPDATE … RETURNING`: SQLite collects RETURNING rows in a
/// temporary table with its own page cache, which every delivery then allocated and freed (page faults and
/// heap trimming on the database thread, ~10 per delivery); the usual answer here is "nothing to cancel",
/// which now costs one index lookup and no write.
pub(super) fn supersede(
    conn: &Connection,
    repo: &str,
    pr_number: PrNumber,
    new_head: &CommitSha,
    before_id: JobId,
    now: i64,
) -> Result<Vec<JobId>, StoreError> {
    let mut ids = conn
        .prepare_cached(
            "SELECT id FROM jobs
             WHERE repo = ?1 AND pr_number = ?2 AND state IN ('queued', 'running')
               AND head_sha IS NOT NULL AND head_sha <> ?3 AND id < ?4",
        )?
        .query_map(params![repo, pr_number, new_head, before_id], |row| {
            row.get(0)
        })?
        .collect::<Result<Vec<JobId>, _>>()?;
    // Oldest first, sorted here rather than by an ORDER BY that would open a sorter per delivery.
    ids.sort_unstable();
    let mut cancel = conn.prepare_cached(
        "UPDATE jobs SET state = 'cancelled', finished_at = ?2, updated_at = ?2,
                         error = 'superseded by a newer head'
         WHERE id = ?1",
    )?;
    for id in &ids {
        cancel.execute(params![id, now])?;
    }
    Ok(ids)
}

pub(super) fn claim_next(conn: &Connection, now: i64) -> Result<Option<Job>, StoreError> {
    let sql = format!(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?1, updated_at = ?1
         WHERE id = (SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1)
         RETURNING {JOB_COLUMNS}"
    );
    let job = conn
        .prepare_cached(&sql)?
        .query_row([now], read_job)
        .optional()?;
    job.transpose()
}

pub(super) fn finish(
    conn: &Connection,
    id: JobId,
    outcome: &JobOutcome,
    now: i64,
) -> Result<bool, StoreError> {
    let (state, error) = match outcome {
        JobOutcome::Succeeded => (JobState::Succeeded, None),
        JobOutcome::Failed { error } => (JobState::Failed, Some(error.as_str())),
    };
    let changed = exec(
        conn,
        "UPDATE jobs SET state = ?2, error = ?3, finished_at = ?4, updated_at = ?4
         WHERE id = ?1 AND state = 'running'",
        params![id, state.as_str(), error, now],
    )?;
    Ok(changed == 1)
}

pub(super) fn requeue_running(conn: &Connection, now: i64) -> Result<Requeued, StoreError> {
    let failed = conn
        .prepare(
            "UPDATE jobs SET state = 'failed', finished_at = ?1, updated_at = ?1,
                             error = 'interrupted too many times (ato restarted during each attempt)'
             WHERE state = 'running' AND attempts >= ?2 RETURNING id",
        )?
        .query_map(params![now, MAX_ATTEMPTS], |row| row.get(0))?
        .collect::<Result<Vec<JobId>, _>>()?;
    let requeued = conn
        .prepare(
            "UPDATE jobs SET state = 'queued', started_at = NULL, run_id = NULL, report_token = NULL,
                             updated_at = ?1
             WHERE state = 'running' RETURNING id",
        )?
        .query_map([now], |row| row.get(0))?
        .collect::<Result<Vec<JobId>, _>>()?;
    let mut result = Requeued { requeued, failed };
    result.requeued.sort_unstable();
    result.failed.sort_unstable();
    Ok(result)
}

/// The run ids of the jobs left running (by a process that is gone, when called at start-up).
pub(super) fn running_run_ids(conn: &Connection) -> Result<Vec<RunId>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT run_id FROM jobs WHERE state = 'running' AND run_id IS NOT NULL ORDER BY id",
    )?;
    let ids = stmt
        .query_map([], |row| row.get(0))?
        .collect::<Result<Vec<RunId>, _>>()?;
    Ok(ids)
}

pub(super) fn set_run(
    conn: &Connection,
    id: JobId,
    run_id: &RunId,
    token: &str,
    now: i64,
) -> Result<(), StoreError> {
    exec(
        conn,
        "UPDATE jobs SET run_id = ?2, report_token = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, run_id, token, now],
    )?;
    Ok(())
}

pub(super) fn set_head(
    conn: &Connection,
    id: JobId,
    head: &CommitSha,
    base: &CommitSha,
    now: i64,
) -> Result<(), StoreError> {
    exec(
        conn,
        "UPDATE jobs SET head_sha = ?2, base_sha = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, head, base, now],
    )?;
    Ok(())
}

pub(super) fn get(conn: &Connection, id: JobId) -> Result<Option<Job>, StoreError> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([id], read_job)
        .optional()?
        .transpose()
}

/// The run ids of the jobs of a pull request that completed before job `before`, newest first.
pub(super) fn earlier_runs(
    conn: &Connection,
    repo: &str,
    pr_number: PrNumber,
    before: i64,
    limit: usize,
) -> Result<Vec<RunId>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT run_id FROM jobs WHERE repo = ?1 AND pr_number = ?2 AND id < ?3 AND state = 'succeeded'
         AND run_id IS NOT NULL ORDER BY id DESC LIMIT ?4",
    )?;
    let runs = stmt
        .query_map(params![repo, pr_number, before, limit as i64], |row| {
            row.get(0)
        })?
        .collect::<Result<Vec<RunId>, _>>()?;
    Ok(runs)
}

pub(super) fn for_delivery(conn: &Connection, delivery_id: &str) -> Result<Vec<Job>, StoreError> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE delivery_id = ?1 ORDER BY id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([delivery_id], read_job)?;
    let mut jobs = Vec::new();
    for row in rows {
        jobs.push(row??);
    }
    Ok(jobs)
}

pub(super) fn delivery(conn: &Connection, id: &str) -> Result<Option<DeliveryRow>, StoreError> {
    let row = conn
        .query_row(
            "SELECT id, event, action, received_at, outcome FROM deliveries WHERE id = ?1",
            [id],
            |row| {
                Ok(DeliveryRow {
                    id: row.get(0)?,
                    event: row.get(1)?,
                    action: row.get(2)?,
                    received_at: row.get(3)?,
                    outcome: row.get(4)?,
                })
            },
        )
        .optional()?;
    Ok(row)
}

/// Reads a job row; the outer error is SQLite's, the inner one a row whose contents ato cannot understand.
fn read_job(row: &Row<'_>) -> rusqlite::Result<Result<Job, StoreError>> {
    let id: JobId = row.get(0)?;
    let payload: String = row.get(2)?;
    let state: String = row.get(8)?;
    let corrupt = |reason: String| StoreError::Corrupt { id, reason };
    let trigger = match serde_json::from_str::<JobTrigger>(&payload) {
        Ok(t) => t,
        Err(e) => return Ok(Err(corrupt(format!("payload: {e}")))),
    };
    let repo: String = row.get(4)?;
    let Some(repo) = RepoName::parse(&repo) else {
        return Ok(Err(corrupt(format!("repository {repo:?}"))));
    };
    let Some(state) = JobState::parse(&state) else {
        return Ok(Err(corrupt(format!("unknown state {state:?}"))));
    };
    Ok(Ok(Job {
        id,
        delivery_id: row.get(1)?,
        trigger,
        installation_id: row.get(3)?,
        repo,
        pr_number: row.get(5)?,
        head_sha: row.get(6)?,
        base_sha: row.get(7)?,
        state,
        attempts: row.get(9)?,
        created_at: row.get(10)?,
        updated_at: row.get(11)?,
        started_at: row.get(12)?,
        finished_at: row.get(13)?,
        run_id: row.get(14)?,
        report_token: row.get(15)?,
        error: row.get(16)?,
    }))
}
