//! Initiating a call: [`InitiateCallRequest`], its caller source and callback arguments.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::calls::config::{CallConfig, SmartFormatter};
use crate::common::Extra;
use crate::ids::{AgentId, CallId, NumberId, NumberPoolId, VersionId, VoiceId};
use crate::macros::option_setters;
use crate::phone::PhoneNumber;

/// Which caller ID an outbound call uses. Serialized as exactly one of `from_number_id`,
/// `from_number` or `number_pool_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CallerSource {
    /// `from_number_id`: a workspace number (`GET /workspace/numbers` → `id`). Preferred on v1.
    #[serde(rename = "from_number_id")]
    FromNumberId(NumberId),
    /// `from_number`: a caller number in E.164.
    #[serde(rename = "from_number")]
    FromNumber(PhoneNumber),
    /// `number_pool_id`: a managed number pool (v2 endpoint only; recommended there).
    #[serde(rename = "number_pool_id")]
    NumberPool(NumberPoolId),
}

impl CallerSource {
    /// True when the source can be sent to the v1 endpoint (`/calling/outbound/individual`),
    /// which knows no number pools.
    pub fn is_v1_compatible(&self) -> bool {
        !matches!(self, Self::NumberPool(_))
    }
}

/// Body of `POST /calling/outbound/individual` (v1) and `POST /calling/v2/outbound/individual`.
///
/// Fields only the v2 endpoint reads: a [`CallerSource::NumberPool`] caller, `voice_id`,
/// `version_id`, `call_category`, `parent_call_id`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct InitiateCallRequest {
    /// `name`: the recipient's name (used as `callee_name` when that variable is absent).
    pub name: String,
    /// `mobile_number`: the number to call.
    pub mobile_number: PhoneNumber,
    /// `agent_id`: the assistant that calls.
    pub agent_id: AgentId,
    /// The caller ID.
    #[serde(flatten)]
    pub caller: CallerSource,
    /// `custom_args_values`: prompt variables (`@{{name}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_args_values: Option<Map<String, Value>>,
    /// `callback_url`: a per-call callback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// `callback_args`: headers and params sent with the callback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_args: Option<CallbackArgs>,
    /// `smart_formatter`: name clean-up and transliteration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart_formatter: Option<SmartFormatter>,
    /// `call_config`: per-call overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_config: Option<CallConfig>,
    /// `voice_id`: per-call voice override (v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_id: Option<VoiceId>,
    /// `version_id`: the assistant version to use (v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<VersionId>,
    /// `call_category`, e.g. `renewal_reminder` (v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_category: Option<String>,
    /// `parent_call_id`: links a follow-up call to an earlier one (v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_call_id: Option<CallId>,
    /// Extra fields to send as they are (and unknown fields when parsing).
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(InitiateCallRequest);

impl InitiateCallRequest {
    /// A request with the required fields.
    pub fn new(
        agent_id: AgentId,
        name: impl Into<String>,
        mobile_number: PhoneNumber,
        caller: CallerSource,
    ) -> Self {
        Self {
            name: name.into(),
            mobile_number,
            agent_id,
            caller,
            custom_args_values: None,
            callback_url: None,
            callback_args: None,
            smart_formatter: None,
            call_config: None,
            voice_id: None,
            version_id: None,
            call_category: None,
            parent_call_id: None,
            extra: Extra::new(),
        }
    }

    /// Adds one `custom_args_values` entry.
    #[must_use]
    pub fn custom_arg(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.custom_args_values
            .get_or_insert_with(Map::new)
            .insert(name.into(), value.into());
        self
    }

    /// True when the request uses only fields the v1 endpoint knows.
    pub fn is_v1_compatible(&self) -> bool {
        self.caller.is_v1_compatible()
            && self.voice_id.is_none()
            && self.version_id.is_none()
            && self.call_category.is_none()
            && self.parent_call_id.is_none()
    }
}

option_setters!(InitiateCallRequest {
    /// Sets `callback_url`.
    callback_url: String,
    /// Sets `callback_args`.
    callback_args: CallbackArgs,
    /// Sets `smart_formatter`.
    smart_formatter: SmartFormatter,
    /// Sets `call_config`.
    call_config: CallConfig,
    /// Sets `voice_id`.
    voice_id: VoiceId,
    /// Sets `version_id`.
    version_id: VersionId,
    /// Sets `call_category`.
    call_category: String,
    /// Sets `parent_call_id`.
    parent_call_id: CallId,
});

/// `callback_args`: sent along with the per-call callback. `Debug` shows the header names,
/// never their values.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallbackArgs {
    /// `headers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<String, Value>>,
    /// `params`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Map<String, Value>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl std::fmt::Debug for CallbackArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackArgs")
            .field("headers", &crate::redact::MaskedMap(&self.headers))
            .field("params", &crate::redact::Redacted(&self.params))
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}
