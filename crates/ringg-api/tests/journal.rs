//! The intent journal end to end: call initiations and campaign launches whose answer is lost
//! (a transport that lets the request reach the simulator and then drops the answer) are
//! recorded, settled and resumed through the real client; the SQLite journal survives a
//! reopen, keeps scopes apart, reports a damaged file, and loses nothing when two processes
//! write it at once.

mod common;
#[path = "common/hooked_journal.rs"]
mod hooked_journal;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use hooked_journal::HookedJournal;
use ringg_api::campaigns::{CampaignFlow, LaunchResponses, LaunchStep, PollOptions};
use ringg_api::journal::{
    CallEntry, CallIntent, CallOutcome, Journal, JournalError, LaunchStage, MemoryJournal,
    SqliteJournal,
};
use ringg_api::transport::{
    ApiRequest, ApiResponse, ReqwestConfig, ReqwestTransport, Transport, TransportError,
};
use ringg_api::types::{AgentId, CallId};
use ringg_api::{Client, ErrorKind};
use ringg_sim::{RunningSimulator, demo};

/// What [`Losing`] does with the next request of an operation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lose {
    /// Sends it, then reports a reset connection: the server acted, the answer is lost.
    Answer,
    /// Reports a reset connection without sending it.
    Request,
}

/// A transport over reqwest that loses one request or answer of a chosen operation.
struct Losing {
    inner: ReqwestTransport,
    rule: Mutex<Option<(&'static str, Lose)>>,
}

impl Losing {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            inner: ReqwestTransport::new(&ReqwestConfig::default()).unwrap(),
            rule: Mutex::new(None),
        })
    }

    fn lose(&self, operation: &'static str, what: Lose) {
        *self.rule.lock().unwrap() = Some((operation, what));
    }
}

#[async_trait]
impl Transport for Losing {
    async fn execute(&self, request: ApiRequest) -> Result<ApiResponse, TransportError> {
        let rule = {
            let mut rule = self.rule.lock().unwrap();
            match *rule {
                Some((op, what)) if op == request.operation => {
                    *rule = None;
                    Some(what)
                }
                _ => None,
            }
        };
        match rule {
            Some(Lose::Request) => Err(TransportError::io("connection reset by peer")),
            Some(Lose::Answer) => {
                let _ = self.inner.execute(request).await?;
                Err(TransportError::io("connection reset by peer"))
            }
            None => self.inner.execute(request).await,
        }
    }
}

use common::seeded_sim as sim;

fn client(sim: &RunningSimulator, t: Arc<Losing>, journal: Arc<dyn Journal>) -> Client {
    common::client_builder(sim)
        .transport(t)
        .journal(journal)
        .build()
        .unwrap()
}

/// A losing transport, a memory journal, and a [`client`] with both.
fn with_memory_journal(sim: &RunningSimulator) -> (Arc<Losing>, Arc<dyn Journal>, Client) {
    let t = Losing::new();
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    let client = client(sim, t.clone(), journal.clone());
    (t, journal, client)
}

/// As [`client`], with a total timeout of `secs`: it records that wait with what it sends, and
/// waits that long of its own before it rules out what an earlier request may still do (a
/// sender's longer recorded wait still holds).
fn client_waiting(
    secs: u64,
    sim: &RunningSimulator,
    t: Arc<Losing>,
    journal: Arc<dyn Journal>,
) -> Client {
    common::client_builder(sim)
        .transport(t)
        .journal(journal)
        .total_timeout(Duration::from_secs(secs))
        .build()
        .unwrap()
}

/// Moves every pending entry of `journal` `by` into the past, as if that time had passed since
/// it was recorded and its request sent.
async fn time_passes(journal: &dyn Journal, by: chrono::Duration) {
    for mut e in journal.pending_calls().await.unwrap() {
        e.intent.recorded_at -= by;
        e.updated_at -= by;
        journal.put_call(&e).await.unwrap();
    }
    for mut e in journal.pending_launches().await.unwrap() {
        e.recorded_at -= by;
        e.updated_at -= by;
        journal.put_launch(&e).await.unwrap();
    }
}

/// As [`client`], once an hour has passed for what the journal holds: past the wait every
/// sender recorded, what an earlier request may still do is ruled out.
async fn settling_client(
    sim: &RunningSimulator,
    t: Arc<Losing>,
    journal: Arc<dyn Journal>,
) -> Client {
    time_passes(journal.as_ref(), chrono::Duration::hours(1)).await;
    client(sim, t, journal)
}

use common::{calls_to, pool_call as call};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_whose_answer_was_lost_is_pending_and_settles_as_placed() {
    let sim = sim().await;
    let (t, journal, client) = with_memory_journal(&sim);

    // Placed normally: recorded with its call id, nothing pending.
    let placed = client
        .calls()
        .initiate(call("+919800000001"))
        .await
        .unwrap();
    let entry = journal.call(&placed.reference).await.unwrap().unwrap();
    assert_eq!(
        entry.outcome,
        Some(CallOutcome::Placed {
            call_id: placed.call_id.clone()
        })
    );
    assert!(client.calls().pending().await.unwrap().is_empty());

    // Ringg acts, the answer is lost: outcome unknown, pending.
    t.lose("initiateCallV2", Lose::Answer);
    let e = client
        .calls()
        .initiate(call("+919800000002"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown, "{e}");
    let reference = e.client_reference().unwrap().to_string();
    // The request never reached the server: also unknown to the client.
    t.lose("initiateCallV2", Lose::Request);
    let e2 = client
        .calls()
        .initiate(call("+919800000003"))
        .await
        .unwrap_err();
    let lost_request = e2.client_reference().unwrap().to_string();

    let pending = client.calls().pending().await.unwrap();
    let refs: Vec<&str> = pending
        .iter()
        .map(|p| p.intent.reference.as_str())
        .collect();
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert!(refs.contains(&reference.as_str()) && refs.contains(&lost_request.as_str()));

    // Right away, the call that is not in the history is not ruled out: its request was
    // recorded a moment ago and might still be answered. The placed one settles.
    let settled = client.calls().settle_pending().await.unwrap();
    assert_eq!(settled.len(), 2);
    let placed_ids = calls_to(&sim, "+919800000002");
    assert_eq!(placed_ids.len(), 1, "the simulator placed that call once");
    for s in &settled {
        if s.entry.intent.reference == reference {
            let outcome = s.result.as_ref().unwrap();
            assert_eq!(
                outcome.call_id().map(ToString::to_string),
                Some(placed_ids[0].clone())
            );
        } else {
            let err = s.result.as_ref().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::TooEarly, "{err}");
            assert!(
                err.to_string().contains("may still be answered until"),
                "{err}"
            );
        }
    }
    let still: Vec<String> = client
        .calls()
        .pending()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.intent.reference)
        .collect();
    assert_eq!(still, std::slice::from_ref(&lost_request));
    // A minute later, a client with a ten-second timeout still waits for the 300 s its sender
    // recorded: its own shorter wait cannot rule out a request the sender may still be
    // waiting on.
    time_passes(journal.as_ref(), chrono::Duration::minutes(1)).await;
    let hasty = client_waiting(10, &sim, t.clone(), journal.clone());
    let settled = hasty.calls().settle_pending().await.unwrap();
    let err = settled[0].result.as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooEarly, "{err}");
    let reconciled = hasty.calls().reconcile(lost_request.as_str()).await;
    assert_eq!(reconciled.unwrap_err().kind(), ErrorKind::TooEarly);
    // A settle wait of zero does not cut the sender's short either.
    let zero = |b: ringg_api::ClientBuilder| {
        let b = b.transport(t.clone()).journal(journal.clone());
        b.settle_after(Duration::ZERO).build().unwrap()
    };
    let settled = zero(common::client_builder(&sim))
        .calls()
        .settle_pending()
        .await;
    assert_eq!(
        settled.unwrap()[0].result.as_ref().unwrap_err().kind(),
        ErrorKind::TooEarly
    );
    // Told that the sender is gone, a client settles with its own wait only.
    let told = zero(common::client_builder(&sim).ignore_recorded_waits());
    let settled = told.calls().settle_pending().await.unwrap();
    assert_eq!(settled.len(), 1);
    assert_eq!(settled[0].entry.intent.reference, lost_request);
    assert_eq!(settled[0].result.as_ref().unwrap(), &CallOutcome::NotPlaced);
    assert!(calls_to(&sim, "+919800000003").is_empty());
    assert!(client.calls().pending().await.unwrap().is_empty());
}

