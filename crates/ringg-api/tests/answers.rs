//! What a typed call reports of an answer it could not use, and which paths a scoped view's
//! options reach: an unreadable 2xx to a non-idempotent request is outcome-unknown, errors
//! keep the ids of their request and answer, an error answer over the body limit keeps its
//! status, and `with_options` applies to `send_raw` and the speech-to-text calls too. Each
//! server is a few lines of raw HTTP/1.1 on 127.0.0.1.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{
    Answer, fast_retry_client as client, head_header as header, recording_server as serve,
};
use ringg_api::stt::StreamOptions;
use ringg_api::transport::{ApiRequest, Idempotency, http};
use ringg_api::types::calls::{CallerSource, InitiateCallRequest};
use ringg_api::types::campaigns::{
    LargeCampaignCaller, MakeCallAsyncRequest, StartCampaignV2Request,
};
use ringg_api::types::{AgentId, ListId, NumberId, NumberPoolId, PhoneNumber};
use ringg_api::{Client, ErrorKind, RequestOptions};
use tokio::io::AsyncWriteExt;

fn json(status: u16, body: &str) -> Answer {
    (
        status,
        vec![("content-type", "application/json".into())],
        body.as_bytes().to_vec(),
    )
}

// A non-idempotent request (a campaign start, not only `calls().initiate`) answered 2xx with a
// body that cannot be read is outcome-unknown, with no advice to retry.

#[tokio::test]
async fn an_unreadable_2xx_to_a_campaign_start_is_outcome_unknown_not_retry() {
    // A 200 cut off in transit, and a 200 HTML page (a gateway answering for the API).
    for body in [
        &br#"{"message":"Campaign started","data":{"campaign_id":"#[..],
        &b"<html><body>OK</body></html>"[..],
    ] {
        let body = body.to_vec();
        let (base, seen) = serve(move |_| (200, vec![], body.clone())).await;
        let c = client(&base);
        let v2 = c
            .campaigns()
            .start(&StartCampaignV2Request::new(
                AgentId::new("agent-1"),
                ListId::new("list-1"),
                NumberPoolId::new("pool-1"),
            ))
            .await
            .unwrap_err();
        let large = c
            .campaigns()
            .start_large(&MakeCallAsyncRequest::new(
                ListId::new("bulk-1"),
                AgentId::new("agent-1"),
                LargeCampaignCaller::NumberPool(NumberPoolId::new("pool-1")),
            ))
            .await
            .unwrap_err();
        // Each start was sent once (good: no blind resend)...
        assert_eq!(seen.lock().unwrap().len(), 2);
        for err in [v2, large] {
            let hint = err.hint().unwrap_or_default();
            // ...but the server answered 2xx: the campaign was most likely started. The error
            // must say the outcome is unknown (as `calls().initiate` does for the same answer),
            // not advise a retry that would start it (and place its calls) a second time.
            assert!(
                err.is_outcome_unknown() && !hint.contains("retry"),
                "kind {:?}: {err}\n  hint: {hint}",
                err.kind()
            );
        }
    }
}

// A scoped view's options reach every request path: the speech-to-text REST calls and
// `send_raw` too, not only the typed calls.

#[tokio::test]
async fn stt_requests_through_a_scoped_view_use_its_options() {
    let (base, seen) = serve(|_| json(503, "{}")).await;
    let c = client(&base);
    let scoped = c.with_options(one_attempt_with_a_header());
    let err = scoped.stt().health().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err}");
    let heads = seen.lock().unwrap().clone();
    assert!(heads[0].starts_with("get /stt/v1/health"), "{}", heads[0]);
    assert_one_attempt_with_the_header(&heads);
}

/// The options of the scoped views below: one attempt, and an extra header.
fn one_attempt_with_a_header() -> RequestOptions {
    RequestOptions::new()
        .max_retries(0)
        .header("x-team", "billing")
}

/// The request heads of a scoped view with `max_retries(0)` and `x-team: billing` against a
/// 503: one attempt, carrying the header.
fn assert_one_attempt_with_the_header(heads: &[String]) {
    assert_eq!(
        heads.len(),
        1,
        "max_retries(0) asked for one attempt; {} were sent",
        heads.len()
    );
    assert_eq!(
        header(&heads[0], "x-team"),
        Some("billing"),
        "the extra header was not sent"
    );
}

