//! Live quirks (`Quirks::Live`): answers in the variants the live API is documented to show
//! beside the newest documented shape (API reference §7), rotating by the seed and a turn
//! counter of each row below, so a client is tested against all of them whatever else it
//! sends in between.
//!
//! | operation | variants, in turn |
//! |---|---|
//! | call initiation | `data.call_status: "ongoing"`; the legacy body with spaced keys; the newest |
//! | call history | `total: "many"`; a number |
//! | assistant details | `ab_versions[*].call_traffic` as a numeric string; a number |
//! | call details | `platform_analysis.callback_requested` as `"true"`/`"false"`; a boolean |
//! | 4xx errors with a text `detail` | `{"error": {"code", "message"}}`; `{"detail": …}` |

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use crate::error::ApiError;

/// Which answer shapes the simulator gives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Quirks {
    /// The newest documented shape of every answer (the default).
    #[default]
    Documented,
    /// Every variant the live API is documented to show, rotating by seed.
    Live,
}

impl std::str::FromStr for Quirks {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "documented" | "none" | "off" => Ok(Self::Documented),
            "live" => Ok(Self::Live),
            other => Err(format!(
                "unknown quirks mode {other:?}: use `live` (the live API's variants) or `documented`"
            )),
        }
    }
}

/// The rows of the table above, each with a turn counter of its own.
#[derive(Clone, Copy)]
enum Row {
    Initiate,
    History,
    Assistant,
    Details,
    Error,
}

/// The quirks mode and its turn counters.
#[derive(Debug, Default)]
pub(crate) struct QuirkState {
    pub(crate) mode: Quirks,
    seed: u64,
    turns: [AtomicU64; 5],
}

impl QuirkState {
    pub(crate) fn new(mode: Quirks, seed: u64) -> Self {
        Self {
            mode,
            seed,
            turns: Default::default(),
        }
    }

    /// The variant of `row`'s next answer, of `variants`.
    fn turn(&self, row: Row, variants: u64) -> u64 {
        let n = self.turns[row as usize].fetch_add(1, Ordering::Relaxed);
        self.seed.wrapping_add(n) % variants
    }

    /// The answer of `op`, reshaped when live quirks are on.
    pub(crate) fn answer(&self, op: &str, mut v: Value) -> Value {
        if self.mode != Quirks::Live {
            return v;
        }
        match op {
            "initiateCall" | "initiateCallV2" => match self.turn(Row::Initiate, 3) {
                0 => v["data"]["call_status"] = json!("ongoing"),
                1 => v = legacy_initiate(&v),
                _ => {}
            },
            "listCallHistory" if self.turn(Row::History, 2) == 0 && v.get("total").is_some() => {
                v["total"] = json!("many");
            }
            "getAssistant" if self.turn(Row::Assistant, 2) == 0 => stringify_call_traffic(&mut v),
            "getCallDetails" if self.turn(Row::Details, 2) == 0 => {
                if let Some(b) = v
                    .pointer_mut("/data/platform_analysis/callback_requested")
                    .filter(|b| b.is_boolean())
                {
                    *b = json!(b.as_bool().unwrap_or_default().to_string());
                }
            }
            _ => {}
        }
        v
    }

    /// An error answer, reshaped when live quirks are on: a text `detail` may come as the
    /// `{"error": {"code", "message"}}` envelope instead.
    pub(crate) fn error(&self, mut e: ApiError) -> ApiError {
        if self.mode != Quirks::Live || !e.status.is_client_error() {
            return e;
        }
        let Some(message) = e
            .body
            .get("detail")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return e;
        };
        if self.turn(Row::Error, 2) == 0 {
            let code = e
                .status
                .canonical_reason()
                .unwrap_or("error")
                .to_ascii_lowercase()
                .replace(' ', "_");
            e.body = json!({ "error": { "code": code, "message": message } });
        }
        e
    }
}

/// The oldest documented initiate body: spaced keys, the message as the top-level
/// `"Call Status"`.
fn legacy_initiate(v: &Value) -> Value {
    let d = &v["data"];
    json!({
        "Call Status": v["message"],
        "data": {
            "Unique Call ID": d["call_id"],
            "Call Direction": d["call_direction"],
            "Call Status": "ongoing",
            "Initiated at": d["initiated_at"],
            "Agent ID": d["agent_id"],
            "message": v["message"],
        }
    })
}

fn stringify_call_traffic(v: &mut Value) {
    let Some(versions) = v
        .pointer_mut("/agents/ab_versions")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for version in versions.values_mut() {
        if let Some(t) = version.get_mut("call_traffic").filter(|t| t.is_number()) {
            *t = json!(t.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_rotate_and_documented_mode_changes_nothing() {
        let body = json!({"status": "success", "message": "Call initiated successfully",
            "data": {"call_id": "c1", "call_status": "registered"}});
        let off = QuirkState::new(Quirks::Documented, 0);
        assert_eq!(off.answer("initiateCall", body.clone()), body);
        let live = QuirkState::new(Quirks::Live, 0);
        assert_eq!(
            live.answer("initiateCall", body.clone())["data"]["call_status"],
            "ongoing"
        );
        assert_eq!(
            live.answer("initiateCall", body.clone())["data"]["Unique Call ID"],
            "c1"
        );
        assert_eq!(live.answer("initiateCall", body.clone()), body);
        // Of two errors in a row, one comes as the envelope.
        let bodies = [
            live.error(ApiError::not_found("no such agent")).body,
            live.error(ApiError::not_found("no such agent")).body,
        ];
        assert!(
            bodies.iter().any(|b| b["error"]["code"] == "not_found"),
            "{bodies:?}"
        );
        assert!(
            bodies.iter().any(|b| b["detail"] == "no such agent"),
            "{bodies:?}"
        );
        // Each operation rotates on its own: a client alternating two of them still meets
        // both variants of each.
        let live = QuirkState::new(Quirks::Live, 0);
        let history = json!({"calls": [], "total": 0});
        let mut totals = Vec::new();
        for _ in 0..4 {
            live.answer("getAssistant", json!({}));
            totals.push(live.answer("listCallHistory", history.clone())["total"].clone());
        }
        assert!(
            totals.contains(&json!("many")) && totals.contains(&json!(0)),
            "{totals:?}"
        );
        assert_eq!("LIVE".parse::<Quirks>(), Ok(Quirks::Live));
        assert!("x".parse::<Quirks>().is_err());
    }
}
