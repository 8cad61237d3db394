//! The SQLite journal's file mode: made readable by its owner only, and a warning when an
//! existing one may be read by others (it may hold webhook secrets).

use std::path::Path;

/// Creates the journal at `path`, when missing, readable by its owner only (empty, which SQLite
/// takes for a new database; SQLite gives its `-wal` and `-shm` the same mode). An existing
/// file is left as it is: a journal may be shared by a group on purpose. A name SQLite reads
/// specially (`:memory:`, `file:` URIs) is left alone.
pub(super) fn keep_private(path: &Path) {
    #[cfg(unix)]
    if is_file_name(path) {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
    }
    #[cfg(not(unix))]
    let _ = path;
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

/// False for the names SQLite reads specially (`:memory:`, `file:` URIs).
#[cfg(unix)]
fn is_file_name(path: &Path) -> bool {
    let name = path.as_os_str().to_string_lossy();
    !(name.is_empty() || name.starts_with(':') || name.starts_with("file:"))
}
