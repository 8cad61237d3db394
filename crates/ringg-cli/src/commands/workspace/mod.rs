//! `ringg workspace show | list | users | rotate-key`.

pub(crate) mod args;

use std::io::Write;
use std::path::Path;

use ringg_api::types::workspace::{WorkspaceSummary, WorkspaceUser};
use serde_json::json;

use crate::args::PageArgs;
use crate::context::Ctx;
use crate::error::CliError;
use crate::listing::{Columns, Paging, print_all, print_page};
use crate::output::{REDACTED, kv_table, num, nz, or_dash, print_json, print_table, ts};
use crate::render;
use args::WorkspaceCmd;

pub(crate) async fn run(ctx: &mut Ctx, cmd: WorkspaceCmd) -> Result<(), CliError> {
    match cmd {
        WorkspaceCmd::Show => show(ctx).await,
        WorkspaceCmd::List => list(ctx).await,
        WorkspaceCmd::Users(page) => users(ctx, page).await,
        WorkspaceCmd::RotateKey { key_file, yes } => rotate_key(ctx, &key_file, yes).await,
    }
}

async fn show(ctx: &mut Ctx) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let info = client.workspace().info().await?;
    if ctx.out.json() {
        // The response carries the workspace's own key; print_json masks it.
        return print_json(&info);
    }
    print_table(&kv_table(render::workspace_rows(&info.workspace_info)));
    Ok(())
}

/// The members table.
const USERS: Columns<WorkspaceUser> = Columns {
    header: &["ID", "USERNAME", "EMAIL", "ROLE", "INVITE"],
    row: |u| {
        vec![
            u.id.to_string(),
            nz(&u.username),
            nz(&u.email),
            or_dash(u.role.as_ref().map(|r| r.as_str())),
            nz(&u.invite_status),
        ]
    },
    empty: "no members; invite them in the Ringg dashboard",
    drop_first: &["INVITE"],
};

async fn users(ctx: &mut Ctx, page: PageArgs) -> Result<(), CliError> {
    let client = ctx.client().await?;
    if page.all {
        return print_all(ctx, &USERS, "members", client.workspace().users_stream()).await;
    }
    let resp = client.workspace().users(page.limit, page.offset).await?;
    print_page(ctx, &USERS, &resp.workspace_users, Paging::of(&page, None))
}

/// The workspaces table.
const WORKSPACES: Columns<WorkspaceSummary> = Columns {
    header: &["ID", "NAME", "ROLE", "CREDITS", "LOCKED", "CREATED"],
    row: |w| {
        let credit = |c: &Option<ringg_api::types::common::Credits>| {
            c.as_ref()
                .map(|c| num(c.as_f64()))
                .unwrap_or_else(|| "-".into())
        };
        vec![
            w.id.to_string(),
            or_dash(w.name.as_deref()),
            or_dash(w.role.as_ref().map(|r| r.as_str())),
            credit(&w.credits),
            credit(&w.locked_credits),
            ts(w.created_at.as_ref()),
        ]
    },
    empty: "no workspaces are reachable with this key",
    drop_first: &["LOCKED", "CREATED"],
};

/// `ringg workspace list`: the workspaces the key's user belongs to.
async fn list(ctx: &mut Ctx) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let resp = client.workspace().all().await?;
    print_page(
        ctx,
        &WORKSPACES,
        &resp.workspaces,
        Paging::whole(resp.workspaces.len()),
    )
}

