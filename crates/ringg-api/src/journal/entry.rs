//! What a journal records: call intents and outcomes, launches, saved subscriptions.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ringg_types::campaigns::{MakeCallAsyncRequest, StartCampaignRequest, StartCampaignV2Request};
use ringg_types::ids::{AgentId, CallId, ListId};
use ringg_types::webhook::EventSubscription;
use serde::{Deserialize, Serialize};

/// A call initiation about to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallIntent {
    /// The client reference sent in `custom_args_values` (see
    /// [`CLIENT_REFERENCE_KEY`](crate::calls::CLIENT_REFERENCE_KEY)); the entry's key.
    pub reference: String,
    /// The operation id (`initiateCallV2`, `initiateCall`).
    pub operation: String,
    /// The assistant that calls.
    pub agent_id: AgentId,
    /// The number called (E.164).
    pub to_number: String,
    /// The caller: `number_pool_id:…`, `from_number_id:…` or `from_number:…`.
    pub caller: String,
    /// When the intent was recorded.
    pub recorded_at: DateTime<Utc>,
    /// How long after sending its request the client that sent it may still be waiting on it
    /// (its [`settle_after`](crate::ClientBuilder::settle_after) wait, or the request's longer
    /// timeout), written `settle_after_ms`. A client settling the entry waits at least this
    /// long, unless told to ignore it
    /// ([`ClientBuilder::ignore_recorded_waits`](crate::ClientBuilder::ignore_recorded_waits)).
    /// `None` in entries written without it: the settling client's own wait.
    #[serde(
        rename = "settle_after_ms",
        default,
        skip_serializing_if = "Option::is_none",
        with = "millis"
    )]
    pub settle_after: Option<Duration>,
}

impl CallIntent {
    /// True when `other` is a call to the same recipient for the same assistant.
    pub fn is_for_same_recipient(&self, other: &CallIntent) -> bool {
        self.agent_id == other.agent_id && self.to_number == other.to_number
    }

    /// True when an earlier call `other` may stop this one (see [`stopped_by`](Self::stopped_by)):
    /// it is to the same recipient for the same assistant, or it was recorded under this
    /// intent's client reference, whoever it called (recording this one would replace it).
    pub(crate) fn may_be_stopped_by(&self, other: &CallIntent) -> bool {
        self.is_for_same_recipient(other) || self.reference == other.reference
    }

    /// Of `calls`, the one that stops a new initiation of this intent: the oldest pending one
    /// to the same recipient for the same assistant; else, with `since`, the newest one to
    /// them placed and recorded at or after `since`. An earlier call under this intent's client
    /// reference counts as one to the same recipient, whoever it called: recording this one
    /// would replace it, and the journal would forget a call that may have been placed.
    pub(crate) fn stopped_by(
        &self,
        calls: Vec<CallEntry>,
        since: Option<DateTime<Utc>>,
    ) -> Option<CallEntry> {
        let (pending, settled): (Vec<_>, Vec<_>) = calls
            .into_iter()
            .filter(|c| self.may_be_stopped_by(&c.intent))
            .partition(|c| !c.is_settled());
        let oldest_pending = pending.into_iter().min_by_key(|c| c.intent.recorded_at);
        oldest_pending.or_else(|| {
            let since = since?;
            settled
                .into_iter()
                .filter(|c| {
                    c.intent.recorded_at >= since
                        && matches!(c.outcome, Some(CallOutcome::Placed { .. }))
                })
                .max_by_key(|c| c.intent.recorded_at)
        })
    }
}

/// `Option<Duration>` as whole milliseconds.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_millis))
    }
}

/// What became of a call initiation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CallOutcome {
    /// Ringg placed the call.
    Placed {
        /// The call's id.
        call_id: CallId,
    },
    /// Ringg refused it (or it was never sent): no call exists.
    Refused {
        /// Why.
        reason: String,
    },
    /// `reconcile` found no call with the reference in its window: no call exists, and
    /// placing it again cannot create a duplicate.
    NotPlaced,
    /// The request failed ambiguously: the call may or may not exist. Unsettled.
    Unknown {
        /// The failure.
        reason: String,
    },
}

