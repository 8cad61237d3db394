//! Errors: the HTTP error answers the simulator gives, and the error of starting it.

use http::{HeaderName, HeaderValue, StatusCode};
use serde_json::{Value, json};

/// Why the simulator could not start or serve.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// Binding or accepting on the listening socket failed.
    #[error("could not bind the simulator to {addr}: {source}; pick another port or use port 0")]
    Bind {
        /// The address that was requested.
        addr: std::net::SocketAddr,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A builder setting is invalid.
    #[error("invalid simulator configuration: {0}")]
    Config(String),
    /// An I/O error while serving (for example writing the start-up lines).
    #[error("simulator I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A control request of [`SimHandle`](crate::SimHandle) was refused (an unknown number
    /// or pool, a number without an inbound assistant, …); the message says why.
    #[error("the simulator refused the request: {0}")]
    Rejected(String),
}

/// An error answer: status, JSON body and extra headers.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    /// `{"detail": "<message>"}` with the given status (the FastAPI shape).
    pub(crate) fn detail(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({ "detail": message.into() }),
            headers: Vec::new(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::detail(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::detail(StatusCode::NOT_FOUND, message)
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::detail(StatusCode::FORBIDDEN, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::detail(StatusCode::CONFLICT, message)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::detail(StatusCode::UNAUTHORIZED, message)
    }

    pub(crate) fn payment_required(message: impl Into<String>) -> Self {
        Self::detail(StatusCode::PAYMENT_REQUIRED, message)
    }

    /// A 429 with `Retry-After` (whole seconds, at least 1).
    pub(crate) fn rate_limited(message: impl Into<String>, retry_after_secs: u64) -> Self {
        let mut e = Self::detail(StatusCode::TOO_MANY_REQUESTS, message);
        e.headers.push((
            http::header::RETRY_AFTER,
            HeaderValue::from(retry_after_secs.max(1)),
        ));
        e
    }

    /// A FastAPI-style 422: `{"detail": [{"type", "loc", "msg"}]}`.
    pub(crate) fn validation(issues: Vec<Issue>) -> Self {
        let detail: Vec<Value> = issues
            .into_iter()
            .map(|i| json!({ "type": i.kind, "loc": i.loc, "msg": i.msg }))
            .collect();
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({ "detail": detail }),
            headers: Vec::new(),
        }
    }

    /// The message of the answer: the `detail` text, or the whole body.
    pub(crate) fn message(&self) -> String {
        match &self.body["detail"] {
            Value::String(s) => s.clone(),
            _ => self.body.to_string(),
        }
    }

    /// A single-issue 422.
    pub(crate) fn invalid(loc: &[&str], kind: &'static str, msg: impl Into<String>) -> Self {
        Self::validation(vec![Issue::new(loc, kind, msg)])
    }
}

/// One entry of a FastAPI-style validation error.
#[derive(Debug, Clone)]
pub(crate) struct Issue {
    pub(crate) kind: &'static str,
    pub(crate) loc: Vec<Value>,
    pub(crate) msg: String,
}

impl Issue {
    pub(crate) fn new(loc: &[&str], kind: &'static str, msg: impl Into<String>) -> Self {
        Self {
            kind,
            loc: loc.iter().map(|s| Value::String((*s).to_owned())).collect(),
            msg: msg.into(),
        }
    }
}