/// Our clock ran a few minutes ahead of the server's when the initiation was recorded (a
/// drifted VM, a clock not yet corrected): the journal's time is later than the call's in the
/// server's history. Settling still finds the call, so it is not taken for "not placed" (which
/// would let it be placed again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_recorded_while_our_clock_ran_ahead_settles_as_placed() {
    let sim = sim().await;
    let (t, journal, client) = with_memory_journal(&sim);
    t.lose("initiateCallV2", Lose::Answer);
    let e = client
        .calls()
        .initiate(call("+919800000041"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown, "{e}");
    let mut entry = journal.pending_calls().await.unwrap().remove(0);
    entry.intent.recorded_at += chrono::Duration::minutes(3);
    journal.put_call(&entry).await.unwrap();

    let settled = client.calls().settle_pending().await.unwrap();
    assert_eq!(settled.len(), 1);
    let placed = calls_to(&sim, "+919800000041");
    assert_eq!(placed.len(), 1, "the simulator placed that call once");
    let outcome = settled[0].result.as_ref().expect("settled");
    assert_eq!(
        outcome.call_id().map(ToString::to_string),
        Some(placed[0].clone())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_records_how_long_its_request_may_be_waited_on() {
    let sim = sim().await;
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    let client = common::client_builder(&sim)
        .journal(journal.clone())
        .settle_after(Duration::from_secs(10))
        .build()
        .unwrap();
    let recorded = |client: Client, to: &'static str| {
        let journal = journal.clone();
        async move {
            let placed = client.calls().initiate(call(to)).await.unwrap();
            let entry = journal.call(&placed.reference).await.unwrap().unwrap();
            entry.intent.settle_after.unwrap().as_secs()
        }
    };
    // The client's total timeout (300 s by default) is longer than its own settle wait.
    assert_eq!(recorded(client.clone(), "+919800000011").await, 300);
    // A scoped view's longer timeout is recorded for its requests only.
    let options = ringg_api::RequestOptions::new().total_timeout(Duration::from_secs(900));
    let patient = client.with_options(options);
    assert_eq!(recorded(patient, "+919800000012").await, 900);
    assert_eq!(recorded(client, "+919800000013").await, 300);
}

/// Now in Asia/Kolkata (UTC+05:30).
use common::{campaigns_named, launch};

/// Loses the answer (or the request) of `op` on the first launch, then launches again: one
/// campaign, started.
async fn launch_resumes_after(flow: CampaignFlow, op: &'static str, what: Lose, step: LaunchStep) {
    let sim = sim().await;
    let t = Losing::new();
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    // A sender that waits 400 s, so that what each run records can be told apart.
    let client = client_waiting(400, &sim, t.clone(), journal.clone());
    let name = format!("{op} {what:?}");

    t.lose(op, what);
    let e = client
        .campaigns()
        .launch(launch(flow, &name))
        .await
        .unwrap_err();
    assert_eq!(e.step(), Some(step), "{e}");
    assert_eq!(journal.pending_launches().await.unwrap().len(), 1);
    let before = campaigns_named(&client, &name).await;

    // A lost request leaves nothing to find, and the request may still be carried out (a
    // server that received it late): until its time is up the launch sends nothing.
    let client = if what == Lose::Request {
        let e = client
            .campaigns()
            .launch(launch(flow, &name))
            .await
            .unwrap_err();
        let error = e.error().unwrap();
        assert_eq!(error.kind(), ErrorKind::TooEarly, "{e}");
        assert!(
            error.to_string().contains("may still be carried out until"),
            "{e}"
        );
        let hint = error.hint().unwrap_or_default();
        assert!(hint.contains(" again after "), "{hint}");
        assert!(!error.to_string().contains(" again after "), "{e}");
        // A minute later, a run whose own wait is shorter still waits for the time the sender
        // recorded.
        time_passes(journal.as_ref(), chrono::Duration::minutes(1)).await;
        let hasty = client_waiting(10, &sim, t.clone(), journal.clone());
        let e = hasty.campaigns().launch(launch(flow, &name)).await;
        let kind = e.unwrap_err().error().map(|e| e.kind());
        assert_eq!(kind, Some(ErrorKind::TooEarly));
        assert_eq!(
            campaigns_named(&client, &name).await,
            before,
            "nothing sent"
        );
        settling_client(&sim, t.clone(), journal.clone()).await
    } else {
        client
    };
    let outcome = client
        .campaigns()
        .launch(launch(flow, &name))
        .await
        .unwrap();
    let statuses = campaigns_named(&client, &name).await;
    assert_eq!(statuses.len(), 1, "one campaign: {statuses:?}");
    assert_ne!(statuses[0], "draft", "{statuses:?}");
    assert!(journal.pending_launches().await.unwrap().is_empty());
    // The record holds the wait of the run that sent last: the settling client's default
    // 300 s after a lost request, the sender's own 400 s when it resumed itself.
    let entry = journal.launch_for_list(&outcome.list_id).await.unwrap();
    let secs = if what == Lose::Request { 300 } else { 400 };
    assert_eq!(entry.unwrap().settle_after, Some(Duration::from_secs(secs)));
    let resumed = matches!(outcome.responses, LaunchResponses::Resumed(_));
    // Only a lost upload request leaves nothing to resume from.
    let uploaded =
        !(what == Lose::Request && step != LaunchStep::Start && step != LaunchStep::StartLarge);
    assert_eq!(resumed, uploaded, "{:?}", outcome.responses);

    // The same launch once more sends nothing: it was started.
    let again = client
        .campaigns()
        .launch(launch(flow, &name))
        .await
        .unwrap();
    let LaunchResponses::Resumed(r) = &again.responses else {
        panic!("{:?}", again.responses)
    };
    assert!(r.already_started());
    assert_eq!(campaigns_named(&client, &name).await.len(), 1);
}

/// A file of three contacts (the common one has two), so that two lists can be told apart.
const THREE: &str = "Mobile Number,Name,Company\n+919876543210,Asha,Acme\n\
                     +919876543211,Ravi,Acme\n+919876543212,Meera,Acme\n";

/// Two launches of one name, with two contact counts (2 and 3).
fn two_launches(name: &str) -> [(ringg_api::campaigns::LaunchRequest, u64); 2] {
    [
        (launch(CampaignFlow::Standard, name), 2),
        (common::launch_of(CampaignFlow::Standard, name, THREE), 3),
    ]
}

/// Asserts that `request` resumes (or, `fresh`, uploads) a list of `contacts` contacts.
async fn launches_list_of(
    client: &Client,
    request: ringg_api::campaigns::LaunchRequest,
    contacts: u64,
    fresh: bool,
) {
    let name = request.campaign.campaign_name.clone();
    let outcome = client.campaigns().launch(request).await.unwrap();
    let resumed = matches!(outcome.responses, LaunchResponses::Resumed(_));
    assert_eq!(resumed, !fresh, "{:?}", outcome.responses);
    let campaign = client
        .campaigns()
        .find_list(&outcome.list_id, Some(&name))
        .await;
    let total = campaign.unwrap().unwrap().total_contacts;
    assert_eq!(total, Some(contacts), "{:?}", outcome.list_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_launches_of_one_name_in_two_journals_whose_uploads_were_lost_each_find_their_own_list()
{
    // Two machines, each with its own journal: neither knows the other's launch.
    let sim = sim().await;
    let t = Losing::new();
    let journals: [Arc<dyn Journal>; 2] = [
        Arc::new(MemoryJournal::new()),
        Arc::new(MemoryJournal::new()),
    ];
    let clients = journals.clone().map(|j| client(&sim, t.clone(), j));
    let name = "one name";
    for ((request, _), client) in two_launches(name).into_iter().zip(&clients) {
        t.lose("saveCampaign", Lose::Answer);
        let e = client.campaigns().launch(request).await.unwrap_err();
        assert_eq!(e.step(), Some(LaunchStep::Save), "{e}");
        // Two launches are some time apart.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Run again, each finds the list its own upload made (the first is not the newest).
    for ((request, contacts), client) in two_launches(name).into_iter().zip(&clients) {
        launches_list_of(client, request, contacts, false).await;
    }
    assert_eq!(campaigns_named(&clients[0], name).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_does_not_upload_while_another_of_its_name_may_have_left_a_list_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteJournal::open(dir.path().join("journal.db"), "s").unwrap();
    for journal in [
        Arc::new(MemoryJournal::new()) as Arc<dyn Journal>,
        Arc::new(sqlite),
    ] {
        launch_waits_for_other_of_its_name(journal).await;
    }
}

async fn launch_waits_for_other_of_its_name(journal: Arc<dyn Journal>) {
    let sim = sim().await;
    let t = Losing::new();
    let client = client(&sim, t.clone(), journal.clone());
    let name = "one name";
    let [(first, two), (second, three)] = two_launches(name);

    t.lose("saveCampaign", Lose::Answer);
    let e = client.campaigns().launch(first.clone()).await.unwrap_err();
    assert_eq!(e.step(), Some(LaunchStep::Save), "{e}");
    // Another file of that name: its list could be taken for the first one's, so it is not
    // uploaded, and its record does not hold up later launches.
    let e = client.campaigns().launch(second.clone()).await.unwrap_err();
    assert_eq!(e.step(), Some(LaunchStep::Save), "{e}");
    let error = e.error().unwrap();
    assert_eq!(error.kind(), ErrorKind::TooEarly, "{e}");
    assert!(
        error
            .to_string()
            .contains("another launch named \"one name\""),
        "{e}"
    );
    assert!(
        error.hint().unwrap_or_default().contains("another name"),
        "{e}"
    );
    assert_eq!(
        campaigns_named(&client, name).await.len(),
        1,
        "nothing sent"
    );
    let pending = journal.pending_launches().await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");

    // Once the first launch found its list, the second one goes ahead.
    launches_list_of(&client, first, two, false).await;
    launches_list_of(&client, second, three, true).await;
    assert_eq!(campaigns_named(&client, name).await.len(), 2);
    assert!(journal.pending_launches().await.unwrap().is_empty());
}

/// Another file launched under the name and assistant of a launch whose start was sent and
/// not answered (the first file saved again, say) sends nothing while that launch is not
/// finished: both campaigns would call the contacts the files share. Once it is finished, the
/// other file goes ahead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_file_of_the_name_waits_while_a_launch_of_it_is_unfinished() {
    let sim = sim().await;
    let (t, journal, client) = with_memory_journal(&sim);
    let name = "one name";
    let [(first, two), (second, three)] = two_launches(name);
    t.lose("startCampaignV2", Lose::Answer);
    let e = client.campaigns().launch(first.clone()).await.unwrap_err();
    assert_eq!(e.step(), Some(LaunchStep::Start), "{e}");
    let e = client.campaigns().launch(second.clone()).await.unwrap_err();
    let error = e.error().unwrap();
    assert_eq!(error.kind(), ErrorKind::TooEarly, "{e}");
    assert!(
        error
            .to_string()
            .contains("another launch named \"one name\" of another file")
            && error.to_string().contains("is not finished"),
        "{e}"
    );
    assert!(
        error
            .hint()
            .unwrap_or_default()
            .contains("finish that launch"),
        "{e}"
    );
    assert_eq!(
        campaigns_named(&client, name).await.len(),
        1,
        "nothing sent"
    );
    // Run again once its start can no longer be carried out, the first launch finishes; then
    // the other file is launched.
    time_passes(journal.as_ref(), chrono::Duration::minutes(30)).await;
    launches_list_of(&client, first, two, false).await;
    launches_list_of(&client, second, three, true).await;
    assert_eq!(campaigns_named(&client, name).await.len(), 2);
}

/// A launch whose list was deleted elsewhere (in the dashboard) while it was unfinished is
/// settled by `resume` or `discard` finding the list gone, so it no longer holds up another
/// file of its name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_whose_list_is_gone_is_settled_by_resume_or_discard() {
    let sim = sim().await;
    let (t, journal, client) = with_memory_journal(&sim);
    for (name, by_discard) in [("gone one", false), ("gone two", true)] {
        let [(first, _), (second, three)] = two_launches(name);
        // The start never arrives: the list stays a draft, which can be deleted.
        t.lose("startCampaignV2", Lose::Request);
        let e = client.campaigns().launch(first).await.unwrap_err();
        let list_id = e.list_id().unwrap().clone();
        client.calls().delete_contact_list(&list_id).await.unwrap();
        let held = client.campaigns().launch(second.clone()).await.unwrap_err();
        assert_eq!(held.error().map(|e| e.kind()), Some(ErrorKind::TooEarly));
        if by_discard {
            let e = client.campaigns().discard(&list_id).await.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
            assert!(e.to_string().contains("marked discarded"), "{e}");
        } else {
            let e = client
                .campaigns()
                .resume(&list_id, PollOptions::default())
                .await
                .unwrap_err();
            assert!(e.to_string().contains("no longer exists"), "{e}");
        }
        assert!(journal.pending_launches().await.unwrap().is_empty());
        launches_list_of(&client, second, three, true).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_upload_does_not_take_a_later_list_of_its_name_when_run_again_with_a_longer_wait() {
    let sim = sim().await;
    let (t, journal, client) = with_memory_journal(&sim);
    let name = "one name";
    let [(first, _), (second, three)] = two_launches(name);
    // The first upload never arrived; long after, another file of the name is uploaded and
    // its answer is lost.
    t.lose("saveCampaign", Lose::Request);
    client.campaigns().launch(first.clone()).await.unwrap_err();
    time_passes(journal.as_ref(), chrono::Duration::minutes(26)).await;
    t.lose("saveCampaign", Lose::Answer);
    client.campaigns().launch(second.clone()).await.unwrap_err();
    assert_eq!(campaigns_named(&client, name).await.len(), 1);
    // The first launch run again by a client that waits a day of its own: the list that
    // appeared is past the first upload's recorded wait, so it is not taken (the run waits).
    let patient = client_waiting(86_400, &sim, t.clone(), journal.clone());
    let e = patient.campaigns().launch(first).await.unwrap_err();
    assert_eq!(
        e.error().map(|e| e.kind()),
        Some(ErrorKind::TooEarly),
        "{e}"
    );
    let statuses = campaigns_named(&client, name).await;
    assert_eq!(
        statuses,
        ["draft"],
        "not started with the first launch's settings"
    );
    // The second launch finds its own list.
    launches_list_of(&client, second, three, false).await;
}

/// A memory journal whose first two reads of the pending launches, once made, wait for each
/// other (for up to five seconds) before they are answered: neither launch goes on before the
/// other has read, so neither read sees what the other writes after it.
fn meeting() -> HookedJournal {
    let reads = Arc::new(AtomicUsize::new(0));
    let meet = Arc::new(tokio::sync::Barrier::new(2));
    HookedJournal {
        after_pending_launches: Some(Arc::new(move || {
            let (reads, meet) = (reads.clone(), meet.clone());
            Box::pin(async move {
                if reads.fetch_add(1, Ordering::SeqCst) < 2 {
                    let _ = tokio::time::timeout(Duration::from_secs(5), meet.wait()).await;
                }
            })
        })),
        ..HookedJournal::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_launches_of_one_name_checking_at_once_do_not_both_upload() {
    let sim = sim().await;
    let journal: Arc<dyn Journal> = Arc::new(meeting());
    let client = client(&sim, Losing::new(), journal.clone());
    let name = "at once";
    let [(a, _), (b, _)] = two_launches(name);
    let campaigns = client.campaigns();
    // Each reads what is pending before the other goes on: never do both upload lists that
    // could be taken for each other's.
    let (a, b) = tokio::join!(campaigns.launch(a), campaigns.launch(b));
    let uploaded = [a, b]
        .into_iter()
        .filter(|r| match r {
            Ok(_) => true,
            Err(e) => {
                let kind = e.error().map(|e| e.kind());
                assert_eq!(kind, Some(ErrorKind::TooEarly), "{e}");
                false
            }
        })
        .count();
    assert!(uploaded <= 1);
    assert_eq!(campaigns_named(&client, name).await.len(), uploaded);
    assert!(journal.pending_launches().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_of_a_name_whose_other_lost_upload_is_long_past_goes_ahead() {
    let sim = sim().await;
    let (t, journal, client) = with_memory_journal(&sim);
    let name = "one name";
    let [(first, _), (second, three)] = two_launches(name);

    t.lose("saveCampaign", Lose::Answer);
    client.campaigns().launch(first).await.unwrap_err();
    // Past the first upload's wait and the clocks' slack, the lists cannot be confused.
    time_passes(journal.as_ref(), chrono::Duration::minutes(26)).await;
    launches_list_of(&client, second, three, true).await;
    // A little earlier, they could.
    let (late, _) = &two_launches("another name")[1];
    t.lose("saveCampaign", Lose::Answer);
    client.campaigns().launch(late.clone()).await.unwrap_err();
    time_passes(journal.as_ref(), chrono::Duration::minutes(24)).await;
    let (other, _) = &two_launches("another name")[0];
    let e = client.campaigns().launch(other.clone()).await.unwrap_err();
    assert_eq!(
        e.error().map(|e| e.kind()),
        Some(ErrorKind::TooEarly),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standard_launch_resumes_after_each_lost_answer() {
    launch_resumes_after(
        CampaignFlow::Standard,
        "saveCampaign",
        Lose::Answer,
        LaunchStep::Save,
    )
    .await;
    launch_resumes_after(
        CampaignFlow::Standard,
        "saveCampaign",
        Lose::Request,
        LaunchStep::Save,
    )
    .await;
    launch_resumes_after(
        CampaignFlow::Standard,
        "startCampaignV2",
        Lose::Answer,
        LaunchStep::Start,
    )
    .await;
    launch_resumes_after(
        CampaignFlow::Standard,
        "startCampaignV2",
        Lose::Request,
        LaunchStep::Start,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_launch_resumes_after_each_lost_answer() {
    launch_resumes_after(
        CampaignFlow::Large,
        "uploadLargeCampaignCsv",
        Lose::Answer,
        LaunchStep::UploadCsv,
    )
    .await;
    launch_resumes_after(
        CampaignFlow::Large,
        "uploadLargeCampaignCsv",
        Lose::Request,
        LaunchStep::UploadCsv,
    )
    .await;
    launch_resumes_after(
        CampaignFlow::Large,
        "startLargeCampaign",
        Lose::Answer,
        LaunchStep::StartLarge,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_and_discard_work_from_the_list_id() {
    let sim = sim().await;
    let t = Losing::new();
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    // A sender that waits 400 s, so that what each run records can be told apart.
    let client = client_waiting(400, &sim, t.clone(), journal.clone());

    t.lose("startCampaignV2", Lose::Request);
    let e = client
        .campaigns()
        .launch(launch(CampaignFlow::Standard, "to resume"))
        .await
        .unwrap_err();
    let list_id = e.list_id().unwrap().clone();
    // The start may still be carried out: resume waits for its time.
    let e = client
        .campaigns()
        .resume(&list_id, PollOptions::default())
        .await
        .unwrap_err();
    assert_eq!(
        e.error().map(|e| e.kind()),
        Some(ErrorKind::TooEarly),
        "{e}"
    );
    // A minute later, a run with a shorter timeout still waits for the sender's 400 s.
    time_passes(journal.as_ref(), chrono::Duration::minutes(1)).await;
    let hasty = client_waiting(10, &sim, t.clone(), journal.clone());
    let e = hasty
        .campaigns()
        .resume(&list_id, PollOptions::default())
        .await;
    let kind = e.unwrap_err().error().map(|e| e.kind());
    assert_eq!(kind, Some(ErrorKind::TooEarly));
    let client = settling_client(&sim, t.clone(), journal.clone()).await;
    let r = client
        .campaigns()
        .resume(&list_id, PollOptions::default())
        .await
        .unwrap();
    assert!(!r.resumed.already_started());
    assert_eq!(r.resumed.found, Some(LaunchStage::Starting));
    // The resuming run sent the start again, and recorded its own wait.
    let entry = journal.launch_for_list(&list_id).await.unwrap().unwrap();
    assert_eq!(entry.settle_after, Some(Duration::from_secs(300)));
    assert_ne!(
        campaigns_named(&client, "to resume").await,
        vec!["draft".to_string()]
    );
    // A started campaign is not discarded.
    let e = client.campaigns().discard(&list_id).await.unwrap_err();
    assert!(e.to_string().contains("not a draft"), "{e}");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);

    t.lose("startCampaignV2", Lose::Request);
    let e = client
        .campaigns()
        .launch(launch(CampaignFlow::Standard, "to discard"))
        .await
        .unwrap_err();
    let draft = e.list_id().unwrap().clone();
    assert_eq!(
        campaigns_named(&client, "to discard").await,
        vec!["draft".to_string()]
    );
    client.campaigns().discard(&draft).await.unwrap();
    assert!(campaigns_named(&client, "to discard").await.is_empty());
    // Gone: a second discard finds no campaign.
    let e = client.campaigns().discard(&draft).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.is_not_found() && e.status().is_none(), "{e}");
    assert!(journal.pending_launches().await.unwrap().is_empty());
    let e = client
        .campaigns()
        .resume(&draft, PollOptions::default())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no launch of list"), "{e}");
}

fn intent(reference: &str) -> CallIntent {
    CallIntent {
        reference: reference.into(),
        operation: "initiateCallV2".into(),
        agent_id: AgentId::new(demo::AGENT_ID),
        to_number: "+919876543210".into(),
        caller: format!("number_pool_id:{}", demo::NUMBER_POOL_ID),
        recorded_at: Utc::now(),
        settle_after: None,
    }
}

#[tokio::test]
async fn the_sqlite_journal_survives_a_reopen_and_keeps_scopes_apart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    {
        let j = SqliteJournal::open(&path, "a").unwrap();
        j.put_call(&CallEntry::new(intent("rr-1"))).await.unwrap();
        let mut done = CallEntry::new(intent("rr-2"));
        done.outcome = Some(CallOutcome::NotPlaced);
        j.put_call(&done).await.unwrap();
    }
    let a = SqliteJournal::open(&path, "a").unwrap();
    let pending = a.pending_calls().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].intent.reference, "rr-1");
    assert_eq!(pending[0].intent.to_number, "+919876543210");
    assert_eq!(
        a.call("rr-2").await.unwrap().unwrap().outcome,
        Some(CallOutcome::NotPlaced)
    );
    let b = SqliteJournal::open(&path, "b").unwrap();
    assert!(b.pending_calls().await.unwrap().is_empty());
    assert!(b.call("rr-1").await.unwrap().is_none());
}

/// Each write reaches the database file itself, not only its write-ahead log: a copy of the
/// file made without its `-wal` while the journal is open (a backup, a synced state folder; or
/// the `-wal` lost after a crash) still holds the latest entries.
#[tokio::test]
async fn the_sqlite_journal_file_alone_holds_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let j = SqliteJournal::open(&path, "a").unwrap();
    j.put_call(&CallEntry::new(intent("rr-1"))).await.unwrap();
    let mut placed = CallEntry::new(intent("rr-2"));
    placed.outcome = Some(CallOutcome::Placed {
        call_id: CallId::new("c-2"),
    });
    j.put_call(&placed).await.unwrap();
    let copy = dir.path().join("copy.sqlite3");
    std::fs::copy(&path, &copy).unwrap();
    assert!(!dir.path().join("copy.sqlite3-wal").exists());
    let c = SqliteJournal::open(&copy, "a").unwrap();
    let pending = c.pending_calls().await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].intent.reference, "rr-1");
    assert_eq!(
        c.call("rr-2").await.unwrap().unwrap().outcome,
        placed.outcome
    );
    drop(j);
}

/// After a key rotation the old key's entries move to the new key's scope: a journal opened
/// for the new key sees them (and is stopped by them); one the new scope already holds under
/// the same reference stays as it is, and other scopes are untouched.
#[tokio::test]
async fn entries_move_to_the_scope_of_a_rotated_key() {
    use ringg_api::journal::journal_scope;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let base = "https://prod-api.ringg.ai/ca/api/v0";
    let (old, new) = (journal_scope(base, "key-1"), journal_scope(base, "key-2"));
    let old_journal = SqliteJournal::open(&path, old.clone()).unwrap();
    for r in ["rr-1", "rr-2"] {
        old_journal
            .put_call(&CallEntry::new(intent(r)))
            .await
            .unwrap();
    }
    let other = SqliteJournal::open(&path, "another server").unwrap();
    other
        .put_call(&CallEntry::new(intent("rr-3")))
        .await
        .unwrap();
    let new_journal = SqliteJournal::open(&path, new.clone()).unwrap();
    let mut held = CallEntry::new(intent("rr-2"));
    held.outcome = Some(CallOutcome::NotPlaced);
    new_journal.put_call(&held).await.unwrap();

    assert_eq!(old_journal.move_entries_to(&new).await.unwrap(), 1);
    let pending: Vec<_> = new_journal
        .pending_calls()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.intent.reference)
        .collect();
    assert_eq!(pending, ["rr-1"]);
    assert_eq!(
        new_journal.call("rr-2").await.unwrap().unwrap().outcome,
        Some(CallOutcome::NotPlaced),
        "the new scope's own entry stays"
    );
    assert_eq!(
        old_journal.call("rr-2").await.unwrap().unwrap().outcome,
        None
    );
    assert!(old_journal.call("rr-1").await.unwrap().is_none());
    assert_eq!(other.pending_calls().await.unwrap().len(), 1);
    let refused = new_journal
        .put_call_unless_pending(&CallEntry::new(intent("rr-4")))
        .await
        .unwrap();
    assert_eq!(refused.map(|c| c.intent.reference).as_deref(), Some("rr-1"));
}

/// An earlier version kept a scope's base URL as it was given: the entries one server got
/// under another spelling (scheme and host in capitals, a default port, a trailing slash) are
/// seen by a journal opened for that server, and other servers and keys stay apart.
#[tokio::test]
async fn entries_under_another_spelling_of_the_same_server_are_seen() {
    use ringg_api::journal::journal_scope;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let scope = journal_scope("https://prod-api.ringg.ai/ca/api/v0", "key-1");
    let fingerprint = scope.rsplit_once(" key:").unwrap().1.to_owned();
    let earlier = |url: &str, fp: &str| format!("{url} key:{fp}");
    for (i, other) in [
        earlier("HTTPS://Prod-API.ringg.ai:443/ca/api/v0", &fingerprint),
        earlier("https://prod-api.ringg.ai/ca/api/v0/ ", &fingerprint),
        earlier("https://staging.ringg.ai/ca/api/v0", &fingerprint),
        earlier("https://prod-api.ringg.ai/ca/api/v0", "0000000000000000"),
    ]
    .iter()
    .enumerate()
    {
        let j = SqliteJournal::open(&path, other.as_str()).unwrap();
        j.put_call(&CallEntry::new(intent(&format!("rr-{i}"))))
            .await
            .unwrap();
    }
    let j = SqliteJournal::open(&path, scope.as_str()).unwrap();
    let mut seen: Vec<String> = j
        .pending_calls()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.intent.reference)
        .collect();
    seen.sort();
    assert_eq!(seen, ["rr-0", "rr-1"]);
    // The client writes its scope the same way, whichever spelling it is given.
    assert_eq!(
        journal_scope(" HTTPS://Prod-API.ringg.ai:443/ca/api/v0/", "key-1"),
        scope
    );

    // An entry both spellings hold stays where it is, and opening the journal then only
    // reads: it opens while another process holds the write lock.
    let other = earlier("https://PROD-API.ringg.ai/ca/api/v0", &fingerprint);
    let shadowed = SqliteJournal::open(&path, other.as_str()).unwrap();
    shadowed
        .put_call(&CallEntry::new(intent("rr-0")))
        .await
        .unwrap();
    drop(shadowed);
    let writer = rusqlite::Connection::open(&path).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let opened = SqliteJournal::open(&path, scope.as_str());
    writer.execute_batch("ROLLBACK").unwrap();
    assert!(opened.is_ok(), "{:?}", opened.err());
}

/// A base URL's password is not written into the journal's file: its scope holds a
/// fingerprint in its place, one per password, and the entries an earlier version kept under
/// the password itself are seen.
#[tokio::test]
async fn a_base_url_password_is_kept_as_a_fingerprint_and_earlier_entries_are_seen() {
    use ringg_api::journal::journal_scope;
    let url = "https://user:pa55-SECRET@proxy.example/ca/api/v0";
    let scope = journal_scope(url, "key-1");
    assert!(!scope.contains("pa55-SECRET"), "{scope}");
    assert!(scope.starts_with("https://user:sha256-"), "{scope}");
    // A password that only looks like a fingerprint is fingerprinted too.
    let lookalike = journal_scope("https://user:sha256-plain-pw@proxy.example/x", "key-1");
    assert!(!lookalike.contains("plain-pw"), "{lookalike}");
    assert_ne!(
        journal_scope("https://user:other@proxy.example/ca/api/v0", "key-1"),
        scope
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let fingerprint = scope.rsplit_once(" key:").unwrap().1.to_owned();
    {
        let earlier = SqliteJournal::open(&path, format!("{url} key:{fingerprint}")).unwrap();
        earlier
            .put_call(&CallEntry::new(intent("rr-pw")))
            .await
            .unwrap();
    }
    let j = SqliteJournal::open(&path, scope.as_str()).unwrap();
    let seen: Vec<String> = j
        .pending_calls()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.intent.reference)
        .collect();
    assert_eq!(seen, ["rr-pw"]);
    drop(j);
    let file = std::fs::read(&path).unwrap();
    let wal = std::fs::read(dir.path().join("journal.sqlite3-wal")).unwrap_or_default();
    for bytes in [&file, &wal] {
        assert!(
            !bytes.windows(11).any(|w| w == b"pa55-SECRET"),
            "the password is still in the journal's files"
        );
    }
}

#[test]
fn a_damaged_journal_is_reported_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.sqlite3");
    std::fs::write(&garbage, vec![0x5a_u8; 64 * 1024]).unwrap();
    let e = SqliteJournal::open(&garbage, "s").unwrap_err();
    assert!(matches!(e, JournalError::Damaged { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("move it aside") && msg.contains("garbage.sqlite3"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read(&garbage).unwrap(),
        vec![0x5a_u8; 64 * 1024],
        "left as it was"
    );

    // A real journal whose pages were overwritten in the middle.
    let torn = dir.path().join("torn.sqlite3");
    {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let j = SqliteJournal::open(&torn, "s").unwrap();
        rt.block_on(async {
            for i in 0..500 {
                j.put_call(&CallEntry::new(intent(&format!("rr-{i}"))))
                    .await
                    .unwrap();
            }
        });
    }
    // Opening and closing the last connection folds the write-ahead log into the file; then
    // damage the pages past the first.
    drop(SqliteJournal::open(&torn, "s").unwrap());
    let mut bytes = std::fs::read(&torn).unwrap();
    assert!(bytes.len() > 3 * 4096, "{}", bytes.len());
    for b in &mut bytes[4096 + 100..3 * 4096] {
        *b = 0xff;
    }
    std::fs::write(&torn, bytes).unwrap();
    let _ = std::fs::remove_file(torn.with_extension("sqlite3-wal"));
    let _ = std::fs::remove_file(torn.with_extension("sqlite3-shm"));
    let result = SqliteJournal::open(&torn, "s").map(|_| ());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let read = match result {
        Err(e) => Err(e),
        Ok(()) => rt.block_on(async {
            SqliteJournal::open(&torn, "s")?
                .pending_calls()
                .await
                .map(drop)
        }),
    };
    let e = read.unwrap_err();
    assert!(matches!(e, JournalError::Damaged { .. }), "{e:?}");
}

/// A journal whose file was emptied (a crash while it was copied or restored, a truncation)
/// has lost the calls it held: it is reported as damaged and left as it is, not taken for a
/// new journal under which every one of those calls could be made again. A journal the client
/// makes is never an empty file, and nothing is left beside it.
#[tokio::test]
async fn an_emptied_journal_is_reported_not_started_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    {
        let j = SqliteJournal::open(&path, "s").unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 0, "made whole");
        j.put_call(&CallEntry::new(intent("rr-1"))).await.unwrap();
    }
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(dir.path()), ["journal.sqlite3"]);
    // What a process killed while making one left behind goes when one is made, unless it
    // is recent (another process may be making its own).
    std::fs::remove_file(&path).unwrap();
    let left = |name: &str, age_secs: u64| {
        let file = std::fs::File::create(dir.path().join(name)).unwrap();
        let at = std::time::SystemTime::now() - std::time::Duration::from_secs(age_secs);
        file.set_modified(at).unwrap();
    };
    left(".ringg-journal-old.new", 7_200);
    left(".ringg-journal-old.new-wal", 7_200);
    left(".ringg-journal-now.new", 5);
    drop(SqliteJournal::open(&path, "s").unwrap());
    assert_eq!(
        names(dir.path()),
        [".ringg-journal-now.new", "journal.sqlite3"]
    );
    // One that grew old is found by a later open of the existing journal.
    left(".ringg-journal-now.new", 7_200);
    drop(SqliteJournal::open(&path, "s").unwrap());
    assert_eq!(names(dir.path()), ["journal.sqlite3"]);
    std::fs::File::create(&path).unwrap();
    for _ in 0..2 {
        let e = SqliteJournal::open(&path, "s").unwrap_err();
        assert!(matches!(e, JournalError::Damaged { .. }), "{e:?}");
        assert!(
            e.to_string().contains("empty") && e.to_string().contains("move it aside"),
            "{e}"
        );
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0, "left as it was");
    }
}

/// The child side of [`two_processes_write_at_once_and_lose_nothing`]: does nothing unless run
/// by it.
#[tokio::test]
async fn journal_writer_child() {
    let (Ok(path), Ok(tag)) = (
        std::env::var("RINGG_JOURNAL_CHILD_PATH"),
        std::env::var("RINGG_JOURNAL_CHILD_TAG"),
    ) else {
        return;
    };
    let j = SqliteJournal::open(&path, "shared").unwrap();
    for i in 0..200 {
        j.put_call(&CallEntry::new(intent(&format!("rr-{tag}-{i}"))))
            .await
            .unwrap();
    }
}

#[test]
fn two_processes_write_at_once_and_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    // Created first, so both children open an existing journal.
    drop(SqliteJournal::open(&path, "shared").unwrap());
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["a", "b"]
        .iter()
        .map(|tag| {
            std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "journal_writer_child",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("RINGG_JOURNAL_CHILD_PATH", &path)
                .env("RINGG_JOURNAL_CHILD_TAG", tag)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let pending = rt.block_on(async {
        SqliteJournal::open(&path, "shared")
            .unwrap()
            .pending_calls()
            .await
            .unwrap()
    });
    assert_eq!(pending.len(), 400);
    for tag in ["a", "b"] {
        for i in 0..200 {
            let r = format!("rr-{tag}-{i}");
            assert!(pending.iter().any(|p| p.intent.reference == r), "{r} lost");
        }
    }
}

#[test]
fn processes_opening_a_new_journal_at_once_all_get_it() {
    // Several `ringg` commands started together on a machine without a journal yet race for
    // the file's switch to WAL; each must open it (SQLite answers the switch "locked" without
    // waiting, so open tries again).
    const OPENERS: usize = 16;
    for _ in 0..100 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite3");
        let start = Arc::new(std::sync::Barrier::new(OPENERS));
        let opened: Vec<_> = (0..OPENERS)
            .map(|i| {
                let (path, start) = (path.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    SqliteJournal::open(&path, format!("scope-{i}"))
                })
            })
            .collect();
        for o in opened {
            if let Err(e) = o.join().unwrap() {
                panic!("a concurrent open failed: {e}");
            }
        }
    }
}

/// A SQLite journal in `dir` and a memory journal, for what holds in both.
fn sqlite_and_memory(dir: &std::path::Path) -> [Arc<dyn Journal>; 2] {
    let sqlite = SqliteJournal::open(dir.join("journal.sqlite3"), "s").unwrap();
    [Arc::new(sqlite), Arc::new(MemoryJournal::new())]
}

/// `calls_since` returns the entries recorded since a time, settled or not, oldest first, in
/// the memory and the SQLite journal alike; a journal's default returns only pending ones.
#[tokio::test]
async fn calls_since_returns_settled_and_pending_entries_recorded_since() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    for journal in sqlite_and_memory(dir.path()) {
        let mut old = CallEntry::new(intent("rr-old"));
        old.intent.recorded_at = now - chrono::TimeDelta::hours(2);
        old.outcome = Some(CallOutcome::Placed {
            call_id: "c-old".into(),
        });
        journal.put_call(&old).await.unwrap();
        let mut placed = CallEntry::new(intent("rr-placed"));
        placed.intent.recorded_at = now - chrono::TimeDelta::minutes(5);
        placed.outcome = Some(CallOutcome::Placed {
            call_id: "c-placed".into(),
        });
        journal.put_call(&placed).await.unwrap();
        let mut pending = CallEntry::new(intent("rr-pending"));
        pending.intent.recorded_at = now - chrono::TimeDelta::minutes(1);
        journal.put_call(&pending).await.unwrap();
        let since: Vec<String> = journal
            .calls_since(now - chrono::TimeDelta::hours(1))
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.intent.reference)
            .collect();
        assert_eq!(since, ["rr-placed", "rr-pending"], "{journal:?}");
    }
}

