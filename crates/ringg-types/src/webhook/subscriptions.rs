//! [`EventSubscription`] and [`AuthFetchConfig`]: where and how an assistant's events are sent.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::common::{Extra, Nullable, OneOrMany};
use crate::enums::{EventType, WebhookMethod};
use crate::redact::{MaskedMap, REDACTED, url_shown};

/// One webhook subscription of an assistant (`event_subscriptions[]`, §3.1).
///
/// Written with `PATCH /agent/v1` `edit_event_subscriptions`; the list **replaces** the
/// assistant's whole set, so read the current list first
/// (`AssistantDetails::event_subscriptions` in `assistants`).
///
/// ```
/// use ringg_types::webhook::{EventSubscription, EventType};
/// let sub = EventSubscription::new(
///     vec![EventType::AllProcessingCompleted],
///     "https://api.example.com/webhooks/ringg",
/// )
/// .header("Authorization", "Bearer token");
/// let json = serde_json::to_value(&sub).unwrap();
/// assert_eq!(json["event_type"][0], "all_processing_completed");
/// assert_eq!(json["method_type"], "POST");
/// // Header values usually carry a shared secret: Debug shows their names only.
/// assert!(!format!("{sub:?}").contains("Bearer token"));
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSubscription {
    /// `event_type`: one type (older docs) or a list (newer docs).
    pub event_type: OneOrMany<EventType>,
    /// `callback_url`: the HTTPS URL Ringg delivers to.
    pub callback_url: String,
    /// `headers` Ringg sends with every delivery (use one to authenticate Ringg to you).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<String, Value>>,
    /// `method_type`: POST (recommended), PUT or PATCH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_type: Option<WebhookMethod>,
    /// `auth_fetch_config`: fetch a token before each delivery.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub auth_fetch_config: Nullable<AuthFetchConfig>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl EventSubscription {
    /// A POST subscription of `event_types` to `callback_url`.
    pub fn new(event_types: Vec<EventType>, callback_url: impl Into<String>) -> Self {
        Self {
            event_type: OneOrMany::Many(event_types),
            callback_url: callback_url.into(),
            headers: None,
            method_type: Some(WebhookMethod::Post),
            auth_fetch_config: Nullable::Absent,
            extra: Extra::new(),
        }
    }

    /// Adds a header Ringg sends with each delivery.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .get_or_insert_with(Map::new)
            .insert(name.into(), Value::String(value.into()));
        self
    }

    /// Sets the delivery method.
    #[must_use]
    pub fn method(mut self, method: WebhookMethod) -> Self {
        self.method_type = Some(method);
        self
    }

    /// The subscribed event types.
    pub fn event_types(&self) -> &[EventType] {
        self.event_type.as_slice()
    }

    /// True when the subscription covers `event_type`.
    pub fn covers(&self, event_type: &EventType) -> bool {
        self.event_types().contains(event_type)
    }
}

/// `auth_fetch_config`: Ringg fetches a token from your auth server before delivering, and sends
/// it in `header_name` using `header_value_template` (which must contain `{{token}}`).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthFetchConfig {
    /// `enabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `url` of the token endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `method` for the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// `headers` for the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<String, Value>>,
    /// `body` of the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// `query_params` of the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_params: Option<Map<String, Value>>,
    /// `token_path` in the token response, e.g. `data.token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_path: Option<String>,
    /// `ttl_seconds` (30–86400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<u32>,
    /// `header_name`, e.g. `Authorization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_name: Option<String>,
    /// `header_value_template`, e.g. `Bearer {{token}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_value_template: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl fmt::Debug for EventSubscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSubscription")
            .field("event_type", &self.event_type)
            .field("callback_url", &url_shown(&self.callback_url))
            .field("headers", &MaskedMap(&self.headers))
            .field("method_type", &self.method_type)
            .field("auth_fetch_config", &self.auth_fetch_config)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl fmt::Debug for AuthFetchConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthFetchConfig")
            .field("enabled", &self.enabled)
            .field("url", &self.url.as_deref().map(url_shown))
            .field("method", &self.method)
            .field("headers", &MaskedMap(&self.headers))
            .field("body", &self.body.as_ref().map(|_| REDACTED))
            .field("query_params", &MaskedMap(&self.query_params))
            .field("token_path", &self.token_path)
            .field("ttl_seconds", &self.ttl_seconds)
            .field("header_name", &self.header_name)
            .field("header_value_template", &self.header_value_template)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}
