//! Copies on disk of the events whose lines `webhooks listen` holds: deliveries Ringg does not
//! send again (a per-call callback, a campaign's notice), answered 200 before their line could
//! be written (see the printer). Each event is written to a file of its own, synced, before its
//! delivery is answered, and the file removed once the line was written; so a `listen` that is
//! killed (`kill -9`), crashes or loses its machine's power loses none of them.
//!
//! Each `listen` keeps its files in a folder of its own, `webhooks-held/<id>/` in the state
//! folder, made when it first holds a line, and holds a lock on the folder's `.lock` file while
//! it runs (on Unix). A `listen` that stops gracefully saves the events still unprinted to a
//! `webhooks-unprinted-*.jsonl` file and removes its folder; the next `listen` to start finds
//! the folders whose lock nobody holds (their process is gone) and does the same for them.
//! Off Unix no lock tells a live `listen` from a gone one, so the folders are only named.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The folder of the folders, in the state folder.
pub(crate) const HELD_DIR: &str = "webhooks-held";

/// The lock file in each `listen`'s folder.
const LOCK_FILE: &str = ".lock";

/// What a held event's file is named with.
const EXTENSION: &str = "json";

/// This process's folder, made when first needed.
#[derive(Default)]
pub(super) struct Folder {
    made: Mutex<Option<Made>>,
}

/// A folder made, and the lock on it this process holds while it runs.
struct Made {
    dir: PathBuf,
    _lock: std::fs::File,
}

impl Folder {
    /// Writes `json` (one line) to a new private file in this process's folder, synced, and
    /// returns its path.
    pub(super) fn keep(&self, json: &str) -> Result<PathBuf, String> {
        let dir = {
            let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
            match &*made {
                Some(made) => made.dir.clone(),
                None => {
                    let new = make_folder()?;
                    let dir = new.dir.clone();
                    *made = Some(new);
                    dir
                }
            }
        };
        let name = uuid::Uuid::new_v4().as_simple().to_string();
        // Written under another name first: a file cut short by a crash is never read.
        let (partial, path) = (
            dir.join(format!("{name}.partial")),
            dir.join(format!("{name}.{EXTENSION}")),
        );
        let written = crate::state::create_private_file(&partial)
            .and_then(|mut file| {
                file.write_all(json.as_bytes())?;
                file.write_all(b"\n")?;
                file.sync_all()
            })
            .and_then(|()| std::fs::rename(&partial, &path));
        written.map(|()| path.clone()).map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            format!("cannot write {}: {e}", path.display())
        })
    }

    /// Removes the folder (with what is left in it), once its events were saved elsewhere.
    pub(super) fn remove(&self) {
        let made = self.made.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(made) = made {
            let _ = std::fs::remove_dir_all(&made.dir);
        }
    }
}

/// Makes a new folder for this process and takes its lock.
fn make_folder() -> Result<Made, String> {
    let parent = crate::state::path(HELD_DIR).map_err(|e| e.to_string())?;
    let dir = parent.join(uuid::Uuid::new_v4().as_simple().to_string());
    crate::state::create_private_folder(&dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let lock = match lock(&dir) {
        Ok(Some(lock)) => lock,
        Ok(None) => return Err(format!("{} is locked by another process", dir.display())),
        Err(e) => return Err(format!("cannot lock {}: {e}", dir.display())),
    };
    Ok(Made { dir, _lock: lock })
}

/// Takes the lock on `dir`'s lock file, or `None` while another process holds it (always
/// taken off Unix). It is given back when the file is dropped or the process ends.
fn lock(dir: &Path) -> std::io::Result<Option<std::fs::File>> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))?;
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        match flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Some(file)),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(unix))]
    {
        Ok(Some(file))
    }
}

/// Saves the events held by `listen`s that ended without stopping (their folder's lock is
/// free) to a `webhooks-unprinted-*.jsonl` file, removes their folders and says so on stderr.
/// Off Unix, names the folders that hold events instead. Nothing to do, or a state folder
/// that cannot be read, says nothing.
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
    if cfg!(not(unix)) {
        if folders.iter().any(|dir| !events_in(dir).is_empty()) {
            crate::term::err_line(format!(
                "note: {} holds callback or notice events a listen answered 200 and had not printed (one file each; that listen may still be running)",
                parent.display()
            ));
        }
        return;
    }
    // Locks held until the events were saved, so two `listen`s starting at once do not both
    // save them.
    let mut locks = Vec::new();
    let mut events = Vec::new();
    let mut gathered = Vec::new();
    for dir in folders {
        if let Ok(Some(lock)) = lock(&dir) {
            events.extend(events_in(&dir).into_iter().map(|(_, json)| json));
            gathered.push(dir);
            locks.push(lock);
        }
    }
    if events.is_empty() {
        for dir in &gathered {
            let _ = std::fs::remove_dir_all(dir);
        }
        return;
    }
    let n = events.len();
    let why = "by a listen that ended without stopping: killed, crashed or the machine went down";
    match save_lines(&events) {
        Ok(path) => {
            for dir in &gathered {
                let _ = std::fs::remove_dir_all(dir);
            }
            crate::term::err_line(format!(
                "warning: {n} callback or notice event(s) answered 200 and never printed ({why}) are saved in {} (one JSON object per line)",
                path.display()
            ));
        }
        Err(e) => crate::term::err_line(format!(
            "warning: {n} callback or notice event(s) answered 200 and never printed ({why}) are in {}, one file each ({e})",
            parent.display()
        )),
    }
    drop(locks);
}

/// The held events in `dir`, oldest first: each file's path and its line.
fn events_in(dir: &Path) -> Vec<(PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == EXTENSION))
        .map(|p| {
            let modified = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (modified, p)
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|(_, path)| {
            let text = std::fs::read_to_string(&path).ok()?;
            let line = text.trim_end().to_owned();
            (!line.is_empty()).then_some((path, line))
        })
        .collect()
}

/// Writes `lines` to a new private file `webhooks-unprinted-<unix seconds>-<pid>-<random>.jsonl`
/// in the state folder, synced to disk; returns its path.
pub(super) fn save_lines(lines: &[String]) -> Result<PathBuf, String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let name = format!(
        "webhooks-unprinted-{secs}-{}-{}.jsonl",
        std::process::id(),
        &uuid::Uuid::new_v4().as_simple().to_string()[..8]
    );
    let path = crate::state::path(&name).map_err(|e| e.to_string())?;
    let written = crate::state::create_private_file(&path).and_then(|mut file| {
        for line in lines {
            file.write_all(line.as_bytes())?;
            file.write_all(b"\n")?;
        }
        file.sync_all()
    });
    written
        .map(|()| path.clone())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
