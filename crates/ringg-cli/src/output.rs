//! Printing results: JSON documents and JSON lines, notes on stderr, the redaction of keys,
//! and the text forms of values in tables (the tables themselves are `crate::table`,
//! re-exported here).
//!
//! Everything shown to people passes through `ringg_types::text` first: table cells and
//! [`emit_text`](crate::term::emit_text) lines escape control characters (a server's name or
//! message cannot retitle the window or clear the screen), and so does every line on stderr
//! ([`err_line`]). JSON goes out as serde writes it, which escapes control characters itself.

use std::io::IsTerminal;

use clap::ValueEnum;
use ringg_types::common::{Nullable, Timestamp};
use ringg_types::redact::redact_text;
use ringg_types::text::{escape_control, escape_json_controls};
use serde::Serialize;
use serde_json::Value;

use crate::error::CliError;
use crate::term::{emit, err_line};

pub(crate) use crate::table::{Columns, StreamTable, TextTable, kv_table, print_table, table};

/// What a key looks like in output.
pub(crate) use ringg_types::redact::REDACTED;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputMode {
    /// Human-readable tables and lines.
    Table,
    /// JSON: the API's typed models as serde writes them.
    Json,
}

/// How results are printed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    /// Table or JSON.
    pub(crate) mode: OutputMode,
    /// No notes, no progress.
    pub(crate) quiet: bool,
}

impl Output {
    /// True for `--output json`.
    pub(crate) fn json(&self) -> bool {
        self.mode == OutputMode::Json
    }

    /// A note for people on stderr (not with --quiet).
    pub(crate) fn note(&self, text: impl AsRef<str>) {
        if !self.quiet {
            err_line(text);
        }
    }

    /// True when progress bars and spinners may be drawn: stderr is a terminal and --quiet
    /// is off (stdout may be redirected: the progress of an export to a pipe still shows).
    pub(crate) fn progress_enabled(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }
}

/// Prints prose for people on stdout, broken at spaces to fit the width (the lines after the
/// first indented by two spaces), so the terminal never cuts an id, a number or a time.
pub(crate) fn emit_prose(text: impl AsRef<str>) {
    crate::term::emit_text(wrap_to(text.as_ref(), crate::display::get().width));
}

/// [`emit_prose`] on stderr (not with --quiet), fitted to stderr's width.
pub(crate) fn note_prose(quiet: bool, text: impl AsRef<str>) {
    if !quiet {
        err_line(wrap_to(text.as_ref(), crate::display::get().err_width));
    }
}

fn wrap_to(text: &str, width: Option<usize>) -> String {
    match width {
        Some(w) => crate::layout::wrap(text, w, 2),
        None => text.to_string(),
    }
}

/// Prints a JSON document (pretty), every secret masked ([`ringg_types::redact`]: the
/// workspace key, webhook headers, auth-fetch settings), every control character escaped,
/// and transcripts as arrays ([`json_text`]).
pub(crate) fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    emit(json_text(value, true)?);
    Ok(())
}

/// Prints one JSON line (for streams), like [`print_json`].
pub(crate) fn print_json_line<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    emit(json_text(value, false)?);
    Ok(())
}

/// A value as the CLI prints JSON: a transcript that the API sends as a JSON-encoded string
/// becomes the array of turns it holds (every `transcript` in the document), every secret is
/// masked and every control character escaped.
pub(crate) fn json_text<T: Serialize + ?Sized>(
    value: &T,
    pretty: bool,
) -> Result<String, CliError> {
    let mut value = to_value(value)?;
    transcripts_as_arrays(&mut value);
    let text = if pretty {
        serde_json::to_string_pretty(&value)
    } else {
        serde_json::to_string(&value)
    }
    .map_err(|e| CliError::failed(format!("could not write JSON: {e}")))?;
    let text = redact_text(&text);
    Ok(escape_json_controls(&crate::term::masked(&text)).into_owned())
}

