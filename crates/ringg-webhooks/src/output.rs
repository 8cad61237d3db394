//! One-line renderings of events, for tools that print deliveries as they arrive.

use std::fmt::Write as _;
use std::str::FromStr;

use ringg_types::redact::redact_text;
use ringg_types::text::{escape_control, escape_json_controls};

use crate::WebhookEvent;

/// How to print an event on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OutputFormat {
    /// `call_completed call_id=… agent_id=… status=completed retry_count=0`
    #[default]
    Text,
    /// The event's JSON as received (every value, unknown fields and values that did not fit
    /// the typed model included) on one line, with its secrets masked
    /// ([`ringg_types::redact`]: `headers`, and fields named like credentials, such as a call
    /// variable `access_token`).
    Json,
}

impl OutputFormat {
    /// Renders `event` as one line (without the trailing newline), safe to print on a
    /// terminal: control characters and bidirectional overrides in the event's fields are
    /// escaped (`\u{1b}` in text via [`escape_control`]; `\u001b` in JSON, where serde_json's
    /// escaping is completed for DEL, C1 controls and the overrides).
    ///
    /// ```
    /// use ringg_webhooks::{OutputFormat, WebhookEvent};
    ///
    /// let event = WebhookEvent::from_slice(
    ///     br#"{"event_type":"call_completed","call_id":"c-1","status":"retry","retry_count":0}"#,
    /// )?;
    /// assert_eq!(
    ///     OutputFormat::Text.render(&event),
    ///     "call_completed call_id=c-1 status=retry retry_count=0"
    /// );
    /// let json: serde_json::Value = serde_json::from_str(&OutputFormat::Json.render(&event))?;
    /// assert_eq!(json["retry_count"], 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn render(self, event: &WebhookEvent) -> String {
        match self {
            Self::Text => text_line(event),
            Self::Json => redact_text(&json_line(event)).into_owned(),
        }
    }
}

/// The event's JSON on one line, every value as received (a body read only once mended, with
/// `NaN` or a lone surrogate, is written as mended, so the line stays JSON;
/// [`PartialEvent::mended_json`](ringg_types::webhook::PartialEvent::mended_json)).
fn json_line(event: &WebhookEvent) -> String {
    let raw = match event {
        WebhookEvent::Partial(x) if x.is_mended() => x.mended_json(),
        _ => event.raw_json(),
    };
    match raw {
        // Line breaks can only sit between tokens in valid JSON: replacing them keeps
        // the value and the one-line format.
        Some(raw) => {
            escape_json_controls(&raw.trim().replace(['\r', '\n', '\t'], " ")).into_owned()
        }
        None => {
            let json = serde_json::to_string(event).unwrap_or_else(|err| {
                serde_json::json!({
                    "event_type": event.event_type().as_str(),
                    "error": format!("the event could not be serialized: {err}"),
                })
                .to_string()
            });
            escape_json_controls(&json).into_owned()
        }
    }
}

/// Every field comes from the delivery, so control characters are escaped: an event cannot
/// move the cursor, retitle the terminal or break the one-line format.
fn text_line(event: &WebhookEvent) -> String {
    let mut line = escape_control(event.event_type().as_str()).into_owned();
    match event {
        WebhookEvent::Unknown(_) => line.push_str(" (unknown event type)"),
        // No field of a documented shape to show: the JSON itself, whole (as the JSON output
        // writes it), so the text output loses nothing of it either.
        WebhookEvent::Partial(partial) if partial.non_object().is_some() => {
            let _ = write!(
                line,
                " (not a JSON object) {}",
                redact_text(&json_line(event))
            );
        }
        WebhookEvent::Partial(partial) => {
            let error = partial.error();
            let _ = write!(
                line,
                " (partial: `{}`: {})",
                escape_control(error.path()),
                escape_control(error.message())
            );
        }
        _ => {}
    }
    if let Some(call_id) = event.call_id() {
        let _ = write!(line, " call_id={}", escape_control(call_id.as_ref()));
    }
    if let Some(agent_id) = event.agent_id() {
        let _ = write!(line, " agent_id={}", escape_control(agent_id.as_ref()));
    }
    if let Some(status) = event.status() {
        let _ = write!(line, " status={}", escape_control(status.as_str()));
    }
    if let Some(retry_count) = event.retry_count() {
        let _ = write!(line, " retry_count={retry_count}");
    }
    // Without an event type, the line starts with what follows it.
    match line.strip_prefix(' ') {
        Some(rest) => rest.to_owned(),
        None => line,
    }
}

