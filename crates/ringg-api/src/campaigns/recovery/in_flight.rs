//! The errors of a launch run that finds another run's upload or start still in flight, or its
//! record written by another run since it read it.

use chrono::{DateTime, Utc};
use ringg_types::enums::CampaignStatus;
use ringg_types::ids::ListId;

use crate::client::TRANSFER_ATTEMPT_TIMEOUT;
use crate::error::Error;
use crate::journal::{LaunchEntry, LaunchKey, LaunchStage, answerable_until, rfc3339_secs};

/// How far from its journal entry's times a list found by name may have been created (the
/// server's clock and ours differ).
pub(super) use crate::journal::CLOCK_SLACK;

/// The statuses of a campaign that was not started.
pub(super) fn not_started(status: Option<&CampaignStatus>) -> bool {
    status.is_some_and(CampaignStatus::is_never_started)
}

/// An earlier run's upload that left no list (yet) and may still be carried out until `until`.
pub(super) fn upload_in_flight(prior: &LaunchEntry, until: &str) -> Error {
    Error::too_early(format!(
        "another run of this launch ({:?}), still running or stopped since, sent its upload at {} and no list of that name is there yet; that upload may still be carried out until {until}",
        prior.key.name,
        rfc3339_secs(&prior.updated_at),
    ))
    .with_hint(format!(
        "run the same launch again after {until} (it uploads the file again only if no list appeared)"
    ))
}

/// For a launch whose start an earlier run sent (stage `starting`) less than `wait` ago and
/// whose campaign is not started yet, the error that says until when that start may still be
/// carried out; `None` otherwise.
pub(super) fn start_in_flight(
    entry: &LaunchEntry,
    list_id: &ListId,
    status: Option<&CampaignStatus>,
    wait: std::time::Duration,
) -> Option<Error> {
    if entry.stage != LaunchStage::Starting || !not_started(status) {
        return None;
    }
    let until = answerable_until(entry.updated_at, wait)?;
    Some(Error::too_early(format!(
        "another run of this launch ({:?}), still running or stopped since, sent the start of list {list_id} at {} and the campaign is not started yet; that start may still be carried out until {until}",
        entry.key.name,
        rfc3339_secs(&entry.updated_at),
    ))
    .with_hint(format!(
        "try again after {until} (the campaign is started only if it is still not started)"
    )))
}

/// The error of a run whose launch record another run of the same launch wrote since this run
/// read it: the other goes on, this one sends nothing more.
pub(super) fn overtaken(key: &LaunchKey, now: Option<&LaunchEntry>) -> Error {
    let state = now.map_or_else(String::new, |e| {
        let list = e
            .list_id
            .as_ref()
            .map_or_else(String::new, |l| format!(", list {l}"));
        format!(
            " (now {}{list}, at {})",
            e.stage,
            rfc3339_secs(&e.updated_at)
        )
    });
    Error::too_early(format!(
        "another run of this launch ({:?}) recorded a step of it since this run read its record{state}, so this run sent nothing more; that run goes on with the launch if it is still running",
        key.name,
    ))
    .with_hint("if that run stopped, run the same launch again later to pick up where it got to")
}

/// By when the list a launch uploaded was created: [`UPLOAD_CREATED_WITHIN`] (or the longer
/// wait its entry records) after the entry was first recorded, when the upload was sent, plus
/// [`CLOCK_SLACK`] for the two clocks. The entry's recorded wait is the last run's, which may
/// be shorter than the uploading run's, so it only ever lengthens the window.
pub(super) fn list_created_by(entry: &LaunchEntry) -> Option<DateTime<Utc>> {
    let wait = entry
        .settle_after
        .map_or(UPLOAD_CREATED_WITHIN, |w| w.max(UPLOAD_CREATED_WITHIN));
    let wait = chrono::Duration::from_std(wait).ok()?;
    entry
        .recorded_at
        .checked_add_signed(wait)?
        .checked_add_signed(CLOCK_SLACK)
}

/// How long after a launch recorded its upload the list it made is taken to have been created:
/// a day, longer than any upload's transfer.
pub(super) const UPLOAD_CREATED_WITHIN: std::time::Duration =
    std::time::Duration::from_secs(24 * 60 * 60);

/// The latest time (give or take the clocks' slack) at which the list `entry`'s upload makes
/// may appear: the time its upload was sent, plus the wait its sender recorded (or, for an
/// entry that records none, [`TRANSFER_ATTEMPT_TIMEOUT`]), plus [`CLOCK_SLACK`]. A list of the
/// name created later is not this upload's. `None` when that is past any date.
pub(super) fn list_appears_by(entry: &LaunchEntry) -> Option<DateTime<Utc>> {
    let wait = entry.settle_after.unwrap_or(TRANSFER_ATTEMPT_TIMEOUT);
    let wait = chrono::Duration::from_std(wait).ok()?;
    entry
        .updated_at
        .checked_add_signed(wait)?
        .checked_add_signed(CLOCK_SLACK)
}

