//! The one place that decides what is secret and masks it.
//!
//! Every `Debug`, `Display`, error body, decode preview and CLI output of ringg-rs masks
//! secrets through this module, so there is one rule to audit:
//!
//! - a field is secret when the API contract marks it `x-secret: true` ([`SECRET_FIELDS`],
//!   generated from `docs/openapi.yaml`: the workspace key, a regenerated key, webhook and
//!   callback `headers`, `auth_fetch_config`), or when its name ends like a credential
//!   (`…api_key`, `…token`, `…secret`, `…password`, `authorization`; see [`is_secret_field`]);
//! - a secret string or number becomes `"[REDACTED]"`; inside a secret object or array
//!   (`headers`), every string value is masked and the keys are kept, so a reader still sees
//!   which headers are set;
//! - in any other string that is an `http(s)://` URL, the password of its user information is
//!   masked, and in a `callback_url`, also the values of query parameters named like a secret
//!   or a signature ([`redact_url`], [`is_secret_query_param`]).
//!
//! [`redact_text`] works on any text, valid JSON or not (a truncated body, an HTML page that
//! quotes JSON), and looks inside strings that hold a JSON document of their own (a field sent
//! JSON-encoded); [`redact_value`] works on a parsed document.

mod echo;
mod generated;

use std::borrow::Cow;

use serde_json::Value;

pub use echo::{MIN_MASKED_SECRET_LEN, REDACTED, mask_secret, mask_secret_bytes};
pub use generated::SECRET_FIELDS;

/// Name endings that mark a credential whatever the contract says (compared in lower case).
const CREDENTIAL_SUFFIXES: &[&str] = &[
    "api_key",
    "apikey",
    "api-key",
    "token",
    "authorization",
    "secret",
    "password",
];

