//! A [`DedupeStore`] on SQLite that survives a restart (feature `sqlite`).
//!
//! SQLite was chosen over a pure-Rust embedded store such as redb because the crash-safe intent
//! journal planned next must let several processes (a receiver, a `ringg` command run beside
//! it) share one file safely: SQLite's file locking gives that, while redb holds a
//! single-process lock on its file. rusqlite's `bundled` feature compiles SQLite from source
//! with the `cc` crate, so nothing needs to be installed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use crate::dedupe::tokens::ClaimTokens;
use crate::dedupe::{
    Claim, DedupeKey, DedupeStore, DedupeStoreError, MemoryDedupeStore, PENDING_LEASE,
};

/// A durable, bounded [`DedupeStore`] in one SQLite file.
///
/// It keeps the bounds of [`MemoryDedupeStore`]: a key is remembered for a TTL (default 24
/// hours) and at most `max_keys` keys (default 100,000) are held, the oldest dropped first.
///
/// - **Durable**: the keys live in the file, so a restarted receiver still acknowledges
///   Ringg's retries of events it handed over before the restart without handing them over
///   again.
/// - **Atomic**: a claim is one `BEGIN IMMEDIATE` transaction around `INSERT OR IGNORE`, so of
///   two concurrent claims of a key (from tasks of one process, or from processes sharing the
///   file) exactly one wins.
/// - **WAL mode** (`journal_mode=WAL`, `synchronous=NORMAL`): a claim survives a crash of the
///   process; a power loss may forget the last claims, which at worst hands an event over twice
///   (never loses one).
/// - **Bounded**: each claim first drops keys older than the TTL, then the oldest keys beyond
///   `max_keys`. Eviction by count counts insertion positions, so keys forgotten with
///   [`remove`](DedupeStore::remove) can make the store hold somewhat fewer than `max_keys`,
///   never more. The TTL is measured on the wall clock (it must outlive the process); a clock
///   set back keeps keys longer, a clock set forward expires them early. A pending claim
///   whose time lies more than the lease ahead of the clock (made before the clock was set
///   back) counts as stale.
///
/// Each operation runs on Tokio's blocking pool, so a slow disk never stalls the runtime.
///
/// ```no_run
/// use ringg_webhooks::{SqliteDedupeStore, WebhookReceiver, WebhookEvent, HandlerError};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = SqliteDedupeStore::open("/var/lib/myapp/ringg-dedupe.sqlite3")?;
/// let receiver = WebhookReceiver::builder()
///     .secret(std::env::var("RINGG_WEBHOOK_SECRET")?)
///     .dedupe_store(store)
///     .handler(|_event: WebhookEvent| async { Ok::<_, HandlerError>(()) })
///     .build()?;
/// # Ok(()) }
/// ```
pub struct SqliteDedupeStore {
    path: PathBuf,
    ttl: Duration,
    max_keys: usize,
    conn: Arc<Mutex<Connection>>,
    tokens: ClaimTokens,
}

/// How long a claim waits for another process holding the file's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ringg_webhook_dedupe (
    key TEXT PRIMARY KEY NOT NULL,
    inserted_ms INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    token INTEGER
);
CREATE INDEX IF NOT EXISTS ringg_webhook_dedupe_inserted
    ON ringg_webhook_dedupe (inserted_ms);
";

/// The claims still pending, by time: a claim's sweep of stale ones reads this small index
/// instead of the whole table (made after `done` is added to a file from before it).
const PENDING_INDEX: &str = "
CREATE INDEX IF NOT EXISTS ringg_webhook_dedupe_pending
    ON ringg_webhook_dedupe (inserted_ms) WHERE done = 0;
";

/// A claim's sweep of the keys older than the TTL (`?1`), by the time index. Two statements
/// with an index each: one `OR` across both would scan the whole table on every claim.
const SWEEP_EXPIRED: &str = "DELETE FROM ringg_webhook_dedupe WHERE inserted_ms <= ?1";
/// A claim's sweep of the pending claims made before `?1` or after `?2` (a lease away from now,
/// either way), by [`PENDING_INDEX`].
const SWEEP_STALE: &str =
    "DELETE FROM ringg_webhook_dedupe WHERE done = 0 AND (inserted_ms <= ?1 OR inserted_ms > ?2)";

impl SqliteDedupeStore {
    /// How long a claim stays pending before it is freed as the claim of a process that died
    /// mid-handler (45 s).
    pub const PENDING_LEASE: Duration = PENDING_LEASE;

