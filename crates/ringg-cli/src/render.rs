//! Table and line renderings of the models several commands show: calls (history rows and
//! one call's details), transcripts, analyses, the workspace, webhook subscriptions.

use ringg_api::calls::CLIENT_REFERENCE_KEY;
use ringg_types::calls::{CallDetails, CallRecord, PlatformAnalysis};
use ringg_types::common::{Timestamp, Transcript};
use ringg_types::webhook::EventSubscription;
use ringg_types::workspace::WorkspaceInfo;
use serde_json::{Map, Value};

use ringg_types::text::escape_control;

use crate::output::{Columns, REDACTED, TextTable, kv_table, num, nz, or_dash, scalar, ts};

/// The call history table.
pub(crate) const CALL_COLUMNS: Columns<CallRecord> = Columns {
    header: &[
        "ID", "CREATED", "TO", "NAME", "STATUS", "DURATION", "COST", "AGENT",
    ],
    row: call_row,
    empty: "no calls match; place one with `ringg calls create`, or widen the filters (--start, --status)",
    drop_first: &["AGENT", "COST", "NAME"],
};

fn call_row(r: &CallRecord) -> Vec<String> {
    vec![
        r.id.to_string(),
        ts(r.created_at.as_ref()),
        nz(&r.to_number),
        nz(&r.name),
        or_dash(r.status.as_ref().map(|s| s.as_str())),
        r.call_duration
            .as_ref()
            .map(|d| seconds(d.as_f64()))
            .unwrap_or_else(|| "-".into()),
        r.call_cost
            .as_ref()
            .map(|c| num(c.as_f64()))
            .unwrap_or_else(|| "-".into()),
        or_dash(
            r.agent
                .as_ref()
                .and_then(|a| a.agent_name.as_deref().map(str::to_string))
                .or_else(|| r.agent.as_ref().map(|a| a.id.to_string())),
        ),
    ]
}

/// Call history rows.
pub(crate) fn call_table(rows: &[CallRecord]) -> TextTable {
    CALL_COLUMNS.table(rows)
}

/// A duration in seconds as `42.5 s`, or `3 min 5 s` from a minute on.
pub(crate) fn seconds(secs: f64) -> String {
    if secs >= 60.0 {
        let whole = secs.round() as u64;
        format!("{} min {} s", whole / 60, whole % 60)
    } else {
        format!("{} s", num(secs))
    }
}

/// A number field of a model's unlisted fields (`extra`), as a number or a numeric string.
fn extra_number(extra: &Map<String, Value>, key: &str) -> Option<f64> {
    match extra.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A time field of a model's unlisted fields.
fn extra_time(extra: &Map<String, Value>, key: &str) -> Option<Timestamp> {
    extra
        .get(key)
        .and_then(Value::as_str)
        .and_then(|s| Timestamp::parse(s).ok())
}

/// When a call ended: its end-time field, or for an ended call its start plus its duration.
/// A duration the server got wrong (negative, not finite, past chrono's range) gives none.
fn end_time(
    d: &CallDetails,
    started: Option<&Timestamp>,
    duration: Option<f64>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    if let Some(t) = ["call_end_time", "end_time", "ended_at"]
        .iter()
        .find_map(|k| extra_time(&d.extra, k))
    {
        return Some(t.to_utc());
    }
    let (start, secs) = (started?, duration?);
    if !d.call_status.as_ref().is_some_and(|s| s.is_terminal()) {
        return None;
    }
    let millis = (secs.is_finite() && secs >= 0.0).then(|| (secs * 1000.0).round())?;
    let elapsed = chrono::TimeDelta::try_milliseconds(millis.min(i64::MAX as f64) as i64)?;
    start.to_utc().checked_add_signed(elapsed)
}

/// The main fields of a call's details: status, people, times, duration and cost, the
/// client reference, and the prompt variables (without the client reference).
pub(crate) fn details_table(d: &CallDetails) -> TextTable {
    let duration = extra_number(&d.extra, "call_duration");
    let started = extra_time(&d.extra, "call_attempt_time");
    let ended = end_time(d, started.as_ref(), duration);
    let args = d.custom_args_values.as_ref();
    let reference = args.and_then(|a| a.get(CLIENT_REFERENCE_KEY)).map(scalar);
    let mut rows = vec![
        ("id".to_string(), d.id.to_string()),
        (
            "status".into(),
            or_dash(d.call_status.as_ref().map(|s| s.as_str())),
        ),
        (
            "sub status".into(),
            or_dash(d.call_sub_status.as_ref().map(|s| s.as_str())),
        ),
        // What a call that has not ended waits for ("queued until 09:00 (window, …)").
        (
            "queued".into(),
            d.queued()
                .map(|q| crate::output::queued(&q))
                .unwrap_or_else(|| "-".into()),
        ),
        (
            "direction".into(),
            or_dash(d.call_direction.as_ref().map(|s| s.as_str())),
        ),
        ("to".into(), nz(&d.to_number)),
        ("from".into(), nz(&d.from_number)),
        ("callee".into(), nz(&d.callee_name)),
        (
            "agent".into(),
            or_dash(d.agent_id.as_ref().map(|a| a.as_str())),
        ),
        ("initiated".into(), ts(d.initiation_time.as_ref())),
        ("started".into(), ts(started.as_ref())),
        (
            "ended".into(),
            ended
                .map(|t| crate::display::get().time(t))
                .unwrap_or_else(|| "-".into()),
        ),
        (
            "duration".into(),
            duration.map(seconds).unwrap_or_else(|| "-".into()),
        ),
        (
            "cost".into(),
            extra_number(&d.extra, "call_cost")
                .map(|c| format!("{} credits", num(c)))
                .unwrap_or_else(|| "-".into()),
        ),
        ("recording".into(), nz(&d.recording_url)),
        ("client reference".into(), or_dash(reference)),
    ];
    if let Some(args) = args {
        rows.push(("variables".into(), callee_variables(args)));
    }
    kv_table(rows)
}

/// `name=value, …` of a variables map.
pub(crate) fn variables(args: &Map<String, Value>) -> String {
    join_variables(args.iter())
}

/// [`variables`] of a call's custom arguments without the client reference, which has a row
/// of its own.
pub(crate) fn callee_variables(args: &Map<String, Value>) -> String {
    join_variables(args.iter().filter(|(k, _)| *k != CLIENT_REFERENCE_KEY))
}

fn join_variables<'a>(vars: impl Iterator<Item = (&'a String, &'a Value)>) -> String {
    let joined = vars
        .map(|(k, v)| format!("{k}={}", scalar(v)))
        .collect::<Vec<_>>()
        .join(", ");
    if joined.is_empty() {
        "-".into()
    } else {
        joined
    }
}

