//! The simulator's data: workspaces and everything in them.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};
use tokio::sync::Semaphore;

use crate::demo;
use crate::engine::CallOutcome;

/// Credits locked for every queued call (INF).
pub(crate) const CREDIT_LOCK_PER_CALL: f64 = 1.0;
/// Credits charged per second of answered call (INF).
pub(crate) const CREDITS_PER_SECOND: f64 = 0.01;

/// A call's status (the documented §1.7 values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Status {
    Registered,
    Ongoing,
    Retry,
    Completed,
    Failed,
    Error,
    Cancelled,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::Ongoing => "ongoing",
            Status::Retry => "retry",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Error => "error",
            Status::Cancelled => "cancelled",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "registered" => Status::Registered,
            "ongoing" => Status::Ongoing,
            "retry" => Status::Retry,
            "completed" => Status::Completed,
            "failed" => Status::Failed,
            "error" => Status::Error,
            "cancelled" => Status::Cancelled,
            _ => return None,
        })
    }

    pub(crate) fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Completed | Status::Failed | Status::Error | Status::Cancelled
        )
    }

    pub(crate) fn is_terminable(self) -> bool {
        matches!(self, Status::Registered | Status::Retry)
    }
}

/// Where webhook-style callbacks for one call go besides the agent's subscriptions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Callback {
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) params: Vec<(String, String)>,
}

/// One webhook subscription item as stored on an agent.
#[derive(Debug, Clone)]
pub(crate) struct Subscription {
    pub(crate) event_types: Vec<String>,
    pub(crate) callback_url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) method: String,
    /// The item as submitted (echoed by `GET /agent/{id}`).
    pub(crate) raw: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) email: String,
    pub(crate) role: &'static str,
}

#[derive(Debug, Clone)]
pub(crate) struct Number {
    pub(crate) id: String,
    pub(crate) number: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) call_count: u64,
    pub(crate) agent_id: Option<String>,
    pub(crate) is_inbound_enabled: bool,
    pub(crate) display_name: String,
    pub(crate) provider: &'static str,
    pub(crate) telephony_id: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Voice {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) gender: &'static str,
    pub(crate) languages: &'static [&'static str],
}

/// An assistant.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    pub(crate) id: String,
    pub(crate) version_id: String,
    pub(crate) display_name: String,
    pub(crate) agent_type: String,
    pub(crate) language: String,
    pub(crate) secondary_language: Option<String>,
    pub(crate) voice_id: String,
    pub(crate) secondary_voice_id: Option<String>,
    pub(crate) custom_variables: Vec<String>,
    /// A string or `{prompt_sections: [...]}`.
    pub(crate) prompt: Value,
    pub(crate) intro_message: String,
    pub(crate) whitelisted_domains: Vec<String>,
    pub(crate) kb_ids: Vec<String>,
    pub(crate) event_subscriptions: Vec<Subscription>,
    pub(crate) classification_labels: Map<String, Value>,
    pub(crate) custom_analysis_prompt: Option<Value>,
    pub(crate) client_analysis: Option<Value>,
    pub(crate) call_config: Value,
    /// Everything else the edit operations store (voice_speed, vocab, dtmf_settings, ...).
    pub(crate) settings: Map<String, Value>,
    pub(crate) template: Map<String, Value>,
    pub(crate) webcall_public_key: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) archived: bool,
    pub(crate) call_count: u64,
}

impl Agent {
    pub(crate) fn is_outbound(&self) -> bool {
        self.agent_type == "outbound" || self.agent_type == "outbound_inbound"
    }

    pub(crate) fn accepts_inbound(&self) -> bool {
        self.agent_type == "inbound" || self.agent_type == "outbound_inbound"
    }

    /// The subscription (url, headers, method) that receives `event_type`: the last item naming
    /// the event wins.
    pub(crate) fn subscription_for(&self, event_type: &str) -> Option<&Subscription> {
        self.event_subscriptions
            .iter()
            .rev()
            .find(|s| s.event_types.iter().any(|e| e == event_type))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct KbItem {
    pub(crate) file_id: String,
    pub(crate) file_type: String,
    pub(crate) file_size: u64,
    /// filename (files), url (urls) or `{question, answer}` (faqs).
    pub(crate) value: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct Kb {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// When the current processing run started (real time).
    pub(crate) processing_since: Option<Instant>,
    pub(crate) files: Vec<KbItem>,
    pub(crate) urls: Vec<KbItem>,
    pub(crate) faqs: Vec<KbItem>,
}

/// Standard (`/campaign/save`) or large (`/campaign/upload-csv`) list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    Standard,
    Large,
}

/// A contact list / campaign (one ID for both, INF).
#[derive(Debug, Clone)]
pub(crate) struct ContactList {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) agent_id: String,
    pub(crate) kind: ListKind,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) start_time: Option<DateTime<Utc>>,
    pub(crate) end_time: Option<DateTime<Utc>>,
    pub(crate) call_config: Value,
    /// One object per valid row: the mapped variables plus `mobile_number` and `callee_name`.
    pub(crate) rows: Vec<Map<String, Value>>,
    pub(crate) total_rows: usize,
    pub(crate) invalid_lines: Vec<usize>,
    pub(crate) csv_file_name: String,
    pub(crate) remove_invalid_rows: bool,
    /// `draft`, `scheduled`, `ongoing`, `completed`, `terminated`.
    pub(crate) status: &'static str,
    pub(crate) uploaded_at: Instant,
    pub(crate) started_at: Option<DateTime<Utc>>,
    pub(crate) concurrency: Option<Arc<Semaphore>>,
    pub(crate) callback: Option<Callback>,
}

