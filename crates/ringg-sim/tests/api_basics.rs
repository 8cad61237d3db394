//! Auth, workspace, numbers, assistants and bad input, over real HTTP.

mod common;

use common::{Api, fast};
use ringg_sim::demo;
use serde_json::json;

#[tokio::test]
async fn auth_and_key_rotation() {
    let (sim, api) = fast().await;
    assert_eq!(sim.base_url(), format!("http://{}/ca/api/v0", sim.addr()));
    let ws = api.get("/workspace").await;
    assert_eq!(ws.status, 200);
    assert_eq!(ws.body["workspace_info"]["id"], demo::WORKSPACE_ID);
    assert_eq!(ws.body["workspace_info"]["credits"], 3025.0);
    assert_eq!(ws.body["workspace_info"]["api_key"], demo::DEMO_API_KEY);

    let none = api.with_key("").get("/workspace").await;
    assert_eq!(none.status, 401);
    assert!(none.body["detail"].as_str().unwrap().contains("X-API-KEY"));
    let bad = api.with_key("nope").get("/workspace").await;
    assert_eq!(bad.status, 401);

    let rotated = api.send("PATCH", "/workspace/api-key", None).await;
    assert_eq!(rotated.status, 200);
    let new_key = rotated.body["new_api_key"].as_str().unwrap().to_owned();
    assert_ne!(new_key, demo::DEMO_API_KEY);
    assert_eq!(
        api.get("/workspace").await.status,
        401,
        "old key dies at once"
    );
    let fresh = api.with_key(&new_key);
    let ws = fresh.get("/workspace").await;
    assert_eq!(ws.status, 200);
    assert_eq!(ws.body["workspace_info"]["api_key"], new_key.as_str());
    assert_eq!(sim.handle().workspace().api_key.expose(), new_key);
    sim.shutdown().await;
}

