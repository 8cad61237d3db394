//! What [`Calls::reconcile`](super::Calls::reconcile) looks for.

use ringg_types::common::Timestamp;
use ringg_types::ids::{AgentId, CallId};

use crate::error::Error;
use crate::journal::CallEntry;

/// A time as the journal records it.
type Time = chrono::DateTime<chrono::Utc>;

/// The message of the [`ErrorKind::Unverifiable`](crate::ErrorKind::Unverifiable) error of a
/// search for `reference` that met the calls `unchecked` (up to five are named).
pub(super) fn unverifiable_message(reference: &str, unchecked: &[CallId]) -> String {
    const NAMED: usize = 5;
    let mut named: Vec<&str> = unchecked.iter().take(NAMED).map(CallId::as_str).collect();
    if unchecked.len() > NAMED {
        named.push("…");
    }
    format!(
        "the call with reference {reference:?} is neither found nor ruled out: {} call(s) in the history searched may be it, but the server showed none of their variables (custom_args_values), in the history or in call details: {}",
        unchecked.len(),
        named.join(", ")
    )
}

/// For an unsettled initiation recorded (or last updated) less than `wait` before `at`, when
/// the search that missed it began (see
/// [`Client::settle_wait`](crate::Client::settle_wait)), the
/// [`ErrorKind::TooEarly`](crate::ErrorKind::TooEarly) error that says until when its request
/// may still be answered; `None` once it can be ruled out.
pub(super) fn too_early(entry: &CallEntry, wait: std::time::Duration, at: Time) -> Option<Error> {
    if entry.is_settled() {
        return None;
    }
    let after = crate::journal::answerable_at(entry.updated_at, wait, at)?;
    Some(Error::too_early(format!(
        "the call with reference {} is not in the history yet, but its request may still be answered until {after}",
        entry.intent.reference
    )))
}

/// For a call missing from the history, the [`ErrorKind::TooEarly`](crate::ErrorKind::TooEarly)
/// error while its request may still be answered: `wait` after its journal `entry` was last
/// updated, else after this client saw it fail ambiguously (`failed`), else twice `wait` after
/// the time its reference records; each as of `at`, when the search that missed it began.
/// `None` once it can be ruled out.
pub(super) fn not_yet(
    reference: &str,
    entry: Option<&CallEntry>,
    failed: Option<Time>,
    wait: std::time::Duration,
    at: Time,
) -> Option<Error> {
    match (entry, failed) {
        (Some(entry), _) => too_early(entry, wait, at),
        (None, Some(failed)) => too_early_since(reference, failed, wait, at),
        (None, None) => too_early_by_reference(reference, wait, at),
    }
}

/// The wait the sender of the call with `reference` recorded: from its journal `entry`, else
/// (unless this client saw its request end, at `failed`) from the reference.
pub(super) fn sender_wait(
    reference: &str,
    entry: Option<&CallEntry>,
    failed: Option<chrono::DateTime<chrono::Utc>>,
) -> Option<std::time::Duration> {
    match (entry, failed) {
        (Some(e), _) => e.intent.settle_after,
        (None, Some(_)) => None,
        (None, None) => super::reference::reference_wait(reference),
    }
}

/// For a call initiation with `reference` that failed ambiguously at `failed` (as the client
/// that sent it recorded), the [`ErrorKind::TooEarly`](crate::ErrorKind::TooEarly) error that
/// says until when its request may still be answered, `wait` after that; `None` once it can
/// be ruled out.
fn too_early_since(
    reference: &str,
    failed: Time,
    wait: std::time::Duration,
    at: Time,
) -> Option<Error> {
    let after = crate::journal::answerable_at(failed, wait, at)?;
    Some(Error::too_early(format!(
        "the call with reference {reference} is not in the history yet, but its request may still be answered until {after}"
    )))
}

/// For a reference made by [`new_client_reference`](super::new_client_reference), the
/// [`ErrorKind::TooEarly`](crate::ErrorKind::TooEarly) error until twice `wait` after the time
/// it records: its request may have taken up to the total timeout (which `wait` defaults to),
/// and may be carried out for `wait` after that. `None` once that has passed, or when the
/// reference records no time.
fn too_early_by_reference(reference: &str, wait: std::time::Duration, at: Time) -> Option<Error> {
    let made = super::reference::reference_time(reference)?;
    let after = crate::journal::answerable_at(made, wait.saturating_mul(2), at)?;
    Some(Error::too_early(format!(
        "the call with reference {reference} is not in the history yet, but its request (its reference was made at {}) may still be answered until {after}",
        crate::journal::rfc3339_secs(&made)
    )))
}

