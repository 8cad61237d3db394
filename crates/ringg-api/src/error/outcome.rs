//! What an error says of whether its request was carried out.

use ringg_transport::{Idempotency, RequestId};

use super::{Error, ErrorKind};

impl Error {
    /// This error as outcome-unknown when it is a success answer that could not be read: the
    /// request it answers was carried out (a call placed, a list created, a campaign started),
    /// so sending it again could do it twice. Any other error is returned as it is.
    pub(crate) fn unread_answer_is_unknown(self) -> Self {
        if self.kind() == ErrorKind::Decode {
            self.into_outcome_unknown()
        } else {
            self
        }
    }

    /// A decode error of a 2xx answer to a request sent with `request_id`, with the server's
    /// request id from `headers`: outcome-unknown when the request was not idempotent (see
    /// [`unread_answer_is_unknown`](Self::unread_answer_is_unknown)).
    pub(crate) fn unread_answer(
        self,
        idempotency: Idempotency,
        request_id: RequestId,
        headers: &http::HeaderMap,
    ) -> Self {
        let e = self.with_answer_ids(request_id, headers);
        if idempotency == Idempotency::NonIdempotent {
            e.unread_answer_is_unknown()
        } else {
            e
        }
    }

    /// This error with the id its request was sent with and the server's request id from
    /// the answer's `headers` (each kept if already set).
    pub(crate) fn with_answer_ids(
        mut self,
        request_id: RequestId,
        headers: &http::HeaderMap,
    ) -> Self {
        if self.repr.server_request_id.is_none() {
            self.repr.server_request_id = super::server_id(headers);
        }
        self.with_request_id(request_id)
    }
}
