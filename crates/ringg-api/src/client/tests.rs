//! Unit tests of the client builder.

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