impl CallOutcome {
    /// True when the outcome is known (placed, refused, not placed).
    pub fn is_settled(&self) -> bool {
        !matches!(self, Self::Unknown { .. })
    }

    /// The call id, when placed.
    pub fn call_id(&self) -> Option<&CallId> {
        match self {
            Self::Placed { call_id } => Some(call_id),
            _ => None,
        }
    }
}

/// A call initiation in the journal: the intent and, once known, its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallEntry {
    /// What was about to be sent.
    pub intent: CallIntent,
    /// What became of it; `None` while the request is in flight, or when the process died
    /// before the answer arrived.
    pub outcome: Option<CallOutcome>,
    /// When the entry last changed.
    pub updated_at: DateTime<Utc>,
}

impl CallEntry {
    /// A new entry for `intent`, no outcome yet.
    pub fn new(intent: CallIntent) -> Self {
        Self {
            updated_at: intent.recorded_at,
            intent,
            outcome: None,
        }
    }

    /// This entry as another machine settles it: the wait its sender recorded
    /// ([`CallIntent::settle_after`]) lengthened by the slack allowed between two clocks (ten
    /// minutes, as between ours and the server's), since the sender's clock may run behind the
    /// settler's and its request may still be answered. A journal shared by several machines
    /// returns the other machines' entries so (`ringg`'s fleet journal does).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use ringg_api::journal::{CallEntry, CallIntent};
    /// # use ringg_api::types::AgentId;
    /// let intent = CallIntent {
    ///     reference: "rr-1".into(),
    ///     operation: "initiateCallV2".into(),
    ///     agent_id: AgentId::new("a-1"),
    ///     to_number: "+919876543210".into(),
    ///     caller: "from_number_id:n-1".into(),
    ///     recorded_at: chrono::Utc::now(),
    ///     settle_after: Some(Duration::from_secs(30)),
    /// };
    /// let slack = CallEntry::new(intent).with_clock_slack();
    /// assert_eq!(slack.intent.settle_after, Some(Duration::from_secs(630)));
    /// ```
    #[must_use]
    pub fn with_clock_slack(mut self) -> Self {
        let wait = self.intent.settle_after.unwrap_or_default();
        self.intent.settle_after = Some(wait + CLOCK_SLACK.to_std().unwrap_or_default());
        self
    }

    /// This entry with `outcome` recorded, stamped now (`updated_at`), as the journal writes an
    /// initiation's answer or settlement.
    #[must_use]
    pub fn with_outcome(mut self, outcome: CallOutcome) -> Self {
        self.outcome = Some(outcome);
        self.updated_at = Utc::now();
        self
    }

    /// True when the outcome is known; an entry without one, or with
    /// [`CallOutcome::Unknown`], is pending.
    pub fn is_settled(&self) -> bool {
        self.outcome.as_ref().is_some_and(CallOutcome::is_settled)
    }

    /// True when `other` is this same record of the initiation: the same reference, outcome
    /// and times. A record written since (the sender's answer, another settlement) is not.
    pub fn is_same_record(&self, other: &CallEntry) -> bool {
        self.intent.reference == other.intent.reference
            && self.outcome == other.outcome
            && self.intent.recorded_at == other.intent.recorded_at
            && self.updated_at == other.updated_at
    }
}

/// What identifies one campaign launch: the same file, name and assistant is the same launch.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LaunchKey {
    /// The SHA-256 of the CSV's bytes, in hex.
    pub csv_digest: String,
    /// The campaign name.
    pub name: String,
    /// The assistant.
    pub agent_id: AgentId,
}

impl LaunchKey {
    /// The key as one string (what a store indexes).
    pub fn to_key_string(&self) -> String {
        format!("{}\n{}\n{}", self.csv_digest, self.agent_id, self.name)
    }
}

