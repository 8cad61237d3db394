//! Assistants (agents): list, details, create, update, operation-based edits, archive, voices,
//! and webhook subscriptions with a safe read-merge-write
//! ([`subscribe_webhooks`](Assistants::subscribe_webhooks)).

use futures::Stream;
use ringg_types::assistants::{
    AgentEdit, AssistantDetails, AssistantDetailsResponse, AssistantList, AssistantSummary,
    CreateAssistantRequest, CreateAssistantResponse, DeleteAssistantResponse, EditAssistantRequest,
    EditAssistantResponse, UpdateAssistantRequest, UpdateAssistantResponse, VoicesQuery,
    VoicesResponse,
};
use ringg_types::common::OneOrMany;
use ringg_types::ids::{AgentId, VersionId};
use ringg_types::operations as ops;
use ringg_types::webhook::{EventSubscription, EventType};

use crate::client::Client;
use crate::error::Error;
use crate::lists::list_stream;
use crate::pagination::MAX_PAGE_SIZE;
use crate::request_path::page_query;

/// `client.assistants()`.
#[derive(Debug, Clone)]
pub struct Assistants<'a> {
    client: &'a Client,
}

impl Client {
    /// Assistant (agent) endpoints.
    pub fn assistants(&self) -> Assistants<'_> {
        Assistants { client: self }
    }
}

