//! `ringg webhooks subscribe | list | unsubscribe | listen | replay`.

mod app;
pub(crate) mod args;
mod forward;
mod held;
mod malformed;
mod outbox;
mod printer;
mod refused_before;
mod renewal;
mod replay;
mod reports;
mod resent_secret;
mod subscriptions;

use ringg_api::types::webhook::WebhookEvent;
use std::sync::Arc;
use std::time::Duration;

use ringg_webhooks::{
    DedupeKey, DedupeStore, MemoryDedupeStore, OutputFormat, ServeConfig, SqliteDedupeStore,
    WebhookReceiver,
};

use crate::context::Ctx;
use crate::error::CliError;
use args::{DedupeMode, WebhooksCmd};
use printer::Printer;

/// The environment variable read for `webhooks listen`'s secret.
const SECRET_ENV: &str = "RINGG_WEBHOOK_SECRET";

pub(crate) async fn run(ctx: &mut Ctx, cmd: WebhooksCmd) -> Result<(), CliError> {
    match cmd {
        WebhooksCmd::Subscribe {
            agent,
            url,
            events,
            mut headers,
            secret_file,
            secret_header,
            method,
            move_events,
        } => {
            if let Some(path) = secret_file {
                let secret = crate::secret::read_secret_file("--secret-file", path).await?;
                headers.push(secret_in_header(&secret_header, &secret, &headers)?);
            }
            hide_header_values(&headers);
            subscriptions::subscribe(ctx, &agent, &url, &events, headers, &method, move_events)
                .await
        }
        WebhooksCmd::List { agent } => subscriptions::list(ctx, &agent).await,
        WebhooksCmd::Unsubscribe { agent, url, events } => {
            subscriptions::unsubscribe(ctx, &agent, &url, &events).await
        }
        WebhooksCmd::Listen {
            port,
            secret,
            secret_file,
            secret_header,
            secret_query_param,
            dedupe,
            forward_to,
            max_body_bytes,
        } => {
            let secret = listen_secret(secret, secret_file, forward_to.as_deref()).await?;
            let opts = ListenOpts {
                port,
                secret,
                header: secret_header,
                query_param: secret_query_param,
                dedupe,
                forward_to,
                max_body_bytes,
            };
            listen(ctx, opts).await
        }
        WebhooksCmd::Replay {
            since,
            agent,
            call,
            dedupe,
            forward_to,
            secret_header,
            secret_file,
        } => {
            let scope = match (call, since) {
                (Some(call), _) => replay::Scope::Call(crate::args::id("call", &call)?),
                (None, Some(since)) => replay::Scope::Since {
                    since: replay::parse_since(&since)?,
                    agent: agent
                        .map(|a| crate::args::id("assistant", &a))
                        .transpose()?,
                },
                (None, None) => {
                    return Err(CliError::usage("give --since DURATION or --call ID"));
                }
            };
            if let replay::Scope::Since { since, .. } = &scope
                && let Some(remembered) = remembered_for(ctx, dedupe)
                && *since > remembered
            {
                let days = remembered.as_secs() / 86_400;
                let store = if ctx.global.redis_url.is_some() {
                    "the fleet's dedupe store (--redis-url)"
                } else {
                    "the dedupe store"
                };
                crate::term::err_line(format!(
                    "warning: --since reaches further back than {store} remembers an event handed over ({days} day{}): an event handed over before then is handed over again; to hand over only what was missed, give at most --since {days}d, or replay one call with --call ID",
                    if days == 1 { "" } else { "s" }
                ));
            }
            let store = dedupe_store(ctx, dedupe).await?;
            let forward = match forward_to {
                None => None,
                Some(target) => {
                    let secret = match secret_file {
                        Some(path) => {
                            Some(crate::secret::read_secret_file("--secret-file", path).await?)
                        }
                        None => std::env::var(SECRET_ENV).ok().filter(|s| !s.is_empty()),
                    };
                    if let Some(secret) = &secret {
                        crate::term::hide(secret);
                    }
                    Some(replay::Forward::new(&target, secret_header, secret)?)
                }
            };
            replay::run(ctx, scope, store, forward).await
        }
    }
}

/// Masks, in what the command prints, the value of each header but those that describe the
/// body (`Content-Type`, `Accept`), as a secret read from --secret-file is, and the credential
/// after an auth scheme (`Bearer …`, `Basic …`) alone: a header of the user's own
/// (`X-Custom-Auth`) may carry a secret whatever its name, and `webhooks list` masks them all.
fn hide_header_values(headers: &[(String, String)]) {
    for (name, value) in headers {
        let describes_body = ["content-type", "accept", "content-encoding"]
            .iter()
            .any(|h| name.trim().eq_ignore_ascii_case(h));
        if !describes_body {
            crate::term::hide(value);
            if let Some((_, credential)) = value.trim().split_once(' ') {
                crate::term::hide(credential);
            }
        }
    }
}

