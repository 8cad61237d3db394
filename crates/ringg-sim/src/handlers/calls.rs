//! Calls: operations 13–18 (initiate v1/v2, history, details, history download, contact-list
//! delete) and the history/details renderers.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::{Map, Value, json};

use crate::engine;
use crate::error::ApiError;
use crate::handlers::caller::{Caller, caller_number};
use crate::handlers::ctx::{Ctx, Reply};
use crate::handlers::validate::V;
use crate::model::{Call, CallConfig, Callback, Status, Workspace, parse_instant};
use crate::util::{deep_merge, is_e164, iso, iso_in, naive, round2};

fn parse_callback(
    url: Option<String>,
    args: Option<Map<String, Value>>,
) -> Result<Option<Callback>, ApiError> {
    let Some(url) = url else {
        return Ok(None);
    };
    match url::Url::parse(&url) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {}
        _ => {
            return Err(ApiError::invalid(
                &["body", "callback_url"],
                "url_parsing",
                format!("callback_url should be a full http(s) URL, got `{url}`"),
            ));
        }
    }
    let pairs = |key: &str| -> Result<Vec<(String, String)>, ApiError> {
        let Some(obj) = args
            .as_ref()
            .and_then(|a| a.get(key))
            .filter(|v| !v.is_null())
        else {
            return Ok(vec![]);
        };
        let Some(obj) = obj.as_object() else {
            return Err(ApiError::invalid(
                &["body", "callback_args", key],
                "dict_type",
                "Input should be an object of strings",
            ));
        };
        Ok(obj
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string()),
                )
            })
            .collect())
    };
    let headers = pairs("headers")?;
    let text_values = args
        .as_ref()
        .and_then(|a| a.get("headers"))
        .and_then(Value::as_object)
        .is_none_or(|h| h.values().all(Value::is_string));
    if !text_values
        || headers.iter().any(|(k, v)| {
            http::HeaderName::from_bytes(k.as_bytes()).is_err()
                || http::HeaderValue::from_str(v).is_err()
        })
    {
        return Err(ApiError::invalid(
            &["body", "callback_args", "headers"],
            "value_error",
            "callback_args.headers must hold valid header names and values",
        ));
    }
    Ok(Some(Callback {
        url,
        headers,
        params: pairs("params")?,
    }))
}

pub(crate) fn parse_callback_url(url: Option<String>) -> Result<Option<Callback>, ApiError> {
    parse_callback(url, None)
}

const NAME_PREFIXES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "shri", "smt", "sri", "mohammad", "mohammed", "md", "prof",
];

/// `smart_formatter.extract_first_name`: drops honorifics, keeps the first name.
fn first_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| !NAME_PREFIXES.contains(&w.to_ascii_lowercase().as_str()))
        .unwrap_or(name)
        .to_owned()
}

/// The body of an initiate request, validated field by field.
struct InitiateBody {
    body: Map<String, Value>,
    name: String,
    mobile: String,
    agent_id: String,
    from_number_id: Option<String>,
    from_number: Option<String>,
    pool_id: Option<String>,
    custom: Map<String, Value>,
    callback: Option<Callback>,
    smart: Option<Map<String, Value>>,
    voice_id: Option<String>,
    version_id: Option<String>,
    call_category: Option<String>,
    parent_call_id: Option<String>,
}