/// An output format name other than `text` or `json`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown output format `{0}`; use `text` or `json`")]
pub struct UnknownOutputFormat(String);

impl FromStr for OutputFormat {
    type Err = UnknownOutputFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            _ => Err(UnknownOutputFormat(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_events_line_does_not_copy_a_secret_serde_quotes() {
        // `custom_args_values` sent JSON-encoded and cut short (not an object): serde's
        // message quotes the string whole.
        let body = br#"{"event_type":"call_completed","call_id":"c1","status":"completed","custom_args_values":"{\"callee_name\":\"John\",\"access_token\":\"tok-5Z4Y-live\""}"#;
        let event = WebhookEvent::from_slice_lenient(body).unwrap();
        assert!(event.is_partial());
        for format in [OutputFormat::Text, OutputFormat::Json] {
            let line = format.render(&event);
            assert!(!line.contains("tok-5Z4Y-live"), "{line}");
        }
        let error = event.partial_error().unwrap().to_string();
        assert!(!error.contains("tok-5Z4Y-live"), "{error}");
        assert!(error.contains("custom_args_values"), "{error}");
    }

    #[test]
    fn text_lines() {
        let event = WebhookEvent::from_slice(
            br#"{"event_type":"call_started","call_id":"c1","agent_id":"a1","sub_status":"ACCEPTED"}"#,
        )
        .unwrap();
        assert_eq!(
            OutputFormat::Text.render(&event),
            "call_started call_id=c1 agent_id=a1"
        );
        let event =
            WebhookEvent::from_slice(br#"{"event_type":"call_transferred","call_id":"c2"}"#)
                .unwrap();
        assert_eq!(
            OutputFormat::Text.render(&event),
            "call_transferred (unknown event type) call_id=c2"
        );
    }

    #[test]
    fn json_lines_keep_unknown_fields() {
        let body = br#"{"event_type":"recording_completed","call_id":"c1","recording_url":"https://r/x.mp3","new_field":{"a":[1]}}"#;
        let event = WebhookEvent::from_slice(body).unwrap();
        let line = OutputFormat::Json.render(&event);
        assert!(!line.contains('\n'));
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        let orig: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(back, orig);
    }

    #[test]
    fn json_lines_mask_secrets() {
        let body = br#"{"event_type":"call_completed","call_id":"c1","custom_args_values":{"name":"Asha","access_token":"tok-5Z4Y"},"headers":{"Authorization":"Bearer b-9"}}"#;
        for event in [
            WebhookEvent::from_slice(body).unwrap(),
            serde_json::from_slice::<WebhookEvent>(body).unwrap(),
        ] {
            let line = OutputFormat::Json.render(&event);
            assert!(
                !line.contains("tok-5Z4Y") && !line.contains("b-9"),
                "{line}"
            );
            let back: serde_json::Value = serde_json::from_str(&line).unwrap();
            assert_eq!(back["custom_args_values"]["name"], "Asha");
            assert_eq!(back["custom_args_values"]["access_token"], "[REDACTED]");
        }
    }

    #[test]
    fn control_characters_are_escaped_in_both_formats() {
        let body = br#"{"event_type":"call\u001b]0;x\u0007ed","call_id":"c\u001b[2J\n1","agent_id":"a\u009b1"}"#;
        let event = WebhookEvent::from_slice(body).unwrap();
        for format in [OutputFormat::Text, OutputFormat::Json] {
            let line = format.render(&event);
            assert!(!line.chars().any(char::is_control), "{format:?}: {line:?}");
        }
        let text = OutputFormat::Text.render(&event);
        assert!(text.starts_with(r"call\u{1b}]0;x\u{7}ed"), "{text}");
        assert!(text.contains(r"call_id=c\u{1b}[2J\n1"), "{text}");
        assert!(text.contains(r"agent_id=a\u{9b}1"), "{text}");
        let completed = WebhookEvent::from_slice(
            br#"{"event_type":"call_completed","call_id":"c2","status":"retry\r\u001b[1A"}"#,
        )
        .unwrap();
        let text = OutputFormat::Text.render(&completed);
        assert!(text.contains(r"status=retry\r\u{1b}[1A"), "{text}");
        let json = OutputFormat::Json.render(&event);
        assert!(
            json.contains(r"\u001b") && json.contains(r"\u009b"),
            "{json}"
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["agent_id"], "a\u{9b}1", "the JSON value is unchanged");
    }

    #[test]
    fn json_lines_print_every_value_as_received() {
        let body = b"{\n  \"event_type\": \"call_completed\",\r\n  \"call_id\": \"c1\",\n  \"retry_count\": \"second\",\n  \"sub\": {\"x\": null}\n}\n";
        let event = WebhookEvent::from_slice_lenient(body).unwrap();
        assert!(event.is_partial());
        let line = OutputFormat::Json.render(&event);
        assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        let orig: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(back, orig);
        let text = OutputFormat::Text.render(&event);
        assert!(
            text.starts_with("call_completed (partial: `retry_count`:"),
            "{text}"
        );
        let cb = WebhookEvent::from_slice(
            br#"{"status":"success","data":{"call_id":"c2","status":"ongoing","retry":0}}"#,
        )
        .unwrap();
        assert_eq!(
            OutputFormat::Text.render(&cb),
            "call_callback call_id=c2 status=ongoing retry_count=0"
        );
        // Without an event type, the line starts with why.
        let untyped = WebhookEvent::from_slice_lenient(br#"{"call_id":"c3"}"#).unwrap();
        let text = OutputFormat::Text.render(&untyped);
        assert!(text.starts_with("(partial: `event_type`:"), "{text:?}");
        assert!(text.ends_with(" call_id=c3"), "{text:?}");
        // JSON that is not an object: shown whole, secrets masked, in either format.
        let array =
            WebhookEvent::from_slice_lenient(br#"[{"call_id":"c9","api_key":"k-123456789"}, 2]"#)
                .unwrap();
        let text = OutputFormat::Text.render(&array);
        assert_eq!(
            text,
            r#"(not a JSON object) [{"call_id":"c9","api_key":"[REDACTED]"}, 2]"#
        );
        let json = OutputFormat::Json.render(&array);
        assert_eq!(json, r#"[{"call_id":"c9","api_key":"[REDACTED]"}, 2]"#);
    }

    #[test]
    fn a_mended_body_is_printed_as_received_but_for_the_mended_tokens() {
        let body = br#"{"event_type":"call_completed","call_id":"big-2","status":"completed","bulk_list_id":123456789012345678901,"x":1e999,"latency":NaN}"#;
        let event = WebhookEvent::from_slice_lenient(body).unwrap();
        assert!(matches!(&event, WebhookEvent::Partial(x) if x.is_mended()));
        let line = OutputFormat::Json.render(&event);
        assert_eq!(
            line,
            r#"{"event_type":"call_completed","call_id":"big-2","status":"completed","bulk_list_id":123456789012345678901,"x":null,"latency":null}"#
        );
    }

    #[test]
    fn parse_format_names() {
        assert_eq!("json".parse::<OutputFormat>(), Ok(OutputFormat::Json));
        assert_eq!(" Text ".parse::<OutputFormat>(), Ok(OutputFormat::Text));
        let err = "yaml".parse::<OutputFormat>().unwrap_err();
        assert!(err.to_string().contains("use `text` or `json`"));
    }
}