/// True when a field of this name holds a secret (see the [module docs](self)).
///
/// ```
/// use ringg_types::redact::is_secret_field;
/// assert!(is_secret_field("api_key") && is_secret_field("X-Webhook-Secret"));
/// assert!(is_secret_field("headers") && is_secret_field("access_token"));
/// assert!(!is_secret_field("token_path") && !is_secret_field("name"));
/// ```
pub fn is_secret_field(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_FIELDS.contains(&lower.as_str())
        || CREDENTIAL_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// Masks every secret in a JSON document, in place.
///
/// ```
/// use ringg_types::redact::redact_value;
/// let mut v = serde_json::json!({
///     "workspace_info": {"name": "Acme", "api_key": "k-123"},
///     "headers": {"X-Webhook-Secret": "s3cret"}
/// });
/// redact_value(&mut v);
/// assert_eq!(v["workspace_info"]["api_key"], "[REDACTED]");
/// assert_eq!(v["headers"]["X-Webhook-Secret"], "[REDACTED]");
/// assert_eq!(v["workspace_info"]["name"], "Acme");
/// ```
pub fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_field(key) {
                    mask_all(v);
                } else if is_callback_url(key) {
                    redact_callback(v);
                } else {
                    redact_value(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::String(text) => {
            if let Some(masked) = mask_url(text, false).or_else(|| mask_document(text)) {
                *text = masked;
            }
        }
        _ => {}
    }
}

/// `text` written again with its secrets masked, when it is a JSON document of its own (a
/// field sent JSON-encoded) that holds any; `None` otherwise.
fn mask_document(text: &str) -> Option<String> {
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let mut doc: Value = serde_json::from_str(text).ok()?;
    let before = doc.clone();
    redact_value(&mut doc);
    (doc != before).then(|| doc.to_string())
}

/// [`redact_value`] of a callback URL field's value: [`redact_url`] on its strings (a list's
/// too).
fn redact_callback(value: &mut Value) {
    match value {
        Value::String(text) => {
            if let Some(masked) = redact_url(text) {
                *text = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_callback),
        other => redact_value(other),
    }
}

/// True for a field that holds a URL Ringg calls back (`callback_url`, `…_callback_url`):
/// the query of such a URL may carry the receiver's secret.
fn is_callback_url(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("callback_url")
}

/// A callback URL with its secrets masked, when it is an `http(s)://` URL that holds any: the
/// password of its user information, and the values of query parameters named like a secret
/// ([`is_secret_query_param`]: `?ringg_secret=…`, `?token=…`, `?sig=…`, as a campaign's
/// `callback_url`, which is called with no headers, may carry). `None` when there is nothing
/// to mask (or it is not such a URL). [`redact_value`] and [`redact_text`] apply it to fields
/// named `callback_url` (or ending so); in any other URL they mask the password only, so a
/// recording's signed URL stays usable.
///
/// ```
/// use ringg_types::redact::redact_url;
/// assert_eq!(
///     redact_url("https://hooks.example/ringg?ringg_secret=s3&campaign=7").as_deref(),
///     Some("https://hooks.example/ringg?ringg_secret=[REDACTED]&campaign=7")
/// );
/// assert_eq!(
///     redact_url("https://user:pw@hooks.example/x").as_deref(),
///     Some("https://user:[REDACTED]@hooks.example/x")
/// );
/// assert_eq!(redact_url("https://hooks.example/x?campaign=7"), None);
/// ```
pub fn redact_url(url: &str) -> Option<String> {
    mask_url(url, true)
}

/// `url` as it may be shown: with [`redact_url`]'s masking (after surrounding spaces), or as it
/// is when there is nothing to mask. Text that is not an `http(s)://` URL (a URL typed without
/// its scheme, a mistyped or another scheme) still has the password of a `user:password@` and
/// the values of query parameters named like a secret masked, so an error quoting a mistyped
/// URL does not show them.
///
/// ```
/// use ringg_types::redact::url_shown;
/// assert_eq!(
///     url_shown("https://hooks.example/ringg?token=s3"),
///     "https://hooks.example/ringg?token=[REDACTED]"
/// );
/// assert_eq!(
///     url_shown("hooks.example/ringg?token=s3&x=1"),
///     "hooks.example/ringg?token=[REDACTED]&x=1"
/// );
/// assert_eq!(
///     url_shown("htps://user:s3@hooks.example/ringg"),
///     "htps://user:[REDACTED]@hooks.example/ringg"
/// );
/// assert_eq!(url_shown("https://hooks.example/ringg"), "https://hooks.example/ringg");
/// ```
pub fn url_shown(url: &str) -> Cow<'_, str> {
    if let Some(masked) = redact_url(url.trim()) {
        return Cow::Owned(masked);
    }
    // An http(s) URL's user information was `redact_url`'s to mask.
    let userinfo = match scheme_of(url) {
        Some((scheme, _))
            if ["http", "https"]
                .iter()
                .any(|s| scheme.eq_ignore_ascii_case(s)) =>
        {
            None
        }
        _ => mask_any_password(url),
    };
    let text = userinfo.as_deref().unwrap_or(url);
    if let Some(q) = text.find('?') {
        let mut out = String::with_capacity(text.len());
        out.push_str(&text[..=q]);
        if mask_query(&text[q + 1..], &mut out) {
            return Cow::Owned(out);
        }
    }
    userinfo.map_or(Cow::Borrowed(url), Cow::Owned)
}

/// The scheme of `text` (`redis` in `redis://…`) and where what follows its `://` starts:
/// only when the text before the first `://` is a scheme's name (a letter, then letters,
/// digits, `+`, `-` or `.`), not a `://` further on (in a query: `?next=https://…`).
fn scheme_of(text: &str) -> Option<(&str, usize)> {
    let at = text.find("://")?;
    let scheme = &text[..at];
    let mut bytes = scheme.bytes();
    let named = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    named.then_some((scheme, at + 3))
}

/// `text` (not an `http(s)://` URL) with the password of a `user:password@` masked: what lies
/// between the first `:` and the last `@` before any query or fragment (failing that, before
/// the first `/`, for a password holding `?` or `#`), after a `scheme://` if there is one.
/// Masks too much rather than too little (a path holding `:` and `@`); `None` when there is
/// no such password.
fn mask_any_password(text: &str) -> Option<String> {
    let start = scheme_of(text).map_or(0, |(_, start)| start);
    let end = text[start..]
        .find(['?', '#'])
        .map_or(text.len(), |i| start + i);
    let at = match text[start..end].rfind('@') {
        Some(at) => start + at,
        // A password holding `?` or `#` (typed unescaped): up to the last `@` before the
        // first `/`.
        None => password_with_query_marks(text, start)?,
    };
    let colon = start + text[start..at].find(':')?;
    (colon + 1 < at).then(|| format!("{}{REDACTED}{}", &text[..=colon], &text[at..]))
}

/// Where the `@` ending user information typed with an unescaped `?` or `#` in its password
/// lies (`user:pa?ss@host`, which no parser reads so): the last `@` before the first `/` from
/// `start` on, when a `:` comes before any `?` or `#` and what follows it reads as a password,
/// not a query (no `=` or `&`: `host:8443?to=ops@acme.example` has none such).
fn password_with_query_marks(text: &str, start: usize) -> Option<usize> {
    let end = text[start..].find('/').map_or(text.len(), |i| start + i);
    let at = start + text[start..end].rfind('@')?;
    let info = &text[start..at];
    let colon = info.find(':')?;
    let marks = info.find(['?', '#'])?;
    let password = &info[colon + 1..];
    (colon < marks && !password.contains(['=', '&'])).then_some(at)
}

/// [`redact_url`], masking the query's secrets only when `query` is set.
fn mask_url(url: &str, query: bool) -> Option<String> {
    let scheme_end = url.find("://")?;
    if !matches!(
        url[..scheme_end].to_ascii_lowercase().as_str(),
        "http" | "https"
    ) {
        return None;
    }
    let rest = scheme_end + 3;
    let mut authority_end = url[rest..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| rest + i);
    if !url[rest..authority_end].contains('@')
        && let Some(at) = password_with_query_marks(url, rest)
    {
        // A password holding `?` or `#` (typed unescaped, so the URL does not parse): the
        // authority ends after the host that follows it.
        authority_end = url[at..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |i| at + i);
    }
    let mut out = String::with_capacity(url.len());
    let mut changed = false;
    // The password of `user:password@`.
    let userinfo = url[rest..authority_end].rsplit_once('@');
    match userinfo.and_then(|(info, host)| Some((info.split_once(':')?.0, host))) {
        Some((user, host)) => {
            out.push_str(&url[..rest]);
            out.push_str(user);
            out.push(':');
            out.push_str(REDACTED);
            out.push('@');
            out.push_str(host);
            changed = true;
        }
        None => out.push_str(&url[..authority_end]),
    }
    let tail = &url[authority_end..];
    let Some(q) = tail.find('?').filter(|_| query) else {
        out.push_str(tail);
        return changed.then_some(out);
    };
    out.push_str(&tail[..=q]);
    changed |= mask_query(&tail[q + 1..], &mut out);
    changed.then_some(out)
}

/// True when a URL query parameter of this name holds a secret: a secret field's name, or one
/// for a shared secret or a signature (`key`, `sig`, `signature`, `hmac`, `auth`, `…_key`, …).
/// ```
/// # use ringg_types::redact::is_secret_query_param as secret;
/// assert!(secret("sig") && secret("X-Amz-Signature") && secret("webhook_key"));
/// assert!(!secret("campaign") && !secret("monkey"));
/// ```
pub fn is_secret_query_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_secret_field(&lower)
        || ["key", "sig", "signature", "hmac", "auth"].contains(&lower.as_str())
        || ["_key", "-key", "_sig", "-sig", "signature", "hmac"]
            .iter()
            .any(|s| lower.ends_with(s))
}