/// One call (an individual call or a campaign row).
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) id: String,
    pub(crate) seq: u64,
    pub(crate) agent_id: String,
    pub(crate) version_id: String,
    pub(crate) agent_name: String,
    pub(crate) to_number: String,
    pub(crate) from_number: String,
    pub(crate) callee_name: String,
    pub(crate) direction: &'static str,
    pub(crate) status: Status,
    pub(crate) sub_status: Option<&'static str>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) attempt_time: Option<DateTime<Utc>>,
    pub(crate) next_attempt_time: Option<DateTime<Utc>>,
    pub(crate) scheduled_at: Option<DateTime<Utc>>,
    pub(crate) attempts: u32,
    pub(crate) retry_count: u32,
    /// Minutes to wait after busy / not picked / failed.
    pub(crate) retry_minutes: [f64; 3],
    pub(crate) custom_args: Map<String, Value>,
    pub(crate) callback: Option<Callback>,
    pub(crate) bulk_list_id: Option<String>,
    pub(crate) call_sid: String,
    pub(crate) duration: f64,
    pub(crate) cost: Option<f64>,
    pub(crate) transcript: Vec<Value>,
    pub(crate) recording_url: Option<String>,
    pub(crate) recording_duration: Option<f64>,
    pub(crate) platform_analysis: Option<Value>,
    pub(crate) client_analysis: Option<Value>,
    pub(crate) credits_processed: bool,
    pub(crate) locked: f64,
    pub(crate) voicemail: bool,
    pub(crate) call_category: Option<String>,
    pub(crate) parent_call_id: Option<String>,
    /// Outcomes of finished attempts, oldest first.
    pub(crate) attempt_log: Vec<CallOutcome>,
}

/// A workspace and everything it owns.
#[derive(Debug)]
pub(crate) struct Workspace {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) credits: f64,
    pub(crate) locked_credits: f64,
    pub(crate) api_key: String,
    pub(crate) users: Vec<User>,
    pub(crate) numbers: Vec<Number>,
    pub(crate) pool_id: String,
    pub(crate) agents: Vec<Agent>,
    pub(crate) kbs: Vec<Kb>,
    pub(crate) lists: Vec<ContactList>,
    pub(crate) calls: Vec<Call>,
    pub(crate) call_index: HashMap<String, usize>,
    pub(crate) rate_windows: HashMap<&'static str, VecDeque<Instant>>,
    pub(crate) capacity: Arc<Semaphore>,
}

impl Workspace {
    pub(crate) fn agent(&self, id: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id && !a.archived)
    }

    pub(crate) fn agent_mut(&mut self, id: &str) -> Option<&mut Agent> {
        self.agents.iter_mut().find(|a| a.id == id && !a.archived)
    }

    pub(crate) fn call(&self, id: &str) -> Option<&Call> {
        self.call_index.get(id).map(|&i| &self.calls[i])
    }

    pub(crate) fn call_mut(&mut self, id: &str) -> Option<&mut Call> {
        self.call_index.get(id).map(|&i| &mut self.calls[i])
    }

    pub(crate) fn list(&self, id: &str) -> Option<&ContactList> {
        self.lists.iter().find(|l| l.id == id)
    }

    pub(crate) fn list_mut(&mut self, id: &str) -> Option<&mut ContactList> {
        self.lists.iter_mut().find(|l| l.id == id)
    }

    pub(crate) fn kb(&self, id: &str) -> Option<&Kb> {
        self.kbs.iter().find(|k| k.id == id)
    }

    pub(crate) fn available_credits(&self) -> f64 {
        self.credits - self.locked_credits
    }

    pub(crate) fn push_call(&mut self, call: Call) {
        self.call_index.insert(call.id.clone(), self.calls.len());
        self.calls.push(call);
    }

    /// Releases the credit held by a call (on a terminal status).
    pub(crate) fn release_lock(&mut self, call_id: &str) {
        let Some(&i) = self.call_index.get(call_id) else {
            return;
        };
        let held = std::mem::take(&mut self.calls[i].locked);
        self.locked_credits = (self.locked_credits - held).max(0.0);
    }

    /// Number row by id or by E.164 value.
    pub(crate) fn number_by_id_or_value(&self, s: &str) -> Option<&Number> {
        self.numbers.iter().find(|n| n.id == s || n.number == s)
    }

    /// Sliding-window rate limit: records the request or returns the real seconds to wait.
    pub(crate) fn rate_check(
        &mut self,
        bucket: &'static str,
        limit: usize,
        window: std::time::Duration,
    ) -> Result<(), f64> {
        let now = Instant::now();
        let q = self.rate_windows.entry(bucket).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= limit {
            let oldest = q.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs_f64());
        }
        q.push_back(now);
        Ok(())
    }
}

