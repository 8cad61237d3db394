//! `calls create` across a fleet (`--redis-url`, feature `redis`): the journal's refusal to
//! call a recipient again who was called a moment ago, or whose call is not settled, shared
//! through Redis by every process of the fleet, whatever its state folder.
//!
//! Each call initiation the journal records under that check first takes a Redis key for its
//! recipient and assistant (`SET NX`, for the window the check looks back over): a process on
//! another machine recording a call to the same recipient finds the key taken and is refused
//! with the earlier call's entry, as a local journal refuses it. The key follows the entry: a
//! call that was refused or not placed gives its key back (calling again is safe), a placed
//! one keeps it for the window with its call id. A Redis that cannot be reached refuses the
//! call (nothing is sent): the fleet's check cannot be made.
//!
//! Campaign launches share their journal record the same way ([`launches`]).

mod launches;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::Script;
use redis::aio::ConnectionManager;
use ringg_api::journal::{
    CallEntry, CallIntent, CallOutcome, Journal, JournalError, LaunchEntry, LaunchKey,
    SavedSubscriptions,
};
use ringg_api::types::ids::{AgentId, ListId};
use tokio::sync::OnceCell;

/// How long one Redis command may take before the check counts as failed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

/// The key's value replaced (keeping its expiry) or, with an empty `ARGV[2]`, deleted, while it
/// holds the entry of the client reference `ARGV[1]` (values are the reference, a line break,
/// and the entry's JSON); a missing key is set to `ARGV[2]` for `ARGV[3]` ms when both are given
/// (a placed call that took no key: `--force`). Returns 1 when it acted.
const FOLLOW: &str = r"
local v = redis.call('GET', KEYS[1])
if not v then
  if ARGV[2] ~= '' and tonumber(ARGV[3]) > 0 then
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
    return 1
  end
  return 0
