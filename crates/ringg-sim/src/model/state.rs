//! All simulator data: the workspaces, the key index, the voices, the seeded RNG.

use std::collections::{BTreeMap, HashMap, VecDeque};

use chrono::Utc;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::model::entities::{Number, User, Voice};
use crate::model::outcome::CallOutcome;
use crate::model::seed;
use crate::model::workspace::Workspace;

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
            voices: seed::default_voices(),
            rng: SmallRng::seed_from_u64(seed ^ 0x05EE_D1D5),
            next_call_seq: 0,
            scripts: HashMap::new(),
        };
        let ws = seed::demo_workspace(credits, concurrency);
        st.keys.insert(ws.api_key.clone(), ws.id.clone());
        st.workspaces.insert(ws.id.clone(), ws);
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
            ..Workspace::empty(concurrency)
        };
        self.keys.insert(key.clone(), id.clone());
        self.workspaces.insert(id.clone(), ws);
        (id, key)
    }
}
