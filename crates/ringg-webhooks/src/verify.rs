//! Shared-secret verification of deliveries.
//!
//! Ringg does not sign webhook deliveries. Instead, the subscription's `headers` map is sent with
//! every delivery, so a secret placed there (for example `Authorization: Bearer <token>` or
//! `X-Webhook-Secret: <token>`) proves that the request came from a subscription you created.

use http::header::{AUTHORIZATION, HeaderName};
use http::{HeaderMap, HeaderValue};
use ringg_types::Secret;
use subtle::{Choice, ConstantTimeEq};

/// Checks the shared-secret header of a delivery in constant time.
///
/// A verifier holds the header name and one or two secrets: the current one and, while you
/// rotate, the previous one. A delivery is accepted when the header carries either secret.
///
/// For the `Authorization` header the expected value is `Bearer <secret>` (the scheme is matched
/// case-insensitively, as RFC 9110 asks); for any other header it is the secret itself. A
/// configured secret that already starts with `Bearer ` is taken without that prefix, so the
/// header value you put in the subscription can be pasted as-is.
///
/// The comparison runs in time that depends only on the configured secrets' lengths, never on
/// how much of a guess is right, and every configured secret is always compared.
///
/// ```
/// use http::HeaderMap;
/// use ringg_webhooks::Verifier;
///
/// let verifier = Verifier::new("X-Webhook-Secret", "s3cret")?
///     .with_previous_secret("old-s3cret");
/// let mut headers = HeaderMap::new();
/// headers.insert("x-webhook-secret", "old-s3cret".parse()?);
/// assert!(verifier.verify(&headers).is_ok());
/// headers.insert("x-webhook-secret", "wrong".parse()?);
/// assert!(verifier.verify(&headers).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    header: HeaderName,
    bearer: bool,
    secrets: Vec<Secret>,
    query_param: Option<String>,
}

/// Why a delivery failed verification. Every variant is answered with 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The configured secret header is absent from the request.
    #[error(
        "the shared-secret header is missing; add it to the subscription's `headers` \
         (event_subscriptions[].headers) so Ringg sends it with every delivery"
    )]
    MissingHeader,
    /// The header is present but matches neither the current nor the previous secret.
    #[error(
        "the shared-secret header does not match; check that the subscription's `headers` \
         carry the receiver's current (or previous) secret"
    )]
    WrongSecret,
    /// The header is absent and the query parameter of
    /// [`with_query_param`](Verifier::with_query_param) matches neither secret.
    #[error(
        "the secret in the URL's query parameter does not match; check that the callback URL \
         carries the receiver's current (or previous) secret"
    )]
    WrongQuerySecret,
}

/// A configuration error found while building a [`Verifier`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifierConfigError {
    /// The header name is not a valid HTTP header name. It holds the name given up to its first
    /// character that cannot be in one (then `…`), so a whole `Name: secret` line pasted as
    /// the name does not show its secret.
    #[error("`{0}` is not a valid HTTP header name; use a name such as `X-Webhook-Secret`")]
    InvalidHeaderName(String),
    /// A secret is empty (or only `Bearer `), which would accept any request carrying the header.
    #[error("the webhook secret is empty; configure a non-empty shared secret")]
    EmptySecret,
}

impl VerifierConfigError {
    /// [`InvalidHeaderName`](Self::InvalidHeaderName) of `header`, cut at its first character
    /// that cannot be in a header name (`:`, a space, `=`, a line break, …): what follows may
    /// be a secret pasted with the name.
    pub(crate) fn invalid_header_name(header: &str) -> Self {
        let header = header.trim();
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        match header.find(|c: char| !token(c)) {
            Some(end) => Self::InvalidHeaderName(format!("{} …", &header[..end])),
            None => Self::InvalidHeaderName(header.to_owned()),
        }
    }
}

impl Verifier {
    /// A verifier that expects `secret` in the header `header` (any case).
    ///
    /// # Errors
    /// [`VerifierConfigError::InvalidHeaderName`] when `header` is not a valid header name,
    /// [`VerifierConfigError::EmptySecret`] when the secret is empty.
    pub fn new(header: &str, secret: impl Into<Secret>) -> Result<Self, VerifierConfigError> {
        let header = HeaderName::from_bytes(header.trim().as_bytes())
            .map_err(|_| VerifierConfigError::invalid_header_name(header))?;
        Self::from_header_name(header, secret)
    }

    /// A verifier for `Authorization: Bearer <secret>`.
    ///
    /// # Errors
    /// [`VerifierConfigError::EmptySecret`] when the secret is empty.
    pub fn bearer(secret: impl Into<Secret>) -> Result<Self, VerifierConfigError> {
        Self::from_header_name(AUTHORIZATION, secret)
    }

