//! Campaigns: check a contact CSV against the assistant, launch it (upload + start, the flow
//! chosen by size), then watch the campaign list.
//!
//! Against a real workspace the campaign is launched only with `RINGG_EXAMPLES_WRITE=1`.
//!
//! ```text
//! cargo run -p ringg-api --example campaigns
//! ```

mod common;

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use futures::TryStreamExt;
use ringg_api::campaigns::{CsvUpload, LaunchError, LaunchRequest, PreflightOptions};
use ringg_api::types::campaigns::{CampaignTime, LargeCampaignCaller, ListCampaignsQuery};

const CONTACTS: &str = "\
Mobile Number,Name,Company
+919876543210,Asha Rao,Acme Insurance
+919876543211,Ravi Kumar,Acme Insurance
98765 43212,Meera Iyer,Acme Insurance
12345,Broken Row,Acme Insurance
";

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::connect().await?;
    let client = &setup.client;

    let assistants: Vec<_> = client.assistants().stream().try_collect().await?;
    let agent = assistants
        .iter()
        .find(|a| {
            a.agent_type
                .as_ref()
                .is_none_or(|t| t.as_str() != "inbound")
        })
        .ok_or("no outbound assistant")?;
    let csv = CsvUpload::bytes(CONTACTS).with_file_name("renewals.csv");

    // 1. Check the file first: every problem with its line number, before anything is sent.
    let report = client
        .campaigns()
        .preflight_for_assistant(
            &csv,
            &agent.id,
            PreflightOptions {
                country_code: Some("+91".into()),
                variables_map: BTreeMap::from([
                    ("mobile_number".into(), "Mobile Number".into()),
                    ("callee_name".into(), "Name".into()),
                    ("company_name".into(), "Company".into()),
                ]),
                ..Default::default()
            },
        )
        .await?;
    println!("{}", report.summary());
    for issue in &report.issues {
        println!("  line {}: {}", issue.line, issue.reason);
    }

    if setup.writes_allowed() {
        let numbers: Vec<_> = client.numbers().stream().try_collect().await?;
        let caller = match numbers
            .iter()
            .find_map(|n| n.number_pool_id.as_ref().cloned())
        {
            Some(pool) => LargeCampaignCaller::NumberPool(pool),
            None => {
                LargeCampaignCaller::FromNumbers(numbers.iter().map(|n| n.id.to_string()).collect())
            }
        };
        // Campaign times are local to the call-time zone (default Asia/Kolkata, UTC+05:30).
        let ist_now = Utc::now().naive_utc() + Duration::minutes(5 * 60 + 30);
        let start = CampaignTime::new(ist_now + Duration::minutes(2));
        let end = CampaignTime::new(ist_now + Duration::hours(8));

        // 2. Launch: pre-flight again, upload, start; the bad row is skipped
        //    (remove_invalid_rows), and no step is ever sent twice.
        let request = LaunchRequest::builder(agent.id.clone(), csv)
            .name("Renewal reminders")
            .country_code("+91")
            .window(start, end)
            .caller(caller)
            .map_variable("callee_name", "Name")
            .map_variable("company_name", "Company")
            .build()?;
        match client.campaigns().launch(request).await {
            Ok(outcome) => println!(
                "launched campaign {} ({:?} flow, {} contacts)",
                outcome.list_id, outcome.flow, outcome.report.valid_rows
            ),
            Err(LaunchError::Refused { reason, .. }) => println!("not launched: {reason}"),
            Err(e) => return Err(e.into()),
        }
    }

    // 3. Watch: every campaign, with its counts.
    let campaigns: Vec<_> = client
        .campaigns()
        .stream(ListCampaignsQuery {
            call_count: Some(true),
            ..Default::default()
        })
        .try_collect()
        .await?;
    for c in &campaigns {
        println!(
            "{} {}: {} ({} of {} completed)",
            c.id,
            c.name.as_deref().unwrap_or("?"),
            c.campaign_status
                .as_ref()
                .map(|s| s.as_str())
                .unwrap_or("?"),
            c.completed_count.unwrap_or(0),
            c.total_count.unwrap_or(0)
        );
    }

    setup.finish().await;
    Ok(())
}
