//! `ringg analytics platform | drill-down | numbers | durations | classification`.

pub(crate) mod args;
pub(crate) mod view;

use chrono::NaiveDate;
use ringg_api::types::analytics::AnalyticsQuery;
use ringg_api::types::{AgentId, ListId};
use serde::Serialize;

use crate::args::id;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{print_json, print_table, to_value};
use crate::term::emit_text;
use args::{AnalyticsCmd, AnalyticsFilters};
use serde_json::Value;

fn date(flag: &str, raw: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| CliError::usage(format!("{flag} {raw:?} is not a date; use YYYY-MM-DD")))
}

/// The filters as a query (missing dates: the SDK sends the last 30 days).
fn query(f: &AnalyticsFilters) -> Result<AnalyticsQuery, CliError> {
    let q = AnalyticsQuery {
        start_date: f.start.as_deref().map(|s| date("--start", s)).transpose()?,
        end_date: f.end.as_deref().map(|s| date("--end", s)).transpose()?,
        agent_id: f
            .agent
            .as_deref()
            .map(|a| id::<AgentId>("assistant", a))
            .transpose()?,
        bulk_list_id: None,
        voicemail: f.voicemail,
    };
    if let (Some(s), Some(e)) = (q.start_date, q.end_date)
        && e < s
    {
        return Err(CliError::usage(format!("--end {e} is before --start {s}")));
    }
    Ok(q)
}

pub(crate) async fn run(ctx: &mut Ctx, cmd: AnalyticsCmd) -> Result<(), CliError> {
    let (filters, title) = match &cmd {
        AnalyticsCmd::Platform(f) => (f, "platform analytics"),
        AnalyticsCmd::DrillDown(f) => (f, "campaign drill-down"),
        AnalyticsCmd::Numbers(f) => (f, "per-number analytics"),
        AnalyticsCmd::Durations(f) => (f, "call-duration distribution"),
        AnalyticsCmd::Classification(f) => (f, "classification analytics"),
    };
    let mut q = query(filters)?;
    let list: Option<ListId> = filters
        .list
        .as_deref()
        .map(|l| id("campaign list", l))
        .transpose()?;
    let client = ctx.client().await?;
    q.agent_id =
        crate::resolve::agent_opt(&client, q.agent_id.as_ref().map(|a| a.as_str())).await?;
    let list = crate::resolve::campaign_opt(&client, list.as_ref().map(|l| l.as_str())).await?;
    let a = client.analytics();
    match cmd {
        AnalyticsCmd::DrillDown(_) => {
            let list = list.ok_or_else(|| {
                CliError::usage(
                    "drill-down needs --list <campaign list id> (see `ringg campaigns list`)",
                )
            })?;
            show(ctx, title, &a.drill_down(&list, &q).await?)
        }
        other => {
            q.bulk_list_id = list;
            match other {
                AnalyticsCmd::Platform(_) => show(ctx, title, &a.platform(&q).await?),
                AnalyticsCmd::Numbers(_) => show(ctx, title, &a.numbers(&q).await?),
                AnalyticsCmd::Durations(_) => show(ctx, title, &a.durations(&q).await?),
                _ => show(ctx, title, &a.classification(&q).await?),
            }
        }
    }
}

/// The response as JSON, or as the tables of its view.
fn show<T: Serialize>(ctx: &Ctx, title: &str, resp: &T) -> Result<(), CliError> {
    if ctx.out.json() {
        return print_json(resp);
    }
    let v = to_value(resp)?;
    let views = if let Some(rows) = v.get("number_analytics").and_then(Value::as_array) {
        view::numbers(rows)
    } else if let Some(d) = v.get("duration_distribution") {
        view::durations(d)
    } else if let Some(c) = v.get("classification_analytics") {
        view::classification(c)
    } else {
        view::metrics(&v)
    };
    if views.iter().all(|(_, t)| t.is_empty())
        && !matches!(v.get("number_analytics"), Some(Value::Array(_)))
    {
        emit_text(format!(
            "{title}: no data for this period; widen it with --start and --end"
        ));
        return Ok(());
    }
    for (heading, t) in &views {
        if let Some(h) = heading {
            emit_text(format!("{h}:"));
        }
        print_table(t);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(start: Option<&str>, end: Option<&str>) -> AnalyticsFilters {
        AnalyticsFilters {
            start: start.map(str::to_string),
            end: end.map(str::to_string),
            agent: None,
            list: None,
            voicemail: None,
        }
    }

    #[test]
    fn dates() {
        let q = query(&f(Some("2025-09-01"), Some("2025-09-25"))).unwrap();
        assert_eq!(q.start_date.unwrap().to_string(), "2025-09-01");
        assert!(query(&f(Some("2025-09-25"), Some("2025-09-01"))).is_err());
        assert!(query(&f(Some("25/09/2025"), None)).is_err());
        assert!(query(&f(None, None)).unwrap().start_date.is_none());
    }
}
