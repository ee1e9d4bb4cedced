//! Numbers for `/metrics`, computed from the jobs table so they survive restarts and agree with the queue.

use rusqlite::Connection;

use super::StoreError;
use super::records::{JobState, JobStats};

/// Upper bounds (seconds) of the job-duration histogram: a run takes seconds to tens of minutes.
pub const DURATION_BUCKETS_SECS: [f64; 9] =
    [1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0];

pub(super) fn job_stats(conn: &Connection) -> Result<JobStats, StoreError> {
    let mut by_state: Vec<(JobState, u64)> = JobState::ALL.iter().map(|s| (*s, 0)).collect();
    let mut stmt = conn.prepare_cached("SELECT state, count(*) FROM jobs GROUP BY state")?;
    let rows = stmt.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (state, count) = row?;
        if let Some(slot) = by_state.iter_mut().find(|(s, _)| s.as_str() == state) {
            slot.1 = u64::try_from(count).unwrap_or(0);
        }
    }
    // One aggregate query, so a scrape costs the same however many jobs the table holds.
    let bucket_sums: Vec<String> = DURATION_BUCKETS_SECS
        .iter()
        .map(|bound| format!("COALESCE(SUM(d <= {}), 0)", (*bound * 1000.0) as i64))
        .collect();
    let sql = format!(
        "SELECT count(*), COALESCE(SUM(d), 0), {} FROM (
             SELECT MAX(finished_at - started_at, 0) AS d FROM jobs
             WHERE state IN ('succeeded', 'failed') AND started_at IS NOT NULL AND finished_at IS NOT NULL)",
        bucket_sums.join(", ")
    );
    let (count, sum_ms, buckets) = conn.query_row(&sql, [], |row| {
        let mut buckets = Vec::with_capacity(DURATION_BUCKETS_SECS.len());
        for i in 0..DURATION_BUCKETS_SECS.len() {
            buckets.push(row.get::<_, i64>(i + 2)?);
        }
        Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, buckets))
    })?;
    let count = u64::try_from(count).unwrap_or(0);
    let mut duration_buckets: Vec<(f64, u64)> = DURATION_BUCKETS_SECS
        .iter()
        .zip(buckets)
        .map(|(bound, n)| (*bound, u64::try_from(n).unwrap_or(0)))
        .collect();
    duration_buckets.push((f64::INFINITY, count));
    Ok(JobStats {
        by_state,
        duration_buckets,
        duration_count: count,
        duration_sum_secs: sum_ms as f64 / 1000.0,
    })
}
