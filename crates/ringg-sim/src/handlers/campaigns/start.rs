//! Starting campaigns (operations 20, 21, 25) and listing them (operation 26).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use tokio::sync::Semaphore;

use crate::engine;
use crate::error::ApiError;
use crate::handlers::calls::parse_callback_url;
use crate::handlers::ctx::{Ctx, Reply};
use crate::handlers::validate::V;
use crate::model::{
    CREDIT_LOCK_PER_CALL, Call, CallConfig, Callback, ContactList, ListStatus, Status, Workspace,
};
use crate::util::{deep_merge, dialing_prefix, iso, round2};

use crate::handlers::campaigns::lists::{
    check_window, large_list, list_not_found, parse_campaign_time, progress, rows_to_dial,
};
/// Where a campaign's calls come from: workspace numbers taken in turn, or the number pool,
/// which lends a number at each attempt.
enum Callers {
    Numbers(Vec<String>),
    Pool(String),
}

/// How to start a list.
struct Dial<'a> {
    list_id: &'a str,
    agent_id: &'a str,
    callers: Callers,
    callback: Option<Callback>,
    concurrency_pct: Option<f64>,
    call_config_override: Option<Value>,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
}

/// The call config of a campaign's calls: the agent's, then the list's, then the start
/// request's override, merged in that order.
fn campaign_config(
    agent: &Value,
    list: &Value,
    call_config_override: Option<Value>,
) -> Result<CallConfig, ApiError> {
    let mut cc = agent.clone();
    if !list.is_null() {
        deep_merge(&mut cc, list);
    }
    if let Some(o) = &call_config_override {
        deep_merge(&mut cc, o);
    }
    CallConfig::parse(&cc, &["body", "call_config"])
}

/// A string column of a contact row (empty when absent).
fn row_str(row: &Map<String, Value>, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

/// Creates and schedules a call for every row still to dial. Returns `has_ongoing_calls`.
fn dial_list(c: &Ctx<'_>, d: Dial<'_>) -> Result<bool, ApiError> {
    let Dial {
        list_id,
        agent_id,
        callers,
        callback,
        concurrency_pct,
        call_config_override,
        start: start_override,
        end: end_override,
    } = d;
    let mut spawn = Vec::new();
    let has_ongoing;
    {
        let mut st = c.sh.lock();
        let ws = st.ws(&c.ws);
        let l = ws.list(list_id).ok_or_else(|| list_not_found(list_id))?;
        let agent = ws
            .agent(agent_id)
            .ok_or_else(|| ApiError::not_found(format!("Agent {agent_id} not found")))?;
        if l.agent_id != agent_id {
            return Err(ApiError::bad_request(format!(
                "agent_id {agent_id} is not the assistant this list was uploaded for ({})",
                l.agent_id
            )));
        }
        if l.status.is_running() {
            return Err(ApiError::bad_request(
                "Campaign already started (it is scheduled or ongoing); terminate it first to start it again",
            ));
        }
        let rows = rows_to_dial(ws, l);
        if rows.is_empty() {
            return Err(ApiError::bad_request(
                "No contacts left to call in this campaign",
            ));
        }
        let required = rows.len() as f64 * CREDIT_LOCK_PER_CALL;
        let available = ws.available_credits();
        if available + 1e-9 < required {
            let missing = round2(required - available);
            let lm = st
                .ws_mut(&c.ws)
                .list_mut(list_id)
                .ok_or_else(|| list_not_found(list_id))?;
            lm.status = ListStatus::InsufficientBalance;
            return Err(ApiError::payment_required(format!(
                "Insufficient credits: the campaign needs {required} credits, {} are available; add {missing} credits",
                round2(available)
            )));
        }
        has_ongoing = ws.calls.iter().any(|c| c.status == Status::Ongoing);
        let cfg = campaign_config(&agent.call_config, &l.call_config, call_config_override)?;
        let agent_name = agent.display_name.clone();
        let version = agent.version_id.clone();
        let pct = concurrency_pct.unwrap_or(100.0);
        let limit = ((c.sh.settings.concurrency as f64) * pct / 100.0)
            .ceil()
            .max(1.0) as usize;
        let now = Utc::now();
        for (i, row) in rows.into_iter().enumerate() {
            let seq = st.next_call_seq;
            st.next_call_seq += 1;
            let id = st.new_id();
            let sid = st.new_id();
            let to = row_str(&row, "mobile_number");
            let callee = row_str(&row, "callee_name");
            let (from_number, pool_id) = match &callers {
                Callers::Numbers(n) => (n[i % n.len()].clone(), None),
                Callers::Pool(p) => (String::new(), Some(p.clone())),
            };
            let call = Call {
                agent_id: agent_id.to_owned(),
                version_id: version.clone(),
                agent_name: agent_name.clone(),
                to_number: to,
                from_number,
                pool_id,
                callee_name: callee,
                custom_args: row,
                bulk_list_id: Some(list_id.to_owned()),
                call_sid: sid,
                ..Call::registered(id.clone(), seq, &cfg, now)
            };
            let ws = st.ws_mut(&c.ws);
            ws.push_call(call);
            engine::try_lock_credit(ws, &id);
            spawn.push(id);
        }
        let ws = st.ws_mut(&c.ws);
        let lm = ws
            .list_mut(list_id)
            .ok_or_else(|| list_not_found(list_id))?;
        lm.status = ListStatus::Scheduled;
        lm.started_at = Some(now);
        lm.updated_at = now;
        if start_override.is_some() {
            lm.start_time = start_override;
        }
        if end_override.is_some() {
            lm.end_time = end_override;
        }
        lm.concurrency = Some(Arc::new(Semaphore::new(limit)));
        lm.callback = callback;
        for id in &spawn {
            engine::schedule_new(ws, id, now);
        }
        drop(st);
        for id in spawn {
            engine::spawn_call(c.sh, c.ws.clone(), id);
        }
    }
    Ok(has_ongoing)
}

/// Resolves `from_numbers` (number ids or E.164 numbers of the workspace).
fn resolve_from_numbers(ws: &Workspace, given: &[String]) -> Result<Vec<String>, ApiError> {
    if given.is_empty() {
        return Err(ApiError::invalid(
            &["body", "from_numbers"],
            "too_short",
            "from_numbers needs at least one number id or E.164 number",
        ));
    }
    given
        .iter()
        .map(|g| {
            ws.number_by_id_or_value(g)
                .map(|n| n.number.clone())
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "from_numbers: `{g}` is not a number (id or E.164) of this workspace; see GET /workspace/numbers"
                    ))
                })
        })
        .collect()
}

