//! What masking writes, and masking a known secret (the client's own key) wherever a server
//! echoed it back.

use std::borrow::Cow;

/// What a masked value is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Secrets shorter than this are not masked by [`mask_secret`]: replacing every occurrence of
/// a few characters would garble the text and hide nothing (Ringg's keys are UUIDs).
pub const MIN_MASKED_SECRET_LEN: usize = 8;

/// `text` with every occurrence of `secret` (a key a server may echo back) replaced by
/// [`REDACTED`]; as it is when `secret` is shorter than [`MIN_MASKED_SECRET_LEN`].
///
/// ```
/// use ringg_types::redact::mask_secret;
/// assert_eq!(mask_secret("bad key sk_live_123456", "sk_live_123456"), "bad key [REDACTED]");
/// assert_eq!(mask_secret("a b", "b"), "a b");
/// ```
pub fn mask_secret<'a>(text: &'a str, secret: &str) -> Cow<'a, str> {
    if secret.len() >= MIN_MASKED_SECRET_LEN && text.contains(secret) {
        text.replace(secret, REDACTED).into()
    } else {
        text.into()
    }
}