/// How far a launch got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LaunchStage {
    /// The upload is about to be sent (or was sent and its answer never arrived): the list
    /// may or may not exist.
    Uploading,
    /// The upload was accepted: the list exists (its id is in the entry).
    Uploaded,
    /// The start is about to be sent (or was sent and its answer never arrived).
    Starting,
    /// The campaign was started. Settled.
    Started,
    /// The launch stopped for a reason that needs the user (a refused start, too few
    /// credits, a failed upload). Settled; the list, if any, is left as it is.
    Stopped,
    /// The list was deleted (`ringg campaigns discard`). Settled.
    Discarded,
}

impl LaunchStage {
    /// True when nothing is left to do (started, stopped or discarded).
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Started | Self::Stopped | Self::Discarded)
    }
}

impl fmt::Display for LaunchStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Uploading => "uploading",
            Self::Uploaded => "uploaded",
            Self::Starting => "starting",
            Self::Started => "started",
            Self::Stopped => "stopped",
            Self::Discarded => "discarded",
        })
    }
}

/// The start request a launch will send once its list exists (its list id is filled in then).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "endpoint", content = "request", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PlannedStart {
    /// `POST /campaign/v2/start` (a number pool).
    Start(StartCampaignV2Request),
    /// `POST /campaign/start` (caller numbers).
    StartV1(StartCampaignRequest),
    /// `POST /campaign/make-call-async` (the large flow).
    StartLarge(Box<MakeCallAsyncRequest>),
}

impl PlannedStart {
    /// The planned request with its list id set.
    #[must_use]
    pub fn for_list(mut self, list_id: &ListId) -> Self {
        match &mut self {
            Self::Start(r) => r.list_id = list_id.clone(),
            Self::StartV1(r) => r.list_id = list_id.clone(),
            Self::StartLarge(r) => r.bulk_list_id = list_id.clone(),
        }
        self
    }

    /// True for the large flow.
    pub fn is_large(&self) -> bool {
        matches!(self, Self::StartLarge(_))
    }
}

/// A campaign launch in the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaunchEntry {
    /// The launch.
    pub key: LaunchKey,
    /// The list id, once known.
    pub list_id: Option<ListId>,
    /// The step reached.
    pub stage: LaunchStage,
    /// The start request to send once the list exists.
    pub start: PlannedStart,
    /// Why the launch stopped, for [`LaunchStage::Stopped`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When the launch was first recorded.
    pub recorded_at: DateTime<Utc>,
    /// When the entry last changed.
    pub updated_at: DateTime<Utc>,
    /// How long after sending its upload or start the run that last wrote the entry may still
    /// be waiting on it, written `settle_after_ms` (see [`CallIntent::settle_after`]): another
    /// run waits at least this long before it uploads or starts again. `None` in entries
    /// written without it.
    #[serde(
        rename = "settle_after_ms",
        default,
        skip_serializing_if = "Option::is_none",
        with = "millis"
    )]
    pub settle_after: Option<Duration>,
}

impl LaunchEntry {
    /// This entry at `stage`, stamped now.
    #[must_use]
    pub fn at(mut self, stage: LaunchStage) -> Self {
        self.stage = stage;
        self.updated_at = Utc::now();
        self
    }

    /// This entry as another machine weighs it: the wait its writer recorded
    /// ([`settle_after`](Self::settle_after)) lengthened by the slack allowed between two
    /// clocks (ten minutes), since the writer's clock may run behind the reader's and its upload
    /// or start may still be carried out, as [`CallEntry::with_clock_slack`] does for a call.
    /// A journal shared by several machines returns the other machines' records so (`ringg`'s
    /// fleet journal does). The record stays the same record
    /// ([`is_same_record`](Self::is_same_record)).
    #[must_use]
    pub fn with_clock_slack(mut self) -> Self {
        let wait = self.settle_after.unwrap_or_default();
        self.settle_after = Some(wait + CLOCK_SLACK.to_std().unwrap_or_default());
        self
    }

