//! The setup the simulator-backed test files share: a started simulator and a client for it.
#![allow(dead_code)] // each test file uses a part

use std::time::Duration;

use chrono::Utc;
use futures::TryStreamExt;
use ringg_api::calls::WaitOptions;
use ringg_api::campaigns::{CampaignFlow, CsvUpload, LaunchRequest, PollOptions};
use ringg_api::types::campaigns::{CampaignTime, LargeCampaignCaller, ListCampaignsQuery};
use ringg_api::types::{AgentId, NumberPoolId};
use ringg_api::{Client, ClientBuilder};
use ringg_sim::{Quirks, RunningSimulator, SimulatorBuilder};

/// A client builder pointed at `sim` with its key, ignoring the environment.
pub(crate) fn client_builder(sim: &RunningSimulator) -> ClientBuilder {
    Client::builder()
        .ignore_env()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
}

/// A client with the default settings for `sim`.
pub(crate) fn client(sim: &RunningSimulator) -> Client {
    client_builder(sim).build().unwrap()
}

/// A simulator running 1,000 times faster than real time, seeded for repeatable runs.
pub(crate) async fn seeded_sim() -> RunningSimulator {
    ringg_sim::Simulator::builder()
        .time_scale(0.001)
        .seed(5)
        .start()
        .await
        .unwrap()
}

/// The answer shapes of the simulators these tests start: `RINGG_SIM_QUIRKS=live` runs them
/// against the live API's variants (CI runs the suite once that way too).
pub(crate) fn quirks() -> Quirks {
    std::env::var("RINGG_SIM_QUIRKS")
        .ok()
        .and_then(|q| q.parse().ok())
        .unwrap_or_default()
}

/// Starts the simulator `builder` describes (with [`quirks`]) and a default client for it.
pub(crate) async fn start(builder: SimulatorBuilder) -> (RunningSimulator, Client) {
    let sim = builder.quirks(quirks()).start().await.unwrap();
    let client = client(&sim);
    (sim, client)
}

/// Waiting for a call against a fast simulator: polls every 20 ms backing off to 200 ms, up to
/// `timeout`, without the analyses.
pub(crate) fn fast_wait(timeout: Duration) -> WaitOptions {
    WaitOptions {
        initial_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(200),
        multiplier: 1.5,
        timeout,
        send_analysis: false,
    }
}

/// Reads a request's head (up to the blank line) from a raw loopback connection; `None` when
/// the connection ends first. For the scripted test servers that answer without hyper.
pub(crate) async fn read_head(stream: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(k) => buf.extend_from_slice(&chunk[..k]),
        }
    }
    Some(buf)
}

/// A call from the demo assistant through the demo number pool to `to`.
pub(crate) fn pool_call(to: &str) -> ringg_api::types::calls::InitiateCallRequest {
    use ringg_api::types::calls::{CallerSource, InitiateCallRequest};
    use ringg_api::types::{AgentId, NumberPoolId, PhoneNumber};
    InitiateCallRequest::new(
        AgentId::new(ringg_sim::demo::AGENT_ID),
        "Asha",
        PhoneNumber::parse(to).unwrap(),
        CallerSource::NumberPool(NumberPoolId::new(ringg_sim::demo::NUMBER_POOL_ID)),
    )
}

/// The ids of the calls the simulator placed to `to`.
pub(crate) fn calls_to(sim: &RunningSimulator, to: &str) -> Vec<String> {
    sim.handle()
        .calls()
        .into_iter()
        .filter(|c| c.to_number == to)
        .map(|c| c.id.to_string())
        .collect()
}

/// Now plus `minutes` in Asia/Kolkata (UTC+05:30), the default campaign time zone.
pub(crate) fn ist_in(minutes: i64) -> CampaignTime {
    CampaignTime::new(Utc::now().naive_utc() + chrono::Duration::minutes(330 + minutes))
}

/// Two contacts with a name and a company.
pub(crate) const CSV: &str =
    "Mobile Number,Name,Company\n+919876543210,Asha,Acme\n+919876543211,Ravi,Acme\n";

/// A launch of [`CSV`] named `name` from the demo assistant through the demo number pool,
/// starting in two minutes, polling its upload fast.
pub(crate) fn launch(flow: CampaignFlow, name: &str) -> LaunchRequest {
    launch_of(flow, name, CSV)
}

/// As [`launch`], of the file `csv`.
pub(crate) fn launch_of(flow: CampaignFlow, name: &str, csv: &'static str) -> LaunchRequest {
    LaunchRequest::builder(
        AgentId::new(ringg_sim::demo::AGENT_ID),
        CsvUpload::bytes(csv),
    )
    .name(name)
    .country_code("+91")
    .window(ist_in(2), ist_in(8 * 60))
    .caller(LargeCampaignCaller::NumberPool(NumberPoolId::new(
        ringg_sim::demo::NUMBER_POOL_ID,
    )))
    .build()
    .unwrap()
    .map_variable("callee_name", "Name")
    .map_variable("company_name", "Company")
    .flow(flow)
    .upload_poll(PollOptions {
        initial_interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(50),
        multiplier: 1.5,
        timeout: Duration::from_secs(30),
    })
}

