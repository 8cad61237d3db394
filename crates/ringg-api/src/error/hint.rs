//! What to do next after an error, as data beside its message.

use ringg_transport::TransportErrorKind;

use super::{Error, ErrorKind};

impl Error {
    /// What to do next, in one sentence: data for a front end to show beside the error, in
    /// its own words if it has them (the `ringg` CLI names its commands instead).
    /// [`Display`](std::fmt::Display) does not include it.
    pub fn hint(&self) -> Option<String> {
        if let Some(hint) = &self.repr.hint {
            return Some(hint.clone());
        }
        if self.repr.kind == ErrorKind::OutcomeUnknown {
            return Some(match &self.repr.client_reference {
                Some(r) => format!(
                    "the call may have been placed; reconcile the client reference {r} against the call history before trying again"
                ),
                None => "it may have been carried out; check its state before trying again".into(),
            });
        }
        match self.repr.status.map(|s| s.as_u16()) {
            Some(401) => Some(
                "check the API key; a regenerated key invalidates the old one".into(),
            ),
            Some(403) => Some(
                "the request was refused: the key may lack the permission, or the request is not allowed as it is (see the message)".into(),
            ),
            Some(429) => Some(match self.repr.retry_after {
                Some(d) => format!("rate limited: retry after {:.0} s", d.as_secs_f64().ceil()),
                None => "rate limited: wait a little and retry".into(),
            }),
            Some(402) => Some("not enough credits: top up the workspace".into()),
            Some(s) if s >= 500 => Some("Ringg had a server error: retry later".into()),
            _ => match self.repr.kind {
                ErrorKind::Decode if self.repr.malformed => Some(
                    "the response was not whole JSON (cut off or garbled on the way): retry; report it if it keeps happening".into(),
                ),
                ErrorKind::Decode => Some(
                    "the response did not match the model; please report it with the response body".into(),
                ),
                ErrorKind::Transport
                    if self.repr.transport == Some(TransportErrorKind::TotalTimeout) =>
                {
                    Some(
                        "the request did not finish within its total timeout: retry later, or allow more time (the client's or this request's total timeout) if the server or the client's rate limit is slow".into(),
                    )
                }
                ErrorKind::Transport
                    if self.repr.transport == Some(TransportErrorKind::BodyTooLarge) =>
                {
                    Some(
                        "if an answer this large is expected, allow a larger response body (the client's or this request's limit)".into(),
                    )
                }
                ErrorKind::Transport if self.repr.transport == Some(TransportErrorKind::Timeout) => {
                    Some(
                        "no answer arrived within the attempt timeout: retry later, or allow more time per attempt (the client's or this request's timeout) if the server is slow".into(),
                    )
                }
                ErrorKind::Transport => Some("check the base URL and your network, then retry".into()),
                ErrorKind::RetryAfterTooLong => Some("the server asked for a long pause: try again later".into()),
                ErrorKind::Timeout => Some(
                    "the wait ended before the outcome was known: wait again, or allow a longer wait".into(),
                ),
                ErrorKind::SearchLimit => Some(
                    "it was neither found nor ruled out: narrow the search (the assistant, the recipient, a later start) or allow more rows before acting on it".into(),
                ),
                ErrorKind::Unverifiable if self.repr.client_reference.is_some() => Some(
                    "look at the calls the message names (their number and time) and place the call again only if none of them is it".into(),
                ),
                ErrorKind::Unverifiable => Some(
                    "look at what the message names, and act on the one that is yours by its id".into(),
                ),
                ErrorKind::TooEarly => Some(
                    "settle it again after the time given, and do not place it again before".into(),
                ),
                ErrorKind::Pagination => Some(
                    "narrow the query (for example by date); if the list really is that long, allow more pages (the client's max_pages setting)".into(),
                ),
                _ => None,
            },
        }
    }
}
