//! [`AgentEdit`]: one variant per `PATCH /agent/v1` operation, and the settings objects its
//! variants carry.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::assistants::details::{AgentPrompt, CustomAnalysisPrompt};
use crate::common::{Extra, Nullable};
use crate::enums::{Language, NodeEditOperation, NodeType, ToolType};
use crate::ids::{KbId, NumberId, VersionId, VoiceId};
use crate::webhook::EventSubscription;

/// `{x, y}` position of a flow node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct NodePosition {
    /// `x`.
    pub x: f64,
    /// `y`.
    pub y: f64,
}

/// `chat_settings` (`edit_chat_settings`).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatSettings {
    /// `max_call_length`, 60–3600 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_call_length: Option<u32>,
    /// `idle_timeout_warning`, 5–300 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_warning: Option<u32>,
    /// `idle_timeout_end`, 10–600 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_end: Option<u32>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(ChatSettings);

/// `rate_limit` of an inbound assistant (`edit_rate_limit`).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimit {
    /// `max_calls` per window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_calls: Option<u32>,
    /// `timeframe_minutes`: the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeframe_minutes: Option<u32>,
    /// `action`: `terminate` or `transfer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// `transfer_to`: number for `transfer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<String>,
    /// `whitelisted_numbers`: never limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whitelisted_numbers: Option<Vec<String>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(RateLimit);

