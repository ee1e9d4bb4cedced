//! The database thread: one connection, owned by one thread, with group commit.
//!
//! Every store call is sent here as an operation. The thread takes whatever operations are waiting (up to
//! [`MAX_BATCH`]), runs each inside its own SAVEPOINT of one IMMEDIATE transaction, commits once, and only then
//! answers the callers. A failing operation is rolled back to its savepoint alone. So under load many
//! deliveries share one commit — and one fsync with `synchronous=FULL` — while each caller still hears back only
//! after its writes are committed. Blocking SQLite work never runs on the async runtime.

use std::sync::mpsc;

use rusqlite::Connection;

use super::StoreError;

/// Most operations committed together.
const MAX_BATCH: usize = 256;

/// Called once the batch's commit has succeeded (`None`) or failed (`Some`), to answer the caller.
pub(super) type Completion = Box<dyn FnOnce(Option<&StoreError>) + Send>;
/// Runs inside the batch's transaction; says whether it succeeded (else its savepoint is rolled back).
pub(super) type Operation = Box<dyn FnOnce(&Connection) -> (bool, Completion) + Send>;

/// Starts the thread; it ends when every sender is dropped (the last [`super::Store`] clone).
pub(super) fn spawn(conn: Connection) -> Result<mpsc::Sender<Operation>, StoreError> {
    let (sender, receiver) = mpsc::channel::<Operation>();
    std::thread::Builder::new()
        .name("ato-store".into())
        .spawn(move || run(&conn, &receiver))
        .map_err(|e| StoreError::Task(format!("cannot start the database thread: {e}")))?;
    Ok(sender)
}

fn run(conn: &Connection, receiver: &mpsc::Receiver<Operation>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        run_batch(conn, batch);
    }
}

fn run_batch(conn: &Connection, batch: Vec<Operation>) {
    if let Err(error) = conn.execute_batch("BEGIN IMMEDIATE") {
        // Dropping the operations drops their answer channels: each caller gets StoreError::Unavailable.
        tracing::error!(%error, operations = batch.len(), "database: cannot begin a transaction");
        return;
    }
    let mut completions = Vec::with_capacity(batch.len());
    for op in batch {
        if let Err(error) = conn.execute_batch("SAVEPOINT op") {
            tracing::error!(%error, "database: cannot open a savepoint");
            continue;
        }
        let (ok, completion) = op(conn);
        let end = if ok {
            "RELEASE op"
        } else {
            "ROLLBACK TO op; RELEASE op"
        };
        if let Err(error) = conn.execute_batch(end) {
            tracing::error!(%error, "database: cannot close a savepoint");
        }
        completions.push(completion);
    }
    match conn.execute_batch("COMMIT") {
        Ok(()) => completions.into_iter().for_each(|complete| complete(None)),
        Err(error) => {
            tracing::error!(%error, "database: commit failed");
            let _ = conn.execute_batch("ROLLBACK");
            let error = StoreError::Sqlite(error);
            completions
                .into_iter()
                .for_each(|complete| complete(Some(&error)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    type Log = Arc<Mutex<Vec<String>>>;

    /// An operation inserting `value` into `t`, logging whether it ran and how its batch ended.
    fn insert(value: i64, log: &Log) -> Operation {
        let log = Arc::clone(log);
        Box::new(move |conn| {
            let ok = conn
                .execute("INSERT INTO t (x) VALUES (?1)", [value])
                .is_ok();
            let complete: Completion = Box::new(move |commit_error| {
                let ended = if commit_error.is_none() {
                    "committed"
                } else {
                    "failed"
                };
                log.lock()
                    .unwrap()
                    .push(format!("{value}: ok={ok} {ended}"));
            });
            (ok, complete)
        })
    }

    #[test]
    fn a_failing_operation_is_rolled_back_alone_within_its_batch() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER UNIQUE)")
            .unwrap();
        let log = Log::default();
        let (sender, receiver) = mpsc::channel();
        for value in [1, 1, 2] {
            sender.send(insert(value, &log)).unwrap();
        }
        drop(sender);
        run(&conn, &receiver); // one batch: everything was queued before the thread looked
        let rows: Vec<i64> = conn
            .prepare("SELECT x FROM t ORDER BY x")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows, [1, 2]);
        let log = log.lock().unwrap().clone();
        assert_eq!(
            log,
            [
                "1: ok=true committed",
                "1: ok=false committed",
                "2: ok=true committed"
            ]
        );
        assert!(conn.is_autocommit(), "no transaction is left open");
    }

    #[test]
    fn the_thread_ends_when_the_last_sender_goes() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER UNIQUE)")
            .unwrap();
        let (sender, receiver) = mpsc::channel::<Operation>();
        let thread = std::thread::spawn(move || run(&conn, &receiver));
        drop(sender);
        thread.join().unwrap();
    }
}
