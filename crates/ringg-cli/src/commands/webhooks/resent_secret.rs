//! The secret a kept delivery carries when `listen --forward-to` sends it again: the one this
//! `listen` checks, in place of the one it was kept with.

use http::{HeaderName, HeaderValue, Uri};

use super::outbox::Kept;

/// The secret a delivery to this `listen` carries: in its header, and in its query parameter
/// (`--secret-query-param`: its name and the secret).
#[derive(Default)]
pub(super) struct CurrentSecret {
    /// The header and its value (marked sensitive), as the receiver checks it.
    pub(super) header: Option<(HeaderName, HeaderValue)>,
    /// `--secret-query-param`'s name and the secret.
    pub(super) query: Option<(String, String)>,
}

/// What a delivery kept in the outbox carries in place of the secret: its file does not need
/// it, since the `listen` that sends it again sets its own ([`CurrentSecret::set_on`]).
const NOT_KEPT: &str = "secret-not-kept";

impl CurrentSecret {
    /// Sets it where `kept` carries a secret: the header when it has one, and the query
    /// parameter when its URI has it. What the outbox wrote in place of a secret
    /// ([`NOT_KEPT`]) is removed wherever it is, so a delivery kept under another header or
    /// parameter name (an earlier `listen` configured otherwise) carries this `listen`'s
    /// secret, in its header (and its parameter, when it came with one), and never the
    /// placeholder.
    pub(super) fn set_on(&self, kept: &mut Kept) {
        let placeholders: Vec<HeaderName> = kept
            .headers
            .iter()
            .filter(|(_, v)| v.as_bytes() == NOT_KEPT.as_bytes())
            .map(|(n, _)| n.clone())
            .collect();
        for name in &placeholders {
            kept.headers.remove(name);
        }
        if let Some((name, value)) = &self.header
            && (!placeholders.is_empty() || kept.headers.contains_key(name))
        {
            kept.headers.insert(name.clone(), value.clone());
        }
        let set = self.query.as_ref().and_then(|(name, secret)| {
            let uri = with_query_value(&kept.uri, name, secret)?;
            kept.uri = uri;
            Some(())
        });
        let (uri, had_placeholder) = without_placeholders(&kept.uri);
        kept.uri = uri;
        if let (None, true, Some((name, secret))) = (set, had_placeholder, &self.query)
            && let Some(uri) = with_query_pair(&kept.uri, name, secret)
        {
            kept.uri = uri;
        }
    }

    /// `kept` with [`NOT_KEPT`] in place of the secret where this `listen` reads it (its
    /// header, its query parameter): what the outbox writes to its file.
    pub(super) fn stripped(&self, kept: &Kept) -> Kept {
        let mut headers = kept.headers.clone();
        if let Some((name, _)) = &self.header
            && headers.contains_key(name)
        {
            headers.insert(name.clone(), HeaderValue::from_static(NOT_KEPT));
        }
        let uri = self
            .query
            .as_ref()
            .and_then(|(name, _)| with_query_value(&kept.uri, name, NOT_KEPT))
            .unwrap_or_else(|| kept.uri.clone());
        Kept {
            method: kept.method.clone(),
            uri,
            headers,
            body: kept.body.clone(),
        }
    }
}

/// `uri` with the value of its query parameter `name` set to `value`, or `None` when it has
/// no such parameter.
/// `uri` without the query parameters whose value is [`NOT_KEPT`], and whether it had any.
fn without_placeholders(uri: &Uri) -> (Uri, bool) {
    let Some(query) = uri.query() else {
        return (uri.clone(), false);
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| pair.split_once('=').is_none_or(|(_, v)| v != NOT_KEPT))
        .collect();
    if kept.len() == query.split('&').count() {
        return (uri.clone(), false);
    }
    let text = match kept.is_empty() {
        true => uri.path().to_owned(),
        false => format!("{}?{}", uri.path(), kept.join("&")),
    };
    (text.parse().unwrap_or_else(|_| uri.clone()), true)
}

