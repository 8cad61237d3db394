//! Analytics as people read them: one row per number, duration buckets in numeric order,
//! rates as percentages, durations and costs with their units, and without the response's
//! bookkeeping (`cached`). Ringg does not document the inner shapes, so unknown keys are
//! still shown, with their names made readable.

use serde_json::{Map, Value};

use crate::output::{TextTable, kv_table, num, scalar, table};

/// Keys of the responses that describe the answer, not the calls.
const INTERNAL: &[&str] = &["cached"];

/// A key as a label: `avg_duration` becomes `avg duration`.
fn label(key: &str) -> String {
    key.replace('_', " ")
}

/// A value shown with its unit, chosen by the key's name: rates as percentages, durations in
/// minutes and seconds, costs in credits.
pub(crate) fn value(key: &str, v: &Value) -> String {
    let Some(x) = v.as_f64() else {
        return scalar(v);
    };
    if key.ends_with("rate") || key.ends_with("percentage") {
        let pct = if x <= 1.0 { x * 100.0 } else { x };
        return format!("{}%", num(pct));
    }
    if key.contains("duration") {
        return duration(x);
    }
    if key.contains("cost") || key.contains("credit") {
        return format!("{} credits", num(x));
    }
    num(x)
}

/// Seconds as `45 s`, `3 min 5 s` or `7 h 8 min`.
pub(crate) fn duration(secs: f64) -> String {
    let secs = if secs.abs() < 0.005 { 0.0 } else { secs };
    if secs < 60.0 {
        return format!("{} s", num(secs));
    }
    let whole = secs.round() as u64;
    if whole < 3600 {
        format!("{} min {} s", whole / 60, whole % 60)
    } else {
        format!("{} h {} min", whole / 3600, (whole % 3600) / 60)
    }
}

/// A share of a total as a percentage.
fn share(part: f64, total: f64) -> String {
    if total > 0.0 {
        format!("{}%", num(part / total * 100.0))
    } else {
        "-".into()
    }
}

/// The FIELD / VALUE rows of an object's fields other than nested objects (those are left to
/// their own tables); a list is shown as its items, comma-separated.
fn summary_rows(map: &Map<String, Value>) -> Vec<(String, String)> {
    map.iter()
        .filter(|(k, v)| !INTERNAL.contains(&k.as_str()) && !v.is_object())
        .map(|(k, v)| (label(k), value(k, v)))
        .collect()
}

/// A `{name: count}` object as a table of counts and shares, largest first (or, with
/// `numeric_order`, in the order of the duration buckets). A value that is not a count is
/// shown as it came, after the counts, without a share.
fn counts_table(heading: &str, map: &Map<String, Value>, numeric_order: bool) -> TextTable {
    // A count written as a string (`"2"`) is a count.
    let count = |v: &Value| {
        v.as_f64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse::<f64>().ok()))
            .filter(|n| n.is_finite())
    };
    let mut rows: Vec<(&String, f64)> = map
        .iter()
        .filter_map(|(k, v)| count(v).map(|n| (k, n)))
        .collect();
    if numeric_order {
        rows.sort_by(|a, b| bucket_start(a.0).total_cmp(&bucket_start(b.0)));
    } else {
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    }
    let total: f64 = rows.iter().map(|(_, n)| n).sum();
    let mut t = table(&[heading, "CALLS", "SHARE"]);
    for (k, n) in rows {
        let name = if numeric_order {
            bucket_label(k)
        } else {
            label(k)
        };
        t.add_row([name, num(n), share(n, total)]);
    }
    for (k, v) in map.iter().filter(|(_, v)| count(v).is_none()) {
        t.add_row([label(k), scalar(v), "-".to_string()]);
    }
    t
}

/// Where a duration bucket such as `30-60` or `120+` starts, in seconds.
fn bucket_start(bucket: &str) -> f64 {
    bucket
        .split(['-', '+', ' '])
        .next()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(f64::MAX)
}

/// A duration bucket with its unit: `30-60` becomes `30–60 s`.
fn bucket_label(bucket: &str) -> String {
    if bucket
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+'))
    {
        format!("{} s", bucket.replace('-', "–"))
    } else {
        bucket.to_string()
    }
}

/// What an analytics view prints: tables in order, each with an optional title line.
pub(crate) type View = Vec<(Option<String>, TextTable)>;

/// Platform or drill-down analytics: the summary, then a table for each breakdown.
pub(crate) fn metrics(resp: &Value) -> View {
    let mut view = View::new();
    let Some(obj) = resp.as_object() else {
        return view;
    };
    let mut summary = summary_rows(obj);
    for (key, part) in obj {
        let Some(part) = part.as_object() else {
            continue;
        };
        summary.extend(summary_rows(part));
        for (k, v) in part {
            if let Some(m) = v.as_object().filter(|m| !m.is_empty()) {
                let by_day = k.contains("day") || k.contains("date");
                let heading = label(k.trim_start_matches("by_")).to_uppercase();
                let mut t = counts_table(&heading, m, false);
                if by_day {
                    t = day_table(&heading, m);
                }
                view.push((
                    Some(format!(
                        "{} by {}",
                        label(key),
                        label(k.trim_start_matches("by_"))
                    )),
                    t,
                ));
            }
        }
    }
    if !summary.is_empty() {
        view.insert(0, (None, kv_table(summary)));
    }
    view
}

