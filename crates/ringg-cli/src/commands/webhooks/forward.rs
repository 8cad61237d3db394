//! `webhooks listen --forward-to URL`: relays each verified delivery to the user's app.
//!
//! Each delivery goes through a [`WebhookReceiver`] as usual (secret, size limit, parsing,
//! dedupe); its handler sends the delivery on to the app (method, path after `/` appended to
//! the URL's path, query, headers except hop-by-hop ones and `Host`, the body byte for byte)
//! and succeeds when the app answered 2xx (answered 200, since Ringg retries every other
//! status). A delivery the app did not take for now (it could not be reached, did not answer
//! in time, or answered 5xx, 408 or 429) is kept in the [outbox](super::outbox) and answered
//! 200 too: the outbox sends it again until the app takes it, where Ringg would retry for a
//! few minutes at most, and a per-call callback or a campaign's notice perhaps not at all.
//! Any other answer of the app (another 3xx or 4xx), or a delivery the outbox could not keep,
//! fails the handler, which makes the receiver answer with that status (502 when the app
//! could not be reached) and forget the event's dedupe key, so Ringg's retry is forwarded
//! again; a callback or notice, which Ringg does not send again, is set aside in the outbox
//! as `.refused` instead, and answered 200. A subscription event the app refuses also has a
//! copy set aside as `.refused` (one file per event and app, replaced by a later refused
//! attempt, removed once an attempt is taken), so it outlives Ringg's last retry.
//!
//! The receiver is built per delivery (a few allocations) so that its handler holds that
//! delivery's method, path, headers and raw body; the dedupe store is shared.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http::{HeaderMap, Method, Request, Response, StatusCode, Uri};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use ringg_webhooks::{
    HandlerError, OutputFormat, ResponseBody, WebhookEvent, WebhookReceiver, WebhookReceiverBuilder,
};

use super::app::{
    APP_TIMEOUT, app_client, is_hop_by_hop, parse_target, shown, target_url, unreachable_reason,
};
use super::outbox::{AppRef, Kept, Outbox, Outboxed, REFUSED};
use super::resent_secret::CurrentSecret;
use crate::error::CliError;

/// The first wait before the outbox is sent again after the app did not take it; it doubles
/// up to [`RESEND_MAX`].
const RESEND_MIN: Duration = Duration::from_secs(1);
/// The longest wait between two tries of the outbox.
const RESEND_MAX: Duration = Duration::from_secs(60);
/// How often an empty outbox is looked at again, for a file renamed into it.
const IDLE_LOOK: Duration = Duration::from_secs(5);

/// Makes a receiver builder with the secret, limits and the shared dedupe store.
pub(super) type MakeBuilder = Arc<dyn Fn() -> WebhookReceiverBuilder + Send + Sync>;
/// Queues one output line (never blocks).
pub(super) type PrintLine = Arc<dyn Fn(String) + Send + Sync>;

/// The hyper service `webhooks listen --forward-to` serves.
#[derive(Clone)]
pub(super) struct Forwarder {
    shared: Arc<Shared>,
}

struct Shared {
    target: url::Url,
    /// `target` as the outbox names it.
    app: AppRef,
    client: reqwest::Client,
    make_builder: MakeBuilder,
    print: PrintLine,
    format: OutputFormat,
    outbox: Option<Arc<Outbox>>,
    /// The secret as this `listen` checks it, set on a kept delivery sent again: the delivery
    /// was checked when it was kept, maybe under a secret the app no longer takes.
    secret: CurrentSecret,
    /// True once `listen` is stopping: a delivery the app has not answered yet is kept in the
    /// outbox at once, instead of waiting up to [`APP_TIMEOUT`] past the stop's deadline.
    stopping: tokio::sync::watch::Receiver<bool>,
}

/// Why a delivery the app had not answered when `listen` began to stop was not taken.
const STOPPED_WAITING: &str = "not answered before this listen stopped";

/// What became of a delivery the app was sent.
enum Fate<'a> {
    /// The app answered this status.
    Answered(StatusCode),
    /// The app could not be reached, for this reason.
    Down(&'a str),
}

/// One delivery, as the handler forwards it.
struct Delivery {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Arc<Mutex<Vec<u8>>>,
}

