//! Open string enums.
//!
//! Every enum here is `#[non_exhaustive]` and has an `Unknown(String)` variant: a value Ringg adds
//! later parses as `Unknown` (keeping the text) instead of failing the whole response. Each reads
//! and writes its plain wire string and offers `as_str()`, `Display`, infallible `FromStr` and
//! `KNOWN` (the documented values).
//!
//! ```
//! use ringg_types::enums::CallStatus;
//! let s: CallStatus = "completed".parse().unwrap();
//! assert!(s.is_terminal());
//! let new: CallStatus = serde_json::from_str("\"voicemail\"").unwrap();
//! assert_eq!(new, CallStatus::Unknown("voicemail".into()));
//! assert_eq!(serde_json::to_string(&new).unwrap(), "\"voicemail\"");
//! ```

use crate::macros::open_enum;

open_enum! {
    /// Call status (`status`, `call_status`), API reference §1.7.
    pub enum CallStatus {
        /// Queued, waiting to be processed.
        Registered = "registered",
        /// In progress (also what the initiate endpoints return).
        Ongoing = "ongoing",
        /// Will be retried at `next_attempt_time`.
        Retry = "retry",
        /// The callee picked up and a conversation happened.
        Completed = "completed",
        /// All retries exhausted.
        Failed = "failed",
        /// Terminal: unknown error.
        Error = "error",
        /// Cancelled, for example by a terminate request.
        Cancelled = "cancelled",
        /// Transferred to another party.
        Forwarded = "forwarded",
    }
}

impl CallStatus {
    /// True for states a call never leaves: `completed`, `failed`, `error`, `cancelled`,
    /// `forwarded` (the call was handed over to another party).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::Error | Self::Cancelled | Self::Forwarded
        )
    }

    /// True for states a terminate request can still cancel: `registered`, `retry`.
    pub fn is_terminable(&self) -> bool {
        matches!(self, Self::Registered | Self::Retry)
    }
}

open_enum! {
    /// Call sub-status (`sub_status`, `call_sub_status`), API reference §1.7.
    pub enum CallSubStatus {
        /// Stored, not yet queued.
        InDb = "IN_DB",
        /// Queued for dialing.
        Queued = "QUEUED",
        /// The callee answered.
        Accepted = "ACCEPTED",
        /// Held back by a rate limit.
        RateLimited = "RATE_LIMITED",
        /// No retries left.
        RetryLimitReached = "RETRY_LIMIT_REACHED",
        /// A retry is scheduled.
        RetryScheduled = "RETRY_SCHEDULED",
        /// The attempt failed.
        Failed = "FAILED",
        /// A web-call user never joined.
        UserDidNotJoin = "USER_DID_NOT_JOIN",
        /// The user left.
        UserLeft = "USER_LEFT",
        /// The user went idle.
        UserBecameIdle = "USER_BECAME_IDLE",
        /// The campaign's calling window ended.
        CampaignTimeExceeded = "CAMPAIGN_TIME_EXCEEDED",
        /// `max_call_length` reached.
        MaxCallDuration = "MAX_CALL_DURATION",
        /// The call could not be placed.
        NotAbleToCall = "NOT_ABLE_TO_CALL",
        /// The user ended the call.
        UserTerminated = "USER_TERMINATED",
        /// Skipped because the number is on a do-not-disturb list.
        DndSkipped = "DND_SKIPPED",
        /// A voicemail greeting was detected.
        VoicemailDetected = "VOICEMAIL_DETECTED",
        /// A voicemail was detected by the language model.
        VoicemailDetectedViaLlm = "VOICEMAIL_DETECTED_VIA_LLM",
        /// The media pipeline timed out.
        PipecatTimeout = "PIPECAT_TIMEOUT",
        /// A pre-call tool (API) failed.
        PreCallApiFailed = "PRE_CALL_API_FAILED",
    }
}

open_enum! {
    /// Call direction / type (`call_direction`, `call_type`).
    pub enum CallDirection {
        /// Ringg called out.
        Outbound = "outbound",
        /// Someone called a Ringg number.
        Inbound = "inbound",
        /// A browser web call.
        Webcall = "webcall",
    }
}

/// `call_type` uses the same values as [`CallDirection`].
pub type CallType = CallDirection;

open_enum! {
    /// Campaign status (`campaign_status`), API reference §1.8.
    pub enum CampaignStatus {
        /// Waiting for its start time.
        Scheduled = "scheduled",
        /// Calling.
        Ongoing = "ongoing",
        /// Paused from the dashboard.
        Paused = "paused",
        /// Finished.
        Completed = "completed",
        /// Failed.
        Failed = "failed",
        /// Uploaded, not started.
        Draft = "draft",
        /// Not enough credits (see `additional_balance_required`).
        InsufficientBalance = "insufficient_balance",
        /// Stopped by a terminate request.
        Terminated = "terminated",
        /// Running (dashboard wording).
        Running = "running",
    }
}

