//! `call_config` of an initiate request: retries, calling windows, smart formatting.

use serde::{Deserialize, Serialize};

use crate::common::{Extra, Nullable, Timestamp};
use crate::macros::{option_setters, plain_setters};

/// `smart_formatter`: first-name extraction and transliteration of the callee's name.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SmartFormatter {
    /// `extract_first_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extract_first_name: Option<bool>,
    /// `transliteration` (turns on `extract_first_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transliteration: Option<bool>,
    /// `transliteration_language`: `{source: "en", target: "hi"}` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transliteration_language: Option<TransliterationLanguage>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(SmartFormatter);

/// `smart_formatter.transliteration_language`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransliterationLanguage {
    /// `source` (default `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `target` (default `hi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(TransliterationLanguage);

/// `call_config`: per-call (or per-campaign) overrides. Unset fields keep the assistant's values.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallConfig {
    /// `idle_timeout_warning`, seconds (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_warning: Option<u32>,
    /// `idle_timeout_end`, seconds (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_end: Option<u32>,
    /// `max_call_length`, seconds (default 240).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_call_length: Option<u32>,
    /// `call_retry_config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_retry_config: Option<CallRetryConfig>,
    /// `call_time`: calling window and schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_time: Option<CallTime>,
    /// Other keys (`voicemail`, `noise_filter_config`, ...), sent as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CallConfig);

plain_setters!(CallConfig {
    /// Sets `idle_timeout_warning` (seconds).
    idle_timeout_warning: u32,
    /// Sets `idle_timeout_end` (seconds).
    idle_timeout_end: u32,
    /// Sets `max_call_length` (seconds).
    max_call_length: u32,
});

option_setters!(CallConfig {
    /// Sets `call_retry_config`.
    call_retry_config: CallRetryConfig,
    /// Sets `call_time`.
    call_time: CallTime,
});

/// `call_config.call_retry_config`. Delays are in minutes.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallRetryConfig {
    /// `retry_count`: how many retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_count: Option<u32>,
    /// `retry_busy`: minutes before retrying a busy line (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_busy: Option<u32>,
    /// `retry_not_picked`: minutes before retrying an unanswered call (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_not_picked: Option<u32>,
    /// `retry_failed`: minutes before retrying a failed call (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_failed: Option<u32>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CallRetryConfig);

impl CallRetryConfig {
    /// `retry_count` retries, each `delay_minutes` after a busy, unanswered or failed attempt.
    pub fn uniform(retry_count: u32, delay_minutes: u32) -> Self {
        Self {
            retry_count: Some(retry_count),
            retry_busy: Some(delay_minutes),
            retry_not_picked: Some(delay_minutes),
            retry_failed: Some(delay_minutes),
            extra: Extra::new(),
        }
    }
}

/// `call_config.call_time`: the daily calling window and an optional schedule.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallTime {
    /// `call_start_time`, `"HH:MM"` (default `00:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_start_time: Option<String>,
    /// `call_end_time`, `"HH:MM"` (default `23:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_end_time: Option<String>,
    /// `timezone`: IANA name (default `Asia/Kolkata`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// `scheduled_at`: queue the call for this time (the window still applies).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub scheduled_at: Nullable<Timestamp>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CallTime);

impl CallTime {
    /// A daily window `start`–`end` (`"HH:MM"`) in `timezone`.
    pub fn window(
        start: impl Into<String>,
        end: impl Into<String>,
        timezone: impl Into<String>,
    ) -> Self {
        Self {
            call_start_time: Some(start.into()),
            call_end_time: Some(end.into()),
            timezone: Some(timezone.into()),
            ..Self::default()
        }
    }

    /// Sets `scheduled_at`.
    #[must_use]
    pub fn scheduled_at(mut self, at: Timestamp) -> Self {
        self.scheduled_at = Nullable::Value(at);
        self
    }
}