#[tokio::test]
async fn send_raw_through_a_scoped_view_uses_its_options() {
    let (base, seen) = serve(|_| json(503, "{}")).await;
    let c = client(&base);
    let scoped = c.with_options(one_attempt_with_a_header());
    let request = ApiRequest::new(
        "getWorkspace",
        http::Method::GET,
        Arc::<str>::from(c.base_url()),
        "/workspace",
        Idempotency::Idempotent,
    );
    let err = scoped.send_raw(request).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err}");
    assert_one_attempt_with_the_header(&seen.lock().unwrap());
}

// Errors keep the ids: a decode error the server's request id, and the "accepted but no call
// id" outcome-unknown error of `initiate` the request id it was sent with.

#[tokio::test]
async fn a_decode_error_keeps_the_server_request_id() {
    for body in [r#"{"workspace_info":5}"#, r#"{"workspace_info":{"#] {
        let owned = body.to_string();
        let (base, _) = serve(move |_| {
            let mut a = json(200, &owned);
            a.1.push(("x-request-id", "srv-42".into()));
            a
        })
        .await;
        let err = client(&base).workspace().info().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert!(err.request_id().is_some());
        // The error advises reporting it with the body: the server's id is what support needs.
        assert_eq!(
            err.server_request_id(),
            Some("srv-42"),
            "{body}: the 200 carried x-request-id: srv-42; {err:?}"
        );
    }
}

#[tokio::test]
async fn an_initiation_accepted_without_a_call_id_carries_its_request_id() {
    let (base, seen) = serve(|_| {
        let mut a = json(200, r#"{"status":"success"}"#);
        a.1.push(("x-request-id", "srv-7".into()));
        a
    })
    .await;
    let err = client(&base)
        .calls()
        .initiate(InitiateCallRequest::new(
            AgentId::new("agent-1"),
            "Asha",
            PhoneNumber::parse("+919876543210").unwrap(),
            CallerSource::FromNumberId(NumberId::new("num-1")),
        ))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert!(err.client_reference().is_some());
    let sent = header(&seen.lock().unwrap()[0], "x-ringg-request-id")
        .unwrap()
        .to_string();
    assert_eq!(
        err.request_id().map(|r| r.to_string()),
        Some(sent),
        "outcome-unknown error without the request id that was sent: {err:?}"
    );
    assert_eq!(err.server_request_id(), Some("srv-7"), "{err:?}");
}

fn a_call_to(agent: &str) -> InitiateCallRequest {
    InitiateCallRequest::new(
        AgentId::new(agent),
        "Asha",
        PhoneNumber::parse("+919876543210").unwrap(),
        CallerSource::FromNumberId(NumberId::new("num-1")),
    )
}

/// An answer that names its call is a placed call, whatever shape its other fields take: it
/// used to be outcome-unknown (and sat among the pending calls) when one of them was not the
/// shape foreseen.
#[tokio::test]
async fn an_initiation_answer_naming_its_call_is_placed_whatever_its_other_fields() {
    let data = |extra: &str| {
        format!(
            r#"{{"status":"success","data":{{"call_id":"c-9","call_status":"registered"{extra}}},"message":"Call initiated successfully"}}"#
        )
    };
    for body in [
        data(r#","custom_args_values":"{\"a\":\"b\"}""#),
        data(r#","custom_args_values":[]"#),
        r#"{"status":200,"data":{"call_id":"c-9"},"message":{"text":"ok"}}"#.to_string(),
        // A field whose shape no lenient reading takes: the call id is still read.
        data(r#","call_direction":{"kind":"outbound"}"#),
        r#"{"status":"success","data":{"call_id":9,"initiated_at":[1]}}"#.to_string(),
    ] {
        let (base, seen) = serve({
            let body = body.clone();
            move |_| json(200, &body)
        })
        .await;
        let placed = client(&base).calls().initiate(a_call_to("agent-1")).await;
        let placed = placed.unwrap_or_else(|e| panic!("{body}: {e}"));
        let expected = if body.contains(r#""call_id":9"#) {
            "9"
        } else {
            "c-9"
        };
        assert_eq!(placed.call_id.as_str(), expected, "{body}");
        assert_eq!(seen.lock().unwrap().len(), 1, "{body}");
        // What was not read is kept.
        let back = serde_json::to_value(&placed.response).unwrap();
        let sent: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            back["data"].as_object().unwrap().len(),
            sent["data"].as_object().unwrap().len(),
            "{body}"
        );
    }
}

/// A 2xx naming no call says what the server said.
#[tokio::test]
async fn an_initiation_answered_without_a_call_id_quotes_the_server() {
    let (base, _) =
        serve(|_| json(200, r#"{"success":false,"message":"Insufficient credits"}"#)).await;
    let err = client(&base)
        .calls()
        .initiate(a_call_to("agent-1"))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert!(err.to_string().contains("Insufficient credits"), "{err}");
    // The client's key echoed in that message (in any case), or a secret field in it, is not
    // quoted: the reason is kept in the journal.
    const KEY: &str = "7251cb4b-aaaa-4f00-9c1e-0123456789ab";
    let body = format!(
        r#"{{"success":false,"message":"API key {} has no credits; token={{\"api_key\":\"other-secret-1\"}}"}}"#,
        KEY.to_ascii_uppercase()
    );
    let (base, _) = serve(move |_| json(200, &body)).await;
    let client = Client::builder()
        .ignore_env()
        .api_key(KEY)
        .base_url(base)
        .build()
        .unwrap();
    let err = client
        .calls()
        .initiate(a_call_to("agent-1"))
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("has no credits"), "{shown}");
    assert!(!shown.to_ascii_lowercase().contains(&KEY[..13]), "{shown}");
}

// An error answer over the body limit keeps its status (known from the head): a 401 stays an
// authentication error, not "body too large".

#[tokio::test]
async fn an_error_answer_over_the_body_limit_keeps_its_status() {
    let big = format!(r#"{{"detail":"{}"}}"#, "x".repeat(4096));
    let (base, _) = serve(move |head| {
        if head.starts_with("get ") {
            json(401, &big)
        } else {
            json(422, &big)
        }
    })
    .await;
    let c = client(&base).with_options(RequestOptions::new().max_response_body(1024));
    let err = c.workspace().info().await.unwrap_err();
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(401),
        "{err}\n  hint: {:?}",
        err.hint()
    );
    assert!(err.is_auth(), "{err}");
}

// The speech-to-text stream takes only a WebSocket handshake for one (RFC 6455 §4.1).

/// A loopback server that answers every handshake 101 with the right Sec-WebSocket-Accept and
/// the extra header lines `extra`, and then holds the connection open.
async fn ws_server(extra: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let head = common::read_head(&mut s).await.unwrap();
                let head = String::from_utf8_lossy(&head).to_string();
                let key = head
                    .lines()
                    .find_map(|l| {
                        let (n, v) = l.split_once(':')?;
                        n.eq_ignore_ascii_case("sec-websocket-key")
                            .then(|| v.trim().to_owned())
                    })
                    .unwrap();
                let accept =
                    tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
                let answer = format!(
                    "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: {accept}\r\n{extra}\r\n"
                );
                s.write_all(answer.as_bytes()).await.unwrap();
                tokio::time::sleep(Duration::from_secs(5)).await;
            });
        }
    });
    format!("http://{addr}/stt/v1")
}

