//! Small SQL helpers every table module of the store uses: cached statements and the conversion of GitHub's
//! unsigned ids to SQLite's signed integers.

use rusqlite::Connection;

/// Executes through the connection's statement cache: parsing SQL on every delivery costs more than running it.
pub(super) fn exec(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// GitHub ids fit in i63; SQLite integers are i64. Saturate rather than wrap on the absurd.
pub(super) fn to_sql_int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub(super) fn from_sql_int(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}
