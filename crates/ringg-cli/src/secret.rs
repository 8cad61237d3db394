//! Secrets read from a file or stdin (`--api-key-file`, `--secret-file`), so they need not be
//! on the command line, where every local user can read them.
//!
//! Errors name the flag and the path, never anything read from the file.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// The most a secret file may hold; a key or shared secret is far shorter.
const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// Reads the secret for `flag` (e.g. `--api-key-file`) from `path`, or from stdin when `path`
/// is `-`, off the async runtime's worker threads. One trailing newline (`\n` or `\r\n`) is
/// dropped; an empty or blank secret is an error. The secret is masked in the command's
/// output from then on (`term::hide`).
pub(crate) async fn read_secret_file(
    flag: &'static str,
    path: PathBuf,
) -> Result<String, CliError> {
    tokio::task::spawn_blocking(move || read_blocking(flag, &path))
        .await
        .map_err(|_| {
            CliError::failed(format!("could not read {flag}: the reading thread failed"))
        })?
}

fn read_blocking(flag: &str, path: &Path) -> Result<String, CliError> {
    let from_stdin = path.as_os_str() == "-";
    let source = if from_stdin {
        "stdin".to_string()
    } else {
        path.display().to_string()
    };
    let mut bytes = Vec::new();
    let read = if from_stdin {
        std::io::stdin()
            .lock()
            .take(MAX_SECRET_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_SECRET_BYTES + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| {
        CliError::failed(format!(
            "{flag}: could not read {source}: {e}; check the path and its permissions"
        ))
    })?;
    if bytes.len() as u64 > MAX_SECRET_BYTES {
        return Err(CliError::usage(format!(
            "{flag}: {source} is larger than {MAX_SECRET_BYTES} bytes; it should hold only the secret"
        )));
    }
    // The error never quotes the bytes: they are the secret.
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::usage(format!(
            "{flag}: {source} is not UTF-8 text; it should hold only the secret"
        ))
    })?;
    let secret = strip_one_newline(&text);
    if secret.trim().is_empty() {
        return Err(CliError::usage(format!(
            "{flag}: {source} is empty; put the secret on its first line"
        )));
    }
    // Masked in everything the command prints from now on (a server's error quoting it).
    crate::term::hide(secret);
    Ok(secret.to_string())
}

/// `text` without one trailing `\n` or `\r\n`.
fn strip_one_newline(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trailing_newline_is_dropped() {
        assert_eq!(strip_one_newline("k\n"), "k");
        assert_eq!(strip_one_newline("k\r\n"), "k");
        assert_eq!(strip_one_newline("k\n\n"), "k\n");
        assert_eq!(strip_one_newline("k"), "k");
    }

    #[test]
    fn errors_name_the_path_never_the_contents() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let e = read_blocking("--api-key-file", &missing)
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing") && e.contains("--api-key-file"), "{e}");
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let e = read_blocking("--secret-file", &empty)
            .unwrap_err()
            .to_string();
        assert!(e.contains("is empty"), "{e}");
        let binary = dir.path().join("binary");
        std::fs::write(&binary, b"s3cret\xff").unwrap();
        let e = read_blocking("--secret-file", &binary)
            .unwrap_err()
            .to_string();
        assert!(!e.contains("s3cret"), "{e}");
        let good = dir.path().join("good");
        std::fs::write(&good, "s3cret\n").unwrap();
        assert_eq!(read_blocking("--secret-file", &good).unwrap(), "s3cret");
    }
}
