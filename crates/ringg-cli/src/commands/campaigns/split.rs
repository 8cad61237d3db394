//! `campaigns launch --split`: a contact CSV over the upload limit cut into parts under it,
//! each with the header, rows kept whole and in order.
//!
//! The parts are written to a folder of their own in the state folder and removed after the
//! launch. Their contents depend only on the file, so a launch run again after a crash makes
//! the same parts and the journal resumes each (its key is the part's SHA-256, name and
//! assistant).

use std::io::Write;
use std::path::{Path, PathBuf};

use ringg_api::campaigns::LineIndex;

use crate::error::CliError;

/// The parts of a split file, removed when dropped.
#[derive(Debug)]
pub(crate) struct Parts {
    dir: PathBuf,
    /// The part files, in order.
    pub(crate) files: Vec<PathBuf>,
}

impl Drop for Parts {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Cuts `path` into parts of at most `max_bytes` each (header included), written under
/// `into` (a folder created for them).
pub(crate) fn split(path: &Path, max_bytes: u64, into: &Path) -> Result<Parts, CliError> {
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
    std::fs::create_dir_all(into)
        .map_err(|e| CliError::io(format!("could not create {}", into.display()), &e))?;
    let mut parts = Parts {
        dir: into.to_path_buf(),
        files: Vec::new(),
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
                std::io::BufWriter::new(std::fs::File::create(&file).map_err(|e| {
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

    #[test]
    fn parts_keep_the_header_and_every_row_under_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("big.csv");
        let mut text = String::from("Mobile Number,Name,Note\n");
        for i in 0..500 {
            text.push_str(&format!("+9198765{i:05},\"Person, {i}\",\"multi\nline\"\n"));
        }
        std::fs::write(&src, &text).unwrap();
        let parts = split(&src, 4096, &dir.path().join("parts")).unwrap();
        assert!(parts.files.len() > 1);
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
