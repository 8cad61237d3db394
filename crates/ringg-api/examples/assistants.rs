//! Assistants: list them, read one in detail, list voices, and (against the simulator, or with
//! `RINGG_EXAMPLES_WRITE=1`) create one, rename it, subscribe webhooks without losing existing
//! subscriptions, and archive it.
//!
//! ```text
//! cargo run -p ringg-api --example assistants
//! ```

mod common;

use futures::TryStreamExt;
use ringg_api::types::assistants::{
    AgentEdit, AgentType, CreateAssistantRequest, EditAssistantRequest, Language, VoicesQuery,
};
use ringg_api::types::webhook::{EventSubscription, EventType};

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::connect().await?;
    let client = &setup.client;

    let assistants: Vec<_> = client.assistants().stream().try_collect().await?;
    for a in &assistants {
        println!(
            "{} {} ({})",
            a.id,
            a.agent_display_name.as_deref().unwrap_or("unnamed"),
            a.agent_type.as_ref().map(|t| t.as_str()).unwrap_or("?")
        );
    }
    let Some(first) = assistants.first() else {
        println!("no assistant in this workspace");
        setup.finish().await;
        return Ok(());
    };

    let details = client.assistants().get(&first.id).await?;
    println!(
        "{} uses variables {:?}; active version {:?}; {} webhook subscriptions",
        first.id,
        details.custom_variable_names(),
        details.active_version().map(|(id, _)| id),
        details.event_subscriptions().map_or(0, <[_]>::len)
    );

    let voices = client
        .assistants()
        .voices(&VoicesQuery::for_languages(&[Language::EnIn]))
        .await?
        .voices;
    println!("{} voices speak en-IN", voices.len());

    if setup.writes_allowed() {
        let Some(voice) = voices.first() else {
            println!("no en-IN voice to create an assistant with");
            setup.finish().await;
            return Ok(());
        };
        let mut create = CreateAssistantRequest::new(
            "Renewal Reminder",
            "You are Maya from Acme Insurance, calling to remind @{{callee_name}} of a renewal.",
            "Be brief and polite. Never ask for card numbers.",
            "Confirm the renewal date and offer a callback.",
            Language::EnIn,
            voice.id.clone(),
            "Hello @{{callee_name}}, this is Maya from Acme Insurance.",
        );
        create.agent_type = Some(AgentType::Outbound);
        create.custom_variables = Some(vec![
            "callee_name".into(),
            "mobile_number".into(),
            "policy_id".into(),
        ]);
        let created = client.assistants().create(&create).await?;
        let id = created.data.ok_or("no id in the create response")?.id;
        println!("created assistant {id}");

        client
            .assistants()
            .edit(&EditAssistantRequest::new(
                id.clone(),
                AgentEdit::EditAgentDisplayName {
                    agent_display_name: "Renewal Reminder (EN)".into(),
                },
            ))
            .await?;

        // Ringg replaces the whole subscription list on every write; subscribe_webhooks reads
        // the current list and merges, so earlier subscriptions survive.
        client
            .assistants()
            .subscribe_webhooks(
                &id,
                vec![EventSubscription::new(
                    vec![EventType::CallCompleted],
                    "https://hooks.example.com/ringg/calls",
                )],
            )
            .await?;
        let (_, all) = client
            .assistants()
            .subscribe_webhooks(
                &id,
                vec![
                    EventSubscription::new(
                        vec![EventType::AllProcessingCompleted],
                        "https://hooks.example.com/ringg/final",
                    )
                    .header("Authorization", "Bearer receiver-token"),
                ],
            )
            .await?;
        for s in &all {
            println!("  subscription {:?} -> {}", s.event_types(), s.callback_url);
        }

        client.assistants().delete(&id).await?;
        println!("archived {id}");
    }

    setup.finish().await;
    Ok(())
}