fn initiate_body(c: &Ctx<'_>, v2: bool) -> Result<InitiateBody, ApiError> {
    let body = c.json()?;
    let mut v = V::new(&body);
    let name = v.req_str("name");
    let mobile = v.req_str("mobile_number");
    let agent_id = v.req_str("agent_id");
    let from_number_id = v.opt_str("from_number_id");
    let from_number = v.opt_str("from_number");
    let pool_id = if v2 {
        v.opt_str("number_pool_id")
    } else {
        None
    };
    let custom = v.opt_obj("custom_args_values").unwrap_or_default();
    let callback_url = v.opt_str("callback_url");
    let callback_args = v.opt_obj("callback_args");
    let smart = v.opt_obj("smart_formatter");
    let voice_id = if v2 { v.opt_str("voice_id") } else { None };
    let version_id = if v2 { v.opt_str("version_id") } else { None };
    let call_category = if v2 { v.opt_str("call_category") } else { None };
    let parent_call_id = if v2 {
        v.opt_str("parent_call_id")
    } else {
        None
    };
    v.finish()?;
    let sources = [&from_number_id, &from_number, &pool_id]
        .iter()
        .filter(|s| s.is_some())
        .count();
    if sources != 1 {
        let names = if v2 {
            "number_pool_id, from_number_id or from_number"
        } else {
            "from_number_id or from_number"
        };
        return Err(ApiError::invalid(
            &["body"],
            "value_error",
            format!("Provide exactly one of {names} (got {sources})"),
        ));
    }
    if !is_e164(&mobile) {
        return Err(ApiError::bad_request(format!(
            "Invalid mobile_number `{mobile}`: use E.164 with the country code, e.g. +919876543210"
        )));
    }
    let callback = parse_callback(callback_url, callback_args)?;
    Ok(InitiateBody {
        name,
        mobile,
        agent_id,
        from_number_id,
        from_number,
        pool_id,
        custom,
        callback,
        smart,
        voice_id,
        version_id,
        call_category,
        parent_call_id,
        body,
    })
}

pub(crate) fn initiate(c: &Ctx<'_>, v2: bool) -> Reply {
    let req = initiate_body(c, v2)?;
    let agent_id = req.agent_id.clone();

    let mut st = c.sh.lock();
    if let Some(vid) = &req.voice_id
        && st.voice(vid).is_none()
    {
        return Err(ApiError::bad_request(format!(
            "Invalid voice_id {vid}: pick one from GET /agent/voices"
        )));
    }
    let seq = st.next_call_seq;
    let call_id = st.new_id();
    let call_sid = st.new_id();
    let ws = st.ws_mut(&c.ws);
    let agent = ws
        .agent(&agent_id)
        .ok_or_else(|| ApiError::not_found(format!("Agent {agent_id} not found")))?;
    if !agent.is_outbound() {
        return Err(ApiError::bad_request(format!(
            "Agent {agent_id} is an inbound agent; outbound calls need an outbound or outbound_inbound agent"
        )));
    }
    if let Some(vid) = &req.version_id
        && *vid != agent.version_id
    {
        return Err(ApiError::not_found(format!(
            "Version {vid} not found on agent {agent_id}"
        )));
    }
    let mut effective = agent.call_config.clone();
    if let Some(cc) = req.body.get("call_config").filter(|v| !v.is_null()) {
        if !cc.is_object() {
            return Err(ApiError::invalid(
                &["body", "call_config"],
                "dict_type",
                "call_config should be an object",
            ));
        }
        deep_merge(&mut effective, cc);
    }
    let cfg = CallConfig::parse(&effective, &["body", "call_config"])?;
    let caller = caller_number(
        ws,
        req.from_number_id.as_deref(),
        req.from_number.as_deref(),
        req.pool_id.as_deref(),
    )?;

    let (args, callee) = callee_args(req.custom, &req.name, &req.mobile, req.smart.as_ref());

    let agent_name = agent.display_name.clone();
    let agent_version = agent.version_id.clone();
    let now = Utc::now();
    let (from_value, pool_id) = match &caller {
        Caller::Number { number, id } => {
            if let Some(n) = ws.numbers.iter_mut().find(|n| n.id == *id) {
                n.call_count += 1;
            }
            (number.clone(), None)
        }
        Caller::Pool(pool) => (String::new(), Some(pool.clone())),
    };
    let call = Call {
        agent_id: agent_id.clone(),
        version_id: agent_version,
        agent_name,
        to_number: req.mobile,
        from_number: from_value,
        pool_id,
        callee_name: callee,
        custom_args: args.clone(),
        callback: req.callback,
        call_sid,
        call_category: req.call_category,
        parent_call_id: req.parent_call_id,
        ..Call::registered(call_id.clone(), seq, &cfg, now)
    };
    ws.push_call(call);
    engine::try_lock_credit(ws, &call_id);
    engine::schedule_new(ws, &call_id, now);
    st.next_call_seq += 1;
    drop(st);
    engine::spawn_call(c.sh, c.ws.clone(), call_id.clone());
    Ok(json!({
        "status": "success",
        "data": {
            "call_id": call_id,
            "call_direction": "outbound",
            "call_status": "registered",
            "initiated_at": naive(now),
            "agent_id": agent_id,
            "custom_args_values": args,
        },
        "message": "Call initiated successfully",
    }))
}

