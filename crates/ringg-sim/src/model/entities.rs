//! The records a workspace holds: agents, numbers, knowledge bases, contact lists, calls.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use tokio::sync::Semaphore;

use crate::model::call_config::CallConfig;
use crate::model::outcome::CallOutcome;
use crate::model::schedule::{CallClock, Window};
use crate::model::status::{ListStatus, Status};

/// Credits locked for every queued call (INF).
pub(crate) const CREDIT_LOCK_PER_CALL: f64 = 1.0;
/// Credits charged per second of answered call (INF).
pub(crate) const CREDITS_PER_SECOND: f64 = 0.01;

/// Where webhook-style callbacks for one call go besides the agent's subscriptions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Callback {
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) params: Vec<(String, String)>,
}

/// The event types of Ringg's public docs (§3.2), the ones an `"all"` subscription covers;
/// `call_ringing` and `call_ongoing` (backend enum only) go only to subscriptions naming them.
pub(crate) const DOCUMENTED_EVENTS: [&str; 6] = [
    "call_started",
    "call_completed",
    "recording_completed",
    "platform_analysis_completed",
    "client_analysis_completed",
    "all_processing_completed",
];
/// The subscription event type that stands for every [`DOCUMENTED_EVENTS`] type.
pub(crate) const ALL_EVENTS: &str = "all";

/// One webhook subscription item as stored on an agent.
#[derive(Debug, Clone)]
pub(crate) struct Subscription {
    pub(crate) event_types: Vec<String>,
    pub(crate) callback_url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) method: String,
    /// The item as submitted (echoed by `GET /agent/{id}`).
    pub(crate) raw: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) email: String,
    pub(crate) role: &'static str,
}

#[derive(Debug, Clone)]
pub(crate) struct Number {
    pub(crate) id: String,
    pub(crate) number: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) call_count: u64,
    pub(crate) agent_id: Option<String>,
    pub(crate) is_inbound_enabled: bool,
    pub(crate) display_name: String,
    pub(crate) provider: &'static str,
    pub(crate) telephony_id: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Voice {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) gender: &'static str,
    pub(crate) languages: &'static [&'static str],
}

/// An assistant.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    pub(crate) id: String,
    pub(crate) version_id: String,
    pub(crate) display_name: String,
    pub(crate) agent_type: String,
    pub(crate) language: String,
    pub(crate) secondary_language: Option<String>,
    pub(crate) voice_id: String,
    pub(crate) secondary_voice_id: Option<String>,
    pub(crate) custom_variables: Vec<String>,
    /// A string or `{prompt_sections: [...]}`.
    pub(crate) prompt: Value,
    pub(crate) intro_message: String,
    pub(crate) whitelisted_domains: Vec<String>,
    pub(crate) kb_ids: Vec<String>,
    pub(crate) event_subscriptions: Vec<Subscription>,
    pub(crate) classification_labels: Map<String, Value>,
    pub(crate) custom_analysis_prompt: Option<Value>,
    pub(crate) client_analysis: Option<Value>,
    pub(crate) call_config: Value,
    /// Everything else the edit operations store (voice_speed, vocab, dtmf_settings, ...).
    pub(crate) settings: Map<String, Value>,
    pub(crate) template: Map<String, Value>,
    pub(crate) webcall_public_key: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) archived: bool,
    pub(crate) call_count: u64,
}

impl Agent {
    pub(crate) fn is_outbound(&self) -> bool {
        self.agent_type == "outbound" || self.agent_type == "outbound_inbound"
    }

    pub(crate) fn accepts_inbound(&self) -> bool {
        self.agent_type == "inbound" || self.agent_type == "outbound_inbound"
    }

