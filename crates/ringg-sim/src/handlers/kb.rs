//! Knowledge bases: operations 32–36, with the documented per-workspace rate limits.

use chrono::Utc;
use serde_json::{Value, json};
use std::time::Instant;

use crate::core::Shared;
use crate::error::{ApiError, Issue};
use crate::handlers::ctx::{Ctx, Reply};
use crate::model::{Kb, KbItem};
use crate::multipart::Part;
use crate::util::iso;

const MAX_FILES: usize = 10;
const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
const MAX_TOTAL_BYTES: usize = 5 * 1024 * 1024;
const MAX_URLS: usize = 20;
const FILE_TYPES: &[&str] = &[
    "pdf", "txt", "docx", "doc", "md", "csv", "html", "json", "pptx", "xlsx",
];

/// (limit, window in simulated seconds, human description) per operation.
fn limit_of(op: &str) -> (usize, f64, &'static str) {
    match op {
        "createKnowledgeBase" => (10, 3600.0, "10 requests per hour"),
        "editKnowledgeBase" => (20, 3600.0, "20 requests per hour"),
        "deleteKnowledgeBase" => (10, 60.0, "10 requests per minute"),
        _ => (60, 3600.0, "60 requests per hour"),
    }
}

fn rate_limit(c: &Ctx<'_>) -> Result<(), ApiError> {
    let (limit, window, text) = limit_of(c.op);
    let window = c.sh.scaled(window);
    let mut st = c.sh.lock();
    st.ws_mut(&c.ws)
        .rate_check(c.op, limit, window)
        .map_err(|wait| {
            let secs = wait.ceil().max(1.0) as u64;
            ApiError::rate_limited(
                format!(
                    "Rate limit exceeded: {text} per workspace for this endpoint; retry after {secs} s"
                ),
                secs,
            )
        })
}

/// `pending` → `processing` → `completed`, from the (scaled) time since the last change.
fn kb_status(sh: &Shared, kb: &Kb) -> &'static str {
    let Some(since) = kb.processing_since else {
        return "completed";
    };
    let elapsed = since.elapsed().as_secs_f64() / sh.settings.time_scale;
    let items = (kb.files.len() + kb.urls.len() + kb.faqs.len()) as f64;
    if elapsed < 2.0 {
        "pending"
    } else if elapsed < 5.0 + items {
        "processing"
    } else {
        "completed"
    }
}

fn json_list(c: &Ctx<'_>, field: &str) -> Result<Vec<Value>, ApiError> {
    match c.form().text(field) {
        None => Ok(vec![]),
        Some(s) if s.trim().is_empty() => Ok(vec![]),
        Some(s) => match serde_json::from_str::<Value>(&s) {
            Ok(Value::Array(a)) => Ok(a),
            _ => Err(ApiError::invalid(
                &["body", field],
                "json_invalid",
                format!("{field} must be a JSON array string, e.g. [\"https://example.com/docs\"]"),
            )),
        },
    }
}

fn string_list(c: &Ctx<'_>, field: &str) -> Result<Vec<String>, ApiError> {
    json_list(c, field)?
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(s),
            _ => Err(ApiError::invalid(
                &["body", field],
                "string_type",
                format!("{field} must be a JSON array of strings"),
            )),
        })
        .collect()
}

fn file_items(st_ids: &mut Vec<String>, files: &[&Part]) -> Result<Vec<KbItem>, ApiError> {
    let mut out = Vec::new();
    for f in files {
        let name = f.filename.clone().unwrap_or_default();
        let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        if !name.contains('.') || !FILE_TYPES.contains(&ext.as_str()) {
            return Err(ApiError::bad_request(format!(
                "Unsupported file type for `{name}`; use one of {}",
                FILE_TYPES.join(", ")
            )));
        }
        if f.data.len() > MAX_FILE_BYTES {
            return Err(ApiError::bad_request(format!(
                "`{name}` is {} bytes; each file may be at most 2 MB",
                f.data.len()
            )));
        }
        out.push(KbItem {
            file_id: st_ids.pop().unwrap_or_default(),
            file_type: ext,
            file_size: f.data.len() as u64,
            value: Value::String(name),
        });
    }
    Ok(out)
}

