//! The demo workspace and the defaults new records start from.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::demo;
use crate::model::entities::{Agent, Kb, KbItem, Number, User, Voice};
use crate::model::workspace::Workspace;

/// The demo workspace (ids and contents in `demo`), with `credits` and room for `concurrency`
/// calls at a time.
pub(crate) fn demo_workspace(credits: f64, concurrency: usize) -> Workspace {
    let created = demo_created_at();
    Workspace {
        id: demo::WORKSPACE_ID.into(),
        name: demo::WORKSPACE_NAME.into(),
        created_at: created,
        credits,
        api_key: demo::DEMO_API_KEY.into(),
        users: demo_users(),
        numbers: demo_numbers(created),
        pool_id: demo::NUMBER_POOL_ID.into(),
        agents: demo_agents(created),
        kbs: vec![demo_kb(created)],
        ..Workspace::empty(concurrency)
    }
}

fn demo_created_at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-12-16T13:03:29.947147+00:00")
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now())
}

fn demo_numbers(created: DateTime<Utc>) -> Vec<Number> {
    vec![
        Number {
            id: demo::NUMBER_ID.into(),
            number: demo::NUMBER.into(),
            created_at: created,
            call_count: 0,
            agent_id: None,
            is_inbound_enabled: true,
            display_name: "Sales Line".into(),
            provider: "twilio",
            telephony_id: "0b84b167-2dcb-4bbd-abab-1837000bea17".into(),
        },
        Number {
            id: demo::NUMBER_ID_2.into(),
            number: demo::NUMBER_2.into(),
            created_at: created,
            call_count: 0,
            agent_id: Some(demo::INBOUND_AGENT_ID.into()),
            is_inbound_enabled: true,
            display_name: "Support Line".into(),
            provider: "plivo",
            telephony_id: "1c95c278-3ecc-4cde-bcbc-2948111cfb28".into(),
        },
    ]
}