    /// True when `other` is this same record of the launch: the same key, stage, list id and
    /// times. A record written since (by another run of the same launch) is not.
    pub fn is_same_record(&self, other: &LaunchEntry) -> bool {
        self.key == other.key
            && self.stage == other.stage
            && self.list_id == other.list_id
            && self.recorded_at == other.recorded_at
            && self.updated_at == other.updated_at
    }
}

/// An assistant's webhook subscriptions as they were before a tool changed them for a while
/// (for example `ringg quickstart` pointing them at a local receiver), to be put back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSubscriptions {
    /// The assistant.
    pub agent_id: AgentId,
    /// The subscriptions to put back (possibly none).
    pub subscriptions: Vec<EventSubscription>,
    /// Who changed them (e.g. `ringg quickstart`).
    pub changed_by: String,
    /// When they were saved.
    pub saved_at: DateTime<Utc>,
}

/// Why a journal could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The journal's file is damaged or is not a journal. Nothing was read from it or written
    /// to it.
    #[error(
        "the journal {path} is damaged ({detail}); move it aside (e.g. `mv {path} {path}.damaged`) and run the command again to start a new one; the calls it held can then only be settled by reconciling their client references"
    )]
    Damaged {
        /// The file.
        path: String,
        /// What is wrong with it.
        detail: String,
    },
    /// The journal could not be read or written.
    #[error("the journal could not be used: {0}")]
    Store(String),
}

impl JournalError {
    /// A store failure with `detail`.
    pub fn store(detail: impl fmt::Display) -> Self {
        Self::Store(detail.to_string())
    }
}

/// How far the server's clock may be from ours when a time the journal recorded (on our
/// clock) is compared with times the server gives (on its own): a search for what an entry
/// left on the server starts this much before the entry's time.
pub(crate) const CLOCK_SLACK: chrono::Duration = chrono::Duration::minutes(10);

/// The scope a journal keeps entries under for a client of `base_url` with `api_key`: the base
/// URL (without a trailing slash) and a fingerprint of the key (the first 16 hex digits of its
/// SHA-256, which does not reveal the key). A workspace's entries are seen only by clients of
/// the same server and key; after a key rotation, settle what is pending with the old key first.
///
/// The URL is written as a URL parser reads it (scheme and host in lower case, a default port
/// left out, surrounding spaces trimmed), so two spellings of one server share their entries:
///
/// ```
/// use ringg_api::journal::journal_scope;
/// assert_eq!(
///     journal_scope("HTTPS://Prod-API.ringg.ai:443/ca/api/v0/", "k"),
///     journal_scope("https://prod-api.ringg.ai/ca/api/v0", "k"),
/// );
/// ```
pub fn journal_scope(base_url: &str, api_key: &str) -> String {
    format!("{}{SCOPE_KEY}{}", scope_url(base_url), fingerprint(api_key))
}

