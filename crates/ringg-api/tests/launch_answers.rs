//! A campaign launch whose upload or start Ringg carried out but answered in a shape the model
//! does not expect: counts written as strings are read, and an answer that cannot be read at
//! all leaves the launch at its step, so running it again finds the list instead of
//! uploading the file a second time.

mod common;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use ringg_api::ErrorKind;
use ringg_api::campaigns::CampaignFlow;
use ringg_api::journal::{Journal, MemoryJournal};
use ringg_api::transport::{
    ApiRequest, ApiResponse, ReqwestConfig, ReqwestTransport, Transport, TransportError,
};
use ringg_sim::RunningSimulator;
use serde_json::Value;

use common::{campaigns_named, launch, seeded_sim as sim};

/// A transport over reqwest that rewrites the JSON answer to the next request of one
/// operation; the request itself reaches the simulator unchanged.
struct Reshaping {
    inner: ReqwestTransport,
    rule: Mutex<Option<Rule>>,
}

/// The operation whose answer is rewritten, and how.
type Rule = (&'static str, fn(&mut Value));

impl Reshaping {
    fn once(operation: &'static str, edit: fn(&mut Value)) -> Arc<Self> {
        Arc::new(Self {
            inner: ReqwestTransport::new(&ReqwestConfig::default()).unwrap(),
            rule: Mutex::new(Some((operation, edit))),
        })
    }
}

#[async_trait]
impl Transport for Reshaping {
    async fn execute(&self, request: ApiRequest) -> Result<ApiResponse, TransportError> {
        let edit = {
            let mut rule = self.rule.lock().unwrap();
            match *rule {
                Some((op, _)) if op == request.operation => rule.take().map(|(_, e)| e),
                _ => None,
            }
        };
        let mut response = self.inner.execute(request).await?;
        if let Some(edit) = edit {
            let mut v: Value = serde_json::from_slice(&response.body).unwrap();
            edit(&mut v);
            response.body = serde_json::to_vec(&v).unwrap().into();
            response.headers.remove(http::header::CONTENT_LENGTH);
        }
        Ok(response)
    }
}

fn client(
    sim: &RunningSimulator,
    t: Arc<Reshaping>,
    journal: Arc<dyn Journal>,
) -> ringg_api::Client {
    common::client_builder(sim)
        .transport(t)
        .journal(journal)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_written_as_strings_in_the_upload_answer_are_read() {
    let sim = sim().await;
    let t = Reshaping::once("saveCampaign", |v| {
        for k in ["total_rows", "successful_rows", "failed_rows"] {
            v[k] = Value::String(v[k].to_string());
        }
    });
    let client = client(&sim, t, Arc::new(MemoryJournal::new()));
    let name = "counts as strings";
    let launched = client
        .campaigns()
        .launch(launch(CampaignFlow::Standard, name))
        .await
        .unwrap();
    assert!(launched.list_id.as_str().len() > 8);
    assert_eq!(campaigns_named(&client, name).await, ["scheduled"]);
    sim.shutdown().await;
}

/// A launch named `name` whose answer to `operation` is made unreadable by `edit`: the first
/// run fails with the step's outcome unknown and the launch still pending, with the
/// campaign `status_after_first`; the same launch run again ends with the campaign started,
/// one list in all.
async fn unreadable_answer_then_run_again(
    operation: &'static str,
    edit: fn(&mut Value),
    name: &str,
    status_after_first: &str,
) {
    let sim = sim().await;
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    let client = client(&sim, Reshaping::once(operation, edit), journal.clone());
    let first = client
        .campaigns()
        .launch(launch(CampaignFlow::Standard, name))
        .await
        .unwrap_err();
    let kind = first.error().map(|e| e.kind());
    assert_eq!(kind, Some(ErrorKind::OutcomeUnknown), "{first}");
    // Ringg carried the step out, whatever the client made of its answer.
    assert_eq!(campaigns_named(&client, name).await, [status_after_first]);
    assert_eq!(journal.pending_launches().await.unwrap().len(), 1);
    client
        .campaigns()
        .launch(launch(CampaignFlow::Standard, name))
        .await
        .unwrap();
    assert_eq!(campaigns_named(&client, name).await, ["scheduled"]);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_answer_that_cannot_be_read_is_found_by_the_next_run_not_uploaded_again() {
    let edit: fn(&mut Value) = |v| v["failed_rows"] = Value::String("none".into());
    unreadable_answer_then_run_again("saveCampaign", edit, "unreadable upload answer", "draft")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_answer_that_cannot_be_read_leaves_the_launch_at_its_start() {
    let edit: fn(&mut Value) = |v| v["has_ongoing_calls"] = Value::String("perhaps".into());
    unreadable_answer_then_run_again(
        "startCampaignV2",
        edit,
        "unreadable start answer",
        "scheduled",
    )
    .await;
}
