//! Masking the client's own key in what a server sent back: a server that echoes the key it
//! was sent ("invalid API key: sk_live_…", a validation error quoting the header) must not
//! put it in an error's message, `Display`, `Debug` or body.

use std::borrow::Cow;

use bytes::Bytes;
use ringg_types::Secret;
use ringg_types::redact::{MIN_MASKED_SECRET_LEN, mask_secret, mask_secret_bytes};

impl super::Error {
    /// This error with `secret` (the client's key) masked wherever the server's text shows it:
    /// the message, code, field path, server request id and source, and the body that
    /// [`body`](Self::body), [`body_text`](Self::body_text) and `Debug` show
    /// ([`unredacted_body`](Self::unredacted_body) keeps it as received).
    pub(crate) fn masking(self, secret: &Secret) -> Self {
        self.masking_text(secret.expose())
    }

    /// [`masking_text`](Self::masking_text) for each of `secrets`.
    pub(crate) fn masking_all<'a>(self, secrets: impl IntoIterator<Item = &'a str>) -> Self {
        secrets.into_iter().fold(self, Self::masking_text)
    }

    /// This error with every string value of its JSON body masked wherever it shows: in the
    /// message a decode failure quotes a value in, and in the body, shown as the same JSON
    /// with each string value replaced (however the server escaped it). For the answer of an
    /// operation that returns a secret (a new key), which may sit under a field no masking
    /// knows by its name. A body that is not JSON is withheld whole
    /// ([`unredacted_body`](Self::unredacted_body) keeps it as received).
    pub(crate) fn masking_answer_values(self) -> Self {
        let Some(body) = self.repr.body.clone() else {
            return self;
        };
        let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&body) else {
            let mut e = self;
            e.repr.shown_body = Some(Bytes::from_static(ringg_types::redact::REDACTED.as_bytes()));
            return e;
        };
        let mut strings = Vec::new();
        collect_strings(&value, &mut strings);
        mask_strings(&mut value);
        // The body shown first: the masking below then only has the other texts to change.
        let mut e = self;
        e.repr.shown_body = Some(Bytes::from(value.to_string()));
        e.masking_all(strings.iter().map(String::as_str))
    }

    /// [`masking`](Self::masking) for a secret given as text (a per-request header's value).
    pub(crate) fn masking_text(mut self, secret: &str) -> Self {
        // A key given with spaces around it is echoed without them.
        let key = secret.trim();
        if key.len() < MIN_MASKED_SECRET_LEN {
            return self;
        }
        let r = &mut self.repr;
        for text in [&mut r.code, &mut r.field_path, &mut r.server_request_id]
            .into_iter()
            .flatten()
            .chain([&mut r.message])
        {
            if let Cow::Owned(masked) = mask_secret(text, key) {
                *text = masked;
            }
        }
        if let Some(source) = &r.source
            && let Cow::Owned(shown) = mask_secret(&source.to_string(), key)
        {
            r.source = Some(shown.into());
        }
        // Masked over what is shown already (another secret masked before).
        if let Some(body) = r.shown_body.as_ref().or(r.body.as_ref())
            && let Some(masked) = mask_bytes(body, key)
        {
            r.shown_body = Some(masked);
        }
        self
    }
}

/// Masks `secret` (the client's key, a per-request header's value) in every header value that
/// shows it (a server echoing it, in a request id say).
pub(crate) fn mask_headers(headers: &mut http::HeaderMap, secret: &str) {
    let key = secret.trim();
    if key.len() < MIN_MASKED_SECRET_LEN {
        return;
    }
    for value in headers.values_mut() {
        if let Some(masked) = mask_bytes(value.as_bytes(), key)
            && let Ok(masked) = http::HeaderValue::from_maybe_shared(masked)
        {
            *value = masked;
        }
    }
}

