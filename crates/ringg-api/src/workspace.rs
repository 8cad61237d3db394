//! Workspace: info, all workspaces, users, key rotation.

use futures::Stream;
use ringg_types::operations as ops;
use ringg_types::workspace::{
    RegenerateApiKeyResponse, WorkspaceInfoResponse, WorkspaceListResponse, WorkspaceUser,
    WorkspaceUsersResponse,
};

use crate::client::Client;
use crate::error::Error;
use crate::lists::list_stream;
use crate::pagination::MAX_PAGE_SIZE;
use crate::request_path::page_query;

/// `client.workspace()`.
#[derive(Debug, Clone)]
pub struct Workspace<'a> {
    client: &'a Client,
}

impl Client {
    /// Workspace endpoints.
    pub fn workspace(&self) -> Workspace<'_> {
        Workspace { client: self }
    }
}

impl Workspace<'_> {
    /// `GET /workspace`: the current workspace, its credits; also a check of the key.
    pub async fn info(&self) -> Result<WorkspaceInfoResponse, Error> {
        self.client.get_op(&ops::GET_WORKSPACE, &[]).await
    }

    /// `GET /workspace/all`: every workspace the caller can access.
    pub async fn all(&self) -> Result<WorkspaceListResponse, Error> {
        self.client.get_op(&ops::LIST_WORKSPACES, &[]).await
    }

    /// `GET /workspace/users`: one page of members.
    pub async fn users(&self, limit: u32, offset: u64) -> Result<WorkspaceUsersResponse, Error> {
        let query = page_query(limit, offset);
        self.client
            .pairs_op(&ops::LIST_WORKSPACE_USERS, &[], query)
            .await
    }

    /// Every member, fetched page by page as the stream is read.
    pub fn users_stream(
        &self,
    ) -> impl Stream<Item = Result<WorkspaceUser, Error>> + Send + 'static {
        list_stream(
            self.client,
            0,
            MAX_PAGE_SIZE,
            u64::MAX,
            |client, offset, limit| async move { client.workspace().users(limit, offset).await },
        )
    }

    /// `PATCH /workspace/api-key`: issues a new key. The old key stops working at once, so
    /// build a new client with the returned key. Never retried automatically.
    ///
    /// A journal keeps its entries per key ([`journal_scope`](crate::journal::journal_scope)):
    /// move the old key's to the new key's scope (with the `sqlite` feature,
    /// `SqliteJournal::move_entries_to`), or calls pending or placed within the hour under the
    /// old key will not stop the same calls made with the new one.
    ///
    /// An answer that cannot be read (the key under another field than `new_api_key`, say)
    /// fails with every string value of its body masked in the error: it may be the new key.
    /// [`Error::unredacted_body`] still holds the answer as received.
    pub async fn regenerate_api_key(&self) -> Result<RegenerateApiKeyResponse, Error> {
        self.client
            .get_op(&ops::REGENERATE_API_KEY, &[])
            .await
            .map_err(Error::masking_answer_values)
    }
}
