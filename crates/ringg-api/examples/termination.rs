//! Termination: queue calls for later, then stop them by call id, by number and by assistant.
//! Only queued calls (`registered`, `retry`) are stopped; finished and live calls are not.
//!
//! Against a real workspace this runs only with `RINGG_EXAMPLES_WRITE=1` and
//! `RINGG_EXAMPLE_TO=+91...` (it queues calls to that number for tomorrow and cancels them).
//!
//! ```text
//! cargo run -p ringg-api --example termination
//! ```

mod common;

use chrono::{Duration, Utc};
use futures::TryStreamExt;
use ringg_api::termination::is_nothing_to_terminate;
use ringg_api::types::calls::{CallConfig, CallTime, CallerSource, InitiateCallRequest};
use ringg_api::types::common::Timestamp;
use ringg_api::types::termination::TerminateRequest;
use ringg_api::types::{CallId, PhoneNumber};

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::connect().await?;
    let client = &setup.client;
    let to = std::env::var("RINGG_EXAMPLE_TO").ok().or_else(|| {
        std::env::var("RINGG_BASE_URL")
            .is_err()
            .then(|| "+919876543210".to_string())
    });
    let (true, Some(to)) = (setup.writes_allowed(), to) else {
        println!("nothing to do (set RINGG_EXAMPLES_WRITE=1 and RINGG_EXAMPLE_TO)");
        setup.finish().await;
        return Ok(());
    };

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
    let from = numbers
        .first()
        .ok_or("the workspace has no number")?
        .id
        .clone();

    // Three calls scheduled for tomorrow: they stay queued until then.
    let tomorrow = Timestamp::from_datetime(&(Utc::now() + Duration::days(1)));
    let mut ids: Vec<CallId> = Vec::new();
    for name in ["Asha", "Ravi", "Meera"] {
        let placed = client
            .calls()
            .initiate(
                InitiateCallRequest::new(
                    agent.id.clone(),
                    name,
                    PhoneNumber::parse(&to)?,
                    CallerSource::FromNumberId(from.clone()),
                )
                .call_config(
                    CallConfig::default().call_time(
                        CallTime::window("00:00", "23:59", "Asia/Kolkata")
                            .scheduled_at(tomorrow.clone()),
                    ),
                ),
            )
            .await?;
        ids.push(placed.call_id);
    }
    println!("queued {} calls for tomorrow", ids.len());

    // Stop the first two by id (lists over 100 items are split by terminate_all_in_chunks).
    let out = client
        .termination()
        .terminate_all_in_chunks(&TerminateRequest::ByCallIds {
            call_ids: ids[..2].to_vec(),
        })
        .await?;
    println!(
        "by call ids: {} request(s), all fine: {}",
        out.chunks.len(),
        out.is_success()
    );

    // Stop whatever is still queued for that number, in every campaign and individual call.
    match client
        .termination()
        .terminate(&TerminateRequest::ByNumbers {
            mobile_numbers: vec![PhoneNumber::parse(&to)?],
        })
        .await
    {
        Ok(r) => println!("by number: {}", r.message.unwrap_or_default()),
        Err(e) if is_nothing_to_terminate(&e) => println!("by number: nothing left to stop"),
        Err(e) => return Err(e.into()),
    }

    for id in &ids {
        let d = client.calls().details(id, false).await?;
        println!(
            "call {id}: {}",
            d.call_status.as_ref().map(|s| s.as_str()).unwrap_or("?")
        );
    }

    // The whole assistant: nothing is left, which Ringg reports as a 400.
    match client
        .termination()
        .terminate(&TerminateRequest::ByAgent {
            agent_id: agent.id.clone(),
        })
        .await
    {
        Ok(r) => println!("by assistant: {}", r.message.unwrap_or_default()),
        Err(e) if is_nothing_to_terminate(&e) => println!("by assistant: nothing left to stop"),
        Err(e) => return Err(e.into()),
    }

    setup.finish().await;
    Ok(())
}
