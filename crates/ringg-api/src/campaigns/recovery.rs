//! Journaled launches: each step of a launch written down as it goes, so the same launch run
//! again after a crash resumes from where it was ([`Campaigns::resume`],
//! [`Campaigns::discard`]).

use std::sync::Arc;

use chrono::Utc;
use ringg_types::calls::DeleteContactListResponse;
use ringg_types::enums::CampaignStatus;
use ringg_types::ids::ListId;

use crate::campaigns::endpoints::{Campaigns, PollOptions};
use crate::campaigns::outcome::{
    LaunchError, LaunchStep, ResumeOutcome, ResumedLaunch, StartResponse,
};
use crate::campaigns::preflight::CampaignFlow;
use crate::campaigns::recovery::in_flight::{
    not_started, overtaken, same_name_unfinished, same_name_upload, start_in_flight,
    upload_in_flight,
};
use crate::campaigns::request::LaunchRequest;
use crate::deadline::answer_deadline;
use crate::error::{Error, ErrorKind};
use crate::journal::{Journal, LaunchEntry, LaunchStage, PlannedStart, answerable_until};
use ringg_types::operations::{START_CAMPAIGN, START_CAMPAIGN_V2, START_LARGE_CAMPAIGN};

mod in_flight;
mod lookup;

/// What an earlier run of the same launch left behind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Recovered {
    /// Nothing (no journal, no earlier run, or one that never uploaded): launch afresh.
    Nothing,
    /// The list exists and its campaign is not started: start it.
    List {
        /// The list.
        list_id: ListId,
        /// The stage the earlier run had recorded.
        found: LaunchStage,
        /// The campaign's status.
        status: Option<CampaignStatus>,
    },
    /// The campaign was started already: nothing to send.
    Started {
        /// The list.
        list_id: ListId,
        /// The stage the earlier run had recorded.
        found: LaunchStage,
        /// The campaign's status.
        status: Option<CampaignStatus>,
    },
}

/// A launch's record in the journal, advanced step by step (inert without a journal). Each
/// step is written only over the record this run read or wrote last
/// ([`Journal::put_launch_if_unchanged`]): when another run of the same launch wrote since,
/// this run stops before sending anything more, and leaves the record to the other.
#[derive(Default)]
pub(crate) struct Progress {
    journal: Option<Arc<dyn Journal>>,
    entry: Option<LaunchEntry>,
    /// The record as this run last read or wrote it (`None`: there was none).
    seen: Option<LaunchEntry>,
}

impl Progress {
    /// Records `stage` (and the list id, once known) before the step it guards runs.
    pub(crate) async fn reach(
        &mut self,
        stage: LaunchStage,
        list_id: Option<&ListId>,
    ) -> Result<(), Error> {
        let (Some(journal), Some(entry)) = (&self.journal, self.entry.take()) else {
            return Ok(());
        };
        let mut entry = entry.at(stage);
        if let Some(id) = list_id {
            entry.list_id = Some(id.clone());
        }
        match journal
            .put_launch_if_unchanged(&entry, self.seen.as_ref())
            .await
        {
            Ok(true) => {
                self.seen = Some(entry.clone());
                self.entry = Some(entry);
                Ok(())
            }
            Ok(false) => {
                let now = journal.launch(&entry.key).await.ok().flatten();
                // The record is the other run's now: this one writes nothing more.
                self.journal = None;
                Err(overtaken(&entry.key, now.as_ref()))
            }
            Err(e) => {
                self.entry = Some(entry);
                Err(Error::journal(e))
            }
        }
    }

