//! Campaign uploads: operations 19 (save), 22–24 (large upload, its status, the balance
//! check).

use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::csvload::{self, Contacts};
use crate::error::{ApiError, Issue};
use crate::handlers::ctx::{Ctx, Reply};
use crate::model::{CREDIT_LOCK_PER_CALL, CallConfig, ContactList, ListKind, ListStatus};
use crate::util::{dialing_prefix, round2};

use crate::handlers::campaigns::lists::{
    check_window, large_list, list_not_found, parse_campaign_time, progress, rows_to_dial,
};
/// What both upload endpoints read from the form.
struct Upload {
    agent_id: String,
    name: String,
    file_name: String,
    contacts: Contacts,
    remove_invalid: bool,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    call_config: Value,
}

fn read_upload(c: &Ctx<'_>, large: bool) -> Result<Upload, ApiError> {
    let form = c.form();
    let mut issues: Vec<Issue> = Vec::new();
    let files = form.files("file")?;
    if files.is_empty() {
        issues.push(Issue::new(
            &["body", "file"],
            "missing",
            "Field required: attach the CSV as `file`",
        ));
    }
    let agent_id = form.required("agent_id", &mut issues);
    let name = form.required("campaign_name", &mut issues);
    let vars_raw = form.required("variables_map", &mut issues);
    let country = form.required("country_code", &mut issues);
    let cc_raw = if large {
        form.text("call_config")
    } else {
        Some(form.required("call_config", &mut issues))
    };
    let start_raw = if large {
        form.text("campaign_start_time")
    } else {
        Some(form.required("campaign_start_time", &mut issues))
    };
    let end_raw = if large {
        form.text("campaign_end_time")
    } else {
        Some(form.required("campaign_end_time", &mut issues))
    };
    let remove_invalid = form.bool_field("remove_invalid_rows", false, &mut issues);
    form.bool_field("transliterate_callee_name", false, &mut issues);
    if !issues.is_empty() {
        return Err(ApiError::validation(issues));
    }
    let file = files[0];
    let file_name = file.filename.clone().unwrap_or_default();
    if !file_name.to_ascii_lowercase().ends_with(".csv") {
        return Err(ApiError::bad_request(format!(
            "Only CSV files are accepted; `{file_name}` does not end in .csv"
        )));
    }
    let prefix = dialing_prefix(&country).ok_or_else(|| {
        ApiError::bad_request(format!(
            "country_code `{country}` is not a dialing prefix (+91) or a known ISO code (IN)"
        ))
    })?;
    let call_config: Value = match cc_raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Value::Null,
        Some(s) => serde_json::from_str(s).map_err(|e| {
            ApiError::bad_request(format!("call_config must be a JSON object string: {e}"))
        })?,
    };
    let cfg = CallConfig::parse(&call_config, &["body", "call_config"])?;
    let vars = csvload::parse_variables_map(&vars_raw)?;
    let contacts = csvload::parse_contacts(&file.data, &vars, Some(&prefix))?;
    let start = match start_raw.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(parse_campaign_time("campaign_start_time", s, cfg.timezone)?),
        None => None,
    };
    let end = match end_raw.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(parse_campaign_time("campaign_end_time", s, cfg.timezone)?),
        None => None,
    };
    check_window(start, end)?;
    Ok(Upload {
        agent_id,
        name,
        file_name,
        contacts,
        remove_invalid,
        start,
        end,
        call_config,
    })
}

fn new_list(c: &Ctx<'_>, u: Upload, kind: ListKind) -> Result<(String, ContactList), ApiError> {
    let mut st = c.sh.lock();
    let ws = st.ws(&c.ws);
    let agent = ws
        .agent(&u.agent_id)
        .ok_or_else(|| ApiError::not_found(format!("Agent {} not found", u.agent_id)))?;
    if !agent.is_outbound() {
        return Err(ApiError::bad_request(format!(
            "Agent {} is inbound-only; campaigns need an outbound assistant",
            u.agent_id
        )));
    }
    let id = st.new_id();
    let now = Utc::now();
    Ok((
        id.clone(),
        ContactList {
            id,
            name: u.name,
            agent_id: u.agent_id,
            kind,
            created_at: now,
            updated_at: now,
            start_time: u.start,
            end_time: u.end,
            call_config: u.call_config,
            rows: u.contacts.rows,
            total_rows: u.contacts.total_rows,
            invalid_lines: u.contacts.invalid_lines,
            csv_file_name: u.file_name,
            remove_invalid_rows: u.remove_invalid,
            status: ListStatus::Draft,
            uploaded_at: Instant::now(),
            started_at: None,
            concurrency: None,
            callback: None,
        },
    ))
}