impl CampaignStatus {
    /// True for a campaign that was never started: `draft`, or `insufficient_balance` (its
    /// launch was refused for want of credits). Only such a campaign's list may be discarded.
    pub fn is_never_started(&self) -> bool {
        matches!(self, Self::Draft | Self::InsufficientBalance)
    }
}

open_enum! {
    /// Large-upload status (`/campaign/upload-csv`, `/campaign/upload-status`), API reference §1.8.
    pub enum UploadStatus {
        /// Accepted and queued.
        Uploaded = "uploaded",
        /// Being verified.
        Verifying = "verifying",
        /// Being parsed and validated.
        Processing = "processing",
        /// Valid rows are ready; check the balance next.
        Completed = "completed",
        /// Finished (some beta workspaces).
        Ready = "ready",
        /// Processing failed; fix the CSV and upload again.
        Failed = "failed",
        /// Stored right after upload.
        InDb = "in_db",
        /// Verified and saved as a draft campaign.
        Draft = "draft",
    }
}

impl UploadStatus {
    /// True when processing has finished successfully: `completed`, `ready` or `draft`.
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Completed | Self::Ready | Self::Draft)
    }

    /// True when processing failed.
    pub fn is_failed(&self) -> bool {
        matches!(self, Self::Failed)
    }

    /// True while processing is still going (`uploaded`, `verifying`, `processing`, `in_db`).
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            Self::Uploaded | Self::Verifying | Self::Processing | Self::InDb
        )
    }
}

open_enum! {
    /// Knowledge-base processing status (`status`, `processing_status`).
    pub enum KbStatus {
        /// Queued.
        Pending = "pending",
        /// Being indexed.
        Processing = "processing",
        /// Ready.
        Completed = "completed",
        /// Failed.
        Failed = "failed",
    }
}

open_enum! {
    /// Knowledge-base type (`type` in the KB list).
    pub enum KbType {
        /// Retrieval-based (the only kind the API creates).
        NonDeterministic = "non_deterministic",
        /// Exact-answer KB (dashboard only).
        Deterministic = "deterministic",
    }
}

open_enum! {
    /// Assistant type (`agent_type`).
    pub enum AgentType {
        /// Answers calls.
        Inbound = "inbound",
        /// Places calls (the default).
        Outbound = "outbound",
        /// Both.
        OutboundInbound = "outbound_inbound",
        /// WhatsApp assistant.
        Whatsapp = "whatsapp",
    }
}

open_enum! {
    /// Assistant template type (`template_type`).
    pub enum TemplateType {
        /// Outbound calling.
        Outbound = "outbound",
        /// Inbound calling.
        Inbound = "inbound",
        /// Web calls.
        Webcall = "webcall",
        /// WhatsApp.
        Whatsapp = "whatsapp",
    }
}

open_enum! {
    /// How an assistant's conversation is orchestrated (`orchestration_mode`).
    pub enum OrchestrationMode {
        /// One prompt.
        SingleNode = "single_node",
        /// A flow graph of nodes.
        MultiNode = "multi_node",
    }
}

open_enum! {
    /// A language code (`language`, `primary_language`, `secondary_language`).
    ///
    /// The create/update endpoints also document `ka-IN`, most likely a typo for `kn-IN`; it
    /// parses as `Unknown("ka-IN")`.
    pub enum Language {
        /// English (United States).
        EnUs = "en-US",
        /// English (India).
        EnIn = "en-IN",
        /// Hindi.
        HiIn = "hi-IN",
        /// Tamil.
        TaIn = "ta-IN",
        /// Telugu.
        TeIn = "te-IN",
        /// Bengali.
        BnIn = "bn-IN",
        /// Marathi.
        MrIn = "mr-IN",
        /// Kannada.
        KnIn = "kn-IN",
        /// Gujarati.
        GuIn = "gu-IN",
        /// Arabic (United Arab Emirates).
        ArAe = "ar-AE",
    }
}

open_enum! {
    /// A workspace member's role.
    pub enum UserRole {
        /// Owns the workspace.
        Owner = "owner",
        /// Administrator.
        Admin = "admin",
        /// Member.
        Member = "member",
    }
}

open_enum! {
    /// Webhook event type (`event_type`), API reference §3.2.
    pub enum EventType {
        /// The call was initiated / answered.
        CallStarted = "call_started",
        /// The phone is ringing.
        CallRinging = "call_ringing",
        /// Conversation in progress.
        CallOngoing = "call_ongoing",
        /// A call attempt finished (`completed`, `failed` or `retry`).
        CallCompleted = "call_completed",
        /// The recording is ready.
        RecordingCompleted = "recording_completed",
        /// Ringg's built-in analysis finished.
        PlatformAnalysisCompleted = "platform_analysis_completed",
        /// The assistant's custom analysis finished.
        ClientAnalysisCompleted = "client_analysis_completed",
        /// Everything is done: one consolidated payload.
        AllProcessingCompleted = "all_processing_completed",
    }
}

