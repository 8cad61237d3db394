//! [`SqliteJournal`]: the durable journal, one SQLite file shared by every process.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use ringg_types::ids::{AgentId, ListId};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::journal::adopt::{adopt_other_spellings, move_scope};
use crate::journal::entry::{CallEntry, JournalError, LaunchEntry, LaunchKey, SavedSubscriptions};
use crate::journal::file_mode::{
    BUSY_TIMEOUT, make_if_missing, refuse_empty, wal_mode, warn_if_readable,
};
use crate::journal::sql::{classify, damaged, immediate, rfc3339, texts};
use crate::journal::store::{Journal, same_launch_record};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ringg_journal_calls (
    scope TEXT NOT NULL,
    reference TEXT NOT NULL,
    settled INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (scope, reference)
);
CREATE INDEX IF NOT EXISTS ringg_journal_calls_pending
    ON ringg_journal_calls (scope, settled, recorded_at);
CREATE INDEX IF NOT EXISTS ringg_journal_calls_recorded
    ON ringg_journal_calls (scope, recorded_at);
CREATE TABLE IF NOT EXISTS ringg_journal_launches (
    scope TEXT NOT NULL,
    launch_key TEXT NOT NULL,
    list_id TEXT,
    settled INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (scope, launch_key)
);
CREATE INDEX IF NOT EXISTS ringg_journal_launches_list
    ON ringg_journal_launches (scope, list_id);
CREATE TABLE IF NOT EXISTS ringg_journal_subscriptions (
    scope TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (scope, agent_id)
);
";

/// A durable [`Journal`] in one SQLite file (feature `sqlite`).
///
/// SQLite was chosen over a pure-Rust embedded store such as redb because several processes
/// must share one journal safely (two `ringg` commands, a worker and a command beside it):
/// SQLite's file locking allows that, while redb holds a single-process lock on its file.
/// rusqlite's `bundled` feature compiles SQLite from source, so nothing needs installing.
///
/// - **Durable before the request leaves**: each write is its own transaction, committed in
///   WAL mode with `synchronous=FULL`, so the write-ahead log is synced to disk before the
///   write returns. An intent survives `kill -9` of the process and a power loss. Each write
///   is then copied into the database file (a passive checkpoint), so the file alone holds
///   the entries without its `-wal`, unless another process was reading at that moment (its
///   snapshot keeps the latest pages in the `-wal` until a later write).
/// - **Shared**: writers in several processes take SQLite's write lock in turn (waiting up to
///   10 s for it); an entry is replaced as a whole, so writers of different entries never lose
///   each other's writes.
/// - **Scoped**: opened for one scope ([`journal_scope`](crate::journal::journal_scope)); entries of
///   other scopes in the same file are never read.
/// - **Checked**: a file that is not a journal, or whose pages or entries are damaged, is
///   reported as [`JournalError::Damaged`] with what to do, never silently ignored or
///   overwritten. So is an empty file: a new journal is written whole under a temporary name
///   and then put in place, so an empty one has lost what it held.
/// - **Private**: it may hold webhook secrets (the subscriptions saved before a change), so on
///   Unix a new file (and so its `-wal` and `-shm`) is readable by its owner only, an existing
///   one that other users may read is named in a warning, and deleted rows are overwritten
///   (`secure_delete`), not left in free pages.
///
/// Each operation runs on Tokio's blocking pool.
pub struct SqliteJournal {
    path: PathBuf,
    scope: String,
    conn: Arc<Mutex<Connection>>,
}