    /// Opens (or creates) the store at `path` with the default TTL and capacity (those of
    /// [`MemoryDedupeStore`]).
    ///
    /// # Errors
    /// When the file cannot be opened or created, or is not a SQLite database.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, DedupeStoreError> {
        Self::open_with_limits(
            path,
            MemoryDedupeStore::DEFAULT_TTL,
            MemoryDedupeStore::DEFAULT_MAX_KEYS,
        )
    }

    /// Opens (or creates) the store at `path`, remembering keys for `ttl` and holding at most
    /// `max_keys` keys (at least 1). The parent folder must exist.
    ///
    /// # Errors
    /// When the file cannot be opened or created, or is not a SQLite database.
    pub fn open_with_limits(
        path: impl AsRef<Path>,
        ttl: Duration,
        max_keys: usize,
    ) -> Result<Self, DedupeStoreError> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open(&path).map_err(|e| opening(&path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| opening(&path, e))?;
        let mode = wal_mode(&conn).map_err(|e| opening(&path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(
                target: "ringg_webhooks",
                path = %path.display(),
                "the dedupe database could not switch to WAL mode (it uses {mode})"
            );
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| opening(&path, e))?;
        conn.execute_batch(SCHEMA).map_err(|e| opening(&path, e))?;
        add_done_column(&conn).map_err(|e| opening(&path, e))?;
        add_token_column(&conn).map_err(|e| opening(&path, e))?;
        conn.execute_batch(PENDING_INDEX)
            .map_err(|e| opening(&path, e))?;
        Ok(Self {
            path,
            ttl,
            max_keys: max_keys.max(1),
            conn: Arc::new(Mutex::new(conn)),
            tokens: ClaimTokens::default(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The TTL of a key.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The maximum number of keys held.
    pub fn max_keys(&self) -> usize {
        self.max_keys
    }

    /// The number of keys held now (expired keys not yet evicted are counted).
    ///
    /// # Errors
    /// When the database cannot be read.
    pub fn len(&self) -> Result<usize, DedupeStoreError> {
        let conn = lock(&self.conn);
        let n: i64 = conn
            .query_row("SELECT count(*) FROM ringg_webhook_dedupe", [], |r| {
                r.get(0)
            })
            .map_err(DedupeStoreError::new)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// True when no key is held.
    ///
    /// # Errors
    /// When the database cannot be read.
    pub fn is_empty(&self) -> Result<bool, DedupeStoreError> {
        Ok(self.len()? == 0)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, DedupeStoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || work(&mut lock(&conn)))
            .await
            .map_err(DedupeStoreError::new)?
            .map_err(DedupeStoreError::new)
    }
}

fn opening(path: &Path, err: rusqlite::Error) -> DedupeStoreError {
    DedupeStoreError::new(format!(
        "cannot open the dedupe database {}: {err}",
        path.display()
    ))
}

fn lock(conn: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    // A panic mid-statement leaves no transaction open (rusqlite rolls back on drop).
    conn.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The token of `key`'s row: `None` without a row, `Some(None)` for a row without a token.
fn row_token(conn: &Connection, key: &str) -> rusqlite::Result<Option<Option<i64>>> {
    conn.query_row(
        "SELECT token FROM ringg_webhook_dedupe WHERE key = ?1",
        params![key],
        |r| r.get(0),
    )
    .optional()
}

/// A token as SQLite stores it (a signed 64-bit integer, the same bits).
fn column(token: u64) -> i64 {
    i64::from_ne_bytes(token.to_ne_bytes())
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn now_ms() -> i64 {
    millis(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default(),
    )
}

/// A file from before claims were confirmed has no `done` column: its keys were handed over.
fn add_done_column(conn: &Connection) -> rusqlite::Result<()> {
    add_column(conn, "done", "done INTEGER NOT NULL DEFAULT 1")
}

/// A file from before claims had tokens has no `token` column (its rows have none).
fn add_token_column(conn: &Connection) -> rusqlite::Result<()> {
    add_column(conn, "token", "token INTEGER")
}

/// Adds column `name` (declared `decl`) unless the table has it. Processes opening one file at
/// once may race to add it: the loser's "duplicate column" is the column being there.
fn add_column(conn: &Connection, name: &str, decl: &str) -> rusqlite::Result<()> {
    let has = conn
        .prepare("SELECT 1 FROM pragma_table_info('ringg_webhook_dedupe') WHERE name = ?1")?
        .exists([name])?;
    if has {
        return Ok(());
    }
    match conn.execute_batch(&format!(
        "ALTER TABLE ringg_webhook_dedupe ADD COLUMN {decl}"
    )) {
        Err(e) if e.to_string().contains("duplicate column name") => Ok(()),
        other => other,
    }
}

/// The claim: one write transaction that evicts expired keys and stale pending claims, then
/// inserts the key (pending with `token`, or handed over when `done`) unless it is there.
fn claim(
    conn: &mut Connection,
    key: &str,
    now_ms: i64,
    (ttl, max_keys): (Duration, usize),
    (done, token): (bool, Option<i64>),
) -> rusqlite::Result<Claim> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // A pending claim made more than a lease "after" now was made before the clock was set
    // back: stale too, or it would hold Ringg's retries off (answered 503) past their last.
    let lease = millis(PENDING_LEASE);
    tx.execute(SWEEP_EXPIRED, params![now_ms.saturating_sub(millis(ttl))])?;
    tx.execute(
        SWEEP_STALE,
        params![now_ms.saturating_sub(lease), now_ms.saturating_add(lease)],
    )?;
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO ringg_webhook_dedupe (key, inserted_ms, done, token) VALUES (?1, ?2, ?3, ?4)",
        params![key, now_ms, i64::from(done), token],
    )? == 1;
    let outcome = if inserted {
        // Rowids grow by one per insert, so the newest `max_keys` rows are those within
        // `max_keys` of the largest: one index lookup instead of counting the table.
        let newest: Option<i64> = tx
            .query_row("SELECT max(rowid) FROM ringg_webhook_dedupe", [], |r| {
                r.get(0)
            })
            .optional()?
            .flatten();
        if let Some(newest) = newest {
            let keep = i64::try_from(max_keys).unwrap_or(i64::MAX);
            tx.execute(
                "DELETE FROM ringg_webhook_dedupe WHERE rowid <= ?1",
                params![newest.saturating_sub(keep)],
            )?;
        }
        Claim::New
    } else {
        let done: i64 = tx.query_row(
            "SELECT done FROM ringg_webhook_dedupe WHERE key = ?1",
            params![key],
            |r| r.get(0),
        )?;
        if done == 0 {
            Claim::InFlight
        } else {
            Claim::Done
        }
    };
    tx.commit()?;
    Ok(outcome)
}

impl SqliteDedupeStore {
    async fn claim_at(&self, key: &DedupeKey, now_ms: i64) -> Result<Claim, DedupeStoreError> {
        let owned = key.as_str().to_owned();
        let (ttl, max_keys) = (self.ttl, self.max_keys);
        let token = self.tokens.issue();
        let claimed = self
            .blocking(move |conn| {
                claim(
                    conn,
                    &owned,
                    now_ms,
                    (ttl, max_keys),
                    (false, Some(column(token))),
                )
            })
            .await?;
        if claimed == Claim::New {
            self.tokens.hold(key.as_str(), token);
        }
        Ok(claimed)
    }

    /// What [`claim`](DedupeStore::claim) would find, read in one statement without writing:
    /// an expired key, or a pending claim whose lease ran out (or dated more than a lease
    /// ahead, made before the clock was set back), counts as not recorded.
    async fn peek_at(&self, key: &DedupeKey, now_ms: i64) -> Result<Claim, DedupeStoreError> {
        let key = key.as_str().to_owned();
        let ttl = millis(self.ttl);
        let lease = millis(PENDING_LEASE);
        let row: Option<(i64, i64)> = self
            .blocking(move |conn| {
                conn.query_row(
                    "SELECT done, inserted_ms FROM ringg_webhook_dedupe WHERE key = ?1",
                    params![key],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
            })
            .await?;
        Ok(match row {
            Some((_, inserted)) if inserted <= now_ms.saturating_sub(ttl) => Claim::New,
            Some((done, _)) if done != 0 => Claim::Done,
            Some((_, inserted))
                if inserted > now_ms.saturating_sub(lease)
                    && inserted <= now_ms.saturating_add(lease) =>
            {
                Claim::InFlight
            }
            _ => Claim::New,
        })
    }

    /// This store's pending claims of `key` dated `now_ms` (their lease starts again), unless
    /// their lease ran out; another receiver's claim is not this store's handler's to hold.
    async fn renew_at(&self, key: &DedupeKey, now_ms: i64) -> Result<(), DedupeStoreError> {
        let tokens: Vec<i64> = self
            .tokens
            .renewing(key.as_str())
            .into_iter()
            .map(column)
            .collect();
        if tokens.is_empty() {
            return Ok(());
        }
        let key = key.as_str().to_owned();
        self.blocking(move |conn| {
            for token in tokens {
                conn.execute(
                    "UPDATE ringg_webhook_dedupe SET inserted_ms = ?2 \
                     WHERE key = ?1 AND done = 0 AND inserted_ms > ?3 AND token = ?4",
                    params![key, now_ms, now_ms - millis(PENDING_LEASE), token],
                )?;
            }
            Ok(())
        })
        .await
    }

    /// A claim confirmed in the same transaction: the key is kept as handed over for the
    /// whole window, not as a pending claim that lapses after its lease.
    async fn check_and_insert_at(
        &self,
        key: &DedupeKey,
        now_ms: i64,
    ) -> Result<bool, DedupeStoreError> {
        let key = key.as_str().to_owned();
        let (ttl, max_keys) = (self.ttl, self.max_keys);
        let claimed = self
            .blocking(move |conn| claim(conn, &key, now_ms, (ttl, max_keys), (true, None)))
            .await?;
        Ok(claimed == Claim::New)
    }
}

#[async_trait]
impl DedupeStore for SqliteDedupeStore {
    async fn check_and_insert(&self, key: &DedupeKey) -> Result<bool, DedupeStoreError> {
        self.check_and_insert_at(key, now_ms()).await
    }

    async fn claim(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        self.claim_at(key, now_ms()).await
    }

    async fn peek(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        self.peek_at(key, now_ms()).await
    }

    /// Marks `key` handed over while its row holds one of this store's tokens, or when there
    /// is no row (the claim's lease ran out and the row was cleared since): a row another
    /// receiver claimed or handed over is left as it is. A key this store did not claim is
    /// marked as it is.
    async fn confirm(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        let ended = self.tokens.end(key.as_str());
        let key = key.as_str().to_owned();
        let now = now_ms();
        self.blocking(move |conn| {
            let Some(ended) = ended else {
                return conn
                    .execute(
                        "UPDATE ringg_webhook_dedupe SET done = 1 WHERE key = ?1",
                        params![key],
                    )
                    .map(drop);
            };
            let mine = |t: Option<i64>| t.is_some_and(|t| ended.tokens.iter().any(|&m| column(m) == t));
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            match row_token(&tx, &key)? {
                None => {
                    tx.execute(
                        "INSERT INTO ringg_webhook_dedupe (key, inserted_ms, done) VALUES (?1, ?2, 1)",
                        params![key, now],
                    )?;
                }
                Some(held) if mine(held) => {
                    tx.execute(
                        "UPDATE ringg_webhook_dedupe SET done = 1 WHERE key = ?1",
                        params![key],
                    )?;
                }
                Some(_) => {}
            }
            tx.commit()
        })
        .await
    }

    /// Forgets `key` while its row holds one of this store's tokens and no other claim of this
    /// store is at work on it; a key this store did not claim is forgotten as it is.
    async fn remove(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        let ended = self.tokens.end(key.as_str());
        if ended.as_ref().is_some_and(|e| !e.last) {
            // Another claim of this store is still at work on the key: it decides.
            return Ok(());
        }
        let key = key.as_str().to_owned();
        self.blocking(move |conn| {
            let Some(ended) = ended else {
                return conn
                    .execute(
                        "DELETE FROM ringg_webhook_dedupe WHERE key = ?1",
                        params![key],
                    )
                    .map(drop);
            };
            for token in ended.tokens {
                conn.execute(
                    "DELETE FROM ringg_webhook_dedupe WHERE key = ?1 AND token = ?2",
                    params![key, column(token)],
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn renew(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        self.renew_at(key, now_ms()).await
    }
}

impl fmt::Debug for SqliteDedupeStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteDedupeStore")
            .field("path", &self.path)
            .field("ttl", &self.ttl)
            .field("max_keys", &self.max_keys)
            .finish_non_exhaustive()
    }
}

/// Switches the database to WAL and returns the journal mode in force. Several receivers
/// opening a new file at once race for that switch, and SQLite answers the losers "database
/// is locked" at once, without waiting for its busy timeout: the switch is tried again until
/// [`BUSY_TIMEOUT`] has passed. The SDK's SQLite intent journal
/// (`ringg-api/src/journal/file_mode.rs`) does the same: a fix here belongs there too.
fn wal_mode(conn: &Connection) -> rusqlite::Result<String> {
    let started = std::time::Instant::now();
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)) {
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests;