/// The first 8 bytes of `secret`'s SHA-256, in hex.
fn fingerprint(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(secret.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// What a scope's URL carries in place of the password of its user information.
const PASSWORD_FINGERPRINT: &str = "sha256-";

/// True when `password` is a fingerprint [`scope_url`] wrote (`sha256-` and 16 hex digits).
fn is_fingerprint(password: &str) -> bool {
    password
        .strip_prefix(PASSWORD_FINGERPRINT)
        .is_some_and(|h| {
            h.len() == 16
                && h.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// What separates a scope's URL from its key fingerprint.
const SCOPE_KEY: &str = " key:";

/// `base_url` as [`journal_scope`] writes it: a password in its user information replaced by
/// its fingerprint, so the journal's file does not hold it (an earlier version kept it; such
/// entries are adopted, see [`current_scope`]).
fn scope_url(base_url: &str) -> String {
    // As the client's base URL check writes it (`base_url::validate_base_url`, which this
    // module cannot call: its errors lead back here).
    let trimmed = base_url.trim();
    match url::Url::parse(trimmed) {
        Ok(mut url) => {
            if let Some(password) = url.password().filter(|p| !is_fingerprint(p)) {
                let masked = format!("{PASSWORD_FINGERPRINT}{}", fingerprint(password));
                // Cannot fail: the URL has a host, since it has a password.
                let _ = url.set_password(Some(&masked));
            }
            url.as_str().trim_end_matches('/').to_owned()
        }
        Err(_) => trimmed.trim_end_matches('/').to_owned(),
    }
}

/// `scope` as [`journal_scope`] writes it now, when it is a scope it wrote (in any version):
/// an earlier version kept the base URL as it was given, so one server could have entries
/// under several spellings.
#[cfg(feature = "sqlite")]
pub(crate) fn current_scope(scope: &str) -> Option<String> {
    let (url, fp) = scope.rsplit_once(SCOPE_KEY)?;
    Some(format!("{}{SCOPE_KEY}{fp}", scope_url(url)))
}

/// When a request recorded (or last updated) at `updated_at` can no longer be answered, for a
/// client that waits `wait` for an answer, written as RFC 3339 ("much later" past the
/// calendar's end); `None` once that time has passed.
pub(crate) fn answerable_until(
    updated_at: DateTime<Utc>,
    wait: std::time::Duration,
) -> Option<String> {
    answerable_at(updated_at, wait, Utc::now())
}

/// As [`answerable_until`], as of `at` (when a history search began: a call made while it
/// ran may be missing from the pages it read): `None` when the request could no longer be
/// answered then.
pub(crate) fn answerable_at(
    updated_at: DateTime<Utc>,
    wait: std::time::Duration,
    at: DateTime<Utc>,
) -> Option<String> {
    let until = chrono::Duration::from_std(wait)
        .ok()
        .and_then(|w| updated_at.checked_add_signed(w));
    if until.is_some_and(|t| t <= at) {
        return None;
    }
    Some(until.map_or_else(|| "much later".to_owned(), |t| rfc3339_secs(&t)))
}

/// `t` in RFC 3339 to the second, as messages show times (`2026-12-05T16:21:30Z`).
pub(crate) fn rfc3339_secs(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The caller of a call initiation, as a [`CallIntent`] records it.
pub(crate) fn caller_text(caller: &ringg_types::calls::CallerSource) -> String {
    use ringg_types::calls::CallerSource;
    match caller {
        CallerSource::FromNumberId(id) => format!("from_number_id:{id}"),
        CallerSource::FromNumber(n) => format!("from_number:{n}"),
        CallerSource::NumberPool(p) => format!("number_pool_id:{p}"),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_keeps_servers_and_keys_apart_without_the_key() {
        let a = journal_scope("https://prod-api.ringg.ai/ca/api/v0/", "key-one");
        assert_eq!(
            a,
            journal_scope("https://prod-api.ringg.ai/ca/api/v0", "key-one")
        );
        assert_ne!(
            a,
            journal_scope("https://prod-api.ringg.ai/ca/api/v0", "key-two")
        );
        assert_ne!(a, journal_scope("http://127.0.0.1:9/ca/api/v0", "key-one"));
        assert!(!a.contains("key-one"));
    }

    #[test]
    fn outcomes_settle_except_unknown() {
        let intent = CallIntent {
            reference: "rr-1".into(),
            operation: "initiateCallV2".into(),
            agent_id: AgentId::new("a"),
            to_number: "+919876543210".into(),
            caller: "number_pool_id:p".into(),
            recorded_at: Utc::now(),
            settle_after: None,
        };
        let mut e = CallEntry::new(intent);
        assert!(!e.is_settled());
        e.outcome = Some(CallOutcome::Unknown {
            reason: "reset".into(),
        });
        assert!(!e.is_settled());
        e.outcome = Some(CallOutcome::NotPlaced);
        assert!(e.is_settled());
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["outcome"]["outcome"], "not_placed");
        let back: CallEntry = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
    }
}
