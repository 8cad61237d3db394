use serde_json::{Value, json};

use super::*;
use crate::common::decode;
use crate::ids::VoiceId;

#[test]
fn list_envelopes() {
    let row = json!({"id": "a1", "agent_display_name": "Sales"});
    for (raw, shape) in [
        (
            json!({"status": "success", "data": {"agents": [row]}}),
            AssistantListShape::DataEnvelope,
        ),
        (
            json!({"agents": [row], "x": 1}),
            AssistantListShape::AgentsKey,
        ),
        (json!([row]), AssistantListShape::BareArray),
    ] {
        let list: AssistantList = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(list.shape, shape);
        assert_eq!(list.agents[0].id.as_str(), "a1");
        assert_eq!(serde_json::to_value(&list).unwrap(), raw);
    }
    let err = decode::<AssistantList>(br#"{"data": {"agents": [{"id": 3.5}]}}"#).unwrap_err();
    assert_eq!(err.path(), "data.agents[0].id");
    // A whole number is an ID all the same.
    let list = decode::<AssistantList>(br#"{"data": {"agents": [{"id": 3}]}}"#).unwrap();
    assert_eq!(list.agents[0].id.as_str(), "3");
    let err = decode::<AssistantList>(br#"{"status": "success"}"#).unwrap_err();
    assert!(err.message().contains("data"));
}

fn details(v: Value) -> AssistantDetails {
    serde_json::from_value(v).unwrap()
}

#[test]
fn active_version_resolution() {
    let sub = |url: &str| json!([{"event_type": ["call_completed"], "callback_url": url, "method_type": "POST"}]);
    let versions = json!({
        "v1": {"version_slug": "v1", "event_subscriptions": sub("https://one"),
               "agent_config": {"custom_variables": ["callee_name", "mobile_number", "plan"]}},
        "v2": {"version_slug": "v2", "event_subscriptions": sub("https://two")}
    });
    let active =
        details(json!({"id": "a", "active_agent_version_id": "v2", "version_details": versions}));
    assert_eq!(active.active_version().unwrap().0, "v2");
    assert_eq!(
        active.event_subscriptions().unwrap()[0].callback_url,
        "https://two"
    );

    let ab = details(
        json!({"id": "a", "active_agent_version_id": null, "is_ab_live": true,
        "ab_versions": {"v1": {"slug": "v1", "call_traffic": 0.7}, "v2": {"slug": "v2", "call_traffic": "0.3"}},
        "version_details": versions}),
    );
    assert_eq!(ab.active_version().unwrap().0, "v1");
    let live: Vec<&str> = ab.ab_versions_live().iter().map(|(id, _)| *id).collect();
    assert_eq!(live, ["v1", "v2"]);
    assert!(active.ab_versions_live().is_empty());
    assert_eq!(
        ab.custom_variable_names(),
        vec!["callee_name", "mobile_number", "plan"]
    );

    let ambiguous = details(json!({"id": "a", "version_details": versions}));
    assert!(ambiguous.active_version().is_none());

    let single = details(json!({"id": "a", "version_details": {"only": {"version_slug": "v1"}}}));
    assert_eq!(single.active_version().unwrap().0, "only");

    let flat = details(
        json!({"id": "a", "agent_config": {"custom_variables": {"callee_name": "string"}},
        "event_subscriptions": sub("https://root")}),
    );
    assert!(flat.active_version().is_none());
    assert_eq!(flat.custom_variable_names(), vec!["callee_name"]);
    assert_eq!(
        flat.event_subscriptions().unwrap()[0].callback_url,
        "https://root"
    );
}

#[test]
fn variables_a_version_does_not_list_are_read_from_the_root_configuration() {
    let a = details(json!({
        "id": "a",
        "agent_config": {"custom_variables": {"callee_name": "string", "plan": "string"}},
        "active_agent_version_id": "v1",
        "version_details": {"v1": {"agent_config": {"agent_prompt": "Hello"}}}
    }));
    assert_eq!(a.active_version().unwrap().0, "v1");
    assert_eq!(a.custom_variable_names(), vec!["callee_name", "plan"]);
}

#[test]
fn edit_round_trips_and_keeps_unread_fields() {
    let raw = json!({"operation": "edit_agent_display_name", "agent_id": "a",
        "agent_display_name": "New", "language": "en-US", "voice_speed": 1.2});
    let req: EditAssistantRequest = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(
        req.edit,
        AgentEdit::EditAgentDisplayName {
            agent_display_name: "New".into()
        }
    );
    assert!(req.extra.contains_key("language") && req.extra.contains_key("voice_speed"));
    assert_eq!(serde_json::to_value(&req).unwrap(), raw);

    let raw = json!({"operation": "attach_kb", "agent_id": "a", "version_id": "base",
        "is_draft": true, "new_draft": false, "kb_id": "k"});
    let req: EditAssistantRequest = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(req.version_id.as_ref().unwrap().as_str(), "base");
    assert_eq!(req.is_draft, Some(true));
    assert!(req.extra.is_empty());
    assert_eq!(serde_json::to_value(&req).unwrap(), raw);
}

#[test]
fn edit_variants() {
    let cases = [
        json!({"operation": "edit_traffic", "traffic_split": {"A": 0.5, "B": 0.5}}),
        json!({"operation": "delete_version"}),
        json!({"operation": "edit_prompt", "agent_prompt": {"prompt_sections": [
            {"section_title": "Role", "section_content": "You sell."}]}}),
        json!({"operation": "edit_voice", "voice_id": "v", "language": "en-IN",
               "secondary_voice_id": "", "additional_languages": null}),
        json!({"operation": "edit_custom_analysis_prompt", "custom_analysis_prompt": null}),
        json!({"operation": "add_flow_node", "node_id": "n1", "node_type": "agent_node",
               "position": {"x": 10.5, "y": -3.0}}),
        json!({"operation": "edit_node_messages", "node_id": "n1", "messages": ["hi"]}),
        json!({"operation": "edit_node_positions", "positions": [{"node_id": "n1", "x": 1.0, "y": 2.0}]}),
        json!({"operation": "brand_new_op", "whatever": 1}),
        json!({"operation": "edit_pre_call_tools", "tool_type": "API_TOOL", "tools": [{"name": "crm"}]}),
    ];
    for raw in cases {
        let edit: AgentEdit = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(edit.operation(), raw["operation"].as_str().unwrap());
        assert_eq!(serde_json::to_value(&edit).unwrap(), raw, "{edit:?}");
    }
    let node: AgentEdit =
        serde_json::from_value(json!({"operation": "edit_node_meta", "node_id": "n", "meta": {}}))
            .unwrap();
    assert!(matches!(
        node,
        AgentEdit::EditNode {
            operation: NodeEditOperation::EditNodeMeta,
            ..
        }
    ));
    let other: AgentEdit = serde_json::from_value(json!({"operation": "x_op"})).unwrap();
    assert!(matches!(other, AgentEdit::Other { .. }));
}

#[test]
fn edit_errors_are_clear() {
    let err = serde_json::from_value::<AgentEdit>(json!({"operation": "attach_kb"})).unwrap_err();
    assert!(
        err.to_string().contains("kb_id") && err.to_string().contains("attach_kb"),
        "{err}"
    );
    let err = serde_json::from_value::<AgentEdit>(json!({"kb_id": "k"})).unwrap_err();
    assert!(err.to_string().contains("operation"));
    let err = serde_json::from_value::<EditAssistantRequest>(
        json!({"operation": "attach_kb", "kb_id": "k"}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("agent_id"));
    // An ID written as a number is its digits, as the ID types read it.
    let req = serde_json::from_value::<EditAssistantRequest>(
        json!({"operation": "attach_kb", "kb_id": "k", "agent_id": 42, "version_id": 7}),
    )
    .unwrap();
    assert_eq!(req.agent_id.as_str(), "42");
    assert_eq!(req.version_id.as_ref().map(|v| v.as_str()), Some("7"));
    let err = serde_json::from_value::<EditAssistantRequest>(
        json!({"operation": "attach_kb", "kb_id": "k", "agent_id": 4.5}),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("`agent_id` must be a string"),
        "{err}"
    );
}

#[test]
fn every_typed_operation_is_typed() {
    for op in AgentEdit::typed_operations() {
        match serde_json::from_value::<AgentEdit>(json!({"operation": op})) {
            Ok(edit) => {
                assert_eq!(&edit.operation(), op);
                assert!(!matches!(
                    edit,
                    AgentEdit::Other { .. } | AgentEdit::EditNode { .. }
                ));
            }
            Err(e) => assert!(e.to_string().contains("missing field"), "{op}: {e}"),
        }
    }
    for op in NodeEditOperation::KNOWN {
        let edit: AgentEdit =
            serde_json::from_value(json!({"operation": op.as_str(), "node_id": "n"})).unwrap();
        assert!(matches!(edit, AgentEdit::EditNode { .. }));
    }
}

#[test]
fn create_validation() {
    let mut req = CreateAssistantRequest::new(
        "Sales",
        "intro",
        "guidelines",
        "task",
        Language::EnIn,
        VoiceId::new("02ad256b-092b-4048-bea0-5af46a452b98"),
        "Hello",
    );
    assert!(req.validate().is_ok());
    req.intro_message = "x".repeat(501);
    let err = req.validate().unwrap_err();
    assert_eq!(
        (err.field, err.limit, err.actual),
        ("intro_message", 500, 501)
    );
    assert!(UpdateAssistantRequest::default().is_empty());
    let upd = UpdateAssistantRequest {
        task: Some("t".repeat(1501)),
        ..Default::default()
    };
    assert_eq!(upd.validate().unwrap_err().field, "task");
}

#[test]
fn voices_query() {
    let q = VoicesQuery::for_languages(&[Language::EnUs, Language::HiIn]);
    assert_eq!(q.language.as_deref(), Some("en-US,hi-IN"));
}

#[test]
fn a_prompt_section_of_an_odd_shape_does_not_make_the_assistant_unreadable() {
    let prompt = |sections: Value| {
        decode::<AgentPrompt>(
            json!({ "prompt_sections": sections })
                .to_string()
                .as_bytes(),
        )
    };
    let read = prompt(json!([
        {"section_title": null, "section_content": "Hello"},
        {"section_content": {"greeting": "hi"}},
        {"section_title": 3, "section_content": "x"},
    ]))
    .unwrap();
    let AgentPrompt::Sections(s) = &read else {
        panic!("{read:?}")
    };
    assert_eq!(s.prompt_sections[0].section_title, "");
    assert_eq!(s.prompt_sections[0].section_content, "Hello");
    assert_eq!(s.prompt_sections[1].section_content, r#"{"greeting":"hi"}"#);
    assert_eq!(s.prompt_sections[2].section_title, "3");
    // A shape no reading takes names the field, not "no variant matched".
    let err = prompt(json!([["not", "a", "section"]])).unwrap_err();
    assert_eq!(err.path(), "prompt_sections[0]", "{err}");
    let err = decode::<AgentPrompt>(b"42").unwrap_err();
    assert!(err.to_string().contains("a prompt"), "{err}");
    assert_eq!(
        decode::<AgentPrompt>(br#""Be brief""#).unwrap(),
        AgentPrompt::Text("Be brief".into())
    );
}