/// The transcript as a list of single-key turns.
pub(crate) fn transcript_value(call: &Call) -> Value {
    Value::Array(call.transcript.clone())
}

/// A history row (`GET /calling/history`).
pub(crate) fn history_row(ws: &Workspace, call: &Call) -> Value {
    let agent = ws.agents.iter().find(|a| a.id == call.agent_id);
    json!({
        "id": call.id,
        "to_number": call.callee_number(),
        "name": call.callee_name,
        "status": call.status.as_str(),
        "sub_status": call.sub_status,
        "transcript": serde_json::to_string(&call.transcript).unwrap_or_else(|_| "[]".into()),
        "audio_recording": call.recording_url,
        "created_at": iso(call.created_at),
        "agent": {
            "id": call.agent_id,
            "agent_name": agent.map(|a| a.display_name.clone()).unwrap_or_else(|| call.agent_name.clone()),
            "agent_version_id": call.version_id,
            "orchestration_mode": "single_node",
            "version": {"version_id": call.version_id, "version_slug": "v1"},
        },
        "call_duration": round2(call.duration),
        "call_attempt_time": call.attempt_time.map(iso),
        "call_cost": call.cost,
        "call_type": call.direction,
        "inbound_from": call.inbound_from,
        "credits_processed": call.credits_processed,
        "from_numbers": call.caller().into_iter().collect::<Vec<_>>(),
        "voicemail_detected": call.voicemail,
        "currency": "INR",
        "bulk_list_id": call.bulk_list_id.clone().unwrap_or_default(),
        "next_attempt_time": call.next_attempt_time.map(|t| iso_in(t, call.timezone)),
        "is_callback": false,
        "has_call_attempts": call.attempts > 1,
        "retry_count": call.attempts.saturating_sub(1),
        "custom_args_values": call.custom_args,
    })
}

fn date_param(
    c: &Ctx<'_>,
    name: &str,
    end_of_day: bool,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(raw) = c.q(name).filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    let date_only = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok();
    match (date_only, parse_instant(raw, chrono_tz::UTC)) {
        (Some(d), _) if end_of_day => Ok(Some(
            Utc.from_utc_datetime(&d.and_hms_micro_opt(23, 59, 59, 999_999).unwrap_or_default()),
        )),
        (_, Some(t)) => Ok(Some(t)),
        _ => Err(ApiError::invalid(
            &["query", name],
            "datetime_parsing",
            format!(
                "{name} should be an ISO 8601 date-time such as 2025-09-25T00:00:00+05:30, got `{raw}`"
            ),
        )),
    }
}

/// The history filter shared by history, download and analytics.
pub(crate) struct CallFilter {
    pub(crate) start: Option<DateTime<Utc>>,
    pub(crate) end: Option<DateTime<Utc>>,
    pub(crate) agent_ids: Vec<String>,
    pub(crate) status: Option<Status>,
    pub(crate) bulk_list_id: Option<String>,
    pub(crate) voicemail: Option<bool>,
}