/// Of the `pending` launches, another launch of the same name as `entry` whose upload was sent
/// and whose list is not known yet, recent enough that its list and the one `entry`'s upload
/// would make could each be taken for the other's when either run looks for its list by name
/// after a lost answer (each looks from [`CLOCK_SLACK`] before its own record to
/// [`list_appears_by`]): the error that stops `entry` before it uploads. `None` when there is
/// none.
pub(super) fn same_name_upload(entry: &LaunchEntry, pending: &[LaunchEntry]) -> Option<Error> {
    pending
        .iter()
        .filter(|o| {
            o.key != entry.key
                && o.key.name == entry.key.name
                && o.stage == LaunchStage::Uploading
                && o.list_id.is_none()
        })
        .find_map(|o| {
            let until = list_appears_by(o).and_then(|t| t.checked_add_signed(CLOCK_SLACK));
            if until.is_some_and(|t| entry.recorded_at > t) {
                return None;
            }
            let until = until.map_or_else(|| "much later".to_owned(), |t| rfc3339_secs(&t));
            let which = if o.key.agent_id == entry.key.agent_id {
                "of another file".to_owned()
            } else {
                format!("for assistant {}", o.key.agent_id)
            };
            Some(
                Error::too_early(format!(
                    "another launch named {:?} ({which}) sent its upload at {} and its list is not known yet; until {until} the list this launch would upload could be taken for that one's, so this launch sent nothing",
                    o.key.name,
                    rfc3339_secs(&o.updated_at),
                ))
                .with_hint(format!(
                    "run that launch again (the same file, name and assistant) to settle it: it carries on from its upload, and uploads and starts that file if its upload made no list; or discard the list that upload made, or launch this file under another name; otherwise try again after {until}"
                )),
            )
        })
}

/// Of the `pending` launches, another file's launch of the same name and assistant as
/// `entry` that uploaded its list and is not finished (its start not sent, or sent and not
/// known to be carried out): the error that stops `entry` before it uploads. Launching both
/// would call the contacts the two files share twice (a file saved again, its line endings
/// changed, is another file); that launch is finished by resuming it from its list (or
/// running it again), or its list discarded. `None` when there is none.
pub(super) fn same_name_unfinished(entry: &LaunchEntry, pending: &[LaunchEntry]) -> Option<Error> {
    let other = pending.iter().find(|o| {
        o.key != entry.key
            && o.key.name == entry.key.name
            && o.key.agent_id == entry.key.agent_id
            && o.list_id.is_some()
            && !o.stage.is_settled()
    })?;
    let list_id = other.list_id.as_ref()?;
    let start = match other.stage {
        LaunchStage::Starting => format!(
            "its start was sent at {} and is not known to be carried out",
            rfc3339_secs(&other.updated_at)
        ),
        _ => "its start is not sent yet".to_owned(),
    };
    Some(
        Error::too_early(format!(
            "another launch named {:?} of another file, for this assistant, uploaded list {list_id} and is not finished ({start}); launching this file as well could call the contacts both files hold twice, so this launch sent nothing",
            other.key.name,
        ))
        .with_hint(format!(
            "finish that launch first: resume it from its list {list_id} (`ringg campaigns resume {list_id}`), even if its file changed since; or discard that list (`ringg campaigns discard {list_id}`) if it is not to be called; or launch this file under another name"
        )),
    )
}

#[cfg(test)]
mod tests {
    use ringg_types::campaigns::StartCampaignV2Request;
    use ringg_types::ids::{AgentId, NumberPoolId};

    use super::*;
    use crate::journal::PlannedStart;

    /// A launch of `name` (file `digest`) whose upload was sent at `at`, list not known yet.
    fn uploading(name: &str, digest: &str, at: DateTime<Utc>) -> LaunchEntry {
        let agent_id = AgentId::new("agent");
        LaunchEntry {
            key: LaunchKey {
                csv_digest: digest.into(),
                name: name.into(),
                agent_id: agent_id.clone(),
            },
            list_id: None,
            stage: LaunchStage::Uploading,
            start: PlannedStart::Start(StartCampaignV2Request::new(
                agent_id,
                ListId::new(""),
                NumberPoolId::new("pool"),
            )),
            note: None,
            recorded_at: at,
            updated_at: at,
            settle_after: Some(std::time::Duration::from_secs(300)),
        }
    }

    #[test]
    fn a_time_at_the_calendars_end_holds_up_a_launch_without_overflowing() {
        let last = DateTime::<Utc>::MAX_UTC;
        let other = uploading("june", "a", last);
        assert_eq!(list_appears_by(&other), None);
        // So is a wait too long for any date.
        let mut far = uploading("june", "a", Utc::now());
        far.settle_after = Some(std::time::Duration::MAX);
        assert_eq!(list_appears_by(&far), None);
        // Its list could appear at any later time: a launch of the name is held up, and told so.
        let now = uploading("june", "b", Utc::now());
        let refused = same_name_upload(&now, &[other]).expect("held up");
        assert!(
            refused.to_string().contains("until much later"),
            "{refused}"
        );
        assert_eq!(
            answerable_until(last, std::time::Duration::from_secs(60)).as_deref(),
            Some("much later")
        );
    }

    #[test]
    fn a_time_at_the_calendars_start_holds_nothing_up() {
        let other = uploading("june", "a", DateTime::<Utc>::MIN_UTC);
        assert!(list_appears_by(&other).is_some());
        assert!(same_name_upload(&uploading("june", "b", Utc::now()), &[other]).is_none());
        let first = DateTime::<Utc>::MIN_UTC;
        let minute = std::time::Duration::from_secs(60);
        assert_eq!(answerable_until(first, minute), None);
        // A wait past any date is never over.
        assert_eq!(
            answerable_until(first, std::time::Duration::MAX).as_deref(),
            Some("much later")
        );
    }
}