/// Digits enough to tell two numbers apart: a subscriber number's last seven.
const TELLING_DIGITS: usize = 7;

/// Whether a call to `row` may be one to `wanted`, all digits compared: the shorter number's
/// digits must end the longer's (a country code or trunk zero may be left out) and be at least
/// ten of them, unless they are all the longer one has. A missing or masked number may be any
/// number.
pub(super) fn is_same_number(row: Option<&str>, wanted: &str) -> bool {
    let Some(row) = row.filter(|r| !r.contains(['x', 'X', '*', '\u{2022}', '#'])) else {
        return true;
    };
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let (a, b) = (digits(row), digits(wanted));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return true;
    }
    long.ends_with(&short) && (short.len() >= 10 || short.len() == long.len())
}

/// False only when `row`, a history row's `to_number`, cannot be the number `wanted`: neither
/// holds the other's last seven digits, whatever the formatting, prefixes, trunk zeros or
/// extensions around them. A missing, masked (`+91XXXXXX3210`) or short number may be any
/// number.
pub(super) fn may_be_same_number(row: Option<&str>, wanted: &str) -> bool {
    let row = row.unwrap_or_default();
    if row.contains(['x', 'X', '*', '\u{2022}', '#']) {
        return true;
    }
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let (a, b) = (digits(row), digits(wanted));
    let tail = |d: &str| d[d.len() - TELLING_DIGITS..].to_owned();
    a.len() < TELLING_DIGITS
        || b.len() < TELLING_DIGITS
        || a.contains(&tail(&b))
        || b.contains(&tail(&a))
}

/// What to look for in [`Calls::reconcile`](super::Calls::reconcile).
#[derive(Debug, Clone)]
pub struct ReconcileQuery {
    /// The client reference.
    pub reference: String,
    /// Only calls of this assistant (narrows the search).
    pub agent_id: Option<AgentId>,
    /// Only calls to this number (E.164); rows without `custom_args_values` are checked through
    /// call details unless their number cannot be this one: it is compared by its last seven
    /// digits, whatever surrounds them (`919876543210`, `09876543210` and `+91 98765 43210`
    /// may all be `+919876543210`). A row with no number, or a masked one, is checked.
    pub to_number: Option<String>,
    /// How far back to look (default: [`start`](Self::start): 24 hours ago, or ten minutes
    /// before the call was sent when that is earlier). A time in the future is refused: a
    /// search from then could not rule anything out.
    pub since: Option<Timestamp>,
    /// Give up after scanning this many history rows (default 10,000), with
    /// [`ErrorKind::SearchLimit`](crate::ErrorKind::SearchLimit).
    pub max_rows: u64,
}

impl ReconcileQuery {
    /// A query for `reference` with the defaults.
    pub fn new(reference: impl Into<String>) -> Self {
        Self {
            reference: reference.into(),
            agent_id: None,
            to_number: None,
            since: None,
            max_rows: 10_000,
        }
    }

    /// Narrows to one assistant.
    pub fn agent_id(mut self, agent_id: AgentId) -> Self {
        self.agent_id = Some(agent_id);
        self
    }

    /// Narrows to one recipient.
    pub fn to_number(mut self, number: impl Into<String>) -> Self {
        self.to_number = Some(number.into());
        self
    }

    /// Whether the search is not narrowed away from `intent`: to its assistant (or any), to a
    /// number that may be its recipient (or any), from its time or earlier.
    pub(crate) fn covers(&self, intent: &crate::journal::CallIntent) -> bool {
        self.since
            .as_ref()
            .is_none_or(|s| s.to_utc() <= intent.recorded_at)
            && self.agent_id.as_ref().is_none_or(|a| *a == intent.agent_id)
            && self
                .to_number
                .as_deref()
                .is_none_or(|n| may_be_same_number(Some(n), &intent.to_number))
    }

