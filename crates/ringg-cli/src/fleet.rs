//! Running several `ringg` processes as one fleet: the client-side rate limit (`--rate-limit`,
//! `--max-in-flight`) and, with `--redis-url` (feature `redis`), the rate limiter and the
//! webhook dedupe store shared through Redis.

use std::sync::Arc;

use ringg_api::journal::Journal;
use ringg_api::transport::layers::{RateLimitConfig, RateLimiter};
use ringg_webhooks::DedupeStore;

use crate::cli::GlobalArgs;
use crate::error::CliError;
use crate::fleet_reads::FleetReads;

/// How long after a call to someone `ringg calls create` refuses to call them again for the
/// same assistant without `--force` (from this machine's journal, and with `--redis-url`
/// across the fleet): a re-run of the command after it was interrupted (while it waited for
/// the call, or after `calls reconcile` found the call placed) is far more likely than a
/// second call meant within the hour.
pub(crate) const RECENTLY_CALLED: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// The limiter every client of this command uses: `None` when no flag asks for one. Shared
/// through Redis, its keys are those of `scope` (the server and key the command talks to, as
/// `journal_scope` names them): another workspace, server or the simulator has limits (and a
/// pause after a 429) of its own.
pub(crate) fn rate_limiter(
    global: &GlobalArgs,
    scope: &str,
) -> Result<Option<RateLimiter>, CliError> {
    if global.rate_limit.is_none() && global.max_in_flight.is_none() && global.redis_url.is_none() {
        return Ok(None);
    }
    let config = RateLimitConfig {
        requests_per_second: global.rate_limit.and_then(std::num::NonZeroU32::new),
        burst: None,
        max_in_flight: global.max_in_flight,
        ..RateLimitConfig::unlimited()
    };
    match &global.redis_url {
        None => Ok(Some(RateLimiter::new(config))),
        Some(url) => {
            let prefix = format!(
                "{}:limit:{}",
                global.redis_prefix.trim_end_matches(':'),
                crate::state::scope_digest(scope)
            );
            shared_limiter(url, &prefix, config).map(Some)
        }
    }
}

/// The journal `calls create` and the other journaled commands use: `local`, and with
/// `--redis-url` its recent-call check shared by the fleet (see `fleet_calls.rs`, feature
/// `redis`), which notes in `reads` whether its listings of the calls not settled read the
/// fleet's.
pub(crate) async fn shared_journal(
    global: &GlobalArgs,
    local: Arc<dyn Journal>,
    scope: &str,
    reads: &FleetReads,
) -> Result<Arc<dyn Journal>, CliError> {
    match &global.redis_url {
        None => Ok(local),
        Some(url) => fleet_journal(url, &global.redis_prefix, local, scope, reads).await,
    }
}

/// After a key rotation with `--redis-url`: records that the fleet's records of the new key's
/// scope are those of the old key's (see `fleet_alias.rs`). Nothing without `--redis-url`;
/// why it failed, in words, with the Redis command that records it by hand.
pub(crate) async fn follow_rotation(
    global: &GlobalArgs,
    old_scope: &str,
    new_scope: &str,
) -> Option<Result<(), String>> {
    let url = global.redis_url.as_deref()?;
    #[cfg(feature = "redis")]
    {
        let prefix = &global.redis_prefix;
        let done = crate::fleet_alias::follow_rotation(url, prefix, old_scope, new_scope).await;
        Some(done.map_err(|why| {
            format!(
                "{why}; record it on that Redis by hand: {}",
                crate::fleet_alias::by_hand(prefix, old_scope, new_scope)
            )
        }))
    }
    #[cfg(not(feature = "redis"))]
    {
        let _ = (url, old_scope, new_scope);
        Some(Err(NO_REDIS.to_owned()))
    }
}

#[cfg(feature = "redis")]
async fn fleet_journal(
    url: &str,
    prefix: &str,
    local: Arc<dyn Journal>,
    scope: &str,
    reads: &FleetReads,
) -> Result<Arc<dyn Journal>, CliError> {
    let window = RECENTLY_CALLED.to_std().unwrap_or_default();
    // The scope a key rotation made this one continue. When Redis cannot say, every fleet step
    // fails as when Redis cannot be asked (a call is not sent): the key's own records may not
    // be the fleet's.
    let (scope, unresolved) = match crate::fleet_alias::canonical(url, prefix, scope).await {
        Ok(canonical) => (canonical, None),
        Err(why) => (scope.to_owned(), Some(why)),
    };
    let journal = crate::fleet_calls::FleetJournal::new(local, url, prefix, &scope, window)
        .map_err(|e| CliError::usage(format!("--redis-url: {e}")))?
        .noting_reads(reads.clone());
    let journal = match unresolved {
        Some(why) => journal.unresolved(why),
        None => journal,
    };
    Ok(Arc::new(journal))
}

#[cfg(not(feature = "redis"))]
async fn fleet_journal(
    _: &str,
    _: &str,
    _: Arc<dyn Journal>,
    _: &str,
    _: &FleetReads,
) -> Result<Arc<dyn Journal>, CliError> {
    Err(CliError::usage(NO_REDIS))
}

/// The dedupe store on Redis `webhooks listen` and `webhooks replay` use with `--redis-url`.
/// Redis is asked to answer first, so a wrong password or database number stops the command
/// at the start rather than as a 503 to every delivery; a Redis that is down only warns.
pub(crate) async fn redis_dedupe_store(
    global: &GlobalArgs,
) -> Result<Option<Arc<dyn DedupeStore>>, CliError> {
    match &global.redis_url {
        None => Ok(None),
        Some(url) => shared_store(url, &format!("{}:dedupe", global.redis_prefix))
            .await
            .map(Some),
    }
}

#[cfg(feature = "redis")]
fn shared_limiter(
    url: &str,
    prefix: &str,
    config: RateLimitConfig,
) -> Result<RateLimiter, CliError> {
    ringg_api::transport::layers::RedisRateLimit::limiter(url, prefix, config)
        .map_err(|e| CliError::usage(format!("--redis-url: {e}")))
}

#[cfg(feature = "redis")]
async fn shared_store(url: &str, prefix: &str) -> Result<Arc<dyn DedupeStore>, CliError> {
    let store = ringg_webhooks::RedisDedupeStore::new(url, prefix)
        .map_err(|e| CliError::usage(format!("--redis-url: {e}")))?;
    match store.ping().await {
        Ok(()) => {}
        // Down for now (starting with the machine, restarting): subscription events are
        // answered 503, for Ringg to send again, until it answers.
        Err(e) if e.is_unreachable() => crate::term::err_line(format!(
            "warning: --redis-url: {e}; until it answers, subscription events are answered 503 (Ringg sends them again) and callbacks are handed over without the duplicate check"
        )),
        Err(e) => return Err(CliError::failed(format!("--redis-url: {e}"))),
    }
    Ok(Arc::new(store))
}

#[cfg(not(feature = "redis"))]
const NO_REDIS: &str = "--redis-url (RINGG_REDIS_URL) needs a ringg built with Redis support: \
                        cargo install ringg-cli --features redis (from a clone of ringg-rs: \
                        cargo install --path crates/ringg-cli --features redis)";

#[cfg(not(feature = "redis"))]
fn shared_limiter(_: &str, _: &str, _: RateLimitConfig) -> Result<RateLimiter, CliError> {
    Err(CliError::usage(NO_REDIS))
}

#[cfg(not(feature = "redis"))]
async fn shared_store(_: &str, _: &str) -> Result<Arc<dyn DedupeStore>, CliError> {
    Err(CliError::usage(NO_REDIS))
}