/// The simulator's campaigns named `name`, with their statuses.
pub(crate) async fn campaigns_named(client: &Client, name: &str) -> Vec<String> {
    let all: Vec<_> = client
        .campaigns()
        .stream(ListCampaignsQuery::default())
        .try_collect()
        .await
        .unwrap();
    all.into_iter()
        .filter(|c| c.name.as_deref() == Some(name))
        .map(|c| {
            c.campaign_status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// A server on 127.0.0.1 answering every request with `body` (200, JSON); its base URL.
pub(crate) async fn constant_server(body: String) -> String {
    answering_server("200 OK", "application/json", body).await
}

/// A server on 127.0.0.1 answering every request with `status` (e.g. `401 Unauthorized`) and
/// `body` as `content_type`; its base URL.
pub(crate) async fn answering_server(
    status: &'static str,
    content_type: &'static str,
    body: String,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                if read_head(&mut s).await.is_none() {
                    return;
                }
                let resp = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tokio::io::AsyncWriteExt::write_all(&mut s, resp.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

/// A client (key `test-key`) for a [`constant_server`] answering `body`.
pub(crate) async fn client_answering(body: String) -> Client {
    Client::builder()
        .ignore_env()
        .api_key("test-key")
        .base_url(constant_server(body).await)
        .build()
        .unwrap()
}

/// What a [`scripted_server`] answers: the JSON body for a request's path and query pairs.
pub(crate) type Script =
    std::sync::Arc<dyn Fn(&str, &[(String, String)]) -> serde_json::Value + Send + Sync>;

/// A server on 127.0.0.1 answering every request with `script(path, query)` (200, JSON); its
/// base URL (`…/ca/api/v0`).
pub(crate) async fn scripted_server(script: Script) -> String {
    use hyper::body::{Bytes, Incoming};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let script = script.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let script = script.clone();
                    async move {
                        let query = req.uri().query().unwrap_or("").as_bytes();
                        let q: Vec<(String, String)> =
                            url::form_urlencoded::parse(query).into_owned().collect();
                        let body = script(req.uri().path(), &q).to_string();
                        let mut resp =
                            hyper::Response::new(http_body_util::Full::new(Bytes::from(body)));
                        resp.headers_mut().insert(
                            http::header::CONTENT_TYPE,
                            http::HeaderValue::from_static("application/json"),
                        );
                        Ok::<_, std::convert::Infallible>(resp)
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper_util::server::conn::auto::Builder::new(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .serve_connection(io, svc)
                .await;
            });
        }
    });
    format!("http://{addr}/ca/api/v0")
}

/// A query parameter of a [`scripted_server`] request, as a number.
pub(crate) fn query_number(q: &[(String, String)], name: &str) -> Option<u64> {
    q.iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.parse().ok())
}

/// A client (key `k`) for a server at `base`, ignoring the environment.
pub(crate) fn client_for(base: &str) -> Client {
    Client::builder()
        .ignore_env()
        .api_key("k")
        .base_url(base)
        .build()
        .unwrap()
}

/// An answer: status, extra headers, body.
pub(crate) type Answer = (u16, Vec<(&'static str, String)>, Vec<u8>);

/// A server on 127.0.0.1 answering each request with `respond(request head)` (raw HTTP/1.1,
/// one request per connection); its base URL (`…/ca/api/v0`) and the heads it saw
/// (lower-cased).
pub(crate) async fn recording_server(
    respond: impl Fn(&str) -> Answer + Send + Sync + 'static,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let seen2 = seen.clone();
    let respond = std::sync::Arc::new(respond);
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let (seen, respond) = (seen2.clone(), respond.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break p + 4;
                    }
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => buf.extend_from_slice(&chunk[..k]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
                // Read the body the head announces, so the client is never cut off mid-send.
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .and_then(|v| v.trim().parse::<usize>().ok());
                let chunked = head.contains("transfer-encoding: chunked");
                loop {
                    let body = &buf[head_end..];
                    let done = match len {
                        Some(n) => body.len() >= n,
                        None if chunked => body.ends_with(b"0\r\n\r\n"),
                        None => true,
                    };
                    if done {
                        break;
                    }
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => buf.extend_from_slice(&chunk[..k]),
                    }
                }
                seen.lock().unwrap().push(head.clone());
                let (status, headers, body) = respond(&head);
                let mut answer = format!("HTTP/1.1 {status} X\r\n");
                for (n, v) in headers {
                    answer.push_str(&format!("{n}: {v}\r\n"));
                }
                answer.push_str(&format!(
                    "content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                ));
                let mut bytes = answer.into_bytes();
                bytes.extend_from_slice(&body);
                let _ = s.write_all(&bytes).await;
            });
        }
    });
    (format!("http://{addr}/ca/api/v0"), seen)
}

/// A client (key `test-key`) for a server at `base` with fast, deterministic retries (two, as
/// by default, after 1 ms).
pub(crate) fn fast_retry_client(base: &str) -> Client {
    Client::builder()
        .ignore_env()
        .api_key("test-key")
        .base_url(base)
        .retry_policy(ringg_api::transport::layers::RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            jitter: false,
            ..Default::default()
        })
        .build()
        .unwrap()
}

/// The value of header `name` (lower-case) in a request head a [`recording_server`] kept.
pub(crate) fn head_header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .map(str::trim)
}

/// A second contact file, so a launch of the same name is another launch.
pub(crate) const OTHER_CSV: &str =
    "Mobile Number,Name,Company\n+919876500001,Meera,Globex\n+919876500002,Kiran,Globex\n";

/// How many calls the simulator placed for list `list`.
pub(crate) fn calls_of_list(sim: &RunningSimulator, list: &ringg_api::types::ListId) -> usize {
    sim.handle()
        .calls()
        .iter()
        .filter(|c| c.bulk_list_id.as_ref() == Some(list))
        .count()
}
