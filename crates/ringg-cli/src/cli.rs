//! The command line: the top-level `Cli`, the options every command takes, the list of
//! command groups (each group's own arguments are in its `commands::<group>::args`), and the
//! one-line form of clap's errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use ringg_types::text::for_terminal;

use crate::commands::analytics::args::AnalyticsCmd;
use crate::commands::api::args::ApiArgs;
use crate::commands::assistants::args::AssistantsCmd;
use crate::commands::calls::args::CallsCmd;
use crate::commands::campaigns::args::CampaignsCmd;
use crate::commands::completion::args::CompletionArgs;
use crate::commands::kb::args::KbCmd;
use crate::commands::numbers::args::NumbersCmd;
use crate::commands::profiles::args::{LoginArgs, ProfilesCmd};
use crate::commands::quickstart::args::QuickstartArgs;
use crate::commands::sim::args::SimCmd;
use crate::commands::stt::args::SttCmd;
use crate::commands::terminate::args::TerminateArgs;
use crate::commands::webhooks::args::WebhooksCmd;
use crate::commands::workspace::args::WorkspaceCmd;
use crate::error::{CliError, MAX_ERROR_LINE_CHARS};
use crate::output::OutputMode;

/// Talk to the Ringg AI voice-agent API: assistants, calls, campaigns, webhooks, analytics.
///
/// New here? `ringg quickstart` runs the whole integration against a local simulator, no
/// account needed. Every other command talks to a server with a key: those of a profile
/// (`ringg login` stores one; --profile or RINGG_PROFILE picks another than the default), or
/// --base-url (default: the production API) with --api-key-file or RINGG_API_KEY; add --sim to
/// try any command against a throw-away local simulator instead.
#[derive(Debug, Parser)]
#[command(
    name = "ringg",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes (shown under their own heading, after each command's own).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// API base URL (default: https://prod-api.ringg.ai/ca/api/v0). Plain http:// only for
    /// loopback addresses such as a local simulator.
    #[arg(
        long,
        global = true,
        env = "RINGG_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub(crate) base_url: Option<String>,
    /// Workspace API key (sent as X-API-KEY; never printed). Without this flag and
    /// --api-key-file: the RINGG_API_KEY environment variable. A key given on the command
    /// line is visible to other users of this machine (process list, /proc/PID/cmdline):
    /// prefer RINGG_API_KEY or --api-key-file.
    #[arg(long, global = true, value_name = "KEY")]
    pub(crate) api_key: Option<String>,
    /// Read the API key from this file (`-`: from stdin). One trailing newline is dropped;
    /// an empty file is an error.
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "api_key")]
    pub(crate) api_key_file: Option<PathBuf>,
    /// Output format: `table` for people, `json` for programs (one JSON document per
    /// command; JSON lines for streams and --all; errors as one JSON object on stderr).
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputMode::Table)]
    pub(crate) output: OutputMode,
    /// Show ids whole in tables (they are shortened to 8 characters and an ellipsis).
    #[arg(long, global = true)]
    pub(crate) wide: bool,
    /// Show times in UTC (default: the local time zone; every time is labelled with its
    /// zone).
    #[arg(long, global = true)]
    pub(crate) utc: bool,
    /// Log requests and decisions to stderr (debug level).
    #[arg(long, short = 'v', global = true, conflicts_with = "quiet")]
    pub(crate) verbose: bool,
    /// Only results and errors: no progress, no notes.
    #[arg(long, short = 'q', global = true)]
    pub(crate) quiet: bool,
    /// Give up after this many seconds. Bounds every request (with its retries) and the whole
    /// command. For the commands that wait on purpose (calls wait, calls create --wait,
    /// campaigns launch while following, quickstart) it is how long they wait (defaults: 1800,
    /// 1800, 86400 and 120 s); for the servers that run until Ctrl-C (webhooks listen,
    /// sim serve) and for calls create (a call placement is never cut off mid-request) it
    /// bounds only each request. Default: no bound on the command; each attempt of a
    /// request gives up after 30 s without an answer, a request with its retries after 300 s.
    #[arg(
        long,
        global = true,
        env = "RINGG_TIMEOUT",
        hide_env_values = true,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=31_536_000)
    )]
    pub(crate) timeout: Option<u64>,
    /// After a crash: take a request an earlier run sent (a call, a campaign's upload or
    /// start) as lost SECS after it was sent (0: at once), instead of after the longer of this
    /// run's --timeout (300 s by default) and that run's own. For `calls reconcile` (with or
    /// without --pending), `campaigns launch` and `campaigns resume`; other commands ignore
    /// it. Only when that run was killed and its requests cannot still arrive: otherwise a
    /// call may be placed, or a campaign uploaded or started, twice.
    #[arg(
        long,
        global = true,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(0..=31_536_000)
    )]
    pub(crate) settle_after: Option<u64>,
    /// Run this one command against a fresh local simulator (its demo workspace) instead of
    /// a server; --base-url and --api-key are ignored. (`ringg login --sim` instead saves a
    /// profile for a running `ringg sim serve`.)
    #[arg(long, global = true)]
    pub(crate) sim: bool,
    /// Use this saved profile (`ringg profiles list`): its base URL and key, unless a flag or
    /// an environment variable gives them. Default: the profile `ringg profiles use` chose.
    #[arg(
        long,
        global = true,
        env = "RINGG_PROFILE",
        hide_env_values = true,
        value_name = "NAME"
    )]
    pub(crate) profile: Option<String>,
    /// Send at most this many requests per second on average: an idle budget allows a burst
    /// of one second's worth on top, so the first second may see up to twice as many. With
    /// --redis-url the budget is shared by every process using the same Redis and
    /// --redis-prefix.
    #[arg(
        long,
        global = true,
        env = "RINGG_RATE_LIMIT",
        hide_env_values = true,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..=100_000)
    )]
    pub(crate) rate_limit: Option<u32>,
    /// Keep at most this many requests in flight at once (shared like --rate-limit).
    #[arg(
        long,
        global = true,
        env = "RINGG_MAX_IN_FLIGHT",
        hide_env_values = true,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000)
    )]
    pub(crate) max_in_flight: Option<usize>,
    /// A Redis shared by a fleet of ringg processes (`redis://[:password@]host[:port][/db]`):
    /// every command's rate limit (--rate-limit, --max-in-flight, and the pause after a 429)
    /// is shared through it, `webhooks listen`/`replay` keep their dedupe store in it
    /// instead of --dedupe, and `calls create` refuses a recipient any process of the fleet is
    /// calling or called within the hour. Prefer the environment variable when the URL has a
    /// password. When Redis is down, receivers answer subscription events 503 (and say so when
    /// they start) and hand callbacks over unchecked, commands limit themselves locally, and
    /// `calls create` sends nothing. Needs a ringg built with the `redis` feature.
    #[arg(
        long,
        global = true,
        env = "RINGG_REDIS_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub(crate) redis_url: Option<String>,
    /// The prefix of the Redis keys: processes sharing it share their limits and dedupe
    /// (with --redis-url).
    #[arg(
        long,
        global = true,
        env = "RINGG_REDIS_PREFIX",
        hide_env_values = true,
        default_value = "ringg",
        value_name = "PREFIX"
    )]
    pub(crate) redis_prefix: String,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run Ringg's recommended integration end to end (a local simulator by default).
    Quickstart(QuickstartArgs),
    /// The workspace: details and credits, members, key rotation.
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// Caller numbers of the workspace.
    #[command(subcommand)]
    Numbers(NumbersCmd),
    /// Assistants (agents): list, inspect, create, edit, embed on a web site.
    #[command(subcommand, visible_alias = "agents")]
    Assistants(AssistantsCmd),
    /// Calls: place, list, inspect, wait, reconcile, export.
    #[command(subcommand)]
    Calls(CallsCmd),
    /// Campaigns from CSV contact lists: check, launch, follow.
    #[command(subcommand)]
    Campaigns(CampaignsCmd),
    /// Stop queued calls (registered or waiting for a retry).
    Terminate(TerminateArgs),
    /// Knowledge bases.
    #[command(subcommand, name = "kb")]
    Kb(KbCmd),
    /// Analytics.
    #[command(subcommand)]
    Analytics(AnalyticsCmd),
    /// Webhooks: subscribe an assistant, or run a local receiver.
    #[command(subcommand)]
    Webhooks(WebhooksCmd),
    /// The local simulator of the Ringg API.
    #[command(subcommand)]
    Sim(SimCmd),
    /// Save a server and its key as a profile (the key asked for, never an argument).
    ///
    /// The key is read from a prompt (or from stdin when it is not a terminal), checked with
    /// GET /workspace and stored in its own file (permissions 0600).
    Login(LoginArgs),
    /// Saved profiles: list, choose the default, remove.
    #[command(subcommand)]
    Profiles(ProfilesCmd),
    /// Speech-to-text: transcribe or stream an audio file.
    #[command(subcommand)]
    Stt(SttCmd),
    /// Send any request to the API through the same key, limits and retries (like `gh api`).
    Api(ApiArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completion(CompletionArgs),
}