async fn rotate_key(ctx: &mut Ctx, key_file: &Path, yes: bool) -> Result<(), CliError> {
    if key_file.exists() {
        return Err(CliError::usage(format!(
            "{} already exists; give a new file for the key so nothing is overwritten",
            key_file.display()
        )));
    }
    let client = ctx.client().await?;
    let info = client.workspace().info().await?;
    let mut summary = vec![
        format!(
            "rotate the API key of workspace {} ({}): the current key stops working at once, and every program, profile and server using it fails until it gets the new one",
            or_dash(info.workspace_info.name.as_deref()),
            info.workspace_info.id
        ),
        format!(
            "the new key is written to {} (owner-only permissions), never printed",
            key_file.display()
        ),
    ];
    let source = key_source(ctx);
    if let KeySource::Profile(name) = &source {
        summary.push(format!(
            "profile {name}, whose key this is, is given the new key"
        ));
    }
    crate::confirm::confirm(
        &summary,
        "Rotate the key?",
        "rotating the key",
        yes,
        ctx.out.quiet,
    )?;
    // Read before rotating: a profile's key is replaced below.
    let (base, old_scope) = ctx.journal_scope().await?;
    // Open the file before rotating, so a bad path cannot lose the new key.
    let mut file = crate::state::create_private_file(key_file)
        .map_err(|e| CliError::io(format!("could not create {}", key_file.display()), &e))?;
    let rotated = match client.workspace().regenerate_api_key().await {
        Ok(r) => r,
        Err(e) => return Err(unread_rotation(e, file, key_file)),
    };
    let new_key = rotated.new_api_key.expose();
    file.write_all(new_key.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(|e| {
            CliError::failed(format!(
                "the key was rotated but writing {} failed ({e}); the new key is in the Ringg dashboard",
                key_file.display()
            ))
        })?;
    // The journal's entries follow the key first (local and quick), then the fleet's records
    // (a Redis round trip or more), both before the profile is written, which may fail.
    let new_scope = ringg_api::journal::journal_scope(&base, new_key);
    let moved = ctx.move_journal(&old_scope, &new_scope).await;
    let fleet = crate::fleet::follow_rotation(&ctx.global, &old_scope, &new_scope).await;
    let (profile, next) = keep_new_key(&source, key_file, client.base_url(), new_key)?;
    if ctx.out.json() {
        print_json(&json!({
            "new_api_key": REDACTED,
            "key_file": key_file.display().to_string(),
            "profile": profile,
            "journal_entries_moved": moved.as_ref().ok(),
            "fleet_records_continued": fleet.as_ref().map(Result::is_ok),
        }))?;
    } else {
        let journal = match moved {
            Ok(n) if n > 0 => format!(
                " The old key's journal entries ({n}: calls pending or placed within the hour, launches) now belong to the new key."
            ),
            _ => String::new(),
        };
        crate::term::emit_text(format!(
            "The API key was rotated; the old key no longer works.{journal} The new key is in {} (never printed); {next}",
            key_file.display()
        ));
    }
    warn_if_not_carried_over(moved.err(), fleet.and_then(Result::err));
    Ok(())
}

/// The error of a key rotation that failed. An answer of success that could not be read may
/// hold the new key (under a field not known here): it is kept in the key file, private to
/// the user, and the error says so; otherwise the empty key file is removed.
fn unread_rotation(e: ringg_api::Error, mut file: std::fs::File, key_file: &Path) -> CliError {
    let answer = e
        .unredacted_body()
        .filter(|_| e.status().is_some_and(|s| s.is_success()));
    let kept =
        answer.is_some_and(|body| file.write_all(body).and_then(|()| file.sync_all()).is_ok());
    drop(file);
    if !kept {
        let _ = std::fs::remove_file(key_file);
    }
    let err = CliError::from(e);
    if kept {
        err.with_hint(format!(
            "the key was rotated, and Ringg's answer, which may hold the new key, is kept as received in {} (readable by you only): take the new key from it, or from the Ringg dashboard, and put it alone in that file",
            key_file.display()
        ))
    } else {
        err
    }
}

/// Warns when the old key's journal entries (`moved`), or with `--redis-url` the fleet's
/// records (`fleet`), could not be carried over to the new key, saying why.
fn warn_if_not_carried_over(moved: Option<String>, fleet: Option<String>) {
    let unprotected = "calls pending under the old key are not listed by `ringg calls pending`, and a call placed within the hour does not stop the same call made again; check the recent calls (`ringg calls list`) before calling those recipients again";
    if let Some(e) = moved {
        crate::term::err_line(format!(
            "warning: the journal's entries of the old key were not moved to the new key ({e}): {unprotected}"
        ));
    }
    if let Some(e) = fleet {
        crate::term::err_line(format!(
            "warning: the fleet's Redis (--redis-url) could not be told that the new key continues the old one ({e}): on every machine of the fleet, {unprotected}"
        ));
    }
}

/// Where the key of a command's client came from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum KeySource {
    /// The embedded simulator (`--sim`).
    Sim,
    /// A flag or the environment: `--api-key`, `--api-key-file` or `RINGG_API_KEY`.
    Given(&'static str),
    /// The stored key of this profile.
    Profile(String),
}

/// Where the key of `ctx`'s client came from, once it was built, in the order the context
/// chooses it: `--sim`, a flag, the environment, the profile.
fn key_source(ctx: &Ctx) -> KeySource {
    if let Some(name) = ctx.key_profile() {
        KeySource::Profile(name.to_string())
    } else if ctx.global.sim {
        KeySource::Sim
    } else if ctx.global.api_key.is_some() {
        KeySource::Given("--api-key")
    } else if ctx.global.api_key_file.is_some() {
        KeySource::Given("--api-key-file")
    } else {
        KeySource::Given("RINGG_API_KEY")
    }
}

/// After a rotation: a key that came from a profile is replaced in the profile (as `ringg
/// login` stores it); otherwise the advice for using the new key from `key_file` with the
/// same server. The profile updated, if any, and the sentence saying what happened.
fn keep_new_key(
    source: &KeySource,
    key_file: &Path,
    base_url: &str,
    new_key: &str,
) -> Result<(Option<String>, String), CliError> {
    let file = sh_quote(&key_file.display().to_string());
    // A base URL's user information (a gateway's password) is never printed.
    let shown_base = ringg_api::transport::masked_url(base_url);
    let base = sh_quote(&shown_base);
    let credentials = if shown_base == base_url {
        ""
    } else {
        " (the base URL's credentials are not printed: put them back where *** stands)"
    };
    match source {
        KeySource::Profile(name) => {
            let stored = crate::config::write_key(name, new_key, base_url).map_err(|e| {
                e.map_message(|m| {
                    format!(
                        "the key was rotated and written to {}, but storing it in profile {name} failed: {m}",
                        key_file.display()
                    )
                })
                .with_hint(format!(
                    "run `ringg login --profile {name} --api-key-file {file}` to store it there"
                ))
            })?;
            let next = format!(
                "profile {name} now holds it ({}), so the next command uses it",
                stored.display()
            );
            Ok((Some(name.clone()), next))
        }
        KeySource::Given("RINGG_API_KEY") => Ok((
            None,
            format!(
                "the old key came from RINGG_API_KEY, so set it and its server before the next command: export RINGG_API_KEY=\"$(cat {file})\" RINGG_BASE_URL={base}{credentials}"
            ),
        )),
        KeySource::Given(flag) => Ok((
            None,
            format!(
                "the old key came from {flag}; from now on pass --api-key-file {file} --base-url {base}{credentials}"
            ),
        )),
        KeySource::Sim => Ok((
            None,
            "the simulator of --sim, and its new key, end with this command".to_string(),
        )),
    }
}

/// `s` as one shell word: as it is when it has no character a shell treats specially, else
/// in single quotes.
fn sh_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._:@%+=,-".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(sh_quote("/tmp/new.key"), "/tmp/new.key");
        assert_eq!(
            sh_quote("http://127.0.0.1:7979/ca/api/v0"),
            "http://127.0.0.1:7979/ca/api/v0"
        );
        assert_eq!(sh_quote("my keys/new key"), "'my keys/new key'");
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn a_given_key_gets_advice_naming_its_server() {
        let file = Path::new("/tmp/new.key");
        let base = "http://127.0.0.1:7979/ca/api/v0";
        let (profile, next) =
            keep_new_key(&KeySource::Given("RINGG_API_KEY"), file, base, "secret").unwrap();
        assert!(profile.is_none());
        assert!(
            next.ends_with(&format!(
                "export RINGG_API_KEY=\"$(cat /tmp/new.key)\" RINGG_BASE_URL={base}"
            )),
            "{next}"
        );
        let (_, next) = keep_new_key(&KeySource::Given("--api-key"), file, base, "secret").unwrap();
        assert!(
            next.contains(&format!("--api-key-file /tmp/new.key --base-url {base}")),
            "{next}"
        );
        assert!(!next.contains("secret"));
    }

    #[test]
    fn the_advice_never_prints_the_base_urls_password() {
        let file = Path::new("/tmp/new.key");
        let base = "https://gw:pw-7e3f9a@gateway.example/ca/api/v0";
        for source in [
            KeySource::Given("RINGG_API_KEY"),
            KeySource::Given("--api-key-file"),
        ] {
            let (_, next) = keep_new_key(&source, file, base, "secret").unwrap();
            assert!(!next.contains("pw-7e3f9a"), "{next}");
            assert!(
                next.contains("https://***@gateway.example/ca/api/v0")
                    && next.contains("put them back"),
                "{next}"
            );
        }
    }
}