fn stt_client() -> Client {
    Client::builder()
        .ignore_env()
        .api_key("answers-key-0123456789")
        .base_url("http://127.0.0.1:9/ca/api/v0")
        .build()
        .unwrap()
}

/// RFC 6455 4.1: the client fails the connection when the 101 lacks `Upgrade: websocket` or
/// `Connection: Upgrade` (tungstenite's handshake checked both).
#[tokio::test]
async fn a_101_without_the_upgrade_headers_is_not_a_websocket() {
    let base = ws_server("").await;
    let stt = stt_client().stt().with_base_url(&base).unwrap();
    let opened = stt
        .stream(
            std::io::Cursor::new(vec![0u8; 10]),
            &StreamOptions::default(),
        )
        .await;
    assert!(
        opened.is_err(),
        "a 101 without Upgrade/Connection was taken for a WebSocket"
    );
}

/// RFC 6455 4.1: a subprotocol the client did not ask for fails the connection (tungstenite
/// checked it).
#[tokio::test]
async fn a_subprotocol_the_client_did_not_ask_for_is_refused() {
    let base =
        ws_server("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: chat\r\n")
            .await;
    let stt = stt_client().stt().with_base_url(&base).unwrap();
    let opened = stt
        .stream(
            std::io::Cursor::new(vec![0u8; 10]),
            &StreamOptions::default(),
        )
        .await;
    assert!(opened.is_err(), "an unrequested subprotocol was accepted");
}

