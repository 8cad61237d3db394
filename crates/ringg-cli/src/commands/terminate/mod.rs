//! `ringg terminate`: stop queued calls by assistant, call ids, campaign (optionally only some
//! numbers in it), or numbers.

pub(crate) mod args;
mod preview;

use ringg_api::types::termination::TerminateRequest;
use ringg_api::types::{AgentId, CallId, CampaignId, PhoneNumber};
use serde_json::json;

use ringg_types::text::escape_control;

use crate::args::{id, phone};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::print_json;
use crate::term::emit_text;
use args::TerminateArgs;

/// The request for the flags given (exactly one mode; `--numbers` may narrow `--campaign`).
fn request(a: &TerminateArgs) -> Result<TerminateRequest, CliError> {
    let numbers = || -> Result<Vec<PhoneNumber>, CliError> {
        a.numbers.iter().map(|n| phone("--numbers", n)).collect()
    };
    let modes = [
        a.agent.is_some(),
        !a.calls.is_empty(),
        a.campaign.is_some(),
        !a.numbers.is_empty() && a.campaign.is_none(),
    ]
    .iter()
    .filter(|m| **m)
    .count();
    if modes != 1 {
        return Err(CliError::usage(
            "give exactly one of --agent ID, --calls ID…, --campaign ID [--numbers E164…], --numbers E164…",
        ));
    }
    let req = if let Some(agent) = &a.agent {
        TerminateRequest::ByAgent {
            agent_id: id::<AgentId>("assistant", agent)?,
        }
    } else if !a.calls.is_empty() {
        TerminateRequest::ByCallIds {
            call_ids: a
                .calls
                .iter()
                .map(|c| id::<CallId>("call", c))
                .collect::<Result<_, _>>()?,
        }
    } else if let Some(campaign) = &a.campaign {
        let campaign_id = id::<CampaignId>("campaign", campaign)?;
        if a.numbers.is_empty() {
            TerminateRequest::ByCampaign { campaign_id }
        } else {
            TerminateRequest::ByCampaignNumbers {
                campaign_id,
                mobile_numbers: numbers()?,
            }
        }
    } else {
        TerminateRequest::ByNumbers {
            mobile_numbers: numbers()?,
        }
    };
    // The modes above never make an empty list, and a list over Ringg's 100 per request is
    // sent 100 at a time (`terminate_all_in_chunks`), so nothing is left to validate here.
    Ok(req)
}

