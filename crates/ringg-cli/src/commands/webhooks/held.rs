//! Copies on disk of the events whose lines `webhooks listen` holds: deliveries Ringg does not
//! send again (a per-call callback, a campaign's notice) and attempts of subscription events
//! refused once already, answered 200 before their line could be written (see the printer). Each event is written to a file of its own, synced (the file,
//! then its folder) before its delivery is answered, and the file removed once the line was
//! written; so a `listen` that is killed (`kill -9`), crashes or loses its machine's power
//! loses none of them.
//!
//! Each `listen` keeps its files in a folder of its own, `webhooks-held/<id>/` in the state
//! folder, made when it first holds a line (under a name starting with `.new-`, its lock taken,
//! then renamed into place), and holds a lock on the folder's `.lock` file while it runs (on
//! Unix). A `listen` that stops gracefully saves the events still unprinted to a
//! `webhooks-unprinted-*.jsonl` file and removes its folder (renamed to `.gone-…` first, its
//! lock still held); the next `listen` to start finds the folders whose lock nobody holds
//! (their process is gone) and does the same for them. Off Unix no lock tells a live `listen`
//! from a gone one, so the folders are only named.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::state::try_lock;

/// The folder of the folders, in the state folder.
pub(crate) const HELD_DIR: &str = "webhooks-held";

/// The lock file in each `listen`'s folder.
const LOCK_FILE: &str = ".lock";

/// What a held event's file is named with.
const EXTENSION: &str = "json";

/// What a folder being made, and one being removed, are named with (skipped when gathering).
const NEW: &str = ".new-";
#[cfg_attr(not(unix), allow(dead_code))]
const GONE: &str = ".gone-";

/// This process's folder, made when first needed.
#[derive(Default)]
pub(super) struct Folder {
    made: Mutex<Option<Made>>,
    /// Set once the folder was removed (`listen` is stopping): nothing is kept after it.
    closed: AtomicBool,
    /// Where `webhooks-held/` is: the state folder when `None`.
    root: Option<PathBuf>,
}

/// A folder made, and the lock on it this process holds while it runs (Unix).
struct Made {
    dir: PathBuf,
    lock: Option<std::fs::File>,
}

impl Folder {
    /// A folder made under `root` instead of the state folder.
    #[cfg(test)]
    pub(super) fn in_root(root: &Path) -> Self {
        Self {
            root: Some(root.to_owned()),
            ..Self::default()
        }
    }

    /// Writes `json` (one line) to a new private file in this process's folder, synced with
    /// its folder, and returns its path; `None` once the folder was removed.
    pub(super) fn keep(&self, json: &str) -> Result<Option<PathBuf>, String> {
        // Twice: a folder removed under this process (by hand) is made again.
        for _ in 0..2 {
            let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
            if self.closed.load(Ordering::Acquire) {
                return Ok(None);
            }
            if made.is_none() {
                *made = Some(make_folder(self.root.as_deref())?);
            }
            let dir = made.as_ref().map(|m| m.dir.clone()).unwrap_or_default();
            drop(made);
            match write_synced(&dir, json) {
                Ok(path) => return Ok(Some(path)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !dir.is_dir() => {
                    // Made again unless another thread did already.
                    let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
                    if made.as_ref().is_some_and(|m| m.dir == dir) {
                        *made = None;
                    }
                }
                Err(e) => return Err(format!("cannot write to {}: {e}", dir.display())),
            }
        }
        Err("its folder kept disappearing".to_owned())
    }

    /// Where `webhooks-held/` is made, when not in the state folder.
    pub(super) fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// This process's folder, once made.
    pub(super) fn dir(&self) -> Option<PathBuf> {
        let made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        made.as_ref().map(|m| m.dir.clone())
    }

    /// Removes the folder (with what is left in it), once its events were saved elsewhere;
    /// nothing is kept afterwards.
    pub(super) fn remove(&self) {
        let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        self.closed.store(true, Ordering::Release);
        if let Some(Made { dir, lock }) = made.take() {
            discard(&dir, lock);
        }
    }
}

/// Writes `json` and a line break to a new file in `dir` (under another name first, so a file
/// cut short by a crash is never read), then syncs the file and the folder.
fn write_synced(dir: &Path, json: &str) -> std::io::Result<PathBuf> {
    let name = uuid::Uuid::new_v4().as_simple().to_string();
    let (partial, path) = (
        dir.join(format!("{name}.partial")),
        dir.join(format!("{name}.{EXTENSION}")),
    );
    crate::state::write_renamed(&path, &partial, |file| {
        file.write_all(json.as_bytes())?;
        file.write_all(b"\n")
    })?;
    // Not kept unless its name is durable too.
    crate::state::sync_folder(dir)
        .map(|()| path.clone())
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&path);
        })
}

