//! `ringg webhooks replay`: the events a receiver missed, rebuilt from call history
//! (`ringg_api::replay`) and handed over through a `WebhookReceiver` with the dedupe store
//! `webhooks listen` keeps, so an event already handed over is not handed over again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use ringg_api::replay::RebuiltEvent;
use ringg_api::types::calls::CallHistoryQuery;
use ringg_api::types::common::Timestamp;
use ringg_api::types::{AgentId, CallId};
use ringg_webhooks::{
    DedupeKey, DedupeStore, HandlerError, OutputFormat, WebhookEvent, WebhookReceiver,
};
use tower::ServiceExt;

use crate::context::Ctx;
use crate::error::CliError;
use crate::term::try_emit;

use super::app::shown;

/// Which calls to replay.
pub(super) enum Scope {
    /// One call.
    Call(CallId),
    /// Calls started since then, optionally of one assistant.
    Since {
        /// How far back.
        since: Duration,
        /// Only this assistant's calls.
        agent: Option<AgentId>,
    },
}

/// Where `--forward-to` sends replayed events.
#[derive(Clone)]
pub(super) struct Forward {
    target: url::Url,
    client: reqwest::Client,
    /// The secret's header and value (marked sensitive), as a receiver checking `secret` in
    /// `secret_header` reads it (`Bearer <secret>` for `Authorization`).
    secret: Option<(http::HeaderName, http::HeaderValue)>,
}

impl Forward {
    /// A forwarder to `target`, sending `secret` (when given) in `secret_header` as a
    /// receiver configured with them expects it. A plain `http://` target on another host is
    /// warned about, as `listen --forward-to` does.
    pub(super) fn new(
        target: &str,
        secret_header: String,
        secret: Option<String>,
    ) -> Result<Self, CliError> {
        let target = super::app::parse_target(target)?;
        let client = super::app::app_client(&target, Duration::from_secs(25))?;
        let secret = match secret {
            None => None,
            Some(secret) => {
                let verifier = ringg_webhooks::Verifier::new(&secret_header, secret)
                    .map_err(|e| CliError::usage(format!("{e}")))?;
                Some(verifier.presented_header().ok_or_else(|| {
                    CliError::usage("the webhook secret cannot be sent in an HTTP header (it has control characters)")
                })?)
            }
        };
        if super::app::is_clear_text_remote(&target) {
            crate::term::err_line(format!(
                "warning: {} is plain http:// on another host: each event{} crosses the network unencrypted; use https:// unless that network is private",
                shown(&target),
                if secret.is_some() {
                    ", with its secret,"
                } else {
                    ""
                }
            ));
        }
        Ok(Self {
            target,
            client,
            secret,
        })
    }

