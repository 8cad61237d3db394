//! Campaign launches across a fleet: the journal's record of each launch (same file, name and
//! assistant) is kept in Redis too, so a process on another machine running the same launch
//! finds it (uploading, uploaded, started) and carries on from it as from its own journal's
//! record, instead of uploading and starting a second campaign that calls every contact again.
//!
//! The record is the key `{prefix}:launch:{scope digest}:{launch digest}`: a stamp of the
//! record (stage, list id, times), a line break, and the entry's JSON. A run writes a step
//! only over the record it last read or wrote (compare-and-set on the stamp, in one script),
//! as the local journal does; the local journal gets the same record once Redis took it. Once
//! the launch has a list, `{prefix}:launch-list:{scope digest}:{list id}` names its record, so
//! `campaigns resume` and `discard` find it by list on any machine. The set
//! `{prefix}:launch-pending:{scope digest}` names the records of launches not settled, so the
//! journal's pending launches are the fleet's: a launch of another file under the name of one
//! whose upload's answer was lost on another machine waits for it, as it would on that machine
//! (the two lists could be taken for each other's). Records have no expiry: a Redis that
//! forgets them (no persistence, eviction) lets a launch run again.

use chrono::{DateTime, Utc};
use ringg_api::journal::{JournalError, LaunchEntry, LaunchKey};
use ringg_api::types::ids::ListId;

use super::FleetJournal;

/// Sets the key to `ARGV[2]` when it is missing or its stamp (the text before the first line
/// break) is `ARGV[1]`; then adds the key's name to the set `KEYS[2]` (the pending launches)
/// when `ARGV[3]` is `1`, else removes it; and, when given, sets `KEYS[3]` (the list's index
/// key) to the key's name. Returns 1 when it did.
pub(super) const SWAP: &str = r"
local v = redis.call('GET', KEYS[1])
if v then
  local cut = string.find(v, '\n', 1, true)
  local stamp = cut and string.sub(v, 1, cut - 1) or v
  if stamp ~= ARGV[1] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], KEYS[1]) else redis.call('SREM', KEYS[2], KEYS[1]) end
if KEYS[3] then redis.call('SET', KEYS[3], KEYS[1]) end
return 1
";