/// Makes a new folder for this process in `root`'s `webhooks-held/` (the state folder's when
/// `None`), its lock taken before it gets its name.
fn make_folder(root: Option<&Path>) -> Result<Made, String> {
    let parent = in_root(root, HELD_DIR)?;
    let cannot = |what: &Path, e: std::io::Error| format!("cannot create {}: {e}", what.display());
    crate::state::create_private_folder(&parent).map_err(|e| cannot(&parent, e))?;
    let id = uuid::Uuid::new_v4().as_simple().to_string();
    let (new, dir) = (parent.join(format!("{NEW}{id}")), parent.join(&id));
    crate::state::create_private_folder(&new).map_err(|e| cannot(&new, e))?;
    // Off Unix there is no lock, and an open file would keep the folder from being renamed.
    let lock = || -> std::io::Result<Option<std::fs::File>> {
        if cfg!(not(unix)) {
            return Ok(None);
        }
        let lock = crate::state::create_private_file(&new.join(LOCK_FILE))?;
        match try_lock(&lock)? {
            true => Ok(Some(lock)),
            false => Err(std::io::Error::other("its lock is held by another process")),
        }
    };
    let made = lock().and_then(|lock| {
        std::fs::rename(&new, &dir)?;
        // The new names, durable as the files written in it will be.
        crate::state::sync_folder(&parent)?;
        if let Some(state) = parent.parent() {
            crate::state::sync_folder(state)?;
        }
        Ok(lock)
    });
    match made {
        Ok(lock) => Ok(Made { dir, lock }),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&new);
            Err(cannot(&dir, e))
        }
    }
}

/// The lock of the folder `dir` of a `listen` that is gone (see
/// [`crate::state::lock_if_free`]): `None` while its `listen` runs, or when the folder is
/// being made or removed.
#[cfg(unix)]
fn lock_if_gone(dir: &Path) -> Option<std::fs::File> {
    crate::state::lock_if_free(&dir.join(LOCK_FILE))
}