pub(crate) async fn run(ctx: &mut Ctx, a: TerminateArgs) -> Result<(), CliError> {
    let mut req = request(&a)?;
    if a.keep_scheduled && a.agent.is_none() {
        return Err(CliError::usage(
            "--keep-scheduled goes with --agent (the other modes name what to stop)",
        ));
    }
    let client = ctx.client().await?;
    // Names and id prefixes become ids before anything is counted or sent.
    match &mut req {
        TerminateRequest::ByAgent { agent_id } => {
            *agent_id = crate::resolve::agent(&client, agent_id.as_str()).await?;
        }
        TerminateRequest::ByCallIds { call_ids } => {
            *call_ids = crate::resolve::known_calls(&client, &a.calls).await?;
        }
        TerminateRequest::ByCampaign { campaign_id }
        | TerminateRequest::ByCampaignNumbers { campaign_id, .. } => {
            *campaign_id = crate::resolve::campaign(&client, campaign_id.as_str()).await?;
        }
        _ => {}
    }
    let p = preview::preview(&client, &req, a.keep_scheduled).await?;
    let by_agent = matches!(req, TerminateRequest::ByAgent { .. });
    let mut summary = p.summary(&describe(&req), by_agent);
    if a.keep_scheduled {
        // Only the calls the history shows can be told apart from those of campaigns scheduled
        // for later, so the request names them by id; an assistant-wide request would stop the
        // calls it promises to keep.
        let ids: Vec<CallId> = p
            .call_ids
            .iter()
            .filter(|c| !p.scheduled_later.contains(*c) && !p.undetermined.contains(*c))
            .cloned()
            .collect();
        let left = (!p.undetermined.is_empty()).then(|| {
            let listed: Vec<&str> = p.undetermined.iter().take(10).map(CallId::as_str).collect();
            format!(
                "--keep-scheduled: {} call(s) whose history rows name no campaign could not be told apart from those of campaigns scheduled for later, so they are left too; stop any of them by id with `ringg terminate --calls ID,…` ({}{})",
                p.undetermined.len(),
                listed.join(", "),
                if p.undetermined.len() > listed.len() { ", …" } else { "" }
            )
        });
        if ids.is_empty() {
            let why = if let Some(left) = &left {
                left.as_str()
            } else if p.scheduled_later.is_empty() {
                "the history shows no queued call of this assistant, and --keep-scheduled stops only the calls it shows (without it the request goes to the whole assistant)"
            } else {
                "every queued call belongs to a campaign scheduled to start later, which --keep-scheduled leaves"
            };
            return nothing_to_terminate(ctx, &req, Some(&p), why);
        }
        summary.extend(left);
        if !p.scheduled_later.is_empty() {
            summary.push(format!(
                "--keep-scheduled: the {} call(s) of campaigns scheduled for later are left; the other {} are stopped by id",
                p.scheduled_later.len(),
                ids.len()
            ));
        }
        req = TerminateRequest::ByCallIds { call_ids: ids };
    } else if p.call_ids.is_empty() {
        // The history can miss queued calls (a retry row without its assistant, say): the
        // request still goes, and Ringg's answer says what it stopped.
        summary.push(
            "the history shows no queued call for this; the request is sent all the same, and Ringg's answer says what it stopped".into(),
        );
    }
    crate::confirm::confirm(
        &summary,
        "Cancel these calls?",
        "terminating the calls",
        a.yes,
        ctx.out.quiet,
    )?;
    let mut chunks = if a.legacy {
        client
            .termination()
            .terminate_legacy_all_in_chunks(&req)
            .await?
    } else {
        client.termination().terminate_all_in_chunks(&req).await?
    };
    if let Some(err) = chunk_failure(&mut chunks) {
        return Err(err);
    }
    if chunks.chunks.iter().all(|c| c.found_nothing()) {
        return nothing_to_terminate(ctx, &req, Some(&p), NOTHING_QUEUED);
    }
    let stopped = stopped_count(&chunks);
    if ctx.out.json() {
        return print_json(&json!({
            "request": req, "terminated": true, "stopped": stopped, "preview": p,
        }));
    }
    let message = chunks
        .chunks
        .iter()
        .find_map(|c| c.result.as_ref().ok().and_then(|r| r.message.clone()))
        .unwrap_or_else(|| "terminated".to_string());
    emit_text(format!(
        "{}; stopped {} queued call(s) (registered or waiting for a retry)",
        escape_control(&message),
        stopped.unwrap_or(p.call_ids.len() as u64)
    ));
    Ok(())
}

