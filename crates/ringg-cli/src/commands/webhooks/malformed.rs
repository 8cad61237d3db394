//! `webhooks listen` keeps the body of a delivery refused as not JSON (400
//! `malformed_json`), or compressed in a way the receiver does not undo (415
//! `unsupported_encoding`) or past the body limit (413): no handler or app sees it, Ringg
//! sends a subscription event again only three times and a per-call callback never, so its
//! content would otherwise be lost.
//!
//! Each body is a file of its own in the folder `webhooks-malformed` of the state folder
//! (private to the user), named by a SHA-256 of the body, so Ringg's retries of one delivery
//! keep one file. The folder holds at most [`MAX_KEPT_BYTES`] in at most [`MAX_KEPT_FILES`]
//! files: past that, a body is not kept and stderr says why, so a sender that keeps posting
//! broken bodies cannot fill the disk.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder in the state folder.
pub(crate) const MALFORMED_DIR: &str = "webhooks-malformed";

/// The most the folder holds, in bytes (its files' sizes added up, each at least a block).
const MAX_KEPT_BYTES: u64 = 64 * 1024 * 1024;

/// The most files the folder holds.
const MAX_KEPT_FILES: usize = 4096;

/// What a file counts for at least: the block it takes on disk.
const BLOCK: u64 = 4096;

/// A folder's limits.
#[derive(Clone, Copy)]
struct Cap {
    bytes: u64,
    files: usize,
}

/// Keeps `body` and says on stderr where (or, when it cannot be written, why not). Called on
/// the receiver's task: the files are written with the worker thread handed over to blocking
/// work (on a multi-thread runtime), before the delivery is answered.
pub(super) fn keep(body: &[u8]) {
    let written = crate::state::off_the_workers(|| write(body));
    let line = match written {
        Ok(path) => format!(
            "webhook delivery refused unread (answered 400: not JSON; or 415/413: compressed other than gzip or deflate, or past the body limit once decompressed); its body is kept in {}",
            path.display()
        ),
        Err(e) => format!(
            "webhook delivery refused unread (answered 400: not JSON; or 415/413: compressed other than gzip or deflate, or past the body limit once decompressed); its body could not be kept: {e}"
        ),
    };
    crate::term::err_line(line);
}

/// Writes `body` to its file (unless a retry of it did already) and returns the file's path.
fn write(body: &[u8]) -> Result<PathBuf, String> {
    let dir = crate::state::path(MALFORMED_DIR).map_err(|e| e.to_string())?;
    write_in(
        &dir,
        body,
        Cap {
            bytes: MAX_KEPT_BYTES,
            files: MAX_KEPT_FILES,
        },
    )
}

/// [`write()`] in the folder `dir`, which holds at most `cap`.
fn write_in(dir: &Path, body: &[u8], cap: Cap) -> Result<PathBuf, String> {
    use sha2::{Digest, Sha256};
    // One body at a time (in this process), so that deliveries at once cannot pass the cap
    // together.
    static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _writing = WRITING.lock().unwrap_or_else(|p| p.into_inner());
    crate::state::create_private_folder(dir).map_err(|e| e.to_string())?;
    let digest: String = Sha256::digest(body)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = dir.join(format!("{digest}.body"));
    if path.exists() {
        return Ok(path);
    }
    let (files, bytes) = held(dir);
    if files >= cap.files || bytes.saturating_add(on_disk(body.len() as u64)) > cap.bytes {
        return Err(format!(
            "{} holds {files} such bodies already, {} MiB (at most {} files, {} MiB); move or delete its files",
            dir.display(),
            bytes / (1024 * 1024),
            cap.files,
            cap.bytes / (1024 * 1024)
        ));
    }
    // A name of its own: the same body may be written by two requests at once.
    let partial = dir.join(format!(
        ".{digest}.{}.partial",
        uuid::Uuid::new_v4().simple()
    ));
    crate::state::write_renamed(&path, &partial, |file| file.write_all(body))
        .and_then(|()| crate::state::sync_folder(dir))
        .map_err(|e| e.to_string())?;
    Ok(path)
}

/// What a file of `len` bytes counts for: whole blocks, at least one.
fn on_disk(len: u64) -> u64 {
    len.div_ceil(BLOCK).max(1) * BLOCK
}

/// The count of bodies kept in `dir`, and what they count for in bytes ([`on_disk`]).
/// Files cut short by a crash (`.partial`) are not counted.
fn held(dir: &Path) -> (usize, u64) {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "body"))
        .filter_map(|e| e.metadata().ok())
        .filter(std::fs::Metadata::is_file)
        .fold((0, 0), |(n, bytes), m| (n + 1, bytes + on_disk(m.len())))
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
        let cap = Cap {
            bytes: 3 * 1024 * 1024,
            files: 100,
        };
        let body = |b: u8| vec![b; 1024 * 1024];
        let first = write_in(&dir, &body(b'a'), cap).unwrap();
        write_in(&dir, &body(b'b'), cap).unwrap();
        write_in(&dir, &body(b'c'), cap).unwrap();
        assert_eq!(std::fs::read(&first).unwrap(), body(b'a'));
        let refused = write_in(&dir, &body(b'd'), cap).unwrap_err();
        assert!(refused.contains("3 MiB"), "{refused}");
        assert!(refused.contains("move or delete"), "{refused}");
        assert_eq!(write_in(&dir, &body(b'a'), cap).unwrap(), first);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3);
    }

    /// Small bodies are capped by their count, and each counts for at least a block.
    #[test]
    fn small_bodies_are_capped_by_their_count_and_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().join(MALFORMED_DIR);
        let by_count = Cap {
            bytes: u64::MAX,
            files: 3,
        };
        for b in [b"x", b"y", b"z"] {
            write_in(&dir, b, by_count).unwrap();
        }
        let refused = write_in(&dir, b"w", by_count).unwrap_err();
        assert!(refused.contains("holds 3 such bodies"), "{refused}");
        // Three one-byte files take three blocks: a fourth does not fit in four blocks less one.
        let by_blocks = Cap {
            bytes: 4 * BLOCK - 1,
            files: 100,
        };
        assert!(write_in(&dir, b"w", by_blocks).is_err());
        assert!(
            write_in(
                &dir,
                b"w",
                Cap {
                    bytes: 4 * BLOCK,
                    files: 100
                }
            )
            .is_ok()
        );
    }
}