impl Assistants<'_> {
    /// `GET /agent/all`: one page of assistants (`limit` and `offset` are always sent).
    pub async fn list(&self, limit: u32, offset: u64) -> Result<AssistantList, Error> {
        let query = page_query(limit.clamp(1, MAX_PAGE_SIZE), offset);
        self.client
            .pairs_op(&ops::LIST_ASSISTANTS, &[], query)
            .await
    }

    /// Every assistant, fetched page by page as the stream is read (the endpoint returns no
    /// total, so the stream ends on a short page).
    pub fn stream(&self) -> impl Stream<Item = Result<AssistantSummary, Error>> + Send + 'static {
        list_stream(
            self.client,
            0,
            MAX_PAGE_SIZE,
            u64::MAX,
            |client, offset, limit| async move { client.assistants().list(limit, offset).await },
        )
    }

    /// `GET /agent/{agent_id}`: one assistant in detail (unwrapped from Ringg's `agents` key).
    ///
    /// Use [`AssistantDetails::active_version`], [`AssistantDetails::event_subscriptions`] and
    /// [`AssistantDetails::custom_variable_names`] to read the configuration in force.
    pub async fn get(&self, agent_id: &AgentId) -> Result<AssistantDetails, Error> {
        let resp: AssistantDetailsResponse = self
            .client
            .get_op(&ops::GET_ASSISTANT, &[("agent_id", agent_id.as_str())])
            .await?;
        Ok(resp.agents)
    }

    /// `POST /public/agent`: creates a single-prompt assistant. The documented length limits
    /// are checked before sending. Not retried after an ambiguous failure (it would create a
    /// second assistant): list the assistants to check before trying again.
    pub async fn create(
        &self,
        request: &CreateAssistantRequest,
    ) -> Result<CreateAssistantResponse, Error> {
        let op = &ops::CREATE_ASSISTANT;
        request
            .validate()
            .map_err(|e| Error::invalid_input(e.to_string()).with_operation(op.id))?;
        self.client.body_op(op, &[], request).await
    }

    /// `PATCH /public/agent/{agent_id}`: updates the template fields that are set.
    ///
    /// **Unstable**: Ringg keeps this endpoint out of its documentation's navigation and does
    /// not promise to keep it; prefer [`edit`](Self::edit) (`PATCH /agent/v1`) where an
    /// operation exists. Refuses an empty update and over-long fields before sending.
    pub async fn update(
        &self,
        agent_id: &AgentId,
        request: &UpdateAssistantRequest,
    ) -> Result<UpdateAssistantResponse, Error> {
        let op = &ops::UPDATE_ASSISTANT;
        if request.is_empty() {
            return Err(Error::invalid_input(
                "the update sets no field; set at least one field of UpdateAssistantRequest",
            )
            .with_operation(op.id));
        }
        request
            .validate()
            .map_err(|e| Error::invalid_input(e.to_string()).with_operation(op.id))?;
        self.client
            .body_op(op, &[("agent_id", agent_id.as_str())], request)
            .await
    }

    /// `PATCH /agent/v1`: one operation-based edit (see [`AgentEdit`] for the operations).
    ///
    /// Edits replace the whole field they touch (`edit_custom_vars`,
    /// `edit_event_subscriptions`, ...): read the current value first when you mean to add to
    /// it, or use [`subscribe_webhooks`](Self::subscribe_webhooks) for subscriptions.
    pub async fn edit(
        &self,
        request: &EditAssistantRequest,
    ) -> Result<EditAssistantResponse, Error> {
        let op = &ops::EDIT_ASSISTANT;
        if request.agent_id.as_str().trim().is_empty() {
            return Err(
                Error::invalid_input("the edit has an empty agent_id").with_operation(op.id)
            );
        }
        self.client.body_op(op, &[], request).await
    }

    /// `edit_event_subscriptions`: **replaces** the assistant's whole webhook subscription
    /// list with `subscriptions` (an empty list removes every subscription). To add to the
    /// current list, use [`subscribe_webhooks`](Self::subscribe_webhooks).
    pub async fn edit_event_subscriptions(
        &self,
        agent_id: &AgentId,
        subscriptions: Vec<EventSubscription>,
    ) -> Result<EditAssistantResponse, Error> {
        check_subscriptions(&subscriptions)?;
        let req = EditAssistantRequest::new(
            agent_id.clone(),
            AgentEdit::EditEventSubscriptions {
                event_subscriptions: subscriptions,
            },
        );
        self.edit(&req).await
    }

    /// Adds webhook subscriptions without losing the existing ones.
    ///
    /// Ringg replaces the whole list on every write, so this reads the subscriptions in force
    /// (the active version's, via [`get`](Self::get)), merges `new_subscriptions` into them
    /// with [`merge_subscriptions`] (an event type already subscribed is moved to the new
    /// subscription, i.e. replaced), and writes the result back to the same version.
    /// Returns the edit response and the list written.
    pub async fn subscribe_webhooks(
        &self,
        agent_id: &AgentId,
        new_subscriptions: Vec<EventSubscription>,
    ) -> Result<(EditAssistantResponse, Vec<EventSubscription>), Error> {
        check_subscriptions(&new_subscriptions)?;
        if new_subscriptions.is_empty() {
            return Err(Error::invalid_input(
                "no subscription to add; to remove every subscription call edit_event_subscriptions with an empty list",
            )
            .with_operation(ops::EDIT_ASSISTANT.id));
        }
        let details = self.get(agent_id).await?;
        let version = details
            .active_version()
            .map(|(id, _)| VersionId::new(id.to_string()));
        let current = details.event_subscriptions().unwrap_or_default();
        let merged = merge_subscriptions(current, new_subscriptions);
        let mut req = EditAssistantRequest::new(
            agent_id.clone(),
            AgentEdit::EditEventSubscriptions {
                event_subscriptions: merged.clone(),
            },
        );
        if let Some(v) = version {
            req = req.version(v);
        }
        let resp = self.edit(&req).await?;
        Ok((resp, merged))
    }

    /// `DELETE /agent/{agent_id}`: archives the assistant (Ringg keeps this endpoint out of
    /// its documentation's navigation; afterwards `get` answers 404).
    pub async fn delete(&self, agent_id: &AgentId) -> Result<DeleteAssistantResponse, Error> {
        self.client
            .get_op(&ops::DELETE_ASSISTANT, &[("agent_id", agent_id.as_str())])
            .await
    }

    /// `GET /agent/voices`: the voices available, optionally only those speaking one of the
    /// languages in `query.language` (comma-separated; see [`VoicesQuery::for_languages`]).
    pub async fn voices(&self, query: &VoicesQuery) -> Result<VoicesResponse, Error> {
        let query = query
            .language
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|lang| vec![("language".to_string(), lang.to_string())])
            .unwrap_or_default();
        self.client.pairs_op(&ops::LIST_VOICES, &[], query).await
    }
}