    /// Runs a step's request recorded by the last [`reach`](Self::reach) so that it is over by
    /// the time a later run may rule it out (the wait recorded with the step, counted from
    /// when the step was stamped, not from when the journal's write returned); not sent at
    /// all when that write took the whole wait. Without a journal (or a recorded wait), `send`
    /// as it is.
    async fn bounded<R>(
        &self,
        send: impl std::future::Future<Output = Result<R, Error>>,
        operation: &'static str,
    ) -> Result<R, Error> {
        let Some((entry, wait)) = self
            .entry
            .as_ref()
            .filter(|_| self.journal.is_some())
            .and_then(|e| Some((e, e.settle_after?)))
        else {
            return send.await;
        };
        let what = format!("the launch {:?}'s {:?} step", entry.key.name, entry.stage);
        let end = answer_deadline(entry.updated_at, wait, &what)
            .map_err(|e| e.with_operation(operation))?;
        tokio::time::timeout_at(end, send).await.unwrap_or_else(|_| {
            Err(Error::timeout(format!(
                "the request was not over {} s after the step was recorded, when a later run may rule it out",
                wait.as_secs_f64().round()
            ))
            .into_outcome_unknown()
            .with_operation(operation))
        })
    }

    /// The upload step: recorded as started before `upload` is sent, as done (with the list
    /// id `list_id_of` reads from the answer, which Ringg calls `field`) after. A failure is
    /// recorded (see [`failed`](Self::failed)); an answer without a list id is outcome unknown,
    /// so the next run finds the list by name. Another launch of the same name whose list is
    /// not known yet stops this one before it sends anything (see [`Self::name_is_clear`]).
    pub(crate) async fn upload<R>(
        &mut self,
        step: LaunchStep,
        upload: impl std::future::Future<Output = Result<R, Error>>,
        list_id_of: impl FnOnce(&R) -> Option<ListId>,
        field: &str,
        operation: &'static str,
    ) -> Result<(R, ListId), LaunchError> {
        let failed = |error: Error| LaunchError::Failed {
            step,
            list_id: None,
            error,
        };
        self.reach(LaunchStage::Uploading, None)
            .await
            .map_err(failed)?;
        if let Err(error) = self.name_is_clear().await {
            self.stop(error.to_string()).await;
            return Err(failed(error));
        }
        let answer = match self.bounded(upload, operation).await {
            Ok(answer) => answer,
            Err(error) => {
                let error = error.unread_answer_is_unknown();
                self.failed(&error).await;
                return Err(failed(error));
            }
        };
        let list_id = list_id_of(&answer).ok_or_else(|| {
            let error =
                Error::invalid_input(format!("Ringg accepted the upload but returned no {field}"));
            failed(
                error
                    .with_hint(NO_LIST_ID_HINT)
                    .into_outcome_unknown()
                    .with_operation(operation),
            )
        })?;
        self.reach(LaunchStage::Uploaded, Some(&list_id))
            .await
            .map_err(|error| LaunchError::Failed {
                step,
                list_id: Some(list_id.clone()),
                error,
            })?;
        Ok((answer, list_id))
    }

    /// Checks, once this run's upload is recorded as sent and before it is sent, that no other
    /// launch of the same name has an upload whose list is not known yet and could be confused
    /// with this one's ([`same_name_upload`]), and that no other file's launch of the same
    /// name and assistant is unfinished ([`same_name_unfinished`]). Checking after writing
    /// means that of two runs that write at once, the later one sees the earlier one (both
    /// may stop; neither uploads a list the other could take).
    async fn name_is_clear(&self) -> Result<(), Error> {
        let (Some(journal), Some(entry)) = (&self.journal, &self.entry) else {
            return Ok(());
        };
        let pending = journal.pending_launches().await.map_err(Error::journal)?;
        same_name_upload(entry, &pending)
            .or_else(|| same_name_unfinished(entry, &pending))
            .map_or(Ok(()), Err)
    }

    /// Records a step's failure: an ambiguous one leaves the stage as it is (the next run
    /// finds out what happened), and so does a step not sent because its record took too
    /// long (the next run finds nothing and sends it); any other stops the launch with the
    /// error as its note.
    pub(crate) async fn failed(&mut self, error: &Error) {
        if matches!(error.kind(), ErrorKind::OutcomeUnknown | ErrorKind::Journal) {
            return;
        }
        self.stop(error.to_string()).await;
    }

    /// Records that the launch stopped for a reason that needs the user.
    pub(crate) async fn stop(&mut self, note: String) {
        if let Some(entry) = self.entry.as_mut() {
            entry.note = Some(note);
        }
        if let Err(e) = self.reach(LaunchStage::Stopped, None).await {
            tracing::warn!(target: "ringg_api::journal", "could not record a stopped launch: {e}");
        }
    }
}

