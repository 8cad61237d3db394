//! `ringg assistants …` against a simulator: listing, details, create/update/delete, voices,
//! every dedicated edit operation and `raw`, and `embed`.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use common::{bare, fails, ok, ringg, sim};
use ringg_sim::demo::{AGENT_ID, AGENT_WEBCALL_PUBLIC_KEY, KB_ID, VOICE_ID};

#[tokio::test(flavor = "multi_thread")]
async fn list_and_get_in_both_formats() {
    let sim = sim().await;
    let r = ok(ringg(&sim, &["assistants", "list"])).await;
    assert!(r.stdout.contains("Sales Assistant") && r.stdout.contains("Support Desk"));
    let r = ok(ringg(&sim, &["-o", "json", "assistants", "list", "--all"])).await;
    let v = r.json_lines();
    assert_eq!(v.len(), 2);
    assert!(v.iter().any(|a| a["id"] == AGENT_ID));

    let r = ok(ringg(&sim, &["assistants", "get", AGENT_ID])).await;
    assert!(
        r.stdout
            .contains("callee_name, mobile_number, company_name"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("webhooks"));
    let r = ok(ringg(
        &sim,
        &["agents", "get", AGENT_ID, "--output", "json"],
    ))
    .await;
    assert_eq!(r.json()["id"], AGENT_ID);
    assert_eq!(r.json()["webcall_public_key"], AGENT_WEBCALL_PUBLIC_KEY);

    // An unknown id is a one-line error that says what to do.
    let r = fails(
        ringg(
            &sim,
            &["assistants", "get", "00000000-0000-4000-8000-000000000000"],
        ),
        3,
    )
    .await;
    assert!(r.stderr.contains("404"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn create_update_delete_and_voices() {
    let sim = sim().await;
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "assistants",
            "create",
            "--name",
            "Renewals",
            "--objective",
            "Remind customers of renewals",
            "--guidelines",
            "Be brief and polite",
            "--task",
            "Confirm the renewal date",
            "--language",
            "en-IN",
            "--voice",
            VOICE_ID,
            "--intro-message",
            "Hello, this is Sarah",
            "--var",
            "callee_name",
            "--var",
            "mobile_number",
            "--var",
            "policy_id",
        ],
    ))
    .await;
    let id = r.json()["data"]["id"].as_str().unwrap().to_string();
    let r = ok(ringg(&sim, &["assistants", "get", &id])).await;
    assert!(
        r.stdout.contains("Renewals") && r.stdout.contains("policy_id"),
        "{}",
        r.stdout
    );

    let r = ok(ringg(
        &sim,
        &["assistants", "update", &id, "--name", "Renewals v2"],
    ))
    .await;
    assert!(r.stdout.contains("updated assistant"), "{}", r.stdout);
    let r = ok(ringg(&sim, &["-o", "json", "assistants", "get", &id])).await;
    assert_eq!(r.json()["agent_display_name"], "Renewals v2");
    // Nothing to update is a usage error.
    fails(ringg(&sim, &["assistants", "update", &id]), 2).await;

    // Deleting needs --yes.
    fails(ringg(&sim, &["assistants", "delete", &id]), 2).await;
    ok(ringg(&sim, &["assistants", "delete", &id, "--yes"])).await;
    fails(ringg(&sim, &["assistants", "get", &id]), 3).await;

    let r = ok(ringg(&sim, &["assistants", "voices"])).await;
    assert!(r.stdout.contains("Sarah"), "{}", r.stdout);
    let r = ok(ringg(
        &sim,
        &["-o", "json", "assistants", "voices", "--language", "hi-IN"],
    ))
    .await;
    let voices = r.json()["items"].clone();
    assert!(!voices.as_array().unwrap().is_empty());
    for v in voices.as_array().unwrap() {
        assert!(
            v["languages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l == "hi-IN"),
            "{v}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_assistant_name_is_refused_before_anything_is_sent() {
    let sim = sim().await;
    for name in ["", "   "] {
        let r = fails(
            ringg(
                &sim,
                &[
                    "assistants",
                    "create",
                    "--name",
                    name,
                    "--objective",
                    "Remind customers of renewals",
                    "--guidelines",
                    "Be brief",
                    "--task",
                    "Confirm the date",
                    "--language",
                    "en-IN",
                    "--voice",
                    VOICE_ID,
                    "--intro-message",
                    "Hello",
                ],
            ),
            2,
        )
        .await;
        assert!(
            r.stderr
                .contains("--name is empty; give the assistant's name"),
            "{}",
            r.stderr
        );
        let r = fails(
            ringg(
                &sim,
                &["assistants", "update", "Sales Assistant", "--name", name],
            ),
            2,
        )
        .await;
        assert!(r.stderr.contains("--name is empty"), "{}", r.stderr);
    }
    // Too long, in the command line's words (the flag, not the API field).
    let long = "x".repeat(1501);
    let r = fails(
        ringg(
            &sim,
            &["assistants", "update", "Sales Assistant", "--task", &long],
        ),
        2,
    )
    .await;
    assert!(
        r.stderr.contains("--task is 1501 characters long") && !r.stderr.contains("`task`"),
        "{}",
        r.stderr
    );
    let sent = sim.handle().stats().by_operation;
    assert!(
        !sent.contains_key("createAssistant") && !sent.contains_key("updateAssistant"),
        "{sent:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_dedicated_edit_operation() {
    let sim = sim().await;
    let edit = |args: &[&str]| {
        let mut all = vec!["assistants", "edit", AGENT_ID];
        all.extend_from_slice(args);
        ringg(&sim, &all)
    };
    let r = ok(edit(&["display-name", "Sales Bot"])).await;
    assert!(r.stdout.contains("edit_agent_display_name"), "{}", r.stdout);
    ok(edit(&["prompt", "You sell @{{company_name}} plans."])).await;
    let dir = tempfile::tempdir().unwrap();
    let prompt = dir.path().join("prompt.txt");
    std::fs::write(&prompt, "Prompt from a file for @{{callee_name}}.").unwrap();
    ok(edit(&["prompt", "--file", prompt.to_str().unwrap()])).await;
    ok(edit(&["intro-message", "Hi @{{callee_name}}!"])).await;
    ok(edit(&[
        "custom-vars",
        "callee_name",
        "mobile_number",
        "company_name",
        "plan",
    ]))
    .await;
    ok(edit(&[
        "voice",
        "--voice-id",
        VOICE_ID,
        "--language",
        "en-US",
    ]))
    .await;
    ok(edit(&["voice-speed", "1.1"])).await;
    ok(edit(&[
        "whitelisted-domains",
        "https://www.ringg.ai",
        "https://a.example",
    ]))
    .await;
    ok(edit(&["attach-kb", KB_ID])).await;
    ok(edit(&[
        "classification-labels",
        "--label",
        "hot=wants to buy",
        "--label",
        "cold=not now",
    ]))
    .await;
    ok(edit(&["call-config", r#"{"max_call_length":300}"#])).await;
    ok(edit(&[
        "event-subscriptions",
        "--json",
        r#"[{"event_type":["call_completed"],"callback_url":"https://hooks.example/r","method_type":"POST"}]"#,
    ]))
    .await;
    let r = ok(edit(&[
        "-o",
        "json",
        "raw",
        "--json",
        r#"{"operation":"edit_timezone","timezone":"Asia/Dubai"}"#,
    ]))
    .await;
    assert!(r.json()["message"].is_string());

    let r = ok(ringg(&sim, &["-o", "json", "assistants", "get", AGENT_ID])).await;
    let v = r.json();
    assert_eq!(v["agent_display_name"], "Sales Bot");
    let text = v.to_string();
    for needle in [
        "plan",
        "https://a.example",
        "hot",
        "https://hooks.example/r",
        "Asia/Dubai",
        "Prompt from a file",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
    let r = ok(ringg(
        &sim,
        &["assistants", "edit", AGENT_ID, "remove-kb", KB_ID],
    ))
    .await;
    assert!(r.stdout.contains("remove_kb"));

    // Bad input is refused before sending, with exit code 2.
    fails(edit(&["call-config", "not json"]), 2).await;
    fails(edit(&["raw", "--json", r#"{"timezone":"x"}"#]), 2).await;
    fails(
        edit(&[
            "raw",
            "--json",
            r#"{"operation":"edit_timezone","agent_id":"someone-else"}"#,
        ]),
        2,
    )
    .await;
    fails(edit(&["voice-speed", "-1"]), 2).await;
    // The server's refusals come back as one line: outbound assistants keep callee_name.
    // Ringg answers 403 to this refused edit: the advice is about the request, not a role,
    // and the exit code is not the authentication one (4).
    let r = fails(edit(&["custom-vars", "plan"]), 1).await;
    assert!(!r.stderr.contains("role"), "{}", r.stderr);
    assert!(
        r.stderr.contains("callee_name") || r.stderr.contains("403"),
        "{}",
        r.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_whitelists_the_domain_and_uses_the_public_key() {
    let sim = sim().await;
    let r = ok(ringg(
        &sim,
        &[
            "assistants",
            "embed",
            AGENT_ID,
            "--domain",
            "https://shop.example",
        ],
    ))
    .await;
    assert!(
        r.stdout
            .contains(&format!(r#"xApiKey: "{AGENT_WEBCALL_PUBLIC_KEY}""#)),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(&format!(r#"agentId: "{AGENT_ID}""#)));
    assert!(r.stdout.contains("@desivocal/agents-cdn@") && r.stdout.contains("dv-agent.es.js"));
    assert!(r.stdout.contains("style.css") && r.stdout.contains(r#"loadAgentsCdn("1.0.21""#));
    assert!(
        r.stderr.contains("whitelisted https://shop.example"),
        "{}",
        r.stderr
    );

    let r = ok(ringg(&sim, &["-o", "json", "assistants", "get", AGENT_ID])).await;
    let domains = r.json()["whitelisted_domains"].clone();
    let list: Vec<&str> = domains
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        list.contains(&"https://www.ringg.ai") && list.contains(&"https://shop.example"),
        "{list:?}"
    );

    // A second run changes nothing; JSON says so.
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "assistants",
            "embed",
            AGENT_ID,
            "--domain",
            "shop.example",
        ],
    ))
    .await;
    assert_eq!(r.json()["whitelist_changed"], false);
    assert_eq!(r.json()["public_key"], AGENT_WEBCALL_PUBLIC_KEY);

    fails(
        ringg(
            &sim,
            &[
                "assistants",
                "embed",
                AGENT_ID,
                "--domain",
                "https://shop.example/cart",
            ],
        ),
        2,
    )
    .await;
}

/// A loopback server that answers `GET /agent/{id}` with an assistant that has no
/// web-call public key, and records every request line.
fn no_public_key_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            let mut buf = vec![0u8; 8192];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            log.lock()
                .unwrap()
                .push(head.lines().next().unwrap_or_default().to_string());
            let body = r#"{"agents":{"id":"a-1","agent_display_name":"No Web","whitelisted_domains":["https://www.ringg.ai"],"webcall_public_key":null}}"#;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("http://{addr}/ca/api/v0"), seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_refuses_an_assistant_without_a_public_key() {
    let (base, seen) = no_public_key_server();
    let mut c = bare();
    c.args([
        "--base-url",
        &base,
        "--api-key",
        ringg_sim::DEMO_API_KEY,
        "assistants",
        "embed",
        "0a1b2c3d-0000-4000-8000-000000000001",
        "--domain",
        "https://shop.example",
    ]);
    let r = fails(c, 1).await;
    assert!(r.stderr.contains("no web-call public key"), "{}", r.stderr);
    assert!(
        r.stderr.contains("API key must never go into a web page"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let requests = seen.lock().unwrap().clone();
    assert!(
        requests.iter().all(|l| l.starts_with("GET ")),
        "no edit may be sent: {requests:?}"
    );
}

/// `edit call-config` refuses keys Ringg does not document and values of the wrong type,
/// before sending, saying where a misplaced key belongs; documented keys go through.
#[tokio::test(flavor = "multi_thread")]
async fn call_config_edits_are_checked_before_sending() {
    let sim = sim().await;
    let edits = || {
        sim.handle()
            .stats()
            .by_operation
            .get("editAssistant")
            .copied()
            .unwrap_or(0)
    };
    let before = edits();
    for (json, says) in [
        (r#"{"retry_count":2}"#, "belongs in call_retry_config"),
        (
            r#"{"call_retry_config":{"retry_count":2,"retry_every":5}}"#,
            "call_retry_config has no key \"retry_every\"",
        ),
        (r#"{"max_call_length":"long"}"#, "max_call_length"),
    ] {
        let r = fails(
            ringg(&sim, &["assistants", "edit", AGENT_ID, "call-config", json]),
            2,
        )
        .await;
        assert!(r.stderr.contains(says), "{json}: {}", r.stderr);
    }
    assert_eq!(edits(), before, "nothing was sent");
    let documented = r#"{"call_retry_config":{"retry_count":2,"retry_busy":30},"voicemail":{"detect":true,"action":"end"},"max_call_length":300}"#;
    ok(ringg(
        &sim,
        &["assistants", "edit", AGENT_ID, "call-config", documented],
    ))
    .await;
    assert_eq!(edits(), before + 1);
}
