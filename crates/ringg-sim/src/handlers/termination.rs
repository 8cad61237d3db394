//! Termination: operations 27–31. The four older paths are aliases of the generic one that
//! require their mode's fields.

use serde_json::json;

use crate::engine::{call_status_changed, campaign_completed, finish_call};
use crate::error::ApiError;
use crate::handlers::ctx::{Ctx, Reply};
use crate::handlers::validate::V;
use crate::model::{ListStatus, Status};
use crate::util::is_e164;

const MAX_ITEMS: usize = 100;

enum Mode {
    Agent(String),
    Calls(Vec<String>),
    Campaign(String),
    CampaignNumbers(String, Vec<String>),
    Numbers(Vec<String>),
}

fn check_list(name: &str, items: &[String]) -> Result<(), ApiError> {
    if items.is_empty() {
        return Err(ApiError::bad_request(format!("{name} must not be empty")));
    }
    if items.len() > MAX_ITEMS {
        return Err(ApiError::bad_request(format!(
            "{name} holds {} items; at most {MAX_ITEMS} per request, split the list",
            items.len()
        )));
    }
    Ok(())
}

pub(crate) fn terminate(c: &Ctx<'_>) -> Reply {
    let body = c.json()?;
    let mut v = V::new(&body);
    let agent_id = v.opt_str("agent_id");
    let call_ids = v.opt_str_list("call_ids");
    let campaign_id = v.opt_str("campaign_id");
    let numbers = v.opt_str_list("mobile_numbers");
    let need: &[&str] = match c.op {
        "terminateByAgent" => &["agent_id"],
        "terminateByCallIds" => &["call_ids"],
        "terminateByCampaignNumbers" => &["campaign_id", "mobile_numbers"],
        "terminateByNumbers" => &["mobile_numbers"],
        _ => &[],
    };
    for f in need {
        if body.get(*f).is_none_or(serde_json::Value::is_null) {
            v.missing(f);
        }
    }
    v.finish()?;
    let mode = match (agent_id, call_ids, campaign_id, numbers) {
        (Some(a), None, None, None) => Mode::Agent(a),
        (None, Some(ids), None, None) => Mode::Calls(ids),
        (None, None, Some(cid), None) => Mode::Campaign(cid),
        (None, None, Some(cid), Some(n)) => Mode::CampaignNumbers(cid, n),
        (None, None, None, Some(n)) => Mode::Numbers(n),
        (None, None, None, None) => {
            return Err(ApiError::bad_request(
                "Choose one termination mode: agent_id, call_ids, campaign_id, campaign_id + mobile_numbers, or mobile_numbers",
            ));
        }
        _ => {
            return Err(ApiError::bad_request(
                "These fields cannot be combined; send exactly one mode: agent_id, call_ids, campaign_id, campaign_id + mobile_numbers, or mobile_numbers",
            ));
        }
    };
    let all_flag = c.q_bool("terminate_all_calls", false)?;
    if all_flag && !matches!(mode, Mode::Numbers(_)) {
        return Err(ApiError::bad_request(
            "terminate_all_calls=true can only be combined with mobile_numbers (without campaign_id)",
        ));
    }
    match &mode {
        Mode::Calls(ids) => check_list("call_ids", ids)?,
        Mode::CampaignNumbers(_, n) | Mode::Numbers(n) => {
            check_list("mobile_numbers", n)?;
            if let Some(bad) = n.iter().find(|x| !is_e164(x)) {
                return Err(ApiError::bad_request(format!(
                    "mobile_numbers: `{bad}` is not E.164 (e.g. +918882876897)"
                )));
            }
        }
        Mode::Agent(_) | Mode::Campaign(_) => {}
    }
    let mut st = c.sh.lock();
    let ws = st.ws_mut(&c.ws);
    if let Mode::Campaign(id) | Mode::CampaignNumbers(id, _) = &mode
        && ws.list(id).is_none()
    {
        return Err(ApiError::not_found(format!("Campaign {id} not found")));
    }
    let mut cancelled = Vec::new();
    for call in ws.calls.iter_mut() {
        if !call.status.is_terminable() {
            continue;
        }
        let hit = match &mode {
            Mode::Agent(a) => call.agent_id == *a,
            Mode::Calls(ids) => ids.contains(&call.id),
            Mode::Campaign(cid) => call.bulk_list_id.as_deref() == Some(cid.as_str()),
            Mode::CampaignNumbers(cid, n) => {
                call.bulk_list_id.as_deref() == Some(cid.as_str()) && n.contains(&call.to_number)
            }
            Mode::Numbers(n) => n.contains(&call.to_number),
        };
        if hit {
            call.status = Status::Cancelled;
            call.sub_status = None;
            call.next_attempt_time = None;
            cancelled.push(call.id.clone());
        }
    }
    if cancelled.is_empty() {
        return Err(ApiError::bad_request(
            "No terminable calls found for the specified parameters",
        ));
    }
    // A whole campaign ends `terminated`, not `completed`: mark it before its calls finish.
    if let Mode::Campaign(cid) = &mode
        && let Some(list) = ws.list_mut(cid)
    {
        list.status = ListStatus::Terminated;
        list.updated_at = chrono::Utc::now();
    }
    let completed: Vec<(String, String)> = cancelled
        .iter()
        .filter_map(|id| finish_call(ws, id).map(|list| (list, id.clone())))
        .collect();
    drop(st);
    for id in &cancelled {
        call_status_changed(c.sh, &c.ws, id);
    }
    for (list, id) in &completed {
        campaign_completed(c.sh, &c.ws, list, id);
    }
    Ok(json!({"message": "Calls terminated successfully!", "terminated_count": cancelled.len()}))
}
