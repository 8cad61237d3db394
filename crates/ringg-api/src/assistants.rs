//! Assistants (agents): list, details, create, update, operation-based edits, archive, voices,
//! and webhook subscriptions with a safe read-merge-write
//! ([`subscribe_webhooks`](Assistants::subscribe_webhooks)).

use futures::Stream;
use ringg_types::assistants::{
    AgentEdit, AssistantDetails, AssistantDetailsResponse, AssistantList, AssistantSummary,
    CreateAssistantRequest, CreateAssistantResponse, DeleteAssistantResponse, EditAssistantRequest,
    EditAssistantResponse, FieldTooLong, UpdateAssistantRequest, UpdateAssistantResponse,
    VoicesQuery, VoicesResponse,
};
use ringg_types::common::OneOrMany;
use ringg_types::ids::{AgentId, VersionId};
use ringg_types::operations as ops;
use ringg_types::redact::url_shown;
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
            .map_err(|e| too_long(&e).with_operation(op.id))?;
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
            return Err(Error::invalid_input("the update sets no field")
                .with_hint("set at least one field of UpdateAssistantRequest")
                .with_operation(op.id));
        }
        request
            .validate()
            .map_err(|e| too_long(&e).with_operation(op.id))?;
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
    /// Returns the edit response and the list written. To refuse moving an event type off
    /// another URL, use [`add_webhook_subscription`](Self::add_webhook_subscription).
    ///
    /// Writes nothing, failing with [`ErrorKind::Unverifiable`](crate::ErrorKind::Unverifiable),
    /// when the assistant's details show no subscription list (see
    /// [`webhook_subscriptions`](Self::webhook_subscriptions)).
    pub async fn subscribe_webhooks(
        &self,
        agent_id: &AgentId,
        new_subscriptions: Vec<EventSubscription>,
    ) -> Result<(EditAssistantResponse, Vec<EventSubscription>), Error> {
        check_subscriptions(&new_subscriptions)?;
        if new_subscriptions.is_empty() {
            return Err(Error::invalid_input("no subscription to add")
                .with_hint(
                    "to remove every subscription, call edit_event_subscriptions with an empty list",
                )
                .with_operation(ops::EDIT_ASSISTANT.id));
        }
        let change = self
            .change_subscriptions(agent_id, |current| {
                Ok(merge_subscriptions(current, new_subscriptions))
            })
            .await?;
        Ok((change.response, change.after))
    }

    /// The webhook subscriptions in force (the active version's).
    ///
    /// # Errors
    /// [`ErrorKind::Unverifiable`](crate::ErrorKind::Unverifiable) when the assistant's details
    /// show no subscription list at all (Ringg's documented answer has none; only versioned
    /// answers carry one), rather than an empty list that may not be true.
    pub async fn webhook_subscriptions(
        &self,
        agent_id: &AgentId,
    ) -> Result<Vec<EventSubscription>, Error> {
        let details = self.get(agent_id).await?;
        subscriptions_shown(&details, agent_id)
    }

    /// Adds one subscription. Ringg delivers each event type to one URL, so an event type
    /// already subscribed at another URL would move to this one: that is refused unless
    /// `move_events` is true (see [`moved_event_types`]). The same URL's event types are
    /// replaced by the new subscription's; every other subscription is kept.
    ///
    /// Writes nothing, failing with [`ErrorKind::Unverifiable`](crate::ErrorKind::Unverifiable),
    /// when the assistant's details show no subscription list (see
    /// [`webhook_subscriptions`](Self::webhook_subscriptions)).
    pub async fn add_webhook_subscription(
        &self,
        agent_id: &AgentId,
        subscription: EventSubscription,
        move_events: bool,
    ) -> Result<SubscriptionChange, Error> {
        check_subscriptions(std::slice::from_ref(&subscription))?;
        self.change_subscriptions(agent_id, |current| {
            let moved = moved_event_types(current, &subscription);
            if !moved.is_empty() && !move_events {
                let list: Vec<String> = moved
                    .iter()
                    .map(|(t, url)| format!("{} (delivered to {})", t.as_str(), url_shown(url)))
                    .collect();
                return Err(Error::invalid_input(format!(
                    "subscribing {} would move {} off another URL, since Ringg delivers each event type to one URL",
                    url_shown(&subscription.callback_url),
                    list.join(", ")
                ))
                .with_hint("allow the move (move_events), or leave those event types out")
                .with_operation(ops::EDIT_ASSISTANT.id));
            }
            Ok(merge_subscriptions(current, vec![subscription]))
        })
        .await
    }

    /// Removes the subscriptions to `url`: only the `event_types` given, or all of them when
    /// the list is empty. Every other subscription is kept.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) when no subscription matches, and
    /// [`ErrorKind::Unverifiable`](crate::ErrorKind::Unverifiable) when the assistant's details
    /// show no subscription list (nothing is written either way).
    pub async fn unsubscribe_webhooks(
        &self,
        agent_id: &AgentId,
        url: &str,
        event_types: &[EventType],
    ) -> Result<SubscriptionChange, Error> {
        self.change_subscriptions(agent_id, |current| {
            let after = remove_subscriptions(current, url, event_types);
            if after == current {
                return Err(Error::not_found(format!(
                    "assistant {agent_id} has no subscription {}to {}",
                    if event_types.is_empty() {
                        String::new()
                    } else {
                        let names: Vec<&str> = event_types.iter().map(EventType::as_str).collect();
                        format!("of {} ", names.join(", "))
                    },
                    url_shown(url)
                ))
                .with_operation(ops::EDIT_ASSISTANT.id));
            }
            Ok(after)
        })
        .await
    }

    /// Reads the subscriptions in force, lets `change` compute the new list, and writes it to
    /// the same version.
    async fn change_subscriptions(
        &self,
        agent_id: &AgentId,
        change: impl FnOnce(&[EventSubscription]) -> Result<Vec<EventSubscription>, Error>,
    ) -> Result<SubscriptionChange, Error> {
        let details = self.get(agent_id).await?;
        let version = details
            .active_version()
            .map(|(id, _)| VersionId::new(id.to_string()));
        let before = subscriptions_shown(&details, agent_id)?;
        let after = change(&before)?;
        let mut req = EditAssistantRequest::new(
            agent_id.clone(),
            AgentEdit::EditEventSubscriptions {
                event_subscriptions: after.clone(),
            },
        );
        if let Some(v) = version {
            req = req.version(v);
        }
        let response = self.edit(&req).await?;
        Ok(SubscriptionChange {
            response,
            before,
            after,
        })
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

/// A field over its length limit: the failure in the message, the advice in the hint.
fn too_long(e: &FieldTooLong) -> Error {
    Error::invalid_input(format!(
        "`{}` is {} characters long, but the API accepts at most {}",
        e.field, e.actual, e.limit
    ))
    .with_hint(format!(
        "shorten `{}` to at most {} characters",
        e.field, e.limit
    ))
}

fn check_subscriptions(subs: &[EventSubscription]) -> Result<(), Error> {
    for (i, s) in subs.iter().enumerate() {
        if s.event_types().is_empty() {
            return Err(Error::invalid_input(format!(
                "event subscription #{i} lists no event type"
            ))
            .with_hint("add at least one event type (e.g. all_processing_completed)")
            .with_operation(ops::EDIT_ASSISTANT.id));
        }
        if s.callback_url.trim().is_empty() {
            return Err(Error::invalid_input(format!(
                "event subscription #{i} has an empty callback_url"
            ))
            .with_hint("give the full HTTPS URL of your receiver")
            .with_operation(ops::EDIT_ASSISTANT.id));
        }
    }
    Ok(())
}

/// What a change of an assistant's webhook subscriptions did.
#[derive(Debug, Clone)]
pub struct SubscriptionChange {
    /// The edit's response.
    pub response: EditAssistantResponse,
    /// The subscriptions before.
    pub before: Vec<EventSubscription>,
    /// The subscriptions written.
    pub after: Vec<EventSubscription>,
}

/// The event types of `new` that `current` delivers to another URL, with that URL: what
/// adding `new` would move.
pub fn moved_event_types(
    current: &[EventSubscription],
    new: &EventSubscription,
) -> Vec<(EventType, String)> {
    let mut out = Vec::new();
    for t in new.event_types() {
        for sub in current {
            if sub.callback_url != new.callback_url && sub.event_types().contains(t) {
                out.push((t.clone(), sub.callback_url.clone()));
            }
        }
    }
    out
}

/// `current` without the subscriptions to `url`: only `event_types` of them, or all when the
/// list is empty (a subscription left with no event type is dropped).
pub fn remove_subscriptions(
    current: &[EventSubscription],
    url: &str,
    event_types: &[EventType],
) -> Vec<EventSubscription> {
    let mut out = Vec::with_capacity(current.len());
    for sub in current {
        if sub.callback_url != url {
            out.push(sub.clone());
            continue;
        }
        if event_types.is_empty() {
            continue;
        }
        out.extend(without_types(sub, |t| event_types.contains(t)));
    }
    out
}

/// `sub` without the event types `drop` picks; `None` when none is left.
fn without_types(
    sub: &EventSubscription,
    drop: impl Fn(&EventType) -> bool,
) -> Option<EventSubscription> {
    let kept: Vec<EventType> = sub
        .event_types()
        .iter()
        .filter(|t| !drop(t))
        .cloned()
        .collect();
    if kept.is_empty() {
        return None;
    }
    let mut sub = sub.clone();
    if kept.len() != sub.event_types().len() {
        sub.event_type = match (&sub.event_type, kept.len()) {
            (OneOrMany::One(_), 1) => OneOrMany::One(kept[0].clone()),
            _ => OneOrMany::Many(kept),
        };
    }
    Some(sub)
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
        out.extend(without_types(sub, |t| taken.contains(&t)));
    }
    out.extend(new);
    out
}

