//! The CLI against answers shaped as Ringg documents them where the simulator answers the
//! richer live variant: a proxy in front of the simulator rewrites them. An assistant's details
//! with no webhook subscription list (§2.4.2), and history rows with no `bulk_list_id`
//! (§2.3.3).

mod common;
#[path = "../../ringg-api/tests/common/rewrite.rs"]
mod rewrite;

use std::sync::Arc;

use common::{bare, fails, launch_args, ok, tomorrow_ist};
use rewrite::{Rewrite, documented_agent_details, rewriting_proxy};
use ringg_sim::RunningSimulator;
use ringg_sim::demo::{AGENT_ID, NUMBER_POOL_ID};
use serde_json::Value;

const CONTACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");
const CRM: &str = "http://127.0.0.1:9/crm-receiver";

/// `ringg` against `sim` through a proxy applying `rewrite`.
async fn through(sim: &RunningSimulator, rewrite: Rewrite, args: &[&str]) -> assert_cmd::Command {
    let base = rewriting_proxy(&sim.base_url(), rewrite).await;
    let mut cmd = bare();
    cmd.args(["--base-url", &base, "--api-key", sim.api_key()]);
    cmd.args(args);
    cmd
}

/// A simulator whose demo assistant delivers `call_completed` to [`CRM`].
async fn subscribed_sim() -> RunningSimulator {
    let sim = common::sim().await;
    ok(common::ringg(
        &sim,
        &[
            "webhooks",
            "subscribe",
            "--agent",
            AGENT_ID,
            "--url",
            CRM,
            "--event",
            "call_completed",
        ],
    ))
    .await;
    sim
}

/// The URLs the demo assistant's subscriptions deliver to, read straight from the simulator.
async fn in_force(sim: &RunningSimulator) -> Vec<String> {
    let r = ok(common::ringg(
        sim,
        &["-o", "json", "webhooks", "list", "--agent", AGENT_ID],
    ))
    .await;
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["callback_url"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_refuses_when_the_subscriptions_in_force_are_not_shown() {
    let sim = subscribed_sim().await;
    let args = [
        "webhooks",
        "subscribe",
        "--agent",
        AGENT_ID,
        "--url",
        "http://127.0.0.1:9/new",
        "--event",
        "recording_completed",
    ];
    let r = fails(through(&sim, documented_agent_details(), &args).await, 1).await;
    assert!(
        r.stderr.contains("do not show its webhook subscriptions")
            && r.stderr.contains(&format!(
                "ringg assistants edit {AGENT_ID} event-subscriptions"
            )),
        "{}",
        r.stderr
    );
    assert_eq!(in_force(&sim).await, [CRM]);
    // `assistants get` says the list is not shown rather than "none".
    let r = ok(through(
        &sim,
        documented_agent_details(),
        &["assistants", "get", AGENT_ID],
    )
    .await)
    .await;
    for row in ["webhooks", "inbound number", "web-call public key"] {
        let line = r.stdout.lines().find(|l| l.contains(&format!(" {row} ")));
        assert!(
            line.is_some_and(|l| l.contains("not shown by the server")),
            "{row}: {}",
            r.stdout
        );
    }
    // `assistants embed` does not say the assistant has no public key, only that it is not
    // shown.
    let args = [
        "assistants",
        "embed",
        AGENT_ID,
        "--domain",
        "https://shop.example",
    ];
    let r = fails(through(&sim, documented_agent_details(), &args).await, 1).await;
    assert!(
        r.stderr.contains("does not show its web-call public key"),
        "{}",
        r.stderr
    );
}

/// The quickstart against such a server changes nothing: it would otherwise save the unseen
/// list as empty and put that back at its end, erasing every subscription.
#[tokio::test(flavor = "multi_thread")]
async fn quickstart_changes_no_subscription_it_cannot_see() {
    let sim = subscribed_sim().await;
    let args = [
        "quickstart",
        "--to",
        "+919876500011",
        "--yes",
        "--timeout",
        "60",
        "--from-number-id",
        ringg_sim::demo::NUMBER_ID_2,
    ];
    let r = fails(through(&sim, documented_agent_details(), &args).await, 1).await;
    assert!(
        r.stderr.contains("do not show its webhook subscriptions"),
        "{}",
        r.stderr
    );
    assert_eq!(in_force(&sim).await, [CRM]);
    assert!(sim.handle().calls().is_empty(), "no call may be placed");
}

/// History rows as Ringg documents them (§2.3.3 DOC): no `bulk_list_id`, nor the simulator's
/// other extras.
fn documented_history_rows() -> Rewrite {
    Arc::new(|method, path, v| {
        if method != http::Method::GET || !path.ends_with("/calling/history") {
            return;
        }
        for row in v
            .get_mut("calls")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(row) = row.as_object_mut() {
                for key in ["bulk_list_id", "custom_args_values", "retry_count"] {
                    row.remove(key);
                }
            }
        }
    })
}

/// Launches a campaign that starts tomorrow, so its calls are queued; the simulator.
async fn a_campaign_starting_tomorrow() -> RunningSimulator {
    let sim = common::sim().await;
    let start = tomorrow_ist("10:00");
    let flags = [
        "--number-pool",
        NUMBER_POOL_ID,
        "--timezone",
        "Asia/Kolkata",
        "--start",
        &start,
        "--yes",
        "--no-follow",
    ];
    ok(common::ringg(
        &sim,
        &launch_args(CONTACTS, "Tomorrow", &flags),
    ))
    .await;
    assert!(all_queued(&sim));
    sim
}

/// Whether every call of the simulator is still queued.
fn all_queued(sim: &RunningSimulator) -> bool {
    let calls = sim.handle().calls();
    !calls.is_empty() && calls.iter().all(|c| c.status == "registered")
}

/// `terminate` of the demo assistant's calls, keeping those scheduled for later.
const KEEP_SCHEDULED: [&str; 5] = [
    "terminate",
    "--agent",
    AGENT_ID,
    "--keep-scheduled",
    "--yes",
];

/// `terminate --agent A --keep-scheduled` leaves the calls of a campaign that starts tomorrow
/// when the history rows do not name their campaign: it asks the history for that campaign's.
#[tokio::test(flavor = "multi_thread")]
async fn keep_scheduled_keeps_a_later_campaign_whose_rows_do_not_name_it() {
    let sim = a_campaign_starting_tomorrow().await;
    let r = ok(through(&sim, documented_history_rows(), &KEEP_SCHEDULED).await).await;
    assert!(
        all_queued(&sim),
        "stdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
}

/// Where a campaign's id is not its list's (Ringg does not say it is), the history filter finds
/// none of its calls: the calls no row names are left, and named, rather than cancelled.
#[tokio::test(flavor = "multi_thread")]
async fn keep_scheduled_leaves_calls_it_cannot_tell_apart() {
    let sim = a_campaign_starting_tomorrow().await;
    let rows = documented_history_rows();
    let rewrite: Rewrite = Arc::new(move |method, path, v| {
        rows(method, path, v);
        if path.ends_with("/campaign/all") {
            for c in v["campaigns"].as_array_mut().into_iter().flatten() {
                let id = c["id"].as_str().unwrap_or_default().to_owned();
                c["id"] = format!("campaign-of-{id}").into();
            }
        }
    });
    let r = ok(through(&sim, rewrite, &KEEP_SCHEDULED).await).await;
    assert!(
        all_queued(&sim),
        "stdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
    assert!(
        r.stdout.contains("could not be told apart") && r.stdout.contains("--calls"),
        "stdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
}