/// Appends `query` (what follows a `?`, a `#fragment` included) to `out` with the values of
/// parameters named like a secret ([`is_secret_query_param`]) masked; true when one was.
fn mask_query(query: &str, out: &mut String) -> bool {
    let end = query.find('#').unwrap_or(query.len());
    let mut changed = false;
    for (n, pair) in query[..end].split('&').enumerate() {
        if n > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, value)) if !value.is_empty() && is_secret_query_param(name) => {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
                changed = true;
            }
            _ => out.push_str(pair),
        }
    }
    out.push_str(&query[end..]);
    changed
}

/// Masks every string and number in `value`, keeping object keys, nulls and booleans.
fn mask_all(value: &mut Value) {
    match value {
        Value::String(_) | Value::Number(_) => *value = Value::String(REDACTED.into()),
        Value::Object(map) => map.values_mut().for_each(mask_all),
        Value::Array(items) => items.iter_mut().for_each(mask_all),
        Value::Null | Value::Bool(_) => {}
    }
}

/// Masks every secret in `text`, which may or may not be valid JSON: the string (or number)
/// after a secret key, and every string value inside a secret object or array. Everything else
/// is kept byte for byte. Text without secrets is returned borrowed.
///
/// ```
/// use ringg_types::redact::redact_text;
/// let body = r#"{"workspace_info": {"api_key": "7251cb4b", "name": "Acme"}, "trunc"#;
/// assert_eq!(
///     redact_text(body),
///     r#"{"workspace_info": {"api_key": "[REDACTED]", "name": "Acme"}, "trunc"#
/// );
/// let sub = r#"{"headers": {"X-Webhook-Secret": "s3", "X-Other": "v"}, "url": "https://x"}"#;
/// assert_eq!(
///     redact_text(sub),
///     r#"{"headers": {"X-Webhook-Secret": "[REDACTED]", "X-Other": "[REDACTED]"}, "url": "https://x"}"#
/// );
/// ```
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut m = Masker {
        text,
        out: String::new(),
        copied: 0,
    };
    let mut i = 0;
    let mut depth = 0usize;
    // The depth at which a secret container was opened, while inside one.
    let mut masked_from: Option<usize> = None;
    // Whether the last key read names a callback URL (see `redact_url`).
    let mut callback_key = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                let end = string_end(bytes, start);
                let after = skip_ws(bytes, (end + 1).min(bytes.len()));
                let is_key = bytes.get(after) == Some(&b':');
                i = end + 1;
                if masked_from.is_some() {
                    if !is_key {
                        m.mask_string(start, end);
                    }
                } else if !is_key {
                    // Every string until the next key: a list of callback URLs too.
                    if let Some(masked) = mask_url(&text[start..end], callback_key)
                        .or_else(|| mask_encoded_json(text, start, end))
                    {
                        m.replace_string(start, end, &masked);
                    }
                } else {
                    let name = key_name(text, start, end);
                    callback_key = is_callback_url(&name);
                    if is_secret_field(&name) {
                        let v = skip_ws(bytes, after + 1);
                        match bytes.get(v) {
                            Some(b'"') => {
                                let v_end = string_end(bytes, v + 1);
                                m.mask_string(v + 1, v_end);
                                i = v_end + 1;
                            }
                            Some(b'{' | b'[') => {
                                masked_from = Some(depth);
                                depth += 1;
                                i = v + 1;
                            }
                            Some(b'-' | b'0'..=b'9') => i = m.mask_number(v),
                            _ => i = after + 1,
                        }
                    }
                }
            }
            b'-' | b'0'..=b'9' if masked_from.is_some() => i = m.mask_number(i),
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if masked_from == Some(depth) {
                    masked_from = None;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    m.finish()
}

