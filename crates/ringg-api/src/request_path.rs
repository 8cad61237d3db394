//! The request path of the resource methods: the `Client` helpers each one calls (operation,
//! path parameters, query and body in, decoded model out), and the scoped views
//! (`Client::with_options`, `Client::with_raw_response`).

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use futures::FutureExt;
use futures::future::Either;

use http::Method;
use ringg_transport::{ApiRequest, Body, Idempotency, RequestLimits};
use ringg_types::operations::{HttpMethod, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::{Client, HISTORY_DOWNLOAD_MAX_BODY, TRANSFER_ATTEMPT_TIMEOUT};
use crate::decode::{Decoded, decode};
use crate::error::Error;
use crate::options::{Capture, RequestOptions, Response, Scope};

impl Client {
    /// What this client (or view) sends that must not be shown: the key, and the values of
    /// the view's per-request headers (which may carry credentials of the user's own).
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &str> {
        let headers = self.scope().map(|s| s.options.header_values());
        std::iter::once(self.api_key().expose()).chain(headers.into_iter().flatten())
    }

    /// `e` with each of [`secrets`](Self::secrets) masked wherever the server's answer shows
    /// it (a server or gateway echoing a request's headers).
    pub(crate) fn masked(&self, e: Error) -> Error {
        e.masking_all(self.secrets())
    }

    /// An answer's `headers` as handed to the caller: each of [`secrets`](Self::secrets) and
    /// `own` (the request's own sensitive header values,
    /// [`own_secrets`](crate::error::mask::own_secrets)) masked where the server echoed it,
    /// and the cookies it sets shown by `Debug` as sensitive.
    pub(crate) fn mask_answer_headers(&self, headers: &mut http::HeaderMap, own: &[String]) {
        for secret in self.secrets().chain(own.iter().map(String::as_str)) {
            crate::error::mask::mask_headers(headers, secret);
        }
        if let http::header::Entry::Occupied(mut cookies) = headers.entry(http::header::SET_COOKIE)
        {
            cookies.iter_mut().for_each(|v| v.set_sensitive(true));
        }
    }
}

impl Client {
    /// Builds a request for `op` with its path parameters filled in, with the limits the
    /// client gives `op`. A scoped view's options are not in it yet: they apply when it is
    /// sent ([`send_raw`](Self::send_raw), [`send_json`](Self::send_json)), by the client it is
    /// sent through.
    pub fn request(
        &self,
        op: &'static Operation,
        path_params: &[(&str, &str)],
    ) -> Result<ApiRequest, Error> {
        for (name, value) in path_params {
            if value.trim().is_empty() {
                return Err(Error::invalid_input(format!(
                    "{}: the path parameter `{name}` is empty",
                    op.id
                )));
            }
        }
        // A template without parameters is the path itself: no rendering, no allocation.
        let path: std::borrow::Cow<'static, str> = if path_params.is_empty()
            && !op.path.contains('{')
        {
            op.path.into()
        } else {
            op.render_path(path_params)
                .map_err(|e| Error::invalid_input(format!("{}: {e}", op.id)).with_operation(op.id))?
                .into()
        };
        let method = match op.method {
            HttpMethod::Get => Method::GET,
            HttpMethod::Post => Method::POST,
            HttpMethod::Put => Method::PUT,
            HttpMethod::Patch => Method::PATCH,
            HttpMethod::Delete => Method::DELETE,
        };
        let idempotency = if op.idempotent {
            Idempotency::Idempotent
        } else {
            Idempotency::NonIdempotent
        };
        // No headers here: the auth step adds the key and the request id to each attempt and
        // the transport its standard headers, so the request stays cheap to copy.
        let mut req = ApiRequest::new(op.id, method, self.base_url_arc(), path, idempotency);
        req.limits = self.limits_for(op);
        Ok(req)
    }

    /// The limits a request for `op` gets: uploads and the history download are allowed more
    /// time and (the download) a larger body than the client's defaults.
    fn limits_for(&self, op: &Operation) -> RequestLimits {
        use ringg_types::operations as ops;
        let transfer = self.attempt_timeout().max(TRANSFER_ATTEMPT_TIMEOUT);
        // The operations are statics: comparing addresses is enough and costs no string compare.
        let is = |other: &Operation| std::ptr::eq(op, other);
        if is(&ops::DOWNLOAD_CALL_HISTORY) {
            RequestLimits {
                max_response_body: Some(self.max_response_body().max(HISTORY_DOWNLOAD_MAX_BODY)),
                attempt_timeout: Some(transfer),
                ..RequestLimits::default()
            }
        } else if is(&ops::SAVE_CAMPAIGN)
            || is(&ops::UPLOAD_LARGE_CAMPAIGN_CSV)
            || is(&ops::CREATE_KNOWLEDGE_BASE)
            || is(&ops::EDIT_KNOWLEDGE_BASE)
        {
            RequestLimits {
                attempt_timeout: Some(transfer),
                ..RequestLimits::default()
            }
        } else {
            RequestLimits::default()
        }
    }
}

impl Client {
    /// The one request path of the resource methods: `op` with its path parameters, query
    /// pairs and body, sent and decoded into `T` (see [`send_json`](Self::send_json)).
    ///
    /// The request is built before the future is made, and the future holds only the
    /// sending, not a second copy of the request.
    pub(crate) fn call_op<T: DeserializeOwned + Send + 'static>(
        &self,
        op: &'static Operation,
        path_params: &[(&str, &str)],
        query: Vec<(String, String)>,
        body: Body,
    ) -> impl Future<Output = Result<T, Error>> + Send + use<'_, T> {
        match self.request(op, path_params) {
            Ok(mut req) => {
                req.query = query;
                req.body = body;
                Either::Left(self.send_decoded(req))
            }
            Err(e) => Either::Right(std::future::ready(Err(e))),
        }
    }

    /// `op` without query or body (most GETs and DELETEs), decoded into `T`.
    pub(crate) fn get_op<T: DeserializeOwned + Send + 'static>(
        &self,
        op: &'static Operation,
        path_params: &[(&str, &str)],
    ) -> impl Future<Output = Result<T, Error>> + Send + use<'_, T> {
        self.call_op(op, path_params, Vec::new(), Body::Empty)
    }

    /// `op` with query pairs and no body, decoded into `T`.
    pub(crate) fn pairs_op<T: DeserializeOwned + Send + 'static>(
        &self,
        op: &'static Operation,
        path_params: &[(&str, &str)],
        query: Vec<(String, String)>,
    ) -> impl Future<Output = Result<T, Error>> + Send + use<'_, T> {
        self.call_op(op, path_params, query, Body::Empty)
    }

    /// `op` with a query struct (serialized into pairs), decoded into `T`.
    pub(crate) fn query_op<T: DeserializeOwned + Send + 'static, Q: Serialize>(
        &self,
        op: &'static Operation,
        path_params: &[(&str, &str)],
        query: &Q,
    ) -> impl Future<Output = Result<T, Error>> + Send + use<'_, T, Q> {
        match query_pairs(op.id, query) {
            Ok(query) => Either::Left(self.pairs_op(op, path_params, query)),
            Err(e) => Either::Right(std::future::ready(Err(e))),
        }
    }

    /// `op` with a JSON body, decoded into `T`.
    pub(crate) fn body_op<T: DeserializeOwned + Send + 'static, B: Serialize + ?Sized>(
        &self,
        op: &'static Operation,
        path_params: &[(&str, &str)],
        body: &B,
    ) -> impl Future<Output = Result<T, Error>> + Send + use<'_, T, B> {
        match json_body(op.id, body) {
            Ok(body) => Either::Left(self.call_op(op, path_params, Vec::new(), body)),
            Err(e) => Either::Right(std::future::ready(Err(e))),
        }
    }

    /// [`body_op`](Self::body_op) for one request of an idempotent operation that must not be
    /// sent twice (an edit that creates something): sent as non-idempotent, so a failure that
    /// leaves open whether the server acted is reported, not resent.
    pub(crate) async fn body_op_once<
        T: DeserializeOwned + Send + 'static,
        B: Serialize + ?Sized,
    >(
        &self,
        op: &'static Operation,
        path_params: &[(&str, &str)],
        body: &B,
    ) -> Result<T, Error> {
        let mut req = self.request(op, path_params)?;
        req.body = json_body(op.id, body)?;
        req.idempotency = Idempotency::NonIdempotent;
        self.send_decoded(req).await
    }
}

