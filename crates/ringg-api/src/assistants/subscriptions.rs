//! An assistant's webhook subscriptions: read, merged or pruned, and written back to the
//! version they live on (while A/B testing is live, to each version taking calls).

use ringg_types::assistants::{
    AgentEdit, AssistantDetails, EditAssistantRequest, EditAssistantResponse,
};
use ringg_types::common::OneOrMany;
use ringg_types::ids::{AgentId, VersionId};
use ringg_types::operations as ops;
use ringg_types::webhook::{EventSubscription, EventType};

use crate::error::Error;

/// Refuses a subscription list Ringg would take but that delivers nothing as meant: one with
/// no event type, or with an empty `callback_url` (which subscription, and what to give).
pub(super) fn check_subscriptions(subs: &[EventSubscription]) -> Result<(), Error> {
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
    /// The edit's response (while A/B testing is live, the first version written's).
    pub response: EditAssistantResponse,
    /// The subscriptions before (while A/B testing is live, the first version written's).
    pub before: Vec<EventSubscription>,
    /// The subscriptions written (while A/B testing is live, the first version written's).
    pub after: Vec<EventSubscription>,
    /// While A/B testing is live, each version's part, the most traffic first (see
    /// [`AssistantDetails::ab_versions_live`]); empty otherwise. A change that fails on one
    /// version is undone on those written before it (their lists put back), so it is made to
    /// every version or, as far as the server lets the lists be put back, to none.
    pub versions: Vec<VersionSubscriptions>,
}

/// One assistant version's part of a [`SubscriptionChange`] while A/B testing is live: each
/// version taking calls has its own webhook subscriptions.
#[derive(Debug, Clone)]
pub struct VersionSubscriptions {
    /// The version.
    pub version_id: VersionId,
    /// Its subscriptions before.
    pub before: Vec<EventSubscription>,
    /// Its subscriptions after (the same when it had nothing to change).
    pub after: Vec<EventSubscription>,
    /// The edit's response; `None` when the version had nothing to change and was not written.
    pub response: Option<EditAssistantResponse>,
}

/// The `edit_event_subscriptions` edit writing `list` to `version` (the default one when
/// `None`).
pub(super) fn subscriptions_edit(
    agent_id: &AgentId,
    list: &[EventSubscription],
    version: Option<VersionId>,
) -> EditAssistantRequest {
    let req = EditAssistantRequest::new(
        agent_id.clone(),
        AgentEdit::EditEventSubscriptions {
            event_subscriptions: list.to_vec(),
        },
    );
    match version {
        Some(v) => req.version(v),
        None => req,
    }
}

/// `e`, the failure to write one A/B version's subscriptions after those of `written` were
/// written and could not be put back: which were, and that the same change run again finishes
/// the others.
pub(super) fn partly_written(e: Error, written: &[VersionSubscriptions]) -> Error {
    let done: Vec<&str> = written
        .iter()
        .filter(|v| v.response.is_some())
        .map(|v| v.version_id.as_str())
        .collect();
    if done.is_empty() {
        return e;
    }
    e.with_hint(format!(
        "the subscriptions of version(s) {} were changed already, the other versions' not: make the same change again to finish it",
        done.join(", ")
    ))
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

/// Merges subscriptions the way [`Assistants::subscribe_webhooks`](super::Assistants::subscribe_webhooks) writes them.
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
/// force, and with them the events they deliver. While A/B testing is live, the list of the
/// version with the most traffic (see [`AssistantDetails::ab_versions_live`]).
///
/// # Errors
/// [`ErrorKind::Unverifiable`](crate::ErrorKind::Unverifiable) when the details show no subscription list.
pub fn subscriptions_in_force(details: &AssistantDetails) -> Result<Vec<EventSubscription>, Error> {
    details
        .event_subscriptions()
        .map(<[EventSubscription]>::to_vec)
        .ok_or_else(|| unseen(&format!("the details of assistant {}", details.id)))
}

/// The failure for details (`what`) that show no subscription list: which are in force is not
/// known, so none was changed.
pub(super) fn unseen(what: &str) -> Error {
    Error::unverifiable(format!(
        "{what} do not show its webhook subscriptions, so which are in force is not known and none was changed"
    ))
    .with_hint(
        "see them in Ringg's dashboard, then write the whole list with edit_event_subscriptions",
    )
    .with_operation(ops::GET_ASSISTANT.id)
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