fn url_items(ids: &mut Vec<String>, urls: &[String]) -> Result<Vec<KbItem>, ApiError> {
    urls.iter()
        .map(|u| match url::Url::parse(u) {
            Ok(p) if p.scheme() == "http" || p.scheme() == "https" => Ok(KbItem {
                file_id: ids.pop().unwrap_or_default(),
                file_type: "url".into(),
                file_size: 0,
                value: Value::String(u.clone()),
            }),
            _ => Err(ApiError::bad_request(format!(
                "`{u}` is not an http(s) URL"
            ))),
        })
        .collect()
}

fn faq_items(ids: &mut Vec<String>, faqs: &[Value], field: &str) -> Result<Vec<KbItem>, ApiError> {
    faqs.iter()
        .map(|f| {
            let q = f.get("question").and_then(Value::as_str);
            let a = f.get("answer").and_then(Value::as_str);
            match (q, a) {
                (Some(q), Some(a)) if !q.trim().is_empty() => Ok(KbItem {
                    file_id: ids.pop().unwrap_or_default(),
                    file_type: "faq".into(),
                    file_size: (q.len() + a.len()) as u64,
                    value: json!({"question": q, "answer": a}),
                }),
                _ => Err(ApiError::bad_request(format!(
                    "{field}: each FAQ needs a non-empty \"question\" and an \"answer\" string"
                ))),
            }
        })
        .collect()
}

fn check_totals(kb: &Kb) -> Result<(), ApiError> {
    if kb.files.len() > MAX_FILES {
        return Err(ApiError::bad_request(format!(
            "A knowledge base holds at most {MAX_FILES} files"
        )));
    }
    let total: u64 = kb.files.iter().map(|f| f.file_size).sum();
    if total as usize > MAX_TOTAL_BYTES {
        return Err(ApiError::bad_request(
            "Files may total at most 5 MB per knowledge base",
        ));
    }
    if kb.urls.len() > MAX_URLS {
        return Err(ApiError::bad_request(format!(
            "A knowledge base holds at most {MAX_URLS} URLs"
        )));
    }
    Ok(())
}

fn fresh_ids(c: &Ctx<'_>, n: usize) -> Vec<String> {
    let mut st = c.sh.lock();
    (0..n).map(|_| st.new_id()).collect()
}

pub(crate) fn create(c: &Ctx<'_>) -> Reply {
    rate_limit(c)?;
    let form = c.form();
    let mut issues: Vec<Issue> = Vec::new();
    let name = form.required("kb_name", &mut issues);
    if !issues.is_empty() {
        return Err(ApiError::validation(issues));
    }
    let files = form.files("files")?;
    let urls = string_list(c, "urls")?;
    let faqs = json_list(c, "faqs")?;
    if files.is_empty() && urls.is_empty() && faqs.is_empty() {
        return Err(ApiError::bad_request(
            "Add at least one source: files, urls (JSON array string) or faqs (JSON array string)",
        ));
    }
    let mut ids = fresh_ids(c, files.len() + urls.len() + faqs.len() + 1);
    let kb_id = ids.pop().unwrap_or_default();
    let now = Utc::now();
    let kb = Kb {
        id: kb_id.clone(),
        name,
        created_at: now,
        updated_at: now,
        processing_since: Some(Instant::now()),
        files: file_items(&mut ids, &files)?,
        urls: url_items(&mut ids, &urls)?,
        faqs: faq_items(&mut ids, &faqs, "faqs")?,
    };
    check_totals(&kb)?;
    let queued = kb.files.len();
    c.sh.lock().ws_mut(&c.ws).kbs.push(kb);
    Ok(json!({
        "message": "Knowledge Base creation initiated",
        "kb_id": kb_id,
        "processing_status": "pending",
        "files_queued": queued,
    }))
}

