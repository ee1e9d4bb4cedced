//! Flushes the write-ahead log to disk in the background, so the checkpoints inside commits stay short.
//!
//! With `synchronous=NORMAL` a commit only writes its pages to the WAL (no fsync). SQLite's automatic
//! checkpoint — run by the committing connection once the WAL holds ~1000 pages — first fsyncs the WAL, then
//! copies its pages into the database and fsyncs that. The first fsync had all ~4 MB of the WAL to write out:
//! most of the checkpoint's 5–12 ms on a small VM, during which that commit and every delivery queued behind it
//! waited. This thread fsyncs the WAL file every [`INTERVAL`] (unless it is unchanged since the last time), so
//! the checkpoint's own fsync finds at most one interval's pages left: 1–3 ms per checkpoint. The checkpoint
//! itself, and so the bound on the WAL's size, stays SQLite's: nothing here changes what is durable or when; it
//! only does part of the same disk work earlier, off the database thread.
//!
//! The WAL file is only read through its own descriptor here (fsync works on a read-only one), never locked:
//! SQLite keeps its WAL locks in the `-shm` file and the database file, which this thread never opens.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Weak;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use super::StoreError;

/// How often the WAL is flushed: at 1,000 deliveries/s, some 150 pages each time.
const INTERVAL: Duration = Duration::from_millis(20);

/// The WAL file SQLite keeps beside the database `path`.
pub(super) fn wal_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// Starts the flushing thread for the database at `database`. It ends once `alive` has no strong reference
/// left (the last store handle dropped), within one [`INTERVAL`].
pub(super) fn spawn<T: Send + Sync + 'static>(
    database: &Path,
    alive: Weak<T>,
) -> Result<JoinHandle<()>, StoreError> {
    let wal = wal_path(database);
    std::thread::Builder::new()
        .name("ato-wal-flush".into())
        .spawn(move || {
            let mut file: Option<File> = None;
            let mut flushed_at: Option<SystemTime> = None;
            let mut warned = false;
            while alive.strong_count() > 0 {
                std::thread::sleep(INTERVAL);
                if file.is_none() {
                    // The WAL exists once the database is open in WAL mode; until then there is nothing to flush.
                    file = File::open(&wal).ok();
                }
                let Some(open) = &file else { continue };
                // Unchanged since the last flush (an idle server): no fsync, which would still cost a disk flush.
                let modified = open.metadata().and_then(|m| m.modified()).ok();
                if modified.is_some() && modified == flushed_at {
                    continue;
                }
                match open.sync_data() {
                    Ok(()) => flushed_at = modified,
                    Err(error) if !warned => {
                        // Harmless for durability (SQLite's checkpoint syncs anyway); only its speed suffers.
                        tracing::warn!(%error, "database: cannot flush the WAL in the background");
                        warned = true;
                    }
                    Err(_) => {}
                }
            }
        })
        .map_err(|e| StoreError::Task(format!("cannot start the WAL flushing thread: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_thread_runs_while_a_handle_lives_and_ends_with_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("ato.db");
        let conn = rusqlite::Connection::open(&database).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        assert!(wal_path(&database).exists());
        let alive = Arc::new(());
        let thread = spawn(&database, Arc::downgrade(&alive)).unwrap();
        std::thread::sleep(INTERVAL * 3);
        assert!(!thread.is_finished(), "it runs while a handle is alive");
        drop(alive);
        thread.join().unwrap();
    }

    #[test]
    fn the_wal_sits_beside_the_database() {
        assert_eq!(
            wal_path(Path::new("data/ato.db")),
            PathBuf::from("data/ato.db-wal")
        );
    }
}
