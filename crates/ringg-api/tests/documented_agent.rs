//! An assistant's details as Ringg documents them show no webhook subscription list (only the
//! live, versioned answer has one). Ringg replaces the whole list on every write, so a change
//! computed from a list that was not shown would erase the subscriptions in force: the SDK
//! refuses instead, and writes nothing.

mod common;
#[path = "common/rewrite.rs"]
mod rewrite;

use rewrite::{documented_agent_details, rewriting_proxy};
use ringg_api::types::AgentId;
use ringg_api::types::webhook::{EventSubscription, EventType};
use ringg_api::{Client, ErrorKind};

const CRM: &str = "http://127.0.0.1:9/crm-receiver";
const NEW: &str = "http://127.0.0.1:9/new-receiver";

/// A simulator whose demo assistant delivers `call_completed` to [`CRM`], a client straight to
/// it, and a client that sees the documented details.
async fn subscribed() -> (ringg_sim::RunningSimulator, Client, Client) {
    let sim = common::seeded_sim().await;
    let direct = common::client(&sim);
    direct
        .assistants()
        .edit_event_subscriptions(
            &agent(),
            vec![EventSubscription::new(vec![EventType::CallCompleted], CRM)],
        )
        .await
        .unwrap();
    let base = rewriting_proxy(&sim.base_url(), documented_agent_details()).await;
    let documented = Client::builder()
        .ignore_env()
        .api_key(sim.api_key())
        .base_url(base)
        .build()
        .unwrap();
    (sim, direct, documented)
}

fn agent() -> AgentId {
    AgentId::new(ringg_sim::demo::AGENT_ID)
}

/// The subscriptions in force, read straight from the simulator.
async fn in_force(direct: &Client) -> Vec<String> {
    let subs = direct
        .assistants()
        .webhook_subscriptions(&agent())
        .await
        .unwrap();
    subs.into_iter().map(|s| s.callback_url).collect()
}

fn assert_unverifiable(result: Result<impl std::fmt::Debug, ringg_api::Error>) {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unverifiable, "{err}");
    assert!(
        err.to_string()
            .contains("do not show its webhook subscriptions"),
        "{err}"
    );
    assert!(
        err.hint()
            .is_some_and(|h| h.contains("edit_event_subscriptions")),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribing_keeps_what_it_cannot_see() {
    let (_sim, direct, documented) = subscribed().await;
    let new = EventSubscription::new(vec![EventType::AllProcessingCompleted], NEW);
    assert_unverifiable(
        documented
            .assistants()
            .subscribe_webhooks(&agent(), vec![new.clone()])
            .await,
    );
    assert_unverifiable(
        documented
            .assistants()
            .add_webhook_subscription(&agent(), new, false)
            .await,
    );
    assert_eq!(in_force(&direct).await, [CRM]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsubscribing_and_listing_do_not_take_an_unseen_list_for_empty() {
    let (_sim, direct, documented) = subscribed().await;
    assert_unverifiable(
        documented
            .assistants()
            .unsubscribe_webhooks(&agent(), NEW, &[])
            .await,
    );
    assert_unverifiable(
        documented
            .assistants()
            .webhook_subscriptions(&agent())
            .await,
    );
    assert_eq!(in_force(&direct).await, [CRM]);
}
