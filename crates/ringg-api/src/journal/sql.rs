//! The small SQLite helpers of [`SqliteJournal`](super::SqliteJournal)'s queries.

use std::path::Path;

use rusqlite::{Connection, ErrorCode};

use crate::journal::entry::JournalError;

/// [`JournalError::Damaged`] for the file at `path`.
pub(super) fn damaged(path: &Path, detail: impl Into<String>) -> JournalError {
    JournalError::Damaged {
        path: path.display().to_string(),
        detail: detail.into(),
    }
}

/// A damaged or foreign file is [`JournalError::Damaged`]; anything else a store failure.
pub(super) fn classify(path: &Path, err: rusqlite::Error) -> JournalError {
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            damaged(path, err.to_string())
        }
        _ => JournalError::Store(format!("{}: {err}", path.display())),
    }
}

/// A time as the journal's columns keep it (RFC 3339, microseconds, UTC), which sorts as text.
pub(super) fn rfc3339(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Runs `work` in one IMMEDIATE transaction: no other connection writes between its reads
/// and its writes. Committed when `work` succeeds; rolled back when it or the commit fails.
pub(super) fn immediate<T>(
    conn: &Connection,
    work: impl FnOnce() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = work().and_then(|value| conn.execute_batch("COMMIT").map(|()| value));
    if result.is_err() && !conn.is_autocommit() {
        // Still in the transaction (the work or the commit failed): give the lock back.
        let _ = conn.execute_batch("ROLLBACK");
    }
    result
}

/// The first column of every row `sql` selects, as text.
pub(super) fn texts(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(args, |r| r.get::<_, String>(0))?;
    rows.collect()
}