/// A client reference used again for another call: an earlier call under it that is pending
/// (to whoever) stops the new one instead of being replaced, which would forget a call that
/// may have been placed; and a reference used again after the hour is looked up by its newest
/// use, so a third call to that recipient within the hour is refused. In the memory and the
/// SQLite journal alike.
#[tokio::test]
async fn a_client_reference_used_again_does_not_make_the_journal_forget_a_call() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let hour_ago = now - chrono::TimeDelta::hours(1);
    for journal in sqlite_and_memory(dir.path()) {
        let pending = CallEntry::new(intent("order-42"));
        journal.put_call(&pending).await.unwrap();
        let mut elsewhere = CallEntry::new(intent("order-42"));
        elsewhere.intent.to_number = "+919876543211".into();
        let refused = journal.put_call_unless_pending(&elsewhere).await.unwrap();
        assert_eq!(refused, Some(pending.clone()), "{journal:?}");
        let refused = journal
            .put_call_unless_called(&elsewhere, hour_ago)
            .await
            .unwrap();
        assert_eq!(refused, Some(pending.clone()), "{journal:?}");
        assert_eq!(journal.pending_calls().await.unwrap(), [pending]);

        let placed = |reference: &str, to: &str, minutes_ago: i64| {
            let mut e = CallEntry::new(intent(reference));
            e.intent.to_number = to.into();
            e.intent.recorded_at = now - chrono::TimeDelta::minutes(minutes_ago);
            e.outcome = Some(CallOutcome::Placed {
                call_id: format!("c-{reference}-{minutes_ago}").as_str().into(),
            });
            e
        };
        let to = "+919876543212";
        journal.put_call(&placed("order-7", to, 61)).await.unwrap();
        // An hour later, the same reference is used for a new call to them: allowed.
        let again = placed("order-7", to, 1);
        let allowed = journal
            .put_call_unless_called(&again, hour_ago)
            .await
            .unwrap();
        assert_eq!(allowed, None, "{journal:?}");
        let third = CallEntry::new(CallIntent {
            to_number: to.into(),
            ..intent("order-8")
        });
        let refused = journal
            .put_call_unless_called(&third, hour_ago)
            .await
            .unwrap();
        assert_eq!(refused, Some(again), "{journal:?}");
    }
}

