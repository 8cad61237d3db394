//! `ringg`: the command-line tool for the Ringg AI voice-agent API.
//!
//! `ringg quickstart` runs Ringg's recommended integration order against an in-process
//! simulator (no account needed); every other command talks to a server through the
//! `ringg-api` SDK. Results go to stdout (tables, or JSON with `--output json`), notes and
//! progress to stderr, errors as one line `error: …` (one JSON object with `--output json`)
//! with the exit code of their class (`error::ErrorClass`: 2 usage, 3 not found, 4
//! authentication, 5 rate limited, 6 outcome unknown, 7 a waited-for call ended
//! unsuccessfully, 1 anything else). The API key is never printed.
//!
//! Modules, each using only modules listed below it (so no module uses one that uses it
//! back); the `commands/<group>/args.rs` modules use only `args`:
//!
//! ```text
//! main        parses the command line (cli), runs it (commands), prints the error
//! commands    dispatch to one module per command group: commands/<group>/mod.rs runs the
//!             group's subcommands, commands/<group>/args.rs holds its clap arguments; the
//!             larger groups split further (quickstart/steps.rs: one function per step)
//! listing     list commands alike: one page as {items, paging}, or --all streamed (JSON
//!             lines, or table rows as they arrive) with progress on stderr
//! context     the command's environment: flags, output settings, the client or --sim
//! fleet       the rate limiter and dedupe store shared through Redis (--redis-url)
//! cli         the top-level Cli, the global options, the list of groups (uses each
//!             commands/<group>/args.rs), clap errors as one line
//! resolve     names and id prefixes of assistants, numbers, campaigns and knowledge bases;
//!             id prefixes of number pools and of the newest calls
//! confirm     the question before launches, terminations, deletions and key rotations
//! render      tables of the models several groups show
//! output      JSON, the output settings, values as table text (re-exports table)
//! table       tables fitted to the width, streamed tables
//! config      profiles: config.toml and the key files in the config folder
//! secret      secrets read from a file or stdin
//! inbox       a webhook receiver in this process, its events on a channel
//! state       the state folder (RINGG_STATE_DIR) and the files features keep in it
//! args        values every group parses alike: pages, NAME=VALUE, ids, phone numbers
//! error       the CLI's error, exit codes and JSON error objects
//! hints       SDK errors in the CLI's words, and the advice after them
//! layout      fitting a table: unbreakable ids and numbers, short ids, columns kept
//! display     this run's width, --wide and --utc; labelled times
//! term        writing escaped lines to stdout and stderr; noticing a closed stdout
//! ```
//!
//! A group's modules use the shared modules above and their own children, never their parent;
//! `quickstart` also uses `calls::wait` for its polling and `analytics::view` for its summary,
//! and `calls delete-list` uses `campaigns::follow` to name the list it deletes.

// The doc comments of `cli` are the command-line help, where URLs are written plainly.
#![allow(rustdoc::bare_urls)]

mod args;
mod cli;
mod commands;
mod config;
mod confirm;
mod context;
mod display;
mod error;
mod fleet;
#[cfg(feature = "redis")]
mod fleet_alias;
#[cfg(feature = "redis")]
mod fleet_calls;
mod fleet_reads;
mod hints;
mod inbox;
mod interrupts;
mod layout;
mod listing;
mod output;
mod render;
mod resolve;
mod secret;
#[cfg(test)]
mod spec_coverage;
mod state;
mod table;
mod term;

use std::io::IsTerminal;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::time::Duration;

use clap::FromArgMatches;

fn main() -> ExitCode {
    install_panic_hook();
    // Arguments are read as OsStrings: one that is not UTF-8 is a usage error from clap,
    // never a panic.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    cli::hide_secrets_before_parsing(&args);
    let cli = match cli::command()
        .try_get_matches_from(&args)
        .and_then(|m| cli::Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return cli::clap_exit(e, &args),
    };
    let json_errors = cli.global.output == output::OutputMode::Json;
    display::init(display::Display::new(
        cli.global.wide,
        cli.global.utc,
        cli.global.quiet,
        json_errors,
    ));
    // A replay's in-process receiver would warn of "Ringg's retries" for what its app did
    // not take; the replay reports those itself.
    let replaying = matches!(
        cli.command,
        cli::Command::Webhooks(commands::webhooks::args::WebhooksCmd::Replay { .. })
    );
    init_tracing(&cli.global, replaying);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            term::err_line(format!(
                "error: could not start the async runtime: {e}; check the system's thread limits"
            ));
            return ExitCode::from(1);
        }
    };
    let outcome =
        std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(commands::run(cli))));
    runtime.shutdown_timeout(Duration::from_millis(500));
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            e.print(json_errors);
            e.exit_code()
        }
        // The hook has printed the one-line message.
        Err(_) => ExitCode::from(1),
    }
}

/// Replaces Rust's panic output (payload and backtrace, which could carry request data) with
/// one line.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        term::err_line(format!(
            "error: internal error{place}; this is a bug in ringg, please report it with the command you ran (without your key)"
        ));
    }));
}

/// Logs to stderr: warnings by default (only errors from the in-process receiver of
/// `webhooks replay`), debug with --verbose, errors only with --quiet;
/// `RUST_LOG` overrides, except that the WebSocket library's TRACE records are never shown:
/// they hold the speech-to-text handshake as sent, API key included.
fn init_tracing(global: &cli::GlobalArgs, replaying: bool) {
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let default = if global.verbose {
        "debug,hyper=info,hyper_util=info,reqwest=info,h2=info,rustls=info"
    } else if global.quiet {
        "error"
    } else if replaying {
        "warn,ringg_webhooks=error"
    } else {
        "warn"
    };
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let no_handshake = tracing_subscriber::filter::filter_fn(|meta| {
        *meta.level() != tracing::Level::TRACE || !meta.target().starts_with("tungstenite")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        // Log records hold what servers sent (a close frame's reason, a message's kind), which
        // may echo the key: masked like every other line.
        .with_writer(|| crate::term::MaskedLines::new(std::io::stderr()))
        .with_target(global.verbose)
        .finish()
        .with(no_handshake)
        .try_init();
}
