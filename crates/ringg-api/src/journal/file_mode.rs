//! The SQLite journal's file: made whole or not at all (so an empty file is one whose content
//! was lost), readable by its owner only, a warning when an existing one may be read by others
//! (it may hold webhook secrets), and the switch to WAL.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use crate::journal::entry::JournalError;
use crate::journal::sql::damaged;

/// How long a write waits for another process holding the file's write lock.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Makes the journal at `path` when there is none: a whole database (`init` switches it to WAL
/// and writes the schema) under a temporary name beside it, readable by its owner only
/// (SQLite gives its `-wal` and `-shm` the same mode), then put in place unless another
/// process put one there first (that one is kept). So a journal this version made is never
/// an empty file, as SQLite would leave one a crash interrupted between creating the file and
/// writing its first page. A name SQLite reads specially (`:memory:`, `file:` URIs) is left
/// alone.
pub(super) fn make_if_missing(
    path: &Path,
    init: impl Fn(&Connection) -> rusqlite::Result<()>,
) -> Result<(), JournalError> {
    if !is_file_name(path) {
        return Ok(());
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // On every open: a journal being made when its process was killed is found later.
    remove_leftovers(dir);
    if path.exists() {
        return Ok(());
    }
    let failed = |e: &dyn std::fmt::Display| {
        JournalError::Store(format!(
            "{}: could not make the journal ({e}); check that its folder exists and this user may write there",
            path.display()
        ))
    };
    let new = tempfile::Builder::new()
        .prefix(NEW_PREFIX)
        .suffix(NEW_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| failed(&e))?;
    // Closing the only connection folds the write-ahead log into the file and removes it.
    Connection::open(new.path())
        .and_then(|conn| init(&conn))
        .map_err(|e| failed(&e))?;
    match new.persist_noclobber(path) {
        Ok(_) => Ok(()),
        // Another process made one first; ours is removed as it is dropped.
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // A file system that cannot put a file in place without replacing one (no hard links,
        // as FAT): made where it stands instead, as SQLite would make it.
        Err(e) => {
            drop(e.file);
            make_in_place(path, &init).map_err(|e| failed(&e))
        }
    }
}

/// What the journals being made are named with, beside the journal.
const NEW_PREFIX: &str = ".ringg-journal-";
const NEW_SUFFIX: &str = ".new";

/// Creates the journal at `path` unless it exists (owner-only on Unix), then writes it with
/// `init`: another process may find it empty meanwhile, and is told it is damaged.
fn make_in_place(
    path: &Path,
    init: &impl Fn(&Connection) -> rusqlite::Result<()>,
) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(e.to_string()),
    }
    Connection::open(path)
        .and_then(|conn| init(&conn))
        .map_err(|e| e.to_string())
}

/// Removes what a process killed while making a journal left in `dir` (with its `-wal` and
/// `-shm`): files named as [`make_if_missing`] names them, more than an hour old, so one still
/// being made is left alone. One listing of the folder, on every open.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(NEW_PREFIX) && name.contains(NEW_SUFFIX)) {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > Duration::from_secs(3600)));
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// [`JournalError::Damaged`] when the file at `path` is empty: a journal is never made empty
/// ([`make_if_missing`]), so its content was lost (a crash while it was copied or restored, a
/// truncation), and with it the record of calls pending or placed within the hour. SQLite
/// would take the file for a new database and let every one of them be made again.
pub(super) fn refuse_empty(path: &Path) -> Result<(), JournalError> {
    if is_file_name(path) && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
        return Err(damaged(
            path,
            "the file is empty: whatever it held, calls pending or placed within the hour \
             among them, is gone",
        ));
    }
    Ok(())
}

/// Warns when the journal at `path`, opened and checked, may be read by other users (its
/// group included).
pub(super) fn warn_if_readable(path: &Path) {
    #[cfg(unix)]
    if is_file_name(path)
        && let Ok(meta) = std::fs::metadata(path)
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(
                target: "ringg_api::journal",
                path = %path.display(),
                "the journal may be read by other users (mode {mode:o}); it may hold webhook secrets: chmod 600 it"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Switches the database to WAL and returns the journal mode in force. Several processes
/// opening a file at once race for that switch, and SQLite answers the losers "database is
/// locked" at once, without waiting for its busy timeout: the switch is tried again until
/// [`BUSY_TIMEOUT`] has passed. The webhook receiver's SQLite dedupe store
/// (`ringg-webhooks/src/dedupe_sqlite.rs`) does the same: a fix here belongs there too.
pub(super) fn wal_mode(conn: &Connection) -> rusqlite::Result<String> {
    let started = std::time::Instant::now();
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)) {
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// False for the names SQLite reads specially (`:memory:`, `file:` URIs).
fn is_file_name(path: &Path) -> bool {
    let name = path.as_os_str().to_string_lossy();
    !(name.is_empty() || name.starts_with(':') || name.starts_with("file:"))
}