/// `calls().download_history` is a non-idempotent POST (the report may be emailed): a 2xx
/// JSON answer it cannot decode is outcome-unknown.
#[tokio::test]
async fn an_unreadable_2xx_to_a_history_download_is_outcome_unknown() {
    let (base, _) = serve(|_: &str| -> Answer {
        (
            200,
            vec![
                ("content-type", "application/json".into()),
                ("x-request-id", "srv-download-7".into()),
            ],
            br#"{"message":"#.to_vec(),
        )
    })
    .await;
    let client = Client::builder()
        .ignore_env()
        .api_key("answers-key-0123456789")
        .base_url(&base)
        .build()
        .unwrap();
    let err = client
        .calls()
        .download_history(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    // The ids of the request and of the answer, as every error keeps them.
    assert!(err.request_id().is_some(), "{err:?}");
    assert_eq!(err.server_request_id(), Some("srv-download-7"), "{err:?}");
}

/// A transcription answered 201 with JSON that is not a transcription: the error keeps the
/// answer's own status and both ids.
#[tokio::test]
async fn a_transcription_it_cannot_read_keeps_the_status_and_the_ids() {
    let (base, _) = serve(|_: &str| -> Answer {
        (
            201,
            vec![("x-request-id", "srv-stt-9".into())],
            b"[1]".to_vec(),
        )
    })
    .await;
    let err = client(&base)
        .stt()
        .transcribe(
            ringg_api::stt::AudioFile::from_bytes("a.wav", b"RIFF....WAVE".to_vec()).unwrap(),
            &Default::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(201), "{err:?}");
    assert!(err.request_id().is_some(), "{err:?}");
    assert_eq!(err.server_request_id(), Some("srv-stt-9"), "{err:?}");
}

// `PATCH /agent/v1` is idempotent for edits that replace a field, but not for those that
// create something: a 503 (the gateway may have passed the request on) must not make a
// second A/B version or a second tool.

#[tokio::test]
async fn an_edit_that_creates_something_is_not_resent_after_an_unclear_failure() {
    use ringg_api::types::assistants::{AgentEdit, EditAssistantRequest};
    let (base, seen) = serve(|_| json(503, r#"{"detail":"upstream timed out"}"#)).await;
    let c = client(&base);
    let mut tool = serde_json::Map::new();
    tool.insert("tool_name".into(), "lookup".into());
    for edit in [
        AgentEdit::AddNewAbVersion {
            base_version_id: None,
        },
        AgentEdit::EditOnCallTool { on_call_tool: tool },
    ] {
        seen.lock().unwrap().clear();
        let req = EditAssistantRequest::new(AgentId::new("agent-1"), edit);
        let err = c.assistants().edit(&req).await.unwrap_err();
        assert_eq!(seen.lock().unwrap().len(), 1, "resent: {err}");
        assert!(err.is_outcome_unknown(), "{:?}: {err}", err.kind());
    }
    // An edit that replaces a field is resent, as before (three attempts in all).
    seen.lock().unwrap().clear();
    let req = EditAssistantRequest::new(
        AgentId::new("agent-1"),
        AgentEdit::EditAgentDisplayName {
            agent_display_name: "Sales".into(),
        },
    );
    c.assistants().edit(&req).await.unwrap_err();
    assert_eq!(seen.lock().unwrap().len(), 3);
}

// An empty 2xx answer (204, or 200 with nothing in it) is complete, not cut off: a deletion
// answered so is done, and sending it again would be answered 404.

#[tokio::test]
async fn an_empty_answer_to_a_deletion_is_success_not_a_reason_to_send_it_again() {
    for status in [204, 200] {
        let (base, seen) = serve(move |_| (status, vec![], Vec::new())).await;
        let deleted = client(&base)
            .assistants()
            .delete(&AgentId::new("agent-1"))
            .await;
        assert!(deleted.is_ok(), "{status}: {deleted:?}");
        assert_eq!(seen.lock().unwrap().len(), 1, "{status}: sent again");
    }
    // A model with required fields cannot be read from nothing: that answer is still taken
    // as cut off and read again (a GET), and then reported.
    let (base, seen) = serve(|_| (200, vec![], Vec::new())).await;
    let err = client(&base).workspace().info().await.unwrap_err();
    assert_eq!(seen.lock().unwrap().len(), 3, "{err}");
}

// An id of `.` or `..` is a dot segment, which the URL would resolve to another path (with the
// key): refused before anything is sent.

#[tokio::test]
async fn an_id_that_is_a_dot_segment_is_refused_before_sending() {
    let (base, seen) = serve(|_| json(200, r#"{"message":"ok"}"#)).await;
    let c = client(&base);
    for id in [".", ".."] {
        let err = c.assistants().delete(&AgentId::new(id)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        assert!(err.to_string().contains("another path"), "{err}");
    }
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );
}
