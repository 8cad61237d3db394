//! One module per command group.

mod numbers;
mod quickstart;
mod sim;
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
