//! `webhooks listen` keeps the body of a delivery refused as not one JSON object (400
//! `malformed_json`): no handler or app sees it, Ringg sends a subscription event again only
//! three times and a per-call callback never, so its content would otherwise be lost.
//!
//! Each body is a file of its own in the folder `webhooks-malformed` of the state folder
//! (private to the user), named by a SHA-256 of the body, so Ringg's retries of one delivery
//! keep one file.

use std::io::Write;
use std::path::PathBuf;

/// The folder in the state folder.
pub(crate) const MALFORMED_DIR: &str = "webhooks-malformed";

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
    use sha2::{Digest, Sha256};
    let dir = crate::state::path(MALFORMED_DIR).map_err(|e| e.to_string())?;
    crate::state::create_private_folder(&dir).map_err(|e| e.to_string())?;
    let digest: String = Sha256::digest(body)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = dir.join(format!("{digest}.body"));
    if path.exists() {
        return Ok(path);
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