/// The whole command tree, help examples included: what is parsed, and what completion
/// scripts are generated from.
pub(crate) fn command() -> clap::Command {
    use clap::CommandFactory;
    crate::commands::examples::add(Cli::command())
}

/// Turns a clap error into the CLI's one-line format, or one JSON object when `args` ask for
/// `--output json` (help and version go to stdout as usual).
pub(crate) fn clap_exit(err: clap::Error, args: &[std::ffi::OsString]) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            // The message may quote a saved key pasted where another value belongs.
            crate::config::hide_saved_keys();
            let rendered = hidden_value(&err).unwrap_or_else(|| err.render().to_string());
            // clap writes "error: <what>\n\n<details>\n\n[tip: …]\n\nUsage: …\n\nFor more
            // information, try '--help'."; keep what and details (and tips) on one line.
            let body: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let text = body.join(" ");
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            // The rejected value is echoed: keep escape sequences in it off the terminal.
            let text = for_terminal(text, MAX_ERROR_LINE_CHARS);
            let words = args
                .iter()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned());
            let error =
                CliError::usage(text).with_hint(format!("see `{} --help`", command_path(words)));
            error.print(wants_json(args));
            error.exit_code()
        }
    }
}

/// Flags whose value is a secret.
const SECRET_FLAGS: [&str; 3] = ["--api-key", "--secret", "--webhook-secret"];