end
if string.sub(v, 1, #ARGV[1] + 1) ~= ARGV[1] .. '\n' then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') end
return 1
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
    follow: Script,
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
        let digest = {
            use sha2::{Digest, Sha256};
            let d = Sha256::digest(scope.as_bytes());
            d[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        Ok(Self {
            local,
            client,
            conn: OnceCell::new(),
            keys: format!("{}:recent-call:{digest}:", prefix.trim_end_matches(':')),
            launches: format!("{}:launch:{digest}:", prefix.trim_end_matches(':')),
            launch_lists: format!("{}:launch-list:{digest}:", prefix.trim_end_matches(':')),
            launch_pending: format!("{}:launch-pending:{digest}", prefix.trim_end_matches(':')),
            window,
            shown,
            follow: Script::new(FOLLOW),
            swap: Script::new(launches::SWAP),
            seen: Mutex::new(HashMap::new()),
        })
    }

    fn key(&self, intent: &CallIntent) -> String {
        format!("{}{}:{}", self.keys, intent.agent_id, intent.to_number)
    }

    /// The check could not be made: nothing was sent.
    fn failed(&self, why: impl fmt::Display) -> JournalError {
        JournalError::store(format!(
            "the fleet's Redis at {} could not be asked about recent calls ({why}), so no call \
             was sent; check that it is running, or run without --redis-url (if Redis takes \
             this command's hold on the recipient late, other processes are refused it for up \
             to {} min; --force calls anyway)",
            self.shown,
            self.window.as_secs() / 60
        ))
    }

    /// A call's outcome could not be written to its recipient's key (the call itself went as
    /// the journal says).
    fn unwritten(&self, why: impl fmt::Display) -> JournalError {
        JournalError::store(format!(
            "the outcome of a call could not be written to the fleet's Redis at {} ({why}); its \
             hold on the recipient ends within {} min",
            self.shown,
            self.window.as_secs() / 60
        ))
    }

    /// `op` within [`COMMAND_TIMEOUT`]; why not, in words (the error's kind and category,
    /// never its whole text: it could quote the URL).
    async fn run<T>(op: impl Future<Output = redis::RedisResult<T>>) -> Result<T, String> {
        match tokio::time::timeout(COMMAND_TIMEOUT, op).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(format!("{:?}: {}", e.kind(), e.category())),
            Err(_) => Err(format!("no answer within {COMMAND_TIMEOUT:?}")),
        }
    }

    /// The connection (made on first use); why not, in words.
    async fn connection(&self) -> Result<ConnectionManager, String> {
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

    /// Takes the key of `entry`'s recipient for `window`, or returns the entry holding it.
    async fn take(
        &self,
        entry: &CallEntry,
        window: Duration,
    ) -> Result<Option<CallEntry>, JournalError> {
        let mut conn = self.connection().await.map_err(|why| self.failed(why))?;
        let key = self.key(&entry.intent);
        let value = value_of(entry)?;
        let millis = u64::try_from(window.as_millis())
            .unwrap_or(u64::MAX)
            .max(1_000);
        // Twice: a key that expires (or is freed) between the commands is taken on the second
        // round.
        for _ in 0..2 {
            let mut set = redis::cmd("SET");
            set.arg(&key).arg(&value).arg("NX").arg("PX").arg(millis);
            let taken: Option<String> = match Self::run(set.query_async(&mut conn)).await {
                Ok(taken) => taken,
                Err(why) => {
                    // Redis may still take the hold it did not answer: given back once more
                    // now (after it, on the same connection), else it lasts the window.
                    let _ = self.follow(entry, false).await;
                    return Err(self.failed(why));
                }
            };
            if taken.is_some() {
                return Ok(None);
            }
            let held: Option<String> =
                Self::run(redis::cmd("GET").arg(&key).query_async(&mut conn))
                    .await
                    .map_err(|why| self.failed(why))?;
            if let Some(held) = held {
                let earlier = entry_of(&held).ok_or_else(|| {
                    self.failed(format!("the value of {key} is not a call entry"))
                })?;
                if stops_a_call(&earlier) {
                    return Ok(Some(earlier));
                }
                // A call that does not exist, whose key was not given back: freed.
                self.follow(&earlier, false)
                    .await
                    .map_err(|why| self.failed(why))?;
            }
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
        invocation.arg(&entry.intent.reference).arg(value).arg(rest);
        Self::run(invocation.invoke_async::<i64>(&mut conn))
            .await
            .map(drop)
    }

    /// Gives the key taken for `entry` back, logging a failure (the key then expires with
    /// its window).
    async fn give_back(&self, entry: &CallEntry) {
        if let Err(why) = self.follow(entry, false).await {
            tracing::warn!("{}", self.unwritten(why));
        }
    }
}

/// Whether the call of `entry` stops another to its recipient: it was placed, or may have
/// been (not settled); one refused or not placed does not.
fn stops_a_call(entry: &CallEntry) -> bool {
    !matches!(
        entry.outcome,
        Some(CallOutcome::Refused { .. } | CallOutcome::NotPlaced)
    )
}

/// The key's value for `entry`: its reference, a line break, and its JSON.
fn value_of(entry: &CallEntry) -> Result<String, JournalError> {
    let json = serde_json::to_string(entry).map_err(JournalError::store)?;
    Ok(format!("{}\n{json}", entry.intent.reference))
}

/// The entry a key's value holds (after the last line break: compact JSON holds none).
fn entry_of(value: &str) -> Option<CallEntry> {
    let (_, json) = value.rsplit_once('\n')?;
    serde_json::from_str(json).ok()
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

    /// The fleet's key for the recipient first (refused with the entry holding it), then the
    /// local journal's own check; a local refusal gives the key back.
    async fn put_call_unless_called(
        &self,
        entry: &CallEntry,
        since: DateTime<Utc>,
    ) -> Result<Option<CallEntry>, JournalError> {
        let window = (entry.intent.recorded_at - since)
            .to_std()
            .unwrap_or_default();
        if let Some(earlier) = self.take(entry, window).await? {
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

    async fn call(&self, reference: &str) -> Result<Option<CallEntry>, JournalError> {
        if let Some(entry) = self.local.call(reference).await? {
            return Ok(Some(entry));
        }
        Ok(self
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(reference)
            .cloned())
    }

    async fn pending_calls(&self) -> Result<Vec<CallEntry>, JournalError> {
        self.local.pending_calls().await
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
            Some(entry) => Ok(Some(entry)),
            None => self.local.launch(key).await,
        }
    }

    /// The fleet's record of the launch of `list_id` (made on any machine), else the local
    /// journal's.
    async fn launch_for_list(&self, list_id: &ListId) -> Result<Option<LaunchEntry>, JournalError> {
        let local = self.local.launch_for_list(list_id).await?;
        match self.fleet_launch_for_list(list_id, local.as_ref()).await? {
            Some(entry) => Ok(Some(entry)),
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
mod tests {
    use super::*;

    fn entry(reference: &str, outcome: Option<CallOutcome>) -> CallEntry {
        let mut entry = CallEntry::new(CallIntent {
            reference: reference.to_owned(),
            operation: "initiateCallV2".to_owned(),
            agent_id: AgentId::new("a-1"),
            to_number: "+919876543210".to_owned(),
            caller: "from_number_id:n-1".to_owned(),
            recorded_at: Utc::now(),
            settle_after: None,
        });
        entry.outcome = outcome;
        entry
    }

    #[test]
    fn a_key_holds_its_entry_and_only_calls_that_may_exist_stop_another() {
        let pending = entry("rr-1\nx", None);
        let value = value_of(&pending).unwrap();
        assert!(value.starts_with("rr-1\nx\n"));
        // The JSON after the last line break is the entry, whatever its reference holds.
        assert_eq!(entry_of(&value), Some(pending.clone()));
        assert_eq!(entry_of("rr-1 no entry"), None);
        let placed = Some(CallOutcome::Placed {
            call_id: ringg_api::types::CallId::new("c-1"),
        });
        let unknown = Some(CallOutcome::Unknown {
            reason: "reset".to_owned(),
        });
        for (outcome, stops) in [
            (None, true),
            (unknown, true),
            (placed, true),
            (
                Some(CallOutcome::Refused {
                    reason: "400".to_owned(),
                }),
                false,
            ),
            (Some(CallOutcome::NotPlaced), false),
        ] {
            assert_eq!(
                stops_a_call(&entry("rr-2", outcome.clone())),
                stops,
                "{outcome:?}"
            );
        }
    }
}
