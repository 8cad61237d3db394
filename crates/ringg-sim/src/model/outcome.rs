//! Call-attempt outcomes and the weights they are drawn with.

use rand::Rng;
use rand::rngs::SmallRng;

/// The outcome of one call attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallOutcome {
    /// The callee picked up and talked: the call completes.
    Answered,
    /// A voicemail answered: the call completes with `voicemail_detected: true`.
    Voicemail,
    /// Busy: retried after `retry_busy` minutes while retries remain.
    Busy,
    /// Not picked up: retried after `retry_not_picked` minutes while retries remain.
    NotPicked,
    /// The attempt failed: retried after `retry_failed` minutes while retries remain.
    Failed,
    /// A provider error: the call ends with status `error` (no retry).
    Error,
    /// The callee picked up and the assistant transferred the call: it ends `forwarded`, with a
    /// recording and analyses like a completed call.
    Forwarded,
}

impl CallOutcome {
    /// The sub-status recorded for the attempt.
    pub(crate) fn sub_status(self) -> &'static str {
        match self {
            CallOutcome::Answered => "ACCEPTED",
            CallOutcome::Voicemail => "VOICEMAIL_DETECTED",
            CallOutcome::Busy => "NOT_ABLE_TO_CALL",
            CallOutcome::NotPicked => "USER_DID_NOT_JOIN",
            CallOutcome::Failed => "FAILED",
            CallOutcome::Error => "PIPECAT_TIMEOUT",
            CallOutcome::Forwarded => "ACCEPTED",
        }
    }

    /// The outcome named `name` (`answered`, `voicemail`, `busy`, `not_picked`, `failed`,
    /// `error`, `forwarded`), as the control API spells them.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "answered" => CallOutcome::Answered,
            "voicemail" => CallOutcome::Voicemail,
            "busy" => CallOutcome::Busy,
            "not_picked" => CallOutcome::NotPicked,
            "failed" => CallOutcome::Failed,
            "error" => CallOutcome::Error,
            "forwarded" => CallOutcome::Forwarded,
            _ => return None,
        })
    }

    /// The name [`CallOutcome::from_name`] reads.
    pub fn name(self) -> &'static str {
        match self {
            CallOutcome::Answered => "answered",
            CallOutcome::Voicemail => "voicemail",
            CallOutcome::Busy => "busy",
            CallOutcome::NotPicked => "not_picked",
            CallOutcome::Failed => "failed",
            CallOutcome::Error => "error",
            CallOutcome::Forwarded => "forwarded",
        }
    }
}

/// Relative weights of attempt outcomes (they need not sum to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutcomeWeights {
    /// Weight of [`CallOutcome::Answered`].
    pub answered: f64,
    /// Weight of [`CallOutcome::Voicemail`].
    pub voicemail: f64,
    /// Weight of [`CallOutcome::Busy`].
    pub busy: f64,
    /// Weight of [`CallOutcome::NotPicked`].
    pub not_picked: f64,
    /// Weight of [`CallOutcome::Failed`].
    pub failed: f64,
    /// Weight of [`CallOutcome::Error`].
    pub error: f64,
    /// Weight of [`CallOutcome::Forwarded`] (0 unless set).
    pub forwarded: f64,
}

impl Default for OutcomeWeights {
    /// 72 % answered, 3 % voicemail, 8 % busy, 10 % not picked, 5 % failed, 2 % error, no
    /// transfers.
    fn default() -> Self {
        Self {
            answered: 0.72,
            voicemail: 0.03,
            busy: 0.08,
            not_picked: 0.10,
            failed: 0.05,
            error: 0.02,
            forwarded: 0.0,
        }
    }
}

impl OutcomeWeights {
    /// Every attempt has `outcome`.
    pub fn always(outcome: CallOutcome) -> Self {
        let mut w = Self {
            answered: 0.0,
            voicemail: 0.0,
            busy: 0.0,
            not_picked: 0.0,
            failed: 0.0,
            error: 0.0,
            forwarded: 0.0,
        };
        match outcome {
            CallOutcome::Answered => w.answered = 1.0,
            CallOutcome::Voicemail => w.voicemail = 1.0,
            CallOutcome::Busy => w.busy = 1.0,
            CallOutcome::NotPicked => w.not_picked = 1.0,
            CallOutcome::Failed => w.failed = 1.0,
            CallOutcome::Error => w.error = 1.0,
            CallOutcome::Forwarded => w.forwarded = 1.0,
        }
        w
    }

    fn entries(&self) -> [(CallOutcome, f64); 7] {
        [
            (CallOutcome::Answered, self.answered),
            (CallOutcome::Voicemail, self.voicemail),
            (CallOutcome::Busy, self.busy),
            (CallOutcome::NotPicked, self.not_picked),
            (CallOutcome::Failed, self.failed),
            (CallOutcome::Error, self.error),
            (CallOutcome::Forwarded, self.forwarded),
        ]
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        let e = self.entries();
        if e.iter().any(|(_, w)| !w.is_finite() || *w < 0.0) {
            return Err("outcome weights must be finite and non-negative".into());
        }
        if e.iter().map(|(_, w)| w).sum::<f64>() <= 0.0 {
            return Err("at least one outcome weight must be positive".into());
        }
        Ok(())
    }

    pub(crate) fn draw(&self, rng: &mut SmallRng) -> CallOutcome {
        let e = self.entries();
        let total: f64 = e.iter().map(|(_, w)| w).sum();
        let mut x = rng.random::<f64>() * total;
        for (o, w) in e {
            if x < w {
                return o;
            }
            x -= w;
        }
        CallOutcome::Answered
    }
}