fn check_subscriptions(subs: &[EventSubscription]) -> Result<(), Error> {
    for (i, s) in subs.iter().enumerate() {
        if s.event_types().is_empty() {
            return Err(Error::invalid_input(format!(
                "event subscription #{i} lists no event type; add at least one (e.g. all_processing_completed)"
            ))
            .with_operation(ops::EDIT_ASSISTANT.id));
        }
        if s.callback_url.trim().is_empty() {
            return Err(Error::invalid_input(format!(
                "event subscription #{i} has an empty callback_url; give the full HTTPS URL of your receiver"
            ))
            .with_operation(ops::EDIT_ASSISTANT.id));
        }
    }
    Ok(())
}

/// Merges subscriptions the way [`Assistants::subscribe_webhooks`] writes them.
///
/// Every event type named by `new` is removed from the `current` subscriptions (a current
/// subscription left with no event type is dropped); the remaining current subscriptions keep
/// their order and every other field, and `new` is appended. So subscribing an event type that
/// is already subscribed replaces its URL, headers and method, and nothing else changes.
pub fn merge_subscriptions(
    current: &[EventSubscription],
    new: Vec<EventSubscription>,
) -> Vec<EventSubscription> {
    let taken: Vec<&EventType> = new.iter().flat_map(|s| s.event_types()).collect();
    let mut out: Vec<EventSubscription> = Vec::with_capacity(current.len() + new.len());
    for sub in current {
        let kept: Vec<EventType> = sub
            .event_types()
            .iter()
            .filter(|t| !taken.contains(t))
            .cloned()
            .collect();
        if kept.is_empty() {
            continue;
        }
        let mut sub = sub.clone();
        if kept.len() != sub.event_types().len() {
            sub.event_type = match (&sub.event_type, kept.len()) {
                (OneOrMany::One(_), 1) => OneOrMany::One(kept[0].clone()),
                _ => OneOrMany::Many(kept),
            };
        }
        out.push(sub);
    }
    out.extend(new);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(types: Vec<EventType>, url: &str) -> EventSubscription {
        EventSubscription::new(types, url)
    }

    #[test]
    fn merge_replaces_same_event_types_and_keeps_the_rest() {
        let current = vec![
            sub(
                vec![EventType::CallCompleted, EventType::RecordingCompleted],
                "https://a.example/hook",
            ),
            sub(vec![EventType::CallStarted], "https://b.example/hook"),
        ];
        let merged = merge_subscriptions(
            &current,
            vec![sub(
                vec![EventType::CallCompleted],
                "https://c.example/hook",
            )],
        );
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[0].callback_url, "https://a.example/hook");
        assert_eq!(merged[0].event_types(), &[EventType::RecordingCompleted]);
        assert_eq!(merged[1].event_types(), &[EventType::CallStarted]);
        assert_eq!(merged[2].callback_url, "https://c.example/hook");

        // A subscription whose only type is taken disappears.
        let merged = merge_subscriptions(
            &merged,
            vec![sub(vec![EventType::CallStarted], "https://d.example/hook")],
        );
        assert_eq!(
            merged
                .iter()
                .map(|s| s.callback_url.as_str())
                .collect::<Vec<_>>(),
            [
                "https://a.example/hook",
                "https://c.example/hook",
                "https://d.example/hook"
            ]
        );
    }

    #[test]
    fn merge_keeps_single_string_form() {
        let mut one = sub(vec![], "https://a.example/hook");
        one.event_type = OneOrMany::One(EventType::CallCompleted);
        let merged = merge_subscriptions(
            std::slice::from_ref(&one),
            vec![sub(vec![EventType::CallStarted], "https://b.example/hook")],
        );
        assert_eq!(merged[0], one);
    }
}