/// Removes the folder `dir` whose lock is `lock`: renamed out of the way first, so no process
/// gathering takes it for a gone `listen`'s while it is being removed.
fn discard(dir: &Path, lock: Option<std::fs::File>) {
    #[cfg(unix)]
    {
        let gone = dir.with_file_name(format!("{GONE}{}", uuid::Uuid::new_v4().as_simple()));
        let target = if std::fs::rename(dir, &gone).is_ok() {
            gone
        } else {
            dir.to_path_buf()
        };
        let _ = std::fs::remove_dir_all(target);
        drop(lock);
    }
    #[cfg(not(unix))]
    {
        drop(lock);
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Saves the events held by `listen`s that ended without stopping (their folder's lock is
/// free) to a `webhooks-unprinted-*.jsonl` file, removes their folders and says so on stderr.
/// Off Unix, names the folders that hold events instead. Nothing to do, or a state folder
/// that cannot be read, says nothing. Blocking: run it off the async runtime.
pub(super) fn save_left_behind() {
    let Ok(parent) = crate::state::path(HELD_DIR) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    let folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    #[cfg(unix)]
    save_gone(&parent, folders);
    #[cfg(not(unix))]
    if folders
        .iter()
        .any(|dir| events_in(dir).is_ok_and(|events| !events.is_empty()))
    {
        crate::term::err_line(format!(
            "note: {} holds events a listen answered 200 and may not have printed, one event's JSON per file; once no listen runs, move them out (a running listen keeps its own there)",
            parent.display()
        ));
    }
}

/// [`save_left_behind`] on Unix, for the folders in `parent`.
#[cfg(unix)]
fn save_gone(parent: &Path, folders: Vec<PathBuf>) {
    let name = |dir: &PathBuf| {
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    // Locks held until the events were saved and the folders renamed away, so two `listen`s
    // starting at once do not both save them.
    let mut gathered = Vec::new();
    let mut events = Vec::new();
    for dir in folders {
        let name = name(&dir);
        if name.starts_with(GONE) {
            // Its events were saved before it was renamed.
            let _ = std::fs::remove_dir_all(&dir);
            continue;
        }
        if name.starts_with(NEW) {
            // Its process died before it held anything there (one being made now is young).
            if crate::state::older_than(&dir, STALE_NEW) {
                match lock_if_gone(&dir) {
                    Some(lock) => discard(&dir, Some(lock)),
                    None if !dir.join(LOCK_FILE).exists() => {
                        let _ = std::fs::remove_dir_all(&dir);
                    }
                    None => {}
                }
            }
            continue;
        }
        let Some(lock) = lock_if_gone(&dir) else {
            continue;
        };
        // A folder with a file that cannot be read is left as it is, and said.
        match events_in(&dir) {
            Ok(found) => {
                events.extend(found);
                gathered.push((dir, Some(lock)));
            }
            Err(e) => crate::term::err_line(format!(
                "warning: {} holds events a listen answered 200 and may not have printed, and one of them cannot be read ({e}); it is left as it is: read its .json files (one event each) by hand, then remove the folder",
                dir.display()
            )),
        }
    }
    if events.is_empty() {
        for (dir, lock) in gathered {
            discard(&dir, lock);
        }
        return;
    }
    events.sort();
    let lines: Vec<String> = events.into_iter().map(|(_, line)| line).collect();
    let n = lines.len();
    let why = "the listen that held them was killed, crashed or lost power";
    match save_lines(None, &lines) {
        Ok(path) => {
            for (dir, lock) in gathered {
                discard(&dir, lock);
            }
            crate::term::err_line(format!(
                "warning: {n} held event(s) answered 200 may not have been printed ({why}); they are saved in {} (one event's JSON per line)",
                path.display()
            ));
        }
        Err(e) => crate::term::err_line(format!(
            "warning: {n} held event(s) answered 200 may not have been printed ({why}); they could not be saved together ({e}) and stay in {}, one event's JSON per file",
            parent.display()
        )),
    }
}

/// How old a folder still being made (`.new-…`) is at most.
#[cfg(unix)]
const STALE_NEW: std::time::Duration = std::time::Duration::from_secs(600);

/// The held events in `dir`: each file's modification time and its line.
fn events_in(dir: &Path) -> std::io::Result<Vec<(std::time::SystemTime, String)>> {
    let mut events = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|x| x != EXTENSION) {
            continue;
        }
        let modified = std::fs::metadata(&path)?.modified()?;
        let text = std::fs::read_to_string(&path)?;
        let line = text.trim_end();
        if !line.is_empty() {
            events.push((modified, line.to_owned()));
        }
    }
    Ok(events)
}

/// Writes `lines` to a new private file `webhooks-unprinted-<unix seconds>-<pid>-<random>.jsonl`
/// in the state folder, synced to disk with the folder; returns its path. A file that could not
/// be written in full is removed.
pub(super) fn save_lines(root: Option<&Path>, lines: &[String]) -> Result<PathBuf, String> {
    let path = unprinted_path(root)?;
    let written = crate::state::create_private_file(&path)
        .and_then(|mut file| {
            for line in lines {
                file.write_all(line.as_bytes())?;
                file.write_all(b"\n")?;
            }
            file.sync_all()
        })
        .and_then(|()| path.parent().map_or(Ok(()), crate::state::sync_folder));
    written.map(|()| path.clone()).map_err(|e| {
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            let _ = std::fs::remove_file(&path);
        }
        format!("cannot write {}: {e}", path.display())
    })
}

/// The event's JSON as received, on one line: a line break in JSON text is whitespace between
/// tokens (one in a string is escaped), so it becomes a space and nothing else changes.
pub(super) fn one_line_json(event: &ringg_webhooks::WebhookEvent) -> String {
    match event.raw_json() {
        Some(text) => text.replace(['\r', '\n'], " "),
        None => event
            .to_value()
            .map(|v| v.to_string())
            .unwrap_or_else(|_| event.raw().replace(['\r', '\n'], " ")),
    }
}

/// The path of a new `webhooks-unprinted-<unix seconds>-<pid>-<random>.jsonl` in `root` (the
/// state folder when `None`).
fn unprinted_path(root: Option<&Path>) -> Result<PathBuf, String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let name = format!(
        "webhooks-unprinted-{secs}-{}-{}.jsonl",
        std::process::id(),
        &uuid::Uuid::new_v4().as_simple().to_string()[..8]
    );
    in_root(root, &name)
}

/// The path of `name` in `root`, or in the state folder (created when missing) when `None`.
fn in_root(root: Option<&Path>, name: &str) -> Result<PathBuf, String> {
    match root {
        Some(root) => Ok(root.join(name)),
        None => crate::state::path(name).map_err(|e| e.to_string()),
    }
}

