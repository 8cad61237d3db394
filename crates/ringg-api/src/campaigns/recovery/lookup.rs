//! Finding a launch's campaign in `GET /campaign/all`: by its list id, by the launch's name
//! and assistant and the time it uploaded.

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt;
use ringg_types::calls::CallHistoryQuery;
use ringg_types::campaigns::{Campaign, ListCampaignsQuery};
use ringg_types::ids::{AgentId, ListId};

use crate::campaigns::endpoints::Campaigns;
use crate::campaigns::recovery::in_flight::{CLOCK_SLACK, list_appears_by, list_created_by};
use crate::error::Error;
use crate::journal::{Journal, LaunchEntry, LaunchStage};

impl Campaigns<'_> {
    /// Settles the journal's launch of `list_id` as discarded when that list is gone (deleted
    /// in the dashboard, say): no campaign has its id, and none of the launch's name and
    /// assistant was made when it uploaded (a campaign's id may not be its list's). A
    /// launch not settled otherwise holds up every launch of another file under its name. True
    /// when a launch was marked; false when the journal holds no unsettled launch of the list,
    /// or its campaign was found.
    ///
    /// # Errors
    /// The journal's or the campaign lookup's error;
    /// [`ErrorKind::Unverifiable`](crate::ErrorKind::Unverifiable) when several campaigns could
    /// be the launch's.
    pub async fn forget_gone_list(&self, list_id: &ListId) -> Result<bool, Error> {
        let Some(journal) = self.client().journal().cloned() else {
            return Ok(false);
        };
        let entry = journal
            .launch_for_list(list_id)
            .await
            .map_err(Error::journal)?;
        let Some(seen) = entry.filter(|e| !e.stage.is_settled()) else {
            return Ok(false);
        };
        if self
            .find_launched(list_id, &seen, journal.as_ref())
            .await?
            .is_some()
        {
            return Ok(false);
        }
        mark_discarded(journal.as_ref(), seen, list_id).await?;
        Ok(true)
    }

    /// The campaign of the launch `entry`, whose upload made `list_id`: the campaign with that
    /// id ([`find_list`](Self::find_list)), else the one campaign of the launch's name and
    /// assistant created when it uploaded (from [`CLOCK_SLACK`] before the entry was recorded
    /// to [`list_created_by`]; of several, the one made nearest the launch's first record, when
    /// every other was made more than twice [`CLOCK_SLACK`] farther from it). Ringg does not
    /// say that a campaign's id is its list's (§1.9 of the API reference): where they differ,
    /// no campaign has the list's id, and the launch must not take its list for deleted and
    /// upload it again. `None` when no campaign fits (the list was deleted);
    /// [`ErrorKind::Unverifiable`](crate::ErrorKind::Unverifiable) when several were made too
    /// close together to tell which is this launch's.
    pub(super) async fn find_launched(
        &self,
        list_id: &ListId,
        entry: &LaunchEntry,
        journal: &dyn Journal,
    ) -> Result<Option<Campaign>, Error> {
        if let Some(campaign) = self.find_list(list_id, Some(&entry.key.name)).await? {
            return Ok(Some(campaign));
        }
        let mut found = self
            .created_by(entry, journal, list_created_by(entry), entry.recorded_at)
            .await?;
        found.sort_by_key(|(off, _, _)| *off);
        // Of several, the one made right when the launch uploaded is its own if every other was
        // made well apart from it: more than the two clocks' slack either way.
        let apart = CLOCK_SLACK * 2;
        let clear = match found.as_slice() {
            [first, second, ..] => first
                .0
                .checked_add(&apart)
                .is_some_and(|near| second.0 != TimeDelta::MAX && near < second.0),
            _ => true,
        };
        if !clear {
            let ids: Vec<&str> = found.iter().map(|(_, id, _)| id.as_str()).collect();
            return Err(Error::unverifiable(format!(
                "no campaign has list id {list_id}, and {} campaigns named {:?} were created about when this launch uploaded it ({}); which one is its own cannot be told: check them in the dashboard, and give launches of one assistant distinct names",
                found.len(),
                entry.key.name,
                ids.join(", ")
            )));
        }
        Ok(found.into_iter().next().map(|(_, _, campaign)| campaign))
    }

    /// The campaign a lost upload created, and its id: of the campaigns of that name and
    /// assistant, owned by no other launch, created from [`CLOCK_SLACK`] before the entry was
    /// recorded to [`list_appears_by`] (the wait its sender recorded, whatever this client's
    /// own), the one created closest to the upload.
    pub(super) async fn find_created(
        &self,
        entry: &LaunchEntry,
        journal: &dyn Journal,
    ) -> Result<Option<(ListId, Campaign)>, Error> {
        let found = self
            .created_by(entry, journal, list_appears_by(entry), entry.updated_at)
            .await?;
        Ok(found
            .into_iter()
            .min_by_key(|(off, _, _)| *off)
            .map(|(_, id, campaign)| (id, campaign)))
    }

    /// The campaigns of `entry`'s name and assistant, owned by no other launch, created from
    /// [`CLOCK_SLACK`] before the entry was recorded to `until`, each with how far its creation
    /// is from `anchor` (a campaign without a creation time is the farthest) and its id.
    ///
    /// A campaign whose row does not name its assistant (Ringg documents no `agent_id` in
    /// these rows) is placed by its calls' assistant in the history; one the history shows no
    /// call of (a draft; or, where campaign ids differ from list ids, any) cannot be placed,
    /// and makes the search
    /// [`ErrorKind::Unverifiable`](crate::ErrorKind::Unverifiable): taken for this launch's, it
    /// could be another assistant's campaign of the same name, started in its place or taken
    /// for this one's started.
    async fn created_by(
        &self,
        entry: &LaunchEntry,
        journal: &dyn Journal,
        until: Option<DateTime<Utc>>,
        anchor: DateTime<Utc>,
    ) -> Result<Vec<(TimeDelta, ListId, Campaign)>, Error> {
        let since = entry.recorded_at.checked_sub_signed(CLOCK_SLACK);
        let in_window =
            |t: DateTime<Utc>| since.is_none_or(|s| t >= s) && until.is_none_or(|u| t <= u);
        let stream = self.stream(ListCampaignsQuery {
            search: Some(entry.key.name.clone()),
            ..ListCampaignsQuery::default()
        });
        futures::pin_mut!(stream);
        let mut found = Vec::new();
        let mut unplaced = Vec::new();
        while let Some(c) = stream.next().await {
            let c = c?;
            let same_name = c.name.as_deref() == Some(entry.key.name.as_str());
            let other_agent = c
                .agent_id
                .as_ref()
                .is_some_and(|a| *a != entry.key.agent_id);
            let created = c.created_at.as_ref().map(|t| t.to_utc());
            if !same_name || other_agent || !created.is_none_or(in_window) {
                continue;
            }
            let list_id = ListId::new(c.id.as_str());
            let owner = journal
                .launch_for_list(&list_id)
                .await
                .map_err(Error::journal)?;
            if owner.is_some_and(|o| o.key != entry.key) {
                continue;
            }
            if !c.agent_id.is_value() {
                match self.assistant_of_list(&list_id).await? {
                    Some(agent) if agent != entry.key.agent_id => continue,
                    Some(_) => {}
                    None => {
                        unplaced.push(list_id);
                        continue;
                    }
                }
            }
            let off = created.map_or(TimeDelta::MAX, |t| (t - anchor).abs());
            found.push((off, list_id, c));
        }
        if !unplaced.is_empty() {
            let ids: Vec<&str> = unplaced.iter().map(ListId::as_str).collect();
            return Err(Error::unverifiable(format!(
                "campaign(s) named {:?} were created about when this launch uploaded ({}), but Ringg's answer does not say which assistant they belong to, and the history shows no call of theirs to tell by, so none is taken for this launch's: check them in the dashboard",
                entry.key.name,
                ids.join(", ")
            )));
        }
        Ok(found)
    }

    /// The assistant of the calls of list `list_id`, from one history row (`None`: no call
    /// found, or a row naming another list or none, should the server not filter by list).
    async fn assistant_of_list(&self, list_id: &ListId) -> Result<Option<AgentId>, Error> {
        let query = CallHistoryQuery {
            bulk_list_id: Some(list_id.clone()),
            limit: Some(1),
            ..CallHistoryQuery::default()
        };
        let page = self.client().calls().history(&query).await?;
        Ok(page.calls.into_iter().next().and_then(|row| {
            let other_list = row
                .bulk_list_id
                .as_ref()
                .is_some_and(|l| l != list_id.as_str());
            let agent = row.agent.into_option()?.id;
            (!other_list).then_some(agent)
        }))
    }

    /// The campaign of a list, from `GET /campaign/all` (searched by its name when known).
    async fn find_campaign(
        &self,
        list_id: &ListId,
        name: Option<&str>,
    ) -> Result<Option<Campaign>, Error> {
        let stream = self.stream(ListCampaignsQuery {
            search: name.map(str::to_string),
            ..ListCampaignsQuery::default()
        });
        futures::pin_mut!(stream);
        while let Some(c) = stream.next().await {
            let c = c?;
            if c.id.as_str() == list_id.as_str() {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// The campaign of a list (`GET /campaign/all`): searched by `name` first, then, renamed
    /// since in the dashboard, through every campaign, so that a renamed list is never taken
    /// for a deleted one. `None` when no campaign has this list id; the request's error else.
    pub async fn find_list(
        &self,
        list_id: &ListId,
        name: Option<&str>,
    ) -> Result<Option<Campaign>, Error> {
        let found = self.find_campaign(list_id, name).await?;
        if found.is_some() || name.is_none() {
            return Ok(found);
        }
        self.find_campaign(list_id, None).await
    }
}

/// The one pending launch named `name` (for `agent`, when the campaign names its assistant)
/// whose upload was sent and whose list is not known (its answer was lost); `None` when there
/// is none, or more than one (which is whose list cannot be told).
pub(super) async fn unanswered_upload(
    journal: &dyn Journal,
    name: &str,
    agent: Option<&AgentId>,
) -> Result<Option<LaunchEntry>, Error> {
    let mut uploads = journal
        .pending_launches()
        .await
        .map_err(Error::journal)?
        .into_iter()
        .filter(|e| {
            e.key.name == name
                && e.stage == LaunchStage::Uploading
                && e.list_id.is_none()
                && agent.is_none_or(|a| *a == e.key.agent_id)
        });
    Ok(match (uploads.next(), uploads.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    })
}

/// Marks the launch `seen` discarded with `list_id`, only over the record read: a run of that
/// launch that went on meanwhile (found its list, started it) keeps its record, and is not
/// taken for discarded.
pub(super) async fn mark_discarded(
    journal: &dyn Journal,
    seen: LaunchEntry,
    list_id: &ListId,
) -> Result<(), Error> {
    let mut discarded = seen.clone().at(LaunchStage::Discarded);
    discarded.list_id = Some(list_id.clone());
    let marked = journal
        .put_launch_if_unchanged(&discarded, Some(&seen))
        .await
        .map_err(Error::journal)?;
    if !marked {
        tracing::warn!(
            target: "ringg_api::journal",
            launch = %seen.key.name,
            "the launch's record changed while its list was discarded (another run of it went on); it was left as that run wrote it"
        );
    }
    Ok(())
}