/// The transcript, one `speaker: text` line per turn (a line break inside a turn is shown as
/// `\n`, so a turn cannot pose as another; control characters are escaped).
pub(crate) fn transcript_lines(t: &Transcript) -> Vec<String> {
    t.turns()
        .iter()
        .map(|turn| {
            format!(
                "{:>4}: {}",
                escape_control(turn.speaker().as_str()),
                escape_control(&turn.shown_text())
            )
        })
        .collect()
}

/// The platform analysis as FIELD / VALUE rows.
pub(crate) fn analysis_rows(a: &PlatformAnalysis) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let mut push = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            rows.push((k.to_string(), v));
        }
    };
    push("summary", a.summary.as_deref().map(str::to_string));
    push(
        "classification",
        a.classification.as_deref().map(str::to_string),
    );
    push(
        "sentiment",
        a.sentiment.as_ref().map(|s| s.as_str().to_string()),
    );
    push(
        "key points",
        a.key_points.as_ref().map(|k| k.items().join("; ")),
    );
    push(
        "action items",
        a.action_items.as_ref().map(|k| k.items().join("; ")),
    );
    push(
        "disconnect reason",
        a.call_disconnect_reason.as_deref().map(str::to_string),
    );
    // A value that is not a boolean word ("perhaps", 2) is shown as it came, not as `false`.
    push(
        "callback requested",
        a.callback_requested.as_ref().map(|b| match b.as_bool() {
            Some(yes) => yes.to_string(),
            None => b.as_text().map(str::to_owned).unwrap_or_else(|| {
                serde_json::to_value(b)
                    .map(|v| scalar(&v))
                    .unwrap_or_default()
            }),
        }),
    );
    push(
        "callback requested time",
        a.callback_requested_time.as_ref().map(|t| t.to_string()),
    );
    push("timezone", a.timezone.as_ref().map(|t| t.to_string()));
    push("status", a.status.as_ref().map(|t| t.to_string()));
    for (k, v) in &a.extra {
        push(k, Some(scalar(v)));
    }
    rows
}

/// The workspace as FIELD / VALUE rows (the key shown as `[REDACTED]`).
pub(crate) fn workspace_rows(w: &WorkspaceInfo) -> Vec<(String, String)> {
    let credit = |c: &Option<ringg_types::common::Credits>| {
        c.as_ref()
            .map(|c| num(c.as_f64()))
            .unwrap_or_else(|| "-".into())
    };
    let mut rows = vec![
        ("id".to_string(), w.id.to_string()),
        ("name".into(), or_dash(w.name.as_deref())),
        ("created".into(), ts(w.created_at.as_ref())),
        ("credits".into(), credit(&w.credits)),
        ("locked credits".into(), credit(&w.locked_credits)),
        ("available credits".into(), num(w.available_credits())),
    ];
    if w.api_key.is_value() {
        rows.push(("api key".into(), REDACTED.into()));
    }
    rows
}

