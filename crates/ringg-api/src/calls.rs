//! Calls: initiate (v1 and v2), history, details, history download, contact-list deletion,
//! and the helpers no other voice SDK has: duplicate-safe initiation with
//! [`reconcile`](Calls::reconcile), and [`wait_for_terminal`](Calls::wait_for_terminal).

use std::time::Duration;

use futures::{Stream, StreamExt};
use ringg_types::calls::{
    CallDetails, CallDetailsResponse, CallHistoryQuery, CallHistoryResponse, CallRecord,
    DeleteContactListResponse, DownloadCallHistoryQuery, InitiateCallRequest, InitiateCallResponse,
};
use ringg_types::enums::CallStatus;
use ringg_types::ids::{CallId, ListId};
use ringg_types::operations::{self as ops, Operation};
use serde_json::Value;

use crate::client::Client;
use crate::deadline::answer_deadline;
use crate::decode::decode;
use crate::error::{Error, ErrorKind};
use crate::journal::{CallEntry, CallIntent, CallOutcome, caller_text};
use crate::lists::query_stream;
use crate::pagination::MAX_PAGE_SIZE;
use crate::request_path::json_body;
use guard::{Guard, refused_for};

mod guard;
mod outcomes;
mod reconcile;
mod reference;
mod settle;
mod unknowns;
pub use outcomes::{HistoryDownload, PlacedCall};
pub use reconcile::ReconcileQuery;
pub use reference::{CLIENT_REFERENCE_KEY, new_client_reference, reference_in, reference_time};
pub(crate) use unknowns::RecentUnknowns;

/// Polling settings for [`Calls::wait_for_terminal_with`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitOptions {
    /// First delay between polls (default 1 s).
    pub initial_interval: Duration,
    /// Longest delay between polls (default 10 s).
    pub max_interval: Duration,
    /// Growth of the delay per poll (default 1.5).
    pub multiplier: f64,
    /// Give up after this long (default 30 min).
    pub timeout: Duration,
    /// Ask for `platform_analysis` and `client_analysis` (default true).
    pub send_analysis: bool,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
            multiplier: 1.5,
            timeout: Duration::from_secs(30 * 60),
            send_analysis: true,
        }
    }
}

/// One initiation [`Calls::settle_pending`] looked at.
#[derive(Debug)]
pub struct Settlement {
    /// The journal entry (with its new outcome when settled).
    pub entry: CallEntry,
    /// The outcome recorded, or why it could not be settled now (it stays pending).
    pub result: Result<CallOutcome, Error>,
}

/// `client.calls()`.
#[derive(Debug, Clone)]
pub struct Calls<'a> {
    client: &'a Client,
}

impl Calls<'_> {
    /// The client these calls go through.
    pub(crate) fn client(&self) -> &Client {
        self.client
    }
}

impl Client {
    /// Call endpoints.
    pub fn calls(&self) -> Calls<'_> {
        Calls { client: self }
    }
}

