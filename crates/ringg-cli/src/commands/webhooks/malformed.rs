//! `webhooks listen` keeps the body of a delivery refused as not one JSON object (400
//! `malformed_json`): no handler or app sees it, Ringg sends a subscription event again only
//! three times and a per-call callback never, so its content would otherwise be lost.
//!
//! Each body is a file of its own in the folder `webhooks-malformed` of the state folder
//! (private to the user), named by a SHA-256 of the body, so Ringg's retries of one delivery
//! keep one file. The folder holds at most [`MAX_KEPT_BYTES`]: past that, a body is not kept
//! and stderr says why, so a sender that keeps posting broken bodies cannot fill the disk.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder in the state folder.
pub(crate) const MALFORMED_DIR: &str = "webhooks-malformed";

/// The most the folder holds, in bytes (its files' sizes added up).
const MAX_KEPT_BYTES: u64 = 64 * 1024 * 1024;

/// Keeps `body` and says on stderr where (or, when it cannot be written, why not).
pub(super) fn keep(body: &[u8]) {
    let line = match write(body) {
        Ok(path) => format!(
            "webhook delivery refused: its body is not one JSON object (answered 400); kept in {}",
            path.display()
        ),
        Err(e) => format!(
            "webhook delivery refused: its body is not one JSON object (answered 400), and could not be kept: {e}"
        ),
    };
    crate::term::err_line(line);
}

/// Writes `body` to its file (unless a retry of it did already) and returns the file's path.
fn write(body: &[u8]) -> Result<PathBuf, String> {
    let dir = crate::state::path(MALFORMED_DIR).map_err(|e| e.to_string())?;
    write_in(&dir, body, MAX_KEPT_BYTES)
}

/// [`write()`] in the folder `dir`, which holds at most `cap` bytes.
fn write_in(dir: &Path, body: &[u8], cap: u64) -> Result<PathBuf, String> {
    use sha2::{Digest, Sha256};
    crate::state::create_private_folder(dir).map_err(|e| e.to_string())?;
    let digest: String = Sha256::digest(body)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = dir.join(format!("{digest}.body"));
    if path.exists() {
        return Ok(path);
    }
    let held = held_bytes(dir);
    if held.saturating_add(body.len() as u64) > cap {
        return Err(format!(
            "{} holds {} MiB of such bodies already (at most {} MiB); move or delete its files",
            dir.display(),
            held / (1024 * 1024),
            cap / (1024 * 1024)
        ));
    }
    // A name of its own: the same body may be written by two requests at once.
    let partial = dir.join(format!(
        ".{digest}.{}.partial",
        uuid::Uuid::new_v4().simple()
    ));
    let written = crate::state::create_private_file(&partial)
        .and_then(|mut file| file.write_all(body).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&partial, &path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        e.to_string()
    })?;
    Ok(path)
}

/// The sizes of the files in `dir`, added up.
fn held_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bodies are kept until the folder holds its cap; a retry of a kept body still finds its
    /// file, and a body that would pass the cap is refused with the reason.
    #[test]
    fn the_folder_holds_bodies_up_to_its_cap() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().join(MALFORMED_DIR);
        let cap = 3 * 1024 * 1024;
        let body = |b: u8| vec![b; 1024 * 1024];
        let first = write_in(&dir, &body(b'a'), cap).unwrap();
        write_in(&dir, &body(b'b'), cap).unwrap();
        write_in(&dir, &body(b'c'), cap).unwrap();
        assert_eq!(std::fs::read(&first).unwrap(), body(b'a'));
        let refused = write_in(&dir, &body(b'd'), cap).unwrap_err();
        assert!(refused.contains("holds 3 MiB"), "{refused}");
        assert!(refused.contains("move or delete"), "{refused}");
        assert_eq!(write_in(&dir, &body(b'a'), cap).unwrap(), first);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3);
    }
}
