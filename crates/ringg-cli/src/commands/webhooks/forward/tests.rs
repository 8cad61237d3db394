use super::*;

#[test]
fn paths_and_queries_are_appended() {
    let t = url::Url::parse("http://localhost:3000/hooks").unwrap();
    let at = |u: &str| target_url(&t, &u.parse::<Uri>().unwrap()).to_string();
    assert_eq!(at("/"), "http://localhost:3000/hooks");
    assert_eq!(
        at("/ringg/a?x=1"),
        "http://localhost:3000/hooks/ringg/a?x=1"
    );
    let t = url::Url::parse("http://localhost:3000/?k=v").unwrap();
    assert_eq!(
        target_url(&t, &"/a?x=1".parse().unwrap()).to_string(),
        "http://localhost:3000/a?k=v&x=1"
    );
}

#[test]
fn hop_by_hop_headers_are_dropped() {
    let mut h = HeaderMap::new();
    h.insert("connection", "close, x-trace".parse().unwrap());
    assert!(is_hop_by_hop("host", &h));
    assert!(is_hop_by_hop("transfer-encoding", &h));
    assert!(is_hop_by_hop("x-trace", &h));
    assert!(!is_hop_by_hop("x-webhook-secret", &h));
}

#[test]
fn shown_urls_hide_secrets() {
    let url = url::Url::parse("http://u:p@localhost:3000/hooks?ringg_secret=s3&a=1").unwrap();
    let s = shown(&url);
    assert!(!s.contains("s3") && !s.contains("u:p"), "{s}");
    assert!(s.contains("ringg_secret=") && s.contains("/hooks"), "{s}");
    // The masked values read as written, not percent-encoded.
    assert_eq!(s, "http://localhost:3000/hooks?ringg_secret=…&a=…");
}

#[test]
fn targets_must_be_http_urls() {
    assert!(parse_target("ftp://x/").is_err());
    assert!(parse_target("localhost:3000").is_err());
    assert!(parse_target("http://127.0.0.1:3000/hooks").is_ok());
    for (target, secret) in [
        ("ftp://app:pw-77e1@127.0.0.1/hooks", "pw-77e1"),
        ("ftp://127.0.0.1/hooks?ringg_secret=qs-90ab", "qs-90ab"),
        ("http//app:pw-77e1@host/hooks", "pw-77e1"),
    ] {
        let e = parse_target(target).unwrap_err().to_string();
        assert!(!e.contains(secret), "{e}");
    }
}
