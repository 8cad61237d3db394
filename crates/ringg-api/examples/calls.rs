//! Calls: place one outbound call (v2, number pool when the workspace has one), wait for it to
//! finish, read its transcript, and page through the history.
//!
//! Against a real workspace the call is placed only with `RINGG_EXAMPLES_WRITE=1` and
//! `RINGG_EXAMPLE_TO=+91...` (the number to call).
//!
//! ```text
//! cargo run -p ringg-api --example calls
//! ```

mod common;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use ringg_api::calls::WaitOptions;
use ringg_api::types::PhoneNumber;
use ringg_api::types::calls::{CallHistoryQuery, CallerSource, InitiateCallRequest};

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::connect().await?;
    let client = &setup.client;

    let to = std::env::var("RINGG_EXAMPLE_TO").ok().or_else(|| {
        std::env::var("RINGG_BASE_URL")
            .is_err()
            .then(|| "+919876543210".to_string())
    });
    match (setup.writes_allowed(), to) {
        (true, Some(to)) => {
            setup.answer_next_call(&to);
            let assistants: Vec<_> = client.assistants().stream().try_collect().await?;
            let agent = assistants
                .iter()
                .find(|a| {
                    a.agent_type
                        .as_ref()
                        .is_none_or(|t| t.as_str() != "inbound")
                })
                .ok_or("no outbound assistant")?;
            let numbers: Vec<_> = client.numbers().stream().try_collect().await?;
            let caller = match numbers.iter().find_map(|n| n.number_pool_id.as_ref()) {
                Some(pool) => CallerSource::NumberPool(pool.clone()),
                None => CallerSource::FromNumberId(
                    numbers
                        .first()
                        .ok_or("the workspace has no number")?
                        .id
                        .clone(),
                ),
            };
            let placed = client
                .calls()
                .initiate(
                    InitiateCallRequest::new(
                        agent.id.clone(),
                        "Asha",
                        PhoneNumber::parse(&to)?,
                        caller,
                    )
                    .custom_arg("company_name", "Acme Insurance"),
                )
                .await?;
            println!(
                "placed call {} (reference {})",
                placed.call_id, placed.reference
            );

            let done = client
                .calls()
                .wait_for_terminal_with(
                    &placed.call_id,
                    WaitOptions {
                        initial_interval: Duration::from_millis(200),
                        max_interval: Duration::from_secs(2),
                        ..WaitOptions::default()
                    },
                )
                .await?;
            println!(
                "call {} ended {}",
                done.id,
                done.call_status.as_ref().map(|s| s.as_str()).unwrap_or("?")
            );
            match done.transcript() {
                Some(t) => println!("{}", t.to_plain_text()),
                None => println!("(no transcript: the call was not answered)"),
            }
            if let Some(summary) = done
                .platform_analysis
                .as_ref()
                .and_then(|a| a.summary.as_deref())
            {
                println!("summary: {summary}");
            }
        }
        _ => println!("not placing a call (set RINGG_EXAMPLES_WRITE=1 and RINGG_EXAMPLE_TO)"),
    }

    let recent: Vec<_> = client
        .calls()
        .history_stream(CallHistoryQuery::default())
        .take(20)
        .try_collect()
        .await?;
    for c in &recent {
        println!(
            "{} {} {}",
            c.id,
            c.to_number.as_deref().unwrap_or("?"),
            c.status.as_ref().map(|s| s.as_str()).unwrap_or("?")
        );
    }

    setup.finish().await;
    Ok(())
}
