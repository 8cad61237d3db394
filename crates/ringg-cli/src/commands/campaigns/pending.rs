//! `ringg campaigns pending`: the journal's campaign launches that are not finished (an
//! interrupted launch, a lost answer), each with the command that finishes it.

use ringg_api::journal::{Journal, LaunchEntry, LaunchStage};
use serde_json::json;

use crate::context::Ctx;
use crate::error::CliError;
use crate::listing::Paging;
use crate::output::{print_json, print_table, table};

/// `ringg campaigns pending`.
pub(super) async fn list(ctx: &mut Ctx) -> Result<(), CliError> {
    let client = ctx.journaled_client().await?;
    let launches = unfinished(client.journal()).await?;
    if ctx.out.json() {
        let items: Vec<_> = launches
            .iter()
            .map(|e| {
                json!({
                    "name": e.key.name,
                    "agent_id": e.key.agent_id,
                    "csv_sha256": e.key.csv_digest,
                    "list_id": e.list_id,
                    "stage": e.stage.to_string(),
                    "recorded_at": e.recorded_at,
                    "updated_at": e.updated_at,
                    "next": next_step(e),
                })
            })
            .collect();
        return print_json(&json!({
            "items": items,
            "paging": Paging::whole(items.len()).json(items.len()),
        }));
    }
    if launches.is_empty() {
        ctx.out
            .note("no campaign launch in the journal is unfinished");
        return Ok(());
    }
    let mut t = table(&[
        "NAME",
        "ASSISTANT",
        "LIST",
        "STAGE",
        "UPDATED (UTC)",
        "NEXT",
    ]);
    for e in &launches {
        t.add_row(vec![
            e.key.name.clone(),
            e.key.agent_id.to_string(),
            e.list_id
                .as_ref()
                .map_or_else(|| "-".to_owned(), ToString::to_string),
            e.stage.to_string(),
            e.updated_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            next_step(e),
        ]);
    }
    print_table(&t);
    ctx.out.note(format!(
        "{} launch(es) not finished: until each is finished, its contacts may not be called (its upload or start not sent, or its answer lost)",
        launches.len()
    ));
    Ok(())
}

/// The launches of `journal` that are not finished, oldest first.
pub(crate) async fn unfinished(
    journal: Option<&std::sync::Arc<dyn Journal>>,
) -> Result<Vec<LaunchEntry>, CliError> {
    let Some(journal) = journal else {
        return Ok(Vec::new());
    };
    let mut launches = journal
        .pending_launches()
        .await
        .map_err(|e| CliError::failed(e.to_string()))?;
    launches.sort_by_key(|e| e.recorded_at);
    Ok(launches)
}

/// What finishes `entry`: resuming its list, or (its list not known) the same launch again.
fn next_step(entry: &LaunchEntry) -> String {
    match (&entry.list_id, entry.stage) {
        (Some(list), LaunchStage::Uploaded | LaunchStage::Starting) => {
            format!("ringg campaigns resume {list}")
        }
        _ => "run the same launch again (the same file, name and assistant)".to_owned(),
    }
}
