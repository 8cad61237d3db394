//! What an earlier run of the same launch left in the journal, for the plan: a launch whose
//! campaign was started sends nothing when run again, so its rows are not counted against the
//! credits again (the campaign holds them, and counting them twice would refuse the run that
//! says it was started).

use ringg_api::Client;
use ringg_api::campaigns::{CsvUpload, FORM_OVERHEAD_BYTES, UPLOAD_LIMIT_BYTES};
use ringg_api::journal::LaunchStage;
use ringg_api::types::{AgentId, ListId};

use super::args::LaunchArgs;
use super::preflight::Checked;

/// Whether an earlier run of this launch started its campaign, which is still there (then this
/// run finds it started and sends nothing, and the plan does not count the credits the
/// campaign holds); adds a warning saying so. A launch that was not started, or whose list is
/// gone, is counted as any other: it will send a start (or an upload) that needs them.
pub(crate) async fn started_before(
    client: &Client,
    checked: &Checked,
    a: &LaunchArgs,
    warnings: &mut Vec<String>,
) -> bool {
    let Some(list_id) = earlier_start(client, a, &checked.agent_id).await else {
        return false;
    };
    warnings.push(format!(
        "an earlier run of this launch started campaign {list_id}: this run finds it started and sends nothing, so the credits it holds are not counted again"
    ));
    true
}

/// The list of this same launch (the same file, name and assistant) whose campaign an earlier
/// run started, as the journal records it, when it is still there and started; `None` without
/// such a journal entry, and for a file `--split` cuts into parts (each a launch of its own).
async fn earlier_start(client: &Client, a: &LaunchArgs, agent_id: &AgentId) -> Option<ListId> {
    let journal = client.journal()?;
    if a.split {
        let len = std::fs::metadata(&a.check.file).ok()?.len();
        if len + FORM_OVERHEAD_BYTES > UPLOAD_LIMIT_BYTES {
            return None;
        }
    }
    let csv = CsvUpload::path(&a.check.file);
    let key = csv.launch_key(&a.name, agent_id).await.ok()?;
    let entry = journal.launch(&key).await.ok()??;
    if entry.stage != LaunchStage::Started {
        return None;
    }
    let list_id = entry.list_id?;
    // Still there (renamed since, too) and started, looked for as the launch looks for it.
    let c = client
        .campaigns()
        .find_list(&list_id, Some(&a.name))
        .await
        .ok()??;
    let started = c
        .campaign_status
        .as_ref()
        .is_some_and(|s| !s.is_never_started());
    started.then_some(list_id)
}
