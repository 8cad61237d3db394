//! A campaign renamed in the dashboard after its launch is still the launch's campaign: the
//! same launch run again finds it by its list id and sends nothing, instead of taking it for
//! deleted and uploading and starting the file a second time.

mod common;

use std::sync::Arc;

use common::{campaigns_named, launch};
use ringg_api::campaigns::{CampaignFlow, LaunchResponses, PollOptions};
use ringg_api::journal::{Journal, MemoryJournal};
use ringg_sim::Simulator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_run_again_after_its_campaign_was_renamed_sends_nothing() {
    let sim = Simulator::builder()
        .time_scale(0.001)
        .seed(8)
        .start()
        .await
        .unwrap();
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    let client = common::client_builder(&sim)
        .journal(journal)
        .build()
        .unwrap();
    let first = client
        .campaigns()
        .launch(launch(CampaignFlow::Standard, "spring offers"))
        .await
        .unwrap();
    assert!(
        sim.handle()
            .rename_list(first.list_id.as_str(), "summer deals")
    );

    let again = client
        .campaigns()
        .launch(launch(CampaignFlow::Standard, "spring offers"))
        .await
        .unwrap();
    let LaunchResponses::Resumed(r) = &again.responses else {
        panic!("uploaded again: {:?}", again.responses)
    };
    assert!(r.already_started());
    assert_eq!(again.list_id, first.list_id);
    assert!(campaigns_named(&client, "spring offers").await.is_empty());
    assert_eq!(sim.handle().list_ids().len(), 1, "one list");

    // Resuming from the list id finds it too.
    let resumed = client
        .campaigns()
        .resume(&first.list_id, PollOptions::default())
        .await
        .unwrap();
    assert!(resumed.resumed.already_started());
    sim.shutdown().await;
}
