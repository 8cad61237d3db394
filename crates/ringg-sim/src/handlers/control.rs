//! The simulator's control API under `/_sim/`: what the real platform does without a REST
//! call (a person calls an inbound number, a visitor starts a web call, a pool runs out of
//! numbers), so tests can make it happen. Not part of Ringg's API; authenticated with the
//! workspace key like the rest. The same functions back the in-process handle.
//!
//! | route | does |
//! |---|---|
//! | `POST /_sim/inbound-calls` | `{to_number \| number_id, from_number, name?, custom_args_values?, outcome?}`: a call to an inbound number attached to an assistant |
//! | `POST /_sim/web-calls` | `{agent_id, name?, custom_args_values?, outcome?}`: a web call to an assistant |
//! | `GET`/`PUT /_sim/number-pools/{pool_id}` | `{number_ids?, calls_per_number?}`: which numbers the pool lends and how many calls each carries |
//! | `POST /_sim/outcomes` | `{to_number, outcomes: [...]}`: the outcomes of the next attempts to a number |

use std::sync::Arc;

use chrono::Utc;
use http::{HeaderMap, Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::core::Shared;
use crate::engine;
use crate::error::ApiError;
use crate::handlers::auth::authenticate;
use crate::handlers::validate::V;
use crate::model::{Call, CallConfig, CallOutcome, Workspace};
use crate::util::{is_e164, naive};

/// The control API's path prefix.
pub(crate) const CONTROL_PREFIX: &str = "/_sim";

/// Who calls, and how the call goes (shared by inbound and web calls).
#[derive(Debug, Clone, Default)]
pub(crate) struct Caller {
    pub(crate) name: Option<String>,
    pub(crate) custom_args: Map<String, Value>,
    pub(crate) outcome: Option<CallOutcome>,
}

/// Answers one control request: authenticates, routes by method and path (`rest` follows
/// [`CONTROL_PREFIX`]) and reads the JSON body.
pub(crate) fn handle(
    sh: &Arc<Shared>,
    method: &Method,
    rest: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, ApiError> {
    let ws = authenticate(sh, headers)?;
    let segments: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let allowed: &[&str] = match segments.as_slice() {
        ["inbound-calls"] | ["web-calls"] | ["outcomes"] => &["POST"],
        ["number-pools", _] => &["GET", "PUT"],
        _ => {
            return Err(ApiError::not_found(format!(
                "Not Found: the control API has POST {CONTROL_PREFIX}/inbound-calls, POST {CONTROL_PREFIX}/web-calls, GET/PUT {CONTROL_PREFIX}/number-pools/{{pool_id}} and POST {CONTROL_PREFIX}/outcomes"
            )));
        }
    };
    if !allowed.contains(&method.as_str()) {
        let mut e = ApiError::detail(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "Method Not Allowed: {method} {CONTROL_PREFIX}{rest}; allowed: {}",
                allowed.join(", ")
            ),
        );
        if let Ok(v) = http::HeaderValue::from_str(&allowed.join(", ")) {
            e.headers.push((http::header::ALLOW, v));
        }
        return Err(e);
    }
    if *method == Method::GET {
        return pool_state(sh, &ws, segments[1]);
    }
    let body = json_body(body)?;
    match segments.as_slice() {
        ["inbound-calls"] => {
            let mut v = V::new(&body);
            let to = v.opt_str("to_number");
            let number_id = v.opt_str("number_id");
            let from = v.req_str("from_number");
            let caller = caller(&mut v);
            v.finish()?;
            let caller = caller?;
            let number = match (to, number_id) {
                (Some(n), None) => n,
                (None, Some(id)) => number_value(sh, &ws, &id)?,
                _ => {
                    return Err(ApiError::invalid(
                        &["body"],
                        "value_error",
                        "Provide exactly one of to_number (the Ringg number called) or number_id",
                    ));
                }
            };
            place_inbound(sh, &ws, &number, &from, caller)
        }
        ["web-calls"] => {
            let mut v = V::new(&body);
            let agent_id = v.req_str("agent_id");
            let caller = caller(&mut v);
            v.finish()?;
            place_web_call(sh, &ws, &agent_id, caller?)
        }
        ["outcomes"] => {
            let mut v = V::new(&body);
            let to = v.req_str("to_number");
            let names = v.opt_str_list("outcomes");
            if names.is_none() {
                v.missing("outcomes");
            }
            v.finish()?;
            let outcomes = names
                .unwrap_or_default()
                .iter()
                .map(|n| outcome(n))
                .collect::<Result<Vec<_>, _>>()?;
            let n = outcomes.len();
            sh.lock()
                .scripts
                .entry(to.clone())
                .or_default()
                .extend(outcomes);
            Ok(json!({"to_number": to, "scripted": n}))
        }
        _ => {
            let mut v = V::new(&body);
            let ids = v.opt_str_list("number_ids");
            let per = v.opt_f64("calls_per_number");
            v.finish()?;
            let per = match per {
                None => None,
                Some(p) if p >= 1.0 && p.fract() == 0.0 => Some(p as usize),
                Some(_) => {
                    return Err(ApiError::invalid(
                        &["body", "calls_per_number"],
                        "greater_than_equal",
                        "calls_per_number should be a whole number of at least 1, or null for no limit",
                    ));
                }
            };
            set_pool(sh, &ws, segments[1], ids, per)?;
            pool_state(sh, &ws, segments[1])
        }
    }
}

fn json_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::invalid(
            &["body"],
            "model_attributes_type",
            "Input should be a JSON object",
        )),
        Err(e) => Err(ApiError::invalid(
            &["body"],
            "json_invalid",
            format!("JSON decode error: {e}"),
        )),
    }
}