impl Client {
    /// Sends a request and decodes the JSON answer into `T`; a decode error names the field
    /// path and keeps the body.
    ///
    /// The request is marked as expecting JSON, so the retry layer reads an idempotent request
    /// again when its 2xx body is not valid JSON at all (truncated or garbled in transit),
    /// within the retry policy and the shared retry budget; JSON that does not match the model
    /// is never retried. For a non-idempotent request a 2xx answer that cannot be read is
    /// [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown): the request was
    /// carried out, and sending it again could do it twice.
    pub fn send_json<T: DeserializeOwned>(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<T, Error>> + Send + '_ {
        let operation = request.operation;
        let request_id = request.request_id;
        let idempotency = request.idempotency;
        let sent = self.exchange(request.expecting_json());
        async move {
            let resp = sent.await?;
            decode(operation, resp.status, resp.body)
                .map_err(|e| self.masked(e.unread_answer(idempotency, request_id, &resp.headers)))
        }
    }

    /// [`send_json`](Self::send_json) that parses the body once: the retry layer's check of
    /// the answer decodes it into `T` and keeps the value.
    pub(crate) fn send_decoded<T: DeserializeOwned + Send + 'static>(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<T, Error>> + Send + '_ {
        // A combinator, not an async block awaiting `sent`: such a block keeps room for the
        // inner future twice (as the block's capture and as what it awaits).
        self.send_decoded_with_head(request)
            .map(|sent| sent.map(|(value, _)| value))
    }