/// The values of `request`'s headers marked sensitive (a credential its sender set on it), as
/// text; none (no allocation) for a request without such headers.
pub(crate) fn own_secrets(request: &ringg_transport::ApiRequest) -> Vec<String> {
    let values = request.headers.values().filter(|v| v.is_sensitive());
    values
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// Every string value in `value` (not the keys of its objects).
fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// `value` with every string value (not the keys of its objects) replaced by the mask.
fn mask_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => *s = ringg_types::redact::REDACTED.to_owned(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(mask_strings),
        _ => {}
    }
}

/// `body` with every occurrence of `key` masked ([`mask_secret_bytes`]); `None` when it has
/// none.
fn mask_bytes(body: &[u8], key: &str) -> Option<Bytes> {
    mask_secret_bytes(body, key).map(Bytes::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringg_types::redact::REDACTED as MASK;

    #[test]
    fn every_value_of_an_answer_that_may_hold_a_new_key_is_masked() {
        let new_key = "NEWKEY-abcdef-0123456789";
        let decode = |body: &'static str| {
            let body = Bytes::from_static(body.as_bytes());
            let e = crate::decode::decode::<ringg_types::workspace::RegenerateApiKeyResponse>(
                "regenerateApiKey",
                http::StatusCode::OK,
                body.clone(),
            )
            .unwrap_err()
            .masking_answer_values();
            assert_eq!(e.unredacted_body(), Some(&body), "kept as received");
            e
        };
        for e in [
            decode(r#"{"data":{"key":"NEWKEY-abcdef-0123456789"}}"#),
            decode(r#"{"new_api_key":{"value":["NEWKEY-abcdef-0123456789"]}}"#),
            decode(r#"{"new_api_key":7,"note":"NEWKEY-abcdef-0123456789"}"#),
            // Escaped as Python's json.dumps writes non-ASCII text, or one character of it.
            decode(r#"{"message":"Your new key is NEWKEY-abcdef-0123456789 \u2014 keep it"}"#),
            decode(r#"{"data":{"key":"NEWKEY\u002dabcdef-0123456789"}}"#),
            decode("NEWKEY-abcdef-0123456789"),
        ] {
            for text in [
                e.to_string(),
                format!("{e:?}"),
                e.body_text().unwrap_or_default(),
            ] {
                assert!(
                    !text.contains(new_key) && !text.contains("abcdef"),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn the_key_is_masked_wherever_the_server_echoed_it() {
        let key = Secret::new("sk_live_ABCDEFGHIJKLMNOP");
        let body = Bytes::from_static(
            br#"{"detail":[{"loc":["header","x-api-key"],"msg":"Invalid API key: sk_live_ABCDEFGHIJKLMNOP","input":"sk_live_ABCDEFGHIJKLMNOP"}]}"#,
        );
        let e = crate::Error::from_response(
            "getWorkspace",
            http::StatusCode::UNAUTHORIZED,
            &http::HeaderMap::new(),
            body.clone(),
        )
        .masking(&key);
        let shown = [
            e.to_string(),
            format!("{e:?}"),
            e.message().to_owned(),
            e.body_text().unwrap(),
            String::from_utf8(e.body().unwrap().to_vec()).unwrap(),
        ];
        for text in &shown {
            assert!(!text.contains(key.expose()), "{text}");
        }
        assert!(shown[0].contains(MASK), "{}", shown[0]);
        assert_eq!(e.unredacted_body(), Some(&body), "kept as received");
    }

    #[test]
    fn short_keys_and_bodies_without_the_key_are_left_alone() {
        assert_eq!(mask_bytes(b"no key here", "secret-key"), None);
        assert_eq!(
            mask_bytes(b"a secret-key and secret-key", "secret-key").unwrap(),
            Bytes::from_static(b"a [REDACTED] and [REDACTED]")
        );
        let e = crate::Error::invalid_input("short abc").masking(&Secret::new("abc"));
        assert_eq!(e.message(), "short abc");
    }
}