fn demo_agents(created: DateTime<Utc>) -> Vec<Agent> {
    let mut sales = new_agent(
        demo::AGENT_ID,
        demo::AGENT_VERSION_ID,
        "Sales Assistant",
        "outbound",
        created,
    );
    sales.custom_variables = vec![
        "callee_name".into(),
        "mobile_number".into(),
        "company_name".into(),
    ];
    sales.prompt = json!({"prompt_sections": [
        {"section_title": "Introduction and objective", "section_content": "You are a helpful sales assistant for @{{company_name}}."},
        {"section_title": "Task", "section_content": "Tell @{{callee_name}} about the AI calling platform and book a demo."}
    ]});
    sales.intro_message = "Hello @{{callee_name}}! I'm calling from Ringg AI.".into();
    sales.webcall_public_key = demo::AGENT_WEBCALL_PUBLIC_KEY.into();
    sales.secondary_language = Some("hi-IN".into());
    sales.secondary_voice_id = Some(demo::VOICE_ID_2.into());
    sales.classification_labels = json!({
        "qualified_lead": "Interested and wants a demo",
        "not_interested": "Declined the offer",
        "callback_requested": "Asked to be called later"
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    sales.template = json!({"template_name": "sales", "template_label": "Sales Agent", "template_icon": "💼", "template_source": "ringg"})
            .as_object().cloned().unwrap_or_default();
    let mut support = new_agent(
        demo::INBOUND_AGENT_ID,
        demo::INBOUND_AGENT_VERSION_ID,
        "Support Desk",
        "inbound",
        created,
    );
    support.custom_variables = vec!["callee_name".into(), "order_id".into()];
    support.prompt = Value::String("You are a friendly support agent.".into());
    support.intro_message = "Thanks for calling support, how can I help?".into();
    support.webcall_public_key = "pk_demo_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d".into();
    vec![sales, support]
}

/// The second outbound demo assistant ([`demo::SECOND_AGENT_ID`]), added by
/// `SimulatorBuilder::demo_extras`.
pub(crate) fn second_demo_agent() -> Agent {
    let mut renewals = new_agent(
        demo::SECOND_AGENT_ID,
        demo::SECOND_AGENT_VERSION_ID,
        "Renewals Assistant",
        "outbound",
        demo_created_at(),
    );
    renewals.custom_variables = vec![
        "callee_name".into(),
        "mobile_number".into(),
        "policy_number".into(),
        "due_date".into(),
    ];
    renewals.prompt = Value::String(
        "Remind @{{callee_name}} that policy @{{policy_number}} is due on @{{due_date}}.".into(),
    );
    renewals.intro_message = "Hello @{{callee_name}}, this is a renewal reminder.".into();
    renewals
}

fn demo_kb(created: DateTime<Utc>) -> Kb {
    Kb {
        id: demo::KB_ID.into(),
        name: "Product FAQ".into(),
        created_at: created,
        updated_at: created,
        processing_since: None,
        files: vec![],
        urls: vec![KbItem {
            file_id: "b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e".into(),
            file_type: "url".into(),
            file_size: 18_432,
            value: Value::String("https://www.ringg.ai/faq".into()),
        }],
        faqs: vec![KbItem {
            file_id: "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f".into(),
            file_type: "faq".into(),
            file_size: 96,
            value: json!({"question": "What is Ringg?", "answer": "An AI voice-agent platform."}),
        }],
    }
}

fn demo_users() -> Vec<User> {
    vec![
        User {
            id: demo::USER_ID.into(),
            username: "demo".into(),
            email: "demo@ringg.ai".into(),
            role: "owner",
        },
        User {
            id: demo::MEMBER_USER_ID.into(),
            username: "sahil".into(),
            email: "sahil@example.com".into(),
            role: "member",
        },
    ]
}

/// A new agent with defaults.
pub(crate) fn new_agent(
    id: &str,
    version_id: &str,
    name: &str,
    agent_type: &str,
    now: DateTime<Utc>,
) -> Agent {
    Agent {
        id: id.into(),
        version_id: version_id.into(),
        display_name: name.into(),
        agent_type: agent_type.into(),
        language: "en-US".into(),
        secondary_language: None,
        voice_id: demo::VOICE_ID.into(),
        secondary_voice_id: None,
        custom_variables: if agent_type == "inbound" {
            vec![]
        } else {
            vec!["callee_name".into(), "mobile_number".into()]
        },
        prompt: Value::String(String::new()),
        intro_message: String::new(),
        whitelisted_domains: vec!["https://www.ringg.ai".into()],
        kb_ids: vec![],
        event_subscriptions: vec![],
        classification_labels: Map::new(),
        custom_analysis_prompt: None,
        client_analysis: None,
        call_config: json!({
            "idle_timeout_warning": 5,
            "idle_timeout_end": 10,
            "max_call_length": 240,
            "call_time": {"call_start_time": "00:00", "call_end_time": "23:00", "timezone": "Asia/Kolkata"}
        }),
        settings: Map::new(),
        template: Map::new(),
        webcall_public_key: String::new(),
        created_at: now,
        updated_at: now,
        archived: false,
        call_count: 0,
    }
}

pub(crate) fn default_voices() -> Vec<Voice> {
    vec![
        Voice {
            id: demo::VOICE_ID,
            name: "Sarah",
            gender: "female",
            languages: &["en-US", "en-IN", "hi-IN"],
        },
        Voice {
            id: demo::VOICE_ID_2,
            name: "Arjun",
            gender: "male",
            languages: &["en-IN", "hi-IN", "mr-IN", "gu-IN"],
        },
        Voice {
            id: "4c6d8e3b-9f0a-4b2c-ad7e-3f6a9b8c5d7e",
            name: "Meera",
            gender: "female",
            languages: &["hi-IN", "ta-IN", "te-IN", "kn-IN", "bn-IN", "ka-IN"],
        },
        Voice {
            id: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
            name: "Omar",
            gender: "male",
            languages: &["en-US", "ar-AE"],
        },
    ]
}