fn pool(ws: &Workspace, pool_id: &str) -> Result<Callers, ApiError> {
    if pool_id != ws.pool_id {
        return Err(ApiError::bad_request(format!(
            "number_pool_id {pool_id} is not a number pool of this workspace; the pool id is on the pool's numbers in GET /workspace/numbers"
        )));
    }
    Ok(Callers::Pool(pool_id.to_owned()))
}

fn check_users(ws: &Workspace, ids: &[String]) -> Result<(), ApiError> {
    match ids.iter().find(|id| !ws.users.iter().any(|u| u.id == **id)) {
        Some(bad) => Err(ApiError::bad_request(format!(
            "email_completion_user_ids: {bad} is not a user of this workspace; see GET /workspace/users"
        ))),
        None => Ok(()),
    }
}

pub(crate) fn start(c: &Ctx<'_>, v2: bool) -> Reply {
    let body = c.json()?;
    let mut v = V::new(&body);
    let agent_id = v.req_str("agent_id");
    let list_id = v.req_str("list_id");
    let (from, pool) = if v2 {
        (None, Some(v.req_str("number_pool_id")))
    } else {
        let f = v.opt_str_list("from_numbers");
        if f.is_none() && body.get("from_numbers").is_none() {
            v.missing("from_numbers");
        }
        (f, None)
    };
    let callback_url = if v2 { v.opt_str("callback_url") } else { None };
    let users = if v2 {
        v.opt_str_list("email_completion_user_ids")
    } else {
        None
    };
    v.finish()?;
    let callback = parse_callback_url(callback_url)?;
    let callers = {
        let st = c.sh.lock();
        let ws = st.ws(&c.ws);
        if ws.list(&list_id).is_none() {
            return Err(list_not_found(&list_id));
        }
        check_users(ws, users.as_deref().unwrap_or_default())?;
        match (&from, &pool) {
            (Some(f), _) => Callers::Numbers(resolve_from_numbers(ws, f)?),
            (_, Some(p)) => self::pool(ws, p)?,
            _ => unreachable!("one caller source is always read"),
        }
    };
    let has_ongoing = dial_list(
        c,
        Dial {
            list_id: &list_id,
            agent_id: &agent_id,
            callers,
            callback,
            concurrency_pct: None,
            call_config_override: None,
            start: None,
            end: None,
        },
    )?;
    Ok(json!({"status": "campaign registered successfully!", "has_ongoing_calls": has_ongoing}))
}

