//! Termination: stop queued calls (`registered` or `retry`) of an assistant, a campaign, some
//! calls or some numbers. Completed and in-progress calls are never touched.
//!
//! ```no_run
//! use ringg_api::Client;
//! use ringg_api::types::termination::TerminateRequest;
//! use ringg_api::types::CampaignId;
//!
//! # async fn run() -> Result<(), ringg_api::Error> {
//! let client = Client::from_env()?;
//! client
//!     .termination()
//!     .terminate(&TerminateRequest::ByCampaign {
//!         campaign_id: CampaignId::new("0b52ca2b-7767-4cb5-ac4c-b2a4f892a856"),
//!     })
//!     .await?;
//! # Ok(()) }
//! ```

use std::ops::Range;

use ringg_types::operations::{self as ops, Operation};
use ringg_types::termination::{
    MAX_TERMINATE_ITEMS, TerminateQuery, TerminateRequest, TerminateRequestError, TerminateResponse,
};

use crate::client::Client;
use crate::error::Error;
use crate::request_path::{json_body, query_pairs};

/// `client.termination()`.
#[derive(Debug, Clone)]
pub struct Termination<'a> {
    client: &'a Client,
}

impl Client {
    /// Termination endpoints.
    pub fn termination(&self) -> Termination<'_> {
        Termination { client: self }
    }
}

/// One request of [`Termination::terminate_all_in_chunks`].
#[derive(Debug)]
pub struct TerminateChunk {
    /// Which items of the original list this request carried.
    pub items: Range<usize>,
    /// Ringg's answer.
    pub result: Result<TerminateResponse, Error>,
}

impl TerminateChunk {
    /// True when Ringg answered that this chunk had nothing left to stop (400 "No
    /// terminable calls found"): its calls had already finished or were never queued.
    pub fn found_nothing(&self) -> bool {
        match &self.result {
            Err(e) => is_nothing_to_terminate(e),
            Ok(_) => false,
        }
    }
}

/// The outcome of [`Termination::terminate_all_in_chunks`]: one entry per request sent, in
/// order. Every chunk is sent even when an earlier one fails (termination is idempotent).
#[derive(Debug, Default)]
pub struct ChunkedTermination {
    /// The requests sent.
    pub chunks: Vec<TerminateChunk>,
}

impl ChunkedTermination {
    /// True when every chunk either succeeded or had nothing left to stop.
    pub fn is_success(&self) -> bool {
        self.chunks
            .iter()
            .all(|c| c.result.is_ok() || c.found_nothing())
    }

    /// The chunks that failed for another reason than "nothing to stop".
    pub fn failures(&self) -> impl Iterator<Item = &TerminateChunk> {
        self.chunks
            .iter()
            .filter(|c| c.result.is_err() && !c.found_nothing())
    }
}

/// True for Ringg's 400 "No terminable calls found for the specified parameters".
pub fn is_nothing_to_terminate(error: &Error) -> bool {
    error.status() == Some(http::StatusCode::BAD_REQUEST)
        && error
            .message()
            .to_ascii_lowercase()
            .contains("no terminable calls")
}

impl Termination<'_> {
    /// `PATCH /campaign/terminate`: stops the queued calls selected by `request`.
    ///
    /// Lists hold 1 to 100 items, checked before sending (split bigger lists with
    /// [`terminate_all_in_chunks`](Self::terminate_all_in_chunks)). Ringg answers 400 when
    /// nothing was left to stop ([`is_nothing_to_terminate`]).
    pub async fn terminate(&self, request: &TerminateRequest) -> Result<TerminateResponse, Error> {
        self.terminate_with(request, TerminateQuery::default())
            .await
    }

    /// [`terminate`](Self::terminate) with the query flag `terminate_all_calls`, which Ringg
    /// accepts with the numbers-only mode ([`TerminateRequest::ByNumbers`]) only.
    pub async fn terminate_with(
        &self,
        request: &TerminateRequest,
        query: TerminateQuery,
    ) -> Result<TerminateResponse, Error> {
        let op = &ops::TERMINATE_CALLS;
        if query.terminate_all_calls.is_some()
            && !matches!(request, TerminateRequest::ByNumbers { .. })
        {
            return Err(Error::invalid_input(
                "terminate_all_calls can only be combined with the numbers-only mode (TerminateRequest::ByNumbers)",
            )
            .with_operation(op.id));
        }
        self.send(op, request, &query).await
    }

    /// Like [`terminate`](Self::terminate), but splits a list of call ids or numbers longer
    /// than 100 into requests of at most 100 and sends them one after another. Modes
    /// without a list (assistant, campaign) are sent as one request.
    ///
    /// Returns an error only for input refused before sending (an empty list); the answer
    /// of each request is in the returned [`ChunkedTermination`].
    pub async fn terminate_all_in_chunks(
        &self,
        request: &TerminateRequest,
    ) -> Result<ChunkedTermination, Error> {
        self.in_chunks(request, false).await
    }

    /// [`terminate_all_in_chunks`](Self::terminate_all_in_chunks) on the older dedicated
    /// paths of [`terminate_legacy`](Self::terminate_legacy).
    pub async fn terminate_legacy_all_in_chunks(
        &self,
        request: &TerminateRequest,
    ) -> Result<ChunkedTermination, Error> {
        self.in_chunks(request, true).await
    }

    async fn in_chunks(
        &self,
        request: &TerminateRequest,
        legacy: bool,
    ) -> Result<ChunkedTermination, Error> {
        let chunks = split(request);
        if chunks.is_empty() {
            let op = if legacy {
                legacy_operation(request)
            } else {
                &ops::TERMINATE_CALLS
            };
            return Err(limit_error(op, request.validate().err()));
        }
        let mut out = ChunkedTermination::default();
        for (items, chunk) in chunks {
            let result = if legacy {
                self.terminate_legacy(&chunk).await
            } else {
                self.send(&ops::TERMINATE_CALLS, &chunk, &TerminateQuery::default())
                    .await
            };
            out.chunks.push(TerminateChunk { items, result });
        }
        Ok(out)
    }

    /// The older dedicated paths (`/campaign/terminate/agent`, `/calls`,
    /// `/campaign-numbers`, `/numbers`), which earlier documentation listed and the newest
    /// replaces with [`terminate`](Self::terminate). Deprecated: use them only against a
    /// server that lacks the generic path. The whole-campaign mode never had a dedicated path
    /// and goes to `/campaign/terminate`.
    pub async fn terminate_legacy(
        &self,
        request: &TerminateRequest,
    ) -> Result<TerminateResponse, Error> {
        self.send(
            legacy_operation(request),
            request,
            &TerminateQuery::default(),
        )
        .await
    }

    async fn send(
        &self,
        op: &'static Operation,
        request: &TerminateRequest,
        query: &TerminateQuery,
    ) -> Result<TerminateResponse, Error> {
        if let Err(e) = request.validate() {
            return Err(limit_error(op, Some(e)));
        }
        let body = json_body(op.id, request)?;
        let query = query_pairs(op.id, query)?;
        self.client.call_op(op, &[], query, body).await
    }
}