/// One `PATCH /agent/v1` operation and its fields.
///
/// Covers the documented operation list and the backend catalogue (API reference §2.4.5). Per-node
/// flow edits share [`AgentEdit::EditNode`]; anything else can be sent with
/// [`AgentEdit::Other`]. Send it with [`EditAssistantRequest`](crate::assistants::EditAssistantRequest), which adds `agent_id` and the
/// common fields (`version_id`, `is_draft`, `new_draft`, `config_type`).
///
/// Edits **replace** the whole field (`edit_custom_vars`, `edit_event_subscriptions`, ...): read,
/// modify, write.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "operation", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AgentEdit {
    /// `attach_inbound_number`: route calls to a workspace number to this (inbound) assistant.
    AttachInboundNumber {
        /// `number_id`: `workspace_numbers[].id`.
        number_id: NumberId,
    },
    /// `remove_inbound_number`.
    RemoveInboundNumber {
        /// `number_id`.
        number_id: NumberId,
    },
    /// `attach_kb`: attach a knowledge base (attaching twice is a 400).
    AttachKb {
        /// `kb_id`.
        kb_id: KbId,
    },
    /// `remove_kb`.
    RemoveKb {
        /// `kb_id`.
        kb_id: KbId,
    },
    /// `attach_node_kb` (multi-node).
    AttachNodeKb {
        /// `kb_id`.
        kb_id: KbId,
        /// `node_id`.
        node_id: String,
    },
    /// `remove_node_kb` (multi-node).
    RemoveNodeKb {
        /// `kb_id`.
        kb_id: KbId,
        /// `node_id`.
        node_id: String,
    },
    /// `edit_agent_display_name`.
    EditAgentDisplayName {
        /// `agent_display_name`.
        agent_display_name: String,
    },
    /// `edit_prompt` (Jinja syntax is validated).
    EditPrompt {
        /// `agent_prompt`: text or prompt sections.
        agent_prompt: AgentPrompt,
    },
    /// `edit_intro_message`.
    EditIntroMessage {
        /// `intro_message`.
        intro_message: String,
    },
    /// `edit_custom_vars`: replaces the variable list (outbound assistants must keep
    /// `callee_name` and `mobile_number`).
    EditCustomVars {
        /// `custom_variables`.
        custom_variables: Vec<String>,
    },
    /// `edit_language` (documented; legacy, prefer `edit_voice`).
    EditLanguage {
        /// `language`.
        language: Language,
    },
    /// `edit_voice`: voice and languages together.
    EditVoice {
        /// `voice_id`.
        voice_id: VoiceId,
        /// `language`.
        language: Language,
        /// `secondary_voice_id` (`""` clears).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secondary_voice_id: Option<String>,
        /// `secondary_language`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secondary_language: Option<Language>,
        /// `additional_languages` (`null` = untouched, `[]` = clear; at most 6 languages in all).
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        additional_languages: Nullable<Vec<Language>>,
    },
    /// `edit_secondary_language` (documented).
    EditSecondaryLanguage {
        /// `secondary_language`.
        secondary_language: Language,
    },
    /// `edit_secondary_voice` (documented; the backend ignores it, use `edit_voice`).
    EditSecondaryVoice {
        /// `secondary_voice_id`.
        secondary_voice_id: String,
    },
    /// `edit_voice_speed`.
    EditVoiceSpeed {
        /// `voice_speed`, e.g. 1.2.
        voice_speed: f64,
    },
    /// `edit_vocab`: words to recognise (≤ 100 in total).
    EditVocab {
        /// `vocab`.
        vocab: Vec<String>,
    },
    /// `edit_query_phrases`: filler phrases while a query runs.
    EditQueryPhrases {
        /// `pre_query_response_phrases`.
        pre_query_response_phrases: Vec<String>,
        /// `pre_query_phrase_probability` 0–1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pre_query_phrase_probability: Option<f64>,
    },
    /// `edit_noise_settings`.
    EditNoiseSettings {
        /// `mute_while_bot_speaking`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mute_while_bot_speaking: Option<bool>,
        /// `mute_during_intro`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mute_during_intro: Option<bool>,
    },
    /// `edit_dtmf_settings`: `{dtmf_capturing_enabled, dtmf_input: {digits, end, reset,
    /// timeout}}`; `{}` clears.
    EditDtmfSettings {
        /// `dtmf_settings`.
        dtmf_settings: Value,
    },
    /// `edit_vad_settings`: `{vad_override, interruption_sensitivity, vad_input, ...}`.
    EditVadSettings {
        /// `vad_settings`.
        vad_settings: Value,
    },
    /// `edit_agent_whitelisted_domains`: web-call origins (`https://www.ringg.ai` must stay).
    EditAgentWhitelistedDomains {
        /// `whitelisted_domains`.
        whitelisted_domains: Vec<String>,
    },
    /// `edit_extract_callee_name` (documented; the backend ignores it).
    EditExtractCalleeName {
        /// `extract_callee_name`.
        extract_callee_name: bool,
    },
    /// `edit_api_settings` (documented; not in the backend catalogue).
    EditApiSettings {
        /// `api_config`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        api_config: Option<Value>,
    },
    /// `edit_event_subscriptions`: replaces the webhook subscriptions.
    EditEventSubscriptions {
        /// `event_subscriptions`.
        event_subscriptions: Vec<EventSubscription>,
    },
    /// `edit_call_config`: deep-merged into the call config.
    EditCallConfig {
        /// `call_config`.
        call_config: Map<String, Value>,
    },
    /// `edit_timezone`: writes `call_config.call_time.timezone`.
    EditTimezone {
        /// `timezone` (IANA).
        timezone: String,
    },
    /// `edit_llm_temperature`.
    EditLlmTemperature {
        /// `llm_temperature`.
        llm_temperature: f64,
    },
    /// `edit_demo_settings`.
    EditDemoSettings {
        /// `is_demo_enabled`.
        is_demo_enabled: bool,
    },
    /// `edit_custom_analysis_prompt` (`None` clears).
    EditCustomAnalysisPrompt {
        /// `custom_analysis_prompt`.
        custom_analysis_prompt: Option<CustomAnalysisPrompt>,
    },
    /// `edit_client_analysis`: `{context, goal_key, keys, revenue}`, merged.
    EditClientAnalysis {
        /// `client_analysis`.
        client_analysis: Map<String, Value>,
    },
    /// `edit_classification_labels`: `{label: description}`, at most 10.
    EditClassificationLabels {
        /// `classification_labels`.
        classification_labels: BTreeMap<String, String>,
    },
    /// `edit_chat_settings`.
    EditChatSettings {
        /// `chat_settings`.
        chat_settings: ChatSettings,
    },
    /// `edit_rate_limit` (inbound assistants; `None` removes the limit).
    EditRateLimit {
        /// `rate_limit`.
        rate_limit: Option<RateLimit>,
    },
    /// `edit_analytics_context`: deep-merged.
    EditAnalyticsContext {
        /// `analytics_context`.
        analytics_context: Value,
    },
    /// `edit_outbound_inbound`: `true` makes the assistant `outbound_inbound`.
    EditOutboundInbound {
        /// `enable_outbound_inbound`.
        enable_outbound_inbound: bool,
    },
    /// `edit_pre_call_tools`: replaces every tool of `tool_type` in the pre-call phase.
    EditPreCallTools {
        /// `tool_type`.
        tool_type: ToolType,
        /// `tools`.
        tools: Vec<Value>,
    },
    /// `edit_on_call_tools`: replaces every tool of `tool_type` in the on-call phase.
    EditOnCallTools {
        /// `tool_type`.
        tool_type: ToolType,
        /// `tools`.
        tools: Vec<Value>,
    },
    /// `edit_post_call_tools`: replaces every tool of `tool_type` in the post-call phase.
    EditPostCallTools {
        /// `tool_type`.
        tool_type: ToolType,
        /// `tools`.
        tools: Vec<Value>,
    },
    /// `edit_on_call_tool`: add or (with `tool_id` inside) update one on-call tool.
    EditOnCallTool {
        /// `on_call_tool`.
        on_call_tool: Map<String, Value>,
    },
    /// `remove_on_call_tool`.
    RemoveOnCallTool {
        /// `tool_id`.
        tool_id: String,
    },
    /// `add_new_ab_version` (A/B testing must be on; at most 5 active versions).
    AddNewAbVersion {
        /// `base_version_id`: copy from this version.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base_version_id: Option<VersionId>,
    },
    /// `edit_version_description` (set `version_id` on the request).
    EditVersionDescription {
        /// `description`.
        description: String,
    },
    /// `edit_traffic`: `{version_id: share}`, shares summing to 1.0.
    EditTraffic {
        /// `traffic_split`.
        traffic_split: BTreeMap<String, f64>,
    },
    /// `toggle_ab_testing`.
    ToggleAbTesting {
        /// `ab_enabled`.
        ab_enabled: bool,
    },
    /// `delete_version` (set `version_id` on the request).
    DeleteVersion,
    /// `push_to_prod`: makes one version the only production version.
    PushToProd {
        /// `prod_version_id`.
        prod_version_id: VersionId,
    },
    /// `edit_outbound_from_number_ids` (accepted, ignored by the backend).
    EditOutboundFromNumberIds {
        /// `outbound_from_number_ids`.
        outbound_from_number_ids: Vec<NumberId>,
    },
    /// `edit_voicemail_settings` (accepted, ignored; use `edit_call_config.voicemail`).
    EditVoicemailSettings {
        /// `voicemail`.
        voicemail: Value,
    },
    /// `add_flow_node` (multi-node; set `version_id`).
    AddFlowNode {
        /// `node_id`.
        node_id: String,
        /// `node_type`.
        node_type: NodeType,
        /// `position`.
        position: NodePosition,
    },
    /// `delete_flow_node`.
    DeleteFlowNode {
        /// `node_id`.
        node_id: String,
    },
    /// `add_flow_edge`.
    AddFlowEdge {
        /// `edge_id`.
        edge_id: String,
        /// `source_id`.
        source_id: String,
        /// `target_id`.
        target_id: String,
        /// `condition`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<Value>,
        /// `transition_config`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transition_config: Option<Value>,
        /// `transition_message`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transition_message: Option<Value>,
    },
    /// `update_agent_edge`.
    UpdateAgentEdge {
        /// `edge_id`.
        edge_id: String,
        /// `new_source_id`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_source_id: Option<String>,
        /// `new_target_id`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_target_id: Option<String>,
        /// `condition`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<Value>,
        /// `transition_message`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transition_message: Option<Value>,
    },
    /// `delete_flow_edge`.
    DeleteFlowEdge {
        /// `edge_id`.
        edge_id: String,
    },
    /// One of the `edit_node_*` operations: `node_id` plus the field the operation names.
    #[serde(skip)]
    EditNode {
        /// The operation.
        operation: NodeEditOperation,
        /// `node_id` (absent for `edit_node_positions`, which takes a list).
        node_id: Option<String>,
        /// The other fields, sent as they are.
        fields: Map<String, Value>,
    },
    /// Any other operation, sent as `{operation, ...fields}`.
    #[serde(skip)]
    Other {
        /// The operation name.
        operation: String,
        /// Its fields.
        fields: Map<String, Value>,
    },
}

crate::redact::redacted_debug!(AgentEdit);
