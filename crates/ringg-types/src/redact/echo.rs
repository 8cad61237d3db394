//! What masking writes, and masking a known secret (the client's own key) wherever a server
//! echoed it back.

use std::borrow::Cow;

/// What a masked value is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Secrets shorter than this are not masked by [`mask_secret`]: replacing every occurrence of
/// a few characters would garble the text and hide nothing (Ringg's keys are UUIDs).
pub const MIN_MASKED_SECRET_LEN: usize = 8;

/// `text` with every occurrence of `secret` (a key a server may echo back), in any ASCII case
/// (a gateway may echo a UUID key upper-cased), replaced by [`REDACTED`]; as it is when
/// `secret` is shorter than [`MIN_MASKED_SECRET_LEN`]. A secret
/// that a shortened text cuts off ([`truncate_chars`](crate::text::truncate_chars)'s
/// `… (N more characters)`) is masked too: the start of it (four characters or more) that
/// ends where the text was cut.
///
/// ```
/// use ringg_types::redact::mask_secret;
/// assert_eq!(mask_secret("bad key sk_live_123456", "sk_live_123456"), "bad key [REDACTED]");
/// assert_eq!(
///     mask_secret("bad key sk_live_12… (4 more characters)", "sk_live_123456"),
///     "bad key [REDACTED]… (4 more characters)"
/// );
/// assert_eq!(mask_secret("bad key SK_LIVE_123456", "sk_live_123456"), "bad key [REDACTED]");
/// assert_eq!(mask_secret("a b", "b"), "a b");
/// // As a JSON string writes it (`\"`, `\\`, `\/`), too.
/// assert_eq!(mask_secret(r#"{"detail":"bad key sk\\live\/12"}"#, r"sk\live/12"), r#"{"detail":"bad key [REDACTED]"}"#);
/// ```
pub fn mask_secret<'a>(text: &'a str, secret: &str) -> Cow<'a, str> {
    if secret.len() < MIN_MASKED_SECRET_LEN {
        return text.into();
    }
    let mut whole: Cow<'a, str> = text.into();
    let escaped = json_escaped(secret);
    for form in std::iter::once(secret).chain(escaped.iter().map(String::as_str)) {
        if let Some(bytes) = replace_all(whole.as_bytes(), form.as_bytes(), REDACTED.as_bytes()) {
            // The matches lie on character boundaries (their non-ASCII bytes are the secret's own).
            whole = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
                .into();
        }
    }
    match mask_cut_secret(&whole, secret) {
        Some(masked) => masked.into(),
        None => whole,
    }
}

/// What [`truncate_chars`](crate::text::truncate_chars) writes where it cuts a text.
const CUT_MARK: &str = "… (";

/// The fewest characters of a cut-off secret that are masked.
const MIN_CUT_SECRET_CHARS: usize = 4;

/// `text` with the start of `secret` masked wherever it ends at a cut mark; `None` when none
/// does.
fn mask_cut_secret(text: &str, secret: &str) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = text[from..].find(CUT_MARK) {
        let at = from + found;
        let head = &text[copied..at];
        let ends: Vec<usize> = secret
            .char_indices()
            .map(|(i, _)| i)
            .skip(MIN_CUT_SECRET_CHARS)
            .collect();
        let cut = ends.into_iter().rev().find(|&end| {
            head.len() >= end
                && head.as_bytes()[head.len() - end..]
                    .eq_ignore_ascii_case(&secret.as_bytes()[..end])
        });
        if let Some(end) = cut {
            out.push_str(&head[..head.len() - end]);
            out.push_str(REDACTED);
            copied = at;
        }
        from = at + CUT_MARK.len();
    }
    (copied > 0).then(|| {
        out.push_str(&text[copied..]);
        out
    })
}

/// `bytes` (a body that need not be text) with every occurrence of `secret` (in any ASCII
/// case) replaced by [`REDACTED`]: the secret written as UTF-8, or as UTF-16 in either byte order (a text file
/// saved as "Unicode" holds it so), each replaced by [`REDACTED`] written the same way. `None`
/// when it shows none, or when `secret` is shorter than [`MIN_MASKED_SECRET_LEN`].
///
/// ```
/// use ringg_types::redact::mask_secret_bytes;
/// let body = b"\xff key sk_live_123456";
/// assert_eq!(mask_secret_bytes(body, "sk_live_123456").unwrap(), b"\xff key [REDACTED]");
/// assert_eq!(mask_secret_bytes(body, "other_secret"), None);
/// ```
pub fn mask_secret_bytes(bytes: &[u8], secret: &str) -> Option<Vec<u8>> {
    if secret.len() < MIN_MASKED_SECRET_LEN {
        return None;
    }
    let utf16 = |text: &str, to: fn(u16) -> [u8; 2]| -> Vec<u8> {
        text.encode_utf16().flat_map(to).collect()
    };
    let escaped = json_escaped(secret)
        .into_iter()
        .map(|form| (form.into_bytes(), REDACTED.as_bytes().to_vec()));
    let forms = escaped.chain([
        (secret.as_bytes().to_vec(), REDACTED.as_bytes().to_vec()),
        (
            utf16(secret, u16::to_le_bytes),
            utf16(REDACTED, u16::to_le_bytes),
        ),
        (
            utf16(secret, u16::to_be_bytes),
            utf16(REDACTED, u16::to_be_bytes),
        ),
    ]);
    let mut masked: Option<Vec<u8>> = None;
    for (pattern, replacement) in forms {
        let current = masked.as_deref().unwrap_or(bytes);
        if let Some(replaced) = replace_all(current, &pattern, &replacement) {
            masked = Some(replaced);
        }
    }
    masked
}

/// How a JSON string writes `secret` when that differs from the secret itself: escaped as
/// `serde_json` escapes (`\"`, `\\`, control characters), and with `/` escaped as `\/` (as
/// some servers write it). None (and no allocation) for a secret without such characters, as
/// Ringg's keys are.
fn json_escaped(secret: &str) -> Vec<String> {
    let needs = secret
        .bytes()
        .any(|b| matches!(b, b'"' | b'\\' | b'/') || b < 0x20);
    if !needs {
        return Vec::new();
    }
    let quoted = serde_json::to_string(secret).unwrap_or_default();
    let plain = quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or(secret)
        .to_owned();
    let slashes = plain.replace('/', "\\/");
    let mut forms = vec![plain, slashes];
    forms.dedup();
    forms.retain(|form| form != secret);
    forms
}

/// `bytes` with every `pattern`, in any ASCII case, replaced by `replacement`, or `None` when
/// it holds none.
fn replace_all(bytes: &[u8], pattern: &[u8], replacement: &[u8]) -> Option<Vec<u8>> {
    let find = |rest: &[u8]| {
        rest.windows(pattern.len())
            .position(|w| w.eq_ignore_ascii_case(pattern))
    };
    let mut at = find(bytes)?;
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(replacement);
        rest = &rest[at + pattern.len()..];
        match find(rest) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.extend_from_slice(rest);
    Some(out)
}