/// The header that carries `secret` (`Bearer <secret>` in `Authorization`, as `webhooks
/// listen` expects it), unless a --header of that name was given too.
fn secret_in_header(
    name: &str,
    secret: &str,
    headers: &[(String, String)],
) -> Result<(String, String), CliError> {
    if headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(name)) {
        return Err(CliError::usage(format!(
            "--header {name} and --secret-file both set {name}; give the secret once"
        )));
    }
    let value = if name.eq_ignore_ascii_case("authorization") {
        format!("Bearer {secret}")
    } else {
        secret.to_owned()
    };
    Ok((name.to_owned(), value))
}

/// `webhooks listen`'s secret: --secret or --secret-file (clap makes them exclusive; either
/// wins over the environment), else RINGG_WEBHOOK_SECRET, else — only when forwarding to a
/// loopback app — one generated for this run and printed once on stderr.
async fn listen_secret(
    secret: Option<String>,
    secret_file: Option<std::path::PathBuf>,
    forward_to: Option<&str>,
) -> Result<String, CliError> {
    let given = match (secret, secret_file) {
        (Some(s), _) => Some(s),
        (None, Some(path)) => Some(crate::secret::read_secret_file("--secret-file", path).await?),
        (None, None) => std::env::var(SECRET_ENV).ok(),
    };
    // Masked in what the command prints from then on (a generated one after it is shown).
    if let Some(s) = given {
        crate::term::hide(&s);
        return Ok(s);
    }
    if forward_to.is_some_and(ringg_api::client::is_loopback_url) {
        let generated = format!("whsec_{}", uuid::Uuid::new_v4().simple());
        crate::term::err_line(format!(
            "no secret given: generated {generated} for this run; put it in your subscription's header"
        ));
        crate::term::hide(&generated);
        return Ok(generated);
    }
    Err(CliError::usage(format!(
        "no webhook secret; set {SECRET_ENV} or pass --secret-file PATH (`-` reads stdin) with the value your subscription's header carries"
    )))
}

/// What `webhooks listen` was asked for.
struct ListenOpts {
    port: u16,
    secret: String,
    header: String,
    query_param: Option<String>,
    dedupe: DedupeMode,
    forward_to: Option<String>,
    max_body_bytes: usize,
}

/// Where a delivery must carry the secret, as the "listening" line says: `header`, and the
/// query parameter `query_param`. Warns when output does not mask that parameter's values
/// (the secret would show in callback URLs).
fn expected_secret(header: &str, query_param: Option<&str>) -> String {
    let mut expects = if header.eq_ignore_ascii_case("authorization") {
        "Authorization: Bearer <secret>".to_string()
    } else {
        format!("{header}: <secret>")
    };
    if let Some(name) = query_param {
        expects.push_str(&format!(", or ?{name}=<secret> in the URL"));
        if !ringg_api::types::redact::is_secret_query_param(name) {
            crate::term::err_line(format!(
                "warning: --secret-query-param {name}: a callback URL's {name} is not named like a secret, so `webhooks list`, `assistants get` and other output show its value, the secret; name it so it is masked, e.g. ringg_secret or token"
            ));
        }
    }
    expects
}

/// How long the state folder's dedupe store remembers an event handed over, and how many it
/// keeps at most: long enough for `webhooks replay --since 30d` to tell what `listen` (or an
/// earlier replay) handed over, where the library's default is a day.
const DEDUPE_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);
const DEDUPE_MAX_KEYS: usize = 1_000_000;

/// How long the store `--dedupe` names (or the fleet's) remembers an event handed over; `None`
/// for one in memory, which knows only what this process handed over.
fn remembered_for(ctx: &Ctx, mode: DedupeMode) -> Option<Duration> {
    if ctx.global.redis_url.is_some() {
        return Some(MemoryDedupeStore::DEFAULT_TTL);
    }
    match mode {
        DedupeMode::Memory => None,
        DedupeMode::Sqlite => Some(DEDUPE_TTL),
    }
}

