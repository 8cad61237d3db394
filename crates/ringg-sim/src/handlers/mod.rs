//! Request handlers, one module per resource group. This module authenticates and dispatches
//! by operation id; `ctx` (the request) and `validate` (field checks) sit below every handler.

use std::sync::Arc;

use crate::core::Shared;
use crate::error::ApiError;
use crate::handlers::auth::authenticate;
use crate::handlers::ctx::{Ctx, Reply, RequestParts};
use crate::multipart;
use crate::routes::is_multipart;

pub(crate) mod analytics;
pub(crate) mod assistants;
pub(crate) mod auth;
pub(crate) mod caller;
pub(crate) mod calls;
pub(crate) mod campaigns;
pub(crate) mod control;
pub(crate) mod ctx;
pub(crate) mod kb;
pub(crate) mod stt;
pub(crate) mod stt_stream;
pub(crate) mod termination;
pub(crate) mod validate;
pub(crate) mod workspace;

/// Authenticates, parses multipart bodies and runs the operation's handler.
pub(crate) async fn handle(sh: &Arc<Shared>, rp: RequestParts) -> Reply {
    let ws = authenticate(sh, &rp.headers)?;
    let form = if is_multipart(rp.op) {
        let ct = rp
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        Some(multipart::parse(ct, rp.body.clone()).await?)
    } else {
        None
    };
    let ctx = Ctx {
        sh,
        ws,
        op: rp.op,
        params: rp.params,
        query: rp.query,
        body: rp.body,
        form,
    };
    route(&ctx)
}

fn route(c: &Ctx<'_>) -> Reply {
    match handler_for(c.op) {
        Some(h) => h(c),
        None => Err(ApiError::not_found(format!(
            "operation {} has no handler in the simulator",
            c.op
        ))),
    }
}

type Handler = fn(&Ctx<'_>) -> Reply;

/// The handler of each operation id.
pub(crate) fn handler_for(op: &str) -> Option<Handler> {
    Some(match op {
        "getWorkspace" => workspace::get,
        "listWorkspaces" => workspace::list_all,
        "listWorkspaceUsers" => workspace::users,
        "regenerateApiKey" => workspace::regenerate_key,
        "listNumbers" => workspace::numbers,
        "listAssistants" => assistants::list,
        "getAssistant" => assistants::get,
        "createAssistant" => assistants::create,
        "updateAssistant" => assistants::update,
        "editAssistant" => assistants::edit,
        "deleteAssistant" => assistants::archive,
        "listVoices" => assistants::voices,
        "initiateCall" => |c| calls::initiate(c, false),
        "initiateCallV2" => |c| calls::initiate(c, true),
        "listCallHistory" => calls::history,
        "getCallDetails" => calls::details,
        "downloadCallHistory" => calls::download,
        "deleteContactList" => calls::delete_contact_list,
        "saveCampaign" => campaigns::save,
        "startCampaign" => |c| campaigns::start(c, false),
        "startCampaignV2" => |c| campaigns::start(c, true),
        "listCampaigns" => campaigns::list,
        "uploadLargeCampaignCsv" => campaigns::upload_large,
        "getLargeUploadStatus" => campaigns::upload_status,
        "checkLargeCampaignBalance" => campaigns::check_balance,
        "startLargeCampaign" => campaigns::start_large,
        "terminateCalls"
        | "terminateByAgent"
        | "terminateByCallIds"
        | "terminateByCampaignNumbers"
        | "terminateByNumbers" => termination::terminate,
        "createKnowledgeBase" => kb::create,
        "editKnowledgeBase" => kb::edit,
        "listKnowledgeBases" => kb::list,
        "getKnowledgeBase" => kb::get,
        "deleteKnowledgeBase" => kb::delete,
        "getPlatformAnalytics" => analytics::platform,
        "getDrillDownAnalytics" => analytics::drill_down,
        "getNumberAnalytics" => analytics::numbers,
        "getDurationDistribution" => analytics::duration_distribution,
        "getClassificationAnalytics" => analytics::classification,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_operation_of_the_contract_has_a_handler() {
        for op in ringg_types::operations::ALL {
            assert!(
                super::handler_for(op.id).is_some(),
                "{} has no handler",
                op.id
            );
        }
    }
}