/// The subscriptions in force as `details` shows them. Details that show no list at all (the
/// documented answer of `GET /agent/{id}` has none, and a versioned one whose version in force
/// cannot be told has none either) are [`ErrorKind::Unverifiable`](crate::ErrorKind::Unverifiable):
/// taking them for an empty list would have a change written back erase every subscription in
/// force, and with them the events they deliver.
fn subscriptions_shown(
    details: &AssistantDetails,
    agent_id: &AgentId,
) -> Result<Vec<EventSubscription>, Error> {
    details
        .event_subscriptions()
        .map(<[EventSubscription]>::to_vec)
        .ok_or_else(|| {
            Error::unverifiable(format!(
                "the details of assistant {agent_id} do not show its webhook subscriptions, so which are in force is not known and none was changed"
            ))
            .with_hint(
                "see them in Ringg's dashboard, then write the whole list with edit_event_subscriptions",
            )
            .with_operation(ops::GET_ASSISTANT.id)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(types: Vec<EventType>, url: &str) -> EventSubscription {
        EventSubscription::new(types, url)
    }

    #[test]
    fn moves_are_named_and_removal_keeps_the_rest() {
        let current = vec![
            sub(
                vec![EventType::CallCompleted, EventType::RecordingCompleted],
                "https://a.example/hook",
            ),
            sub(vec![EventType::CallStarted], "https://b.example/hook"),
        ];
        let new = sub(
            vec![EventType::CallCompleted, EventType::CallStarted],
            "https://b.example/hook",
        );
        assert_eq!(
            moved_event_types(&current, &new),
            vec![(
                EventType::CallCompleted,
                "https://a.example/hook".to_string()
            )]
        );
        let same_url = sub(vec![EventType::CallStarted], "https://b.example/hook");
        assert!(moved_event_types(&current, &same_url).is_empty());

        let one = remove_subscriptions(
            &current,
            "https://a.example/hook",
            &[EventType::CallCompleted],
        );
        assert_eq!(one.len(), 2);
        assert_eq!(one[0].event_types(), &[EventType::RecordingCompleted]);
        let all = remove_subscriptions(&current, "https://a.example/hook", &[]);
        assert_eq!(all, vec![current[1].clone()]);
        assert_eq!(
            remove_subscriptions(&current, "https://c.example/hook", &[]),
            current
        );
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
