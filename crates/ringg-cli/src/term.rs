//! Writing lines to the terminal: stdout for results, stderr for notes and errors.
//!
//! Every line for people has its control characters escaped (line breaks and tabs stay), so a
//! server's text cannot act on the terminal. JSON goes out through [`emit`] as serde wrote
//! it, which escapes control characters itself.

use std::borrow::Cow;
use std::io::Write;
use std::sync::RwLock;

use ringg_types::text::escape_control_keep_lines;

/// Secrets no line may show, whatever it holds: the API key of the command's client, which a
/// server may echo into any answer the command prints.
static HIDDEN: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// From now on, every line written through this module (and every JSON text the CLI makes)
/// shows `secret` masked. A secret shorter than
/// [`MIN_MASKED_SECRET_LEN`](ringg_types::redact::MIN_MASKED_SECRET_LEN) is not searched for.
pub(crate) fn hide(secret: &str) {
    // A secret given with spaces around it is echoed without them.
    let secret = secret.trim();
    if secret.len() < ringg_types::redact::MIN_MASKED_SECRET_LEN {
        return;
    }
    let mut hidden = HIDDEN
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !hidden.iter().any(|s| s == secret) {
        hidden.push(secret.to_owned());
    }
}

/// `text` with every secret given to [`hide`] masked.
pub(crate) fn masked(text: &str) -> Cow<'_, str> {
    let hidden = HIDDEN
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut text = Cow::Borrowed(text);
    for secret in hidden.iter() {
        if let Cow::Owned(m) = ringg_types::redact::mask_secret(&text, secret) {
            text = Cow::Owned(m);
        }
    }
    text
}

/// `bytes` with every secret given to [`hide`] masked, for output that need not be text (an
/// answer written as it came to a file or pipe): written as UTF-8, or as UTF-16 (either byte
/// order, as a text file saved as "Unicode" holds it).
pub(crate) fn masked_bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
    let hidden = HIDDEN
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut bytes = Cow::Borrowed(bytes);
    for secret in hidden.iter() {
        if let Some(masked) = ringg_types::redact::mask_secret_bytes(&bytes, secret) {
            bytes = Cow::Owned(masked);
        }
    }
    bytes
}

/// A writer that passes what it is given on line by line, every secret given to [`hide`]
/// masked (a secret holds no line break, so no line can show a part of one): for output that
/// does not go through this module's writers, such as a CSV export.
pub(crate) struct MaskedLines<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> MaskedLines<W> {
    /// Masks what goes to `inner`.
    pub(crate) fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }

    fn pass(&mut self, line: &[u8]) -> std::io::Result<()> {
        match std::str::from_utf8(line).map(masked) {
            Ok(Cow::Owned(text)) => self.inner.write_all(text.as_bytes()),
            _ => self.inner.write_all(line),
        }
    }
}

impl<W: Write> Write for MaskedLines<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(last) = self.pending.iter().rposition(|&b| b == b'\n') {
            let lines: Vec<u8> = self.pending.drain(..=last).collect();
            for line in lines.split_inclusive(|&b| b == b'\n') {
                self.pass(line)?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.pass(&rest)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for MaskedLines<W> {
    /// Passes on what is left of a last line without a line break.
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Writes one line to stderr, control characters other than line breaks and tabs escaped; a
/// closed stderr is ignored (never a panic).
pub(crate) fn err_line(line: impl AsRef<str>) {
    let shown = masked(line.as_ref());
    let line = escape_control_keep_lines(&shown);
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Writes text for people to stdout, control characters other than line breaks and tabs
/// escaped (see [`emit`]).
pub(crate) fn emit_text(text: impl AsRef<str>) {
    emit(escape_control_keep_lines(text.as_ref()));
}

/// Writes one line to stdout as it is, returning the failure instead of ending the program
/// (for a caller that has to undo something first, see [`emit`]).
pub(crate) fn try_emit(line: impl AsRef<str>) -> std::io::Result<()> {
    let line = masked(line.as_ref());
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|()| out.flush())
}

/// Writes one line to stdout as it is: for JSON, and text already made safe (people's text
/// goes through [`emit_text`]). A closed pipe (`ringg … | head`) ends the program quietly.
pub(crate) fn emit(line: impl AsRef<str>) {
    if let Err(e) = try_emit(line) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        err_line(format!("error: could not write to stdout: {e}"));
        std::process::exit(1);
    }
}

/// Resolves when stdout is a pipe whose reader has gone (`ringg calls tail | head -1` after
/// its line), so a live stream that writes rarely ends then, quietly, rather than at its
/// next line. It never resolves where that cannot be known: stdout a regular file, or a
/// system other than Unix. A thread waits in `poll(2)` on stdout for the error (or hang-up)
/// a pipe's writing end reports once no reader is left.
pub(crate) async fn stdout_closed() {
    #[cfg(unix)]
    {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let watcher = std::thread::Builder::new()
            .name("stdout-watch".into())
            .spawn(move || {
                use rustix::event::{PollFd, PollFlags, poll};
                let stdout = std::io::stdout();
                let mut fds = [PollFd::new(&stdout, PollFlags::empty())];
                loop {
                    match poll(&mut fds, None) {
                        Err(rustix::io::Errno::INTR) => continue,
                        Err(_) => return,
                        Ok(_) => {
                            let got = fds[0].revents();
                            if got.intersects(PollFlags::ERR | PollFlags::HUP) {
                                let _ = tx.send(());
                                return;
                            }
                            if !got.is_empty() {
                                // Not a descriptor poll can watch: nothing will be known.
                                return;
                            }
                        }
                    }
                }
            });
        if watcher.is_ok() && rx.await.is_ok() {
            return;
        }
    }
    std::future::pending::<()>().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_text_have_a_hidden_secret_masked() {
        let secret = "bytes-secret-5d1c-4b7e-a0f2";
        hide(secret);
        let mut body = vec![0xff, 0x00];
        body.extend_from_slice(secret.as_bytes());
        body.push(0x80);
        body.extend_from_slice(secret.as_bytes());
        let shown = masked_bytes(&body);
        let want = [&[0xff, 0x00][..], b"[REDACTED]", &[0x80], b"[REDACTED]"].concat();
        assert_eq!(&*shown, &want[..]);
        assert!(matches!(masked_bytes(b"\xffno secret"), Cow::Borrowed(_)));
        // The same in UTF-16, either byte order.
        for to in [u16::to_le_bytes, u16::to_be_bytes] {
            let text = |t: &str| -> Vec<u8> { t.encode_utf16().flat_map(to).collect() };
            let body = text(&format!("key {secret}!"));
            assert_eq!(&*masked_bytes(&body), &text("key [REDACTED]!")[..]);
        }
    }
}