impl Calls<'_> {
    /// A fresh client reference, as [`new_client_reference`], that also records how long this
    /// client may wait on the call it is made for (`rr-<uuid>-<secs>s`): a
    /// [`reconcile`](Self::reconcile) by any client without the journal entry waits at least
    /// that long. What [`initiate`](Self::initiate) sets when the request carries none.
    pub fn new_reference(&self) -> String {
        reference::reference_waiting(self.client.recorded_wait())
    }

    /// `POST /calling/v2/outbound/individual`: places one call (caller: a number pool, a number
    /// id, or a number).
    ///
    /// The request gets a client reference in `custom_args_values`
    /// ([`new_reference`](Self::new_reference); kept if you set one under
    /// [`CLIENT_REFERENCE_KEY`]). The request is never resent after an ambiguous failure; you
    /// get [`ErrorKind::OutcomeUnknown`] with [`Error::client_reference`] set; pass it to
    /// [`reconcile`](Self::reconcile).
    pub async fn initiate(&self, request: InitiateCallRequest) -> Result<PlacedCall, Error> {
        self.place(&ops::INITIATE_CALL_V2, request, Guard::None)
            .await
    }

    /// [`initiate`](Self::initiate), unless the [journal](crate::journal) holds a pending
    /// initiation to the same recipient for the same assistant (it may have been placed): then
    /// nothing is sent, and the error ([`ErrorKind::InvalidInput`]) names its reference. The
    /// check and the write are one step (`Journal::put_call_unless_pending`), so two
    /// processes calling one recipient at once do not both send. Without a journal it is
    /// `initiate`.
    pub async fn initiate_unless_pending(
        &self,
        request: InitiateCallRequest,
    ) -> Result<PlacedCall, Error> {
        self.place(&ops::INITIATE_CALL_V2, request, Guard::Pending)
            .await
    }

    /// [`initiate_unless_pending`](Self::initiate_unless_pending), also refusing when the
    /// journal shows a call to the same recipient for the same assistant placed within
    /// `within` (recorded since then, by this machine's clock): a command run again after its
    /// call was placed does not call them twice. The error ([`ErrorKind::InvalidInput`]) names
    /// the earlier call's reference; the check and the write are one step
    /// (`Journal::put_call_unless_called`). Without a journal it is `initiate`.
    pub async fn initiate_unless_called(
        &self,
        request: InitiateCallRequest,
        within: std::time::Duration,
    ) -> Result<PlacedCall, Error> {
        let guard = Guard::called_within(within);
        self.place(&ops::INITIATE_CALL_V2, request, guard).await
    }

    /// `POST /calling/outbound/individual` (deprecated by Ringg in favour of
    /// [`initiate`](Self::initiate)). Refuses v2-only fields before sending.
    pub async fn initiate_v1(&self, request: InitiateCallRequest) -> Result<PlacedCall, Error> {
        if !request.is_v1_compatible() {
            return Err(Error::invalid_input(
                "the v1 endpoint knows no number pools, voice_id, version_id, call_category or parent_call_id",
            )
            .with_hint("use the v2 endpoint (Calls::initiate) instead")
            .with_operation(ops::INITIATE_CALL.id));
        }
        self.place(&ops::INITIATE_CALL, request, Guard::None).await
    }

    /// [`initiate_v1`](Self::initiate_v1) with [`initiate_unless_pending`](Self::initiate_unless_pending)'s check.
    pub async fn initiate_v1_unless_pending(
        &self,
        request: InitiateCallRequest,
    ) -> Result<PlacedCall, Error> {
        if !request.is_v1_compatible() {
            return self.initiate_v1(request).await;
        }
        self.place(&ops::INITIATE_CALL, request, Guard::Pending)
            .await
    }

    /// [`initiate_v1`](Self::initiate_v1) with [`initiate_unless_called`](Self::initiate_unless_called)'s check.
    pub async fn initiate_v1_unless_called(
        &self,
        request: InitiateCallRequest,
        within: std::time::Duration,
    ) -> Result<PlacedCall, Error> {
        if !request.is_v1_compatible() {
            return self.initiate_v1(request).await;
        }
        let guard = Guard::called_within(within);
        self.place(&ops::INITIATE_CALL, request, guard).await
    }

    async fn place(
        &self,
        op: &'static Operation,
        mut request: InitiateCallRequest,
        guard: Guard,
    ) -> Result<PlacedCall, Error> {
        let args = request
            .custom_args_values
            .get_or_insert_with(serde_json::Map::new);
        let reference = match args.get(CLIENT_REFERENCE_KEY).and_then(Value::as_str) {
            Some(r) if !r.is_empty() => r.to_string(),
            _ => {
                let r = self.new_reference();
                args.insert(CLIENT_REFERENCE_KEY.into(), Value::String(r.clone()));
                r
            }
        };
        let body = json_body(op.id, &request)?;
        let journal = self.client.journal();
        let mut entry = None;
        if let Some(journal) = journal {
            let e = CallEntry::new(CallIntent {
                reference: reference.clone(),
                operation: op.id.to_string(),
                agent_id: request.agent_id.clone(),
                to_number: request.mobile_number.to_string(),
                caller: caller_text(&request.caller),
                recorded_at: chrono::Utc::now(),
                settle_after: Some(self.client.recorded_wait()),
            });
            // On disk before the request leaves; a journal that cannot be written stops it.
            let earlier = match guard {
                Guard::None => journal.put_call(&e).await.map(|()| None),
                Guard::Pending => journal.put_call_unless_pending(&e).await,
                Guard::CalledSince(since) => journal.put_call_unless_called(&e, since).await,
            }
            .map_err(|j| Error::journal(j).with_operation(op.id))?;
            if let Some(p) = earlier {
                return Err(refused_for(p).with_operation(op.id));
            }
            entry = Some(e);
        }
        // A settler rules the initiation out once its recorded wait has passed since it was
        // recorded: the request must be over by then, even if the journal's write waited.
        let answer_by = entry
            .as_ref()
            .and_then(|e| Some((e.intent.recorded_at, e.intent.settle_after?)));
        // The callback's secrets masked in an error, and so in the journal's record of it.
        let sent = self.send_initiation(op, body, &reference, answer_by).await;
        let result = sent.map_err(|e| outcomes::masking_callback(e, &request));
        if journal.is_none() && result.as_ref().is_err_and(Error::is_outcome_unknown) {
            self.client.recent_unknowns().record(&reference);
        }
        if let (Some(journal), Some(e)) = (journal, entry) {
            let e = e.with_outcome(match &result {
                Ok(placed) => CallOutcome::Placed {
                    call_id: placed.call_id.clone(),
                },
                Err(err) if err.kind() == ErrorKind::OutcomeUnknown => CallOutcome::Unknown {
                    reason: err.to_string(),
                },
                Err(err) => CallOutcome::Refused {
                    reason: err.to_string(),
                },
            });
            if let Err(j) = journal.put_call(&e).await {
                // The entry stays pending: settle_pending finds the call through reconcile.
                tracing::warn!(
                    target: "ringg_api::journal",
                    reference = %reference,
                    "could not record the outcome of a call initiation: {j}"
                );
            }
        }
        result
    }

    async fn send_initiation(
        &self,
        op: &'static Operation,
        body: ringg_transport::Body,
        reference: &str,
        answer_by: Option<(chrono::DateTime<chrono::Utc>, std::time::Duration)>,
    ) -> Result<PlacedCall, Error> {
        let mut req = self.client.request(op, &[])?;
        req.body = body;
        if let Some((recorded_at, wait)) = answer_by {
            let what = format!("the initiation with client reference {reference}");
            let end =
                answer_deadline(recorded_at, wait, &what).map_err(|e| e.with_operation(op.id))?;
            req.limits.deadline = Some(req.limits.deadline.map_or(end, |d| d.min(end)));
        }
        let request_id = req.request_id;
        // An unreadable 2xx answer is outcome-unknown: the call was probably placed.
        let sent = self
            .client
            .send_decoded_with_head::<InitiateCallResponse>(req);
        let (response, call_id) = match sent.await {
            Ok((response, head)) => match response.call_id().cloned() {
                Some(call_id) => (response, call_id),
                None => {
                    return Err(self.client.masked(
                        outcomes::no_call_id(&response, reference)
                            .with_operation(op.id)
                            .with_answer_ids(request_id, &head),
                    ));
                }
            },
            // An answer naming its call, with a field of a shape not foreseen: placed.
            Err(e) => outcomes::salvaged_answer(&e)
                .ok_or_else(|| e.with_client_reference(reference.to_string()))?,
        };
        Ok(PlacedCall {
            call_id,
            reference: reference.to_string(),
            response,
        })
    }

    /// `GET /calling/history`: one page. `limit` defaults to 10 and `offset` to 0 when unset
    /// (always sent explicitly).
    pub async fn history(&self, query: &CallHistoryQuery) -> Result<CallHistoryResponse, Error> {
        let mut q = query.clone();
        q.limit = Some(q.limit.unwrap_or(10).clamp(1, MAX_PAGE_SIZE));
        q.offset = Some(q.offset.unwrap_or(0));
        self.client.query_op(&ops::LIST_CALL_HISTORY, &[], &q).await
    }

    /// Every call matching `query`, fetched lazily page by page (`limit` = page size, default
    /// 100; `offset` = where to start). Stops on a short page or at `total` (a `"many"` total
    /// is treated as unknown).
    pub fn history_stream(
        &self,
        query: CallHistoryQuery,
    ) -> impl Stream<Item = Result<CallRecord, Error>> + Send + 'static {
        query_stream(self.client, query, |client, q| async move {
            client.calls().history(&q).await
        })
    }

    /// `GET /calling/call-details?id=…&send_analysis=…`.
    pub async fn details(&self, id: &CallId, send_analysis: bool) -> Result<CallDetails, Error> {
        let query = vec![
            ("id".to_string(), id.as_str().to_string()),
            ("send_analysis".to_string(), send_analysis.to_string()),
        ];
        let resp: CallDetailsResponse = self
            .client
            .pairs_op(&ops::GET_CALL_DETAILS, &[], query)
            .await?;
        Ok(resp.data)
    }

    /// `POST /calling/history/download`: the export file, or Ringg's message when it emails
    /// the report instead.
    pub async fn download_history(
        &self,
        query: &DownloadCallHistoryQuery,
    ) -> Result<HistoryDownload, Error> {
        let op = &ops::DOWNLOAD_CALL_HISTORY;
        let mut req = self.client.request(op, &[])?;
        req.query = query_pairs(op.id, query)?;
        let request_id = req.request_id;
        let resp = self.client.send_raw(req).await?;
        let content_type = resp
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/json"))
        {
            let msg: ringg_types::common::MessageResponse = decode(op.id, resp.status, resp.body)
                // Not idempotent (the report may have been emailed): the outcome is unknown.
                .map_err(|e| {
                    self.client.masked(
                        e.with_answer_ids(request_id, &resp.headers)
                            .unread_answer_is_unknown(),
                    )
                })?;
            return Ok(HistoryDownload::Emailed(msg.message.unwrap_or_default()));
        }
        let file_name = resp
            .headers
            .get(http::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(outcomes::content_disposition_file_name);
        Ok(HistoryDownload::File {
            content_type,
            file_name,
            bytes: resp.body,
        })
    }

    /// `DELETE /calling/contact/{list_id}`.
    pub async fn delete_contact_list(
        &self,
        list_id: &ListId,
    ) -> Result<DeleteContactListResponse, Error> {
        self.client
            .get_op(&ops::DELETE_CONTACT_LIST, &[("list_id", list_id.as_str())])
            .await
    }

    /// Finds the call placed with a client reference, after an outcome-unknown failure.
    ///
    /// Scans the history the query covers (calls since [`since`](ReconcileQuery::since), by
    /// default [`ReconcileQuery::start`], of [`agent_id`](ReconcileQuery::agent_id) when given) for
    /// a row whose `custom_args_values` carries the reference; rows that do not echo
    /// `custom_args_values` (or echo an empty map) are checked through call details (only those to
    /// [`to_number`](ReconcileQuery::to_number) when given). Returns `None` when no call there
    /// carries it: if the call was initiated within that part of the history, it was not
    /// placed, and placing it again cannot create a duplicate; a narrower query rules out only
    /// what it covers. A call whose details do not show its variables either (Ringg documents
    /// them in neither answer) cannot be ruled out: when the search meets one and finds no
    /// other, it fails with [`ErrorKind::Unverifiable`], naming such calls. A call that is
    /// missing but whose request may still be answered is [`ErrorKind::TooEarly`] instead: one whose initiation or ambiguous failure the client's
    /// [journal](crate::journal) (or, without one, this client) recorded less than
    /// [`settle_after`](crate::ClientBuilder::settle_after) (or the longer wait the sender
    /// recorded in the journal) ago; failing that, one whose reference
    /// ([`new_client_reference`] makes them) was made less than twice that ago (or twice the
    /// longer wait a reference made by [`new_reference`](Self::new_reference) records). A
    /// reference of your own records no time: reconciled by another client, such a call is
    /// ruled out as soon as it is missing. Those waits are counted to when the search began (a
    /// call made while it ran may be missing from the pages it read), and the journal is read
    /// again once the search is over: a call it records as placed that the history searched
    /// does not show (though the search covered its assistant, number and time) is
    /// [`ErrorKind::Unverifiable`], not ruled out. A `since` in the future is refused
    /// ([`ErrorKind::InvalidInput`]). A search that scans [`max_rows`](ReconcileQuery::max_rows)
    /// rows without finding it fails with [`ErrorKind::SearchLimit`]: the call may still exist.
    pub async fn reconcile(
        &self,
        query: impl Into<ReconcileQuery>,
    ) -> Result<Option<CallRecord>, Error> {
        let mut q = query.into();
        // Read first for the time it records; a journal that cannot be read fails only a
        // reconcile that does not find the call.
        let entry = match self.client.journal() {
            Some(journal) => journal.call(&q.reference).await.map_err(Error::journal),
            None => Ok(None),
        };
        let sent = entry
            .as_ref()
            .ok()
            .and_then(Option::as_ref)
            .map(|e| e.intent.recorded_at);
        q.since = Some(q.start(sent));
        // A call made while the search ran may be missing from the pages it read: what is
        // ruled out is ruled out as of its start.
        let searched_at = chrono::Utc::now();
        if let Some(found) = self.search(&q).await? {
            return Ok(Some(found));
        }
        let mut entry = entry?;
        // Not found; but the request may still be answered, and its sender may have recorded
        // its answer (or an ambiguous failure, which waits longer) while the search ran.
        if let (Some(journal), Some(read)) = (self.client.journal(), &entry)
            && !read.is_settled()
        {
            // Gone from a journal that lists others' entries only while they are pending (the
            // fleet's): the entry read before still tells how long to wait.
            let now = journal.call(&q.reference).await.map_err(Error::journal)?;
            entry = now.or(entry);
        }
        // A call the journal records as placed is not ruled out by a search that covered it.
        if let Some(call_id) = entry
            .as_ref()
            .filter(|e| q.covers(&e.intent))
            .and_then(|e| e.outcome.as_ref()?.call_id().cloned())
        {
            return Err(Error::unverifiable(format!(
                "the call with reference {} is not in the history searched, but the journal records it as placed (call {call_id})",
                q.reference
            ))
            .with_hint(format!(
                "it was placed: do not place it again; read call {call_id} by its id (call details)"
            )));
        }
        let failed = self.client.recent_unknowns().failed_at(&q.reference);
        let recorded = reconcile::sender_wait(&q.reference, entry.as_ref(), failed);
        let wait = self.client.settle_wait(recorded);
        reconcile::not_yet(&q.reference, entry.as_ref(), failed, wait, searched_at)
            .map_or(Ok(None), Err)
    }

    /// The history search of [`reconcile`](Self::reconcile), without its journal check.
    async fn search(&self, q: &ReconcileQuery) -> Result<Option<CallRecord>, Error> {
        if q.reference.trim().is_empty() {
            return Err(Error::invalid_input(
                "reconcile needs a non-empty client reference",
            ));
        }
        let since = q.start(None);
        if since.to_utc() > chrono::Utc::now() {
            return Err(Error::invalid_input(format!(
                "reconcile's search would start in the future ({since}): it could find nothing, which would not show that the call was not placed"
            )));
        }
        // An end too: Ringg's schema gives `end_date` a stale default (a fixed day in 2025),
        // which, were it applied, would hide every call since.
        let end = chrono::Utc::now() + chrono::Duration::days(1);
        let hq = CallHistoryQuery {
            start_date: Some(since),
            end_date: Some(ringg_types::common::Timestamp::from_datetime(&end)),
            agent_id: q.agent_id.clone(),
            limit: Some(MAX_PAGE_SIZE),
            ..CallHistoryQuery::default()
        };
        let stream = self.history_stream(hq);
        futures::pin_mut!(stream);
        let mut scanned = 0u64;
        // Calls that may be the one: neither their history row nor their details showed
        // their variables.
        let mut unchecked: Vec<CallId> = Vec::new();
        while let Some(row) = stream.next().await {
            let row = row?;
            scanned += 1;
            // An empty map is no echo (every call this SDK places carries its reference):
            // call details are asked, as for a row without the variables.
            if let Some(args) = row.custom_args_values.as_ref().filter(|a| !a.is_empty()) {
                if reference_in(Some(args)) == Some(q.reference.as_str()) {
                    return Ok(Some(row));
                }
            } else if q
                .to_number
                .as_deref()
                .is_none_or(|n| reconcile::may_be_same_number(row.to_number.as_deref(), n))
            {
                let details = self.details(&row.id, false).await?;
                match details.custom_args_values.as_ref() {
                    Some(args) if reference_in(Some(args)) == Some(q.reference.as_str()) => {
                        return Ok(Some(row));
                    }
                    // Shown (an empty map is a call placed without variables): not ours.
                    Some(_) => {}
                    // Not shown at all, as Ringg's documented call details have it.
                    None => unchecked.push(row.id.clone()),
                }
            }
            if scanned >= q.max_rows {
                return Err(Error::search_limit(format!(
                    "the search for reference {:?} stopped after {scanned} history rows without finding it",
                    q.reference
                )));
            }
        }
        if unchecked.is_empty() {
            Ok(None)
        } else {
            Err(
                Error::unverifiable(reconcile::unverifiable_message(&q.reference, &unchecked))
                    .with_client_reference(q.reference.clone()),
            )
        }
    }

    /// Polls call details until the call is `completed`, `failed`, `error`, `cancelled` or
    /// `forwarded` (`retry` counts as pending), with the default [`WaitOptions`]. A call held
    /// back (its window, `scheduled_at`, a retry) is logged at `info` level and named in a
    /// timeout as "queued until 09:00 (window, …)" ([`CallDetails::queued`]).
    pub async fn wait_for_terminal(&self, id: &CallId) -> Result<CallDetails, Error> {
        self.wait_for_terminal_with(id, WaitOptions::default())
            .await
    }

    /// [`wait_for_terminal`](Self::wait_for_terminal) with custom polling settings.
    pub async fn wait_for_terminal_with(
        &self,
        id: &CallId,
        options: WaitOptions,
    ) -> Result<CallDetails, Error> {
        let mut schedule = crate::poll::Schedule::new(
            options.initial_interval,
            options.max_interval,
            options.multiplier,
            options.timeout,
        );
        let mut last_queued = None;
        loop {
            let details = self.details(id, options.send_analysis).await?;
            if details
                .call_status
                .as_ref()
                .is_some_and(CallStatus::is_terminal)
            {
                return Ok(details);
            }
            let queued = details.queued();
            if queued.is_some() && queued != last_queued {
                if let Some(q) = &queued {
                    tracing::info!(call_id = %id, "call {id} is {q}");
                }
                last_queued = queued.clone();
            }
            if schedule.is_over() {
                let state = match &queued {
                    Some(q) => q.to_string(),
                    None => details
                        .call_status
                        .as_ref()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| "without status".into()),
                };
                return Err(Error::timeout(format!(
                    "call {id} is still {state} after {:.0} s",
                    options.timeout.as_secs_f64()
                ))
                .with_operation(ops::GET_CALL_DETAILS.id));
            }
            schedule.wait().await;
        }
    }
}

/// Kept under its old name for code that still reaches it here; it lives in `request_path`.
#[allow(unused_imports)]
pub(crate) use crate::request_path::query_pairs;