/// A subscription without its header values (they are usually secrets), nor a secret its URL
/// carries (`?ringg_secret=…`).
pub(crate) fn subscription_text(s: &EventSubscription) -> String {
    let events: Vec<&str> = s.event_types().iter().map(|e| e.as_str()).collect();
    let url = ringg_api::types::redact::redact_url(&s.callback_url);
    let mut text = format!(
        "{} {} <- {}",
        s.method_type.as_ref().map(|m| m.as_str()).unwrap_or("POST"),
        url.as_deref().unwrap_or(&s.callback_url),
        events.join(", ")
    );
    if let Some(h) = s.headers.as_ref().filter(|h| !h.is_empty()) {
        text.push_str(&format!(
            " (headers: {})",
            h.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_duration_leaves_the_end_time_out() {
        let ended_after = |duration: serde_json::Value| {
            let d: CallDetails = serde_json::from_value(serde_json::json!({
                "id": "3f1f6f0e-9f5e-4a61-8c3b-2d7f0c1e9a10",
                "call_status": "completed",
                "call_attempt_time": "2026-01-01T10:00:00Z",
                "call_duration": duration,
            }))
            .unwrap();
            let started = extra_time(&d.extra, "call_attempt_time");
            end_time(
                &d,
                started.as_ref(),
                extra_number(&d.extra, "call_duration"),
            )
        };
        let ended = ended_after(serde_json::json!("90"));
        assert_eq!(ended.unwrap().to_rfc3339(), "2026-01-01T10:01:30+00:00");
        for duration in [
            serde_json::json!("inf"),
            serde_json::json!("-inf"),
            serde_json::json!("NaN"),
            serde_json::json!(-5),
            serde_json::json!(1e300),
            serde_json::json!(1e13),
        ] {
            let ended = ended_after(duration.clone());
            assert!(ended.is_none(), "{duration}: {ended:?}");
        }
    }

    #[test]
    fn callee_variables_leave_the_client_reference_to_its_own_row() {
        let args = |v: serde_json::Value| v.as_object().unwrap().clone();
        let with_reference = args(serde_json::json!({
            "name": "Asha", CLIENT_REFERENCE_KEY: "rr-1", "slot": 3
        }));
        assert_eq!(callee_variables(&with_reference), "name=Asha, slot=3");
        assert_eq!(
            variables(&with_reference),
            format!("name=Asha, {CLIENT_REFERENCE_KEY}=rr-1, slot=3")
        );
        let only_reference = args(serde_json::json!({ CLIENT_REFERENCE_KEY: "rr-1" }));
        assert_eq!(callee_variables(&only_reference), "-");
        assert_eq!(variables(&args(serde_json::json!({}))), "-");
    }

    #[test]
    fn analysis_rows_show_every_field_as_it_came() {
        let rows = |v: serde_json::Value| -> Vec<(String, String)> {
            analysis_rows(&serde_json::from_value::<PlatformAnalysis>(v).unwrap())
        };
        let row = |rows: &[(String, String)], k: &str| {
            rows.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone())
        };
        let full = rows(serde_json::json!({
            "summary": "s", "callback_requested": true,
            "callback_requested_time": "2026-12-10T10:00:00+05:30",
            "timezone": "Asia/Kolkata", "status": "analyzed"
        }));
        assert_eq!(row(&full, "callback requested").as_deref(), Some("true"));
        assert_eq!(
            row(&full, "callback requested time").as_deref(),
            Some("2026-12-10T10:00:00+05:30")
        );
        assert_eq!(row(&full, "timezone").as_deref(), Some("Asia/Kolkata"));
        assert_eq!(row(&full, "status").as_deref(), Some("analyzed"));
        // Not a boolean word: shown as it came, not as `false`.
        for (value, shown) in [
            (serde_json::json!("perhaps"), "perhaps"),
            (serde_json::json!(2), "2"),
            (serde_json::json!("no"), "false"),
        ] {
            let r = rows(serde_json::json!({ "callback_requested": value }));
            assert_eq!(row(&r, "callback requested").as_deref(), Some(shown));
        }
    }

    #[test]
    fn subscriptions_hide_header_values() {
        let s = EventSubscription::new(
            vec![ringg_api::types::webhook::EventType::CallCompleted],
            "https://h.example/x",
        )
        .header("X-Webhook-Secret", "s3cret");
        let t = subscription_text(&s);
        assert!(
            t.contains("X-Webhook-Secret") && !t.contains("s3cret"),
            "{t}"
        );
    }
}
