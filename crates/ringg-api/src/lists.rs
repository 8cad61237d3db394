//! The list endpoints as streams: [`ListPage`] for each list response, and [`list_stream`],
//! the one generic stream every `stream`/`*_stream` method delegates to.

use std::future::Future;

use futures::Stream;
use ringg_types::assistants::{AssistantList, AssistantSummary};
use ringg_types::calls::{CallHistoryQuery, CallHistoryResponse, CallRecord};
use ringg_types::campaigns::{Campaign, CampaignListResponse, ListCampaignsQuery};
use ringg_types::numbers::{NumbersResponse, WorkspaceNumber};
use ringg_types::workspace::{WorkspaceUser, WorkspaceUsersResponse};

use crate::client::Client;
use crate::error::Error;
use crate::pagination::{ListPage, MAX_PAGE_SIZE, paginate};

/// Streams a list endpoint from `start` in pages of `limit` rows (clamped to 1–100):
/// `fetch(client, offset, limit)` reads one page. The client's page cap applies; `max_offset`
/// is the largest offset the endpoint can be asked for.
pub(crate) fn list_stream<P, F, Fut>(
    client: &Client,
    start: u64,
    limit: u32,
    max_offset: u64,
    fetch: F,
) -> impl Stream<Item = Result<P::Item, Error>> + Send + 'static
where
    P: ListPage + 'static,
    P::Item: PartialEq + Clone + Send + 'static,
    F: Fn(Client, u64, u32) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    let client = client.clone();
    let max_pages = client.max_pages();
    paginate(start, limit, max_pages, max_offset, move |offset, limit| {
        fetch(client.clone(), offset, limit)
    })
}

/// A list query that carries its own `offset` and `limit` (both `u32`).
pub(crate) trait OffsetQuery: Clone + Send + Sync + 'static {
    /// The query's `(offset, limit)`.
    fn window(&self) -> (Option<u32>, Option<u32>);
    /// The same query for one page.
    fn page(&self, offset: u32, limit: u32) -> Self;
}

/// Streams a list endpoint whose query carries the offset and limit: from the query's
/// `offset`, in pages of its `limit` (default 100); `fetch(client, query)` reads one page.
pub(crate) fn query_stream<Q, P, F, Fut>(
    client: &Client,
    query: Q,
    fetch: F,
) -> impl Stream<Item = Result<P::Item, Error>> + Send + 'static
where
    Q: OffsetQuery,
    P: ListPage + 'static,
    P::Item: PartialEq + Clone + Send + 'static,
    F: Fn(Client, Q) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    let (offset, limit) = query.window();
    let start = u64::from(offset.unwrap_or(0));
    let limit = limit.unwrap_or(MAX_PAGE_SIZE);
    list_stream(
        client,
        start,
        limit,
        u64::from(u32::MAX),
        move |client, offset, limit| {
            let offset = u32::try_from(offset).unwrap_or(u32::MAX);
            fetch(client, query.page(offset, limit))
        },
    )
}

/// `OffsetQuery` for query structs with `offset` and `limit` fields.
macro_rules! offset_query {
    ($($query:ty),*) => {$(
        impl OffsetQuery for $query {
            fn window(&self) -> (Option<u32>, Option<u32>) {
                (self.offset, self.limit)
            }

            fn page(&self, offset: u32, limit: u32) -> Self {
                Self {
                    offset: Some(offset),
                    limit: Some(limit),
                    ..self.clone()
                }
            }
        }
    )*};
}

offset_query!(CallHistoryQuery, ListCampaignsQuery);

impl ListPage for CallHistoryResponse {
    type Item = CallRecord;

    /// `total`; a `"many"` total counts as unknown.
    fn total(&self) -> Option<u64> {
        self.total.as_ref().and_then(|t| t.count())
    }

    /// `limit` echoed.
    fn page_limit(&self) -> Option<u64> {
        self.limit
    }

    fn into_items(self) -> Vec<CallRecord> {
        self.calls
    }

    fn row_id(item: &CallRecord) -> Option<&str> {
        Some(item.id.as_str())
    }
}

impl ListPage for CampaignListResponse {
    type Item = Campaign;

    /// `pagination.total`.
    fn total(&self) -> Option<u64> {
        self.pagination
            .as_ref()
            .and_then(|p| p.total.as_ref())
            .and_then(|t| t.count())
    }

    /// `pagination.limit`.
    fn page_limit(&self) -> Option<u64> {
        self.pagination.as_ref().and_then(|p| p.limit)
    }

    fn into_items(self) -> Vec<Campaign> {
        self.campaigns
    }

    fn row_id(item: &Campaign) -> Option<&str> {
        Some(item.id.as_str())
    }
}

impl ListPage for AssistantList {
    type Item = AssistantSummary;

    fn into_items(self) -> Vec<AssistantSummary> {
        self.agents
    }

    fn row_id(item: &AssistantSummary) -> Option<&str> {
        Some(item.id.as_str())
    }
}

impl ListPage for NumbersResponse {
    type Item = WorkspaceNumber;

    fn into_items(self) -> Vec<WorkspaceNumber> {
        self.workspace_numbers
    }

    fn row_id(item: &WorkspaceNumber) -> Option<&str> {
        Some(item.id.as_str())
    }
}

impl ListPage for WorkspaceUsersResponse {
    type Item = WorkspaceUser;

    fn into_items(self) -> Vec<WorkspaceUser> {
        self.workspace_users
    }

    fn row_id(item: &WorkspaceUser) -> Option<&str> {
        Some(item.id.as_str())
    }
}
