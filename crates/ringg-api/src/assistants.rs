//! Assistants (agents): list, details, create, update, operation-based edits, archive, voices,
//! and webhook subscriptions with a safe read-merge-write
//! ([`subscribe_webhooks`](Assistants::subscribe_webhooks)).

mod subscriptions;

use futures::Stream;
use ringg_types::assistants::{
    AgentVersion, AssistantDetails, AssistantDetailsResponse, AssistantList, AssistantSummary,
    CreateAssistantRequest, CreateAssistantResponse, DeleteAssistantResponse, EditAssistantRequest,
    EditAssistantResponse, FieldTooLong, UpdateAssistantRequest, UpdateAssistantResponse,
    VoicesQuery, VoicesResponse,
};
use ringg_types::ids::{AgentId, VersionId};
use ringg_types::operations as ops;
use ringg_types::redact::url_shown;
use ringg_types::webhook::{EventSubscription, EventType};
pub use subscriptions::{
    SubscriptionChange, VersionSubscriptions, merge_subscriptions, moved_event_types,
    remove_subscriptions, subscriptions_in_force,
};
use subscriptions::{check_subscriptions, partly_written, subscriptions_edit, unseen};

use crate::client::Client;
use crate::error::{Error, ErrorKind};
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

    /// `PATCH /agent/v1`: one operation-based edit (see [`AgentEdit`](ringg_types::assistants::AgentEdit) for the operations).
    ///
    /// An edit that creates or attaches something (`add_new_ab_version`, a new on-call tool,
    /// `attach_kb`, ...; see
    /// [`AgentEdit::is_repeatable`](ringg_types::assistants::AgentEdit::is_repeatable)) is not
    /// resent after a failure that leaves open whether Ringg carried it out: the error is
    /// [`ErrorKind::OutcomeUnknown`]. Other edits are retried like every idempotent request.
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
        if request.edit.is_repeatable() {
            self.client.body_op(op, &[], request).await
        } else {
            self.client.body_op_once(op, &[], request).await
        }
    }

    /// `edit_event_subscriptions`: **replaces** the assistant's whole webhook subscription
    /// list with `subscriptions` (an empty list removes every subscription). To add to the
    /// current list, use [`subscribe_webhooks`](Self::subscribe_webhooks). Written without a
    /// version, to the one Ringg edits by default: while A/B testing is live, use
    /// [`edit`](Self::edit) with [`EditAssistantRequest::version`] for each version, or the
    /// methods below, which write to each.
    pub async fn edit_event_subscriptions(
        &self,
        agent_id: &AgentId,
        subscriptions: Vec<EventSubscription>,
    ) -> Result<EditAssistantResponse, Error> {
        check_subscriptions(&subscriptions)?;
        self.edit(&subscriptions_edit(agent_id, &subscriptions, None))
            .await
    }

    /// Adds webhook subscriptions without losing the existing ones.
    ///
    /// Ringg replaces the whole list on every write, so this reads the subscriptions in force
    /// (the active version's, via [`get`](Self::get)), merges `new_subscriptions` into them
    /// with [`merge_subscriptions`] (an event type already subscribed is moved to the new
    /// subscription, i.e. replaced), and writes the result back to the same version.
    /// Returns the edit response and the list written. To refuse moving an event type off
    /// another URL, use [`add_webhook_subscription`](Self::add_webhook_subscription).
    /// While A/B testing is live, each version taking calls has its own list: the change is
    /// made to each of them (see [`SubscriptionChange::versions`]).
    ///
    /// Writes nothing, failing with [`ErrorKind::Unverifiable`],
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
                Ok(merge_subscriptions(current, new_subscriptions.clone()))
            })
            .await?;
        Ok((change.response, change.after))
    }

    /// The webhook subscriptions in force (the active version's). While A/B testing is live,
    /// those of the version with the most traffic; each version's are in
    /// [`AssistantDetails::ab_versions_live`].
    ///
    /// # Errors
    /// [`ErrorKind::Unverifiable`] when the assistant's details
    /// show no subscription list at all (Ringg's documented answer has none; only versioned
    /// answers carry one), rather than an empty list that may not be true.
    pub async fn webhook_subscriptions(
        &self,
        agent_id: &AgentId,
    ) -> Result<Vec<EventSubscription>, Error> {
        let details = self.get(agent_id).await?;
        subscriptions_in_force(&details)
    }

    /// Adds one subscription. Ringg delivers each event type to one URL, so an event type
    /// already subscribed at another URL would move to this one: that is refused unless
    /// `move_events` is true (see [`moved_event_types`]). The same URL's event types are
    /// replaced by the new subscription's; every other subscription is kept.
    /// While A/B testing is live, each version taking calls has its own list: the change is
    /// made to each of them (see [`SubscriptionChange::versions`]).
    ///
    /// Writes nothing, failing with [`ErrorKind::Unverifiable`],
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
            Ok(merge_subscriptions(current, vec![subscription.clone()]))
        })
        .await
    }

    /// Removes the subscriptions to `url`: only the `event_types` given, or all of them when
    /// the list is empty. Every other subscription is kept.
    /// While A/B testing is live, each version taking calls has its own list: the change is
    /// made to each of them (see [`SubscriptionChange::versions`]).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when no subscription matches (in no
    /// version, while A/B testing is live), and
    /// [`ErrorKind::Unverifiable`] when the assistant's details
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
    /// the same version; while A/B testing is live, to each version taking calls
    /// ([`change_each_version`](Self::change_each_version)).
    async fn change_subscriptions(
        &self,
        agent_id: &AgentId,
        change: impl Fn(&[EventSubscription]) -> Result<Vec<EventSubscription>, Error>,
    ) -> Result<SubscriptionChange, Error> {
        let details = self.get(agent_id).await?;
        let live = details.ab_versions_live();
        if !live.is_empty() {
            return self.change_each_version(agent_id, &live, change).await;
        }
        let version = details
            .active_version()
            .map(|(id, _)| VersionId::new(id.to_string()));
        let before = subscriptions_in_force(&details)?;
        let after = change(&before)?;
        let response = self
            .edit(&subscriptions_edit(agent_id, &after, version))
            .await?;
        Ok(SubscriptionChange {
            response,
            before,
            after,
            versions: Vec::new(),
        })
    }

    /// [`change_subscriptions`](Self::change_subscriptions) while A/B testing is live: `change`
    /// applied to each version's own list, every list computed before any is written (so a
    /// refusal writes nothing), then written version by version. A version where `change`
    /// finds nothing to change ([`ErrorKind::NotFound`]) is left as it is; that error only
    /// when no version has anything to change.
    async fn change_each_version(
        &self,
        agent_id: &AgentId,
        live: &[(&str, &AgentVersion)],
        change: impl Fn(&[EventSubscription]) -> Result<Vec<EventSubscription>, Error>,
    ) -> Result<SubscriptionChange, Error> {
        let mut planned = Vec::with_capacity(live.len());
        let mut nothing_to_change = None;
        for (id, version) in live {
            let before = version
                .event_subscriptions
                .as_ref()
                .cloned()
                .ok_or_else(|| {
                    unseen(&format!(
                        "the details of version {id} of assistant {agent_id}"
                    ))
                })?;
            let after = match change(&before) {
                Ok(after) => Some(after),
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    nothing_to_change.get_or_insert(e);
                    None
                }
                Err(e) => return Err(e),
            };
            planned.push((VersionId::new(*id), before, after));
        }
        if let Some(e) = nothing_to_change
            && planned.iter().all(|(_, _, after)| after.is_none())
        {
            return Err(e);
        }
        let mut versions: Vec<VersionSubscriptions> = Vec::with_capacity(planned.len());
        for (version_id, before, after) in planned {
            let response = match &after {
                Some(list) => {
                    let edit = subscriptions_edit(agent_id, list, Some(version_id.clone()));
                    match self.edit(&edit).await {
                        Ok(response) => Some(response),
                        Err(e) => return Err(self.put_back(agent_id, &versions, e).await),
                    }
                }
                None => None,
            };
            versions.push(VersionSubscriptions {
                version_id,
                after: after.unwrap_or_else(|| before.clone()),
                before,
                response,
            });
        }
        // At least one version was written (else the NotFound above).
        let Some((written, response)) = versions
            .iter()
            .find_map(|v| v.response.clone().map(|r| (v, r)))
        else {
            return Err(Error::invalid_input(
                "no version of the assistant was changed",
            ));
        };
        Ok(SubscriptionChange {
            response,
            before: written.before.clone(),
            after: written.after.clone(),
            versions,
        })
    }

    /// After the write of one A/B version's subscriptions failed (`e`), puts back the lists
    /// of the versions already `written`, so that the change is made to every version or to
    /// none. Returns `e`, saying which versions keep the change when some could not be put
    /// back.
    async fn put_back(
        &self,
        agent_id: &AgentId,
        written: &[VersionSubscriptions],
        e: Error,
    ) -> Error {
        let mut kept = Vec::new();
        for v in written.iter().filter(|v| v.response.is_some()) {
            let back = subscriptions_edit(agent_id, &v.before, Some(v.version_id.clone()));
            if self.edit(&back).await.is_err() {
                kept.push(v.clone());
            }
        }
        partly_written(e, &kept)
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