/// Has every line the CLI prints mask the secrets known before the arguments are parsed: the
/// API key in the environment and the values of the secret flags. A usage error then shows a
/// key pasted as another flag's value (`--limit <key>`) masked. (`RINGG_WEBHOOK_SECRET` is
/// masked by the commands that use it: a secret chosen as a word would mask that word in
/// every other command's output.)
pub(crate) fn hide_secrets_before_parsing(args: &[std::ffi::OsString]) {
    if let Some(value) = std::env::var_os("RINGG_API_KEY") {
        crate::term::hide(&value.to_string_lossy());
    }
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    for (i, word) in words.iter().enumerate() {
        for flag in SECRET_FLAGS {
            let value = if word == flag {
                words.get(i + 1).map(String::as_str)
            } else {
                word.strip_prefix(flag)
                    .and_then(|rest| rest.strip_prefix('='))
            };
            if let Some(value) = value {
                crate::term::hide(value);
            }
        }
    }
}

/// clap's message for a refused value of an argument that may hold a secret (`--header
/// 'X-Webhook-Secret s3cret'`, its colon forgotten; `--var access_token:…`), without the value
/// clap quotes: the argument and the parser's reason only.
fn hidden_value(err: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if err.kind() != ErrorKind::ValueValidation {
        return None;
    }
    let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) else {
        return None;
    };
    let source = std::error::Error::source(err);
    // A parser that leaves its input out of its own message (`args::parse_header`,
    // `args::parse_key_value`) says so with its error's type; clap would quote it all the same.
    let hidden = source.is_some_and(|e| e.is::<crate::args::HiddenValue>());
    let name = arg.to_ascii_lowercase();
    let secretish = ["header", "key", "secret", "token", "password"]
        .iter()
        .any(|s| name.contains(s));
    if !secretish && !hidden {
        return None;
    }
    let reason = source.map_or_else(String::new, ToString::to_string);
    Some(format!("error: invalid value for '{arg}': {reason}"))
}

/// True when the arguments ask for `--output json` (read before parsing succeeded).
fn wants_json(args: &[std::ffi::OsString]) -> bool {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        matches!(w.as_str(), "--output=json" | "-ojson" | "-o=json")
            || (matches!(w.as_str(), "--output" | "-o")
                && words.get(i + 1).map(String::as_str) == Some("json"))
    })
}

/// `ringg calls create` for the subcommands named in `args` (flags and values are skipped).
pub(crate) fn command_path(args: impl Iterator<Item = String>) -> String {
    let mut cmd = command();
    let mut path = vec![cmd.get_name().to_string()];
    for arg in args {
        if arg.starts_with('-') {
            continue;
        }
        let Some(sub) = cmd.find_subcommand(&arg).cloned() else {
            continue;
        };
        path.push(sub.get_name().to_string());
        cmd = sub;
    }
    path.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    #[test]
    fn json_is_asked_for_in_every_spelling() {
        let args =
            |s: &str| -> Vec<std::ffi::OsString> { s.split_whitespace().map(Into::into).collect() };
        assert!(wants_json(&args("ringg -o json calls")));
        assert!(wants_json(&args("ringg calls --output=json")));
        assert!(!wants_json(&args("ringg calls list")));
    }
    #[test]
    fn command_paths() {
        let args = |s: &str| {
            s.split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert_eq!(
            command_path(args("calls create --to x")),
            "ringg calls create"
        );
        assert_eq!(
            command_path(args("-o json agents edit A display-name x")),
            "ringg assistants edit display-name"
        );
        assert_eq!(command_path(args("frob")), "ringg");
    }
}
