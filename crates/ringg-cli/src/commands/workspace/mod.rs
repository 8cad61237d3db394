//! `ringg workspace show | list | users | rotate-key`.

pub(crate) mod args;

use std::io::Write;

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

async fn rotate_key(ctx: &mut Ctx, key_file: &std::path::Path, yes: bool) -> Result<(), CliError> {
    if key_file.exists() {
        return Err(CliError::usage(format!(
            "{} already exists; give a new file for the key so nothing is overwritten",
            key_file.display()
        )));
    }
    let client = ctx.client().await?;
    let info = client.workspace().info().await?;
    let summary = [
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
    crate::confirm::confirm(
        &summary,
        "Rotate the key?",
        "rotating the key",
        yes,
        ctx.out.quiet,
    )?;
    // Open the file before rotating, so a bad path cannot lose the new key.
    let mut file = create_private(key_file)
        .map_err(|e| CliError::io(format!("could not create {}", key_file.display()), &e))?;
    let rotated = match client.workspace().regenerate_api_key().await {
        Ok(r) => r,
        Err(e) => {
            drop(file);
            let _ = std::fs::remove_file(key_file);
            return Err(e.into());
        }
    };
    file.write_all(rotated.new_api_key.expose().as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(|e| {
            CliError::failed(format!(
                "the key was rotated but writing {} failed ({e}); the new key is in the Ringg dashboard",
                key_file.display()
            ))
        })?;
    if ctx.out.json() {
        return print_json(&json!({
            "new_api_key": REDACTED,
            "key_file": key_file.display().to_string(),
        }));
    }
    crate::term::emit_text(format!(
        "The API key was rotated; the old key no longer works. The new key is in {} (never printed): export RINGG_API_KEY=\"$(cat {})\"",
        key_file.display(),
        key_file.display()
    ));
    Ok(())
}

/// Creates a file only its owner can read.
fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}