fn outcome(name: &str) -> Result<CallOutcome, ApiError> {
    CallOutcome::from_name(name).ok_or_else(|| {
        ApiError::invalid(
            &["body", "outcome"],
            "enum",
            format!(
                "Unknown outcome `{name}`; use answered, voicemail, busy, not_picked, failed, error or forwarded"
            ),
        )
    })
}

fn caller(v: &mut V<'_>) -> Result<Caller, ApiError> {
    let name = v.opt_str("name");
    let custom_args = v.opt_obj("custom_args_values").unwrap_or_default();
    let outcome = v.opt_str("outcome").map(|o| outcome(&o)).transpose()?;
    Ok(Caller {
        name,
        custom_args,
        outcome,
    })
}

fn number_value(sh: &Shared, ws: &str, id: &str) -> Result<String, ApiError> {
    let st = sh.lock();
    st.ws(ws)
        .numbers
        .iter()
        .find(|n| n.id == id)
        .map(|n| n.number.clone())
        .ok_or_else(|| number_not_found(id))
}

fn number_not_found(n: &str) -> ApiError {
    ApiError::not_found(format!(
        "Number {n} is not a number of this workspace; list them with GET /workspace/numbers"
    ))
}

/// A call placed from outside: registered now, dialled by its lifecycle task; returns the
/// answer of the control route.
fn place(
    sh: &Arc<Shared>,
    ws_id: &str,
    make: impl FnOnce(&mut Workspace, Call) -> Result<Call, ApiError>,
) -> Result<Value, ApiError> {
    let mut st = sh.lock();
    let seq = st.next_call_seq;
    let id = st.new_id();
    let sid = st.new_id();
    let now = Utc::now();
    let ws = st.ws_mut(ws_id);
    let call = make(
        ws,
        Call {
            call_sid: sid,
            ..Call::registered(id.clone(), seq, &CallConfig::default(), now)
        },
    )?;
    let answer = json!({
        "status": "success",
        "data": {
            "call_id": id,
            "call_direction": call.direction,
            "call_status": call.status.as_str(),
            "initiated_at": naive(now),
            "agent_id": call.agent_id,
            "to_number": call.callee_number(),
            "from_number": call.caller(),
            "custom_args_values": call.custom_args,
        },
        "message": "Call placed by the simulator's control API",
    });
    ws.push_call(call);
    st.next_call_seq += 1;
    drop(st);
    engine::spawn_call(sh, ws_id.to_owned(), id);
    Ok(answer)
}

