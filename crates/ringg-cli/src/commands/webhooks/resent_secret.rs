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

impl CurrentSecret {
    /// Sets it where `kept` carries a secret: the header when it has one, else the query
    /// parameter when its URI has it.
    pub(super) fn set_on(&self, kept: &mut Kept) {
        if let Some((name, value)) = &self.header
            && kept.headers.contains_key(name)
        {
            kept.headers.insert(name.clone(), value.clone());
            return;
        }
        if let Some((name, secret)) = &self.query
            && let Some(uri) = with_query_value(&kept.uri, name, secret)
        {
            kept.uri = uri;
        }
    }
}

/// `uri` with the value of its query parameter `name` set to `value`, or `None` when it has
/// no such parameter.
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
    fn the_header_or_else_the_query_parameter_gets_the_current_secret() {
        let current = CurrentSecret {
            header: Some((
                HeaderName::from_static("x-webhook-secret"),
                HeaderValue::from_static("new"),
            )),
            query: Some(("ringg_secret".to_owned(), "n w+&".to_owned())),
        };
        let mut by_header = kept("/hooks?ringg_secret=old", Some(("x-webhook-secret", "old")));
        current.set_on(&mut by_header);
        assert_eq!(by_header.headers["x-webhook-secret"], "new");
        assert_eq!(by_header.uri, "/hooks?ringg_secret=old");
        let mut by_query = kept("/hooks?a=1&ringg_secret=old&b=2", None);
        current.set_on(&mut by_query);
        assert_eq!(by_query.uri, "/hooks?a=1&ringg_secret=n+w%2B%26&b=2");
        assert!(by_query.headers.is_empty());
        let mut neither = kept("/hooks?a=1", None);
        current.set_on(&mut neither);
        assert_eq!(neither.uri, "/hooks?a=1");
    }
}