/// The dedupe store `--dedupe` names; the SQLite one in the state folder by default.
/// With --redis-url, the store on Redis shared by the fleet instead.
async fn dedupe_store(ctx: &Ctx, mode: DedupeMode) -> Result<Arc<dyn DedupeStore>, CliError> {
    if let Some(store) = crate::fleet::redis_dedupe_store(&ctx.global).await? {
        return Ok(store);
    }
    match mode {
        DedupeMode::Memory => Ok(Arc::new(MemoryDedupeStore::new())),
        DedupeMode::Sqlite => {
            let path = crate::state::private_file(DEDUPE_FILE)?;
            let store = SqliteDedupeStore::open_with_limits(&path, DEDUPE_TTL, DEDUPE_MAX_KEYS)
                .map_err(|e| {
                    CliError::failed(format!("{e}; pass --dedupe memory to keep it in memory"))
                })?;
            Ok(Arc::new(store))
        }
    }
}

/// `listen --forward-to`'s outbox in the state folder (`None`, with a warning, when it cannot
/// be used: deliveries the app does not take are then answered with the app's error, for
/// Ringg to retry). Says so when it holds deliveries an earlier `listen` did not send.
fn open_outbox() -> Option<outbox::Outbox> {
    let opened = crate::state::path(outbox::OUTBOX_DIR)
        .map_err(|e| e.to_string())
        .and_then(|dir| outbox::Outbox::open(dir).map_err(|e| e.to_string()));
    match opened {
        Ok(outbox) => {
            outbox.clear_leftovers();
            let held = outbox.files().map(|f| f.len()).unwrap_or_default();
            if held > 0 {
                crate::term::err_line(format!(
                    "{held} delivery(ies) kept in {} by an earlier `webhooks listen`; those for this app are sent to it first",
                    outbox.dir().display()
                ));
            }
            let refused = outbox.refused().map(|f| f.len()).unwrap_or_default();
            if refused > 0 {
                crate::term::err_line(format!(
                    "{refused} delivery(ies) an app refused are set aside in {} as .refused files; rename one to end in .delivery to send it again",
                    outbox.dir().display()
                ));
            }
            Some(outbox)
        }
        Err(e) => {
            crate::term::err_line(format!(
                "warning: no outbox ({e}): a delivery the app does not take is answered with its error, and lost if Ringg does not retry it"
            ));
            None
        }
    }
}

/// What the "listening on" line says of `--forward-to`: the target without user information
/// or query values (either may hold a secret). A plain `http://` target on another host is
/// warned about first.
fn forwarding(forward_to: Option<&str>) -> Result<String, CliError> {
    let Some(target) = forward_to.map(app::parse_target).transpose()? else {
        return Ok(String::new());
    };
    if app::is_clear_text_remote(&target) {
        crate::term::err_line(format!(
            "warning: {} is plain http:// on another host: each delivery, with its secret, crosses the network unencrypted; use https:// unless that network is private",
            app::shown(&target)
        ));
    }
    Ok(format!("; forwarding to {}", app::shown(&target)))
}

/// The state file `webhooks listen` keeps handed-over events in.
pub(crate) const DEDUPE_FILE: &str = "webhooks-dedupe.sqlite3";

/// Heard once the first Ctrl-C (or SIGTERM or SIGHUP: see
/// [`crate::interrupts::Interrupts`]) asks for a graceful stop (deliveries in flight get up to
/// `deadline` seconds); a second one exits at once (130 for Ctrl-C), after `printer` saved the
/// events of the callback lines it holds (see [`Printer::save_held`]).
fn stop_on_interrupt(
    deadline: u64,
    printer: Printer,
) -> Result<tokio::sync::oneshot::Receiver<()>, CliError> {
    let mut interrupts = crate::interrupts::Interrupts::new()?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        if interrupts.recv().await.is_none() {
            // No more signals can arrive: keep serving until the process is killed.
            return std::future::pending::<()>().await;
        }
        crate::term::err_line(format!(
            "stopping: deliveries in flight get up to {deadline} s; Ctrl-C again exits now"
        ));
        let _ = stop_tx.send(());
        if let Some(code) = interrupts.recv().await {
            crate::term::err_line("stopped without waiting for deliveries in flight");
            printer.save_held();
            std::process::exit(code);
        }
    });
    Ok(stop_rx)
}

