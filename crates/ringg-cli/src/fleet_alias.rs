//! A key rotation across a fleet (`--redis-url`, feature `redis`): the fleet's shared records
//! (recent calls, calls not settled, campaign launches) are kept under a digest of the journal
//! scope, which holds a fingerprint of the key. `ringg workspace rotate-key` records in Redis
//! that the new key's scope continues the old one's (`{prefix}:scope-alias:{digest}`, the
//! old scope, or the one it continues in turn), and every process of the fleet opening its
//! shared records with the new key follows it: a call placed or pending under the old key
//! still stops the same call made with the new one, on any machine.

use redis::AsyncCommands;

use crate::fleet_calls::FleetJournal;

/// The key naming the scope that `scope`'s records are kept under, if another.
fn alias_key(prefix: &str, scope: &str) -> String {
    format!(
        "{}:scope-alias:{}",
        prefix.trim_end_matches(':'),
        crate::state::scope_digest(scope)
    )
}

/// A connection to the Redis at `url`; why not, in words (never the URL: it may hold a
/// password).
async fn connect(url: &str) -> Result<redis::aio::MultiplexedConnection, String> {
    let client = redis::Client::open(url).map_err(|e| format!("{:?}", e.kind()))?;
    FleetJournal::run(client.get_multiplexed_async_connection()).await
}

/// How many rotations [`canonical`] follows back (each records the scope its old key's records
/// are under, so one is the rule; more when two rotations raced).
const MAX_HOPS: usize = 8;

/// The scope the fleet keeps `scope`'s records under: the one a key rotation recorded it
/// continues (followed back through earlier rotations), else `scope` itself.
pub(crate) async fn canonical(url: &str, prefix: &str, scope: &str) -> Result<String, String> {
    canonical_on(&mut connect(url).await?, prefix, scope).await
}

/// [`canonical`] on an open connection.
async fn canonical_on(
    conn: &mut redis::aio::MultiplexedConnection,
    prefix: &str,
    scope: &str,
) -> Result<String, String> {
    let mut current = scope.to_owned();
    for _ in 0..MAX_HOPS {
        let alias: Option<String> =
            FleetJournal::run(conn.get(alias_key(prefix, &current))).await?;
        match alias {
            Some(earlier) if earlier != current => current = earlier,
            _ => break,
        }
    }
    Ok(current)
}

/// The Redis command that records what [`follow_rotation`] records, for a person to run when
/// it could not be (the scope holds a fingerprint of the key, never the key).
pub(crate) fn by_hand(prefix: &str, old_scope: &str, new_scope: &str) -> String {
    format!(
        "SET '{}' '{}' NX",
        alias_key(prefix, new_scope),
        old_scope.replace('\'', r"'\''")
    )
}

/// Records that `new_scope` (the rotated key's) continues `old_scope`: from now on its records
/// are kept under the scope the old one's are.
pub(crate) async fn follow_rotation(
    url: &str,
    prefix: &str,
    old_scope: &str,
    new_scope: &str,
) -> Result<(), String> {
    let mut conn = connect(url).await?;
    let canonical = canonical_on(&mut conn, prefix, old_scope).await?;
    // A new key's scope continues nothing yet: an alias already there (a second run) is kept.
    let _: Option<String> = FleetJournal::run(
        redis::cmd("SET")
            .arg(alias_key(prefix, new_scope))
            .arg(canonical)
            .arg("NX")
            .query_async(&mut conn),
    )
    .await?;
    Ok(())
}