    /// Like [`Verifier::new`] with an already parsed header name.
    ///
    /// # Errors
    /// [`VerifierConfigError::EmptySecret`] when the secret is empty.
    pub fn from_header_name(
        header: HeaderName,
        secret: impl Into<Secret>,
    ) -> Result<Self, VerifierConfigError> {
        let bearer = header == AUTHORIZATION;
        let secret = normalize(secret.into(), bearer)?;
        Ok(Self {
            header,
            bearer,
            secrets: vec![secret],
            query_param: None,
        })
    }

    /// Also accepts the secret as the value of the query parameter `name` of the request's
    /// URL, for a delivery that cannot carry headers: a campaign's `callback_url` is called
    /// with no headers of yours, so put the secret in it (`https://…/hooks?ringg_secret=…`).
    /// The header is checked first; the parameter only when the header is absent. A URL is
    /// more exposed than a header (proxy access logs), so use a secret of its own for it.
    #[must_use]
    pub fn with_query_param(mut self, name: impl Into<String>) -> Self {
        self.query_param = Some(name.into()).filter(|n| !n.is_empty());
        self
    }

    /// Checks a request: its header, or (when [`with_query_param`](Self::with_query_param)
    /// is set and the header is absent) the query parameter of `uri`.
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    pub fn verify_request(&self, headers: &HeaderMap, uri: &http::Uri) -> Result<(), VerifyError> {
        if headers.contains_key(&self.header) {
            return self.verify(headers);
        }
        let Some(name) = &self.query_param else {
            return Err(VerifyError::MissingHeader);
        };
        // A `+` is a space in a query string's form encoding, but a secret pasted into the URL
        // as it is (base64 holds `+`) keeps it: both readings are checked.
        let presented: Vec<Vec<u8>> = uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| {
                let plain = v
                    .contains('+')
                    .then(|| percent_encoding::percent_decode(v.as_bytes()).collect());
                std::iter::once(percent_decode(v.as_bytes())).chain(plain)
            })
            .collect();
        if presented.is_empty() {
            return Err(VerifyError::MissingHeader);
        }
        let mut ok = Choice::from(0);
        for value in &presented {
            for secret in &self.secrets {
                ok |= ct_eq(secret.expose().as_bytes(), value);
            }
        }
        if bool::from(ok) {
            Ok(())
        } else {
            Err(VerifyError::WrongQuerySecret)
        }
    }

    /// Also accepts `previous` while you rotate the secret: update the subscription's header to
    /// the new secret, wait until no delivery carries the old one (the last retry comes about
    /// 3 minutes after the first attempt), then drop the previous secret.
    ///
    /// An empty previous secret is ignored rather than accepted.
    #[must_use]
    pub fn with_previous_secret(mut self, previous: impl Into<Secret>) -> Self {
        if let Ok(previous) = normalize(previous.into(), self.bearer) {
            self.secrets.truncate(1);
            self.secrets.push(previous);
        }
        self
    }

    /// The header this verifier reads.
    pub fn header_name(&self) -> &HeaderName {
        &self.header
    }

    /// The header a request carrying the current secret presents, as this verifier reads it
    /// (`Bearer <secret>` for `Authorization`), its value marked sensitive; `None` when the
    /// secret cannot be a header value. For passing a checked delivery on to a service that
    /// checks the same secret.
    pub fn presented_header(&self) -> Option<(HeaderName, HeaderValue)> {
        let secret = self.secrets.first()?.expose();
        let mut value = if self.bearer {
            HeaderValue::from_str(&format!("Bearer {secret}"))
        } else {
            HeaderValue::from_str(secret)
        }
        .ok()?;
        value.set_sensitive(true);
        Some((self.header.clone(), value))
    }

    /// Checks a request's headers.
    ///
    /// # Errors
    /// [`VerifyError::MissingHeader`] when the header is absent, [`VerifyError::WrongSecret`]
    /// when no value of it matches a configured secret.
    pub fn verify(&self, headers: &HeaderMap) -> Result<(), VerifyError> {
        let mut values = headers.get_all(&self.header).iter().peekable();
        if values.peek().is_none() {
            return Err(VerifyError::MissingHeader);
        }
        let mut ok = Choice::from(0);
        for value in values {
            let presented = if self.bearer {
                match strip_bearer(value.as_bytes()) {
                    Some(token) => token,
                    None => continue,
                }
            } else {
                value.as_bytes()
            };
            for secret in &self.secrets {
                ok |= ct_eq(secret.expose().as_bytes(), presented);
            }
        }
        if bool::from(ok) {
            Ok(())
        } else {
            Err(VerifyError::WrongSecret)
        }
    }
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("header", &self.header)
            .field("bearer", &self.bearer)
            .field("secrets", &self.secrets)
            .field("query_param", &self.query_param)
            .finish()
    }
}