/// A call entry the SQLite journal cannot read (damaged, or written by a newer version) could
/// be a pending call to the recipient: the guarded write fails and records nothing, rather than
/// reading past it and letting the call be sent; a call to another recipient still goes.
#[tokio::test]
async fn an_unreadable_call_entry_stops_a_guarded_call() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let journal = SqliteJournal::open(&path, "s").unwrap();
    journal
        .put_call(&CallEntry::new(intent("rr-newer")))
        .await
        .unwrap();
    let writer = rusqlite::Connection::open(&path).unwrap();
    let changed = writer
        .execute(
            "UPDATE ringg_journal_calls SET entry = replace(entry, '\"outcome\":null', \
             '\"outcome\":{\"outcome\":\"a_newer_kind\"}') WHERE reference = 'rr-newer'",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(writer);
    let next = CallEntry::new(intent("rr-next"));
    for result in [
        journal.put_call_unless_pending(&next).await,
        journal
            .put_call_unless_called(&next, Utc::now() - chrono::TimeDelta::hours(1))
            .await,
    ] {
        let e = result.unwrap_err();
        assert!(
            e.to_string().contains("cannot read") && e.to_string().contains("nothing was recorded"),
            "{e}"
        );
    }
    assert_eq!(journal.call("rr-next").await.unwrap(), None);
    let mut elsewhere = CallEntry::new(intent("rr-elsewhere"));
    elsewhere.intent.to_number = "+919876543299".into();
    assert_eq!(
        journal.put_call_unless_pending(&elsewhere).await.unwrap(),
        None
    );
}