/// A `webhooks-unprinted-*.jsonl` file in the state folder that events are added to one at a
/// time, each synced before [`add`](Self::add) returns: where `listen` puts the events of
/// deliveries Ringg does not send again once too many lines are held to hold one more (see the
/// printer). Made when first needed; a file that fails is left for a new one.
#[derive(Default)]
pub(super) struct Overflow {
    file: Mutex<Option<(PathBuf, std::fs::File)>>,
    /// Where the file is made: the state folder when `None`.
    root: Option<PathBuf>,
}

impl Overflow {
    /// Files made in `root` instead of the state folder.
    #[cfg(test)]
    pub(super) fn in_root(root: &Path) -> Self {
        Self {
            root: Some(root.to_owned()),
            ..Self::default()
        }
    }

    /// Adds `json` (one line) to the file, synced, and returns the file's path and whether
    /// the file is new (its first event). Blocking.
    pub(super) fn add(&self, json: &str) -> Result<(PathBuf, bool), String> {
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        // A file removed or moved away meanwhile (by hand) is not written to: a new one is.
        if file.as_ref().is_some_and(|(path, f)| !is_at(f, path)) {
            *file = None;
        }
        let new = file.is_none();
        if new {
            let path = unprinted_path(self.root.as_deref())?;
            let cannot = |e: std::io::Error| format!("cannot create {}: {e}", path.display());
            let f = crate::state::create_private_file(&path).map_err(cannot)?;
            // Its name durable before any event is said to be in it.
            if let Err(e) = path.parent().map_or(Ok(()), crate::state::sync_folder) {
                let _ = std::fs::remove_file(&path);
                return Err(cannot(e));
            }
            *file = Some((path, f));
        }
        let Some((path, f)) = file.as_mut() else {
            return Err("no file".to_owned());
        };
        let path = path.clone();
        let len = f.metadata().map(|m| m.len());
        let added = f
            .write_all(format!("{json}\n").as_bytes())
            .and_then(|()| f.sync_data());
        match added {
            Ok(()) => Ok((path, new)),
            Err(e) => {
                // Without a part of the line (the file's lines stay whole); what it holds
                // stays, and the next event goes to a new file.
                if let Ok(len) = len {
                    let _ = f.set_len(len).and_then(|()| f.sync_data());
                }
                *file = None;
                Err(format!("cannot write to {}: {e}", path.display()))
            }
        }
    }
}

/// Whether `path` still names the open file `file`.
fn is_at(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.is_file()
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;

    /// A folder with its lock file and one held event.
    fn folder(parent: &Path, name: &str) -> (PathBuf, std::fs::File) {
        let dir = parent.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let lock = crate::state::create_private_file(&dir.join(LOCK_FILE)).unwrap();
        write_synced(&dir, r#"{"a":1}"#).unwrap();
        (dir, lock)
    }

    /// Only a folder whose own lock file is free counts as a gone `listen`'s: not while its
    /// lock is held, not without a lock file (being made or removed), and not when the lock
    /// file was replaced after it was opened.
    #[test]
    fn a_folder_is_a_gone_listens_only_when_its_own_lock_is_free() {
        let parent = tempfile::tempdir().unwrap();
        let (live, lock) = folder(parent.path(), "live");
        assert!(try_lock(&lock).unwrap());
        assert!(lock_if_gone(&live).is_none(), "its listen holds the lock");
        drop(lock);
        assert!(lock_if_gone(&live).is_some(), "its listen is gone");

        let (unlocked, _) = folder(parent.path(), "no-lock-file");
        std::fs::remove_file(unlocked.join(LOCK_FILE)).unwrap();
        assert!(lock_if_gone(&unlocked).is_none());
        assert!(
            !unlocked.join(LOCK_FILE).exists(),
            "no lock file is made for it"
        );
    }

    /// A folder's events are read, and a discarded folder leaves nothing behind.
    #[test]
    fn a_discarded_folder_is_gone_and_its_events_read_before() {
        let parent = tempfile::tempdir().unwrap();
        let (dir, lock) = folder(parent.path(), "held");
        write_synced(&dir, r#"{"b":2}"#).unwrap();
        let events = events_in(&dir).unwrap();
        let mut lines: Vec<&str> = events.iter().map(|(_, l)| l.as_str()).collect();
        lines.sort_unstable();
        assert_eq!(lines, [r#"{"a":1}"#, r#"{"b":2}"#]);
        discard(&dir, Some(lock));
        assert!(!dir.exists());
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
    }
}
