//! [`Client::send_multipart`]: one multipart request from a form's text parts and its files
//! (campaign uploads, knowledge bases).

use ringg_transport::{Body, Part};
use ringg_types::operations::Operation;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Error;

impl Client {
    /// Sends `op` with a multipart body: the form's text parts (as its `text_fields()` gave
    /// them), then the file parts, and decodes the JSON response.
    pub(crate) async fn send_multipart<T: DeserializeOwned + Send + 'static>(
        &self,
        op: &'static Operation,
        fields: Result<Vec<(&'static str, String)>, serde_json::Error>,
        files: impl IntoIterator<Item = Part>,
    ) -> Result<T, Error> {
        let fields = fields.map_err(|e| {
            Error::invalid_input(format!("could not encode the form: {e}")).with_operation(op.id)
        })?;
        let mut parts: Vec<Part> = fields
            .into_iter()
            .map(|(name, value)| Part::text(name, value))
            .collect();
        parts.extend(files);
        self.call_op(op, &[], Vec::new(), Body::Multipart(parts))
            .await
    }
}
