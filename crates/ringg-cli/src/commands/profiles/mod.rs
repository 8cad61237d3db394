//! `ringg login` and `ringg profiles list | use | remove`.

pub(crate) mod args;

use std::io::IsTerminal;

use ringg_api::transport::masked_url;
use serde::Serialize;
use serde_json::json;

use crate::config::{self, ConfigFile};
use crate::context::Ctx;
use crate::error::CliError;
use crate::listing::{Columns, Paging, print_page};
use crate::output::print_json;
use crate::term::emit_text;
use args::{LoginArgs, ProfilesCmd};

/// `ringg login`.
pub(crate) async fn login(ctx: &mut Ctx, a: LoginArgs) -> Result<(), CliError> {
    if ctx.global.api_key.is_some() {
        return Err(CliError::usage(
            "login never takes the key on the command line (it would stay in the shell history and the process list); paste it at the prompt, pipe it on stdin, or give --api-key-file",
        ));
    }
    let name = ctx
        .global
        .profile
        .clone()
        .unwrap_or_else(|| if ctx.global.sim { "sim" } else { "default" }.to_string());
    config::check_name(&name)?;
    let given_base = ctx.global.base_url.clone().filter(|u| !u.trim().is_empty());
    let (base, key) = if ctx.global.sim {
        let base = match given_base {
            Some(b) => b,
            None => crate::commands::sim::marker::running_base_url()?,
        };
        (base, ringg_sim::DEMO_API_KEY.to_string())
    } else {
        // Logging in again to a profile keeps its server unless another is given, so its key
        // is checked against that server, not production.
        let saved = config::load()?
            .profiles
            .get(&name)
            .and_then(|p| p.base_url.clone());
        let base = given_base
            .or(saved)
            .unwrap_or_else(|| ringg_api::DEFAULT_BASE_URL.to_string());
        (base.clone(), read_key(ctx, &base).await?)
    };
    let client = crate::context::build_client(&base, &key, ctx.request_timeout, None)?;
    let info = client.workspace().info().await?.workspace_info;
    // The key names its server, so a stop between the two writes leaves a pair that is
    // refused (the profile's old server with the new key), never one that is used.
    let (key_file, cfg, path) = config::update(|cfg| {
        let previous = cfg.profiles.get(&name).cloned().unwrap_or_default();
        cfg.profiles.insert(
            name.clone(),
            config::Profile {
                base_url: (base != ringg_api::DEFAULT_BASE_URL).then(|| base.clone()),
                workspace: info.name.clone(),
                ..previous
            },
        );
        if a.default || cfg.default_profile.is_none() {
            cfg.default_profile = Some(name.clone());
        }
        config::write_key(&name, &key, &base)
    })?;
    if ctx.out.json() {
        return print_json(&json!({
            "profile": name,
            "base_url": masked_url(&base),
            "workspace": info.name,
            "workspace_id": info.id,
            "credits": info.available_credits(),
            "default": cfg.default_profile.as_deref() == Some(name.as_str()),
            "config_file": path.display().to_string(),
            "key_file": key_file.display().to_string(),
        }));
    }
    emit_text(format!(
        "logged in: profile {name} is workspace {:?} ({} credits available) at {}",
        info.name.as_deref().unwrap_or("-"),
        crate::output::num(info.available_credits()),
        masked_url(&base)
    ));
    ctx.out.note(format!(
        "saved in {}; the key is in {} (owner-only, never printed){}",
        path.display(),
        key_file.display(),
        if cfg.default_profile.as_deref() == Some(name.as_str()) {
            format!("; {name} is the default profile, so commands need no --api-key")
        } else {
            format!("; use it with --profile {name}, or make it the default with `ringg profiles use {name}`")
        }
    ));
    Ok(())
}

/// The key for `login`: from --api-key-file, else asked on the terminal (not echoed), else
/// read from stdin.
async fn read_key(ctx: &Ctx, base: &str) -> Result<String, CliError> {
    let key = if let Some(path) = &ctx.global.api_key_file {
        crate::secret::read_secret_file("--api-key-file", path.clone()).await?
    } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        dialoguer::Password::new()
            .with_prompt(format!("API key for {}", masked_url(base)))
            .interact_on(&dialoguer::console::Term::stderr())
            .map_err(|e| CliError::failed(format!("could not read the key: {e}")))?
    } else {
        crate::secret::read_secret_file("stdin", std::path::PathBuf::from("-")).await?
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        return Err(CliError::usage(
            "the key is empty; paste the workspace's API key (Ringg dashboard, Settings) at the prompt or on stdin",
        ));
    }
    Ok(key)
}

