//! What a termination would stop, read from the history before anything is cancelled: the
//! queued calls (`registered` or `retry`) the request matches, grouped by campaign, with the
//! campaigns that are scheduled to start later named on their own (Ringg's termination by
//! assistant cancels those too).

use std::collections::{BTreeMap, BTreeSet};

use futures::StreamExt;
use ringg_api::Client;
use ringg_api::types::calls::{CallHistoryQuery, CallRecord};
use ringg_api::types::campaigns::ListCampaignsQuery;
use ringg_api::types::termination::TerminateRequest;
use ringg_api::types::{CallId, CallStatus};
use serde::Serialize;

use crate::error::CliError;

/// A campaign some of the queued calls belong to.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CampaignShare {
    /// The campaign's list id.
    pub(crate) list_id: String,
    /// Its name, when known.
    pub(crate) name: Option<String>,
    /// When it starts, when that is in the future (RFC 3339).
    pub(crate) starts_later_at: Option<String>,
    /// Its queued calls the request matches.
    pub(crate) calls: usize,
}

/// The queued calls a termination request matches.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Preview {
    /// Every matching queued call.
    pub(crate) call_ids: Vec<CallId>,
    /// Those not part of a campaign.
    pub(crate) individual: usize,
    /// The campaigns, by list id.
    pub(crate) campaigns: Vec<CampaignShare>,
    /// The matching calls of campaigns that start later.
    #[serde(skip)]
    pub(crate) scheduled_later: BTreeSet<CallId>,
    /// With `--keep-scheduled`: calls whose rows name no campaign that could not be told apart
    /// from those of campaigns that start later (a campaign's calls could not be looked up).
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub(crate) undetermined: BTreeSet<CallId>,
}

impl Preview {
    /// The summary shown before the question; `by_agent` when the request names an assistant
    /// (the one mode `--keep-scheduled` goes with).
    pub(crate) fn summary(&self, what: &str, by_agent: bool) -> Vec<String> {
        let mut lines = vec![format!(
            "terminate {what}: {} queued call(s) (registered or waiting for a retry) would be cancelled: {} individual, {} in {} campaign(s)",
            self.call_ids.len(),
            self.individual,
            self.call_ids.len() - self.individual,
            self.campaigns.len()
        )];
        for c in &self.campaigns {
            let name = c
                .name
                .as_deref()
                .map(|n| format!(" {n:?}"))
                .unwrap_or_default();
            match &c.starts_later_at {
                Some(at) => lines.push(format!(
                    "  campaign {}{name}: {} call(s), scheduled to start at {}: cancelled too{}",
                    c.list_id,
                    c.calls,
                    chrono::DateTime::parse_from_rfc3339(at)
                        .map(|t| crate::display::get().time(t.to_utc()))
                        .unwrap_or_else(|_| at.clone()),
                    if by_agent {
                        " (add --keep-scheduled to leave it)"
                    } else {
                        ""
                    }
                )),
                None => lines.push(format!(
                    "  campaign {}{name}: {} call(s)",
                    c.list_id, c.calls
                )),
            }
        }
        lines.push("calls in progress or finished are never cancelled".to_string());
        lines
    }
}

/// True when a queued call matches the request.
fn matches(req: &TerminateRequest, row: &CallRecord) -> bool {
    let list = row.bulk_list_id.as_ref().filter(|l| !l.is_empty());
    let to = row.to_number.as_ref();
    let to_is = |numbers: &[ringg_api::types::PhoneNumber]| {
        to.is_some_and(|t| numbers.iter().any(|n| n.as_str() == t))
    };
    match req {
        TerminateRequest::ByAgent { agent_id } => {
            row.agent.as_ref().is_some_and(|a| &a.id == agent_id)
        }
        TerminateRequest::ByCallIds { call_ids } => call_ids.contains(&row.id),
        TerminateRequest::ByCampaign { campaign_id } => {
            list.is_some_and(|l| l == campaign_id.as_str())
        }
        TerminateRequest::ByCampaignNumbers {
            campaign_id,
            mobile_numbers,
        } => list.is_some_and(|l| l == campaign_id.as_str()) && to_is(mobile_numbers),
        TerminateRequest::ByNumbers { mobile_numbers } => to_is(mobile_numbers),
        _ => false,
    }
}

