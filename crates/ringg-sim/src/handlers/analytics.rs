//! Analytics: operations 37–41. The inner shapes are not documented; these are computed from
//! the simulator's calls (see docs/simulator.md, "Analytics").

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::handlers::calls::CallFilter;
use crate::handlers::ctx::{Ctx, Reply};
use crate::model::{Call, Status};
use crate::util::round2;

fn filtered<'a>(c: &Ctx<'_>, calls: &'a [Call]) -> Result<Vec<&'a Call>, ApiError> {
    let f = CallFilter::from_query(c)?;
    Ok(calls.iter().filter(|call| f.matches(call)).collect())
}

fn summary(calls: &[&Call]) -> Value {
    let total = calls.len();
    let completed: Vec<_> = calls
        .iter()
        .filter(|c| c.status == Status::Completed)
        .collect();
    let failed = calls
        .iter()
        .filter(|c| matches!(c.status, Status::Failed | Status::Error))
        .count();
    let duration: f64 = completed.iter().map(|c| c.duration).sum();
    let cost: f64 = calls.iter().filter_map(|c| c.cost).sum();
    json!({
        "total_calls": total,
        "completed_calls": completed.len(),
        "failed_calls": failed,
        "total_duration": round2(duration),
        "avg_duration": if completed.is_empty() { 0.0 } else { round2(duration / completed.len() as f64) },
        "total_cost": round2(cost),
        "answer_rate": if total == 0 { 0.0 } else { round2(completed.len() as f64 / total as f64) },
    })
}

fn performance(calls: &[&Call]) -> Value {
    let mut by_status: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_day: BTreeMap<String, u64> = BTreeMap::new();
    for c in calls {
        *by_status.entry(c.status.as_str()).or_default() += 1;
        *by_day
            .entry(c.created_at.format("%Y-%m-%d").to_string())
            .or_default() += 1;
    }
    json!({"by_status": by_status, "by_day": by_day})
}

pub(crate) fn platform(c: &Ctx<'_>) -> Reply {
    let st = c.sh.lock();
    let calls = filtered(c, &st.ws(&c.ws).calls)?;
    Ok(
        json!({"cached": false, "metrics_summary": summary(&calls), "performance_metrics": performance(&calls)}),
    )
}

pub(crate) fn drill_down(c: &Ctx<'_>) -> Reply {
    let Some(list_id) = c.q("bulk_list_id").filter(|s| !s.is_empty()) else {
        return Err(ApiError::invalid(
            &["query", "bulk_list_id"],
            "missing",
            "Field required: drill-down analytics need ?bulk_list_id=<campaign list id>",
        ));
    };
    let st = c.sh.lock();
    let ws = st.ws(&c.ws);
    if ws.list(list_id).is_none() {
        return Err(ApiError::not_found(format!(
            "Campaign list {list_id} not found"
        )));
    }
    let calls = filtered(c, &ws.calls)?;
    let mut perf = performance(&calls);
    if let (Value::Object(p), Value::Object(s)) = (&mut perf, summary(&calls)) {
        p.extend(s);
    }
    Ok(json!({"cached": false, "performance_metrics": perf}))
}

pub(crate) fn numbers(c: &Ctx<'_>) -> Reply {
    let st = c.sh.lock();
    let calls = filtered(c, &st.ws(&c.ws).calls)?;
    let mut by_number: BTreeMap<&str, (u64, u64, f64)> = BTreeMap::new();
    for call in &calls {
        let e = by_number.entry(call.from_number.as_str()).or_default();
        e.0 += 1;
        if call.status == Status::Completed {
            e.1 += 1;
            e.2 += call.duration;
        }
    }
    let rows: Vec<Value> = by_number
        .into_iter()
        .map(|(n, (t, done, d))| {
            json!({
                "number": n, "total_calls": t, "completed_calls": done,
                "total_duration": round2(d),
                "answer_rate": if t == 0 { 0.0 } else { round2(done as f64 / t as f64) },
            })
        })
        .collect();
    Ok(json!({"number_analytics": rows}))
}

pub(crate) fn duration_distribution(c: &Ctx<'_>) -> Reply {
    let st = c.sh.lock();
    let calls = filtered(c, &st.ws(&c.ws).calls)?;
    let mut buckets: BTreeMap<&str, u64> = [("0-30", 0), ("30-60", 0), ("60-120", 0), ("120+", 0)]
        .into_iter()
        .collect();
    for call in calls.iter().filter(|c| c.status == Status::Completed) {
        let b = match call.duration {
            d if d < 30.0 => "0-30",
            d if d < 60.0 => "30-60",
            d if d < 120.0 => "60-120",
            _ => "120+",
        };
        *buckets.entry(b).or_default() += 1;
    }
    Ok(json!({"duration_distribution": buckets}))
}

pub(crate) fn classification(c: &Ctx<'_>) -> Reply {
    let st = c.sh.lock();
    let calls = filtered(c, &st.ws(&c.ws).calls)?;
    let mut labels: BTreeMap<String, u64> = BTreeMap::new();
    for call in &calls {
        if let Some(l) = call
            .platform_analysis
            .as_ref()
            .and_then(|p| p.get("classification"))
            .and_then(Value::as_str)
        {
            *labels.entry(l.to_owned()).or_default() += 1;
        }
    }
    Ok(json!({"classification_analytics": labels}))
}
