//! The command line of `ringg webhooks`: its subcommands, flags and options (clap derive).

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use ringg_webhooks::WebhookReceiver;

use crate::args::parse_header;

/// `ringg webhooks …`.
#[derive(Debug, Subcommand)]
pub(crate) enum WebhooksCmd {
    /// Subscribe an assistant's events to a URL, keeping its other subscriptions; prints the
    /// subscriptions before and after. An event type delivered to another URL moves only with
    /// --move (Ringg delivers each event type to one URL).
    Subscribe {
        /// The assistant (id, name or id prefix).
        #[arg(long, value_name = "ID")]
        agent: String,
        /// The receiver's URL.
        #[arg(long, value_name = "URL")]
        url: String,
        /// An event type (repeatable, or several separated by commas), or `all` (the six
        /// documented types; call_ringing and call_ongoing only when named).
        #[arg(long = "event", value_name = "EVENT", required = true, value_delimiter = ',', ignore_case = true, value_parser = event_names())]
        events: Vec<String>,
        /// A header Ringg sends with each delivery (repeatable), e.g. X-Webhook-Secret:s3cret.
        /// A value given on the command line is visible to other users of this machine and
        /// kept in shell history: give a secret with --secret-file instead. What the command
        /// prints shows `[REDACTED]` for each value (but Content-Type's, Accept's and
        /// Content-Encoding's) wherever it appears.
        #[arg(long = "header", value_name = "NAME:VALUE", value_parser = parse_header)]
        headers: Vec<(String, String)>,
        /// Read the shared secret Ringg sends in --secret-header from this file (`-`: from
        /// stdin; one trailing newline is dropped): the secret `webhooks listen --secret-file`
        /// checks.
        #[arg(long, value_name = "PATH")]
        secret_file: Option<PathBuf>,
        /// The header carrying the secret of --secret-file (Authorization sends `Bearer
        /// <secret>`).
        #[arg(
            long,
            default_value = "X-Webhook-Secret",
            value_name = "NAME",
            requires = "secret_file"
        )]
        secret_header: String,
        /// HTTP method of the deliveries.
        #[arg(long, default_value = "POST", value_parser = ["POST", "PUT", "PATCH"])]
        method: String,
        /// Move event types that are delivered to another URL now to this one.
        #[arg(long = "move")]
        move_events: bool,
    },
    /// An assistant's webhook subscriptions (header values masked).
    List {
        /// The assistant (id, name or id prefix).
        #[arg(long, value_name = "ID")]
        agent: String,
    },
    /// Remove an assistant's subscriptions to a URL (only the --event types given, or all);
    /// prints the subscriptions before and after.
    Unsubscribe {
        /// The assistant (id, name or id prefix).
        #[arg(long, value_name = "ID")]
        agent: String,
        /// The receiver's URL, as subscribed.
        #[arg(long, value_name = "URL")]
        url: String,
        /// Only this event type (repeatable, or several separated by commas, or `all`);
        /// without it, every event type.
        #[arg(long = "event", value_name = "EVENT", value_delimiter = ',', ignore_case = true, value_parser = event_names())]
        events: Vec<String>,
    },
    /// Run a webhook receiver on 127.0.0.1 and print each event (or forward it to your app).
    Listen {
        /// Port (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// The shared secret deliveries must carry. Without this flag and --secret-file: the
        /// RINGG_WEBHOOK_SECRET environment variable; with none of them and a loopback
        /// --forward-to, a secret generated for this run (printed on stderr). A secret given on the command line is
        /// visible to other users of this machine (process list, /proc/PID/cmdline):
        /// prefer RINGG_WEBHOOK_SECRET or --secret-file.
        #[arg(long)]
        secret: Option<String>,
        /// Read the shared secret from this file (`-`: from stdin). One trailing newline is
        /// dropped; an empty file is an error.
        #[arg(long, value_name = "PATH", conflicts_with = "secret")]
        secret_file: Option<PathBuf>,
        /// The header carrying it (Authorization expects `Bearer <secret>`).
        #[arg(long, default_value = "X-Webhook-Secret", value_name = "NAME")]
        secret_header: String,
        /// Also accept the secret in this query parameter of the URL when the header is
        /// absent: a campaign's callback_url is called with no headers, so give it
        /// `…?NAME=<secret>`. Output masks the value of a parameter named like a secret
        /// (`ringg_secret`, `token`, `…_secret`, `key`, `sig`, …); another name is warned about.
        #[arg(long, value_name = "NAME")]
        secret_query_param: Option<String>,
        /// Where handed-over events are remembered, so that Ringg's retries are not handed
        /// over twice: `sqlite`, a file in the state folder (RINGG_STATE_DIR, default
        /// ~/.local/state/ringg) that survives a restart, or `memory`, forgotten on exit.
        #[arg(long, value_enum, default_value_t = DedupeMode::Sqlite, value_name = "STORE")]
        dedupe: DedupeMode,
        /// Forward each verified delivery to your app at this URL (method, path after `/`,
        /// query and headers kept) and answer Ringg 200 when the app answers 2xx. A delivery
        /// the app does not take for now (down, no answer in 25 s, 5xx, 408, 429) is kept in
        /// the outbox in the state folder, answered 200 and sent again until the app takes
        /// it (answered 502 when it cannot be kept); any other status of the app is passed on
        /// to Ringg.
        #[arg(long, value_name = "URL")]
        forward_to: Option<String>,
        /// The largest delivery body taken, in bytes (default 1 MiB); a larger one is refused
        /// with 413 and reported on stderr. Ringg sends a subscription event again for about
        /// three minutes (raise this and restart within them), a callback or notice never.
        #[arg(long, value_name = "BYTES", default_value_t = WebhookReceiver::DEFAULT_MAX_BODY_BYTES, value_parser = max_body_bytes)]
        max_body_bytes: usize,
    },
    /// Rebuild the call_completed and all_processing_completed events of ended calls from call
    /// history and call details, and hand over (print) those `webhooks listen` has not: they
    /// go through the same dedupe store, so a second replay hands over nothing.
    Replay {
        /// How far back to look: a number and a unit, e.g. 90m, 24h, 7d.
        #[arg(long, value_name = "DURATION", required_unless_present = "call")]
        since: Option<String>,
        /// Only this assistant's calls (id, name or id prefix).
        #[arg(long, value_name = "ID", conflicts_with = "call")]
        agent: Option<String>,
        /// Only this call (its id, or the beginning of it among the newest 1,000 calls).
        #[arg(long, value_name = "ID", conflicts_with = "since")]
        call: Option<String>,
        /// The dedupe store to check and update (as for `webhooks listen`).
        #[arg(long, value_enum, default_value_t = DedupeMode::Sqlite, value_name = "STORE")]
        dedupe: DedupeMode,
        /// POST each event not handed over yet to your app at this URL instead of printing
        /// it; an event the app does not answer 2xx stays unhanded, for the next replay.
        #[arg(long, value_name = "URL")]
        forward_to: Option<String>,
        /// With --forward-to: the header carrying the secret your app checks (its value from
        /// RINGG_WEBHOOK_SECRET or --secret-file; none is sent without them).
        #[arg(long, default_value = "X-Webhook-Secret", value_name = "NAME")]
        secret_header: String,
        /// With --forward-to: read that secret from this file (`-`: from stdin).
        #[arg(long, value_name = "PATH")]
        secret_file: Option<PathBuf>,
    },
}

/// `--max-body-bytes`: a whole number of bytes, at least 1.
fn max_body_bytes(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "{text:?} is not a number of bytes; write e.g. 4194304 for 4 MiB"
        )),
    }
}

/// The values `--event` takes: `all` and every event type.
fn event_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        std::iter::once("all").chain(
            ringg_api::types::webhook::EventType::KNOWN
                .iter()
                .map(|e| e.as_str()),
        ),
    )
}

/// `--dedupe`: where `webhooks listen` remembers handed-over events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DedupeMode {
    /// A SQLite file in the state folder; survives a restart.
    Sqlite,
    /// In memory; forgotten on exit.
    Memory,
}