    /// POSTs the event's JSON; an error unless the app answered 2xx.
    async fn send(&self, body: String) -> Result<u16, String> {
        let mut request = self
            .client
            .post(self.target.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some((name, value)) = &self.secret {
            request = request.header(name.clone(), value.clone());
        }
        match request.send().await {
            Ok(r) if r.status().is_success() => Ok(r.status().as_u16()),
            Ok(r) => Err(format!(
                "{} answered {}",
                shown(&self.target),
                r.status().as_u16()
            )),
            Err(e) if e.is_connect() => Err(format!(
                "{} is down (connection refused)",
                shown(&self.target)
            )),
            Err(e) => Err(format!(
                "{} could not be reached: {}",
                shown(&self.target),
                e.without_url()
            )),
        }
    }
}

/// The header the in-process receiver checks (the secret is made for this run).
const REPLAY_HEADER: &str = "X-Ringg-Replay";

/// Parses `90m`, `24h`, `7d`, `30s` (a whole number and one unit).
pub(super) fn parse_since(text: &str) -> Result<Duration, CliError> {
    let t = text.trim();
    let (digits, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = digits.parse().map_err(|_| bad_since(text))?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(bad_since(text)),
    };
    // A hundred years covers any call history.
    Ok(Duration::from_secs(secs.min(36_500 * 86_400)))
}

fn bad_since(text: &str) -> CliError {
    CliError::usage(format!(
        "--since {text:?} is not a duration; write a number and a unit, e.g. 90m, 24h or 7d"
    ))
}

/// The in-process receiver a replay hands its events to: printed, or forwarded to the app
/// (`gone` is set when stdout's reader has gone after the app's answer).
fn receiver(
    secret: &str,
    store: Arc<dyn DedupeStore>,
    forward: Option<Forward>,
    format: OutputFormat,
    gone: Arc<AtomicBool>,
) -> Result<WebhookReceiver, CliError> {
    WebhookReceiver::builder()
        .secret_header(REPLAY_HEADER)
        .secret(secret.to_owned())
        // Events built here from history, however long their transcript: no limit to guard.
        .max_body_bytes(usize::MAX)
        .dedupe_store(store.clone())
        .handler(move |event: WebhookEvent| {
            let (forward, gone, store) = (forward.clone(), gone.clone(), store.clone());
            async move {
                let Some(forward) = forward else {
                    if try_emit(format.render(&event)).is_err() {
                        // Nobody reads any more (`| head`): this event was not shown, so its
                        // claim is released for a later replay, and the replay ends quietly.
                        if let Some(key) = DedupeKey::for_event(&event) {
                            let _ = store.remove(&key).await;
                        }
                        std::process::exit(0);
                    }
                    return Ok::<(), HandlerError>(());
                };
                let line = format.render(&event);
                // The app's answer decides; a closed stdout only ends the replay afterwards.
                let note = |text: String| {
                    if try_emit(text).is_err() {
                        gone.store(true, Ordering::SeqCst);
                    }
                };
                match forward.send(event.raw().into_owned()).await {
                    Ok(status) => {
                        let target = super::app::shown(&forward.target);
                        note(format!("{line} -> {target} answered {status}"));
                        Ok(())
                    }
                    Err(why) => {
                        note(format!("{line} -> not forwarded: {why}"));
                        Err(HandlerError::msg(why))
                    }
                }
            }
        })
        .build()
        .map_err(|e| CliError::failed(format!("{e}")))
}

/// Rebuilds the events of the calls in `scope` and hands over those the store has not seen.
pub(super) async fn run(
    ctx: &mut Ctx,
    scope: Scope,
    store: Arc<dyn DedupeStore>,
    forward: Option<Forward>,
) -> Result<(), CliError> {
    let format = if ctx.out.json() {
        OutputFormat::Json
    } else {
        OutputFormat::Text
    };
    let secret = uuid::Uuid::new_v4().simple().to_string();
    // Set when stdout's reader has gone (`| head`) after an event was forwarded: the replay
    // stops after it.
    let stdout_gone = Arc::new(AtomicBool::new(false));
    let receiver = receiver(&secret, store, forward, format, stdout_gone.clone())?;
    let client = ctx.client().await?;
    let scope = match scope {
        Scope::Since {
            since,
            agent: Some(agent),
        } => Scope::Since {
            since,
            agent: Some(crate::resolve::agent(&client, agent.as_str()).await?),
        },
        // A call by the 8 characters a table shows, as `calls get` takes it.
        Scope::Call(id) => Scope::Call(crate::resolve::call(&client, id.as_str()).await?),
        other => other,
    };
    let events: futures::stream::BoxStream<'_, Result<RebuiltEvent, ringg_api::Error>> = match scope
    {
        Scope::Call(id) => {
            let calls = client.calls();
            let one = calls.rebuild_events(&id).await;
            futures::stream::iter(match one {
                Ok(events) => events.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            })
            .boxed()
        }
        Scope::Since { since, agent } => {
            let start = chrono::Duration::from_std(since)
                .ok()
                .and_then(|d| chrono::Utc::now().checked_sub_signed(d))
                .ok_or_else(|| {
                    CliError::usage("--since reaches too far back; give at most 36500d")
                })?;
            let mut query = CallHistoryQuery {
                start_date: Some(Timestamp::from_datetime(&start)),
                ..CallHistoryQuery::default()
            };
            query.agent_id = agent;
            client.calls().rebuild_events_for(query).boxed()
        }
    };
    // Handed over as they are rebuilt: memory stays bounded by one call's events.
    let mut c = Counts::default();
    let mut events = events;
    // An error of the history listing ends the stream: the calls after it were not looked at.
    let mut listing_stopped = None;
    while let Some(event) = events.next().await {
        let event = match event {
            Ok(event) => event,
            Err(e)
                if e.kind() == ringg_api::ErrorKind::Pagination
                    || e.operation()
                        == Some(ringg_api::types::operations::LIST_CALL_HISTORY.id) =>
            {
                listing_stopped = Some(e);
                break;
            }
            Err(e) => {
                // One call's details could not be read: the others are still replayed.
                crate::term::err_line(format!("replay: skipped a call: {}", CliError::from(e)));
                c.unread += 1;
                continue;
            }
        };
        match hand_over(&receiver, &secret, &event).await? {
            Outcome::HandedOver => c.handed += 1,
            Outcome::Seen => c.seen += 1,
            Outcome::Busy => c.busy += 1,
            Outcome::HandlerFailed => c.failed += 1,
        }
        if stdout_gone.load(Ordering::SeqCst) {
            // Nobody reads any more (`| head`): what was not replayed stays for a later one.
            std::process::exit(0);
        }
    }
    finish(ctx, &c, listing_stopped)
}

/// What became of a replay's events, and of the calls it could not read.
#[derive(Default)]
struct Counts {
    handed: usize,
    seen: usize,
    failed: usize,
    unread: usize,
    busy: usize,
}

/// The replay's summary on stderr, and its failure when something was left undone: the
/// history read short (`listing_stopped`), events left to another receiver or not taken by
/// the app, calls not read.
fn finish(
    ctx: &Ctx,
    c: &Counts,
    listing_stopped: Option<ringg_api::Error>,
) -> Result<(), CliError> {
    let Counts {
        handed,
        seen,
        failed,
        unread,
        busy,
    } = *c;
    let mut summary = format!(
        "replay: {} event(s) rebuilt; {handed} handed over, {seen} already handed over before",
        handed + seen + failed + busy
    );
    for (n, what) in [
        (failed, "not taken by the app"),
        (busy, "left to another receiver"),
    ] {
        if n > 0 {
            summary.push_str(&format!(", {n} {what}"));
        }
    }
    ctx.out.note(summary);
    if let Some(e) = listing_stopped {
        return Err(CliError::failed(format!(
            "the call history could not be read to its end, so the calls after the part read were not looked at: {}",
            CliError::from(e)
        ))
        .with_hint("run the same replay again; if it stops at the same place, replay each assistant's calls apart with --agent ID, or a call with --call ID"));
    }
    if busy > 0 {
        return Err(CliError::failed(format!(
            "{busy} event(s) were being handed over by another receiver sharing the dedupe store (a `ringg webhooks listen`, another replay, or one that stopped less than a minute ago); they were left to it: run the same replay again in a minute to hand over any it did not"
        )));
    }
    if failed > 0 {
        return Err(CliError::failed(format!(
            "{failed} event(s) were not taken by the app; they stay unhanded: run the same replay again once it answers"
        )));
    }
    if unread > 0 {
        return Err(CliError::failed(format!(
            "{unread} call(s) could not be read (see above); run the same replay again"
        )));
    }
    Ok(())
}

/// What became of one replayed event.
enum Outcome {
    HandedOver,
    Seen,
    /// Claimed by another receiver right now (503 `in_flight`).
    Busy,
    HandlerFailed,
}

/// Feeds one rebuilt event through the receiver.
async fn hand_over(
    receiver: &WebhookReceiver,
    secret: &str,
    event: &RebuiltEvent,
) -> Result<Outcome, CliError> {
    let body = serde_json::to_vec(&event.body)
        .map_err(|e| CliError::failed(format!("could not write a rebuilt event: {e}")))?;
    let request = http::Request::post("/")
        .header(REPLAY_HEADER, secret)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| CliError::failed(format!("could not build a replay request: {e}")))?;
    let response = receiver
        .clone()
        .oneshot(request)
        .await
        .map_err(|e| CliError::failed(format!("replay: {e}")))?;
    let status = response.status();
    let text = response
        .into_body()
        .collect()
        .await
        .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
        .unwrap_or_default();
    if status == http::StatusCode::INTERNAL_SERVER_ERROR {
        // The handler failed (the app did not take it): the receiver released its dedupe key.
        return Ok(Outcome::HandlerFailed);
    }
    if status == http::StatusCode::SERVICE_UNAVAILABLE && text.contains("in_flight") {
        return Ok(Outcome::Busy);
    }
    if !status.is_success() {
        return Err(CliError::failed(format!(
            "replay of {} {} was refused ({status}): {text}",
            event.event_type, event.call_id
        )));
    }
    Ok(if text.contains("duplicate") {
        Outcome::Seen
    } else {
        Outcome::HandedOver
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_since("90m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_since("24h").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_since("7d").unwrap(), Duration::from_secs(604_800));
        assert!(parse_since("soon").is_err());
        assert!(parse_since("5w").is_err());
        assert!(parse_since("h").is_err());
        assert_eq!(
            parse_since("100000000000d").unwrap(),
            Duration::from_secs(36_500 * 86_400)
        );
    }
}
