//! The client reference every call initiation carries, by which a call whose answer was lost
//! is found again.

use serde_json::{Map, Value};

/// The key under which every call initiation carries its client reference in
/// `custom_args_values`. Ringg echoes `custom_args_values` in call details and webhooks, which
/// is how [`Calls::reconcile`](super::Calls::reconcile) finds a call whose response was lost.
/// Prompts never see it unless they mention `@{{ringg_client_ref}}`.
pub const CLIENT_REFERENCE_KEY: &str = "ringg_client_ref";

/// A fresh client reference.
pub fn new_client_reference() -> String {
    format!("rr-{}", uuid::Uuid::new_v4().simple())
}

/// The client reference stored in a `custom_args_values` map, if any.
pub fn reference_in(custom_args: Option<&Map<String, Value>>) -> Option<&str> {
    custom_args?.get(CLIENT_REFERENCE_KEY)?.as_str()
}
