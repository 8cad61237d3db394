//! Caller numbers of the workspace.

use futures::Stream;
use ringg_types::numbers::{NumbersResponse, WorkspaceNumber};
use ringg_types::operations as ops;

use crate::client::Client;
use crate::error::Error;
use crate::lists::list_stream;
use crate::pagination::MAX_PAGE_SIZE;
use crate::request_path::page_query;

/// `client.numbers()`.
#[derive(Debug, Clone)]
pub struct Numbers<'a> {
    client: &'a Client,
}

impl Client {
    /// Caller-number endpoints.
    pub fn numbers(&self) -> Numbers<'_> {
        Numbers { client: self }
    }
}

impl Numbers<'_> {
    /// `GET /workspace/numbers`: one page of the workspace's caller numbers.
    pub async fn list(&self, limit: u32, offset: u64) -> Result<NumbersResponse, Error> {
        let query = page_query(limit, offset);
        self.client.pairs_op(&ops::LIST_NUMBERS, &[], query).await
    }

    /// Every caller number, fetched page by page as the stream is read.
    pub fn stream(&self) -> impl Stream<Item = Result<WorkspaceNumber, Error>> + Send + 'static {
        list_stream(
            self.client,
            0,
            MAX_PAGE_SIZE,
            u64::MAX,
            |client, offset, limit| async move { client.numbers().list(limit, offset).await },
        )
    }
}