/// The output of [`redact_text`] under construction.
struct Masker<'a> {
    text: &'a str,
    out: String,
    copied: usize,
}

impl<'a> Masker<'a> {
    /// Replaces the contents of the string between `start` and `end` (its closing quote, or the
    /// end of an unterminated text).
    fn mask_string(&mut self, start: usize, end: usize) {
        self.out.push_str(&self.text[self.copied..start]);
        self.out.push_str(REDACTED);
        self.copied = end;
    }

    /// Replaces the contents of the string between `start` and `end` with `with`.
    fn replace_string(&mut self, start: usize, end: usize, with: &str) {
        self.out.push_str(&self.text[self.copied..start]);
        self.out.push_str(with);
        self.copied = end;
    }

    /// Replaces the number starting at `start` with a masked string; returns where it ends.
    fn mask_number(&mut self, start: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = start;
        while end < bytes.len()
            && matches!(bytes[end], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        {
            end += 1;
        }
        self.out.push_str(&self.text[self.copied..start]);
        self.out.push('"');
        self.out.push_str(REDACTED);
        self.out.push('"');
        self.copied = end;
        end
    }

    /// The masked text; the input itself when nothing was masked.
    fn finish(mut self) -> Cow<'a, str> {
        if self.copied == 0 {
            return Cow::Borrowed(self.text);
        }
        self.out
            .push_str(&self.text[self.copied.min(self.text.len())..]);
        Cow::Owned(self.out)
    }
}