    /// Where [`Calls::reconcile`](super::Calls::reconcile) starts its search:
    /// [`since`](Self::since) when set; else [`default_since`](Self::default_since), or ten
    /// minutes (the slack for two clocks) before the call was `sent` (the time its journal
    /// entry records, which `reconcile` passes; else the time its reference records) when
    /// that is earlier, so that a call whose wait outlasts a day's search is still looked for
    /// where it is.
    pub fn start(&self, sent: Option<chrono::DateTime<chrono::Utc>>) -> Timestamp {
        if let Some(since) = &self.since {
            return since.clone();
        }
        let default = Self::default_since();
        let sent = sent.or_else(|| super::reference::reference_time(&self.reference));
        match sent.and_then(|t| t.checked_sub_signed(crate::journal::CLOCK_SLACK)) {
            Some(t) if t < default.to_utc() => Timestamp::from_datetime(&t),
            _ => default,
        }
    }

    /// Where a search without [`since`](Self::since) starts when the call's time is not known,
    /// or is later: 24 hours ago (see [`start`](Self::start)).
    pub fn default_since() -> Timestamp {
        Timestamp::from_datetime(&(chrono::Utc::now() - chrono::Duration::hours(24)))
    }

    /// Looks back to `since`.
    pub fn since(mut self, since: Timestamp) -> Self {
        self.since = Some(since);
        self
    }

    /// The search [`Calls::settle_pending`](super::Calls::settle_pending) makes for a journaled
    /// initiation: its assistant and recipient, from ten minutes before it was recorded (the
    /// time is our clock's, which the server compares with its own: a call placed while our
    /// clock ran ahead is still inside the search).
    pub fn for_pending(entry: &CallEntry) -> Self {
        let intent = &entry.intent;
        let since = intent
            .recorded_at
            .checked_sub_signed(crate::journal::CLOCK_SLACK)
            .unwrap_or(intent.recorded_at);
        Self::new(intent.reference.clone())
            .agent_id(intent.agent_id.clone())
            .to_number(intent.to_number.clone())
            .since(Timestamp::from_datetime(&since))
    }

    /// Gives up after scanning `rows` history rows (at least one).
    pub fn max_rows(mut self, rows: u64) -> Self {
        self.max_rows = rows.max(1);
        self
    }
}

impl From<&str> for ReconcileQuery {
    fn from(r: &str) -> Self {
        Self::new(r)
    }
}

impl From<String> for ReconcileQuery {
    fn from(r: String) -> Self {
        Self::new(r)
    }
}

impl From<&String> for ReconcileQuery {
    fn from(r: &String) -> Self {
        Self::new(r.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::ReconcileQuery;
    use super::may_be_same_number as same;

    #[test]
    fn a_search_starts_before_the_call_was_sent_even_at_the_calendars_start() {
        let q = ReconcileQuery::new("rr-any");
        // A call sent two days ago is searched from ten minutes before it.
        let sent = chrono::Utc::now() - chrono::Duration::days(2);
        assert_eq!(
            q.start(Some(sent)).to_utc(),
            sent - chrono::Duration::minutes(10)
        );
        // A time ten minutes cannot be taken from, or a later one, leaves the default 24 hours.
        let default = ReconcileQuery::default_since().to_utc();
        for sent in [chrono::DateTime::<chrono::Utc>::MIN_UTC, chrono::Utc::now()] {
            let start = q.start(Some(sent)).to_utc();
            assert!(
                (start - default).num_seconds().abs() < 5,
                "{start} {default}"
            );
        }
    }

    #[test]
    fn a_number_written_another_way_may_be_the_same() {
        let wanted = "+919876543210";
        for row in [
            "+919876543210",
            "919876543210",
            "09876543210",
            "9876543210",
            "+91 98765-43210",
            "+91 0 98765 43210",
            "+9109876543210",
            "+91XXXXXX3210",
            "+9198XXXX3210",
            "98******10",
            "+919876543210 ext 2",
            "+919876543210,+919876543211",
            "",
            "unknown",
        ] {
            assert!(same(Some(row), wanted), "{row}");
        }
        assert!(same(None, wanted));
        assert!(same(Some("+44 (0)20 7946 0958"), "+442079460958"));
        for row in ["+919876543211", "+14155550100", "919876543200"] {
            assert!(!same(Some(row), wanted), "{row}");
        }
    }
}