async fn listen(ctx: &Ctx, opts: ListenOpts) -> Result<(), CliError> {
    let ListenOpts {
        port,
        secret,
        header,
        query_param,
        dedupe,
        forward_to,
        max_body_bytes,
    } = opts;
    let header = header.as_str();
    if secret.trim().is_empty() {
        return Err(CliError::usage(
            "--secret is empty; give the value your subscription's header carries",
        ));
    }
    let format = if ctx.out.json() {
        OutputFormat::Json
    } else {
        OutputFormat::Text
    };
    let store = dedupe_store(ctx, dedupe).await?;
    let printer = Printer::start();
    let query_param_shown = query_param.clone();
    let make_builder: forward::MakeBuilder = {
        let (header, secret, store) = (header.to_owned(), secret.clone(), store.clone());
        Arc::new(move || {
            let builder = WebhookReceiver::builder()
                .secret_header(&header)
                .secret(secret.clone())
                .max_body_bytes(max_body_bytes)
                .dedupe_store(store.clone())
                .on_malformed(malformed::keep);
            match &query_param {
                Some(name) => builder.secret_query_param(name.clone()),
                None => builder,
            }
        })
    };
    // Checks the configuration (header name, secret) before listening.
    let receiver = make_builder()
        .handler({
            let (printer, store) = (printer.clone(), store.clone());
            // Acknowledged once its line was written (or answered 500, and sent again).
            move |event: WebhookEvent| {
                let claim = DedupeKey::for_event(&event).map(|key| renewal::Claim {
                    store: store.clone(),
                    key,
                });
                let line = format.render(&event);
                printer.clone().print_event(line, claim, event)
            }
        })
        .build()
        .map_err(|e| CliError::usage(format!("{e}")))?;
    let forwarding = forwarding(forward_to.as_deref())?;
    let (stopping_tx, stopping) = tokio::sync::watch::channel(false);
    let app = match forward_to {
        Some(target) => {
            let print_printer = printer.clone();
            let print: forward::PrintLine = Arc::new(move |line| print_printer.print(line));
            App::Forward(forward::Forwarder::new(
                &target,
                make_builder,
                print,
                format,
                open_outbox(),
                secret_as_sent(header, &secret, query_param_shown.as_deref()),
                stopping,
            )?)
        }
        None => App::Print(receiver),
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| {
            CliError::failed(format!(
                "cannot listen on 127.0.0.1:{port}: {e}; pick another --port (0 picks a free one)"
            ))
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::io("could not read the listening address", &e))?;
    let expects = expected_secret(header, query_param_shown.as_deref());
    // What a `listen` killed before printing them left behind.
    let _ = tokio::task::spawn_blocking(held::save_left_behind).await;
    let config = ServeConfig::default();
    let deadline = config.shutdown_timeout.as_secs();
    // Installed before the "listening" line, so a Ctrl-C right after it is never lost.
    let stop_rx = stop_on_interrupt(deadline, printer.clone())?;
    // Always on stderr (even with --quiet): it says where to point the subscription.
    crate::term::err_line(format!(
        "listening on http://{addr}/ (deliveries must carry {expects}){forwarding}; Ctrl-C stops"
    ));
    // Ctrl-C, or the reader of a pipe gone (`| head -1`): a graceful stop either way.
    let stopped = async {
        tokio::select! {
            _ = stop_rx => {}
            () = crate::term::stdout_closed() => {}
        }
        let _ = stopping_tx.send(true);
    };
    let served = match app {
        App::Print(receiver) => {
            ringg_webhooks::serve_with_config(listener, receiver, config, stopped).await
        }
        App::Forward(forwarder) => {
            ringg_webhooks::serve_connections(listener, forwarder, config, stopped).await
        }
    };
    printer.finish(Duration::from_secs(1));
    served.map_err(|e| CliError::failed(format!("the receiver stopped: {e}")))
}

/// The secret as a delivery to this `listen` carries it: its header (read as the receiver
/// reads the configuration: the name trimmed, `Bearer ` once for `Authorization`; `None` when
/// it cannot be one), and its query parameter with `--secret-query-param`.
fn secret_as_sent(
    header: &str,
    secret: &str,
    query_param: Option<&str>,
) -> resent_secret::CurrentSecret {
    resent_secret::CurrentSecret {
        header: ringg_webhooks::Verifier::new(header, secret.to_owned())
            .ok()
            .and_then(|v| v.presented_header()),
        // Trimmed, as the receiver reads it.
        query: query_param.map(|name| (name.to_owned(), secret.trim().to_owned())),
    }
}

/// What `webhooks listen` does with each event.
enum App {
    /// Prints it.
    Print(WebhookReceiver),
    /// Forwards the delivery to the user's app (`--forward-to`), printing a line.
    Forward(forward::Forwarder),
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_header_value_but_the_bodys_description_is_hidden() {
        let headers = [
            ("X-Custom-Auth", "HDRSECRET-aa112233"),
            ("X-Tenant", "Token tenant-credential-77"),
            ("Content-Type", "application/json"),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()));
        super::hide_header_values(&headers);
        let shown = crate::term::masked(
            "bad values HDRSECRET-aa112233 and tenant-credential-77 for application/json",
        );
        assert!(
            !shown.contains("HDRSECRET") && !shown.contains("tenant-credential"),
            "{shown}"
        );
        assert!(shown.contains("application/json"), "{shown}");
    }
}
