//! `ringg terminate`: stop queued calls by assistant, call ids, campaign (optionally only some
//! numbers in it), or numbers.

pub(crate) mod args;

use ringg_api::termination::is_nothing_to_terminate;
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
    req.validate()
        .map_err(|e| CliError::usage(format!("{e}")))?;
    Ok(req)
}

pub(crate) async fn run(ctx: &mut Ctx, a: TerminateArgs) -> Result<(), CliError> {
    let req = request(&a)?;
    let client = ctx.client().await?;
    let answer = if a.legacy {
        client.termination().terminate_legacy(&req).await
    } else {
        client.termination().terminate(&req).await
    };
    match answer {
        Ok(resp) => {
            if ctx.out.json() {
                return print_json(&json!({"request": req, "terminated": true, "response": resp}));
            }
            emit_text(format!(
                "{}; queued calls (registered or waiting for a retry) are now cancelled",
                escape_control(resp.message.as_deref().unwrap_or("terminated"))
            ));
            Ok(())
        }
        Err(e) if is_nothing_to_terminate(&e) => {
            if ctx.out.json() {
                return print_json(
                    &json!({"request": req, "terminated": false, "message": e.message()}),
                );
            }
            emit_text(
                "nothing to terminate: no matching call is queued (calls in progress or finished are never cancelled)",
            );
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let many: Vec<String> = (0..101).map(|i| format!("c{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(request(&args(None, &refs, None, &[])).is_err());
    }
}
