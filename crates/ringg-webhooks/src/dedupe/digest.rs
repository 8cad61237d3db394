//! Digests that tell deliveries apart where their fields do not: of the body as received, or of
//! a callback's `data` written canonically.

use std::fmt::Write as _;

use ringg_types::webhook::WebhookEvent;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Appends `body=` and the hex of a SHA-256 prefix of the event's body to `key`: as received
/// (a body that is not UTF-8 too, whose text `raw` would be the object as read, the same for
/// two bodies mended alike).
pub(super) fn push_body_digest(key: &mut String, event: &WebhookEvent) {
    let digest = match event {
        WebhookEvent::Partial(x) if x.body_bytes().is_some() => {
            Sha256::digest(x.body_bytes().unwrap_or_default())
        }
        _ => Sha256::digest(event.raw().as_bytes()),
    };
    key.push_str("body=");
    for byte in &digest[..16] {
        let _ = write!(key, "{byte:02x}"); // writing to a String cannot fail
    }
}

/// Appends `|data=` and the hex of a SHA-256 prefix of the delivery's `data`, written
/// canonically (object keys sorted, `null` fields left out, numbers as serde_json writes them):
/// a retry of the delivery keys the same, however its keys are ordered and whether it writes
/// an absent field as `null`, and one that brings more does not. A body that is not strict
/// JSON (read mended) appends `|body=` and a digest of the body as received instead.
pub(super) fn push_data_digest(key: &mut String, event: &WebhookEvent) {
    let data = match event {
        // A body read only once mended (`NaN`, a lone surrogate): the mended value could be
        // the same for two different bodies, the body as received is not.
        WebhookEvent::Partial(x) if x.is_mended() => {
            key.push('|');
            push_body_digest(key, event);
            return;
        }
        // The object as read, not parsed again.
        WebhookEvent::Partial(x) => x.value().get("data").cloned(),
        _ => serde_json::from_str::<Value>(&event.raw())
            .ok()
            .and_then(|mut body| body.get_mut("data").map(Value::take)),
    }
    .unwrap_or(Value::Null);
    push_canonical(key, "|data=", &data);
}

/// Appends `body~=` and the hex of a SHA-256 prefix of the whole body written canonically (as
/// [`push_data_digest`] writes `data`), so a retry that orders its keys otherwise, or writes an
/// absent field as `null`, keys the same; a body that is not strict JSON, `body=` and a digest
/// of the body as received.
pub(super) fn push_canonical_body_digest(key: &mut String, event: &WebhookEvent) {
    let body = match event {
        WebhookEvent::Partial(x) if x.is_mended() => None,
        WebhookEvent::Partial(x) => Some(Value::Object(x.value().clone())),
        _ => serde_json::from_str::<Value>(&event.raw()).ok(),
    };
    match body {
        Some(body) => push_canonical(key, "body~=", &body),
        None => push_body_digest(key, event),
    }
}

/// Appends `label` and the hex of a SHA-256 prefix of `value`'s canonical form.
fn push_canonical(key: &mut String, label: &str, value: &Value) {
    let mut hasher = Sha256::new();
    canonical(value, &mut hasher);
    key.push_str(label);
    for byte in &hasher.finalize()[..16] {
        let _ = write!(key, "{byte:02x}"); // writing to a String cannot fail
    }
}

/// Feeds `value`'s canonical form to `hasher` (see [`push_data_digest`]).
fn canonical(value: &Value, hasher: &mut Sha256) {
    match value {
        Value::Object(map) => {
            let mut fields: Vec<_> = map.iter().filter(|(_, v)| !v.is_null()).collect();
            fields.sort_unstable_by(|a, b| a.0.cmp(b.0));
            hasher.update(b"{");
            for (name, v) in fields {
                hasher.update(Value::from(name.as_str()).to_string().as_bytes());
                hasher.update(b":");
                canonical(v, hasher);
                hasher.update(b",");
            }
            hasher.update(b"}");
        }
        Value::Array(items) => {
            hasher.update(b"[");
            for v in items {
                canonical(v, hasher);
                hasher.update(b",");
            }
            hasher.update(b"]");
        }
        scalar => hasher.update(scalar.to_string().as_bytes()),
    }
}