/// The older dedicated path of a termination mode.
fn legacy_operation(request: &TerminateRequest) -> &'static Operation {
    match request {
        TerminateRequest::ByAgent { .. } => &ops::TERMINATE_BY_AGENT,
        TerminateRequest::ByCallIds { .. } => &ops::TERMINATE_BY_CALL_IDS,
        TerminateRequest::ByCampaignNumbers { .. } => &ops::TERMINATE_BY_CAMPAIGN_NUMBERS,
        TerminateRequest::ByNumbers { .. } => &ops::TERMINATE_BY_NUMBERS,
        _ => &ops::TERMINATE_CALLS,
    }
}

fn limit_error(op: &'static Operation, e: Option<TerminateRequestError>) -> Error {
    let (msg, hint) = match e {
        Some(TerminateRequestError::TooMany { field, len }) => (
            format!(
                "`{field}` has {len} items but one terminate request takes at most {MAX_TERMINATE_ITEMS}"
            ),
            Some("split the list, e.g. with termination().terminate_all_in_chunks"),
        ),
        Some(TerminateRequestError::Empty { field }) => (
            format!("`{field}` is empty"),
            Some("pass at least one item"),
        ),
        Some(other) => (other.to_string(), None),
        None => ("the terminate request is empty".to_string(), None),
    };
    let e = Error::invalid_input(msg).with_operation(op.id);
    match hint {
        Some(hint) => e.with_hint(hint),
        None => e,
    }
}

/// The requests of at most 100 items that together cover `request`; empty when a list is
/// empty.
fn split(request: &TerminateRequest) -> Vec<(Range<usize>, TerminateRequest)> {
    fn ranges(len: usize) -> Vec<Range<usize>> {
        (0..len)
            .step_by(MAX_TERMINATE_ITEMS)
            .map(|s| s..(s + MAX_TERMINATE_ITEMS).min(len))
            .collect()
    }
    match request {
        TerminateRequest::ByCallIds { call_ids } => ranges(call_ids.len())
            .into_iter()
            .map(|r| {
                let chunk = TerminateRequest::ByCallIds {
                    call_ids: call_ids[r.clone()].to_vec(),
                };
                (r, chunk)
            })
            .collect(),
        TerminateRequest::ByNumbers { mobile_numbers } => ranges(mobile_numbers.len())
            .into_iter()
            .map(|r| {
                let chunk = TerminateRequest::ByNumbers {
                    mobile_numbers: mobile_numbers[r.clone()].to_vec(),
                };
                (r, chunk)
            })
            .collect(),
        TerminateRequest::ByCampaignNumbers {
            campaign_id,
            mobile_numbers,
        } => ranges(mobile_numbers.len())
            .into_iter()
            .map(|r| {
                let chunk = TerminateRequest::ByCampaignNumbers {
                    campaign_id: campaign_id.clone(),
                    mobile_numbers: mobile_numbers[r.clone()].to_vec(),
                };
                (r, chunk)
            })
            .collect(),
        other => vec![(0..1, other.clone())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringg_types::ids::CallId;

    #[test]
    fn split_into_hundreds() {
        let ids = |n: usize| TerminateRequest::ByCallIds {
            call_ids: (0..n).map(|i| CallId::new(format!("c{i}"))).collect(),
        };
        let parts = split(&ids(250));
        assert_eq!(
            parts.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(),
            vec![0..100, 100..200, 200..250]
        );
        for (_, p) in &parts {
            p.validate().unwrap();
        }
        assert_eq!(split(&ids(100)).len(), 1);
        assert!(split(&ids(0)).is_empty());
    }
}