/// Replaces every `transcript` string that holds a JSON array with that array, and every
/// `transcription_url` that holds one (a call's details carry the turns there, not a link).
fn transcripts_as_arrays(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if matches!(k.as_str(), "transcript" | "transcription_url")
                    && let Value::String(s) = v
                    && let Ok(turns @ Value::Array(_)) = serde_json::from_str::<Value>(s)
                {
                    *v = turns;
                } else {
                    transcripts_as_arrays(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(transcripts_as_arrays),
        _ => {}
    }
}

/// A value as JSON, for redaction and flattening.
pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, CliError> {
    serde_json::to_value(value).map_err(|e| CliError::failed(format!("could not write JSON: {e}")))
}

/// Flattens JSON into `a.b.c = value` rows (arrays of scalars are joined with commas).
pub(crate) fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                flatten(&key(k), v, out);
            }
        }
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&key(&i.to_string()), v, out);
            }
        }
        other => out.push((
            if prefix.is_empty() {
                "value".into()
            } else {
                prefix.to_string()
            },
            scalar(other),
        )),
    }
}

/// A JSON value as table text.
pub(crate) fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Value::Object(m) if m.is_empty() => "-".into(),
        other => other.to_string(),
    }
}

/// `-` for nothing.
pub(crate) fn or_dash(s: Option<impl AsRef<str>>) -> String {
    match s {
        Some(s) if !s.as_ref().is_empty() => s.as_ref().to_string(),
        _ => "-".into(),
    }
}

/// A field the server's answer may leave out (Ringg's documented answer has none of it):
/// "not shown by the server" when it is absent, so that is not read as "none" (`-`).
pub(crate) fn shown<T>(field: &Nullable<T>, text: impl FnOnce(&T) -> String) -> String {
    if field.is_absent() {
        NOT_SHOWN.into()
    } else {
        or_dash(field.as_ref().map(text))
    }
}

/// What a table shows for a field the server's answer left out.
pub(crate) const NOT_SHOWN: &str = "not shown by the server";

/// A nullable string field as table text.
pub(crate) fn nz(s: &Nullable<String>) -> String {
    or_dash(s.as_deref())
}

/// A timestamp as `YYYY-MM-DD HH:MM:SS ZONE`, in the local zone unless `--utc`
/// ([`crate::display`]).
pub(crate) fn ts(t: Option<&Timestamp>) -> String {
    t.map(|t| crate::display::get().time(t.to_utc()))
        .unwrap_or_else(|| "-".into())
}

/// What a queued call waits for, on the display's clock: "queued until 2026-12-06 09:00:00 IST
/// (window)".
pub(crate) fn queued(q: &ringg_types::calls::Queued) -> String {
    format!(
        "queued until {} ({})",
        ts(Some(&q.until)),
        q.reason.as_str()
    )
}

/// A number with at most two decimals, without trailing zeros.
pub(crate) fn num(v: f64) -> String {
    // Whatever rounds to zero is 0, never -0.
    let v = if v.abs() < 0.005 { 0.0 } else { v };
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A short form of a text for a table cell: one line of at most `max` characters, then its
/// control characters escaped.
pub(crate) fn clip(s: &str, max: usize) -> String {
    let s = crate::error::one_line(s);
    let s = if s.chars().count() <= max {
        s
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    };
    escape_control(&s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattening() {
        let mut rows = Vec::new();
        flatten(
            "",
            &json!({"a": {"b": 1, "c": [1, 2]}, "d": [{"e": null}], "f": "x"}),
            &mut rows,
        );
        assert_eq!(
            rows,
            vec![
                ("a.b".into(), "1".into()),
                ("a.c".into(), "1, 2".into()),
                ("d.0.e".into(), "-".into()),
                ("f".into(), "x".into()),
            ]
        );
    }

    #[test]
    fn redaction_and_numbers() {
        assert_eq!(num(3025.0), "3025");
        assert_eq!(num(0.154), "0.15");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(-0.001), "0");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("a\x1b[2Jb", 20), "a\\u{1b}[2Jb");
    }
}
