//! Analytics for the last 30 days: platform metrics, per-number figures, call durations,
//! classifications, and the drill-down of the most recent campaign.
//!
//! A workspace with no campaign gets a small contact list saved (not started) for the
//! drill-down: always against the simulator, and against a real workspace only with
//! `RINGG_EXAMPLES_WRITE=1`.
//!
//! ```text
//! cargo run -p ringg-api --example analytics
//! ```

mod common;

use chrono::{Days, Duration, Utc};
use ringg_api::campaigns::CsvUpload;
use ringg_api::types::AgentId;
use ringg_api::types::analytics::AnalyticsQuery;
use ringg_api::types::campaigns::{CampaignTime, ListCampaignsQuery, SaveCampaignForm};

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::connect().await?;
    let client = &setup.client;

    let today = Utc::now().date_naive();
    let start = today
        .checked_sub_days(Days::new(29))
        .ok_or("date out of range")?;
    let q = AnalyticsQuery::between(start, today);

    let platform = client.analytics().platform(&q).await?;
    println!("platform (cached: {:?})", platform.cached);
    if let Some(summary) = platform.metrics_summary.as_ref() {
        println!("  {summary}");
    }
    let numbers = client.analytics().numbers(&q).await?;
    for n in numbers.number_analytics.as_ref().into_iter().flatten() {
        println!("  number: {n}");
    }
    let durations = client.analytics().durations(&q).await?;
    println!("durations: {:?}", durations.duration_distribution.as_ref());
    let classes = client.analytics().classification(&q).await?;
    println!(
        "classifications: {:?}",
        classes.classification_analytics.as_ref()
    );

    let mut campaigns = client
        .campaigns()
        .list(&ListCampaignsQuery {
            limit: Some(1),
            ..Default::default()
        })
        .await?
        .campaigns;
    if campaigns.is_empty() && setup.writes_allowed() {
        // A small contact list to drill into (saved, not started).
        let ist_now = Utc::now().naive_utc() + Duration::minutes(5 * 60 + 30);
        let form = SaveCampaignForm::new(
            AgentId::new(first_outbound_agent(&setup).await?),
            "Analytics demo",
            "+91",
            CampaignTime::new(ist_now + Duration::hours(1)),
            CampaignTime::new(ist_now + Duration::hours(9)),
        );
        let saved = client
            .campaigns()
            .save(
                &form,
                CsvUpload::bytes("Mobile Number\n+919876543210\n+919876543211\n"),
            )
            .await?;
        println!("saved contact list {:?}", saved.list_id);
        campaigns = client
            .campaigns()
            .list(&ListCampaignsQuery::default())
            .await?
            .campaigns;
    }
    match campaigns.first() {
        Some(c) => {
            let drill = client.analytics().drill_down(&c.id, &q).await?;
            println!(
                "campaign {}: {:?}",
                c.id,
                drill.performance_metrics.as_ref()
            );
        }
        None => println!("no campaign to drill into"),
    }

    setup.finish().await;
    Ok(())
}

/// The first outbound assistant's id.
async fn first_outbound_agent(setup: &common::Setup) -> common::Result<String> {
    let list = setup.client.assistants().list(100, 0).await?;
    list.agents
        .iter()
        .find(|a| {
            a.agent_type
                .as_ref()
                .is_none_or(|t| t.as_str() != "inbound")
        })
        .map(|a| a.id.to_string())
        .ok_or_else(|| "no outbound assistant".into())
}
