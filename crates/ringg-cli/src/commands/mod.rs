//! One module per command group.

pub(crate) mod analytics;
pub(crate) mod api;
pub(crate) mod assistants;
pub(crate) mod calls;
pub(crate) mod campaigns;
pub(crate) mod completion;
pub(crate) mod examples;
pub(crate) mod kb;
pub(crate) mod numbers;
pub(crate) mod profiles;
pub(crate) mod quickstart;
pub(crate) mod sim;
pub(crate) mod stt;
pub(crate) mod terminate;
pub(crate) mod webhooks;
pub(crate) mod workspace;

use std::time::Duration;

use crate::cli::{Cli, Command};
use crate::context::Ctx;
use crate::error::{CliError, ErrorClass};
use calls::args::CallsCmd;
use campaigns::args::CampaignsCmd;
use webhooks::args::WebhooksCmd;

/// How much longer than the whole command's --timeout a request of it may take (it is never
/// reached: the command's bound ends it first).
const REQUEST_GRACE: Duration = Duration::from_secs(1);

/// Runs the command. With --timeout, a command that does not wait on purpose (see
/// [`bounded_per_request_only`]) is given up on when it runs longer.
pub(crate) async fn run(cli: Cli) -> Result<(), CliError> {
    let bound = cli
        .global
        .timeout
        .filter(|_| !bounded_per_request_only(&cli.command));
    let group = group_name(&cli.command);
    let mut ctx = Ctx::new(cli.global);
    if let Some(secs) = bound {
        // The whole command's bound answers first, with the --timeout message; a request's
        // own bound is a backstop.
        ctx.request_timeout = Some(Duration::from_secs(secs) + REQUEST_GRACE);
    }
    let result = match bound {
        Some(secs) => {
            match tokio::time::timeout(Duration::from_secs(secs), dispatch(&mut ctx, cli.command))
                .await
            {
                Ok(result) => result,
                Err(_) => Err(CliError::failed(format!(
                    "gave up after {secs} s (--timeout); the server did not finish in time: check --base-url and the network, or raise --timeout (a change the command was making may or may not have been carried out: check before running it again)"
                ))),
            }
        }
        None => dispatch(&mut ctx, cli.command).await,
    };
    let result = result.map_err(|e| refine_unreachable(&ctx, refine_not_found(&ctx, group, e)));
    ctx.finish().await;
    result
}

/// The advice after a 404, made specific: a base URL without Ringg's API path is named (the
/// id is probably fine); otherwise the group's list command, which shows the ids.
fn refine_not_found(ctx: &Ctx, group: &str, e: CliError) -> CliError {
    if e.class() != ErrorClass::NotFound || e.hint() != Some(crate::hints::GENERIC_404) {
        return e;
    }
    if !ctx.global.sim {
        let base = ctx
            .global
            .base_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or(ringg_api::DEFAULT_BASE_URL);
        if let Some(hint) = crate::hints::base_url_hint(base) {
            return e.with_hint(hint);
        }
    }
    if group == "api" {
        return e.with_hint(
            "check the method, the path and any id in it: the path is below the base URL, e.g. `ringg api GET /agent/all` (see `ringg api --help`)",
        );
    }
    // A read that names no id (a list, the workspace): the path itself is not there. A read
    // that names its object in a required query parameter (a call's details) does send one.
    use ringg_api::types::operations as ops;
    let names_no_id = e.operation().and_then(ops::by_id).is_some_and(|op| {
        op.method == ops::HttpMethod::Get
            && op.path_params().next().is_none()
            && op.required_query_params().is_empty()
    });
    if names_no_id {
        return e.with_hint(
            "the server has no such path, and this command sends no id: check --base-url (or the profile's server, `ringg profiles list`) and any proxy in front of it",
        );
    }
    match crate::hints::list_command_for(group, &e.to_string()) {
        Some(list) => e.with_hint(format!("check the id: `{list}` shows them")),
        None => e,
    }
}

/// The advice when the server could not be reached, made specific: when the server is a
/// profile's (no --base-url given), the profile is named, and a simulator it pointed at that
/// is gone is the likely cause.
fn refine_unreachable(ctx: &Ctx, e: CliError) -> CliError {
    let given = ctx
        .global
        .base_url
        .as_deref()
        .is_some_and(|u| !u.trim().is_empty());
    match ctx.key_profile() {
        Some(name) if !given && e.hint() == Some(crate::hints::UNREACHABLE) => e.with_hint(format!(
            "the server of profile {name} does not answer: if it is a `ringg sim serve`, start it again (and run `ringg login --sim` if its address changed); otherwise check the network, or pick another profile with --profile"
        )),
        _ => e,
    }
}