pub(crate) fn save(c: &Ctx<'_>) -> Reply {
    let u = read_upload(c, false)?;
    if !u.remove_invalid && !u.contacts.invalid_lines.is_empty() {
        let lines = u
            .contacts
            .invalid_lines
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ApiError::bad_request(format!(
            "Invalid phone numbers on CSV line(s) {lines}; fix them or send remove_invalid_rows=true to skip them"
        )));
    }
    let (id, list) = new_list(c, u, ListKind::Standard)?;
    let reply = json!({
        "message": "Contacts imported successfully!",
        "list_id": id,
        "custom_args_values": list.rows,
        "total_rows": list.total_rows,
        "successful_rows": list.rows.len(),
        "failed_rows": list.invalid_lines.len(),
    });
    c.sh.lock().ws_mut(&c.ws).lists.push(list);
    Ok(reply)
}

pub(crate) fn upload_large(c: &Ctx<'_>) -> Reply {
    let u = read_upload(c, true)?;
    let (id, list) = new_list(c, u, ListKind::Large)?;
    let reply = json!({
        "bulk_list_id": id,
        "status": "verifying",
        "campaign_name": list.name,
        "total_callees": 0,
        "invalidated_rows_count": 0,
        "invalidated_rows_csv_url": null,
    });
    let mut st = c.sh.lock();
    st.ws_mut(&c.ws).lists.push(list);
    Ok(reply)
}

pub(crate) fn upload_status(c: &Ctx<'_>) -> Reply {
    let id = c.param("bulk_list_id");
    let st = c.sh.lock();
    let l = large_list(st.ws(&c.ws), id)?;
    let p = progress(c, l, l.remove_invalid_rows);
    let verified = p.status != "verifying";
    let invalid = if verified { l.invalid_lines.len() } else { 0 };
    let done = matches!(p.status, "completed" | "failed");
    let ok_rows = if done {
        l.rows.len()
    } else {
        l.rows.len().min(p.processed)
    };
    Ok(json!({
        "bulk_list_id": l.id,
        "campaign_id": l.id,
        "status": p.status,
        "campaign_name": l.name,
        "total_callees": if verified { l.rows.len() } else { 0 },
        "invalidated_rows_count": invalid,
        "invalidated_rows_csv_url": (done && invalid > 0).then(|| format!("https://storage.ringg.ai/invalid-rows/{}.csv", l.id)),
        "invalid_lines": if done { json!(l.invalid_lines) } else { json!([]) },
        "total_rows": l.total_rows,
        "processed_rows": p.processed,
        "successful_rows": ok_rows,
        "failed_rows": if done { invalid } else { 0 },
        "campaign_status": l.status.as_str(),
    }))
}

pub(crate) fn check_balance(c: &Ctx<'_>) -> Reply {
    let id = c.param("bulk_list_id").to_owned();
    let mut st = c.sh.lock();
    let ws = st.ws_mut(&c.ws);
    let l = large_list(ws, &id)?;
    let p = progress(c, l, l.remove_invalid_rows);
    if p.status != "completed" {
        return Err(ApiError::bad_request(format!(
            "The upload is {}; poll GET /campaign/upload-status/{id} until it is completed",
            p.status
        )));
    }
    let required = rows_to_dial(ws, l).len() as f64 * CREDIT_LOCK_PER_CALL;
    let available = round2(ws.available_credits());
    let sufficient = available + 1e-9 >= required;
    let lm = ws.list_mut(&id).ok_or_else(|| list_not_found(&id))?;
    if matches!(
        lm.status,
        ListStatus::Draft | ListStatus::InsufficientBalance
    ) {
        lm.status = if sufficient {
            ListStatus::Draft
        } else {
            ListStatus::InsufficientBalance
        };
    }
    Ok(json!({
        "status": lm.status.as_str(),
        "bulk_list_id": id,
        "message": if sufficient {
            "Sufficient balance to start the campaign".to_owned()
        } else {
            format!("Insufficient balance: add {} credits to start the campaign", round2(required - available))
        },
        "required_credits": required,
        "available_credits": available,
        "sufficient_balance": sufficient,
        "additional_balance_required": if sufficient { 0.0 } else { round2(required - available) },
    }))
}