impl Forwarder {
    /// A forwarder to `target` (an http(s) URL), keeping what the app does not take in
    /// `outbox` (and sending what it holds, on a task of its own).
    pub(super) fn new(
        target: &str,
        make_builder: MakeBuilder,
        print: PrintLine,
        format: OutputFormat,
        outbox: Option<Outbox>,
        secret: CurrentSecret,
        stopping: tokio::sync::watch::Receiver<bool>,
    ) -> Result<Self, CliError> {
        let target = parse_target(target)?;
        let client = app_client(&target, APP_TIMEOUT)?;
        let shared = Arc::new(Shared {
            app: AppRef::new(&target, shown(&target)),
            target,
            client,
            make_builder,
            print,
            format,
            outbox: outbox.map(Arc::new),
            secret,
            stopping,
        });
        if shared.outbox.is_some() {
            tokio::spawn(send_kept(shared.clone()));
        }
        Ok(Self { shared })
    }

    async fn relay(self, request: Request<Incoming>) -> Response<ResponseBody> {
        let (parts, body) = request.into_parts();
        let raw = Arc::new(Mutex::new(Vec::new()));
        // Keeps a copy of the bytes as the receiver reads them (it reads at most its limit).
        let tee = raw.clone();
        let body = body.map_frame(move |frame| {
            if let Some(data) = frame.data_ref() {
                lock(&tee).extend_from_slice(data);
            }
            frame
        });
        let delivery = Arc::new(Delivery {
            method: parts.method.clone(),
            uri: parts.uri.clone(),
            headers: parts.headers.clone(),
            body: raw,
        });
        let receiver = match self.receiver_for(delivery.clone()) {
            Ok(receiver) => receiver,
            Err(e) => {
                tracing::error!("cannot build the receiver: {e}");
                let mut response = Response::new(ResponseBody::default());
                *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                return response;
            }
        };
        receiver.receive(Request::from_parts(parts, body)).await
    }

    fn receiver_for(
        &self,
        delivery: Arc<Delivery>,
    ) -> Result<WebhookReceiver, ringg_webhooks::BuildError> {
        let shared = self.shared.clone();
        (self.shared.make_builder)()
            .handler(move |event: WebhookEvent| {
                let shared = shared.clone();
                let delivery = delivery.clone();
                async move { shared.forward(&delivery, &event).await }
            })
            .build()
    }
}

impl Shared {
    /// Sends the delivery to the app and prints one line; keeps it in the outbox when the app
    /// did not take it for now; fails when it could not be kept, or the app refused it.
    async fn forward(&self, d: &Delivery, event: &WebhookEvent) -> Result<(), HandlerError> {
        let kept = Kept {
            method: d.method.clone(),
            uri: d.uri.clone(),
            headers: d.headers.clone(),
            body: lock(&d.body).clone(),
        };
        let rendered = self.format.render(event);
        // An app that is slow to answer when `listen` stops would hold the delivery past the
        // stop's deadline, and the process would end with it neither taken nor kept.
        let mut stopping = self.stopping.clone();
        let (url, sent) = tokio::select! {
            sent = self.send(&kept) => sent,
            Ok(_) = stopping.wait_for(|stopping| *stopping) => (
                target_url(&self.target, &kept.uri),
                Err(STOPPED_WAITING.to_owned()),
            ),
        };
        let fate = match &sent {
            Ok(status) => Fate::Answered(*status),
            Err(why) => Fate::Down(why),
        };
        // Ringg retries anything but 200 (§3.5): an app's 201 or 204 is a success, which the
        // receiver answers 200.
        let key = ringg_webhooks::DedupeKey::for_event(event);
        if matches!(fate, Fate::Answered(s) if s.is_success()) {
            (self.print)(self.line(rendered, &url, &fate, None));
            self.forget_copy(key.as_ref());
            return Ok(());
        }
        let for_now = match fate {
            Fate::Answered(s) => s.is_server_error() || matches!(s.as_u16(), 408 | 429),
            Fate::Down(_) => true,
        };
        // Kept to be sent again; or, refused (or not kept), set aside when Ringg does not send
        // it again (a callback, a notice), since an error would lose it. Either way answered 200.
        let ways = [
            (for_now, Outboxed::Kept),
            (!event.is_retried_by_ringg(), Outboxed::SetAside),
        ];
        if let Some(outbox) = &self.outbox {
            // The file does not keep the secret: the `listen` that sends it sets its own.
            let stored = self.secret.stripped(&kept);
            for (_, note) in ways.into_iter().filter(|(applies, _)| *applies) {
                // Written and synced off the runtime's workers' async work (a burst kept while
                // the app is down would otherwise hold every worker in `fsync`).
                let written = crate::state::off_the_workers(|| match note {
                    Outboxed::SetAside => outbox.set_aside(&self.app, &stored),
                    _ => outbox.keep(&self.app, &stored),
                });
                match written {
                    Ok(_) => {
                        (self.print)(self.line(rendered, &url, &fate, Some(note)));
                        return Ok(());
                    }
                    Err(e) => tracing::warn!(
                        "could not write the delivery to {}: {e}",
                        outbox.dir().display()
                    ),
                }
            }
        }
        let copy = match (&self.outbox, &key) {
            (Some(outbox), Some(key)) if !for_now => {
                let stored = self.secret.stripped(&kept);
                crate::state::off_the_workers(|| {
                    outbox.set_aside_as(&self.app, &stored, key.as_str())
                })
                .inspect_err(|e| {
                    tracing::warn!(
                        "could not set a copy aside in {}: {e}",
                        outbox.dir().display()
                    );
                })
                .ok()
                .map(|_| Outboxed::CopySetAside)
            }
            _ => None,
        };
        (self.print)(self.line(rendered, &url, &fate, copy));
        Err(match fate {
            Fate::Answered(status) => {
                HandlerError::msg(format!("{} answered {status}", shown(&url))).with_status(status)
            }
            Fate::Down(why) => HandlerError::msg(format!("{}: {why}", shown(&url)))
                .with_status(StatusCode::BAD_GATEWAY),
        })
    }

