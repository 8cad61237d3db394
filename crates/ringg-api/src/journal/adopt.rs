//! Entries an earlier version of [`SqliteJournal`](super::SqliteJournal) kept under another
//! spelling of a scope.

use rusqlite::{Connection, params};

use crate::journal::entry::current_scope;

/// Moves the entries an earlier version kept under another spelling of `scope`'s base URL
/// (`HTTPS://Host/…`, a trailing slash, a default port) to `scope`, in one transaction, so
/// that what they left pending is seen. Where `scope` already holds an entry of the same key (a
/// launch or a subscription recorded under both spellings), that entry stays and the other
/// stays under its old spelling. Only reads unless something moves, so opening the journal
/// does not wait for another process's write lock when there is nothing to adopt.
pub(super) fn adopt_other_spellings(conn: &Connection, scope: &str) -> rusqlite::Result<()> {
    let mut moves = Vec::new();
    for (table, key) in TABLES {
        let mut query = conn.prepare(&format!("SELECT DISTINCT scope FROM {table}"))?;
        let scopes = query.query_map([], |r| r.get::<_, String>(0))?;
        for found in scopes {
            let found = found?;
            if found == scope || current_scope(&found).as_deref() != Some(scope) {
                continue;
            }
            let any: bool = conn.query_row(
                &format!(
                    "SELECT EXISTS (SELECT 1 FROM {table} WHERE {})",
                    movable(table, key)
                ),
                params![scope, found],
                |r| r.get(0),
            )?;
            if any {
                moves.push((table, key, found));
            }
        }
    }
    if moves.is_empty() {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    for (table, key, other) in &moves {
        move_entries(&tx, table, key, other, scope)?;
    }
    tx.commit()
}

/// Moves every entry of scope `from` to scope `to`, in one transaction, but for those `to`
/// already holds under their key (which stay under `from`); returns how many moved.
pub(super) fn move_scope(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<usize> {
    let tx = conn.unchecked_transaction()?;
    let mut moved = 0;
    for (table, key) in TABLES {
        moved += move_entries(&tx, table, key, from, to)?;
    }
    tx.commit()?;
    Ok(moved)
}

/// Each table, and the column that tells its entries apart within a scope.
const TABLES: [(&str, &str); 3] = [
    ("ringg_journal_calls", "reference"),
    ("ringg_journal_launches", "launch_key"),
    ("ringg_journal_subscriptions", "agent_id"),
];

/// The condition on `table`'s rows: the entries of scope `?2` that scope `?1` does not hold
/// under their `key`.
fn movable(table: &str, key: &str) -> String {
    format!(
        "scope = ?2 AND NOT EXISTS \
         (SELECT 1 FROM {table} AS ours WHERE ours.scope = ?1 AND ours.{key} = {table}.{key})"
    )
}

fn move_entries(
    conn: &Connection,
    table: &str,
    key: &str,
    from: &str,
    to: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        &format!(
            "UPDATE {table} SET scope = ?1 WHERE {}",
            movable(table, key)
        ),
        params![to, from],
    )
}
