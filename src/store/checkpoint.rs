//! WAL checkpoints off the request path.
//!
//! SQLite normally checkpoints inside the commit that crosses the WAL threshold, so one unlucky delivery waits
//! for pages to be copied into the database and fsynced. Here a background thread with its own connection runs
//! a PASSIVE checkpoint (which never blocks writers) a few times a second, and the writer's own automatic
//! checkpoint is only a safety net at a much larger threshold. The thread stops when its store is dropped.

use std::path::PathBuf;
use std::sync::{Mutex, Weak};
use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;

/// How often the background checkpoint runs.
const INTERVAL: Duration = Duration::from_millis(250);
/// The writer's own checkpoint threshold, in pages (~40 MB): reached only if the background thread falls behind.
pub(super) const WRITER_AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// Starts the checkpoint thread for the database at `path`; it ends once `alive` can no longer be upgraded.
pub(super) fn spawn(path: PathBuf, alive: Weak<Mutex<Connection>>) -> Result<(), StoreError> {
    let conn = Connection::open(&path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    std::thread::Builder::new()
        .name("ato-db-checkpoint".into())
        .spawn(move || {
            loop {
                std::thread::sleep(INTERVAL);
                if alive.strong_count() == 0 {
                    break;
                }
                if let Err(error) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(%error, "background WAL checkpoint failed; the writer's own will take over");
                }
            }
        })
        .map_err(|e| StoreError::Task(format!("cannot start the checkpoint thread: {e}")))?;
    Ok(())
}