    /// [`send_decoded`](Self::send_decoded), also returning the answer's headers.
    pub(crate) fn send_decoded_with_head<T: DeserializeOwned + Send + 'static>(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<(T, http::HeaderMap), Error>> + Send + '_ {
        let operation = request.operation;
        let request_id = request.request_id;
        let idempotency = request.idempotency;
        let check = Arc::new(Decoded::<T>::default());
        self.exchange(request.with_body_check(check.clone()))
            .map(move |sent| {
                let resp = sent?;
                match check.take() {
                    Some(value) => Ok((value, resp.headers)),
                    // Not the model (or not checked): decoded again, for the error's field path.
                    None => match decode::<T>(operation, resp.status, resp.body) {
                        Ok(value) => Ok((value, resp.headers)),
                        Err(e) => Err(self.masked(e.unread_answer(
                            idempotency,
                            request_id,
                            &resp.headers,
                        ))),
                    },
                }
            })
    }
}

impl Client {
    /// A view of this client whose requests use `options` on top of the client's settings.
    /// Cheap (an `Arc`, no new connections); every resource group hangs off it, and views
    /// stack (`a.with_options(x).with_options(y)`: `y` wins where both set a field).
    pub fn with_options(&self, options: RequestOptions) -> Client {
        let scope = match self.scope() {
            Some(s) => Scope {
                options: s.options.clone().merge(&options),
                capture: s.capture.clone(),
            },
            None => Scope {
                options,
                capture: None,
            },
        };
        self.with_scope(scope)
    }

    /// Runs a typed call and returns its answer with the response it came from (status,
    /// headers, request ids), without a second request.
    ///
    /// `call` gets a view of this client that keeps the last answer it received; for a method
    /// that sends several requests (a list stream, `reconcile`) the answer is the last one.
    /// A call that sends nothing through that view (it used another client) fails with
    /// [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown): its own result is
    /// dropped, and what it sent elsewhere may have been carried out.
    ///
    /// ```no_run
    /// # async fn run(client: ringg_api::Client) -> Result<(), ringg_api::Error> {
    /// let resp = client
    ///     .with_raw_response(|c| async move { c.workspace().info().await })
    ///     .await?;
    /// println!("{} {:?} {}", resp.status, resp.server_request_id, resp.request_id);
    /// let info = resp.data;
    /// # let _ = info; Ok(()) }
    /// ```
    pub async fn with_raw_response<T, F, Fut>(&self, call: F) -> Result<Response<T>, Error>
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let capture = Arc::new(Capture::default());
        let options = self.scope().map(|s| s.options.clone()).unwrap_or_default();
        let view = self.with_scope(Scope {
            options,
            capture: Some(capture.clone()),
        });
        let data = call(view).await?;
        // The call may have sent its requests through another client (placing a call, say):
        // its result is dropped here, so the error must not read as "nothing was sent".
        let seen = capture.take().ok_or_else(|| {
            Error::new(
                crate::ErrorKind::OutcomeUnknown,
                "with_raw_response: the call sent no request through the client it was given, so no response was kept and the call's own result is dropped",
            )
            .with_hint("it may have been carried out through another client: check before running it again, and send through the closure's argument")
        })?;
        // A secret a server echoed is masked, as errors and spans mask it.
        let mut headers = seen.headers;
        self.mask_answer_headers(&mut headers, &[]);
        let server_request_id = ringg_transport::server_request_id(&headers).map(str::to_string);
        Ok(Response {
            status: seen.status,
            headers,
            request_id: seen.request_id,
            server_request_id,
            data,
        })
    }
}

/// The `limit` and `offset` pairs of a paged list.
pub(crate) fn page_query(limit: u32, offset: u64) -> Vec<(String, String)> {
    vec![
        ("limit".to_string(), limit.to_string()),
        ("offset".to_string(), offset.to_string()),
    ]
}

/// Serializes a query struct into URL pairs.
pub(crate) fn query_pairs<T: Serialize>(
    operation: &'static str,
    query: &T,
) -> Result<Vec<(String, String)>, Error> {
    ringg_types::common::to_query_pairs(query).map_err(|e| {
        Error::invalid_input(format!("could not encode the query: {e}")).with_operation(operation)
    })
}

/// Serializes a request body to JSON.
pub(crate) fn json_body<T: Serialize + ?Sized>(
    operation: &'static str,
    value: &T,
) -> Result<Body, Error> {
    serde_json::to_vec(value)
        .map(|v| Body::Json(Bytes::from(v)))
        .map_err(|e| {
            Error::invalid_input(format!("could not serialize the request body: {e}"))
                .with_operation(operation)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;

    #[test]
    fn decode_error_names_the_field_and_keeps_the_body() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Row {
            id: String,
            n: u32,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Page {
            calls: Vec<Row>,
        }
        let body = Bytes::from_static(br#"{"calls":[{"id":"a","n":1},{"id":"b","n":"x"}]}"#);
        let e = decode::<Page>("listCallHistory", http::StatusCode::OK, body.clone()).unwrap_err();
        assert_eq!(e.field_path(), Some("calls[1].n"));
        assert_eq!(e.body(), Some(body.clone()));
        assert_eq!(e.unredacted_body(), Some(&body));
        assert!(e.to_string().contains("calls[1].n"));
    }
}
