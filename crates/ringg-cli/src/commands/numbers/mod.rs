//! `ringg numbers list`.

pub(crate) mod args;

use futures::TryStreamExt;
use ringg_api::types::numbers::WorkspaceNumber;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{nz, or_dash, print_json, print_table, table};
use args::NumbersCmd;

pub(crate) async fn run(ctx: &mut Ctx, cmd: NumbersCmd) -> Result<(), CliError> {
    let NumbersCmd::List(page) = cmd;
    let client = ctx.client().await?;
    let rows: Vec<WorkspaceNumber> = if page.all {
        client.numbers().stream().try_collect().await?
    } else {
        client
            .numbers()
            .list(page.limit, page.offset)
            .await?
            .workspace_numbers
    };
    if ctx.out.json() {
        return print_json(&rows);
    }
    let mut t = table(&[
        "ID",
        "NUMBER",
        "NAME",
        "PROVIDER",
        "INBOUND",
        "ASSISTANT",
        "POOL",
    ]);
    for n in &rows {
        t.add_row(vec![
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
        ]);
    }
    print_table(&t);
    Ok(())
}
