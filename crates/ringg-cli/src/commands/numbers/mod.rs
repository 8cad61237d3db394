//! `ringg numbers list`.

pub(crate) mod args;

use ringg_api::types::numbers::WorkspaceNumber;

use crate::context::Ctx;
use crate::error::CliError;
use crate::listing::{Columns, Paging, print_all, print_page};
use crate::output::{nz, or_dash};
use args::NumbersCmd;

/// The numbers table.
const COLUMNS: Columns<WorkspaceNumber> = Columns {
    header: &[
        "ID",
        "NUMBER",
        "NAME",
        "PROVIDER",
        "INBOUND",
        "ASSISTANT",
        "POOL",
    ],
    row,
    empty: "no caller numbers in this workspace; add one in the Ringg dashboard, then `ringg numbers list` shows its id",
    // The pool is what `--number-pool` takes (its first 8 characters are enough): kept longer.
    drop_first: &["PROVIDER", "INBOUND", "POOL"],
};

fn row(n: &WorkspaceNumber) -> Vec<String> {
    vec![
        n.id.to_string(),
        or_dash(n.number.as_deref()),
        nz(&n.display_name),
        or_dash(n.provider.as_ref().map(|p| p.as_str())),
        match n.is_inbound_enabled {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => "-".into(),
        },
        or_dash(n.agent.as_ref().map(|a| {
            a.agent_display_name
                .clone()
                .unwrap_or_else(|| a.id.to_string())
        })),
        or_dash(n.number_pool_id.as_ref().map(|p| p.as_str())),
    ]
}

pub(crate) async fn run(ctx: &mut Ctx, cmd: NumbersCmd) -> Result<(), CliError> {
    let NumbersCmd::List(page) = cmd;
    let client = ctx.client().await?;
    if page.all {
        return print_all(ctx, &COLUMNS, "numbers", client.numbers().stream()).await;
    }
    let resp = client.numbers().list(page.limit, page.offset).await?;
    print_page(
        ctx,
        &COLUMNS,
        &resp.workspace_numbers,
        Paging::of(&page, None),
    )
}