/// The command's group, as typed.
fn group_name(command: &Command) -> &'static str {
    match command {
        Command::Quickstart(_) => "quickstart",
        Command::Workspace(_) => "workspace",
        Command::Numbers(_) => "numbers",
        Command::Assistants(_) => "assistants",
        Command::Calls(_) => "calls",
        Command::Campaigns(_) => "campaigns",
        Command::Terminate(_) => "terminate",
        Command::Kb(_) => "kb",
        Command::Analytics(_) => "analytics",
        Command::Webhooks(_) => "webhooks",
        Command::Sim(_) => "sim",
        Command::Stt(_) => "stt",
        Command::Api(_) => "api",
        Command::Completion(_) => "completion",
        Command::Login(_) => "login",
        Command::Profiles(_) => "profiles",
    }
}

/// The commands --timeout bounds only request by request: those that wait on purpose (for
/// them --timeout is how long they wait), the servers that run until Ctrl-C, and every command
/// that sends a request that is not safe to repeat (placing a call, launching a campaign,
/// creating an assistant or a knowledge base, rotating the key, terminating calls): cutting one
/// off mid-request would lose what the SDK reports about it (an outcome-unknown error with the
/// reconcile reference, or the new key to save), so its request's own timeout ends it instead.
fn bounded_per_request_only(command: &Command) -> bool {
    use assistants::args::AssistantsCmd;
    use kb::args::KbCmd;
    use workspace::args::WorkspaceCmd;
    match command {
        Command::Quickstart(_) | Command::Sim(_) | Command::Terminate(_) | Command::Api(_) => true,
        Command::Webhooks(cmd) => matches!(cmd, WebhooksCmd::Listen { .. }),
        Command::Calls(cmd) => matches!(
            cmd,
            CallsCmd::Wait { .. } | CallsCmd::Create(_) | CallsCmd::Tail(_)
        ),
        Command::Campaigns(cmd) => {
            matches!(cmd, CampaignsCmd::Launch(_) | CampaignsCmd::Steps(_))
        }
        Command::Login(_) => true,
        Command::Assistants(cmd) => matches!(cmd, AssistantsCmd::Create(_)),
        Command::Kb(cmd) => matches!(cmd, KbCmd::Create { .. } | KbCmd::Edit { .. }),
        Command::Workspace(cmd) => matches!(cmd, WorkspaceCmd::RotateKey { .. }),
        _ => false,
    }
}

/// Runs the command's own code.
async fn dispatch(ctx: &mut Ctx, command: Command) -> Result<(), CliError> {
    match command {
        Command::Quickstart(args) => quickstart::run(ctx, args).await,
        Command::Workspace(cmd) => workspace::run(ctx, cmd).await,
        Command::Numbers(cmd) => numbers::run(ctx, cmd).await,
        Command::Assistants(cmd) => assistants::run(ctx, cmd).await,
        Command::Calls(cmd) => calls::run(ctx, cmd).await,
        Command::Campaigns(cmd) => campaigns::run(ctx, cmd).await,
        Command::Terminate(args) => terminate::run(ctx, args).await,
        Command::Kb(cmd) => kb::run(ctx, cmd).await,
        Command::Analytics(cmd) => analytics::run(ctx, cmd).await,
        Command::Webhooks(cmd) => webhooks::run(ctx, cmd).await,
        Command::Sim(cmd) => sim::run(ctx, cmd).await,
        Command::Stt(cmd) => stt::run(ctx, cmd).await,
        Command::Api(args) => api::run(ctx, args).await,
        Command::Completion(args) => completion::run(&args),
        Command::Login(args) => profiles::login(ctx, args).await,
        Command::Profiles(cmd) => profiles::run(ctx, cmd).await,
    }
}

#[cfg(test)]
mod tests {
    use ringg_api::client::is_loopback_url as is_loopback;

    #[test]
    fn loopback_detection() {
        assert!(is_loopback("http://127.0.0.1:9/ca/api/v0"));
        assert!(is_loopback("http://localhost:9/ca/api/v0"));
        assert!(is_loopback("http://[::1]:9/ca/api/v0"));
        assert!(!is_loopback("https://prod-api.ringg.ai/ca/api/v0"));
    }
}
