//! Small SQL helpers every table module of the store uses: cached statements, the conversion of GitHub's
//! unsigned ids to SQLite's signed integers, and the typed ids as SQL values (the columns keep their types:
//! numbers as INTEGER, shas and run ids as TEXT).

use rusqlite::Connection;
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::ids::{CommitSha, InstallationId, PrNumber, RunId};

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

macro_rules! number_column {
    ($($id:ty),*) => {$(
        impl ToSql for $id {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(to_sql_int(self.0).into())
            }
        }

        impl FromSql for $id {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map(|n| Self(from_sql_int(n)))
            }
        }
    )*};
}

macro_rules! text_column {
    ($($id:ty),*) => {$(
        impl ToSql for $id {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl FromSql for $id {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                String::column_result(value).map(Self)
            }
        }
    )*};
}

number_column!(InstallationId, PrNumber);
text_column!(CommitSha, RunId);
