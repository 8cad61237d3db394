//! `calls create`'s check of the prompt variables against the assistant's, before a real
//! person is called: a misspelt `--var` is refused (with the likely name), and so is an
//! assistant variable nothing fills (the callee would hear a blank) unless
//! `--allow-missing-vars`. The check itself is the campaigns pre-flight's
//! ([`ringg_api::variables::check_variables`]).

use ringg_api::types::assistants::AssistantDetails;
use ringg_api::variables::{VariableCheck, check_variables};

use crate::error::CliError;

/// The variables Ringg fills from the request itself (`--name`, `--to`).
const FILLED_BY_THE_CALL: [&str; 2] = ["callee_name", "mobile_number"];

/// Refuses `--var` pairs that would be lost or would change the call silently: a name given
/// twice (only one value can be sent), and `callee_name` / `mobile_number` with a value other
/// than `--name` / `--to` (Ringg fills those from the request: a `callee_name` would override
/// `--name`, a `mobile_number` would be dropped).
pub(crate) fn check_pairs(
    vars: &[(String, String)],
    name: &str,
    to: &ringg_api::types::PhoneNumber,
) -> Result<(), CliError> {
    for (i, (key, _)) in vars.iter().enumerate() {
        if vars[..i].iter().any(|(k, _)| k == key) {
            return Err(CliError::usage(format!(
                "--var {key} is given more than once; only one value can be sent"
            ))
            .with_hint(format!("keep one --var {key}=…")));
        }
    }
    for (key, value) in vars {
        let (flag, same) = match key.as_str() {
            "callee_name" => ("--name", value.trim() == name.trim()),
            "mobile_number" => (
                "--to",
                ringg_api::types::PhoneNumber::parse_written(value).is_ok_and(|v| &v == to),
            ),
            _ => continue,
        };
        if !same {
            return Err(CliError::usage(format!(
                "--var {key}={value:?} differs from {flag}: Ringg fills {key} from {flag}"
            ))
            .with_hint(format!("drop --var {key}, and give the value with {flag}")));
        }
    }
    Ok(())
}

/// Checks `vars` (the `--var` pairs) against the assistant's variables. A variable given
/// with an empty value counts as not given.
pub(crate) fn check(
    assistant: &AssistantDetails,
    vars: &[(String, String)],
    allow_missing: bool,
    allow_unknown: bool,
) -> Result<VariableCheck, CliError> {
    let names: Vec<String> = assistant
        .custom_variable_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let given = vars
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, _)| k.as_str());
    let found = check_variables(&names, given, &FILLED_BY_THE_CALL);
    let who = assistant
        .agent_display_name
        .as_ref()
        .map(|n| format!("assistant {n:?}"))
        .unwrap_or_else(|| format!("assistant {}", assistant.id));
    let theirs = if names.is_empty() {
        "it has none".to_string()
    } else {
        format!("its variables: {}", names.join(", "))
    };
    if let Some(u) = found.unknown.first().filter(|_| !allow_unknown) {
        let hint = match &u.suggestion {
            Some(s) => format!("did you mean --var {s}=…? "),
            None => String::new(),
        };
        return Err(CliError::usage(format!(
            "--var {}: {who} has no variable {:?} ({theirs})",
            u.name, u.name
        ))
        .with_hint(format!(
            "{hint}fix the name, or add --allow-unknown-vars to send it anyway"
        )));
    }
    if !found.missing.is_empty() && !allow_missing {
        return Err(CliError::usage(format!(
            "{who}'s prompt uses {} but no --var gives {}: the callee would hear a blank",
            found.missing.join(", "),
            if found.missing.len() == 1 {
                "it"
            } else {
                "them"
            },
        ))
        .with_hint(format!(
            "add {}, or --allow-missing-vars to call anyway",
            found
                .missing
                .iter()
                .map(|m| format!("--var {m}=…"))
                .collect::<Vec<_>>()
                .join(" ")
        )));
    }
    Ok(found)
}
