//! The CLI's state folder: files `ringg` keeps between runs on this machine.
//!
//! The folder is `$RINGG_STATE_DIR` when set, else `$XDG_STATE_HOME/ringg`, else
//! `~/.local/state/ringg`. It is created on first use with permissions 0700 (on Unix), since
//! what it holds (which events were handed over, the intent journal) is private to the user.
//! Profiles and their keys live in the config folder instead (`config.rs`).
//!
//! Features that keep state name one file each in it with [`path`]:
//!
//! | file                       | kept by                  |
//! |----------------------------|--------------------------|
//! | `webhooks-dedupe.sqlite3`  | `ringg webhooks listen`  |
//! | `webhooks-outbox/`         | `ringg webhooks listen --forward-to` (deliveries the app did not take yet) |
//! | `webhooks-unprinted-*.jsonl` | `ringg webhooks listen` when it stops before printing callbacks it answered 200 (their events), and while more than 4,096 such lines wait to be printed (the events of further ones) |
//! | `webhooks-malformed/`      | `ringg webhooks listen` (bodies refused as not JSON, one file each) |
//! | `webhooks-held/`           | `ringg webhooks listen` while it holds such callbacks (a folder per process, one file per event) |
//! | `sim-serve.json`           | `ringg sim serve` while it runs (its base URL, for `ringg login --sim`) |
//! | `split-*/`                 | `ringg campaigns launch --split` while it launches (the parts) |
//! | `journal.sqlite3`          | `ringg calls create`, `calls pending`, `calls reconcile --pending`, `campaigns launch / resume / discard`, `quickstart` (the intent journal, one scope per base URL and key) |

use std::path::PathBuf;

use crate::error::CliError;

/// The intent journal's file.
pub(crate) const JOURNAL_FILE: &str = "journal.sqlite3";

/// The file `ringg sim serve` keeps while it runs (its base URL, for `ringg login --sim`).
pub(crate) const SIM_SERVE_FILE: &str = "sim-serve.json";

/// Overrides the state folder.
pub(crate) const STATE_DIR_ENV: &str = "RINGG_STATE_DIR";

/// The state folder, created (0700) when missing.
///
/// # Errors
/// A [`CliError`] naming the folder when it cannot be created, or when no folder can be
/// chosen (no `RINGG_STATE_DIR`, `XDG_STATE_HOME` or `HOME`).
pub(crate) fn state_dir() -> Result<PathBuf, CliError> {
    let dir = chosen_dir()?;
    create_private(&dir).map_err(|e| {
        if let Some(file) = dir.ancestors().find(|p| p.exists() && !p.is_dir()) {
            return CliError::usage(format!(
                "cannot create the state folder {}: {} is a file, not a folder; set {STATE_DIR_ENV} to a folder",
                dir.display(),
                file.display()
            ));
        }
        CliError::io(
            format!(
                "cannot create the state folder {} (set {STATE_DIR_ENV} to use another)",
                dir.display()
            ),
            &e,
        )
    })?;
    Ok(dir)
}

/// The path of the state file `name` (a bare file name) in the state folder, which is created
/// when missing. The file itself is not created.
///
/// # Errors
/// See [`state_dir`].
pub(crate) fn path(name: &str) -> Result<PathBuf, CliError> {
    debug_assert!(!name.contains(['/', '\\']), "a bare file name: {name}");
    Ok(state_dir()?.join(name))
}

/// Where the folder is, from the environment (not created).
fn chosen_dir() -> Result<PathBuf, CliError> {
    let non_empty = |var: &str| std::env::var_os(var).filter(|v| !v.is_empty());
    if let Some(dir) = non_empty(STATE_DIR_ENV) {
        return Ok(PathBuf::from(dir));
    }
    // The XDG spec ignores relative values.
    if let Some(xdg) = non_empty("XDG_STATE_HOME").map(PathBuf::from)
        && xdg.is_absolute()
    {
        return Ok(xdg.join("ringg"));
    }
    match non_empty("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".local/state/ringg")),
        None => Err(CliError::usage(format!(
            "no state folder: set {STATE_DIR_ENV} (or XDG_STATE_HOME or HOME)"
        ))),
    }
}

/// Creates `dir` (and its parents) when missing, the folder itself with permissions 0700;
/// an existing folder is left as it is. The config folder is made the same way.
pub(crate) fn create_private_folder(dir: &std::path::Path) -> std::io::Result<()> {
    create_private(dir)
}