impl EventType {
    /// The type a received `event_type` names: a documented type written in another ASCII case
    /// or with surrounding whitespace (`"CALL_COMPLETED"`) reads as that type, so its delivery
    /// is parsed and deduplicated as one (taken for a type not known here, each attempt's
    /// `call_completed` would be keyed alike and later ones lost). Anything else is kept as
    /// sent. `From<&str>` reads strictly, so a payload is written back as it came.
    pub fn from_loose(value: &str) -> Self {
        let trimmed = value.trim();
        Self::KNOWN
            .iter()
            .find(|known| known.as_str().eq_ignore_ascii_case(trimmed))
            .cloned()
            .unwrap_or_else(|| Self::from(value))
    }
}

open_enum! {
    /// HTTP method Ringg uses to deliver a webhook (`method_type`).
    pub enum WebhookMethod {
        /// POST (recommended).
        Post = "POST",
        /// PUT.
        Put = "PUT",
        /// PATCH.
        Patch = "PATCH",
    }
}

open_enum! {
    /// Call sentiment from the platform analysis.
    pub enum Sentiment {
        /// Positive.
        Positive = "positive",
        /// Neutral.
        Neutral = "neutral",
        /// Negative.
        Negative = "negative",
    }
}

open_enum! {
    /// Telephony provider of a workspace number (`provider`).
    pub enum TelephonyProvider {
        /// Twilio.
        Twilio = "twilio",
        /// Plivo.
        Plivo = "plivo",
        /// Exotel.
        Exotel = "exotel",
        /// Ringg's own numbers.
        Ringg = "ringg",
    }
}

open_enum! {
    /// Which configuration copy of an `outbound_inbound` assistant an edit targets (`config_type`).
    pub enum ConfigType {
        /// The outbound copy (default).
        Outbound = "outbound",
        /// The inbound copy.
        Inbound = "inbound",
    }
}

open_enum! {
    /// Tool type for the `edit_*_tools` operations.
    pub enum ToolType {
        /// Calls an HTTP API.
        ApiTool = "API_TOOL",
        /// A function tool.
        FunctionTool = "FUNCTION_TOOL",
        /// A third-party integration.
        IntegrationTool = "INTEGRATION_TOOL",
        /// Transfers the call.
        CallTransferTool = "CALL_TRANSFER_TOOL",
        /// Ends the call.
        EndCallTool = "END_CALL_TOOL",
        /// Sends DTMF tones.
        DtmfTool = "DTMF_TOOL",
        /// Waits for keypad input.
        WaitForDtmfTool = "WAIT_FOR_DTMF_TOOL",
        /// Stays on the line.
        StayOnLineTool = "STAY_ON_LINE_TOOL",
        /// Captures a spoken code.
        CaptureCodeTool = "CAPTURE_CODE_TOOL",
        /// Collects long input.
        CollectLongInputTool = "COLLECT_LONG_INPUT_TOOL",
        /// Sends a message template.
        SendTemplateTool = "SEND_TEMPLATE_TOOL",
        /// Quick replies.
        QuickReplyTool = "QUICK_REPLY_TOOL",
        /// A form widget.
        FormWidgetTool = "FORM_WIDGET_TOOL",
        /// A calendar widget (the backend spells it `CALENDER`).
        CalenderWidgetTool = "CALENDER_WIDGET_TOOL",
        /// A slot picker.
        SlotPickerTool = "SLOT_PICKER_TOOL",
        /// A WhatsApp form.
        WhatsappFormTool = "WHATSAPP_FORM_TOOL",
        /// A blocks widget.
        BlocksWidgetTool = "BLOCKS_WIDGET_TOOL",
        /// A DOM action (web calls).
        DomActionTool = "DOM_ACTION_TOOL",
        /// Schedules a callback (post-call).
        CallbackScheduleTool = "CALLBACK_SCHEDULE_TOOL",
    }
}

open_enum! {
    /// Node type of a multi-node (flow) assistant (`add_flow_node`).
    pub enum NodeType {
        /// Entry node.
        StartNode = "start_node",
        /// Exit node.
        EndNode = "end_node",
        /// A conversational agent node.
        AgentNode = "agent_node",
        /// Speaks a fixed message.
        SpeakNode = "speak_node",
        /// Routes on conditions.
        RouterNode = "router_node",
        /// Runs an action.
        ActionNode = "action_node",
        /// Transfers the call.
        TransferNode = "transfer_node",
        /// A keypad (IVR) menu.
        KeypadMenuNode = "keypad_menu_node",
        /// Collects input.
        CollectNode = "collect_node",
        /// Shows a widget.
        WidgetNode = "widget_node",
    }
}