impl FleetJournal {
    /// The Redis key of the launch `key`.
    fn launch_key(&self, key: &LaunchKey) -> String {
        use sha2::{Digest, Sha256};
        let d = Sha256::digest(key.to_key_string().as_bytes());
        let hex: String = d[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("{}{hex}", self.launches)
    }

    /// The Redis key naming the record of the launch of `list_id`.
    fn list_key(&self, list_id: &ListId) -> String {
        format!("{}{list_id}", self.launch_lists)
    }

    /// The fleet's record could not be read or written: the launch stops before its next step.
    fn launch_failed(&self, why: impl std::fmt::Display) -> JournalError {
        JournalError::store(format!(
            "the fleet's Redis at {} could not be asked about this campaign launch ({why}), so \
             the command stopped before its next step (what it sent before stands); check that \
             Redis is running and answers, then run it again (without --redis-url only this \
             machine's journal is checked, so a launch another machine of the fleet made is \
             not seen and would be uploaded and started again)",
            self.shown
        ))
    }

    /// The fleet's record of the launch `key`, if Redis holds one.
    pub(super) async fn fleet_launch(
        &self,
        key: &LaunchKey,
    ) -> Result<Option<LaunchEntry>, JournalError> {
        self.record_at(&self.launch_key(key)).await
    }

    /// A fleet record as this machine weighs it: the local journal's own record as it is,
    /// another machine's with [`LaunchEntry::with_clock_slack`] (its clock may run behind
    /// this one's, and its upload or start may still be carried out).
    pub(super) async fn weighed_here(
        &self,
        entry: LaunchEntry,
    ) -> Result<LaunchEntry, JournalError> {
        let own = self.local.launch(&entry.key).await?;
        Ok(weighed(entry, own.as_ref()))
    }

    /// The fleet's record of the launch of `list_id`: the record of `local` (this machine's
    /// entry for the list) as Redis holds it now, or the record the list's index names; only
    /// while it still names that list.
    pub(super) async fn fleet_launch_for_list(
        &self,
        list_id: &ListId,
        local: Option<&LaunchEntry>,
    ) -> Result<Option<LaunchEntry>, JournalError> {
        let redis_key = match local {
            Some(entry) => Some(self.launch_key(&entry.key)),
            None => self.get(&self.list_key(list_id)).await?,
        };
        let Some(redis_key) = redis_key else {
            return Ok(None);
        };
        let entry = self.record_at(&redis_key).await?;
        Ok(entry.filter(|e| e.list_id.as_ref() == Some(list_id)))
    }

    /// The value of `key`.
    async fn get(&self, key: &str) -> Result<Option<String>, JournalError> {
        let mut conn = self
            .connection()
            .await
            .map_err(|why| self.launch_failed(why))?;
        Self::run(redis::cmd("GET").arg(key).query_async(&mut conn))
            .await
            .map_err(|why| self.launch_failed(why))
    }

    /// The launch record at the Redis key `redis_key`, if any.
    async fn record_at(&self, redis_key: &str) -> Result<Option<LaunchEntry>, JournalError> {
        self.get(redis_key)
            .await?
            .map(|v| {
                launch_of(&v).ok_or_else(|| {
                    self.launch_failed(format!(
                        "the value of {redis_key} is not a launch record; delete that key to go on"
                    ))
                })
            })
            .transpose()
    }

    /// Writes `entry` as the fleet's record of its launch when the record there is `seen` (or
    /// there is none); false when another run wrote since. With `force`, over whatever record
    /// is there (false only when it changed between the read and the write).
    pub(super) async fn swap_launch(
        &self,
        entry: &LaunchEntry,
        seen: Option<&LaunchEntry>,
        force: bool,
    ) -> Result<bool, JournalError> {
        let mut conn = self
            .connection()
            .await
            .map_err(|why| self.launch_failed(why))?;
        let redis_key = self.launch_key(&entry.key);
        let json = serde_json::to_string(entry).map_err(JournalError::store)?;
        let value = format!("{}\n{json}", stamp(entry));
        // Forced: compared with the record it holds, whatever that is.
        let seen = if force {
            self.record_at(&redis_key).await?
        } else {
            seen.cloned()
        };
        let mut invocation = self.swap.key(&redis_key);
        invocation.key(&self.launch_pending);
        if let Some(list_id) = &entry.list_id {
            invocation.key(self.list_key(list_id));
        }
        invocation
            .arg(seen.as_ref().map(stamp).unwrap_or_default())
            .arg(value)
            .arg(if entry.stage.is_settled() { "0" } else { "1" });
        Self::run(invocation.invoke_async::<i64>(&mut conn))
            .await
            .map(|done| done == 1)
            .map_err(|why| self.launch_failed(why))
    }
}

impl FleetJournal {
    /// The fleet's pending launches merged with `local` (this machine's): for a launch both
    /// know, the fleet's record (the one every process compares with), and only while it is
    /// not settled; oldest first.
    pub(super) async fn fleet_pending_launches(
        &self,
        local: Vec<LaunchEntry>,
    ) -> Result<Vec<LaunchEntry>, JournalError> {
        let mut conn = self
            .connection()
            .await
            .map_err(|why| self.launch_failed(why))?;
        let mut keys: Vec<String> = Self::run(
            redis::cmd("SMEMBERS")
                .arg(&self.launch_pending)
                .query_async(&mut conn),
        )
        .await
        .map_err(|why| self.launch_failed(why))?;
        let local_keys: Vec<String> = local.iter().map(|e| self.launch_key(&e.key)).collect();
        keys.extend(local_keys.iter().cloned());
        keys.sort();
        keys.dedup();
        let values: Vec<Option<String>> = match keys.is_empty() {
            true => Vec::new(),
            false => Self::run(redis::cmd("MGET").arg(&keys).query_async(&mut conn))
                .await
                .map_err(|why| self.launch_failed(why))?,
        };
        let fleet: std::collections::HashMap<&str, LaunchEntry> = keys
            .iter()
            .zip(values)
            .filter_map(|(key, value)| Some((key.as_str(), launch_of(&value?)?)))
            .collect();
        // This machine's launches the fleet has no record of (recorded before it used the
        // fleet's Redis), then the fleet's, weighed against this machine's own records.
        let (mut pending, mut own) = (Vec::new(), Vec::new());
        for (entry, key) in local.into_iter().zip(&local_keys) {
            match fleet.contains_key(key.as_str()) {
                false => pending.push(entry),
                true => own.push(entry),
            }
        }
        pending.extend(fleet.into_values().map(|entry| {
            let mine = own.iter().find(|o| o.key == entry.key);
            weighed(entry, mine)
        }));
        pending.retain(|e| !e.stage.is_settled());
        pending.sort_by_cached_key(|e| (e.recorded_at, e.key.to_key_string()));
        Ok(pending)
    }
}

/// A fleet record as this machine weighs it, `own` being the local journal's record of the
/// same launch: as it is when that is the same record, else with
/// [`LaunchEntry::with_clock_slack`].
fn weighed(entry: LaunchEntry, own: Option<&LaunchEntry>) -> LaunchEntry {
    if own.is_some_and(|own| own.is_same_record(&entry)) {
        entry
    } else {
        entry.with_clock_slack()
    }
}

/// What tells one record of a launch from another (see `LaunchEntry::is_same_record`): its
/// stage, list id and times; never empty.
fn stamp(entry: &LaunchEntry) -> String {
    let nanos = |t: &DateTime<Utc>| t.timestamp_nanos_opt().unwrap_or_else(|| t.timestamp());
    format!(
        "{}|{}|{}|{}",
        entry.stage,
        entry.list_id.as_ref().map_or("", |l| l.as_str()),
        nanos(&entry.recorded_at),
        nanos(&entry.updated_at)
    )
}

/// The entry a record holds (after its first line break).
fn launch_of(value: &str) -> Option<LaunchEntry> {
    let (_, json) = value.split_once('\n')?;
    serde_json::from_str(json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringg_api::journal::{LaunchStage, PlannedStart};
    use ringg_api::types::campaigns::StartCampaignV2Request;
    use ringg_api::types::ids::{AgentId, ListId, NumberPoolId};

    fn entry() -> LaunchEntry {
        let now = Utc::now();
        LaunchEntry {
            key: LaunchKey {
                csv_digest: "ab".repeat(32),
                name: "a name\nwith a break".to_owned(),
                agent_id: AgentId::new("a-1"),
            },
            list_id: None,
            stage: LaunchStage::Uploading,
            start: PlannedStart::Start(StartCampaignV2Request::new(
                AgentId::new("a-1"),
                ListId::new(""),
                NumberPoolId::new("pool"),
            )),
            note: None,
            recorded_at: now,
            updated_at: now,
            settle_after: None,
        }
    }

    /// A record's value holds its entry whatever the name holds, and its stamp changes with
    /// every step, as `is_same_record` tells records apart.
    #[test]
    fn a_record_holds_its_entry_and_each_step_has_its_own_stamp() {
        let first = entry();
        let value = format!(
            "{}\n{}",
            stamp(&first),
            serde_json::to_string(&first).unwrap()
        );
        assert_eq!(launch_of(&value), Some(first.clone()));
        assert!(!stamp(&first).is_empty() && !stamp(&first).contains('\n'));
        let mut next = first.clone().at(LaunchStage::Uploaded);
        next.updated_at = first.updated_at + chrono::Duration::milliseconds(1);
        assert_ne!(stamp(&first), stamp(&next));
        let mut with_list = first.clone();
        with_list.list_id = Some(ListId::new("l-1"));
        assert_ne!(stamp(&first), stamp(&with_list));
    }
}

#[cfg(test)]
mod script_tests {
    /// The script is Lua as written (doc-comment quoting must not reach it).
    #[test]
    fn the_script_is_plain_lua() {
        assert!(!super::SWAP.contains('`'));
        for script in [super::super::TAKE, super::super::FOLLOW, super::super::TIDY] {
            assert!(!script.contains('`'));
        }
    }
}
