//! The contract's `x-cli-command` values against the real command line: every operation of
//! docs/openapi.yaml names a command, and every named command (its subcommand path and its
//! flags, such as `--v1` or `--legacy`) exists in the clap tree, so docs/endpoints.md (generated
//! from the spec) cannot promise a command that is not there.

use clap::Command;

/// The spec, read at compile time.
const SPEC: &str = include_str!("../../../docs/openapi.yaml");

/// `(operationId, x-cli-command)` of every operation, in spec order (`None`: no command).
///
/// An operation's own keys sit at the indentation of `paths: /path: method:` children (six
/// spaces); an `operationId` deeper down is a link's target, not an operation.
fn operations() -> Vec<(String, Option<String>)> {
    let mut ops: Vec<(String, Option<String>)> = Vec::new();
    for line in SPEC.lines() {
        let indent = line.len() - line.trim_start().len();
        if indent != 6 {
            continue;
        }
        let line = line.trim();
        if let Some(id) = line.strip_prefix("operationId:") {
            ops.push((id.trim().to_string(), None));
        } else if let Some(cmd) = line.strip_prefix("x-cli-command:")
            && let Some(last) = ops.last_mut()
            && last.1.is_none()
        {
            last.1 = Some(cmd.trim().trim_matches(['"', '\'']).to_string());
        }
    }
    ops
}

/// Checks one `ringg …` command against the tree; the error says what is missing.
fn check(root: &Command, command: &str) -> Result<(), String> {
    let mut words = command.split_whitespace();
    if words.next() != Some("ringg") {
        return Err(format!("`{command}` does not start with `ringg`"));
    }
    let mut cmd = root;
    let mut depth = 0;
    for word in words {
        if let Some(flag) = word.strip_prefix("--") {
            let known = cmd.get_arguments().any(|a| a.get_long() == Some(flag));
            if !known {
                return Err(format!("`{command}`: `{}` has no --{flag}", cmd.get_name()));
            }
        } else {
            cmd = cmd
                .get_subcommands()
                .find(|s| s.get_name() == word)
                .ok_or_else(|| {
                    format!(
                        "`{command}`: `{}` has no subcommand `{word}`",
                        cmd.get_name()
                    )
                })?;
            depth += 1;
        }
    }
    // A command group (`ringg calls`) reaches nothing by itself; a command whose subcommands
    // are the forms of one operation (`ringg assistants edit display-name | prompt | …`) does.
    if cmd.has_subcommands() && depth < 2 {
        return Err(format!("`{command}` names a group, not a command"));
    }
    Ok(())
}

#[test]
fn every_operation_names_a_real_command() {
    let root = crate::cli::command();
    let ops = operations();
    assert!(ops.len() >= 41, "the spec lists {} operations", ops.len());
    let mut problems = Vec::new();
    for (id, command) in &ops {
        match command {
            None => problems.push(format!("{id} has no x-cli-command")),
            Some(c) => {
                if let Err(e) = check(&root, c) {
                    problems.push(format!("{id}: {e}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_finds_what_is_missing() {
    let root = crate::cli::command();
    assert!(check(&root, "ringg calls create --v1").is_ok());
    assert!(check(&root, "ringg calls show").is_err());
    assert!(check(&root, "ringg calls create --v3").is_err());
    assert!(check(&root, "ringg calls").is_err());
    assert!(check(&root, "curl").is_err());
}