pub(crate) fn edit(c: &Ctx<'_>) -> Reply {
    rate_limit(c)?;
    let form = c.form();
    let mut issues: Vec<Issue> = Vec::new();
    let kb_id = form.required("kb_id", &mut issues);
    if !issues.is_empty() {
        return Err(ApiError::validation(issues));
    }
    let files_rm = string_list(c, "files_to_remove")?;
    let urls_rm = string_list(c, "urls_to_remove")?;
    let faqs_rm = string_list(c, "faqs_to_remove")?;
    let new_files = form.files("new_files")?;
    let new_urls = string_list(c, "new_urls")?;
    let new_faqs = json_list(c, "new_faqs")?;
    if let Some(meta) = form
        .text("new_files_metadata")
        .filter(|s| !s.trim().is_empty())
        && !matches!(serde_json::from_str::<Value>(&meta), Ok(Value::Object(_)))
    {
        return Err(ApiError::invalid(
            &["body", "new_files_metadata"],
            "json_invalid",
            "new_files_metadata must be a JSON object string",
        ));
    }
    let mut ids = fresh_ids(c, new_files.len() + new_urls.len() + new_faqs.len());
    let added_files = file_items(&mut ids, &new_files)?;
    let added_urls = url_items(&mut ids, &new_urls)?;
    let added_faqs = faq_items(&mut ids, &new_faqs, "new_faqs")?;
    let mut st = c.sh.lock();
    let ws = st.ws_mut(&c.ws);
    let kb = ws
        .kbs
        .iter_mut()
        .find(|k| k.id == kb_id)
        .ok_or_else(|| ApiError::not_found(format!("Knowledge Base {kb_id} not found")))?;
    let mut next = kb.clone();
    let before = next.files.len() + next.urls.len() + next.faqs.len();
    next.files.retain(|f| !files_rm.contains(&f.file_id));
    next.urls.retain(|u| {
        !urls_rm.contains(&u.file_id)
            && !u
                .value
                .as_str()
                .is_some_and(|s| urls_rm.iter().any(|r| r == s))
    });
    next.faqs.retain(|f| !faqs_rm.contains(&f.file_id));
    let removed = before - (next.files.len() + next.urls.len() + next.faqs.len());
    let new_files_json: Vec<Value> = added_files
        .iter()
        .map(|f| json!({"filename": f.value, "file_id": f.file_id, "processing_status": "pending"}))
        .collect();
    let queued = added_files.len();
    let changed = removed > 0 || queued > 0 || !added_urls.is_empty() || !added_faqs.is_empty();
    next.files.extend(added_files);
    next.urls.extend(added_urls);
    next.faqs.extend(added_faqs);
    check_totals(&next)?;
    if changed {
        next.updated_at = Utc::now();
        next.processing_since = Some(Instant::now());
    }
    *kb = next;
    Ok(json!({
        "message": "Knowledge Base edit initiated",
        "kb_id": kb_id,
        "items_removed": removed,
        "new_files_queued": queued,
        "new_files": new_files_json,
    }))
}

pub(crate) fn list(c: &Ctx<'_>) -> Reply {
    rate_limit(c)?;
    let st = c.sh.lock();
    let rows: Vec<Value> = st
        .ws(&c.ws)
        .kbs
        .iter()
        .map(|k| {
            json!({
                "kb_id": k.id, "kb_name": k.name, "type": "non_deterministic",
                "created_at": iso(k.created_at), "status": kb_status(c.sh, k),
            })
        })
        .collect();
    Ok(Value::Array(rows))
}

pub(crate) fn get(c: &Ctx<'_>) -> Reply {
    rate_limit(c)?;
    let id = c.param("kb_id");
    let st = c.sh.lock();
    let kb = st
        .ws(&c.ws)
        .kb(id)
        .ok_or_else(|| ApiError::not_found(format!("Knowledge Base {id} not found")))?;
    let path = |f: &KbItem| format!("kb/{}/{}", kb.id, f.file_id);
    Ok(json!({
        "kb_id": kb.id,
        "kb_name": kb.name,
        "status": kb_status(c.sh, kb),
        "created_at": iso(kb.created_at),
        "updated_at": iso(kb.updated_at),
        "files": kb.files.iter().map(|f| json!({"file_id": f.file_id, "file_type": f.file_type, "file_size": f.file_size, "filename": f.value, "file_path": path(f)})).collect::<Vec<_>>(),
        "urls": kb.urls.iter().map(|f| json!({"file_id": f.file_id, "file_type": f.file_type, "file_size": f.file_size, "url": f.value, "file_path": path(f)})).collect::<Vec<_>>(),
        "faqs": kb.faqs.iter().map(|f| json!({"file_id": f.file_id, "file_type": f.file_type, "file_size": f.file_size, "content": f.value})).collect::<Vec<_>>(),
    }))
}

pub(crate) fn delete(c: &Ctx<'_>) -> Reply {
    rate_limit(c)?;
    let id = c.param("kb_id").to_owned();
    let mut st = c.sh.lock();
    let ws = st.ws_mut(&c.ws);
    if ws.kb(&id).is_none() {
        return Err(ApiError::not_found(format!(
            "Knowledge Base {id} not found"
        )));
    }
    ws.kbs.retain(|k| k.id != id);
    for a in ws.agents.iter_mut() {
        a.kb_ids.retain(|k| *k != id);
    }
    Ok(json!({"message": "Knowledge Base deleted successfully", "kb_id": id}))
}
