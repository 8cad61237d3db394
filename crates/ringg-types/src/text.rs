//! Text from servers and deliveries, made safe to show on a terminal.
//!
//! A server's error message or a webhook's field is untrusted text. Printed raw, an escape
//! sequence in it can retitle the terminal window, clear the screen or colour a fake
//! instruction. [`escape_control`] turns every control character into a visible escape, and
//! [`truncate_chars`] bounds how much of a long message is shown.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Replaces every control character in `text` with a visible escape, so it cannot act on a
/// terminal: `\n`, `\r` and `\t` become those two-character escapes, every other C0 or C1
/// control character (ESC, BEL, DEL, U+009B CSI, …) and the bidirectional overrides
/// (U+202A–U+202E, U+2066–U+2069) become `\u{…}`. A backslash is left as it is. Text without
/// such characters is returned borrowed.
///
/// ```
/// use ringg_types::text::escape_control;
/// assert_eq!(escape_control("plain text"), "plain text");
/// assert_eq!(escape_control("\x1b]0;pwned\x07"), "\\u{1b}]0;pwned\\u{7}");
/// assert_eq!(escape_control("two\nlines"), "two\\nlines");
/// ```
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`escape_control`], but keeps line breaks and tabs: for multi-line text (a transcript)
/// printed as it is. Every other control character is escaped.
///
/// ```
/// use ringg_types::text::escape_control_keep_lines;
/// assert_eq!(escape_control_keep_lines("a\nb\x1b[2J"), "a\nb\\u{1b}[2J");
/// ```
pub fn escape_control_keep_lines(text: &str) -> Cow<'_, str> {
    let keep = |c: char| matches!(c, '\n' | '\t');
    if !text.chars().any(|c| needs_escape(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) && !keep(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Makes serde_json's output safe for a terminal without changing the JSON value.
///
/// serde_json escapes C0 control characters inside strings, but writes DEL, the C1 controls
/// (U+009B is a CSI on some terminals) and the bidirectional overrides as they are. Outside
/// strings its output has none of them, so writing each as a `\uXXXX` escape keeps the same
/// document. Line breaks and indentation of pretty output are left alone.
///
/// ```
/// use ringg_types::text::escape_json_controls;
/// let json = serde_json::to_string(&serde_json::json!({"name": "a\u{9b}2J"})).unwrap();
/// let safe = escape_json_controls(&json);
/// assert_eq!(safe, r#"{"name":"a\u009b2J"}"#);
/// let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
/// assert_eq!(back["name"], "a\u{9b}2J");
/// ```
pub fn escape_json_controls(json: &str) -> Cow<'_, str> {
    let raw_in_json = |c: char| needs_escape(c) && (c as u32) >= 0x7f;
    if !json.chars().any(raw_in_json) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw_in_json(c) {
            // Every such character is in the Basic Multilingual Plane: one escape suffices.
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The first `max_chars` characters of `text`; when it is longer, followed by
/// `… (N more characters)`. Never splits a character.
///
/// ```
/// use ringg_types::text::truncate_chars;
/// assert_eq!(truncate_chars("short", 10), "short");
/// assert_eq!(truncate_chars("abcdef", 3), "abc… (3 more characters)");
/// ```
pub fn truncate_chars(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some((end, _)) => {
            let rest = text[end..].chars().count();
            Cow::Owned(format!("{}… ({rest} more characters)", &text[..end]))
        }
    }
}

/// [`escape_control`] after [`truncate_chars`]: what to print of a server's message.
///
/// ```
/// use ringg_types::text::for_terminal;
/// assert_eq!(for_terminal("\x1b[31mred", 100), "\\u{1b}[31mred");
/// ```
pub fn for_terminal(text: &str, max_chars: usize) -> String {
    escape_control(&truncate_chars(text, max_chars)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_control_character() {
        for c in (0u32..0x20).chain(0x7f..0xa0) {
            let c = char::from_u32(c).unwrap();
            let s = escape_control(&c.to_string()).into_owned();
            assert!(!s.chars().any(char::is_control), "{c:?} -> {s:?}");
        }
        assert_eq!(escape_control("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(escape_control("a\u{202e}b"), "a\\u{202e}b");
        assert!(matches!(escape_control("ünïcødé ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn keep_lines_keeps_only_newlines_and_tabs() {
        assert_eq!(escape_control_keep_lines("a\r\nb"), "a\\u{d}\nb");
        assert_eq!(escape_control_keep_lines("x\ty"), "x\ty");
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate_chars("ééé", 2), "éé… (1 more characters)");
        assert_eq!(truncate_chars("", 0), "");
        assert_eq!(truncate_chars("a", 0), "… (1 more characters)");
    }
}