/// The error of a termination some of whose requests failed (other than for having nothing
/// to stop): every chunk was sent, so it names the items that were not stopped (or may not
/// have been, when the failure leaves the outcome open) and what the other requests did; when
/// every request failed, the first error as it is.
fn chunk_failure(chunks: &mut ringg_api::termination::ChunkedTermination) -> Option<CliError> {
    let failed: Vec<usize> = chunks
        .chunks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.result.is_err() && !c.found_nothing())
        .map(|(i, _)| i)
        .collect();
    let stopped = stopped_count(chunks);
    let items: Vec<String> = failed
        .iter()
        .map(|&i| {
            let r = &chunks.chunks[i].items;
            format!("{}–{}", r.start + 1, r.end)
        })
        .collect();
    let all_failed = failed.len() == chunks.chunks.len();
    let first = *failed.first()?;
    let Err(e) = chunks.chunks.swap_remove(first).result else {
        return None;
    };
    // Only a refusal (the server's 4xx, or the SDK's own check) says the calls were not
    // stopped; a request that timed out (a 408 included), lost its connection or met a server
    // error may have been carried out.
    let refused = matches!(
        e.kind(),
        ringg_api::ErrorKind::InvalidInput | ringg_api::ErrorKind::NotFound
    ) || e
        .status()
        .is_some_and(|s| s.is_client_error() && s != http::StatusCode::REQUEST_TIMEOUT);
    let verdict = if refused {
        "were not stopped"
    } else {
        "may not have been stopped (check with `ringg calls list`)"
    };
    let err = CliError::from(e);
    if all_failed {
        return Some(err);
    }
    Some(err.map_message(|m| {
        format!(
            "items {} of the list {verdict}: {m}; the other requests stopped {}",
            items.join(", "),
            stopped.map_or_else(|| "their calls".to_string(), |n| format!("{n} call(s)"))
        )
    }))
}

/// How many calls Ringg says it stopped (`terminated_count`, summed over the requests), when
/// it says so.
fn stopped_count(chunks: &ringg_api::termination::ChunkedTermination) -> Option<u64> {
    let counts: Vec<u64> = chunks
        .chunks
        .iter()
        .filter_map(|c| c.result.as_ref().ok())
        .filter_map(|r| r.extra.get("terminated_count").and_then(|v| v.as_u64()))
        .collect();
    (!counts.is_empty()).then(|| counts.iter().sum())
}

/// The request in words, for the summary.
fn describe(req: &TerminateRequest) -> String {
    match req {
        TerminateRequest::ByAgent { agent_id } => {
            format!("every queued call of assistant {agent_id}")
        }
        TerminateRequest::ByCallIds { call_ids } => format!("{} call(s) by id", call_ids.len()),
        TerminateRequest::ByCampaign { campaign_id } => format!("campaign {campaign_id}"),
        TerminateRequest::ByCampaignNumbers {
            campaign_id,
            mobile_numbers,
        } => format!(
            "{} number(s) of campaign {campaign_id}",
            mobile_numbers.len()
        ),
        TerminateRequest::ByNumbers { mobile_numbers } => {
            format!("the calls to {} number(s)", mobile_numbers.len())
        }
        _ => "the calls".to_string(),
    }
}

/// Why nothing was stopped, most often.
const NOTHING_QUEUED: &str =
    "no matching call is queued (calls in progress or finished are never cancelled)";