/// `uri` with `name=value` added to its query; `None` when that makes no URI.
fn with_query_pair(uri: &Uri, name: &str, value: &str) -> Option<Uri> {
    let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let pair = format!("{name}={encoded}");
    match uri.query() {
        Some(query) => format!("{}?{query}&{pair}", uri.path()),
        None => format!("{}?{pair}", uri.path()),
    }
    .parse()
    .ok()
}

fn with_query_value(uri: &Uri, name: &str, value: &str) -> Option<Uri> {
    let query = uri.query()?;
    let mut found = false;
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k == name => {
                found = true;
                let encoded: String =
                    url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
                format!("{k}={encoded}")
            }
            _ => pair.to_owned(),
        })
        .collect();
    if !found {
        return None;
    }
    format!("{}?{}", uri.path(), pairs.join("&")).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(uri: &str, header: Option<(&'static str, &'static str)>) -> Kept {
        let mut headers = http::HeaderMap::new();
        if let Some((name, value)) = header {
            headers.insert(name, HeaderValue::from_static(value));
        }
        Kept {
            method: http::Method::POST,
            uri: uri.parse().unwrap(),
            headers,
            body: Vec::new(),
        }
    }

    #[test]
    fn the_header_and_the_query_parameter_get_the_current_secret() {
        let current = CurrentSecret {
            header: Some((
                HeaderName::from_static("x-webhook-secret"),
                HeaderValue::from_static("new"),
            )),
            query: Some(("ringg_secret".to_owned(), "n w+&".to_owned())),
        };
        let mut by_header = kept("/hooks?x=1", Some(("x-webhook-secret", "old")));
        current.set_on(&mut by_header);
        assert_eq!(by_header.headers["x-webhook-secret"], "new");
        assert_eq!(by_header.uri, "/hooks?x=1");
        let mut by_query = kept("/hooks?a=1&ringg_secret=old&b=2", None);
        current.set_on(&mut by_query);
        assert_eq!(by_query.uri, "/hooks?a=1&ringg_secret=n+w%2B%26&b=2");
        assert!(by_query.headers.is_empty());
        let mut neither = kept("/hooks?a=1", None);
        current.set_on(&mut neither);
        assert_eq!(neither.uri, "/hooks?a=1");
    }

    /// The file keeps neither the header's secret nor the query parameter's; sent again, the
    /// delivery carries the current one in both places.
    #[test]
    fn a_kept_delivery_is_stripped_of_its_secret_and_given_the_current_one() {
        let current = CurrentSecret {
            header: Some((
                HeaderName::from_static("x-webhook-secret"),
                HeaderValue::from_static("new"),
            )),
            query: Some(("ringg_secret".to_owned(), "new".to_owned())),
        };
        let delivery = kept(
            "/hooks?ringg_secret=old-s3cret&b=2",
            Some(("x-webhook-secret", "old-s3cret")),
        );
        let mut stored = current.stripped(&delivery);
        assert_eq!(stored.headers["x-webhook-secret"], NOT_KEPT);
        assert_eq!(stored.uri, "/hooks?ringg_secret=secret-not-kept&b=2");
        current.set_on(&mut stored);
        assert_eq!(stored.headers["x-webhook-secret"], "new");
        assert_eq!(stored.uri, "/hooks?ringg_secret=new&b=2");
        // Kept by a `listen` reading other names: the placeholders go, this one's secret comes.
        let other = CurrentSecret {
            header: Some((
                HeaderName::from_static("x-other"),
                HeaderValue::from_static("o"),
            )),
            query: Some(("token".to_owned(), "o".to_owned())),
        };
        let mut stored = other.stripped(&kept("/hooks?token=old&b=2", Some(("x-other", "old"))));
        current.set_on(&mut stored);
        assert!(!stored.headers.contains_key("x-other"));
        assert_eq!(stored.headers["x-webhook-secret"], "new");
        assert_eq!(stored.uri, "/hooks?b=2&ringg_secret=new");
    }
}
