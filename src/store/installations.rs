//! The installations tables: which accounts installed the app and which repositories it may see. Nothing runs
//! from them; they are recorded for the worker (e.g. to refuse jobs of a suspended installation) and operators.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::records::{Installation, InstallationAction, InstallationChange, RepoRef};
use super::sql::{exec, from_sql_int, to_sql_int};
use crate::ids::InstallationId;

pub(super) fn apply(
    tx: &Connection,
    change: &InstallationChange,
    now: i64,
) -> Result<(), StoreError> {
    let id = change.installation_id;
    if change.action == InstallationAction::Delete {
        // installation_repos rows go with it (ON DELETE CASCADE).
        exec(tx, "DELETE FROM installations WHERE id = ?1", [id])?;
        return Ok(());
    }
    exec(
        tx,
        "INSERT INTO installations (id, account_login, suspended, updated_at) VALUES (?1, ?2, 0, ?3)
         ON CONFLICT (id) DO UPDATE SET account_login = COALESCE(excluded.account_login, account_login),
                                        updated_at = excluded.updated_at",
        params![id, change.account_login, now],
    )?;
    match change.action {
        InstallationAction::Suspend => {
            exec(
                tx,
                "UPDATE installations SET suspended = 1 WHERE id = ?1",
                [id],
            )?;
        }
        InstallationAction::Unsuspend => {
            exec(
                tx,
                "UPDATE installations SET suspended = 0 WHERE id = ?1",
                [id],
            )?;
        }
        InstallationAction::Upsert | InstallationAction::Delete => {}
    }
    for repo in &change.repos_added {
        exec(
            tx,
            "INSERT INTO installation_repos (installation_id, repo_id, full_name) VALUES (?1, ?2, ?3)
             ON CONFLICT (installation_id, repo_id) DO UPDATE SET full_name = excluded.full_name",
            params![id, to_sql_int(repo.id), repo.full_name],
        )?;
    }
    for repo in &change.repos_removed {
        exec(
            tx,
            "DELETE FROM installation_repos WHERE installation_id = ?1 AND repo_id = ?2",
            params![id, to_sql_int(repo.id)],
        )?;
    }
    Ok(())
}

pub(super) fn get(
    conn: &Connection,
    id: InstallationId,
) -> Result<Option<Installation>, StoreError> {
    let Some((account_login, suspended)) = conn
        .query_row(
            "SELECT account_login, suspended FROM installations WHERE id = ?1",
            [id],
            |row| Ok((row.get::<_, Option<String>>(0)?, row.get::<_, bool>(1)?)),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt = conn.prepare(
        "SELECT repo_id, full_name FROM installation_repos WHERE installation_id = ?1 ORDER BY full_name",
    )?;
    let repos = stmt
        .query_map([id], |row| {
            Ok(RepoRef {
                id: from_sql_int(row.get(0)?),
                full_name: row.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Installation {
        id,
        account_login,
        suspended,
        repos,
    }))
}