/// Nothing to stop, and `why`.
fn nothing_to_terminate(
    ctx: &Ctx,
    req: &TerminateRequest,
    preview: Option<&preview::Preview>,
    why: &str,
) -> Result<(), CliError> {
    if ctx.out.json() {
        return print_json(&json!({
            "request": req, "terminated": false, "stopped": 0, "preview": preview,
        }));
    }
    emit_text(format!("nothing to terminate: {why}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringg_api::termination::{ChunkedTermination, TerminateChunk};

    #[test]
    fn a_failed_chunk_names_the_items_not_stopped() {
        let stopped: ringg_api::types::termination::TerminateResponse =
            serde_json::from_value(json!({"message": "ok", "terminated_count": 100})).unwrap();
        let mut chunks = ChunkedTermination {
            chunks: vec![
                TerminateChunk {
                    items: 0..100,
                    result: Ok(stopped),
                },
                TerminateChunk {
                    items: 100..150,
                    result: Err(ringg_api::Error::timeout("no answer")),
                },
            ],
        };
        let err = chunk_failure(&mut chunks).unwrap().to_string();
        assert!(
            err.contains("items 101–150")
                && err.contains("no answer")
                && err.contains("100 call(s)"),
            "{err}"
        );
        assert!(err.contains("may not have been stopped"), "{err}");
        // Items 1–100 stopped, 101–120 failed with `e`: the report.
        let second_failed = |e: ringg_api::Error| {
            let mut chunks = ChunkedTermination {
                chunks: vec![
                    TerminateChunk {
                        items: 0..100,
                        result: Ok(serde_json::from_value(json!({"message": "ok"})).unwrap()),
                    },
                    TerminateChunk {
                        items: 100..120,
                        result: Err(e),
                    },
                ],
            };
            chunk_failure(&mut chunks).unwrap().to_string()
        };
        let err = second_failed(ringg_api::Error::invalid_input("refused"));
        assert!(
            err.contains("items 101–120 of the list were not stopped: refused"),
            "{err}"
        );
        // No answer within the total timeout: the request may have been carried out.
        let err = second_failed(ringg_api::Error::from_transport(
            ringg_api::transport::TransportError::new(
                ringg_api::transport::TransportErrorKind::TotalTimeout,
                ringg_api::transport::SendState::MaybeSent,
                "no answer within the total timeout of 30.0 s",
            ),
        ));
        assert!(
            err.contains("items 101–120 of the list may not have been stopped"),
            "{err}"
        );
        // A 408 is the server's timeout, not a refusal; a 422 is a refusal.
        let answered = |status: u16| {
            second_failed(ringg_api::Error::from_response(
                "terminateByCallIds",
                http::StatusCode::from_u16(status).unwrap(),
                &http::HeaderMap::new(),
                bytes::Bytes::new(),
            ))
        };
        let err = answered(408);
        assert!(err.contains("may not have been stopped"), "{err}");
        let err = answered(422);
        assert!(err.contains("were not stopped"), "{err}");
        let mut none_failed = ChunkedTermination { chunks: Vec::new() };
        assert!(chunk_failure(&mut none_failed).is_none());
    }

    fn args(
        agent: Option<&str>,
        calls: &[&str],
        campaign: Option<&str>,
        numbers: &[&str],
    ) -> TerminateArgs {
        TerminateArgs {
            agent: agent.map(str::to_string),
            calls: calls.iter().map(|s| s.to_string()).collect(),
            campaign: campaign.map(str::to_string),
            numbers: numbers.iter().map(|s| s.to_string()).collect(),
            legacy: false,
            keep_scheduled: false,
            yes: false,
        }
    }

    #[test]
    fn five_modes() {
        let json = |a| serde_json::to_value(request(&a).unwrap()).unwrap();
        assert_eq!(
            json(args(Some("a"), &[], None, &[])),
            json!({"agent_id": "a"})
        );
        assert_eq!(
            json(args(None, &["c1", "c2"], None, &[])),
            json!({"call_ids": ["c1", "c2"]})
        );
        assert_eq!(
            json(args(None, &[], Some("k"), &[])),
            json!({"campaign_id": "k"})
        );
        assert_eq!(
            json(args(None, &[], Some("k"), &["+918882876897"])),
            json!({"campaign_id": "k", "mobile_numbers": ["+918882876897"]})
        );
        assert_eq!(
            json(args(None, &[], None, &["+918882876897"])),
            json!({"mobile_numbers": ["+918882876897"]})
        );
    }

    #[test]
    fn mixed_or_bad_modes_are_usage_errors() {
        assert!(request(&args(Some("a"), &["c"], None, &[])).is_err());
        assert!(request(&args(Some("a"), &[], Some("k"), &[])).is_err());
        assert!(request(&args(None, &[], None, &["12345"])).is_err());
    }

    #[test]
    fn a_list_over_a_requests_limit_is_taken_whole() {
        // Sent 100 at a time by `terminate_all_in_chunks`, not refused.
        let many: Vec<String> = (0..101).map(|i| format!("c{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        match request(&args(None, &refs, None, &[])).unwrap() {
            TerminateRequest::ByCallIds { call_ids } => assert_eq!(call_ids.len(), 101),
            other => panic!("{other:?}"),
        }
    }
}
