//! Printing results: tables that fit the terminal, JSON documents and JSON lines, notes on
//! stderr, and the redaction of keys.
//!
//! Everything shown to people passes through `ringg_types::text` first: table cells and
//! [`emit_text`] lines escape control characters (a server's name or message cannot retitle
//! the window or clear the screen), and so does every line on stderr ([`err_line`]). JSON
//! goes out as serde writes it, which escapes control characters itself.

use std::io::IsTerminal;

use clap::ValueEnum;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, presets};
use ringg_types::common::{Nullable, Timestamp};
use ringg_types::redact::redact_text;
use ringg_types::text::{escape_control, escape_control_keep_lines, escape_json_controls};
use serde::Serialize;
use serde_json::Value;

use crate::error::CliError;
use crate::term::{emit, emit_text, err_line};

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

    /// True when progress bars and spinners may be drawn: both streams are terminals and
    /// --quiet is off.
    pub(crate) fn progress_enabled(&self) -> bool {
        !self.quiet && std::io::stdout().is_terminal() && std::io::stderr().is_terminal()
    }
}

/// Prints a JSON document (pretty), every secret masked ([`ringg_types::redact`]: the
/// workspace key, webhook headers, auth-fetch settings) and every control character escaped.
pub(crate) fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::failed(format!("could not write JSON: {e}")))?;
    emit(escape_json_controls(&redact_text(&text)));
    Ok(())
}

/// Prints one JSON line (for streams), every secret masked.
pub(crate) fn print_json_line<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string(value)
        .map_err(|e| CliError::failed(format!("could not write JSON: {e}")))?;
    emit(escape_json_controls(&redact_text(&text)));
    Ok(())
}

/// A value as JSON, for redaction and flattening.
pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, CliError> {
    serde_json::to_value(value).map_err(|e| CliError::failed(format!("could not write JSON: {e}")))
}

/// A table whose cells cannot act on the terminal: every cell's control characters are
/// escaped as it is added (line breaks stay, inside the cell's borders).
pub(crate) struct TextTable(Table);

impl TextTable {
    /// Adds a row of cells.
    pub(crate) fn add_row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.0.add_row(
            cells
                .into_iter()
                .map(|c| escape_control_keep_lines(c.as_ref()).into_owned())
                .collect::<Vec<_>>(),
        );
    }
}

impl std::fmt::Display for TextTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A table with the house style, fitted to the terminal's width.
pub(crate) fn table(header: &[&str]) -> TextTable {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !std::io::stdout().is_terminal() {
        // No terminal to measure: keep rows on one line unless they are very long.
        t.set_width(160);
    }
    if !header.is_empty() {
        t.set_header(header.iter().copied());
        // Ids are copied into other commands: never wrap them.
        for (i, h) in header.iter().enumerate() {
            if *h == "ID"
                && let Some(col) = t.column_mut(i)
            {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
    TextTable(t)
}

/// Prints a table (its cells were escaped as they were added; the whole is checked again).
pub(crate) fn print_table(t: &TextTable) {
    emit_text(t.to_string());
}

/// A two-column FIELD / VALUE table (keys and values escaped).
pub(crate) fn kv_table(rows: impl IntoIterator<Item = (String, String)>) -> TextTable {
    let mut t = table(&[]);
    for (k, v) in rows {
        t.add_row([k, v]);
    }
    t
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

/// A nullable string field as table text.
pub(crate) fn nz(s: &Nullable<String>) -> String {
    or_dash(s.as_deref())
}

/// A timestamp as `YYYY-MM-DD HH:MM:SS` in UTC.
pub(crate) fn ts(t: Option<&Timestamp>) -> String {
    t.map(|t| t.to_utc().format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "-".into())
}

/// A number with at most two decimals, without trailing zeros.
pub(crate) fn num(v: f64) -> String {
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
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("a\x1b[2Jb", 20), "a\\u{1b}[2Jb");
    }

    #[test]
    fn table_cells_are_escaped() {
        let mut t = table(&["ID", "NAME"]);
        t.add_row(["a1", "\x1b]0;pwned\x07\x1b[31mred"]);
        let kv = kv_table([("name\x1b[2J".to_string(), "\u{9b}31m".to_string())]);
        for text in [t.to_string(), kv.to_string()] {
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{text:?}"
            );
            assert!(text.contains("\\u{1b}"), "{text}");
        }
    }
}