impl CallFilter {
    pub(crate) fn from_query(c: &Ctx<'_>) -> Result<Self, ApiError> {
        let status = match c.q("status").filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(Status::parse(s).ok_or_else(|| {
                ApiError::invalid(
                    &["query", "status"],
                    "enum",
                    format!("Unknown status `{s}`; use registered, ongoing, retry, completed, failed, error or cancelled"),
                )
            })?),
        };
        let voicemail = match c.q("voicemail") {
            None | Some("") => None,
            Some(_) => Some(c.q_bool("voicemail", false)?),
        };
        Ok(Self {
            start: date_param(c, "start_date", false)?,
            end: date_param(c, "end_date", true)?,
            agent_ids: c
                .q_all("agent_id")
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            status,
            bulk_list_id: c
                .q("bulk_list_id")
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            voicemail,
        })
    }

    /// True when only the date bounds are set (they alone cut the history to a range).
    pub(crate) fn only_dates(&self) -> bool {
        self.agent_ids.is_empty()
            && self.status.is_none()
            && self.bulk_list_id.is_none()
            && self.voicemail.is_none()
    }

    pub(crate) fn matches(&self, call: &Call) -> bool {
        self.start.is_none_or(|s| call.created_at >= s)
            && self.end.is_none_or(|e| call.created_at <= e)
            && (self.agent_ids.is_empty() || self.agent_ids.contains(&call.agent_id))
            && self.status.is_none_or(|s| call.status == s)
            && self
                .bulk_list_id
                .as_ref()
                .is_none_or(|b| call.bulk_list_id.as_ref() == Some(b))
            && self.voicemail.is_none_or(|v| call.voicemail == v)
    }
}

/// A page of history, newest first (by `created_at`, then `seq`), at the cost of the page:
/// the order index cut to the date range and read backwards (a slice when no other condition
/// is set; otherwise checked lazily, matches counted for `total`, never collected or sorted).
pub(crate) fn history(c: &Ctx<'_>) -> Reply {
    let (limit, offset) = c.page()?;
    c.q_bool("download", false)?; // the old docs' flag: checked, no file is produced
    let filter = CallFilter::from_query(c)?;
    let mut st = c.sh.lock();
    let ws = st.ws_mut(&c.ws);
    let range = ws.history_range(filter.start, filter.end);
    let ws = &*ws;
    let in_range = &ws.history_order[range];
    let (mut rows, mut total) = (Vec::new(), in_range.len());
    if filter.only_dates() {
        let end = total.saturating_sub(offset);
        let page = in_range[end.saturating_sub(limit)..end].iter().rev();
        rows.extend(page.map(|&i| history_row(ws, &ws.calls[i])));
    } else {
        total = 0;
        let newest_first = in_range.iter().rev().map(|&i| &ws.calls[i]);
        for call in newest_first.filter(|call| filter.matches(call)) {
            if total >= offset && rows.len() < limit {
                rows.push(history_row(ws, call));
            }
            total += 1;
        }
    }
    Ok(json!({
        "calls": rows,
        "limit": limit,
        "offset": offset,
        "count": rows.len(),
        "total": total,
    }))
}

