//! `calls create` across a fleet (`--redis-url`, feature `redis`): the journal's refusal to
//! call a recipient again who was called a moment ago, or whose call is not settled, shared
//! through Redis by every process of the fleet, whatever its state folder.
//!
//! Each call initiation the journal records under that check first takes a Redis key for its
//! recipient and assistant (`SET NX`, with no expiry while the call is not settled): a process
//! on another machine recording a call to the same recipient finds the key taken and is
//! refused with the earlier call's entry, as a local journal refuses it. The key follows the
//! entry: a call that was refused or not placed gives its key back (calling again is safe), a
//! placed one keeps it, with its call id, for the rest of the window the check looks back
//! over. A Redis that cannot be reached refuses the call (nothing is sent): the fleet's check
//! cannot be made.
//!
//! The set `{prefix}:call-pending:{scope digest}` names the keys of calls not settled, so the
//! journal's pending calls are the fleet's: `calls pending` and `calls reconcile --pending` on
//! any machine see (and settle) a call whose machine died before its answer, which otherwise
//! would hold its recipient for good.
//!
//! Campaign launches share their journal record the same way ([`launches`]).

mod launches;
mod pending;
mod values;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::Script;
use redis::aio::ConnectionManager;
use ringg_api::journal::{
    CallEntry, CallIntent, Journal, JournalError, LaunchEntry, LaunchKey, SavedSubscriptions,
};
use ringg_api::types::ids::{AgentId, ListId};
use tokio::sync::OnceCell;
use values::{entry_of, stops_a_call, value_of};

/// How long one Redis command may take before the check counts as failed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

/// The recipient's key `KEYS[1]` set to `ARGV[1]` (with no expiry) and named in the pending
/// set `KEYS[2]` unless it is taken; returns the value holding it then, else nil.
const TAKE: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('SADD', KEYS[2], KEYS[1])
  return false
end
return redis.call('GET', KEYS[1])
";

/// The key `KEYS[1]`, while it holds the entry of the client reference `ARGV[1]` (values are
/// the reference, a line break, and the entry's JSON), set to the settled entry `ARGV[2]` for
/// `ARGV[3]` ms, or deleted when `ARGV[2]` is empty or no time is left, and taken out of the
/// pending set `KEYS[2]`; a missing key is set to `ARGV[2]` for `ARGV[3]` ms when both are
/// given (a placed call that took no key: `--force`). Returns 1 when it acted.
const FOLLOW: &str = r"
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SREM', KEYS[2], KEYS[1])
  if ARGV[2] ~= '' and tonumber(ARGV[3]) > 0 then
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
    return 1
  end
  return 0