/// The string between `start` and `end` (its closing quote) written again with its secrets
/// masked, when it holds a JSON document of its own (`"{\"access_token\": \"…\"}"`, as a
/// field sent JSON-encoded carries one) that has any; `None` otherwise.
fn mask_encoded_json(text: &str, start: usize, end: usize) -> Option<String> {
    let raw = &text[start..end];
    if !raw.trim_start().starts_with(['{', '[']) || !raw.contains('\\') {
        return None;
    }
    let decoded: String = serde_json::from_str(text.get(start - 1..=end)?).ok()?;
    match redact_text(&decoded) {
        Cow::Borrowed(_) => None,
        Cow::Owned(masked) => {
            let encoded = serde_json::to_string(&masked).ok()?;
            Some(encoded[1..encoded.len() - 1].to_owned())
        }
    }
}

/// A key's name with its JSON escapes decoded (`"api\u005fkey"` is `api_key`).
fn key_name(text: &str, start: usize, end: usize) -> Cow<'_, str> {
    let raw = &text[start..end];
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    match serde_json::from_str::<String>(&text[start - 1..=end.min(text.len() - 1)]) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(raw),
    }
}

/// The index of the closing quote of the string starting at `start` (after its opening quote),
/// or the end of the text when it is unterminated.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut k = start;
    while k < bytes.len() && bytes[k] != b'"' {
        if bytes[k] == b'\\' {
            k += 1;
        }
        k += 1;
    }
    k.min(bytes.len())
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// `Debug` of a map whose values are secret (`headers`): the keys, each with `[REDACTED]`.
///
/// ```
/// use ringg_types::redact::MaskedMap;
/// let mut h = serde_json::Map::new();
/// h.insert("X-Webhook-Secret".into(), "s3cret".into());
/// let h = Some(h);
/// assert_eq!(format!("{:?}", MaskedMap(&h)), r#"{"X-Webhook-Secret": "[REDACTED]"}"#);
/// ```
pub struct MaskedMap<'a>(pub &'a Option<serde_json::Map<String, Value>>);

impl std::fmt::Debug for MaskedMap<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(m) => f
                .debug_map()
                .entries(m.keys().map(|k| (k, REDACTED)))
                .finish(),
        }
    }
}

/// `Debug` of any serializable value as its JSON with secrets masked ([`redact_value`]): how
/// every model's `Debug` shows it (`CallDetails {"id":"…","custom_args_values":{…}}`; `{:#?}`
/// indents the JSON), so a field this rule calls secret never reaches `Debug` output, wherever it
/// sits (unknown fields, free-form values such as an API tool's `headers`).
///
/// ```
/// use ringg_types::redact::Redacted;
/// let v = serde_json::json!({"name": "Asha", "access_token": "tok-1"});
/// assert_eq!(format!("{:?}", Redacted(&v)), r#"{"access_token":"[REDACTED]","name":"Asha"}"#);
/// ```
pub struct Redacted<'a, T: ?Sized>(pub &'a T);

impl<T: serde::Serialize + ?Sized> std::fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match serde_json::to_value(self.0) {
            Ok(mut value) => {
                redact_value(&mut value);
                if f.alternate() {
                    write!(f, "{value:#}")
                } else {
                    write!(f, "{value}")
                }
            }
            Err(_) => f.write_str("{ .. }"),
        }
    }
}

/// Implements `Debug` for models through [`Redacted`]: the type's name, then its JSON with
/// secrets masked.
macro_rules! redacted_debug {
    ($($name:ident),+ $(,)?) => {$(
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(concat!(stringify!($name), " "))?;
                ::std::fmt::Debug::fmt(&$crate::redact::Redacted(self), f)
            }
        }
    )+};
}
pub(crate) use redacted_debug;

/// [`redact_text`] over bytes (lossy UTF-8).
pub fn redact_bytes(body: &[u8]) -> String {
    redact_text(&String::from_utf8_lossy(body)).into_owned()
}

#[cfg(test)]
mod tests;