/// Creates the file `path`, which must not exist yet, readable and writable by its owner only
/// (0600 on Unix).
pub(crate) fn create_private_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Writes the new private file `path` whole or not at all: `write` fills the file `partial`
/// (a name of its own in the same folder, which must not exist), which is synced and then
/// renamed to `path`. `partial` is removed when a step fails. The folder itself is not synced
/// (see [`sync_folder`]).
pub(crate) fn write_renamed(
    path: &std::path::Path,
    partial: &std::path::Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let written = create_private_file(partial)
        .and_then(|mut file| {
            write(&mut file)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(partial, path));
    written.inspect_err(|_| {
        let _ = std::fs::remove_file(partial);
    })
}

/// The first 8 bytes of the SHA-256 of `scope` in hex: what keeps one server and key's Redis
/// keys apart from another's without naming either.
pub(crate) fn scope_digest(scope: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(scope.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `work`, which blocks on the disk (an `fsync`), with the worker thread handed over to
/// blocking work on a multi-thread runtime, so the runtime's other tasks go on meanwhile;
/// plainly elsewhere.
pub(crate) fn off_the_workers<T>(work: impl FnOnce() -> T) -> T {
    let multi_thread = tokio::runtime::Handle::try_current()
        .is_ok_and(|rt| rt.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi_thread {
        tokio::task::block_in_place(work)
    } else {
        work()
    }
}

/// Takes the lock on `file` (an advisory `flock`): false while another process holds it
/// (always taken off Unix). It is given back when the file is closed or the process ends.
pub(crate) fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        match flock(file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(true),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(true)
    }
}

/// Opens the lock file `path`, created readable by its owner only when missing (its content
/// is never written: the lock is on the open file).
pub(crate) fn open_lock_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Opens the lock file `path` ([`open_lock_file`]) and takes its lock (an advisory `flock`),
/// waiting while another process holds it; off Unix the file is only opened. The lock is given
/// back when the returned file is dropped or the process ends.
pub(crate) fn lock_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let file = open_lock_file(path)?;
    #[cfg(unix)]
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)?;
    Ok(file)
}

/// The lock file `path` of a process that is gone: the existing file, locked by this process
/// (see [`try_lock`]) and still the file the path names (not one removed meanwhile). `None`
/// while its process holds it, or when there is no such file.
#[cfg(unix)]
pub(crate) fn lock_if_free(path: &std::path::Path) -> Option<std::fs::File> {
    use std::os::unix::fs::MetadataExt;
    let lock = std::fs::OpenOptions::new().write(true).open(path).ok()?;
    if !try_lock(&lock).ok()? {
        return None;
    }
    let (held, named) = (lock.metadata().ok()?, std::fs::metadata(path).ok()?);
    (held.dev() == named.dev() && held.ino() == named.ino()).then_some(lock)
}

/// Whether `path` was last changed more than `age` ago.
pub(crate) fn older_than(path: &std::path::Path, age: std::time::Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|elapsed| elapsed > age)
}

/// Syncs the folder `dir` itself, so that the names of files just created or renamed in it
/// survive a power loss (Unix; elsewhere folders are not synced this way, and this does
/// nothing).
pub(crate) fn sync_folder(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir).and_then(|d| d.sync_all())
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// The path of the state file `name`, created empty and private (0600) when missing, for a
/// store that opens it afterwards (an empty file is a new SQLite database). An existing file
/// is left as it is.
///
/// # Errors
/// See [`state_dir`]; and a [`CliError`] naming the file when it cannot be created.
pub(crate) fn private_file(name: &str) -> Result<PathBuf, CliError> {
    let path = path(name)?;
    match create_private_file(&path) {
        Ok(_) => Ok(path),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(path),
        Err(e) => Err(CliError::io(
            format!("cannot create the state file {}", path.display()),
            &e,
        )),
    }
}

#[cfg(unix)]
fn create_private(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if !dir.is_dir() {
        // Parents get the default mode (like `mkdir -p`); the folder itself 0700.
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match std::fs::DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {}
            Err(e) => return Err(e),
        }
        // The umask may have narrowed the mode further; make it exactly 0700.
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn create_private(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn creates_the_folder_private() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b/ringg");
        create_private(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        // Existing folders are left as they are.
        create_private(&dir).unwrap();
    }

    #[test]
    fn state_files_are_created_private_and_kept_when_present() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("store.sqlite3");
        create_private_file(&file).unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            create_private_file(&file).unwrap_err().kind(),
            std::io::ErrorKind::AlreadyExists
        );
    }
}
