//! `campaigns launch --split`: a contact CSV over the upload limit cut into parts under it,
//! each with the header, rows kept whole and in order.
//!
//! The parts are written to a folder of their own in the state folder (`split/`, readable by
//! the user alone on Unix: they hold the contacts) and removed after the launch; on Unix, the
//! folder of a launch killed before it removed its own is removed by the next split. Their
//! contents depend only on the file, so a launch run again after a crash makes the same parts
//! and the journal resumes each (its key is the part's SHA-256, name and assistant).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ringg_api::campaigns::LineIndex;

use crate::error::CliError;

/// The folder in the state folder that holds each split launch's folder of parts.
const SPLIT_DIR: &str = "split";

/// The lock file in a launch's folder of parts, locked while the launch runs.
const LOCK_FILE: &str = ".lock";

/// How old a folder of parts whose lock is free must be to be taken for a gone launch's (one
/// being made has no lock yet).
const GONE_AFTER: Duration = Duration::from_secs(60);

/// What the folders of parts of earlier versions, in the state folder itself and without a
/// lock, are named with; removed once a day old.
const EARLIER_PREFIX: &str = "split-";

/// A day.
const DAY: Duration = Duration::from_secs(24 * 3600);

/// The parts of a split file, removed when dropped.
#[derive(Debug)]
pub(crate) struct Parts {
    dir: PathBuf,
    /// The part files, in order.
    pub(crate) files: Vec<PathBuf>,
    /// Held while the parts are in use (their folder's lock file).
    lock: Option<std::fs::File>,
}

/// A new folder for a launch's parts, `split/<id>` in the state folder (0700 on Unix), with its
/// lock taken (held by the returned file); first removes the folders of gone launches (killed
/// before they removed theirs): those whose lock is free, last changed over a minute ago.
pub(crate) fn parts_folder() -> Result<(PathBuf, std::fs::File), CliError> {
    let cannot =
        |p: &Path, e: std::io::Error| CliError::io(format!("could not create {}", p.display()), &e);
    let parent = crate::state::path(SPLIT_DIR)?;
    crate::state::create_private_folder(&parent).map_err(|e| cannot(&parent, e))?;
    remove_gone(&parent);
    if let Some(state) = parent.parent() {
        remove_earlier(state);
    }
    let dir = parent.join(uuid::Uuid::new_v4().simple().to_string());
    crate::state::create_private_folder(&dir).map_err(|e| cannot(&dir, e))?;
    let lock_path = dir.join(LOCK_FILE);
    let lock = crate::state::create_private_file(&lock_path).map_err(|e| cannot(&lock_path, e))?;
    match crate::state::try_lock(&lock) {
        Ok(true) => Ok((dir, lock)),
        Ok(false) => Err(cannot(
            &lock_path,
            std::io::Error::other("its lock is held by another process"),
        )),
        Err(e) => Err(cannot(&lock_path, e)),
    }
}