fn fill(call: &mut Call, agent: &crate::model::Agent, caller: Caller, default_name: &str) {
    let name = caller.name.unwrap_or_else(|| default_name.to_owned());
    call.agent_id = agent.id.clone();
    call.version_id = agent.version_id.clone();
    call.agent_name = agent.display_name.clone();
    call.custom_args = caller.custom_args;
    call.custom_args
        .entry("callee_name")
        .or_insert_with(|| Value::from(name.clone()));
    call.callee_name = name;
    call.forced_outcome = Some(caller.outcome.unwrap_or(CallOutcome::Answered));
}

/// A person at `from` calls the workspace number `to`; the assistant attached to it answers.
pub(crate) fn place_inbound(
    sh: &Arc<Shared>,
    ws_id: &str,
    to: &str,
    from: &str,
    caller: Caller,
) -> Result<Value, ApiError> {
    if !is_e164(from) {
        return Err(ApiError::bad_request(format!(
            "Invalid from_number `{from}`: the caller's number in E.164, e.g. +919876543210"
        )));
    }
    place(sh, ws_id, |ws, mut call| {
        let number = ws
            .numbers
            .iter()
            .find(|n| n.number == to)
            .ok_or_else(|| number_not_found(to))?;
        let agent = number
            .agent_id
            .as_deref()
            .and_then(|a| ws.agent(a))
            .filter(|a| a.accepts_inbound())
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Number {to} has no inbound assistant; attach one with PATCH /agent/v1 (attach_inbound_number)"
                ))
            })?;
        fill(&mut call, agent, caller, "Caller");
        call.direction = "inbound";
        call.to_number = to.to_owned();
        call.from_number = from.to_owned();
        call.inbound_from = Some(from.to_owned());
        call.custom_args
            .insert("mobile_number".into(), Value::from(from));
        Ok(call)
    })
}

/// A visitor starts a web call with assistant `agent_id` (as the widget does).
pub(crate) fn place_web_call(
    sh: &Arc<Shared>,
    ws_id: &str,
    agent_id: &str,
    caller: Caller,
) -> Result<Value, ApiError> {
    place(sh, ws_id, |ws, mut call| {
        let agent = ws.agent(agent_id).ok_or_else(|| {
            ApiError::not_found(format!(
                "Agent {agent_id} not found; list assistants with GET /agent/all"
            ))
        })?;
        fill(&mut call, agent, caller, "Web visitor");
        call.direction = "webcall";
        Ok(call)
    })
}

/// Sets which numbers pool `pool_id` lends (`None`: all of the workspace's) and how many
/// calls each carries (`None`: no limit); waiting calls are woken.
pub(crate) fn set_pool(
    sh: &Shared,
    ws_id: &str,
    pool_id: &str,
    number_ids: Option<Vec<String>>,
    calls_per_number: Option<usize>,
) -> Result<(), ApiError> {
    {
        let mut st = sh.lock();
        let ws = st.ws_mut(ws_id);
        if ws.pool_id != pool_id {
            return Err(pool_not_found(pool_id));
        }
        if let Some(bad) = number_ids
            .iter()
            .flatten()
            .find(|id| !ws.numbers.iter().any(|n| n.id == **id))
        {
            return Err(number_not_found(bad));
        }
        ws.pool.members = number_ids;
        ws.pool.calls_per_number = calls_per_number;
    }
    sh.lines_freed.notify_waiters();
    Ok(())
}

fn pool_not_found(pool_id: &str) -> ApiError {
    ApiError::not_found(format!(
        "Number pool {pool_id} not found in this workspace; its id is on the pool's numbers in GET /workspace/numbers (GET /_sim/number-pools/{{pool_id}} shows a pool)"
    ))
}

/// `{pool_id, number_ids, calls_per_number, free_number_ids}`.
pub(crate) fn pool_state(sh: &Shared, ws_id: &str, pool_id: &str) -> Result<Value, ApiError> {
    let st = sh.lock();
    let ws = st.ws(ws_id);
    if ws.pool_id != pool_id {
        return Err(pool_not_found(pool_id));
    }
    let members = ws.pool_numbers();
    let free: Vec<&str> = members
        .iter()
        .filter(|n| ws.has_free_line(n))
        .map(|n| n.id.as_str())
        .collect();
    let members: Vec<&str> = members.iter().map(|n| n.id.as_str()).collect();
    Ok(json!({
        "pool_id": pool_id,
        "number_ids": members,
        "calls_per_number": ws.pool.calls_per_number,
        "free_number_ids": free,
    }))
}
