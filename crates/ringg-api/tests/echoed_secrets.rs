//! Secrets that arrive from elsewhere: a key a server echoes into a success answer, and a
//! password in the base URL's user information, stay out of what the SDK shows.

mod common;

use std::sync::Arc;

use ringg_api::Client;
use ringg_api::journal::{SqliteJournal, journal_scope};
use ringg_api::transport::http::Method;
use ringg_api::transport::{ApiRequest, Idempotency};

/// A UUID-like key, as Ringg's are.
const KEY: &str = "7251cb4b-echo-4f00-9c1e-0123456789ab";

#[tokio::test]
async fn a_key_echoed_into_a_raw_answer_is_masked_by_mask_key() {
    let body = format!(r#"{{"key":"{KEY}","message":"request with key {KEY} accepted"}}"#);
    let client = Client::builder()
        .ignore_env()
        .api_key(KEY)
        .base_url(common::constant_server(body).await)
        .build()
        .unwrap();
    let request = ApiRequest::new(
        "api",
        Method::GET,
        client.base_url().to_string(),
        "/echo",
        Idempotency::Idempotent,
    );
    let response = client.send_raw(request).await.unwrap();
    let text = std::str::from_utf8(&response.body).unwrap();
    assert!(
        text.contains(KEY),
        "send_raw hands the body over as received"
    );
    let shown = client.mask_key(text);
    assert!(!shown.contains(KEY), "{shown}");
    let value: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        value["key"], "[REDACTED]",
        "the masked answer is still JSON"
    );
}

#[test]
fn a_builders_debug_hides_the_base_url_password_its_journal_is_scoped_by() {
    const PASSWORD: &str = "pw-JOURNAL-4e21c9";
    let base = format!("https://gw:{PASSWORD}@api.example.com/ca/api/v0");
    let dir = tempfile::tempdir().unwrap();
    let journal = SqliteJournal::open(
        dir.path().join("journal.sqlite3"),
        journal_scope(&base, KEY),
    )
    .unwrap();
    let shown = format!("{journal:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(
        shown.contains("https://***@api.example.com/ca/api/v0 key:"),
        "{shown}"
    );
    let builder = Client::builder()
        .ignore_env()
        .api_key(KEY)
        .base_url(&base)
        .journal(Arc::new(journal));
    let shown = format!("{builder:?}");
    assert!(!shown.contains(PASSWORD) && !shown.contains(KEY), "{shown}");
}