    /// Removes the copy of the event `key` names that an earlier attempt refused by the app
    /// set aside: this attempt was taken.
    fn forget_copy(&self, key: Option<&ringg_webhooks::DedupeKey>) {
        if let (Some(outbox), Some(key)) = (&self.outbox, key)
            && let Err(e) = outbox.forget_set_aside(&self.app, key.as_str())
        {
            tracing::warn!(
                "could not remove the copy an earlier attempt set aside in {}: {e}",
                outbox.dir().display()
            );
        }
    }

    /// Sends `delivery` to the app: the URL it went to, and the app's status or why the app
    /// could not be reached.
    async fn send(&self, delivery: &Kept) -> (url::Url, Result<StatusCode, String>) {
        let url = target_url(&self.target, &delivery.uri);
        let mut request = self.client.request(delivery.method.clone(), url.clone());
        for (name, value) in &delivery.headers {
            if !is_hop_by_hop(name.as_str(), &delivery.headers) {
                request = request.header(name, value);
            }
        }
        let sent = request.body(delivery.body.clone()).send().await;
        let result = sent
            .map(|answer| answer.status())
            .map_err(|e| unreachable_reason(&e));
        (url, result)
    }

    /// The delivery's line: the event, then what the app answered, and what the outbox did
    /// with it, if anything.
    fn line(
        &self,
        rendered: String,
        url: &url::Url,
        fate: &Fate<'_>,
        note: Option<Outboxed>,
    ) -> String {
        match self.format {
            OutputFormat::Json => {
                let mut forward = match fate {
                    Fate::Answered(status) => {
                        serde_json::json!({ "url": shown(url), "status": status.as_u16() })
                    }
                    Fate::Down(why) => serde_json::json!({ "url": shown(url), "error": why }),
                };
                let answered = match (fate, note) {
                    (_, Some(Outboxed::Kept | Outboxed::SetAside)) => Some(200),
                    (Fate::Down(_), _) => Some(502),
                    _ => None,
                };
                if let Some(answered) = answered {
                    forward["answered"] = answered.into();
                }
                if let Some(note) = note {
                    forward[note.key()] = true.into();
                }
                let event = serde_json::from_str::<serde_json::Value>(&rendered)
                    .unwrap_or(serde_json::Value::String(rendered));
                serde_json::json!({ "event": event, "forward": forward }).to_string()
            }
            _ => {
                let app = shown(url);
                let what = match fate {
                    Fate::Answered(status) => format!("{app} answered {}", status.as_u16()),
                    Fate::Down(why) => format!("{app} is down ({why})"),
                };
                match (fate, note) {
                    (_, Some(Outboxed::Kept)) => format!(
                        "{rendered} -> not taken: {what}; kept in the outbox and sent again until it is"
                    ),
                    (_, Some(Outboxed::Refused)) => format!(
                        "{rendered} -> {what} (sent from the outbox; refused, so set aside there as a .refused file)"
                    ),
                    (_, Some(Outboxed::SetAside)) => format!(
                        "{rendered} -> {what}; Ringg does not send this delivery again, so it is set aside in the outbox as a .refused file (rename it to .delivery to send it again)"
                    ),
                    (_, Some(Outboxed::CopySetAside)) => format!(
                        "{rendered} -> {what}; passed on to Ringg, which sends it again; until an attempt is taken, a copy is set aside in the outbox as a .refused file (rename it to .delivery to send it again)"
                    ),
                    (_, Some(Outboxed::Resent)) => {
                        format!("{rendered} -> {what} (sent from the outbox)")
                    }
                    (Fate::Down(_), None) => {
                        format!("{rendered} -> not forwarded: {what}; answered 502")
                    }
                    (Fate::Answered(_), None) => format!("{rendered} -> {what}"),
                }
            }
        }
    }
}