/// Removes the folders of parts earlier versions left in the state folder `state`
/// (`split-<id>`) when they are over a day old: those versions took no lock, and a launch does
/// not upload for a day.
fn remove_earlier(state: &Path) {
    let Ok(entries) = std::fs::read_dir(state) else {
        return;
    };
    for entry in entries.flatten() {
        let named = entry
            .file_name()
            .to_string_lossy()
            .starts_with(EARLIER_PREFIX);
        let dir = entry.path();
        if named && dir.is_dir() && crate::state::older_than(&dir, DAY) {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// Removes the folders of parts in `parent` whose launch is gone (Unix: off it, no lock tells a
/// running launch's folder from a gone one's, and they are left).
fn remove_gone(parent: &Path) {
    #[cfg(unix)]
    {
        let Ok(entries) = std::fs::read_dir(parent) else {
            return;
        };
        for dir in entries.flatten().map(|e| e.path()) {
            if !crate::state::older_than(&dir, GONE_AFTER) {
                continue;
            }
            let lock_path = dir.join(LOCK_FILE);
            // Its lock taken, or none made (killed before it made one).
            let lock = crate::state::lock_if_free(&lock_path);
            if lock.is_some() || !lock_path.exists() {
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
    }
    #[cfg(not(unix))]
    let _ = parent;
}

impl Drop for Parts {
    fn drop(&mut self) {
        // Closed first: an open file keeps its folder from being removed off Unix.
        drop(self.lock.take());
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Cuts `path` into parts of at most `max_bytes` each (header included), written under
/// `into` (a folder for them, created private when missing; see [`parts_folder`]) and
/// removed with it when the parts are dropped, which gives back `lock`.
pub(crate) fn split(
    path: &Path,
    max_bytes: u64,
    into: &Path,
    lock: Option<std::fs::File>,
) -> Result<Parts, CliError> {
    let read_err =
        |e: csv::Error| CliError::failed(format!("could not read {}: {e}", path.display()));
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::io(format!("could not open {}", path.display()), &e))?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(LineIndex::new(std::io::BufReader::new(file)));
    let header = encode(rdr.byte_headers().map_err(read_err)?)?;
    if header.len() as u64 * 2 > max_bytes {
        return Err(CliError::failed(format!(
            "the header of {} alone is {} bytes; it cannot be split into parts of {max_bytes} bytes",
            path.display(),
            header.len()
        )));
    }
    crate::state::create_private_folder(into)
        .map_err(|e| CliError::io(format!("could not create {}", into.display()), &e))?;
    let mut parts = Parts {
        dir: into.to_path_buf(),
        files: Vec::new(),
        lock,
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "contacts".into());
    let mut current: Option<(std::io::BufWriter<std::fs::File>, u64)> = None;
    let mut record = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut record).map_err(read_err)? {
        // Asked for every row, so the index forgets the line breaks behind it.
        let line = record
            .position()
            .map_or(0, |p| rdr.get_mut().line_of(p.byte()));
        let row = encode(&record)?;
        if row.len() as u64 + header.len() as u64 > max_bytes {
            return Err(CliError::failed(format!(
                "line {} of {} is {} bytes, too long for a part of {max_bytes} bytes",
                line,
                path.display(),
                row.len()
            )));
        }
        let full = current
            .as_ref()
            .is_some_and(|(_, size)| size + row.len() as u64 > max_bytes);
        if full || current.is_none() {
            if let Some((mut w, _)) = current.take() {
                w.flush()
                    .map_err(|e| CliError::io("could not write a part of the split CSV", &e))?;
            }
            let file = into.join(format!("{stem}-part-{:03}.csv", parts.files.len() + 1));
            let mut w =
                std::io::BufWriter::new(crate::state::create_private_file(&file).map_err(|e| {
                    CliError::io(format!("could not create {}", file.display()), &e)
                })?);
            w.write_all(&header)
                .map_err(|e| CliError::io("could not write a part of the split CSV", &e))?;
            parts.files.push(file);
            current = Some((w, header.len() as u64));
        }
        if let Some((w, size)) = current.as_mut() {
            w.write_all(&row)
                .map_err(|e| CliError::io("could not write a part of the split CSV", &e))?;
            *size += row.len() as u64;
        }
    }
    if let Some((mut w, _)) = current.take() {
        w.flush()
            .map_err(|e| CliError::io("could not write a part of the split CSV", &e))?;
    }
    Ok(parts)
}

/// One record as CSV bytes (quoted where needed, `\n`-terminated).
fn encode(record: &csv::ByteRecord) -> Result<Vec<u8>, CliError> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    w.write_byte_record(record)
        .map_err(|e| CliError::failed(format!("could not write a CSV row: {e}")))?;
    w.into_inner()
        .map_err(|e| CliError::failed(format!("could not write a CSV row: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of parts in `parent`, last changed `age` ago, with a lock file unless
    /// `lock` is false.
    fn folder(parent: &Path, name: &str, age: Duration, lock: bool) -> PathBuf {
        let dir = parent.join(name);
        std::fs::create_dir(&dir).unwrap();
        if lock {
            std::fs::write(dir.join(LOCK_FILE), b"").unwrap();
        }
        let when = std::time::SystemTime::now() - age;
        std::fs::File::open(&dir)
            .unwrap()
            .set_modified(when)
            .unwrap();
        dir
    }

    #[cfg(unix)]
    #[test]
    fn folders_of_gone_launches_are_removed_and_running_ones_kept() {
        let parent = tempfile::tempdir().unwrap();
        let hour = Duration::from_secs(3600);
        let running = folder(parent.path(), "running", hour, true);
        let held = std::fs::File::open(running.join(LOCK_FILE)).unwrap();
        assert!(crate::state::try_lock(&held).unwrap());
        let gone = folder(parent.path(), "gone", hour, true);
        let unlocked = folder(parent.path(), "killed-before-its-lock", hour, false);
        let young = folder(parent.path(), "being-made", Duration::ZERO, false);
        remove_gone(parent.path());
        assert!(running.is_dir() && young.is_dir());
        assert!(!gone.exists() && !unlocked.exists());
        drop(held);
        remove_gone(parent.path());
        assert!(!running.exists());
    }

    #[test]
    fn parts_keep_the_header_and_every_row_under_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("big.csv");
        let mut text = String::from("Mobile Number,Name,Note\n");
        for i in 0..500 {
            text.push_str(&format!("+9198765{i:05},\"Person, {i}\",\"multi\nline\"\n"));
        }
        std::fs::write(&src, &text).unwrap();
        let parts = split(&src, 4096, &dir.path().join("parts"), None).unwrap();
        assert!(parts.files.len() > 1);
        #[cfg(unix)]
        {
            // They hold the contacts: the user's alone.
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir.path().join("parts")), 0o700);
            assert!(parts.files.iter().all(|f| mode(f) == 0o600));
        }
        let mut rows = 0;
        for f in &parts.files {
            let bytes = std::fs::read(f).unwrap();
            assert!(bytes.len() <= 4096, "{} bytes", bytes.len());
            let mut r = csv::Reader::from_reader(&bytes[..]);
            assert_eq!(r.headers().unwrap().get(0), Some("Mobile Number"));
            for rec in r.records() {
                let rec = rec.unwrap();
                assert_eq!(rec.get(0).unwrap(), format!("+9198765{rows:05}"));
                assert_eq!(rec.get(2).unwrap(), "multi\nline");
                rows += 1;
            }
        }
        assert_eq!(rows, 500);
        let folder = dir.path().join("parts");
        drop(parts);
        assert!(!folder.exists(), "the parts are removed");
    }
}
