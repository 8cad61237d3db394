//! What the call operations hand back beside the models: a placed call, a history download.

use bytes::Bytes;
use ringg_types::calls::InitiateCallResponse;
use ringg_types::ids::CallId;

/// A call Ringg accepted.
#[derive(Debug, Clone)]
pub struct PlacedCall {
    /// The new call's id.
    pub call_id: CallId,
    /// The client reference sent in `custom_args_values` (see [`CLIENT_REFERENCE_KEY`](super::CLIENT_REFERENCE_KEY)).
    pub reference: String,
    /// The full response.
    pub response: InitiateCallResponse,
}

/// A file or a message from `POST /calling/history/download`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum HistoryDownload {
    /// The export itself (CSV or ZIP).
    File {
        /// The `Content-Type` of the file.
        content_type: Option<String>,
        /// The file name from `Content-Disposition`, when given.
        file_name: Option<String>,
        /// The file's bytes.
        bytes: Bytes,
    },
    /// Ringg is emailing the report instead; its message.
    Emailed(String),
}