/// Sends what the outbox holds for this app ([`send_each`]) whenever it holds something: again
/// after a wait that doubles from [`RESEND_MIN`] to [`RESEND_MAX`] while the app leaves some,
/// at once when a delivery is kept.
async fn send_kept(shared: Arc<Shared>) {
    let Some(outbox) = shared.outbox.clone() else {
        return;
    };
    let mut wait = RESEND_MIN;
    loop {
        let taken = match outbox.sender_lock() {
            Ok(Some(lock)) => {
                let left = send_each(&shared, &outbox).await;
                drop(lock);
                left
            }
            // Another `listen` sends them.
            Ok(None) => Some(false),
            Err(e) => {
                tracing::warn!("cannot use the outbox {}: {e}", outbox.dir().display());
                Some(false)
            }
        };
        match taken {
            // Nothing left: wait for the next delivery kept, or a file renamed into the
            // folder (a `.refused` one made `.delivery` again), looked for now and then.
            None => {
                wait = RESEND_MIN;
                tokio::select! {
                    () = tokio::time::sleep(IDLE_LOOK) => {}
                    () = outbox.kept.notified() => {}
                }
            }
            Some(progress) => {
                wait = if progress {
                    RESEND_MIN
                } else {
                    (wait * 2).min(RESEND_MAX)
                };
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = outbox.kept.notified() => {}
                }
            }
        }
    }
}

/// Sends the deliveries kept for this `listen`'s app, oldest first: all of them while the app
/// answers (one it does not take for now stays for the next pass), none more once it cannot
/// be reached. `None` when none is left, else whether any left the outbox.
async fn send_each(shared: &Shared, outbox: &Outbox) -> Option<bool> {
    let files = outbox.files().unwrap_or_default();
    let mut taken = false;
    let mut waiting = 0;
    for path in &files {
        let mut kept = match Outbox::read(path) {
            // Kept for another app (an earlier `listen --forward-to` elsewhere): left to it.
            Ok((kept_for, _)) if !kept_for.is(&shared.app) => continue,
            Ok((_, kept)) => kept,
            Err(e) => {
                // Set aside, so it does not hold up the others.
                tracing::warn!("{e}; set aside as .damaged");
                let _ = std::fs::rename(path, path.with_extension("damaged"));
                continue;
            }
        };
        shared.secret.set_on(&mut kept);
        let (url, sent) = shared.send(&kept).await;
        let status = match sent {
            Ok(status) if status.is_server_error() || matches!(status.as_u16(), 408 | 429) => {
                // Not taken for now: tried again next pass; the others meanwhile.
                waiting += 1;
                continue;
            }
            Ok(status) => status,
            Err(why) => {
                waiting += files.len();
                crate::term::err_line(format!(
                    "outbox: {} is down ({why}); its deliveries wait in {}",
                    shown(&url),
                    outbox.dir().display()
                ));
                break;
            }
        };
        // Taken, or refused (another 3xx or 4xx, the app's decision): it leaves the outbox,
        // a refused one set aside rather than sent again and again.
        let event = ringg_webhooks::parse_event(&kept.body).ok();
        let note = if status.is_success() {
            let _ = std::fs::remove_file(path);
            // A copy an earlier attempt of the same event set aside is not needed any more.
            let key = event
                .as_ref()
                .and_then(ringg_webhooks::DedupeKey::for_event);
            shared.forget_copy(key.as_ref());
            Outboxed::Resent
        } else {
            let _ = std::fs::rename(path, path.with_extension(REFUSED));
            Outboxed::Refused
        };
        taken = true;
        let rendered = match &event {
            Some(event) => shared.format.render(event),
            None => String::from_utf8_lossy(&kept.body).into_owned(),
        };
        (shared.print)(shared.line(rendered, &url, &Fate::Answered(status), Some(note)));
    }
    // Those kept meanwhile (or for other apps) are left for the next pass.
    let left = outbox.files().map(|f| f.len()).unwrap_or(waiting);
    (waiting > 0 || (left > 0 && taken)).then_some(taken)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl hyper::service::Service<Request<Incoming>> for Forwarder {
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { Ok(this.relay(request).await) })
    }
}

#[cfg(test)]
mod tests;
