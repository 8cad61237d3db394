//! Writing lines to the terminal: stdout for results, stderr for notes and errors.
//!
//! Every line for people has its control characters escaped (line breaks and tabs stay), so a
//! server's text cannot act on the terminal. JSON goes out through [`emit`] as serde wrote
//! it, which escapes control characters itself.

use std::io::Write;

use ringg_types::text::escape_control_keep_lines;

/// Writes one line to stderr, control characters other than line breaks and tabs escaped; a
/// closed stderr is ignored (never a panic).
pub(crate) fn err_line(line: impl AsRef<str>) {
    let line = escape_control_keep_lines(line.as_ref());
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Writes text for people to stdout, control characters other than line breaks and tabs
/// escaped (see [`emit`]).
pub(crate) fn emit_text(text: impl AsRef<str>) {
    emit(escape_control_keep_lines(text.as_ref()));
}

/// Writes one line to stdout as it is: for JSON, and text already made safe (people's text
/// goes through [`emit_text`]). A closed pipe (`ringg … | head`) ends the program quietly.
pub(crate) fn emit(line: impl AsRef<str>) {
    let mut out = std::io::stdout().lock();
    let res = writeln!(out, "{}", line.as_ref()).and_then(|()| out.flush());
    if let Err(e) = res {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        err_line(format!("error: could not write to stdout: {e}"));
        std::process::exit(1);
    }
}
