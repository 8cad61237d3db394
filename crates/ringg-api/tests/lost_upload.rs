//! A launch whose upload's answer was lost, run again after another assistant's campaign of the
//! same name was made: against `GET /campaign/all` rows as the reference gives them (no
//! `agent_id`), the other campaign is never taken for the launch's own (neither started in its
//! place nor taken for its own campaign started already).

mod common;
#[path = "common/rewrite.rs"]
mod rewrite;

use common::{OTHER_CSV, calls_of_list};

use std::sync::Arc;

use rewrite::{documented_campaign_rows, rewriting_proxy};
use ringg_api::campaigns::{CampaignFlow, CsvUpload, LaunchError};
use ringg_api::journal::{Journal, LaunchEntry, LaunchStage, MemoryJournal, PlannedStart};
use ringg_api::types::campaigns::StartCampaignV2Request;
use ringg_api::types::{AgentId, ListId, NumberPoolId};
use ringg_api::{Client, ErrorKind};
use ringg_sim::demo::{AGENT_ID, NUMBER_POOL_ID, SECOND_AGENT_ID};

/// Launch A ("renewals", the demo assistant) sent its upload a minute ago and its answer never
/// came (nor was the upload carried out); meanwhile another assistant's campaign of the same
/// name was made, started or not (`started`). A runs again through documented rows.
async fn run_again_beside_another_assistants(started: bool) {
    let sim = ringg_sim::Simulator::builder()
        .time_scale(0.001)
        .seed(5)
        .demo_extras(true)
        .start()
        .await
        .unwrap();
    let name = "renewals";
    if !started {
        // Its start is refused for credits: it stays a draft.
        sim.handle().set_credits(0.0);
    }
    let mut b = common::launch_of(CampaignFlow::Standard, name, OTHER_CSV);
    b.campaign.agent_id = AgentId::new(SECOND_AGENT_ID);
    b.check_assistant_variables = false;
    let b_list = match common::client(&sim).campaigns().launch(b).await {
        Ok(out) if started => out.list_id,
        Err(LaunchError::Failed {
            list_id: Some(l), ..
        }) if !started => l,
        other => panic!("the other assistant's launch: {other:?}"),
    };
    let b_calls = calls_of_list(&sim, &b_list);
    sim.handle().set_credits(1000.0);
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    let at = chrono::Utc::now() - chrono::Duration::minutes(1);
    journal
        .put_launch(&LaunchEntry {
            key: CsvUpload::bytes(common::CSV)
                .launch_key(name, &AgentId::new(AGENT_ID))
                .await
                .unwrap(),
            list_id: None,
            stage: LaunchStage::Uploading,
            start: PlannedStart::Start(StartCampaignV2Request::new(
                AgentId::new(AGENT_ID),
                ListId::new(""),
                NumberPoolId::new(NUMBER_POOL_ID),
            )),
            note: None,
            recorded_at: at,
            updated_at: at,
            settle_after: None,
        })
        .await
        .unwrap();
    let a = Client::builder()
        .ignore_env()
        .api_key(sim.api_key())
        .base_url(rewriting_proxy(&sim.base_url(), documented_campaign_rows()).await)
        .journal(journal)
        .build()
        .unwrap();
    let result = a
        .campaigns()
        .launch(common::launch(CampaignFlow::Standard, name))
        .await;
    let took = match &result {
        Ok(out) => Some(&out.list_id),
        Err(LaunchError::Failed { list_id, .. }) => list_id.as_ref(),
        Err(_) => None,
    };
    assert_ne!(took, Some(&b_list), "{result:?}");
    assert_eq!(
        calls_of_list(&sim, &b_list),
        b_calls,
        "the other list was started"
    );
    if started {
        // Its calls name their assistant: not this launch's campaign; this launch's upload
        // may still be carried out, so it waits.
        let kind = result
            .as_ref()
            .err()
            .and_then(|e| e.error())
            .map(|e| e.kind());
        assert_eq!(kind, Some(ErrorKind::TooEarly), "{result:?}");
    } else {
        // A draft has no calls to tell its assistant by: the launch stops, naming it.
        let err = result.unwrap_err();
        assert_eq!(
            err.error().map(|e| e.kind()),
            Some(ErrorKind::Unverifiable),
            "{err}"
        );
        assert!(err.to_string().contains(b_list.as_str()), "{err}");
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_assistants_draft_of_the_name_is_not_started() {
    run_again_beside_another_assistants(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_assistants_started_campaign_of_the_name_is_not_taken_for_this_launchs() {
    run_again_beside_another_assistants(true).await;
}