end
if string.sub(v, 1, #ARGV[1] + 1) ~= ARGV[1] .. '\n' then return 0 end
if ARGV[2] == '' or tonumber(ARGV[3]) <= 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
redis.call('SREM', KEYS[2], KEYS[1])
return 1
";

/// The keys `ARGV[...]` that no longer exist taken out of the pending set `KEYS[1]` (evicted,
/// or deleted by another version).
const TIDY: &str = r"
for _, k in ipairs(ARGV) do
  if redis.call('EXISTS', k) == 0 then redis.call('SREM', KEYS[1], k) end
end
return 0
";

/// A [`Journal`] whose recent-call check (`put_call_unless_called`) is also made across the
/// fleet through Redis, and whose campaign launch records are the fleet's; everything else is
/// the local journal's.
pub(crate) struct FleetJournal {
    local: Arc<dyn Journal>,
    client: redis::Client,
    conn: OnceCell<ConnectionManager>,
    /// `{prefix}:recent-call:{scope digest}:`.
    keys: String,
    /// `{prefix}:call-pending:{scope digest}`: the keys of calls not settled.
    call_pending: String,
    /// `{prefix}:launch:{scope digest}:`.
    launches: String,
    /// `{prefix}:launch-list:{scope digest}:`.
    launch_lists: String,
    /// `{prefix}:launch-pending:{scope digest}`.
    launch_pending: String,
    /// How long a placed call holds its recipient (the window `calls create` looks back over).
    window: Duration,
    /// `host:port/db`, for messages (never the password).
    shown: String,
    /// Why this key's scope could not be read (see `fleet_alias.rs`): every fleet step fails
    /// with it, as when Redis cannot be asked, rather than use records that may not be the
    /// fleet's.
    unresolved: Option<String>,
    /// Where a listing of the calls not settled notes whether it read the fleet's.
    reads: crate::fleet_reads::FleetReads,
    take: Script,
    follow: Script,
    tidy: Script,
    swap: Script,
    /// Entries of other processes this journal refused a call for, by client reference, so
    /// the refusal can be worded from them.
    seen: Mutex<HashMap<String, CallEntry>>,
}

impl FleetJournal {
    /// `local`, its recent-call check shared through the Redis at `url` under `prefix`, for
    /// the journal scope `scope` (one server and key); a placed call holds its recipient for
    /// `window`.
    pub(crate) fn new(
        local: Arc<dyn Journal>,
        url: &str,
        prefix: &str,
        scope: &str,
        window: Duration,
    ) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| {
            // The dedupe store's words for the same URL (a `rediss://` one says what to do).
            ringg_webhooks::RedisDedupeStore::new(url, "")
                .err()
                .and_then(|refused| std::error::Error::source(&refused).map(ToString::to_string))
                .unwrap_or_else(|| format!("the Redis URL is not valid ({:?})", e.kind()))
        })?;
        let info = client.get_connection_info();
        let shown = format!("{}/{}", info.addr(), info.redis_settings().db());
        let digest = crate::state::scope_digest(scope);
        Ok(Self {
            local,
            client,
            conn: OnceCell::new(),
            keys: format!("{}:recent-call:{digest}:", prefix.trim_end_matches(':')),
            call_pending: format!("{}:call-pending:{digest}", prefix.trim_end_matches(':')),
            launches: format!("{}:launch:{digest}:", prefix.trim_end_matches(':')),
            launch_lists: format!("{}:launch-list:{digest}:", prefix.trim_end_matches(':')),
            launch_pending: format!("{}:launch-pending:{digest}", prefix.trim_end_matches(':')),
            window,
            shown,
            take: Script::new(TAKE),
            follow: Script::new(FOLLOW),
            tidy: Script::new(TIDY),
            swap: Script::new(launches::SWAP),
            seen: Mutex::new(HashMap::new()),
            unresolved: None,
            reads: crate::fleet_reads::FleetReads::default(),
        })
    }

    fn key(&self, intent: &CallIntent) -> String {
        format!("{}{}:{}", self.keys, intent.agent_id, intent.to_number)
    }

    /// The check could not be made: nothing was sent.
    fn failed(&self, why: impl fmt::Display) -> JournalError {
        JournalError::store(format!(
            "the fleet's Redis at {} could not be asked about recent calls ({why}), so no call \
             was sent; check that it is running and run the command again (without \
             --redis-url only this machine's journal is checked, so a call another machine of \
             the fleet placed is not seen; if Redis takes \
             this command's hold on the recipient late, other processes are refused it until \
             `ringg calls reconcile --pending` finds that no call was placed; --force calls \
             anyway)",
            self.shown
        ))
    }

    /// A call's outcome could not be written to its recipient's key (the call itself went as
    /// the journal says).
    fn unwritten(&self, why: impl fmt::Display) -> JournalError {
        JournalError::store(format!(
            "the outcome of a call could not be written to the fleet's Redis at {} ({why}); \
             other machines see the call as not settled until `ringg calls reconcile --pending` \
             (on any machine) settles it",
            self.shown
        ))
    }

    /// `op` within [`COMMAND_TIMEOUT`]; why not, in words (the error's kind and category,
    /// never its whole text: it could quote the URL).
    pub(crate) async fn run<T>(
        op: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, String> {
        match tokio::time::timeout(COMMAND_TIMEOUT, op).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(format!("{:?}: {}", e.kind(), e.category())),
            Err(_) => Err(format!("no answer within {COMMAND_TIMEOUT:?}")),
        }
    }

    /// This journal, noting in `reads` whether each listing of the calls not settled read the
    /// fleet's.
    pub(crate) fn noting_reads(mut self, reads: crate::fleet_reads::FleetReads) -> Self {
        self.reads = reads;
        self
    }

    /// This journal, failing every fleet step with `why` (the scope could not be read).
    pub(crate) fn unresolved(mut self, why: String) -> Self {
        self.unresolved = Some(why);
        self
    }

    /// The connection (made on first use); why not, in words.
    async fn connection(&self) -> Result<ConnectionManager, String> {
        if let Some(why) = &self.unresolved {
            return Err(why.clone());
        }
        let conn = self
            .conn
            .get_or_try_init(|| async {
                let config = redis::aio::ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(COMMAND_TIMEOUT))
                    .set_response_timeout(Some(COMMAND_TIMEOUT))
                    .set_number_of_retries(1);
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await
            .map_err(|e| format!("{:?}", e.kind()))?;
        Ok(conn.clone())
    }

    /// Takes the key of `entry`'s recipient (until the call is settled), or returns the entry
    /// holding it.
    async fn take(&self, entry: &CallEntry) -> Result<Option<CallEntry>, JournalError> {
        let mut conn = self.connection().await.map_err(|why| self.failed(why))?;
        let key = self.key(&entry.intent);
        let value = value_of(entry)?;
        // Twice: a key freed after the first round (its call does not exist) is taken on the
        // second.
        for _ in 0..2 {
            let mut invocation = self.take.key(&key);
            invocation.key(&self.call_pending).arg(&value);
            let held: Option<String> = match Self::run(invocation.invoke_async(&mut conn)).await {
                Ok(held) => held,
                Err(why) => {
                    // Redis may still take the hold it did not answer: given back once more
                    // now (after it, on the same connection), else it lasts until settled.
                    let _ = self.follow(entry, false).await;
                    return Err(self.failed(why));
                }
            };
            let Some(held) = held else {
                return Ok(None);
            };
            let earlier = entry_of(&held)
                .ok_or_else(|| self.failed(format!("the value of {key} is not a call entry")))?;
            if !earlier.is_settled() {
                // Named in the pending set again, in case the set was lost (evicted) meanwhile.
                let mut sadd = redis::cmd("SADD");
                sadd.arg(&self.call_pending).arg(&key);
                Self::run(sadd.query_async::<i64>(&mut conn))
                    .await
                    .map_err(|why| self.failed(why))?;
                return Ok(Some(earlier));
            }
            if stops_a_call(&earlier) && !self.window_over(&earlier) {
                return Ok(Some(earlier));
            }
            if stops_a_call(&earlier) {
                // The window is over by this machine's clock; a key with an expiry holds
                // until it expires (its machine's clock set it), one gone meanwhile is taken
                // on the next round.
                let ttl: i64 = Self::run(redis::cmd("PTTL").arg(&key).query_async(&mut conn))
                    .await
                    .map_err(|why| self.failed(why))?;
                if ttl >= 0 {
                    return Ok(Some(earlier));
                }
            }
            // A call that does not exist, or a placed one whose window is over and whose key
            // an older version left without an expiry: freed.
            self.follow(&earlier, false)
                .await
                .map_err(|why| self.failed(why))?;
        }
        Err(self.failed("its key kept changing"))
    }

    /// Writes `entry` into its recipient's key while the key holds its reference: the settled
    /// entry of a placed call (`keep`; set for the rest of the window when there is no key, as
    /// after `--force`), or no key, for a call that does not exist.
    async fn follow(&self, entry: &CallEntry, keep: bool) -> Result<(), String> {
        let mut conn = self.connection().await?;
        let (value, rest) = if keep {
            let left = chrono::Duration::from_std(self.window).unwrap_or_default()
                - (Utc::now() - entry.intent.recorded_at);
            let left = u64::try_from(left.num_milliseconds()).unwrap_or(0);
            (value_of(entry).map_err(|e| e.to_string())?, left)
        } else {
            (String::new(), 0)
        };
        let mut invocation = self.follow.key(self.key(&entry.intent));
        invocation
            .key(&self.call_pending)
            .arg(&entry.intent.reference)
            .arg(value)
            .arg(rest);
        Self::run(invocation.invoke_async::<i64>(&mut conn))
            .await
            .map(drop)
    }

    /// Whether the window in which `entry`'s call holds its recipient is over.
    fn window_over(&self, entry: &CallEntry) -> bool {
        Utc::now() - entry.intent.recorded_at
            >= chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX)
    }

    /// Gives the key taken for `entry` back, logging a failure (the key then holds the
    /// recipient until a reconcile finds that no call was placed).
    async fn give_back(&self, entry: &CallEntry) {
        if let Err(why) = self.follow(entry, false).await {
            tracing::warn!("{}", self.unwritten(why));
        }
    }
}