pub(crate) fn start_large(c: &Ctx<'_>) -> Reply {
    let body = c.json()?;
    let mut v = V::new(&body);
    let list_id = v.req_str("bulk_list_id");
    let agent_id = v.req_str("agent_id");
    let from = v.opt_str_list("from_numbers");
    let pool = v.opt_str("number_pool_id");
    let country = v.opt_str("country_code");
    let start_raw = v.opt_str("campaign_start_time");
    let end_raw = v.opt_str("campaign_end_time");
    let cc = v.opt_obj("call_config");
    let pct = v.opt_f64("concurrency_percentage");
    let callback_url = v.opt_str("callback_url");
    let users = v.opt_str_list("email_completion_user_ids");
    v.finish()?;
    if from.is_some() == pool.is_some() {
        return Err(ApiError::invalid(
            &["body"],
            "value_error",
            "Provide exactly one of from_numbers or number_pool_id",
        ));
    }
    if let Some(p) = pct
        && !(p > 0.0 && p <= 100.0)
    {
        return Err(ApiError::invalid(
            &["body", "concurrency_percentage"],
            "less_than_equal",
            "concurrency_percentage should be greater than 0 and at most 100",
        ));
    }
    if let Some(cc) = &country
        && dialing_prefix(cc).is_none()
    {
        return Err(ApiError::bad_request(format!(
            "country_code `{cc}` is not a dialing prefix (+91) or a known ISO code (IN)"
        )));
    }
    let cc_value = cc.map(Value::Object);
    let cfg = CallConfig::parse(
        cc_value.as_ref().unwrap_or(&Value::Null),
        &["body", "call_config"],
    )?;
    let start = start_raw
        .as_deref()
        .map(|s| parse_campaign_time("campaign_start_time", s, cfg.timezone))
        .transpose()?;
    let end = end_raw
        .as_deref()
        .map(|s| parse_campaign_time("campaign_end_time", s, cfg.timezone))
        .transpose()?;
    check_window(start, end)?;
    let callback = parse_callback_url(callback_url)?;
    let callers = {
        let st = c.sh.lock();
        let ws = st.ws(&c.ws);
        let l = large_list(ws, &list_id)?;
        let p = progress(c, l, l.remove_invalid_rows);
        if p.status != "completed" {
            return Err(ApiError::bad_request(format!(
                "The upload is {}; poll GET /campaign/upload-status/{list_id} until it is completed, then check the balance",
                p.status
            )));
        }
        check_users(ws, users.as_deref().unwrap_or_default())?;
        match (&from, &pool) {
            (Some(f), _) => Callers::Numbers(resolve_from_numbers(ws, f)?),
            (_, Some(p)) => self::pool(ws, p)?,
            _ => unreachable!("checked above"),
        }
    };
    dial_list(
        c,
        Dial {
            list_id: &list_id,
            agent_id: &agent_id,
            callers,
            callback,
            concurrency_pct: pct,
            call_config_override: cc_value,
            start,
            end,
        },
    )?;
    Ok(
        json!({"message": "Campaign calls scheduled", "bulk_list_id": list_id, "status": "scheduled"}),
    )
}

pub(crate) fn list(c: &Ctx<'_>) -> Reply {
    let (limit, offset) = c.page()?;
    let with_counts = c.q_bool("call_count", true)?;
    let search = c
        .q("search")
        .map(str::to_lowercase)
        .filter(|s| !s.is_empty());
    let st = c.sh.lock();
    let ws = st.ws(&c.ws);
    let matching: Vec<&ContactList> = ws
        .lists
        .iter()
        .rev()
        .filter(|l| {
            search
                .as_ref()
                .is_none_or(|s| l.name.to_lowercase().contains(s))
        })
        .collect();
    let rows: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|l| {
            let mut row = json!({
                "id": l.id,
                "name": l.name,
                "campaign_status": l.status.as_str(),
                "campaign_start_time": l.start_time.map(iso),
                "campaign_end_time": l.end_time.map(iso),
                "created_at": iso(l.created_at),
                "updated_at": iso(l.updated_at),
                "agent_id": l.agent_id,
                "total_contacts": l.rows.len(),
                "invalidated_rows_count": l.invalid_lines.len(),
                "invalidated_rows_csv_url": (!l.invalid_lines.is_empty()).then(|| format!("https://storage.ringg.ai/invalid-rows/{}.csv", l.id)),
                "csv_file_name": l.csv_file_name,
            });
            if let Value::Object(m) = &mut row {
                if with_counts {
                    let calls: Vec<_> = ws.calls.iter().filter(|call| call.bulk_list_id.as_deref() == Some(l.id.as_str())).collect();
                    m.insert("total_count".into(), json!(l.rows.len()));
                    m.insert("total_calls".into(), json!(calls.len()));
                    m.insert("completed_count".into(), json!(calls.iter().filter(|c| c.status == Status::Completed).count()));
                    m.insert("registered_count".into(), json!(calls.iter().filter(|c| matches!(c.status, Status::Registered | Status::Retry)).count()));
                }
                if l.status == ListStatus::InsufficientBalance {
                    let need = rows_to_dial(ws, l).len() as f64 * CREDIT_LOCK_PER_CALL;
                    m.insert("additional_balance_required".into(), json!(round2((need - ws.available_credits()).max(0.0))));
                }
            }
            row
        })
        .collect();
    Ok(json!({
        "campaigns": rows,
        "pagination": {"limit": limit, "offset": offset, "total": matching.len()},
    }))
}