impl SqliteJournal {
    /// Opens (or creates) the journal at `path` for `scope`, and checks the file. The parent
    /// folder must exist.
    ///
    /// # Errors
    /// [`JournalError::Damaged`] when the file is empty, is not a SQLite database or fails its
    /// integrity check; [`JournalError::Store`] when it cannot be opened or created.
    pub fn open(path: impl AsRef<Path>, scope: impl Into<String>) -> Result<Self, JournalError> {
        let path = path.as_ref().to_path_buf();
        make_if_missing(&path, |conn| {
            wal_mode(conn)?;
            conn.execute_batch(SCHEMA)
        })?;
        refuse_empty(&path)?;
        let conn = Connection::open(&path).map_err(|e| classify(&path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| classify(&path, e))?;
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(|e| classify(&path, e))?;
        let mode = wal_mode(&conn).map_err(|e| classify(&path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(
                target: "ringg_api::journal",
                path = %path.display(),
                "the journal could not switch to WAL mode (it uses {mode})"
            );
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| classify(&path, e))?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| classify(&path, e))?;
        if check != "ok" {
            return Err(damaged(&path, check));
        }
        conn.execute_batch(SCHEMA).map_err(|e| classify(&path, e))?;
        warn_if_readable(&path);
        let scope = scope.into();
        adopt_other_spellings(&conn, &scope).map_err(|e| classify(&path, e))?;
        Ok(Self {
            path,
            scope,
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The scope this journal reads and writes.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// Moves every entry of this journal's scope (calls, launches, saved subscriptions) to
    /// `scope`, in one transaction, and returns how many moved; an entry `scope` already holds
    /// under the same key stays where it is.
    ///
    /// For a key rotation ([`Workspace::regenerate_api_key`]): entries are kept per key
    /// ([`journal_scope`]), so a client of the new key sees none of the old key's, and a call
    /// pending, or placed within the hour, under the old key would not stop the same call made
    /// with the new one. Move them to `journal_scope(base_url, new_key)` before using it.
    ///
    /// [`Workspace::regenerate_api_key`]: crate::workspace::Workspace::regenerate_api_key
    /// [`journal_scope`]: crate::journal::journal_scope
    ///
    /// # Errors
    /// [`JournalError`] when the file cannot be written; nothing moved then.
    pub async fn move_entries_to(&self, scope: &str) -> Result<usize, JournalError> {
        let to = scope.to_owned();
        self.writing(move |conn, from| move_scope(conn, from, &to))
            .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection, &str) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, JournalError> {
        let conn = self.conn.clone();
        let scope = self.scope.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            work(&conn, &scope)
        })
        .await
        .map_err(JournalError::store)?
        .map_err(|e| classify(&path, e))
    }

    /// [`blocking`](Self::blocking) for a write: once it is committed, its pages are copied
    /// from the write-ahead log into the database file (a passive checkpoint: as far as other
    /// processes' reads allow, without waiting for them). So a copy of the file made without
    /// its `-wal` (a backup, a sync of the state folder), or one whose `-wal` was lost after a
    /// crash, does not lack the latest calls, unless another process was reading just then
    /// (then the pages its snapshot needs stay in the `-wal` until a later write). It costs a
    /// few milliseconds a write (a sync of the database file), small beside the request the
    /// entry guards.
    async fn writing<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection, &str) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, JournalError> {
        self.blocking(move |conn, scope| {
            let written = work(conn, scope)?;
            // Committed and synced already: a checkpoint that cannot finish loses nothing.
            let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            Ok(written)
        })
        .await
    }

    fn decode<T: DeserializeOwned>(&self, what: &str, text: &str) -> Result<T, JournalError> {
        serde_json::from_str(text)
            .map_err(|e| damaged(&self.path, format!("an unreadable {what} entry: {e}")))
    }

    fn decode_all<T: DeserializeOwned>(
        &self,
        what: &str,
        texts: Vec<String>,
    ) -> Result<Vec<T>, JournalError> {
        texts.iter().map(|t| self.decode(what, t)).collect()
    }

    /// Records `entry` unless an earlier call stops it (`CallIntent::stopped_by`: one pending,
    /// or with `since` one placed since then), in one IMMEDIATE transaction: no other process
    /// writes between the check and the insert. Returns that call.
    async fn put_unless(
        &self,
        entry: &CallEntry,
        since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Option<CallEntry>, JournalError> {
        let text = encode(entry)?;
        let intent = entry.intent.clone();
        let settled = entry.is_settled();
        let recorded = rfc3339(&entry.intent.recorded_at);
        let outcome = self.writing(move |conn, scope| {
            immediate(conn, || {
                let candidates = match since {
                    None => texts(
                        conn,
                        "SELECT entry FROM ringg_journal_calls WHERE scope = ?1 AND settled = 0",
                        params![scope],
                    )?,
                    Some(since) => texts(
                        conn,
                        "SELECT entry FROM ringg_journal_calls
                         WHERE scope = ?1 AND (settled = 0 OR recorded_at >= ?2)",
                        params![scope, rfc3339(&since)],
                    )?,
                };
                // An entry that cannot be read (damaged, or written by a newer version) stops
                // this call unless it is plainly another recipient's under another reference.
                let mut calls = Vec::with_capacity(candidates.len());
                for text in &candidates {
                    match serde_json::from_str::<CallEntry>(text) {
                        Ok(call) => calls.push(call),
                        Err(e) if may_stop(text, &intent) => return Ok(Err(e.to_string())),
                        Err(_) => {}
                    }
                }
                let earlier = intent.stopped_by(calls, since);
                if earlier.is_none() {
                    conn.execute(UPSERT_CALL, params![scope, intent.reference, settled, recorded, text])?;
                }
                Ok(Ok(earlier))
            })
        })
        .await?;
        outcome.map_err(|e| {
            JournalError::Store(format!(
                "{}: a call entry this version cannot read ({e}) could be an earlier call to this \
                 recipient, so nothing was recorded or sent; run the ringg version that wrote it \
                 (a newer one?), or settle that call with `ringg calls reconcile --pending` there",
                self.path.display()
            ))
        })
    }
}

fn encode<T: Serialize>(value: &T) -> Result<String, JournalError> {
    serde_json::to_string(value).map_err(JournalError::store)
}

/// Whether the call entry `text`, which does not read as a [`CallEntry`], may be one that stops
/// `intent`: unless its intent plainly names another recipient (or assistant) and another
/// client reference.
fn may_stop(text: &str, intent: &crate::journal::CallIntent) -> bool {
    let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let field = |name: &str| {
        value
            .pointer(&format!("/intent/{name}"))
            .and_then(|v| v.as_str())
    };
    match (field("agent_id"), field("to_number"), field("reference")) {
        (Some(agent), Some(to), Some(reference)) => {
            (agent == intent.agent_id.as_str() && to == intent.to_number)
                || reference == intent.reference
        }
        _ => true,
    }
}

/// Records a call entry, or replaces the one with its reference (its time too, so a reference
/// used again is looked up by its newest use).
const UPSERT_CALL: &str =
    "INSERT INTO ringg_journal_calls (scope, reference, settled, recorded_at, entry)
     VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (scope, reference) DO UPDATE
     SET settled = excluded.settled, recorded_at = excluded.recorded_at, entry = excluded.entry";

const UPSERT_LAUNCH: &str = "INSERT INTO ringg_journal_launches
     (scope, launch_key, list_id, settled, recorded_at, updated_at, entry)
 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
 ON CONFLICT (scope, launch_key) DO UPDATE
 SET list_id = excluded.list_id, settled = excluded.settled,
     updated_at = excluded.updated_at, entry = excluded.entry";

const SELECT_CALL: &str =
    "SELECT entry FROM ringg_journal_calls WHERE scope = ?1 AND reference = ?2";

const SELECT_LAUNCH: &str =
    "SELECT entry FROM ringg_journal_launches WHERE scope = ?1 AND launch_key = ?2";

#[async_trait]
impl Journal for SqliteJournal {
    async fn put_call(&self, entry: &CallEntry) -> Result<(), JournalError> {
        let text = encode(entry)?;
        let reference = entry.intent.reference.clone();
        let settled = entry.is_settled();
        let recorded = rfc3339(&entry.intent.recorded_at);
        self.writing(move |conn, scope| {
            conn.execute(
                UPSERT_CALL,
                params![scope, reference, settled, recorded, text],
            )
            .map(drop)
        })
        .await
    }

    async fn put_call_unless_pending(
        &self,
        entry: &CallEntry,
    ) -> Result<Option<CallEntry>, JournalError> {
        self.put_unless(entry, None).await
    }

    async fn put_call_unless_called(
        &self,
        entry: &CallEntry,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<CallEntry>, JournalError> {
        self.put_unless(entry, Some(since)).await
    }

    async fn put_call_if_unchanged(
        &self,
        entry: &CallEntry,
        seen: &CallEntry,
    ) -> Result<bool, JournalError> {
        let text = encode(entry)?;
        let reference = entry.intent.reference.clone();
        let (settled, recorded) = (entry.is_settled(), rfc3339(&entry.intent.recorded_at));
        let seen = seen.clone();
        // One IMMEDIATE transaction: no other process writes between the comparison and the
        // write. A record this version cannot read is not the one seen.
        self.writing(move |conn, scope| {
            immediate(conn, || {
                let current = conn
                    .query_row(SELECT_CALL, params![scope, reference], |r| {
                        r.get::<_, String>(0)
                    })
                    .optional()?;
                let unchanged = current
                    .and_then(|t| serde_json::from_str::<CallEntry>(&t).ok())
                    .is_some_and(|c| c.is_same_record(&seen));
                if unchanged {
                    conn.execute(
                        UPSERT_CALL,
                        params![scope, reference, settled, recorded, text],
                    )?;
                }
                Ok(unchanged)
            })
        })
        .await
    }

    async fn call(&self, reference: &str) -> Result<Option<CallEntry>, JournalError> {
        let reference = reference.to_owned();
        let text = self
            .blocking(move |conn, scope| {
                conn.query_row(SELECT_CALL, params![scope, reference], |r| {
                    r.get::<_, String>(0)
                })
                .optional()
            })
            .await?;
        text.map(|t| self.decode("call", &t)).transpose()
    }

    async fn pending_calls(&self) -> Result<Vec<CallEntry>, JournalError> {
        let rows = self
            .blocking(|conn, scope| {
                texts(
                    conn,
                    "SELECT entry FROM ringg_journal_calls WHERE scope = ?1 AND settled = 0
                     ORDER BY recorded_at, reference",
                    params![scope],
                )
            })
            .await?;
        self.decode_all("call", rows)
    }

    async fn calls_since(
        &self,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<CallEntry>, JournalError> {
        let since = rfc3339(&since);
        let rows = self
            .blocking(move |conn, scope| {
                texts(
                    conn,
                    "SELECT entry FROM ringg_journal_calls WHERE scope = ?1 AND recorded_at >= ?2
                     ORDER BY recorded_at, reference",
                    params![scope, since],
                )
            })
            .await?;
        self.decode_all("call", rows)
    }

    async fn put_launch(&self, entry: &LaunchEntry) -> Result<(), JournalError> {
        let text = encode(entry)?;
        let key = entry.key.to_key_string();
        let list_id = entry.list_id.as_ref().map(ToString::to_string);
        let settled = entry.stage.is_settled();
        let (recorded, updated) = (rfc3339(&entry.recorded_at), rfc3339(&entry.updated_at));
        self.writing(move |conn, scope| {
            conn.execute(
                UPSERT_LAUNCH,
                params![scope, key, list_id, settled, recorded, updated, text],
            )
            .map(drop)
        })
        .await
    }

    async fn put_launch_if_unchanged(
        &self,
        entry: &LaunchEntry,
        seen: Option<&LaunchEntry>,
    ) -> Result<bool, JournalError> {
        let text = encode(entry)?;
        let key = entry.key.to_key_string();
        let list_id = entry.list_id.as_ref().map(ToString::to_string);
        let settled = entry.stage.is_settled();
        let (recorded, updated) = (rfc3339(&entry.recorded_at), rfc3339(&entry.updated_at));
        let seen = seen.cloned();
        // One IMMEDIATE transaction: no other process writes between the comparison and the
        // write.
        let (written, unreadable) = self
            .writing(move |conn, scope| {
                immediate(conn, || {
                    let current = conn
                        .query_row(SELECT_LAUNCH, params![scope, key], |r| {
                            r.get::<_, String>(0)
                        })
                        .optional()?;
                    let current = match current.map(|t| serde_json::from_str::<LaunchEntry>(&t)) {
                        Some(Err(e)) => return Ok((false, Some(e.to_string()))),
                        Some(Ok(c)) => Some(c),
                        None => None,
                    };
                    if !same_launch_record(current.as_ref(), seen.as_ref()) {
                        return Ok((false, None));
                    }
                    conn.execute(
                        UPSERT_LAUNCH,
                        params![scope, key, list_id, settled, recorded, updated, text],
                    )?;
                    Ok((true, None))
                })
            })
            .await?;
        match unreadable {
            Some(e) => Err(damaged(
                &self.path,
                format!("an unreadable launch entry: {e}"),
            )),
            None => Ok(written),
        }
    }

    async fn launch(&self, key: &LaunchKey) -> Result<Option<LaunchEntry>, JournalError> {
        let key = key.to_key_string();
        let text = self
            .blocking(move |conn, scope| {
                conn.query_row(SELECT_LAUNCH, params![scope, key], |r| {
                    r.get::<_, String>(0)
                })
                .optional()
            })
            .await?;
        text.map(|t| self.decode("launch", &t)).transpose()
    }

    async fn launch_for_list(&self, list_id: &ListId) -> Result<Option<LaunchEntry>, JournalError> {
        let list_id = list_id.to_string();
        let text = self
            .blocking(move |conn, scope| {
                conn.query_row(
                    "SELECT entry FROM ringg_journal_launches WHERE scope = ?1 AND list_id = ?2
                     ORDER BY updated_at DESC LIMIT 1",
                    params![scope, list_id],
                    |r| r.get::<_, String>(0),
                )
                .optional()
            })
            .await?;
        text.map(|t| self.decode("launch", &t)).transpose()
    }

    async fn pending_launches(&self) -> Result<Vec<LaunchEntry>, JournalError> {
        let rows = self
            .blocking(|conn, scope| {
                texts(
                    conn,
                    "SELECT entry FROM ringg_journal_launches WHERE scope = ?1 AND settled = 0
                     ORDER BY recorded_at, launch_key",
                    params![scope],
                )
            })
            .await?;
        self.decode_all("launch", rows)
    }

    async fn save_subscriptions(&self, saved: &SavedSubscriptions) -> Result<bool, JournalError> {
        let text = encode(saved)?;
        let agent = saved.agent_id.to_string();
        self.writing(move |conn, scope| {
            conn.execute(
                "INSERT OR IGNORE INTO ringg_journal_subscriptions (scope, agent_id, entry)
                 VALUES (?1, ?2, ?3)",
                params![scope, agent, text],
            )
            .map(|n| n == 1)
        })
        .await
    }

    async fn saved_subscriptions(&self) -> Result<Vec<SavedSubscriptions>, JournalError> {
        let rows = self
            .blocking(|conn, scope| {
                texts(
                    conn,
                    "SELECT entry FROM ringg_journal_subscriptions WHERE scope = ?1
                     ORDER BY agent_id",
                    params![scope],
                )
            })
            .await?;
        self.decode_all("subscriptions", rows)
    }

    async fn forget_subscriptions(&self, agent_id: &AgentId) -> Result<(), JournalError> {
        let agent = agent_id.to_string();
        self.blocking(move |conn, scope| {
            conn.execute(
                "DELETE FROM ringg_journal_subscriptions WHERE scope = ?1 AND agent_id = ?2",
                params![scope, agent],
            )?;
            // The rows written before (the secrets) stay in the write-ahead log until it is
            // checkpointed: empty it, as far as readers allow.
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        })
        .await
    }
}

impl fmt::Debug for SqliteJournal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteJournal")
            .field("path", &self.path)
            // A base URL's user information (a gateway's password) is not shown.
            .field("scope", &ringg_transport::masked_url(&self.scope))
            .finish_non_exhaustive()
    }
}
