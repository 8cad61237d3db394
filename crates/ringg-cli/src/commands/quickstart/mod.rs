//! `ringg quickstart`: Ringg's recommended integration order, end to end, step by step.
//!
//! Without `--base-url` or `--profile` it starts a simulator and a webhook receiver
//! in-process, so the whole run needs no account and takes a few seconds. With `--base-url`,
//! or a profile named with `--profile`, it runs the same steps against that server, and
//! places a real call only with `--to` and `--yes`.

pub(crate) mod args;
mod narrator;
mod receiver;
mod report;
mod restore;
mod steps;
mod wait;

use ringg_api::client::is_loopback_url;
use ringg_sim::{CallOutcome, RunningSimulator, Simulator};

use crate::args::phone;
use crate::context::{Ctx, Lines, build_client};
use crate::error::CliError;
use crate::output::print_json;
use args::QuickstartArgs;
use narrator::Narrator;
use receiver::{Receiver, SECRET_HEADER};

/// The server given: `--base-url`, or the server of a profile named with `--profile` (a
/// profile that is merely the default does not take the quickstart off the simulator); `None`
/// with `--sim` or neither.
fn server_given(ctx: &Ctx) -> Result<Option<String>, CliError> {
    if ctx.global.sim {
        return Ok(None);
    }
    if let Some(base) = ctx.global.base_url.clone().filter(|u| !u.trim().is_empty()) {
        return Ok(Some(base));
    }
    let Some(name) = ctx.global.profile.as_deref() else {
        return Ok(None);
    };
    let config = crate::config::load()?;
    Ok(
        crate::config::selected(&config, Some(name))?.map(|(_, profile)| {
            profile
                .base_url
                .unwrap_or_else(|| ringg_api::DEFAULT_BASE_URL.to_string())
        }),
    )
}

/// The number the simulator's call goes to.
const DEMO_TO: &str = "+919876543210";

/// How long the quickstart waits for the call and its webhooks without --timeout.
const DEFAULT_WAIT_SECS: u64 = 120;

/// The refusal of a quickstart against `base` without --to and --yes.
fn call_not_confirmed(base: &str) -> CliError {
    let shown = ringg_api::transport::masked_url(base);
    CliError::usage(if ringg_api::client::is_loopback_url(base) {
        format!(
            "quickstart against {shown}, a server on this machine, places a call through it; pass --to <E164> and --yes to confirm it (against a `ringg sim serve`, any number: --to +919876543210 --yes), or drop --base-url and --profile to run against an embedded simulator"
        )
    } else {
        format!(
            "quickstart against {shown} places a real phone call; pass --to <E164> and --yes to confirm it (or drop --base-url and --profile to run against the local simulator)"
        )
    })
}

pub(crate) async fn run(ctx: &mut Ctx, mut args: QuickstartArgs) -> Result<(), CliError> {
    if let Some(path) = args.webhook_secret_file.take() {
        let stdin = |p: &std::path::Path| p.as_os_str() == "-";
        if stdin(&path) && ctx.global.api_key_file.as_deref().is_some_and(stdin) {
            return Err(CliError::usage(
                "--api-key-file - and --webhook-secret-file - would both read stdin; give one of them a file",
            ));
        }
        args.webhook_secret =
            Some(crate::secret::read_secret_file("--webhook-secret-file", path).await?);
    }
    if let Some(secret) = &args.webhook_secret {
        crate::term::hide(secret);
    }
    let remote = server_given(ctx)?;
    if let Some(base) = &remote
        && (args.to.is_none() || !args.yes)
    {
        return Err(call_not_confirmed(base));
    }
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return Err(CliError::usage(format!(
            "--time-scale must be a positive number (0.01 makes a 3-minute call take 1.8 s), got {}",
            args.time_scale
        )));
    }
    let to = match &args.to {
        Some(t) => phone("--to", t)?,
        None => phone("--to", DEMO_TO)?,
    };
    let json = ctx.out.json();
    let narrator = Narrator {
        lines: Lines::new(ctx.idle_spinner(), json),
        silent: json && ctx.out.quiet,
    };

    // The server: an in-process simulator, or the one given.
    let sim: Option<RunningSimulator> = match remote {
        None => Some(
            Simulator::builder()
                .time_scale(args.time_scale)
                .seed(args.seed)
                .start()
                .await
                .map_err(|e| {
                    CliError::failed(format!("could not start the local simulator: {e}"))
                })?,
        ),
        Some(_) => None,
    };
    let client = match &sim {
        Some(s) => {
            // The demo's callee picks up, so the run reaches `completed`.
            s.handle()
                .script_outcomes(to.as_str(), [CallOutcome::Answered]);
            build_client(&s.base_url(), s.api_key(), ctx.request_timeout, None)?
        }
        None => ctx.journaled_client().await?,
    };
    let loopback = is_loopback_url(client.base_url());
    match &sim {
        Some(s) => narrator.say(format!(
            "ringg quickstart: a local simulator at {} (time scale {}, seed {}), no account needed",
            s.base_url(),
            args.time_scale,
            args.seed
        )),
        None => narrator.say(format!(
            "ringg quickstart against {}",
            ringg_api::transport::masked_url(client.base_url())
        )),
    }

    // A receiver on this machine, when the server can reach it.
    let mut receiver = if loopback {
        let r = Receiver::start().await?;
        narrator.say(format!(
            "webhook receiver on {} (checks a random secret in {SECRET_HEADER})",
            r.url
        ));
        Some(r)
    } else {
        None
    };

    let result = restore::guarded(
        &client,
        &narrator,
        sim.is_none(),
        steps::run(
            &client,
            &args,
            &to,
            &narrator,
            receiver.as_mut(),
            sim.is_some(),
            ctx.wait_timeout(DEFAULT_WAIT_SECS),
        ),
    )
    .await;
    if let Some(r) = receiver {
        r.stop().await;
    }
    if let Some(s) = sim {
        s.shutdown().await;
    }
    let report = result?;
    if json {
        print_json(&report)?;
    }
    Ok(())
}
