//! Knowledge bases: create one from a file, a URL and an FAQ, wait until it is processed,
//! attach it to an assistant, add a source, then clean up.
//!
//! Against a real workspace the writes run only with `RINGG_EXAMPLES_WRITE=1`.
//!
//! ```text
//! cargo run -p ringg-api --example knowledge_bases
//! ```

mod common;

use std::time::Duration;

use futures::TryStreamExt;
use ringg_api::knowledge_bases::KbFile;
use ringg_api::types::assistants::{AgentEdit, EditAssistantRequest};
use ringg_api::types::knowledge_base::{CreateKbForm, EditKbForm, Faq};

#[tokio::main]
async fn main() -> common::Result {
    let setup = common::connect().await?;
    let client = &setup.client;

    for kb in client.knowledge_bases().list().await? {
        println!("{} {}", kb.kb_id, kb.kb_name.as_deref().unwrap_or("?"));
    }

    if setup.writes_allowed() {
        let mut form = CreateKbForm::new("Renewal policy");
        form.urls = vec!["https://example.com/renewals".into()];
        form.faqs = vec![Faq::new(
            "Can I renew after the due date?",
            "Yes, within a 30-day grace period.",
        )];
        let created = client
            .knowledge_bases()
            .create(
                &form,
                vec![KbFile::bytes(
                    "renewal-terms.txt",
                    "Policies renew yearly. Grace period: 30 days.",
                )],
            )
            .await?;
        let kb_id = created.kb_id.ok_or("no kb_id in the create response")?;
        println!("created {kb_id}: {:?}", created.processing_status);

        // Processing is asynchronous; wait until it settles (bounded).
        let mut details = client.knowledge_bases().get(&kb_id).await?;
        for _ in 0..60 {
            if details.is_settled() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
            details = client.knowledge_bases().get(&kb_id).await?;
        }
        println!("{kb_id} is {:?}", details.status);

        let assistants: Vec<_> = client.assistants().stream().try_collect().await?;
        if let Some(agent) = assistants.first() {
            client
                .assistants()
                .edit(&EditAssistantRequest::new(
                    agent.id.clone(),
                    AgentEdit::AttachKb {
                        kb_id: kb_id.clone(),
                    },
                ))
                .await?;
            println!("attached {kb_id} to {}", agent.id);
            client
                .assistants()
                .edit(&EditAssistantRequest::new(
                    agent.id.clone(),
                    AgentEdit::RemoveKb {
                        kb_id: kb_id.clone(),
                    },
                ))
                .await?;
        }

        let mut edit = EditKbForm::new(kb_id.clone());
        edit.new_faqs = vec![Faq::new("Who do I call?", "Your agent, or 1800-000-000.")];
        let edited = client.knowledge_bases().edit(&edit, vec![]).await?;
        println!("edit: {}", edited.message.unwrap_or_default());

        client.knowledge_bases().delete(&kb_id).await?;
        println!("deleted {kb_id}");
    }

    setup.finish().await;
    Ok(())
}