#[tokio::test]
async fn workspaces_are_isolated() {
    let (sim, api) = fast().await;
    let (id, key) = sim.handle().add_workspace("Other", 10.0);
    let other = api.with_key(key.expose());
    let ws = other.get("/workspace").await;
    assert_eq!(ws.body["workspace_info"]["id"], id.as_str());
    assert_eq!(
        other
            .get(&format!("/agent/{}", demo::AGENT_ID))
            .await
            .status,
        404
    );
    let agents = other.get("/agent/all").await;
    assert_eq!(agents.body["data"]["agents"].as_array().unwrap().len(), 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn workspace_lists_and_numbers() {
    let (sim, api) = fast().await;
    let all = api.get("/workspace/all").await;
    assert_eq!(all.body["workspaces"][0]["role"], "owner");
    let users = api.get("/workspace/users?limit=1&offset=0").await;
    assert_eq!(users.body["workspace_users"].as_array().unwrap().len(), 1);
    let users = api.get("/workspace/users").await;
    assert_eq!(users.body["workspace_users"].as_array().unwrap().len(), 2);
    assert_eq!(
        api.get("/workspace/users?limit=abc").await.status,
        422,
        "bad limit"
    );
    let nums = api.get("/workspace/numbers").await;
    let rows = nums.body["workspace_numbers"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], demo::NUMBER_ID);
    assert_eq!(rows[0]["number"], demo::NUMBER);
    assert_eq!(rows[1]["agent"]["id"], demo::INBOUND_AGENT_ID);
    assert_eq!(rows[0]["number_pool_id"], demo::NUMBER_POOL_ID);
    sim.shutdown().await;
}

fn create_body() -> serde_json::Value {
    json!({
        "agent_name": "My Sales Agent",
        "introduction_and_objective": "You sell things.",
        "response_guidelines": "Be brief.",
        "task": "Book a demo.",
        "primary_language": "en-IN",
        "voice_id": demo::VOICE_ID,
        "intro_message": "Hello, this is Sarah",
        "custom_variables": ["company"],
    })
}

#[tokio::test]
async fn assistants_crud_and_validation() {
    let (sim, api) = fast().await;
    let list = api.get("/agent/all?limit=20&offset=0").await;
    assert_eq!(list.body["status"], "success");
    assert_eq!(list.body["data"]["agents"].as_array().unwrap().len(), 2);

    let one = api.get(&format!("/agent/{}", demo::AGENT_ID)).await;
    let a = &one.body["agents"];
    assert_eq!(a["agent_type"], "outbound");
    assert_eq!(a["webcall_public_key"], demo::AGENT_WEBCALL_PUBLIC_KEY);
    assert_eq!(
        a["agent_config"]["custom_variables"]["company_name"],
        "string"
    );
    let v = &a["version_details"][demo::AGENT_VERSION_ID];
    assert_eq!(v["agent_config"]["custom_variables"][0], "callee_name");

    let created = api.post("/public/agent", create_body()).await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["success"], true);
    assert_eq!(created.body["data"]["version"], "v1");
    let id = created.body["data"]["id"].as_str().unwrap().to_owned();
    let got = api.get(&format!("/agent/{id}")).await;
    let vars = &got.body["agents"]["agent_config"]["custom_variables"];
    for v in ["callee_name", "mobile_number", "company"] {
        assert_eq!(vars[v], "string", "outbound agents always have {v}");
    }

    // Validation: missing, too long, bad enum, wrong type.
    let mut b = create_body();
    b.as_object_mut().unwrap().remove("task");
    b["agent_name"] = json!("x".repeat(101));
    b["primary_language"] = json!("xx-XX");
    let r = api.post("/public/agent", b).await;
    assert_eq!(r.status, 422);
    let kinds: Vec<&str> = r.body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"missing") && kinds.contains(&"string_too_long") && kinds.contains(&"enum"),
        "{kinds:?}"
    );
    let mut b = create_body();
    b["voice_id"] = json!("no-such-voice");
    assert_eq!(api.post("/public/agent", b).await.status, 400);

    let upd = api
        .patch(
            &format!("/public/agent/{id}"),
            json!({"agent_name": "Renamed", "task": "New task"}),
        )
        .await;
    assert_eq!(upd.status, 200);
    assert_eq!(upd.body["message"], "Agent updated successfully");
    let got = api.get(&format!("/agent/{id}")).await;
    assert_eq!(got.body["agents"]["agent_display_name"], "Renamed");
    assert!(
        got.body["agents"]["agent_config"]["agent_prompt"]
            .as_str()
            .unwrap()
            .contains("New task")
    );

    assert_eq!(api.delete(&format!("/agent/{id}")).await.status, 200);
    assert_eq!(api.get(&format!("/agent/{id}")).await.status, 404);
    assert_eq!(api.delete(&format!("/agent/{id}")).await.status, 404);
    let list = api.get("/agent/all").await;
    assert_eq!(list.body["data"]["agents"].as_array().unwrap().len(), 2);

    let voices = api.get("/agent/voices?language=ar-AE").await;
    assert_eq!(voices.body["voices"].as_array().unwrap().len(), 1);
    assert!(voices.body["voices"][0]["voice_previews"]["ar-AE"].is_string());
    sim.shutdown().await;
}

#[tokio::test]
async fn unmodelled_and_unknown_edit_operations_are_told_apart() {
    let (sim, api) = fast().await;
    let a = demo::AGENT_ID;
    for op in ["push_to_prod", "add_flow_node", "edit_node_meta"] {
        let r = edit(&api, json!({"operation": op, "agent_id": a})).await;
        assert_eq!(r.status, 400, "{op}");
        let detail = r.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("not modelled"), "{op}: {detail}");
    }
    let r = edit(
        &api,
        json!({"operation": "no_such_operation", "agent_id": a}),
    )
    .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    assert!(
        r.body.to_string().contains("Unknown operation"),
        "{:?}",
        r.body
    );
    sim.shutdown().await;
}

async fn edit(api: &Api, body: serde_json::Value) -> common::Resp {
    api.patch("/agent/v1", body).await
}

