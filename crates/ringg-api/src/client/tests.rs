//! Unit tests of the client builder.

use super::*;

#[test]
fn missing_key_says_what_to_do() {
    let e = Client::builder().ignore_env().build().unwrap_err();
    assert_eq!(e.to_string(), "no API key");
    let hint = e.hint().unwrap();
    assert!(hint.contains("ClientBuilder::api_key"), "{hint}");
    assert!(
        !hint.contains("RINGG_API_KEY"),
        "the environment is ignored: {hint}"
    );
}
