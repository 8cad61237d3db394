//! What the SDK does with redirects, as a pure function.
//!
//! The API key travels in `X-API-KEY`, a header that generic HTTP clients do not know to strip
//! when a redirect leads to another host (reqwest strips `Authorization` and cookies only). So
//! the transports of this crate never let the HTTP client follow redirects; they follow one
//! themselves only when [`decide`] says so:
//!
//! - only for idempotent requests: a redirected call initiation is not sent again (a 307 would
//!   resend the recipient's details, a 302 would turn it into a GET whose 200 looks like a
//!   placed call); the retry layer reports its outcome as unknown;
//! - only to the same origin (scheme, host and port) as the request: the key never reaches
//!   another host, and `https` is never downgraded to `http`;
//! - at most [`MAX_REDIRECTS`] times.
//!
//! A redirect that is not followed is handed back as the 3xx response it was, and the client
//! reports it as an error that names the target.

use http::{Method, StatusCode};
use url::Url;

use crate::request::Idempotency;

/// The most redirects followed for one attempt.
pub const MAX_REDIRECTS: usize = 5;

/// What to do with a redirect answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectDecision {
    /// Send the request again to `url` with `method` (a 303 turns it into a `GET` without a
    /// body; every other status keeps the method and body).
    Follow {
        /// Where to send it.
        url: Url,
        /// The method to use.
        method: Method,
    },
    /// Hand the 3xx response back as it is, for this reason.
    Stop(&'static str),
}

/// True for the statuses that redirect: 301, 302, 303, 307 and 308.
pub fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Decides whether to follow a redirect from `from` to `location` (the raw `Location` header)
/// after `hops` redirects already followed.
pub fn decide(
    from: &Url,
    method: &Method,
    status: StatusCode,
    location: Option<&str>,
    idempotency: Idempotency,
    hops: usize,
) -> RedirectDecision {
    if idempotency == Idempotency::NonIdempotent {
        return RedirectDecision::Stop(
            "a request that is not idempotent is never sent again to a redirect target",
        );
    }
    if hops >= MAX_REDIRECTS {
        return RedirectDecision::Stop("too many redirects");
    }
    let Some(location) = location else {
        return RedirectDecision::Stop("the redirect has no Location header");
    };
    let Ok(target) = from.join(location) else {
        return RedirectDecision::Stop("the redirect's Location is not a valid URL");
    };
    if target.scheme() == "http" && from.scheme() == "https" {
        return RedirectDecision::Stop("the redirect would downgrade https to plain http");
    }
    if target.origin() != from.origin() {
        return RedirectDecision::Stop(
            "the redirect leads to another origin, which must not receive the API key",
        );
    }
    let method = if status == StatusCode::SEE_OTHER {
        Method::GET
    } else {
        method.clone()
    };
    RedirectDecision::Follow {
        url: target,
        method,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Idempotency::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn follows(d: &RedirectDecision) -> Option<&str> {
        match d {
            RedirectDecision::Follow { url, .. } => Some(url.as_str()),
            RedirectDecision::Stop(_) => None,
        }
    }

    #[test]
    fn same_origin_only() {
        let from = url("https://api.example.com/ca/api/v0/workspace");
        let s = StatusCode::FOUND;
        let g = Method::GET;
        let d = decide(&from, &g, s, Some("/ca/api/v0/workspace/"), Idempotent, 0);
        assert_eq!(
            follows(&d),
            Some("https://api.example.com/ca/api/v0/workspace/")
        );
        for other in [
            "https://evil.example.com/x",
            "http://api.example.com/x",
            "https://api.example.com:8443/x",
            "//evil.example.com/x",
        ] {
            let d = decide(&from, &g, s, Some(other), Idempotent, 0);
            assert!(follows(&d).is_none(), "{other}: {d:?}");
        }
        let lo = url("http://127.0.0.1:8080/ca/api/v0/x");
        let d = decide(&lo, &g, s, Some("http://127.0.0.2:8080/x"), Idempotent, 0);
        assert!(follows(&d).is_none());
    }

    #[test]
    fn non_idempotent_never_follows() {
        let from = url("https://api.example.com/ca/api/v0/calling/outbound/individual");
        for status in [301, 302, 303, 307, 308] {
            let d = decide(
                &from,
                &Method::POST,
                StatusCode::from_u16(status).unwrap(),
                Some("/ca/api/v0/calling/outbound/individual/"),
                NonIdempotent,
                0,
            );
            assert!(follows(&d).is_none(), "{status}");
        }
    }

    #[test]
    fn see_other_becomes_get_and_hops_are_bounded() {
        let from = url("https://a.example/x");
        let d = decide(
            &from,
            &Method::PUT,
            StatusCode::SEE_OTHER,
            Some("/y"),
            Idempotent,
            0,
        );
        assert!(matches!(d, RedirectDecision::Follow { method, .. } if method == Method::GET));
        let d = decide(
            &from,
            &Method::PUT,
            StatusCode::TEMPORARY_REDIRECT,
            Some("/y"),
            Idempotent,
            0,
        );
        assert!(matches!(d, RedirectDecision::Follow { method, .. } if method == Method::PUT));
        let d = decide(
            &from,
            &Method::GET,
            StatusCode::FOUND,
            Some("/y"),
            Idempotent,
            MAX_REDIRECTS,
        );
        assert_eq!(d, RedirectDecision::Stop("too many redirects"));
        let d = decide(&from, &Method::GET, StatusCode::FOUND, None, Idempotent, 0);
        assert!(follows(&d).is_none());
    }
}