    /// The subscription (url, headers, method) that receives `event_type`: the last item naming
    /// the event (or `"all"`, for a documented event) wins.
    pub(crate) fn subscription_for(&self, event_type: &str) -> Option<&Subscription> {
        let documented = DOCUMENTED_EVENTS.contains(&event_type);
        self.event_subscriptions.iter().rev().find(|s| {
            s.event_types
                .iter()
                .any(|e| e == event_type || (documented && e == ALL_EVENTS))
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct KbItem {
    pub(crate) file_id: String,
    pub(crate) file_type: String,
    pub(crate) file_size: u64,
    /// filename (files), url (urls) or `{question, answer}` (faqs).
    pub(crate) value: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct Kb {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// When the current processing run started (real time).
    pub(crate) processing_since: Option<Instant>,
    pub(crate) files: Vec<KbItem>,
    pub(crate) urls: Vec<KbItem>,
    pub(crate) faqs: Vec<KbItem>,
}

/// Standard (`/campaign/save`) or large (`/campaign/upload-csv`) list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    Standard,
    Large,
}

/// A contact list / campaign (one ID for both, INF).
#[derive(Debug, Clone)]
pub(crate) struct ContactList {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) agent_id: String,
    pub(crate) kind: ListKind,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) start_time: Option<DateTime<Utc>>,
    pub(crate) end_time: Option<DateTime<Utc>>,
    pub(crate) call_config: Value,
    /// One object per valid row: the mapped variables plus `mobile_number` and `callee_name`.
    pub(crate) rows: Vec<Map<String, Value>>,
    pub(crate) total_rows: usize,
    pub(crate) invalid_lines: Vec<usize>,
    pub(crate) csv_file_name: String,
    pub(crate) remove_invalid_rows: bool,
    /// `draft`, `scheduled`, `ongoing`, `completed`, `terminated`.
    pub(crate) status: ListStatus,
    pub(crate) uploaded_at: Instant,
    pub(crate) started_at: Option<DateTime<Utc>>,
    pub(crate) concurrency: Option<Arc<Semaphore>>,
    pub(crate) callback: Option<Callback>,
}

/// One call (an individual call or a campaign row).
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) id: String,
    pub(crate) seq: u64,
    pub(crate) agent_id: String,
    pub(crate) version_id: String,
    pub(crate) agent_name: String,
    pub(crate) to_number: String,
    pub(crate) from_number: String,
    pub(crate) callee_name: String,
    pub(crate) direction: &'static str,
    pub(crate) status: Status,
    pub(crate) sub_status: Option<&'static str>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) attempt_time: Option<DateTime<Utc>>,
    pub(crate) next_attempt_time: Option<DateTime<Utc>>,
    pub(crate) scheduled_at: Option<DateTime<Utc>>,
    /// The daily calling window and its timezone (outbound calls only wait for it).
    pub(crate) window: Option<Window>,
    pub(crate) timezone: chrono_tz::Tz,
    /// The call's own scaled clock, reading `created_at` when the call was placed.
    pub(crate) clock: CallClock,
    /// The number pool the caller number is taken from at each attempt (`number_pool_id`).
    pub(crate) pool_id: Option<String>,
    /// The caller of an inbound call (`inbound_from`).
    pub(crate) inbound_from: Option<String>,
    /// The outcome the next attempt takes, set by the control API (before any script).
    pub(crate) forced_outcome: Option<CallOutcome>,
    pub(crate) attempts: u32,
    pub(crate) retry_count: u32,
    /// Minutes to wait after busy / not picked / failed.
    pub(crate) retry_minutes: [f64; 3],
    pub(crate) custom_args: Map<String, Value>,
    pub(crate) callback: Option<Callback>,
    pub(crate) bulk_list_id: Option<String>,
    pub(crate) call_sid: String,
    pub(crate) duration: f64,
    pub(crate) cost: Option<f64>,
    pub(crate) transcript: Vec<Value>,
    pub(crate) recording_url: Option<String>,
    pub(crate) recording_duration: Option<f64>,
    pub(crate) platform_analysis: Option<Value>,
    pub(crate) client_analysis: Option<Value>,
    pub(crate) credits_processed: bool,
    pub(crate) locked: f64,
    pub(crate) voicemail: bool,
    pub(crate) call_category: Option<String>,
    pub(crate) parent_call_id: Option<String>,
    /// Outcomes of finished attempts, oldest first.
    pub(crate) attempt_log: Vec<CallOutcome>,
}

impl Call {
    /// The caller number; `None` while a pool call waits for one, and for web calls.
    pub(crate) fn caller(&self) -> Option<&str> {
        Some(self.from_number.as_str()).filter(|n| !n.is_empty())
    }

    /// The number called (for inbound calls the Ringg number); `None` for web calls.
    pub(crate) fn callee_number(&self) -> Option<&str> {
        Some(self.to_number.as_str()).filter(|n| !n.is_empty())
    }

    /// A `registered` call with no attempt yet, dialled with `cfg`'s retry rules; the caller
    /// fills in who calls whom with struct-update syntax.
    pub(crate) fn registered(
        id: String,
        seq: u64,
        cfg: &CallConfig,
        created_at: DateTime<Utc>,
    ) -> Self {
        Call {
            id,
            seq,
            agent_id: String::new(),
            version_id: String::new(),
            agent_name: String::new(),
            to_number: String::new(),
            from_number: String::new(),
            callee_name: String::new(),
            direction: "outbound",
            status: Status::Registered,
            sub_status: Some("QUEUED"),
            created_at,
            attempt_time: None,
            next_attempt_time: None,
            scheduled_at: cfg.scheduled_at,
            window: cfg.window,
            timezone: cfg.timezone,
            clock: CallClock::starting_at(created_at),
            pool_id: None,
            inbound_from: None,
            forced_outcome: None,
            attempts: 0,
            retry_count: cfg.retry_count,
            retry_minutes: cfg.retry_minutes,
            custom_args: Map::new(),
            callback: None,
            bulk_list_id: None,
            call_sid: String::new(),
            duration: 0.0,
            cost: None,
            transcript: Vec::new(),
            recording_url: None,
            recording_duration: None,
            platform_analysis: None,
            client_analysis: None,
            credits_processed: false,
            locked: 0.0,
            voicemail: false,
            call_category: None,
            parent_call_id: None,
            attempt_log: Vec::new(),
        }
    }
}