/// All simulator data.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) workspaces: BTreeMap<String, Workspace>,
    /// API key → workspace id.
    pub(crate) keys: HashMap<String, String>,
    pub(crate) voices: Vec<Voice>,
    pub(crate) rng: SmallRng,
    pub(crate) next_call_seq: u64,
    /// Scripted outcomes by destination number (consumed one per attempt).
    pub(crate) scripts: HashMap<String, VecDeque<CallOutcome>>,
}

impl State {
    /// A fresh state with the demo workspace.
    pub(crate) fn new(seed: u64, credits: f64, concurrency: usize) -> Self {
        let mut st = State {
            workspaces: BTreeMap::new(),
            keys: HashMap::new(),
            voices: default_voices(),
            rng: SmallRng::seed_from_u64(seed ^ 0x05EE_D1D5),
            next_call_seq: 0,
            scripts: HashMap::new(),
        };
        st.seed_demo(credits, concurrency);
        st
    }

    /// A new UUID v4 from the seeded RNG (reproducible for a given request sequence).
    pub(crate) fn new_id(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.random();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }

    pub(crate) fn ws(&self, id: &str) -> &Workspace {
        &self.workspaces[id]
    }

    pub(crate) fn ws_mut(&mut self, id: &str) -> &mut Workspace {
        self.workspaces
            .get_mut(id)
            .expect("workspace ids come from the key index")
    }

    pub(crate) fn voice(&self, id: &str) -> Option<&Voice> {
        self.voices.iter().find(|v| v.id == id)
    }

    fn seed_demo(&mut self, credits: f64, concurrency: usize) {
        let created = DateTime::parse_from_rfc3339("2024-12-16T13:03:29.947147+00:00")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_else(|_| Utc::now());
        let numbers = vec![
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
        ];
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
        let kb = Kb {
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
        };
        let ws = Workspace {
            id: demo::WORKSPACE_ID.into(),
            name: demo::WORKSPACE_NAME.into(),
            created_at: created,
            credits,
            locked_credits: 0.0,
            api_key: demo::DEMO_API_KEY.into(),
            users: vec![
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
            ],
            numbers,
            pool_id: demo::NUMBER_POOL_ID.into(),
            agents: vec![sales, support],
            kbs: vec![kb],
            lists: vec![],
            calls: vec![],
            call_index: HashMap::new(),
            rate_windows: HashMap::new(),
            capacity: Arc::new(Semaphore::new(concurrency.max(1))),
        };
        self.keys.insert(ws.api_key.clone(), ws.id.clone());
        self.workspaces.insert(ws.id.clone(), ws);
    }

    /// Adds an empty workspace with one caller number; returns (workspace id, api key).
    pub(crate) fn add_workspace(
        &mut self,
        name: &str,
        credits: f64,
        concurrency: usize,
    ) -> (String, String) {
        let id = self.new_id();
        let key = self.new_id();
        let number_id = self.new_id();
        let pool_id = self.new_id();
        let telephony_id = self.new_id();
        let n = self.workspaces.len() as u64;
        let ws = Workspace {
            id: id.clone(),
            name: name.to_owned(),
            created_at: Utc::now(),
            credits,
            locked_credits: 0.0,
            api_key: key.clone(),
            users: vec![User {
                id: self.new_id(),
                username: "owner".into(),
                email: format!("owner{n}@example.com"),
                role: "owner",
            }],
            numbers: vec![Number {
                id: number_id,
                number: format!("+9180000{:05}", 10_000 + n),
                created_at: Utc::now(),
                call_count: 0,
                agent_id: None,
                is_inbound_enabled: false,
                display_name: "Main Line".into(),
                provider: "ringg",
                telephony_id,
            }],
            pool_id,
            agents: vec![],
            kbs: vec![],
            lists: vec![],
            calls: vec![],
            call_index: HashMap::new(),
            rate_windows: HashMap::new(),
            capacity: Arc::new(Semaphore::new(concurrency.max(1))),
        };
        self.keys.insert(key.clone(), id.clone());
        self.workspaces.insert(id.clone(), ws);
        (id, key)
    }
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

fn default_voices() -> Vec<Voice> {
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
