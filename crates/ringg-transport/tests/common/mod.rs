//! A scripted HTTP server on 127.0.0.1 for transport tests.
#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

/// One scripted reply.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: vec![],
            body: format!("{{\"status\":{status}}}"),
            delay: Duration::ZERO,
        }
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// What the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path_and_query: String,
    pub headers: http::HeaderMap,
    pub body: Bytes,
    pub at: Instant,
}

pub struct Server {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub max_concurrent: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn hits(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server answering the scripted replies in order; after the script runs out it
/// repeats the last reply.
pub async fn start(script: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    serve_on(listener, script)
}

pub fn serve_on(listener: TcpListener, script: Vec<Reply>) -> Server {
    let addr = listener.local_addr().unwrap();
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let current = Arc::new(AtomicUsize::new(0));
    let max_concurrent = Arc::new(AtomicUsize::new(0));
    let script = Arc::new(script);
    let (seen2, cur2, max2) = (seen.clone(), current.clone(), max_concurrent.clone());
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (seen, cur, max, script) =
                (seen2.clone(), cur2.clone(), max2.clone(), script.clone());
            tokio::spawn(async move {
                let svc = service_fn(move |req: Request<Incoming>| {
                    let (seen, cur, max, script) =
                        (seen.clone(), cur.clone(), max.clone(), script.clone());
                    async move {
                        let now = cur.fetch_add(1, Ordering::SeqCst) + 1;
                        max.fetch_max(now, Ordering::SeqCst);
                        let (parts, body) = req.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        let idx = {
                            let mut s = seen.lock().unwrap();
                            s.push(Seen {
                                method: parts.method.to_string(),
                                path_and_query: parts
                                    .uri
                                    .path_and_query()
                                    .map(|p| p.to_string())
                                    .unwrap_or_default(),
                                headers: parts.headers.clone(),
                                body,
                                at: Instant::now(),
                            });
                            s.len() - 1
                        };
                        let reply = script
                            .get(idx)
                            .or(script.last())
                            .cloned()
                            .unwrap_or(Reply::status(200));
                        tokio::time::sleep(reply.delay).await;
                        cur.fetch_sub(1, Ordering::SeqCst);
                        let mut resp = Response::builder().status(reply.status);
                        for (k, v) in &reply.headers {
                            resp = resp.header(*k, v);
                        }
                        Ok::<_, Infallible>(resp.body(Full::new(Bytes::from(reply.body))).unwrap())
                    }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Server {
        addr,
        seen,
        max_concurrent,
        task,
    }
}

/// `GET /workspace` against `base`.
pub fn get(base: &str) -> ringg_transport::ApiRequest {
    ringg_transport::ApiRequest::new(
        "getWorkspace",
        http::Method::GET,
        base,
        "/workspace",
        ringg_transport::Idempotency::Idempotent,
    )
}

/// A call initiation (not idempotent) against `base`.
pub fn initiate(base: &str) -> ringg_transport::ApiRequest {
    ringg_transport::ApiRequest::new(
        "initiateCallV2",
        http::Method::POST,
        base,
        "/calling/v2/outbound/individual",
        ringg_transport::Idempotency::NonIdempotent,
    )
    .with_body(ringg_transport::Body::Json(Bytes::from_static(
        b"{\"name\":\"a\"}",
    )))
}
