//! Mending the two slips of JSON writers that serde_json refuses, so that a delivery is not
//! refused on every attempt for one value (the API reference §3.5: after the last attempt the
//! event is dropped).
//!
//! - `NaN`, `Infinity` and `-Infinity` outside strings (Python's `json.dumps` writes them by
//!   default, for example for a latency averaged over no turns) become `null`;
//! - a lone UTF-16 surrogate escape inside a string (`"\ud83d"`, half of an emoji cut by a
//!   transcript's truncation) becomes `\ufffd`, the replacement character, and so does a byte
//!   inside a string that is not part of valid UTF-8 (an emoji's bytes cut short, a Latin-1
//!   `é`);
//! - a number beyond the range of `f64` (`1e400`, or the 401 digits Python writes for
//!   `10**400`) becomes `null`;
//! - a control character written raw inside a string (a transcript's line break or tab, as
//!   a writer that builds its JSON by hand leaves them) becomes its escape (`\n`, `\t`,
//!   `\u0000`).

/// `body` with those slips mended, or `None` when it has none.
pub(crate) fn mend(body: &[u8]) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut changed = false;
    let mut i = 0;
    let mut in_string = false;
    while i < body.len() {
        let b = body[i];
        if in_string {
            match b {
                b'"' => in_string = false,
                b'\\' if body.get(i + 1) == Some(&b'u') => {
                    let (len, lone) = surrogate_escape(&body[i..]);
                    if lone {
                        out.extend_from_slice(br"\ufffd");
                        changed = true;
                    } else {
                        out.extend_from_slice(&body[i..i + len]);
                    }
                    i += len;
                    continue;
                }
                b'\\' => {
                    // Any other escape: its next byte is part of it (`\"` does not end the
                    // string).
                    let end = (i + 2).min(body.len());
                    out.extend_from_slice(&body[i..end]);
                    i = end;
                    continue;
                }
                0x00..=0x1F => {
                    match b {
                        b'\n' => out.extend_from_slice(br"\n"),
                        b'\r' => out.extend_from_slice(br"\r"),
                        b'\t' => out.extend_from_slice(br"\t"),
                        _ => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
                    }
                    changed = true;
                    i += 1;
                    continue;
                }
                0x80.. => {
                    let len = utf8_len(&body[i..]);
                    if len == 0 {
                        out.extend_from_slice(br"\ufffd");
                        changed = true;
                        i += 1;
                    } else {
                        out.extend_from_slice(&body[i..i + len]);
                        i += len;
                    }
                    continue;
                }
                _ => {}
            }
            out.push(b);
            i += 1;
            continue;
        }
        let rest = &body[i..];
        let token = [&b"NaN"[..], b"Infinity", b"-Infinity"]
            .into_iter()
            .find(|t| rest.starts_with(t));
        if let Some(token) = token {
            out.extend_from_slice(b"null");
            i += token.len();
            changed = true;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let len = rest
                .iter()
                .position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                .unwrap_or(rest.len());
            let number = &rest[..len];
            if beyond_f64(number) {
                out.extend_from_slice(b"null");
                changed = true;
            } else {
                out.extend_from_slice(number);
            }
            i += len;
            continue;
        }
        if b == b'"' {
            in_string = true;
        }
        out.push(b);
        i += 1;
    }
    changed.then_some(out)
}

/// Whether `number` is a number serde_json refuses for its size: beyond the range of `f64`, or
/// so near its end that serde_json's reading (less exact than Rust's) goes past it (the 309
/// digits of `f64::MAX` written out, as Python writes `int(sys.float_info.max)`).
fn beyond_f64(number: &[u8]) -> bool {
    let huge = std::str::from_utf8(number)
        .ok()
        .and_then(|n| n.parse::<f64>().ok())
        .is_some_and(|n| n.is_infinite() || n.abs() >= 1e308);
    huge && serde_json::from_slice::<serde_json::Number>(number).is_err()
}

/// The length of the UTF-8 character at the start of `s` (which starts with a byte of 0x80 or
/// more), or 0 when that byte does not start one.
fn utf8_len(s: &[u8]) -> usize {
    let len = match s[0] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return 0,
    };
    match s.get(..len).map(std::str::from_utf8) {
        Some(Ok(_)) => len,
        _ => 0,
    }
}