/// The queued calls (both queued statuses, every page) of the history query `q` narrows to
/// (its status is set here) that `keep` accepts.
async fn queued_rows(
    client: &Client,
    q: &CallHistoryQuery,
    keep: impl Fn(&CallRecord) -> bool,
) -> Result<Vec<CallRecord>, CliError> {
    let mut rows = Vec::new();
    for status in [CallStatus::Registered, CallStatus::Retry] {
        let mut q = q.clone().limit(100u32);
        q.status = Some(status);
        let stream = client.calls().history_stream(q);
        futures::pin_mut!(stream);
        while let Some(row) = stream.next().await {
            let row = row?;
            if keep(&row) {
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

/// The queued calls `req` matches, from the history. With `keep_scheduled`, the calls whose
/// rows name no campaign are looked up in each campaign that starts later, so that none of
/// those is taken for an individual call (and cancelled).
pub(crate) async fn preview(
    client: &Client,
    req: &TerminateRequest,
    keep_scheduled: bool,
) -> Result<Preview, CliError> {
    // The server narrows the rows where it can; `matches` decides.
    let mut q = CallHistoryQuery::default();
    match req {
        TerminateRequest::ByAgent { agent_id } => q.agent_id = Some(agent_id.clone()),
        TerminateRequest::ByCampaign { campaign_id }
        | TerminateRequest::ByCampaignNumbers { campaign_id, .. } => {
            q.bulk_list_id = Some(campaign_id.clone());
        }
        _ => {}
    }
    let rows = queued_rows(client, &q, |row| matches(req, row)).await?;
    let mut p = Preview::default();
    if rows.is_empty() {
        return Ok(p);
    }
    // Each call's campaign: its row's `bulk_list_id` where the row shows one (Ringg documents
    // none in history rows), else found below through the history's `bulk_list_id` filter.
    let mut list_of: BTreeMap<CallId, String> = rows
        .iter()
        .filter_map(|r| {
            let list = r.bulk_list_id.as_ref().filter(|l| !l.is_empty())?;
            Some((r.id.clone(), list.clone()))
        })
        .collect();
    let mut unattributed: BTreeSet<CallId> = rows
        .iter()
        .filter(|r| !list_of.contains_key(&r.id))
        .map(|r| r.id.clone())
        .collect();
    if list_of.is_empty() && !keep_scheduled {
        // No campaign to name or to keep: no need to list them.
        p.individual = rows.len();
        p.call_ids = rows.into_iter().map(|r| r.id).collect();
        return Ok(p);
    }
    let campaigns = client.campaigns().stream(ListCampaignsQuery {
        call_count: Some(false),
        ..ListCampaignsQuery::default()
    });
    futures::pin_mut!(campaigns);
    let now = chrono::Utc::now();
    let mut later: BTreeMap<String, CampaignShare> = BTreeMap::new();
    let mut known: BTreeMap<String, CampaignShare> = BTreeMap::new();
    while let Some(c) = campaigns.next().await {
        let c = c?;
        let starts_later_at = c
            .start_time()
            .map(|t| t.to_utc())
            .filter(|t| *t > now)
            .map(|t| t.to_rfc3339());
        let share = CampaignShare {
            list_id: c.id.to_string(),
            name: c.name.as_ref().cloned(),
            starts_later_at: starts_later_at.clone(),
            calls: 0,
        };
        // A start time that cannot be read: the status still says whether it starts later.
        let scheduled = c.campaign_status.as_ref().map(|s| s.as_str()) == Some("scheduled");
        if starts_later_at.is_some() || scheduled {
            later.insert(c.id.to_string(), share.clone());
        }
        known.insert(c.id.to_string(), share);
    }
    // A call whose row names no campaign may still be one that starts later: those are the
    // calls `--keep-scheduled` has to leave, so ask the history for each such campaign's (a
    // failure stops the command before anything is cancelled).
    // A campaign whose lookup finds no queued call at all may be one the filter cannot name
    // (Ringg does not say that a campaign's id is its list's): the calls still unnamed then
    // cannot be told apart from its calls, and are left too.
    if keep_scheduled {
        let mut blind = false;
        for list_id in later.keys() {
            if unattributed.is_empty() {
                break;
            }
            let q = CallHistoryQuery {
                bulk_list_id: Some(ringg_api::types::ListId::new(list_id.as_str())),
                ..CallHistoryQuery::default()
            };
            let of_campaign = queued_rows(client, &q, |_| true).await?;
            blind |= of_campaign.is_empty();
            for row in of_campaign {
                if unattributed.remove(&row.id) {
                    list_of.insert(row.id, list_id.clone());
                }
            }
        }
        if blind {
            p.undetermined = unattributed;
        }
    }
    let mut by_list: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        p.call_ids.push(row.id.clone());
        match list_of.get(&row.id) {
            Some(l) => *by_list.entry(l.clone()).or_default() += 1,
            None => p.individual += 1,
        }
    }
    for (list_id, calls) in by_list {
        let share = known.remove(&list_id).unwrap_or(CampaignShare {
            list_id,
            name: None,
            starts_later_at: None,
            calls: 0,
        });
        p.campaigns.push(CampaignShare { calls, ..share });
    }
    p.scheduled_later = list_of
        .iter()
        .filter(|(_, list)| later.contains_key(*list))
        .map(|(id, _)| id.clone())
        .collect();
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_scheduled_is_offered_only_where_it_applies() {
        let p = Preview {
            call_ids: vec![CallId::new("c1")],
            individual: 0,
            campaigns: vec![CampaignShare {
                list_id: "l1".into(),
                name: Some("T2".into()),
                starts_later_at: Some("2030-01-01T09:00:00+00:00".into()),
                calls: 1,
            }],
            scheduled_later: BTreeSet::new(),
            undetermined: BTreeSet::new(),
        };
        let by_agent = p.summary("the assistant's calls", true).join("\n");
        assert!(by_agent.contains("add --keep-scheduled"), "{by_agent}");
        let by_numbers = p.summary("these numbers", false).join("\n");
        assert!(
            by_numbers.contains("cancelled too") && !by_numbers.contains("--keep-scheduled"),
            "{by_numbers}"
        );
    }
}