/// `ringg profiles …`.
pub(crate) async fn run(ctx: &mut Ctx, cmd: ProfilesCmd) -> Result<(), CliError> {
    match cmd {
        ProfilesCmd::List => list(ctx, &config::load()?),
        ProfilesCmd::Use { name } => {
            config::update(|cfg| {
                exists(cfg, &name)?;
                cfg.default_profile = Some(name.clone());
                Ok(())
            })?;
            emit_text(format!("{name} is now the default profile"));
            Ok(())
        }
        ProfilesCmd::Remove { name } => {
            let (was_default, cfg, _) = config::update(|cfg| {
                exists(cfg, &name)?;
                cfg.profiles.remove(&name);
                let was_default = cfg.default_profile.as_deref() == Some(name.as_str());
                if was_default {
                    // The one profile left becomes the default; with several, the user picks.
                    cfg.default_profile = match cfg.profiles.keys().collect::<Vec<_>>().as_slice() {
                        [only] => Some((*only).clone()),
                        _ => None,
                    };
                }
                config::remove_key(&name)?;
                Ok(was_default)
            })?;
            emit_text(format!("removed profile {name} and its key file"));
            if was_default {
                match &cfg.default_profile {
                    Some(next) => ctx.out.note(format!("profile {next} is the default now")),
                    None if cfg.profiles.is_empty() => {}
                    None => ctx.out.note(format!(
                        "there is no default profile now: `ringg profiles use NAME` picks one ({})",
                        cfg.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                    )),
                }
            }
            Ok(())
        }
    }
}

fn exists(cfg: &ConfigFile, name: &str) -> Result<(), CliError> {
    config::check_name(name)?;
    if cfg.profiles.contains_key(name) {
        Ok(())
    } else {
        Err(CliError::not_found(format!(
            "no profile {name:?}; `ringg profiles list` shows them, `ringg login --profile {name}` creates it"
        )))
    }
}

/// One saved profile as `profiles list` shows it (the key itself never: whether it is stored).
#[derive(Debug, Serialize)]
struct ProfileRow {
    name: String,
    default: bool,
    base_url: String,
    workspace: Option<String>,
    timezone: Option<String>,
    quiet_hours: Option<String>,
    has_key: bool,
}

/// The profiles table.
const COLUMNS: Columns<ProfileRow> = Columns {
    header: &["", "NAME", "BASE URL", "WORKSPACE", "KEY"],
    row: |p| {
        vec![
            if p.default { "*" } else { "" }.to_string(),
            p.name.clone(),
            p.base_url.clone(),
            p.workspace.clone().unwrap_or_else(|| "-".into()),
            if p.has_key { "stored" } else { "missing" }.to_string(),
        ]
    },
    empty: "no profiles yet; `ringg login` saves one (`ringg login --sim` for a running `ringg sim serve`)",
    drop_first: &["WORKSPACE"],
};

/// `ringg profiles list`: a list like every other (`{items, paging}` with `--output json`).
fn list(ctx: &Ctx, cfg: &ConfigFile) -> Result<(), CliError> {
    let rows: Vec<ProfileRow> = cfg
        .profiles
        .iter()
        .map(|(name, p)| ProfileRow {
            name: name.clone(),
            default: cfg.default_profile.as_deref() == Some(name.as_str()),
            base_url: masked_url(p.base_url.as_deref().unwrap_or(ringg_api::DEFAULT_BASE_URL))
                .into_owned(),
            workspace: p.workspace.clone(),
            timezone: p.timezone.clone(),
            quiet_hours: p.quiet_hours.clone(),
            has_key: config::read_key(name).ok().flatten().is_some(),
        })
        .collect();
    print_page(ctx, &COLUMNS, &rows, Paging::whole(rows.len()))
}
