//! One module per command group.

mod analytics;
mod assistants;
mod calls;
mod campaigns;
mod kb;
mod numbers;
mod quickstart;
mod sim;
mod terminate;
mod webhooks;
mod workspace;

use crate::cli::{Cli, Command};
use crate::context::Ctx;
use crate::error::CliError;

/// Runs the command.
pub(crate) async fn run(cli: Cli) -> Result<(), CliError> {
    let mut ctx = Ctx::new(cli.global);
    let result = match cli.command {
        Command::Quickstart(args) => quickstart::run(&mut ctx, args).await,
        Command::Workspace(cmd) => workspace::run(&mut ctx, cmd).await,
        Command::Numbers(cmd) => numbers::run(&mut ctx, cmd).await,
        Command::Assistants(cmd) => assistants::run(&mut ctx, cmd).await,
        Command::Calls(cmd) => calls::run(&mut ctx, cmd).await,
        Command::Campaigns(cmd) => campaigns::run(&mut ctx, cmd).await,
        Command::Terminate(args) => terminate::run(&mut ctx, args).await,
        Command::Kb(cmd) => kb::run(&mut ctx, cmd).await,
        Command::Analytics(cmd) => analytics::run(&mut ctx, cmd).await,
        Command::Webhooks(cmd) => webhooks::run(&mut ctx, cmd).await,
        Command::Sim(cmd) => sim::run(&ctx, cmd).await,
    };
    ctx.finish().await;
    result
}

/// Parses an id argument: refuses an empty one.
pub(crate) fn id<T: From<String>>(what: &str, raw: &str) -> Result<T, CliError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(CliError::usage(format!("the {what} id is empty")));
    }
    Ok(T::from(s.to_string()))
}

/// Parses an E.164 phone number given on the command line.
pub(crate) fn phone(flag: &str, raw: &str) -> Result<ringg_types::PhoneNumber, CliError> {
    ringg_types::PhoneNumber::parse(raw.trim()).map_err(|e| {
        CliError::usage(format!(
            "{flag} {raw:?} is not an E.164 number ({e}); write it with the country code, e.g. +919876543210"
        ))
    })
}

/// True for a base URL on this machine.
pub(crate) fn is_loopback(base_url: &str) -> bool {
    match url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => std::net::IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => std::net::IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_detection() {
        assert!(is_loopback("http://127.0.0.1:9/ca/api/v0"));
        assert!(is_loopback("http://localhost:9/ca/api/v0"));
        assert!(is_loopback("http://[::1]:9/ca/api/v0"));
        assert!(!is_loopback("https://prod-api.ringg.ai/ca/api/v0"));
    }
}