/// The length of the `\uXXXX` escape (or surrogate pair of escapes) at the start of `s`, and
/// whether it is a lone surrogate. A malformed escape is left alone (6 bytes at most, not lone).
fn surrogate_escape(s: &[u8]) -> (usize, bool) {
    let unit = |at: usize| -> Option<u16> {
        let hex = s.get(at..at + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let Some(first) = unit(0) else {
        return (s.len().min(2), false);
    };
    match first {
        0xD800..=0xDBFF => match unit(6) {
            Some(0xDC00..=0xDFFF) => (12, false),
            _ => (6, true),
        },
        0xDC00..=0xDFFF => (6, true),
        _ => (6, false),
    }
}

/// `bytes` without a leading UTF-8 byte-order mark, which some senders write before a JSON
/// body and serde_json refuses.
pub(super) fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::mend;

    fn mended(body: &str) -> Option<String> {
        mend(body.as_bytes()).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn numbers_json_has_no_word_for_become_null() {
        assert_eq!(
            mended(r#"{"a":NaN,"b":[Infinity,-Infinity],"c":"NaN Infinity"}"#).as_deref(),
            Some(r#"{"a":null,"b":[null,null],"c":"NaN Infinity"}"#)
        );
        assert_eq!(mended(r#"{"a":1,"b":"x"}"#), None);
        assert_eq!(mended(r#"{"a":true,"n":null}"#), None);
    }

    #[test]
    fn bytes_that_are_not_utf8_inside_strings_become_the_replacement_character() {
        let mended = |body: &[u8]| mend(body).map(|b| String::from_utf8(b).unwrap());
        assert_eq!(
            mended(b"{\"t\":\"Namaste \xF0\x9F\",\"n\":\"Ren\xE9e\"}").as_deref(),
            Some(r#"{"t":"Namaste \ufffd\ufffd","n":"Ren\ufffde"}"#)
        );
        // Valid UTF-8 is kept as it is.
        assert_eq!(mended("{\"t\":\"नमस्ते 😀 é\"}".as_bytes()), None);
    }

    #[test]
    fn numbers_beyond_f64_become_null() {
        let digits = "1".repeat(401);
        assert_eq!(
            mended(&format!(r#"{{"a":1e400,"b":-{digits},"c":[1.5e3,-2,0]}}"#)).as_deref(),
            Some(r#"{"a":null,"b":null,"c":[1.5e3,-2,0]}"#)
        );
        assert_eq!(mended(r#"{"a":1e308,"s":"1e400"}"#), None);
        // Near the end of the range, as serde_json reads it.
        let max = format!("{:.0}", f64::MAX);
        assert_eq!(max.len(), 309);
        for near in [
            max.as_str(),
            "1.797693134862315708e308",
            "1.7976931348623158e308",
        ] {
            let body = format!(r#"{{"a":{near}}}"#);
            let read = mended(&body).unwrap_or(body);
            assert!(
                serde_json::from_str::<serde_json::Value>(&read).is_ok(),
                "{near}: {read}"
            );
        }
    }

    #[test]
    fn control_characters_inside_strings_become_escapes() {
        let body = "{\"transcript\":\"bot: hi\nuser: yo\r\n\tok\u{1}\u{1f}\",\n\t\"n\":1}";
        let read = mended(body).unwrap();
        assert_eq!(
            read,
            "{\"transcript\":\"bot: hi\\nuser: yo\\r\\n\\tok\\u0001\\u001f\",\n\t\"n\":1}"
        );
        let value: serde_json::Value = serde_json::from_str(&read).unwrap();
        assert_eq!(value["transcript"], "bot: hi\nuser: yo\r\n\tok\u{1}\u{1f}");
        // Between values they are whitespace, and kept.
        assert_eq!(mended("{\n\t\"a\": \"b\"\r\n}"), None);
    }

    #[test]
    fn lone_surrogates_become_the_replacement_character() {
        assert_eq!(
            mended(r#"{"t":"Namaste \ud83d","u":"\ude00!"}"#).as_deref(),
            Some(r#"{"t":"Namaste \ufffd","u":"\ufffd!"}"#)
        );
        // A pair, other escapes and escaped quotes are kept.
        for body in [
            r#"{"t":"\ud83d\ude00"}"#,
            r#"{"t":"\u00e9 \" \\u NaN"}"#,
            r#"{"t":"\\"}"#,
        ] {
            assert_eq!(mended(body), None, "{body}");
        }
        // A high surrogate followed by another high one: the first is lone.
        assert_eq!(
            mended(r#"{"t":"\ud83d\ud83d\ude00"}"#).as_deref(),
            Some(r#"{"t":"\ufffd\ud83d\ude00"}"#)
        );
        // Cut short: left alone (serde_json names the fault).
        assert_eq!(mended(r#"{"t":"\ud8"#), None);
    }
}
