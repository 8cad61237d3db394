//! What an earlier run of the same launch left in the journal, for the plan: a launch whose
//! list was uploaded resumes from it, so its rows are not counted against the credits again
//! (a started campaign holds them, and counting them twice would refuse the run that says so).

use ringg_api::Client;
use ringg_api::campaigns::CsvUpload;
use ringg_api::journal::{LaunchKey, LaunchStage};
use ringg_api::types::{AgentId, ListId};

use super::args::LaunchArgs;
use super::preflight::Checked;

/// Whether an earlier run of this launch uploaded its list (then this run resumes from it,
/// and the plan does not count the credits again); adds a warning saying so.
pub(crate) async fn uploaded_before(
    client: &Client,
    checked: &Checked,
    a: &LaunchArgs,
    warnings: &mut Vec<String>,
) -> bool {
    let Some((list_id, stage)) = earlier_upload(client, a, &checked.agent_id).await else {
        return false;
    };
    warnings.push(format!(
        "an earlier run of this launch uploaded list {list_id} (journal: {stage}): this run resumes from it, without counting the credits again"
    ));
    true
}

/// The list an earlier run of this same launch (the same file, name and assistant) uploaded,
/// with the step it reached, as the journal records it; `None` without a journal entry with a
/// list, and with `--split` (each part is a launch of its own).
async fn earlier_upload(
    client: &Client,
    a: &LaunchArgs,
    agent_id: &AgentId,
) -> Option<(ListId, LaunchStage)> {
    let journal = client.journal()?;
    if a.split {
        return None;
    }
    let csv_digest = CsvUpload::path(&a.check.file).digest().await.ok()?;
    let key = LaunchKey {
        csv_digest,
        name: a.name.clone(),
        agent_id: agent_id.clone(),
    };
    let entry = journal.launch(&key).await.ok()??;
    if entry.stage == LaunchStage::Discarded {
        return None;
    }
    Some((entry.list_id?, entry.stage))
}