/// Counts per day, in date order.
fn day_table(heading: &str, map: &Map<String, Value>) -> TextTable {
    let mut t = table(&[heading, "CALLS"]);
    let mut days: Vec<(&String, &Value)> = map.iter().collect();
    days.sort_by(|a, b| a.0.cmp(b.0));
    for (day, n) in days {
        t.add_row([day.clone(), scalar(n)]);
    }
    t
}

/// Per-number analytics: one row per caller number.
pub(crate) fn numbers(rows: &[Value]) -> View {
    let mut columns: Vec<String> = vec!["number".into()];
    add_keys(&mut columns, rows, INTERNAL);
    let header: Vec<String> = columns.iter().map(|c| label(c).to_uppercase()).collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = table(&header_refs);
    t.when_empty("no calls from any number in this period; widen it with --start and --end");
    for r in rows {
        // A row that is the number itself (`["+91…", …]`).
        if !r.is_object() {
            let mut cells = vec![scalar(r)];
            cells.resize(columns.len(), "-".into());
            t.add_row(cells);
            continue;
        }
        t.add_row(
            columns
                .iter()
                .map(|c| r.get(c).map_or("-".into(), |v| value(c, v))),
        );
    }
    vec![(None, t)]
}

/// The duration distribution: buckets in numeric order with their shares (or, in another
/// shape, every value it holds).
pub(crate) fn durations(dist: &Value) -> View {
    match dist.as_object() {
        Some(m) => vec![(None, counts_table("DURATION", m, true))],
        None => listed(dist),
    }
}

/// Classification counts, largest first (or, in another shape, every value it holds).
pub(crate) fn classification(labels: &Value) -> View {
    match labels.as_object() {
        Some(m) => vec![(None, counts_table("LABEL", m, false))],
        None => listed(labels),
    }
}

/// Adds to `columns` the keys of the objects among `items` it does not hold yet, but `skip`.
fn add_keys<'a>(
    columns: &mut Vec<String>,
    items: impl IntoIterator<Item = &'a Value>,
    skip: &[&str],
) {
    for item in items {
        for k in item.as_object().into_iter().flat_map(|m| m.keys()) {
            if !columns.contains(k) && !skip.contains(&k.as_str()) {
                columns.push(k.clone());
            }
        }
    }
}

/// A value of a shape Ringg does not document (a list of objects, of values): one row per
/// item, a column per key, so nothing it holds is left out.
fn listed(shown: &Value) -> View {
    let items: Vec<&Value> = match shown {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    };
    let mut columns: Vec<String> = Vec::new();
    add_keys(&mut columns, items.iter().copied(), &[]);
    let scalars = items.iter().any(|i| !i.is_object());
    let mut header: Vec<String> = columns.iter().map(|c| label(c).to_uppercase()).collect();
    if scalars {
        header.insert(0, "VALUE".into());
    }
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = table(&header_refs);
    for item in items {
        let mut cells = Vec::new();
        if scalars {
            cells.push(if item.is_object() {
                "-".into()
            } else {
                scalar(item)
            });
        }
        cells.extend(
            columns
                .iter()
                .map(|c| item.get(c).map_or("-".into(), |v| value(c, v))),
        );
        t.add_row(cells);
    }
    vec![(None, t)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_carry_their_units() {
        assert_eq!(value("answer_rate", &json!(0.82)), "82%");
        assert_eq!(value("avg_duration", &json!(104.86)), "1 min 45 s");
        assert_eq!(value("total_duration", &json!(25691.28)), "7 h 8 min");
        assert_eq!(value("total_cost", &json!(-0.0)), "0 credits");
        assert_eq!(value("total_calls", &json!(300)), "300");
    }

    #[test]
    fn buckets_are_in_numeric_order() {
        let view = durations(&json!({"0-30": 5, "120+": 96, "30-60": 39, "60-120": 105}));
        let text = view[0].1.to_string();
        let pos = |s: &str| text.find(s).unwrap();
        assert!(pos("0–30 s") < pos("30–60 s"));
        assert!(pos("30–60 s") < pos("60–120 s"));
        assert!(pos("60–120 s") < pos("120+ s"));
    }

    #[test]
    fn internal_fields_are_left_out() {
        let view = metrics(&json!({"cached": false, "metrics_summary": {"total_calls": 3}}));
        let text = view[0].1.to_string();
        assert!(
            !text.contains("cached") && text.contains("total calls"),
            "{text}"
        );
    }

    #[test]
    fn shapes_ringg_does_not_document_are_shown_whole() {
        // Numbers given as the numbers themselves.
        let text = numbers(&[json!("+919876543210"), json!("+912269976804")])[0]
            .1
            .to_string();
        assert!(
            text.contains("+919876543210") && text.contains("+912269976804"),
            "{text}"
        );
        // Lists of objects instead of a map of counts.
        let view = durations(&json!([{"bucket": "0-30", "count": 3}]));
        let text = view[0].1.to_string();
        assert!(
            !view[0].1.is_empty() && text.contains("0-30") && text.contains('3'),
            "{text}"
        );
        let view = classification(&json!([{"label": "interested", "count": 4}, "odd"]));
        let text = view[0].1.to_string();
        assert!(
            text.contains("interested") && text.contains("odd"),
            "{text}"
        );
        // A count written as a string counts towards the shares.
        let text = durations(&json!({"0-30": 2, "30-60": "2"}))[0]
            .1
            .to_string();
        assert!(text.matches("50%").count() == 2, "{text}");
    }
}
