//! The base URL rules: absolute http(s), plain `http://` only to loopback hosts.

use ringg_transport::is_loopback_host as host_is_loopback;

use crate::error::Error;

/// Ringg's production API base URL.
pub const DEFAULT_BASE_URL: &str = "https://prod-api.ringg.ai/ca/api/v0";
/// True when `url` parses and its host is `localhost` or a loopback address (127.0.0.0/8,
/// `::1`): the only hosts the client talks to over plain `http://`.
///
/// ```
/// assert!(ringg_api::client::is_loopback_url("http://127.0.0.1:8080/ca/api/v0"));
/// assert!(!ringg_api::client::is_loopback_url("https://prod-api.ringg.ai/ca/api/v0"));
/// ```
pub fn is_loopback_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| host_is_loopback(&u))
}

/// For a request sent to a base URL other than the client's (`own`), that URL checked as
/// [`validate_base_url`] checks the client's: the key goes with the request.
pub(crate) fn check_other_base(
    request: &ringg_transport::ApiRequest,
    own: &str,
) -> Result<(), Error> {
    if *request.base_url == *own {
        return Ok(());
    }
    validate_base_url(&request.base_url)
        .map(drop)
        .map_err(|e| e.with_operation(request.operation))
}

/// Checks the base URL: absolute http(s), HTTPS unless the host is loopback. Returns it
/// without a trailing slash.
pub(crate) fn validate_base_url(raw: &str) -> Result<String, Error> {
    let url = url::Url::parse(raw.trim()).map_err(|e| {
        Error::invalid_input(format!(
            "invalid base URL {:?}: {e}",
            ringg_transport::masked_url(raw)
        ))
        .with_hint(format!("give an absolute URL such as {DEFAULT_BASE_URL}"))
    })?;
    let loopback = host_is_loopback(&url);
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::invalid_input(format!(
                "refusing plain http:// for {}: the API key would travel unencrypted",
                url.host_str().unwrap_or("?")
            ))
            .with_hint("use https:// (plain http is allowed only for loopback addresses such as a local simulator)"));
        }
        other => {
            return Err(
                Error::invalid_input(format!("unsupported scheme {other:?} in base URL"))
                    .with_hint("use https://"),
            );
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_input(
            "the base URL must not carry a query or fragment",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert_eq!(
            validate_base_url(DEFAULT_BASE_URL).unwrap(),
            DEFAULT_BASE_URL
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:8080/ca/api/v0/").unwrap(),
            "http://127.0.0.1:8080/ca/api/v0"
        );
        assert!(validate_base_url("http://localhost:1/ca/api/v0").is_ok());
        assert!(validate_base_url("http://[::1]:1/ca/api/v0").is_ok());
        let e = validate_base_url("http://prod-api.ringg.ai/ca/api/v0").unwrap_err();
        assert!(e.to_string().contains("plain http://"), "{e}");
        assert!(e.hint().unwrap().contains("https://"), "{e}");
        assert!(validate_base_url("http://10.0.0.1/x").is_err());
        assert!(validate_base_url("ftp://x").is_err());
        assert!(validate_base_url("not a url").is_err());
    }
}
