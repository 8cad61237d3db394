//! Unit tests of the client: the builder's messages and decoding.

use super::*;

#[test]
fn missing_key_says_what_to_do() {
    let e = Client::builder().ignore_env().build().unwrap_err();
    assert!(e.to_string().contains("ClientBuilder::api_key"), "{e}");
    assert!(
        !e.to_string().contains("RINGG_API_KEY"),
        "the environment is ignored: {e}"
    );
}

#[test]
fn decode_error_names_the_field_and_keeps_the_body() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Row {
        id: String,
        n: u32,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Page {
        calls: Vec<Row>,
    }
    let body = Bytes::from_static(br#"{"calls":[{"id":"a","n":1},{"id":"b","n":"x"}]}"#);
    let e = decode::<Page>("listCallHistory", http::StatusCode::OK, body.clone()).unwrap_err();
    assert_eq!(e.field_path(), Some("calls[1].n"));
    assert_eq!(e.body(), Some(body.clone()));
    assert_eq!(e.unredacted_body(), Some(&body));
    assert!(e.to_string().contains("calls[1].n"));
}