/// A query value with `+` and `%XX` escapes decoded (query-string form).
fn percent_decode(v: &[u8]) -> Vec<u8> {
    let plus: Vec<u8> = v
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&plus).collect()
}

fn normalize(secret: Secret, bearer: bool) -> Result<Secret, VerifierConfigError> {
    let raw = secret.expose().trim_start();
    let token = if bearer {
        strip_bearer(raw.as_bytes())
    } else {
        None
    };
    // `strip_bearer` splits at ASCII boundaries, so the token is valid UTF-8.
    let value = match token.map(std::str::from_utf8) {
        Some(Ok(token)) => token,
        _ => raw.trim_end(),
    };
    if value.is_empty() {
        return Err(VerifierConfigError::EmptySecret);
    }
    Ok(if value.len() == secret.expose().len() {
        secret
    } else {
        Secret::new(value)
    })
}

/// `Bearer <token>` → `<token>`, matching the scheme case-insensitively.
fn strip_bearer(value: &[u8]) -> Option<&[u8]> {
    const SCHEME: &[u8] = b"bearer ";
    if value.len() < SCHEME.len() || !value[..SCHEME.len()].eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    Some(value[SCHEME.len()..].trim_ascii())
}

/// Constant-time equality whose running time depends on `expected.len()` only: every byte of
/// the expected value is compared, whatever the length of the presented value.
fn ct_eq(expected: &[u8], presented: &[u8]) -> Choice {
    let same_len = (expected.len() as u64).ct_eq(&(presented.len() as u64));
    let mut same_bytes = Choice::from(1);
    for (i, e) in expected.iter().enumerate() {
        let p = presented.get(i).copied().unwrap_or(!e);
        same_bytes &= e.ct_eq(&p);
    }
    same_len & same_bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: &str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
        h
    }

    /// The header presented is one the verifier accepts, read as the configuration is.
    #[test]
    fn the_presented_header_is_what_the_verifier_accepts() {
        for (header, secret, shown) in [
            ("Authorization", "Bearer tok", "Bearer tok"),
            ("authorization", " tok ", "Bearer tok"),
            (" X-Webhook-Secret ", " s3 ", "s3"),
        ] {
            let v = Verifier::new(header, secret).unwrap();
            let (name, value) = v.presented_header().unwrap();
            assert_eq!(value, shown, "{header:?} {secret:?}");
            assert!(value.is_sensitive());
            let mut h = HeaderMap::new();
            h.insert(name, value);
            assert!(v.verify(&h).is_ok(), "{header:?} {secret:?}");
        }
    }

    #[test]
    fn custom_header_exact_value() {
        let v = Verifier::new("X-Webhook-Secret", "abc123").unwrap();
        assert_eq!(v.verify(&headers("x-webhook-secret", "abc123")), Ok(()));
        assert_eq!(
            v.verify(&headers("x-webhook-secret", "abc12")),
            Err(VerifyError::WrongSecret)
        );
        assert_eq!(
            v.verify(&headers("x-webhook-secret", "abc1234")),
            Err(VerifyError::WrongSecret)
        );
        assert_eq!(
            v.verify(&headers("x-webhook-secret", "")),
            Err(VerifyError::WrongSecret)
        );
        assert_eq!(
            v.verify(&headers("x-other", "abc123")),
            Err(VerifyError::MissingHeader)
        );
    }

    #[test]
    fn authorization_expects_bearer_scheme() {
        let v = Verifier::new("Authorization", "tok").unwrap();
        assert_eq!(v.verify(&headers("authorization", "Bearer tok")), Ok(()));
        assert_eq!(v.verify(&headers("authorization", "bearer tok")), Ok(()));
        assert_eq!(
            v.verify(&headers("authorization", "tok")),
            Err(VerifyError::WrongSecret)
        );
        assert_eq!(
            v.verify(&headers("authorization", "Basic tok")),
            Err(VerifyError::WrongSecret)
        );
        // A configured secret may include the scheme.
        let v = Verifier::bearer("Bearer tok").unwrap();
        assert_eq!(v.verify(&headers("authorization", "Bearer tok")), Ok(()));
    }

    #[test]
    fn rotation_accepts_both_and_replaces_previous() {
        let v = Verifier::new("x-s", "new")
            .unwrap()
            .with_previous_secret("old");
        assert_eq!(v.verify(&headers("x-s", "new")), Ok(()));
        assert_eq!(v.verify(&headers("x-s", "old")), Ok(()));
        assert_eq!(
            v.verify(&headers("x-s", "older")),
            Err(VerifyError::WrongSecret)
        );
        let v = v.with_previous_secret("other");
        assert_eq!(
            v.verify(&headers("x-s", "old")),
            Err(VerifyError::WrongSecret)
        );
        assert_eq!(v.verify(&headers("x-s", "other")), Ok(()));
        // An empty previous secret is ignored, not accepted.
        let v = Verifier::new("x-s", "new")
            .unwrap()
            .with_previous_secret("");
        assert_eq!(v.verify(&headers("x-s", "")), Err(VerifyError::WrongSecret));
    }

    #[test]
    fn any_of_repeated_header_values_may_match() {
        let v = Verifier::new("x-s", "good").unwrap();
        let mut h = headers("x-s", "bad");
        h.append("x-s", "good".parse().unwrap());
        assert_eq!(v.verify(&h), Ok(()));
    }

    #[test]
    fn config_errors() {
        assert_eq!(
            Verifier::new("bad header", "x").unwrap_err(),
            VerifierConfigError::InvalidHeaderName("bad …".into())
        );
        // A pasted header line: its value is not shown.
        let pasted = Verifier::new("X-Webhook-Secret: s3cret-value", "x").unwrap_err();
        assert_eq!(
            pasted,
            VerifierConfigError::InvalidHeaderName("X-Webhook-Secret …".into())
        );
        assert!(!pasted.to_string().contains("s3cret"), "{pasted}");
        let pasted = Verifier::new("X-Webhook-Secret=s3cret-value", "x").unwrap_err();
        assert!(!pasted.to_string().contains("s3cret"), "{pasted}");
        assert_eq!(
            Verifier::new("x-s", "").unwrap_err(),
            VerifierConfigError::EmptySecret
        );
        assert_eq!(
            Verifier::bearer("Bearer ").unwrap_err(),
            VerifierConfigError::EmptySecret
        );
    }

    #[test]
    fn debug_redacts_secrets() {
        let v = Verifier::new("x-s", "topsecret")
            .unwrap()
            .with_previous_secret("oldsecret");
        let dbg = format!("{v:?}");
        assert!(!dbg.contains("topsecret"), "{dbg}");
        assert!(!dbg.contains("oldsecret"), "{dbg}");
        assert!(dbg.contains("x-s"));
    }

    #[test]
    fn ct_eq_matches_plain_equality() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"", b""),
            (b"a", b""),
            (b"", b"a"),
            (b"abc", b"abc"),
            (b"abc", b"abd"),
            (b"abc", b"ab"),
            (b"ab", b"abc"),
            (&[0xff], &[0x00]),
        ];
        for (a, b) in cases {
            assert_eq!(bool::from(ct_eq(a, b)), a == b, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn a_query_parameter_carries_the_secret_when_the_header_is_absent() {
        let v = Verifier::new("X-Webhook-Secret", "s3cr et+1")
            .unwrap()
            .with_query_param("ringg_secret");
        let none = HeaderMap::new();
        let uri = |q: &str| format!("/hooks?{q}").parse::<http::Uri>().unwrap();
        assert!(
            v.verify_request(&none, &uri("a=1&ringg_secret=s3cr%20et%2B1"))
                .is_ok()
        );
        assert!(
            v.verify_request(&none, &uri("ringg_secret=s3cr+et%2B1"))
                .is_ok()
        );
        assert_eq!(
            v.verify_request(&none, &uri("ringg_secret=wrong")),
            Err(VerifyError::WrongQuerySecret)
        );
        assert!(
            VerifyError::WrongQuerySecret
                .to_string()
                .contains("query parameter")
        );
        assert_eq!(
            v.verify_request(&none, &uri("other=1")),
            Err(VerifyError::MissingHeader)
        );
        // A header, when present, decides alone.
        let mut wrong = HeaderMap::new();
        wrong.insert("x-webhook-secret", "nope".parse().unwrap());
        assert_eq!(
            v.verify_request(&wrong, &uri("ringg_secret=s3cr%20et%2B1")),
            Err(VerifyError::WrongSecret)
        );
        // A base64 secret pasted into the URL as it is keeps its `+`.
        let pasted = Verifier::new("X-Webhook-Secret", "ab+cd/ef==")
            .unwrap()
            .with_query_param("ringg_secret");
        assert!(
            pasted
                .verify_request(&none, &uri("ringg_secret=ab+cd/ef=="))
                .is_ok()
        );
        assert!(
            pasted
                .verify_request(&none, &uri("ringg_secret=ab%2Bcd%2Fef%3D%3D"))
                .is_ok()
        );
        assert_eq!(
            pasted.verify_request(&none, &uri("ringg_secret=ab+cd/eF==")),
            Err(VerifyError::WrongQuerySecret)
        );
        // Without the option, the query is never looked at.
        let strict = Verifier::new("X-Webhook-Secret", "s3cr et+1").unwrap();
        assert_eq!(
            strict.verify_request(&none, &uri("ringg_secret=s3cr%20et%2B1")),
            Err(VerifyError::MissingHeader)
        );
    }
}
