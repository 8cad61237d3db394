//! A build with reqwest and neither TLS feature, sending to `https://`: the error says TLS is
//! missing and how to turn it on, and counts the request as not sent. Only such a build runs
//! it (CI: `cargo test -p ringg-transport --no-default-features --features reqwest --test
//! no_tls`); with TLS on it is empty.
#![cfg(all(
    feature = "reqwest",
    not(any(feature = "rustls", feature = "native-tls"))
))]

use ringg_transport::{
    ApiRequest, Idempotency, ReqwestConfig, ReqwestTransport, SendState, Transport,
    TransportErrorKind,
};

#[tokio::test]
async fn an_https_request_without_tls_says_which_feature_to_enable() {
    let transport = ReqwestTransport::new(&ReqwestConfig::default()).unwrap();
    let request = ApiRequest::new(
        "getWorkspace",
        http::Method::GET,
        "https://127.0.0.1:9/ca/api/v0",
        "/workspace",
        Idempotency::Idempotent,
    );
    let err = transport.execute(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::InvalidRequest, "{err}");
    assert_eq!(err.send_state(), SendState::NotSent, "{err}");
    assert!(err.message().contains("no TLS"), "{err}");
    assert!(err.message().contains("`rustls`"), "{err}");
}