impl Campaigns<'_> {
    /// Opens the journal record of `request` and finds what an earlier run of it did.
    pub(crate) async fn open_progress(
        &self,
        request: &LaunchRequest,
        planned: PlannedStart,
    ) -> Result<(Progress, Recovered), Error> {
        let Some(journal) = self.client().journal().cloned() else {
            return Ok((Progress::default(), Recovered::Nothing));
        };
        let form = &request.campaign;
        let key = request
            .csv
            .launch_key(&form.campaign_name, &form.agent_id)
            .await
            .map_err(|e| {
                Error::io(
                    format!(
                        "cannot read {} to identify the launch",
                        request.csv.file_name()
                    ),
                    e,
                )
            })?;
        let now = Utc::now();
        let recorded = Some(self.client().recorded_transfer_wait());
        let fresh = LaunchEntry {
            key: key.clone(),
            list_id: None,
            stage: LaunchStage::Uploading,
            start: planned.clone(),
            note: None,
            recorded_at: now,
            updated_at: now,
            settle_after: recorded,
        };
        let seen = journal.launch(&key).await.map_err(Error::journal)?;
        let Some(prior) = seen.clone().filter(|e| e.stage != LaunchStage::Discarded) else {
            return Ok((progress(journal, fresh, seen), Recovered::Nothing));
        };
        let wait = self.client().transfer_settle_wait(prior.settle_after);
        let list_id = match &prior.list_id {
            Some(id) => Some(id.clone()),
            None if prior.stage == LaunchStage::Uploading => {
                let found = self
                    .find_created(&prior, journal.as_ref())
                    .await?
                    .map(|(list_id, _)| list_id);
                if found.is_none()
                    && let Some(until) = answerable_until(prior.updated_at, wait)
                {
                    return Err(upload_in_flight(&prior, &until));
                }
                found
            }
            None => None,
        };
        let Some(list_id) = list_id else {
            return Ok((progress(journal, fresh, seen), Recovered::Nothing));
        };
        let campaign = self
            .find_launched(&list_id, &prior, journal.as_ref())
            .await?;
        let Some(campaign) = campaign else {
            // The list is gone (deleted elsewhere): upload it again.
            return Ok((progress(journal, fresh, seen), Recovered::Nothing));
        };
        let found = prior.stage;
        let status = campaign.campaign_status.clone();
        if let Some(early) = start_in_flight(&prior, &list_id, status.as_ref(), wait) {
            return Err(early);
        }
        let mut entry = prior;
        entry.list_id = Some(list_id.clone());
        entry.start = planned;
        entry.note = None;
        entry.settle_after = recorded;
        let mut p = progress(journal, entry, seen);
        if not_started(status.as_ref()) {
            p.reach(LaunchStage::Uploaded, Some(&list_id)).await?;
            Ok((
                p,
                Recovered::List {
                    list_id,
                    found,
                    status,
                },
            ))
        } else {
            p.reach(LaunchStage::Started, Some(&list_id)).await?;
            Ok((
                p,
                Recovered::Started {
                    list_id,
                    found,
                    status,
                },
            ))
        }
    }

    /// The steps after the upload: for the large flow, waiting for the upload and the balance
    /// check; then the start, recorded before it is sent.
    pub(crate) async fn start_list(
        &self,
        progress: &mut Progress,
        list_id: &ListId,
        planned: &PlannedStart,
        poll: PollOptions,
    ) -> Result<ResumedLaunch, LaunchError> {
        let failed = |step: LaunchStep| {
            let list_id = list_id.clone();
            move |error: Error| LaunchError::Failed {
                step,
                list_id: Some(list_id),
                error,
            }
        };
        let mut steps = ResumedLaunch::default();
        if planned.is_large() {
            steps.upload_status = Some(
                self.wait_for_upload(list_id, poll)
                    .await
                    .map_err(failed(LaunchStep::WaitForUpload))?,
            );
            let balance = self
                .check_balance(list_id)
                .await
                .map_err(failed(LaunchStep::CheckBalance))?;
            if balance.is_sufficient() == Some(false) {
                let amount = |c: Option<&ringg_types::common::Credits>| {
                    c.map(|c| c.to_string()).unwrap_or_else(|| "?".into())
                };
                let error = Error::invalid_input(format!(
                    "not enough credits for campaign {list_id}: it requires {} credits and {} are available",
                    amount(balance.required_credits.as_ref()),
                    amount(balance.available_credits.as_ref()),
                ))
                .with_hint(format!(
                    "top up the workspace, then run the same launch again (or resume list {list_id})"
                ))
                .with_operation(ringg_types::operations::CHECK_LARGE_CAMPAIGN_BALANCE.id);
                progress.failed(&error).await;
                return Err(failed(LaunchStep::CheckBalance)(error));
            }
            steps.balance = Some(balance);
        }
        let step = if planned.is_large() {
            LaunchStep::StartLarge
        } else {
            LaunchStep::Start
        };
        progress
            .reach(LaunchStage::Starting, Some(list_id))
            .await
            .map_err(failed(step))?;
        let request = planned.clone().for_list(list_id);
        let started = match &request {
            PlannedStart::Start(r) => progress
                .bounded(self.start(r), START_CAMPAIGN_V2.id)
                .await
                .map(StartResponse::Standard),
            PlannedStart::StartV1(r) => progress
                .bounded(self.start_v1(r), START_CAMPAIGN.id)
                .await
                .map(StartResponse::Standard),
            PlannedStart::StartLarge(r) => progress
                .bounded(self.start_large(r), START_LARGE_CAMPAIGN.id)
                .await
                .map(StartResponse::Large),
        };
        let started = match started {
            Ok(s) => s,
            Err(error) => {
                let error = error.unread_answer_is_unknown();
                progress.failed(&error).await;
                return Err(failed(step)(error));
            }
        };
        if let Err(e) = progress.reach(LaunchStage::Started, Some(list_id)).await {
            tracing::warn!(target: "ringg_api::journal", "could not record a started campaign: {e}");
        }
        steps.started = Some(started);
        Ok(steps)
    }

    /// Continues a launch recorded in the client's journal from its list: when its campaign is
    /// not started yet, runs the steps left (for the large flow, waiting for the upload and
    /// the balance check) and starts it with the start request recorded at launch; when it was
    /// started already, sends nothing.
    ///
    /// # Errors
    /// [`LaunchError::Refused`] when the client has no journal, the journal knows no launch
    /// of this list, or the list no longer exists; [`LaunchError::Failed`] as
    /// [`launch`](Self::launch).
    pub async fn resume(
        &self,
        list_id: &ListId,
        poll: PollOptions,
    ) -> Result<ResumeOutcome, LaunchError> {
        let recover = |error: Error| LaunchError::Failed {
            step: LaunchStep::Recover,
            list_id: Some(list_id.clone()),
            error,
        };
        let Some(journal) = self.client().journal().cloned() else {
            return Err(LaunchError::refused(
                "this client keeps no journal, so it knows no launch to resume; build it with ClientBuilder::journal",
            ));
        };
        let entry = journal
            .launch_for_list(list_id)
            .await
            .map_err(|e| recover(Error::journal(e)))?;
        let Some(mut entry) = entry.filter(|e| e.stage != LaunchStage::Discarded) else {
            return Err(LaunchError::refused(format!(
                "the journal holds no launch of list {list_id}; start a list uploaded elsewhere with the start commands"
            )));
        };
        let campaign = self
            .find_launched(list_id, &entry, journal.as_ref())
            .await
            .map_err(recover)?;
        let Some(campaign) = campaign else {
            // Deleted (in the dashboard, say): nothing can call from it any more, so the launch
            // is settled as stopped and holds up no other launch of its name.
            let name = entry.key.name.clone();
            if !entry.stage.is_settled() {
                let mut p = progress(journal.clone(), entry.clone(), Some(entry));
                p.stop(format!("list {list_id} no longer exists")).await;
            }
            return Err(LaunchError::refused(format!(
                "list {list_id} ({name:?}) no longer exists; launch the file again"
            )));
        };
        let flow = if entry.start.is_large() {
            CampaignFlow::Large
        } else {
            CampaignFlow::Standard
        };
        let found = entry.stage;
        let status = campaign.campaign_status.clone();
        let wait = self.client().transfer_settle_wait(entry.settle_after);
        if let Some(early) = start_in_flight(&entry, list_id, status.as_ref(), wait) {
            return Err(recover(early));
        }
        let planned = entry.start.clone();
        let seen = Some(entry.clone());
        entry.settle_after = Some(self.client().recorded_transfer_wait());
        let mut p = progress(journal, entry, seen);
        let mut steps = if not_started(status.as_ref()) {
            self.start_list(&mut p, list_id, &planned, poll).await?
        } else {
            p.reach(LaunchStage::Started, Some(list_id))
                .await
                .map_err(recover)?;
            ResumedLaunch::default()
        };
        steps.found = Some(found);
        steps.status = status;
        Ok(ResumeOutcome {
            list_id: list_id.clone(),
            flow,
            resumed: steps,
        })
    }

    /// Deletes the contact list of a campaign that was never started
    /// (`DELETE /calling/contact/{list_id}`), and marks its launch discarded in the journal, if
    /// any: the launch of this list, or else the one pending launch of the campaign's name
    /// whose upload answer was lost (so a run of that launch, or another launch of the name,
    /// does not wait to settle it). A started campaign is refused: stop it with a terminate
    /// request instead.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when no campaign has this list id, [`ErrorKind::InvalidInput`]
    /// when it was started; the request's error otherwise.
    pub async fn discard(&self, list_id: &ListId) -> Result<DeleteContactListResponse, Error> {
        let journal = self.client().journal().cloned();
        let entry = match &journal {
            Some(j) => j.launch_for_list(list_id).await.map_err(Error::journal)?,
            None => None,
        };
        let name = entry.as_ref().map(|e| e.key.name.clone());
        let Some(campaign) = self.find_list(list_id, name.as_deref()).await? else {
            // Gone already: its launch, if not settled, is discarded with it.
            let forgotten = self.forget_gone_list(list_id).await?;
            return Err(Error::not_found(match forgotten {
                true => format!(
                    "no campaign has list id {list_id} (deleted already?); its launch in the journal is marked discarded"
                ),
                false => format!(
                    "no campaign has list id {list_id}; check the id (the campaigns list shows them)"
                ),
            }));
        };
        if !not_started(campaign.campaign_status.as_ref()) {
            return Err(Error::invalid_input(format!(
                "campaign {list_id} is {}, not a draft: only a list that was never started is discarded",
                campaign
                    .campaign_status
                    .as_ref()
                    .map_or("of unknown status", |s| s.as_str())
            ))
            .with_hint("stop a running campaign with a terminate request"));
        }
        let deleted = self.client().calls().delete_contact_list(list_id).await?;
        let Some(journal) = journal else {
            return Ok(deleted);
        };
        // A launch whose upload answer was lost has no list id recorded: the one pending
        // upload of this campaign's name is the launch this list came from.
        let entry = match (entry, campaign.name.as_ref()) {
            (Some(entry), _) => Some(entry),
            (None, Some(name)) => {
                lookup::unanswered_upload(journal.as_ref(), name, campaign.agent_id.as_ref())
                    .await?
            }
            (None, None) => None,
        };
        if let Some(seen) = entry {
            lookup::mark_discarded(journal.as_ref(), seen, list_id).await?;
        }
        Ok(deleted)
    }
}

fn progress(journal: Arc<dyn Journal>, entry: LaunchEntry, seen: Option<LaunchEntry>) -> Progress {
    Progress {
        journal: Some(journal),
        entry: Some(entry),
        seen,
    }
}

/// The advice after an upload whose answer named no list.
const NO_LIST_ID_HINT: &str = "run the same launch again to find the list by name, or look in the campaign list before uploading again";