impl FleetJournal {
    /// The fleet's calls not settled could not be read.
    fn unread(&self, why: impl fmt::Display) -> JournalError {
        JournalError::store(format!(
            "the fleet's Redis at {} could not be asked for the calls not settled on other \
             machines ({why}); check that it is running",
            self.shown
        ))
    }
}

impl fmt::Debug for FleetJournal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FleetJournal")
            .field("local", &self.local)
            .field("redis", &self.shown)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Journal for FleetJournal {
    /// The local journal's, then the fleet's key follows the entry: given back when the call
    /// was refused or not placed, holding the settled entry when it was placed.
    async fn put_call(&self, entry: &CallEntry) -> Result<(), JournalError> {
        self.local.put_call(entry).await?;
        if !entry.is_settled() {
            return Ok(());
        }
        let keep = stops_a_call(entry);
        if let Err(why) = self.follow(entry, keep).await {
            tracing::warn!("{}", self.unwritten(why));
        }
        Ok(())
    }

    async fn put_call_unless_pending(
        &self,
        entry: &CallEntry,
    ) -> Result<Option<CallEntry>, JournalError> {
        self.local.put_call_unless_pending(entry).await
    }

    /// An entry of this machine's compared and written by the local journal; one of another
    /// machine's only while the fleet still lists it as `seen` (its sender settles it there).
    /// Then the fleet's key follows, as [`put_call`](Journal::put_call) has it.
    async fn put_call_if_unchanged(
        &self,
        entry: &CallEntry,
        seen: &CallEntry,
    ) -> Result<bool, JournalError> {
        let reference = &entry.intent.reference;
        let unchanged = if self.local.call(reference).await?.is_some() {
            self.local.put_call_if_unchanged(entry, seen).await?
        } else {
            let fleet = self
                .fleet_pending_calls()
                .await
                .map_err(|why| self.unread(why))?;
            let listed = fleet.iter().any(|e| e.is_same_record(seen));
            if listed {
                self.local.put_call(entry).await?;
            }
            listed
        };
        if unchanged
            && entry.is_settled()
            && let Err(why) = self.follow(entry, stops_a_call(entry)).await
        {
            tracing::warn!("{}", self.unwritten(why));
        }
        Ok(unchanged)
    }

    /// The fleet's key for the recipient first (refused with the entry holding it), then the
    /// local journal's own check; a local refusal gives the key back.
    async fn put_call_unless_called(
        &self,
        entry: &CallEntry,
        since: DateTime<Utc>,
    ) -> Result<Option<CallEntry>, JournalError> {
        if let Some(earlier) = self.take(entry).await? {
            self.seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(earlier.intent.reference.clone(), earlier.clone());
            return Ok(Some(earlier));
        }
        let local = self.local.put_call_unless_called(entry, since).await;
        if !matches!(local, Ok(None)) {
            self.give_back(entry).await;
        }
        local
    }

    /// The local journal's entry, else one of another process this journal has seen, else
    /// the fleet's pending one with this reference.
    async fn call(&self, reference: &str) -> Result<Option<CallEntry>, JournalError> {
        if let Some(entry) = self.local.call(reference).await? {
            return Ok(Some(entry));
        }
        if let Some(seen) = self.seen_entry(reference) {
            // What Redis holds for it now: its machine may have settled it since.
            return Ok(Some(self.as_recorded_now(seen).await));
        }
        let fleet = self
            .fleet_pending_calls()
            .await
            .map_err(|why| self.unread(why))?;
        Ok(fleet
            .into_iter()
            .find(|e| e.intent.reference == reference)
            .map(CallEntry::with_clock_slack))
    }

    /// The local journal's, with the fleet's (made on any machine) when Redis answers; a
    /// failure to ask it is logged, and this machine's are returned alone.
    async fn pending_calls(&self) -> Result<Vec<CallEntry>, JournalError> {
        let local = self.local.pending_calls().await?;
        match self.fleet_pending_calls().await {
            Ok(fleet) => {
                self.reads.set(None);
                self.merge_pending(local, fleet).await
            }
            Err(why) => {
                tracing::warn!(
                    "the fleet's Redis at {} could not be asked for the calls not settled on \
                     other machines ({why}): only this machine's are shown",
                    self.shown
                );
                self.reads.set(Some(format!(
                    "the fleet's Redis at {} could not be asked ({why})",
                    self.shown
                )));
                Ok(local)
            }
        }
    }

    async fn calls_since(&self, since: DateTime<Utc>) -> Result<Vec<CallEntry>, JournalError> {
        self.local.calls_since(since).await
    }

    /// The fleet's record, then the local journal's.
    async fn put_launch(&self, entry: &LaunchEntry) -> Result<(), JournalError> {
        if !self.swap_launch(entry, None, true).await? {
            return Err(JournalError::store(
                "the fleet's record of this launch changed while it was being written; run the \
                 same command again to carry on from the record as it is now",
            ));
        }
        self.local.put_launch(entry).await
    }

    /// Written over the fleet's record when that is `seen` (or there is none), then to the
    /// local journal: the fleet's record is the one every process compares with.
    async fn put_launch_if_unchanged(
        &self,
        entry: &LaunchEntry,
        seen: Option<&LaunchEntry>,
    ) -> Result<bool, JournalError> {
        if !self.swap_launch(entry, seen, false).await? {
            return Ok(false);
        }
        self.local.put_launch(entry).await.map(|()| true)
    }

    /// The fleet's record (whichever process wrote it), else the local journal's (a launch
    /// recorded before this machine used the fleet's Redis).
    async fn launch(&self, key: &LaunchKey) -> Result<Option<LaunchEntry>, JournalError> {
        match self.fleet_launch(key).await? {
            Some(entry) => self.weighed_here(entry).await.map(Some),
            None => self.local.launch(key).await,
        }
    }

    /// The fleet's record of the launch of `list_id` (made on any machine), else the local
    /// journal's.
    async fn launch_for_list(&self, list_id: &ListId) -> Result<Option<LaunchEntry>, JournalError> {
        let local = self.local.launch_for_list(list_id).await?;
        match self.fleet_launch_for_list(list_id, local.as_ref()).await? {
            Some(entry) => self.weighed_here(entry).await.map(Some),
            None => Ok(local),
        }
    }

    /// The fleet's launches not settled (made on any machine) with the local journal's.
    async fn pending_launches(&self) -> Result<Vec<LaunchEntry>, JournalError> {
        let local = self.local.pending_launches().await?;
        self.fleet_pending_launches(local).await
    }

    async fn save_subscriptions(&self, saved: &SavedSubscriptions) -> Result<bool, JournalError> {
        self.local.save_subscriptions(saved).await
    }

    async fn saved_subscriptions(&self) -> Result<Vec<SavedSubscriptions>, JournalError> {
        self.local.saved_subscriptions().await
    }

    async fn forget_subscriptions(&self, agent_id: &AgentId) -> Result<(), JournalError> {
        self.local.forget_subscriptions(agent_id).await
    }
}

#[cfg(test)]
mod tests;
