//! Workspace and numbers: operations 1–5.

use serde_json::{Value, json};

use crate::handlers::ctx::{Ctx, Reply};
use crate::util::iso;

pub(crate) fn get(c: &Ctx<'_>) -> Reply {
    let st = c.sh.lock();
    let ws = st.ws(&c.ws);
    Ok(json!({
        "workspace_info": {
            "id": ws.id,
            "name": ws.name,
            "created_at": iso(ws.created_at),
            "credits": crate::util::round2(ws.credits),
            "locked_credits": crate::util::round2(ws.locked_credits),
            "api_key": ws.api_key,
        }
    }))
}

pub(crate) fn list_all(c: &Ctx<'_>) -> Reply {
    let st = c.sh.lock();
    let ws = st.ws(&c.ws);
    Ok(json!({
        "workspaces": [{
            "id": ws.id,
            "name": ws.name,
            "created_at": iso(ws.created_at),
            "role": "owner",
            "credits": crate::util::round2(ws.credits),
            "locked_credits": crate::util::round2(ws.locked_credits),
        }]
    }))
}

pub(crate) fn users(c: &Ctx<'_>) -> Reply {
    let (limit, offset) = c.page()?;
    let st = c.sh.lock();
    let users: Vec<Value> = st
        .ws(&c.ws)
        .users
        .iter()
        .skip(offset)
        .take(limit)
        .map(|u| {
            json!({
                "id": u.id, "username": u.username, "email": u.email,
                "role": u.role, "invite_status": "success"
            })
        })
        .collect();
    Ok(json!({ "workspace_users": users }))
}

pub(crate) fn regenerate_key(c: &Ctx<'_>) -> Reply {
    let mut st = c.sh.lock();
    let new_key = st.new_id();
    let old = std::mem::replace(&mut st.ws_mut(&c.ws).api_key, new_key.clone());
    st.keys.remove(&old);
    st.keys.insert(new_key.clone(), c.ws.clone());
    Ok(json!({ "new_api_key": new_key }))
}

pub(crate) fn numbers(c: &Ctx<'_>) -> Reply {
    let (limit, offset) = c.page()?;
    let st = c.sh.lock();
    let ws = st.ws(&c.ws);
    let rows: Vec<Value> = ws
        .numbers
        .iter()
        .skip(offset)
        .take(limit)
        .map(|n| {
            let agent = n
                .agent_id
                .as_deref()
                .and_then(|id| ws.agent(id))
                .map(|a| json!({ "id": a.id, "agent_display_name": a.display_name }));
            json!({
                "id": n.id,
                "number": n.number,
                "created_at": iso(n.created_at),
                "call_count": n.call_count,
                "agent": agent,
                "is_inbound_enabled": n.is_inbound_enabled,
                "is_test_number": false,
                "tags": [],
                "is_spam": false,
                "spam_message": null,
                "provider": n.provider,
                "display_name": n.display_name,
                "owner": ws.users.first().map(|u| u.email.clone()),
                "is_custom_number": false,
                "telephony_id": n.telephony_id,
                // Only the numbers the pool lends carry its id.
                "number_pool_id": ws.pool_numbers().iter().any(|m| m.id == n.id).then_some(&ws.pool_id),
            })
        })
        .collect();
    Ok(json!({ "workspace_numbers": rows }))
}