/// A list whose upload answer was lost, discarded by its id, ends its launch in the journal
/// (which knew no list id for it): another file of its name launches at once instead of
/// waiting for that launch to settle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discarding_the_list_of_a_lost_upload_ends_its_launch() {
    use futures::TryStreamExt;
    let sim = sim().await;
    let (t, journal, client) = with_memory_journal(&sim);
    let name = "one name";
    let [(first, _), (second, three)] = two_launches(name);
    t.lose("saveCampaign", Lose::Answer);
    client.campaigns().launch(first).await.unwrap_err();
    let lists: Vec<ringg_api::types::ListId> = client
        .campaigns()
        .stream(ringg_api::types::campaigns::ListCampaignsQuery::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.name.as_deref() == Some(name))
        .map(|c| ringg_api::types::ListId::new(c.id.as_str()))
        .collect();
    assert_eq!(lists.len(), 1);
    assert_eq!(journal.pending_launches().await.unwrap().len(), 1);
    client.campaigns().discard(&lists[0]).await.unwrap();
    assert!(journal.pending_launches().await.unwrap().is_empty());
    launches_list_of(&client, second, three, true).await;
    assert_eq!(campaigns_named(&client, name).await.len(), 1);
}

/// `initiate_unless_called` refuses, in the step that would record it, a call to a recipient
/// the journal shows placed within the window (another process's call settled after this
/// one's own check), in the memory and the SQLite journal alike; one placed before the window
/// does not stop it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_placed_within_the_window_stops_another_to_the_same_recipient() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteJournal::open(dir.path().join("journal.sqlite3"), "s").unwrap();
    for journal in [
        Arc::new(MemoryJournal::new()) as Arc<dyn Journal>,
        Arc::new(sqlite),
    ] {
        let sim = sim().await;
        let client = client(&sim, Losing::new(), journal.clone());
        let to = "+919876512345";
        // Placed by another process a minute ago.
        let placed = client.calls().initiate(call(to)).await.unwrap();
        let mut earlier = journal.call(&placed.reference).await.unwrap().unwrap();
        earlier.intent.recorded_at = Utc::now() - chrono::TimeDelta::minutes(1);
        journal.put_call(&earlier).await.unwrap();
        let hour = Duration::from_secs(3600);
        let e = client
            .calls()
            .initiate_unless_called(call(to), hour)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert_eq!(e.client_reference(), Some(placed.reference.as_str()));
        assert!(e.to_string().contains("was already called"), "{e}");
        assert_eq!(calls_to(&sim, to).len(), 1, "nothing was sent");
        // With a window that ends after it, it is placed.
        client
            .calls()
            .initiate_unless_called(call(to), Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(calls_to(&sim, to).len(), 2);
    }
}