open_enum! {
    /// The per-node edit operations of `PATCH /agent/v1` (all take `node_id` plus the named field).
    pub enum NodeEditOperation {
        /// `edit_node_position`.
        EditNodePosition = "edit_node_position",
        /// `edit_node_positions` (several nodes; answers `{message, updated, skipped}`).
        EditNodePositions = "edit_node_positions",
        /// `edit_node_meta`.
        EditNodeMeta = "edit_node_meta",
        /// `edit_node_intro_message`.
        EditNodeIntroMessage = "edit_node_intro_message",
        /// `edit_node_messages`.
        EditNodeMessages = "edit_node_messages",
        /// `edit_node_functions`.
        EditNodeFunctions = "edit_node_functions",
        /// `edit_node_pre_actions`.
        EditNodePreActions = "edit_node_pre_actions",
        /// `edit_node_post_actions`.
        EditNodePostActions = "edit_node_post_actions",
        /// `edit_node_predefined_tools`.
        EditNodePredefinedTools = "edit_node_predefined_tools",
        /// `edit_node_context_strategy`.
        EditNodeContextStrategy = "edit_node_context_strategy",
        /// `edit_node_respond_immediately`.
        EditNodeRespondImmediately = "edit_node_respond_immediately",
        /// `edit_node_voice_override`.
        EditNodeVoiceOverride = "edit_node_voice_override",
        /// `edit_node_dtmf_override`.
        EditNodeDtmfOverride = "edit_node_dtmf_override",
        /// `edit_node_pre_query_phrases`.
        EditNodePreQueryPhrases = "edit_node_pre_query_phrases",
        /// `edit_node_per_type_config`.
        EditNodePerTypeConfig = "edit_node_per_type_config",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        for s in CallStatus::KNOWN {
            let parsed: CallStatus = s.as_str().parse().unwrap();
            assert_eq!(&parsed, s);
            assert!(!parsed.is_unknown());
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(serde_json::from_str::<CallStatus>(&json).unwrap(), *s);
        }
        assert_eq!(CallSubStatus::KNOWN.len(), 19);
        assert_eq!(EventType::KNOWN.len(), 8);
        assert_eq!(
            serde_json::from_str::<CallSubStatus>("\"VOICEMAIL_DETECTED_VIA_LLM\"").unwrap(),
            CallSubStatus::VoicemailDetectedViaLlm
        );
        assert_eq!(WebhookMethod::Patch.to_string(), "PATCH");
        assert_eq!(Language::from("en-IN"), Language::EnIn);
        assert_eq!(format!("{:?}", Language::EnIn), "EnIn");
    }

    #[test]
    fn an_event_type_in_another_case_or_padded_is_read_loosely() {
        assert_eq!(
            EventType::from_loose("CALL_COMPLETED"),
            EventType::CallCompleted
        );
        assert_eq!(
            EventType::from_loose(" Call_Started\n"),
            EventType::CallStarted
        );
        assert_eq!(
            EventType::from_loose("call_completed"),
            EventType::CallCompleted
        );
        // Not a documented type in any case: kept as sent.
        assert_eq!(
            EventType::from_loose(" CALL_FORWARDED").as_str(),
            " CALL_FORWARDED"
        );
        // The strict reading keeps the spelling, so a payload is written back as it came.
        assert!(EventType::from("CALL_COMPLETED").is_unknown());
    }

    #[test]
    fn unknown_values_are_kept() {
        let s: CallStatus = serde_json::from_str("\"on_hold\"").unwrap();
        assert!(s.is_unknown());
        assert_eq!(s.as_str(), "on_hold");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"on_hold\"");
        assert!(!s.is_terminal());
        assert_eq!(format!("{s:?}"), "Unknown(\"on_hold\")");
        assert!(serde_json::from_str::<CallStatus>("3").is_err());
    }

    #[test]
    fn predicates() {
        let terminal: Vec<_> = CallStatus::KNOWN
            .iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            [
                &CallStatus::Completed,
                &CallStatus::Failed,
                &CallStatus::Error,
                &CallStatus::Cancelled,
                &CallStatus::Forwarded
            ]
        );
        assert!(CallStatus::Retry.is_terminable() && !CallStatus::Ongoing.is_terminable());
        assert!(UploadStatus::Ready.is_finished() && UploadStatus::Completed.is_finished());
        assert!(UploadStatus::Failed.is_failed() && !UploadStatus::Processing.is_finished());
        assert!(UploadStatus::Verifying.is_pending());
        assert!(!UploadStatus::Unknown("x".into()).is_pending());
    }
}
