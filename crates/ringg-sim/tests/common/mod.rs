//! A minimal HTTP client for the integration tests (hyper-util's legacy client).

#![allow(dead_code, unreachable_pub)]

pub mod capture;

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ringg_sim::{RunningSimulator, Simulator, SimulatorBuilder};
use serde_json::Value;

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Bytes,
}

#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub key: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

pub async fn start(b: SimulatorBuilder) -> (RunningSimulator, Api) {
    let sim = b.start().await.expect("simulator starts");
    let api = Api::new(sim.base_url(), sim.api_key());
    (sim, api)
}

pub async fn fast() -> (RunningSimulator, Api) {
    start(Simulator::builder().time_scale(0.0001).seed(1)).await
}

impl Api {
    pub fn new(base: String, key: &str) -> Self {
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build_http();
        Self {
            base,
            key: key.to_owned(),
            client,
        }
    }

    pub fn with_key(&self, key: &str) -> Self {
        let mut a = self.clone();
        a.key = key.to_owned();
        a
    }

    /// Sends a request; `Err` when the connection failed or the body was cut.
    pub async fn try_send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Resp, String> {
        let mut b = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(format!("{}{}", self.base, path));
        if !self.key.is_empty() {
            b = b.header("X-API-KEY", &self.key);
        }
        if let Some(ct) = content_type {
            b = b.header("content-type", ct);
        }
        let req = b.body(Full::new(Bytes::from(body))).unwrap();
        let resp = tokio::time::timeout(Duration::from_secs(10), self.client.request(req))
            .await
            .map_err(|_| "timeout".to_string())?
            .map_err(|e| format!("request error: {e:?}"))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let raw = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("body error: {e:?}"))?
            .to_bytes();
        let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Ok(Resp {
            status,
            headers,
            body,
            raw,
        })
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let (ct, bytes) = match body {
            Some(v) => (Some("application/json"), serde_json::to_vec(&v).unwrap()),
            None => (None, Vec::new()),
        };
        self.try_send(method, path, ct, bytes)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send("POST", path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.send("PATCH", path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None).await
    }

    /// multipart/form-data with text fields and files `(field, filename, bytes)`.
    pub async fn multipart(
        &self,
        method: &str,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Resp {
        let boundary = "XbOuNdArY7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (k, name, data) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.try_send(
            method,
            path,
            Some(&format!("multipart/form-data; boundary={boundary}")),
            body,
        )
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }
}

/// Polls `f` every 5 ms until it returns `Some`, for at most `secs` seconds.
pub async fn wait_for<T>(secs: u64, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "condition not reached within {secs} s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A campaign start time one minute from now in Asia/Kolkata, as "DD/MM/YYYY, HH:MM".
pub fn start_time_ist(minutes_ahead: i64) -> String {
    let t = chrono::Utc::now()
        + chrono::Duration::minutes(minutes_ahead)
        + chrono::Duration::minutes(330);
    t.format("%d/%m/%Y, %H:%M").to_string()
}