pub(crate) fn details(c: &Ctx<'_>) -> Reply {
    let Some(id) = c.q("id").filter(|s| !s.is_empty()) else {
        return Err(ApiError::invalid(
            &["query", "id"],
            "missing",
            "Field required: pass the call id as ?id=<call_id>",
        ));
    };
    let send_analysis = c.q_bool("send_analysis", false)?;
    let st = c.sh.lock();
    let ws = st.ws(&c.ws);
    let call = ws
        .call(id)
        .ok_or_else(|| ApiError::not_found(format!("Call {id} not found in this workspace")))?;
    let transcript = if c.sh.settings.details_transcript_as_array {
        transcript_value(call)
    } else {
        Value::String(serde_json::to_string(&call.transcript).unwrap_or_else(|_| "[]".into()))
    };
    let mut data = json!({
        "id": call.id,
        "call_direction": call.direction,
        "call_status": call.status.as_str(),
        "call_sub_status": call.sub_status,
        "from_number": call.caller(),
        "to_number": call.callee_number(),
        "callee_name": call.callee_name,
        "agent_id": call.agent_id,
        "initiation_time": iso(call.created_at),
        "call_attempt_time": call.attempt_time.map(iso),
        "next_attempt_time": call.next_attempt_time.map(|t| iso_in(t, call.timezone)),
        "scheduled_at": call.scheduled_at.map(|t| iso_in(t, call.timezone)),
        "inbound_from": call.inbound_from,
        "call_category": call.call_category,
        "parent_call_id": call.parent_call_id,
        "recording_url": call.recording_url,
        "transcription_url": transcript,
        "call_duration": round2(call.duration),
        "call_cost": call.cost,
        "retry_count": call.attempts.saturating_sub(1),
        "bulk_list_id": call.bulk_list_id,
        "custom_args_values": call.custom_args,
        "voicemail_detected": call.voicemail,
    });
    if send_analysis && let Value::Object(d) = &mut data {
        d.insert(
            "platform_analysis".into(),
            call.platform_analysis.clone().unwrap_or_else(|| json!({})),
        );
        d.insert(
            "client_analysis".into(),
            call.client_analysis.clone().unwrap_or_else(|| json!({})),
        );
    }
    Ok(json!({"status": "success", "data": data}))
}

pub(crate) fn download(c: &Ctx<'_>) -> Reply {
    c.page()?;
    let filter = CallFilter::from_query(c)?;
    c.q_bool("include_analysis", false)?;
    let st = c.sh.lock();
    let n = st
        .ws(&c.ws)
        .calls
        .iter()
        .filter(|call| filter.matches(call))
        .count();
    Ok(json!({
        "message": "Call history report (with the applied filters) is being sent to your email.",
        "total_calls": n,
    }))
}

pub(crate) fn delete_contact_list(c: &Ctx<'_>) -> Reply {
    let id = c.param("list_id").to_owned();
    let mut st = c.sh.lock();
    let ws = st.ws_mut(&c.ws);
    if ws.list(&id).is_none() {
        return Err(ApiError::not_found(format!("Contact list {id} not found")));
    }
    let active = ws.calls.iter().any(|call| {
        call.bulk_list_id.as_deref() == Some(id.as_str())
            && matches!(
                call.status,
                Status::Registered | Status::Ongoing | Status::Retry
            )
    });
    if active {
        return Err(ApiError::bad_request(
            "The contact list has queued or ongoing calls; terminate the campaign (PATCH /campaign/terminate) and wait for ongoing calls to end first",
        ));
    }
    ws.lists.retain(|l| l.id != id);
    Ok(json!({"message": "Contact list deleted successfully", "list_id": id}))
}

/// The call's variables: the given ones plus `callee_name` (first name only when the smart
/// formatter asks for it, the original kept as `original_callee_name`) and `mobile_number`.
/// Returns them and the callee name.
fn callee_args(
    custom: Map<String, Value>,
    name: &str,
    mobile: &str,
    smart: Option<&Map<String, Value>>,
) -> (Map<String, Value>, String) {
    let mut args = custom;
    let mut callee = args
        .get("callee_name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| name.to_owned());
    if let Some(sf) = smart {
        let extract = sf.get("extract_first_name").and_then(Value::as_bool) == Some(true)
            || sf.get("transliteration").and_then(Value::as_bool) == Some(true);
        if extract {
            args.insert("original_callee_name".into(), Value::from(callee.clone()));
            callee = first_name(&callee);
        }
    }
    args.insert("callee_name".into(), Value::from(callee.clone()));
    args.insert("mobile_number".into(), Value::from(mobile));
    (args, callee)
}