#[tokio::test]
async fn agent_v1_operations() {
    let (sim, api) = fast().await;
    let a = demo::AGENT_ID;
    // Required fields → 400 with the backend's wording.
    let r = edit(&api, json!({"operation": "attach_kb", "agent_id": a})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["detail"],
        "'kb_id' is required for operation 'attach_kb'"
    );
    // attach twice → 400; unknown kb → 404; remove.
    let r = edit(
        &api,
        json!({"operation": "attach_kb", "agent_id": a, "kb_id": demo::KB_ID}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["message"], "Knowledge Base attached successfully");
    let r = edit(
        &api,
        json!({"operation": "attach_kb", "agent_id": a, "kb_id": demo::KB_ID}),
    )
    .await;
    assert_eq!(
        (r.status, r.body["detail"].as_str()),
        (400, Some("Knowledge Base already attached"))
    );
    let r = edit(
        &api,
        json!({"operation": "attach_kb", "agent_id": a, "kb_id": "missing"}),
    )
    .await;
    assert_eq!(r.status, 404);
    let got = api.get(&format!("/agent/{a}")).await;
    assert_eq!(got.body["agents"]["knowledge_base_id"], demo::KB_ID);
    // Outbound agents keep callee_name / mobile_number.
    let r = edit(
        &api,
        json!({"operation": "edit_custom_vars", "agent_id": a, "custom_variables": ["company"]}),
    )
    .await;
    assert_eq!(r.status, 403);
    let r = edit(&api, json!({"operation": "edit_custom_vars", "agent_id": a, "custom_variables": ["callee_name", "mobile_number", "plan"]})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["message"], "Agent updated successfully!");
    // Whitelisted domains must keep ringg.ai.
    let r = edit(&api, json!({"operation": "edit_agent_whitelisted_domains", "agent_id": a, "whitelisted_domains": ["https://example.com"]})).await;
    assert_eq!(r.status, 400);
    let r = edit(&api, json!({"operation": "edit_agent_whitelisted_domains", "agent_id": a, "whitelisted_domains": ["https://www.ringg.ai", "https://example.com"]})).await;
    assert_eq!(r.status, 200);
    // Unknown agent / number; inbound numbers need an inbound agent.
    let r = edit(
        &api,
        json!({"operation": "edit_voice_speed", "agent_id": "nope", "voice_speed": 1.2}),
    )
    .await;
    assert_eq!(r.status, 404);
    let r = edit(
        &api,
        json!({"operation": "attach_inbound_number", "agent_id": a, "number_id": demo::NUMBER_ID}),
    )
    .await;
    assert_eq!(r.status, 400, "outbound agent");
    let ib = demo::INBOUND_AGENT_ID;
    let r = edit(
        &api,
        json!({"operation": "attach_inbound_number", "agent_id": ib, "number_id": "nope"}),
    )
    .await;
    assert_eq!(r.status, 404);
    let r = edit(
        &api,
        json!({"operation": "attach_inbound_number", "agent_id": ib, "number_id": demo::NUMBER_ID}),
    )
    .await;
    assert_eq!(r.status, 200);
    let nums = api.get("/workspace/numbers").await;
    assert_eq!(nums.body["workspace_numbers"][0]["agent"]["id"], ib);
    // Event subscriptions replace the set and show on the active version.
    let subs = json!([{"event_type": ["call_completed"], "callback_url": "http://127.0.0.1:9/a", "method_type": "POST"}]);
    assert_eq!(edit(&api, json!({"operation": "edit_event_subscriptions", "agent_id": a, "event_subscriptions": subs})).await.status, 200);
    let subs2 = json!([{"event_type": "all_processing_completed", "callback_url": "http://127.0.0.1:9/b", "method_type": "PUT", "headers": {"X-Token": "t"}}]);
    assert_eq!(edit(&api, json!({"operation": "edit_event_subscriptions", "agent_id": a, "event_subscriptions": subs2})).await.status, 200);
    let got = api.get(&format!("/agent/{a}")).await;
    let shown =
        &got.body["agents"]["version_details"][demo::AGENT_VERSION_ID]["event_subscriptions"];
    assert_eq!(shown.as_array().unwrap().len(), 1);
    assert_eq!(shown[0]["callback_url"], "http://127.0.0.1:9/b");
    let r = edit(&api, json!({"operation": "edit_event_subscriptions", "agent_id": a, "event_subscriptions": [{"event_type": "nope", "callback_url": "x"}]})).await;
    assert_eq!(r.status, 422);
    // Types, enums, unknown and unmodelled operations.
    let r = edit(
        &api,
        json!({"operation": "edit_voice_speed", "agent_id": a, "voice_speed": "fast"}),
    )
    .await;
    assert_eq!(r.status, 422);
    let r = edit(
        &api,
        json!({"operation": "edit_language", "agent_id": a, "language": "fr-FR"}),
    )
    .await;
    assert_eq!(r.status, 422);
    let r = edit(&api, json!({"operation": "edit_voice", "agent_id": a, "voice_id": demo::VOICE_ID_2, "language": "hi-IN", "secondary_language": "hi-IN"})).await;
    assert_eq!(r.status, 400, "secondary must differ");
    let r = edit(&api, json!({"operation": "edit_voice", "agent_id": a, "voice_id": demo::VOICE_ID_2, "language": "hi-IN", "secondary_language": "en-IN"})).await;
    assert_eq!(r.status, 200);
    let r = edit(
        &api,
        json!({"operation": "edit_prompt", "agent_id": a, "agent_prompt": "Hi {{ name"}),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = edit(&api, json!({"operation": "edit_intro_message", "agent_id": a, "intro_message": "<p>Hello @{{callee_name}}</p>"})).await;
    assert_eq!(r.status, 200);
    let r = edit(&api, json!({"operation": "edit_agent", "agent_id": a})).await;
    assert_eq!(r.status, 422);
    let r = edit(
        &api,
        json!({"operation": "toggle_ab_testing", "agent_id": a, "ab_enabled": true}),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = edit(&api, json!({"operation": "edit_classification_labels", "agent_id": a, "classification_labels": {"hot": "Wants to buy"}})).await;
    assert_eq!(r.status, 200);
    let r = edit(&api, json!({"operation": "edit_custom_analysis_prompt", "agent_id": a, "custom_analysis_prompt": {"prompt": "p", "keys": {"amount": "money"}}})).await;
    assert_eq!(r.status, 400);
    let got = api.get(&format!("/agent/{a}")).await;
    let ag = &got.body["agents"];
    assert_eq!(ag["voice"]["id"], demo::VOICE_ID_2);
    assert_eq!(
        ag["agent_config"]["intro_message"],
        "Hello @{{callee_name}}"
    );
    assert_eq!(ag["classification_labels"]["hot"], "Wants to buy");
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_input_and_routing() {
    let (sim, api) = fast().await;
    let r = api.get("/no/such/route").await;
    assert_eq!(r.status, 404);
    assert!(r.body["detail"].is_string());
    let r = api.send("POST", "/workspace", Some(json!({}))).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.headers["allow"], "GET");
    let r = api
        .try_send(
            "POST",
            "/public/agent",
            Some("application/json"),
            b"{not json".to_vec(),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert_eq!(r.body["detail"][0]["type"], "json_invalid");
    let r = api
        .try_send(
            "POST",
            "/public/agent",
            Some("application/json"),
            b"[1,2]".to_vec(),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let r = api
        .try_send("PATCH", "/agent/v1", None, Vec::new())
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let big = vec![b' '; ringg_sim::JSON_BODY_LIMIT + 10];
    let r = api
        .try_send("POST", "/public/agent", Some("application/json"), big)
        .await
        .unwrap();
    assert_eq!(r.status, 413);
    let r = api
        .try_send(
            "POST",
            "/campaign/save",
            Some("application/json"),
            b"{}".to_vec(),
        )
        .await
        .unwrap();
    assert_eq!(
        r.status, 422,
        "multipart endpoints name the expected content type"
    );
    // Still alive.
    assert_eq!(api.get("/workspace").await.status, 200);
    sim.shutdown().await;
}
