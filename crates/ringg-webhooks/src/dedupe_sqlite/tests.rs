#[test]
fn receivers_opening_a_new_store_at_once_all_get_it() {
    // Receivers started together on a fresh machine race for the file's switch to WAL;
    // each must open it (SQLite answers the switch "locked" without waiting).
    for _ in 0..50 {
        let dir = tempfile::tempdir().unwrap();
        open_at_once(&dir.path().join("dedupe.sqlite3"));
    }
}

/// Opens the store at `path` from 16 threads at once; each must open it.
fn open_at_once(path: &Path) {
    const OPENERS: usize = 16;
    let start = Arc::new(std::sync::Barrier::new(OPENERS));
    let opened: Vec<_> = (0..OPENERS)
        .map(|_| {
            let (path, start) = (path.to_path_buf(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                SqliteDedupeStore::open(&path).map(drop)
            })
        })
        .collect();
    for o in opened {
        if let Err(e) = o.join().unwrap() {
            panic!("a concurrent open failed: {e}");
        }
    }
}

use super::*;

fn key(i: usize) -> DedupeKey {
    DedupeKey::new(&format!("call-{i}"), "call_started", None)
}

fn temp_path(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

/// Two stores over the file at `path`, as two receivers have them.
fn two_stores(path: &Path) -> (SqliteDedupeStore, SqliteDedupeStore) {
    (
        SqliteDedupeStore::open(path).unwrap(),
        SqliteDedupeStore::open(path).unwrap(),
    )
}

#[tokio::test]
async fn a_pending_claim_is_in_flight_until_confirmed_and_expires_if_never_confirmed() {
    let (_dir, path) = temp_path("p.sqlite3");
    let s = SqliteDedupeStore::open(&path).unwrap();
    let t0 = now_ms();
    assert_eq!(s.claim_at(&key(1), t0).await.unwrap(), Claim::New);
    assert_eq!(
        s.claim_at(&key(1), t0 + 1_000).await.unwrap(),
        Claim::InFlight
    );
    s.confirm(&key(1)).await.unwrap();
    assert_eq!(s.claim_at(&key(1), t0 + 2_000).await.unwrap(), Claim::Done);
    // A process died with key 2 claimed: after the lease, Ringg's retry is handed over.
    assert_eq!(s.claim_at(&key(2), t0).await.unwrap(), Claim::New);
    drop(s);
    let s = SqliteDedupeStore::open(&path).unwrap();
    let lease = millis(PENDING_LEASE);
    assert_eq!(
        s.claim_at(&key(2), t0 + lease - 1).await.unwrap(),
        Claim::InFlight
    );
    assert_eq!(
        s.claim_at(&key(2), t0 + lease + 1).await.unwrap(),
        Claim::New
    );
    // A confirmed key outlives the lease (it lasts the TTL).
    assert_eq!(
        s.claim_at(&key(1), t0 + lease + 2).await.unwrap(),
        Claim::Done
    );
    // The clock set back an hour after a crash with key 3 claimed: its claim is stale
    // after the lease as well, not an hour later; a confirmed key is still a repeat.
    let t1 = t0 + 10 * lease;
    assert_eq!(s.claim_at(&key(3), t1).await.unwrap(), Claim::New);
    let back = t1 - 3_600_000;
    assert_eq!(s.claim_at(&key(3), back).await.unwrap(), Claim::New);
    assert_eq!(s.claim_at(&key(1), back).await.unwrap(), Claim::Done);
}

#[tokio::test]
async fn a_renewed_claim_stays_in_flight_past_its_first_lease() {
    let (_dir, path) = temp_path("r.sqlite3");
    let s = SqliteDedupeStore::open(&path).unwrap();
    let lease = millis(PENDING_LEASE);
    let t0 = now_ms();
    assert_eq!(s.claim_at(&key(1), t0).await.unwrap(), Claim::New);
    s.renew_at(&key(1), t0 + lease / 2).await.unwrap();
    assert_eq!(
        s.claim_at(&key(1), t0 + lease + 1).await.unwrap(),
        Claim::InFlight
    );
    assert_eq!(
        s.claim_at(&key(1), t0 + lease / 2 + lease + 1)
            .await
            .unwrap(),
        Claim::New
    );
    // A confirmed key stays done.
    let t1 = t0 + lease / 2 + lease + 1;
    s.confirm(&key(1)).await.unwrap();
    s.renew_at(&key(1), t1 + 1).await.unwrap();
    assert_eq!(s.claim_at(&key(1), t1 + 2).await.unwrap(), Claim::Done);
    // A lapsed claim is not revived.
    let t2 = t1 + 10;
    assert_eq!(s.claim_at(&key(2), t2).await.unwrap(), Claim::New);
    s.renew_at(&key(2), t2 + lease + 1).await.unwrap();
    assert_eq!(
        s.claim_at(&key(2), t2 + lease + 2).await.unwrap(),
        Claim::New
    );
}

/// `peek` reads what `claim` would find, in this store and another over the same file, and
/// claims nothing.
#[tokio::test]
async fn peek_reads_a_key_without_claiming_it() {
    let (_dir, path) = temp_path("peek.sqlite3");
    let (a, b) = two_stores(&path);
    let lease = millis(PENDING_LEASE);
    let t0 = now_ms();
    assert_eq!(a.peek_at(&key(1), t0).await.unwrap(), Claim::New);
    assert_eq!(b.claim_at(&key(1), t0).await.unwrap(), Claim::New);
    assert_eq!(a.peek_at(&key(1), t0 + 1).await.unwrap(), Claim::InFlight);
    assert_eq!(
        a.peek_at(&key(1), t0 + lease - 1).await.unwrap(),
        Claim::InFlight
    );
    assert_eq!(a.peek_at(&key(1), t0 + lease).await.unwrap(), Claim::New);
    // Dated more than a lease ahead: made before the clock was set back, stale.
    assert_eq!(
        a.peek_at(&key(1), t0 - lease - 1).await.unwrap(),
        Claim::New
    );
    b.confirm(&key(1)).await.unwrap();
    assert_eq!(a.peek_at(&key(1), t0 + lease).await.unwrap(), Claim::Done);
    // Peeking claimed nothing: the first claim of key 2 is still new.
    assert_eq!(a.peek_at(&key(2), t0).await.unwrap(), Claim::New);
    assert_eq!(a.claim_at(&key(2), t0).await.unwrap(), Claim::New);
    // A key past the TTL (24 hours) reads as free.
    let day = 24 * 3_600_000;
    assert_eq!(a.peek_at(&key(1), t0 + day).await.unwrap(), Claim::New);
}

/// `check_and_insert` records the key as handed over for the window, not as a claim
/// that lapses after its lease.
#[tokio::test]
async fn check_and_insert_remembers_the_key_past_the_pending_lease() {
    let (_dir, path) = temp_path("c.sqlite3");
    let s = SqliteDedupeStore::open(&path).unwrap();
    let t0 = now_ms();
    assert!(s.check_and_insert_at(&key(1), t0).await.unwrap());
    let later = t0 + millis(PENDING_LEASE) + 1_000;
    assert!(!s.check_and_insert_at(&key(1), later).await.unwrap());
    assert_eq!(s.claim_at(&key(1), later).await.unwrap(), Claim::Done);
}

#[tokio::test]
async fn claims_once_and_remove_releases() {
    let (_dir, path) = temp_path("d.sqlite3");
    let s = SqliteDedupeStore::open(&path).unwrap();
    assert!(s.check_and_insert(&key(1)).await.unwrap());
    assert!(!s.check_and_insert(&key(1)).await.unwrap());
    assert!(s.check_and_insert(&key(2)).await.unwrap());
    s.remove(&key(1)).await.unwrap();
    assert!(s.check_and_insert(&key(1)).await.unwrap());
    assert!(!s.check_and_insert(&key(1)).await.unwrap());
    assert_eq!(s.len().unwrap(), 2);
    let mode: String = lock(&s.conn)
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn survives_reopen() {
    let (_dir, path) = temp_path("d.sqlite3");
    {
        let s = SqliteDedupeStore::open(&path).unwrap();
        assert!(s.check_and_insert(&key(1)).await.unwrap());
        assert!(s.check_and_insert(&key(2)).await.unwrap());
        s.remove(&key(2)).await.unwrap();
    }
    let s = SqliteDedupeStore::open(&path).unwrap();
    assert!(
        !s.check_and_insert(&key(1)).await.unwrap(),
        "remembered across reopen"
    );
    assert!(
        s.check_and_insert(&key(2)).await.unwrap(),
        "a removed key stays removed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_have_one_winner() {
    let (_dir, path) = temp_path("d.sqlite3");
    let shared = Arc::new(SqliteDedupeStore::open(&path).unwrap());
    // A second connection to the same file stands for a second process.
    let other = Arc::new(SqliteDedupeStore::open(&path).unwrap());
    for round in 0..50 {
        let k = key(round);
        let stores = [shared.clone(), shared.clone(), other.clone(), other.clone()];
        let tasks: Vec<_> = stores
            .into_iter()
            .map(|s| {
                let k = k.clone();
                tokio::spawn(async move { s.check_and_insert(&k).await.unwrap() })
            })
            .collect();
        let mut winners = 0;
        for t in tasks {
            winners += usize::from(t.await.unwrap());
        }
        assert_eq!(winners, 1, "round {round}");
    }
}

#[tokio::test]
async fn keys_expire_after_ttl() {
    let (_dir, path) = temp_path("d.sqlite3");
    let s = SqliteDedupeStore::open_with_limits(&path, Duration::from_secs(60), 10).unwrap();
    let t0 = 1_000_000_000;
    assert!(s.check_and_insert_at(&key(1), t0).await.unwrap());
    assert!(!s.check_and_insert_at(&key(1), t0 + 59_000).await.unwrap());
    assert!(s.check_and_insert_at(&key(1), t0 + 60_000).await.unwrap());
    assert_eq!(s.len().unwrap(), 1);
    // The re-inserted key counts from its new insertion time.
    assert!(!s.check_and_insert_at(&key(1), t0 + 119_000).await.unwrap());
}

#[tokio::test]
async fn capacity_evicts_oldest_first() {
    let (_dir, path) = temp_path("d.sqlite3");
    let s = SqliteDedupeStore::open_with_limits(&path, Duration::from_secs(3600), 3).unwrap();
    for i in 0..5 {
        assert!(s.check_and_insert(&key(i)).await.unwrap());
    }
    assert_eq!(s.len().unwrap(), 3);
    for i in 2..5 {
        assert!(!s.check_and_insert(&key(i)).await.unwrap(), "key {i}");
    }
    assert!(s.check_and_insert(&key(0)).await.unwrap());
    assert_eq!(s.len().unwrap(), 3);
    assert!(
        s.check_and_insert(&key(2)).await.unwrap(),
        "2 was the oldest and was evicted"
    );
    // Many claims and removals later the table is still bounded.
    for i in 10..1010 {
        assert!(s.check_and_insert(&key(i)).await.unwrap());
        if i % 2 == 0 {
            s.remove(&key(i)).await.unwrap();
        }
    }
    assert!(s.len().unwrap() <= 3);
}

#[test]
fn a_file_that_is_not_a_database_is_an_error() {
    let (_dir, path) = temp_path("junk");
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    let err = SqliteDedupeStore::open(&path).unwrap_err().to_string();
    assert!(err.contains("cannot open the dedupe database"), "{err}");
}

/// Two receivers share a file. A claim whose lease ran out (its handler outlived it) and that
/// another receiver claimed since is not this receiver's any more: its late `remove` leaves the
/// other's hand-over alone, and its late `confirm` does not mark the other's claim done while
/// that one is still at work.
#[tokio::test]
async fn a_lapsed_claim_neither_undoes_nor_confirms_anothers() {
    let (_dir, path) = temp_path("fenced.sqlite3");
    let (a, b) = two_stores(&path);
    let lease = millis(PENDING_LEASE);
    let t0 = now_ms();
    // A late remove.
    assert_eq!(a.claim_at(&key(1), t0).await.unwrap(), Claim::New);
    assert_eq!(
        b.claim_at(&key(1), t0 + lease + 1).await.unwrap(),
        Claim::New
    );
    b.confirm(&key(1)).await.unwrap();
    a.remove(&key(1)).await.unwrap();
    assert_eq!(
        b.claim_at(&key(1), t0 + lease + 2).await.unwrap(),
        Claim::Done
    );
    // A late confirm.
    assert_eq!(a.claim_at(&key(2), t0).await.unwrap(), Claim::New);
    assert_eq!(
        b.claim_at(&key(2), t0 + lease + 1).await.unwrap(),
        Claim::New
    );
    a.confirm(&key(2)).await.unwrap();
    assert_eq!(
        a.claim_at(&key(2), t0 + lease + 2).await.unwrap(),
        Claim::InFlight
    );
    // B's handler fails: its own claim is released, and the retry is handed over.
    b.remove(&key(2)).await.unwrap();
    assert_eq!(
        a.claim_at(&key(2), t0 + lease + 3).await.unwrap(),
        Claim::New
    );
}

/// One store claims a key twice (its first claim's lease ran out, Ringg's retry reached the
/// same process): the first handler's failure leaves the key claimed while the second is at
/// work; a late confirm of a lapsed claim whose row was cleared still records the key.
#[tokio::test]
async fn one_store_claiming_a_key_twice_keeps_it_while_either_is_at_work() {
    let (_dir, path) = temp_path("twice.sqlite3");
    let (a, b) = two_stores(&path);
    let lease = millis(PENDING_LEASE);
    let t0 = now_ms();
    assert_eq!(a.claim_at(&key(1), t0).await.unwrap(), Claim::New);
    assert_eq!(
        a.claim_at(&key(1), t0 + lease + 1).await.unwrap(),
        Claim::New
    );
    a.remove(&key(1)).await.unwrap();
    assert_eq!(
        b.claim_at(&key(1), t0 + lease + 2).await.unwrap(),
        Claim::InFlight
    );
    a.remove(&key(1)).await.unwrap();
    assert_eq!(
        b.claim_at(&key(1), t0 + lease + 3).await.unwrap(),
        Claim::New
    );
    // A lapsed claim whose row another claim's clean-up removed: the late confirm records it.
    assert_eq!(a.claim_at(&key(2), t0).await.unwrap(), Claim::New);
    assert_eq!(
        b.claim_at(&key(3), t0 + lease + 1).await.unwrap(),
        Claim::New
    );
    a.confirm(&key(2)).await.unwrap();
    assert_eq!(
        b.claim_at(&key(2), t0 + lease + 4).await.unwrap(),
        Claim::Done
    );
    // check_and_insert holds no token.
    assert!(a.check_and_insert(&key(4)).await.unwrap());
    assert!(a.tokens.end(key(4).as_str()).is_none());
}

/// Receivers upgrading together open a file made before claims had tokens: each opens it.
#[test]
fn receivers_opening_an_old_file_at_once_all_get_it() {
    for _ in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        Connection::open(&path)
            .unwrap()
            .execute_batch(
                "PRAGMA journal_mode=WAL;
                 CREATE TABLE ringg_webhook_dedupe (key TEXT PRIMARY KEY NOT NULL, \
                 inserted_ms INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0);",
            )
            .unwrap();
        open_at_once(&path);
    }
}

/// A claim's sweeps read an index each, not the whole table: with a month of keys (hundreds of
/// thousands), a table scan on every claim would hold the write lock for tens of milliseconds
/// per delivery. Checked on a store opened from a file from before the `done` column too.
#[test]
fn a_claims_sweeps_read_an_index_not_the_table() {
    let (_dir, path) = temp_path("plan.sqlite3");
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TABLE ringg_webhook_dedupe (key TEXT PRIMARY KEY NOT NULL, \
             inserted_ms INTEGER NOT NULL);",
        )
        .unwrap();
    let store = SqliteDedupeStore::open(&path).unwrap();
    let conn = lock(&store.conn);
    for (sweep, args) in [(SWEEP_EXPIRED, 1), (SWEEP_STALE, 2)] {
        let sql = format!("EXPLAIN QUERY PLAN {sweep}");
        let mut stmt = conn.prepare(&sql).unwrap();
        let values: Vec<i64> = (0..args).map(|i| 1_000 * (i + 1)).collect();
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            plan.iter().all(|step| step.contains("USING INDEX")),
            "{sweep}: {plan:?}"
        );
    }
}
