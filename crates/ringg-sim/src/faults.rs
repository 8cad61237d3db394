//! Fault injection: make chosen requests fail the way real networks and servers fail.
//!
//! Off by default. A [`FaultConfig`] holds a seed, a global rate and per-operation overrides;
//! for every routed request the simulator draws from a seeded RNG and, with the configured
//! probability, applies one of the configured [`FaultKind`]s. The CLI takes the same settings as
//! a spec string, see [`FaultConfig::parse`].

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// One kind of injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer 429 with `Retry-After` without processing (spec name `429`).
    TooManyRequests,
    /// Answer 500 without processing (`500`).
    InternalServerError,
    /// Answer 502 without processing (`502`).
    BadGateway,
    /// Answer 503 without processing (`503`).
    ServiceUnavailable,
    /// Close the connection without processing and without answering (`reset-before`).
    /// State is untouched.
    ResetBeforeProcessing,
    /// Process the request (state changes), then close the connection without answering
    /// (`reset-after`).
    ResetAfterProcessing,
    /// Wait [`FaultConfig::latency`] before processing normally (`latency`).
    Latency,
    /// Process, then send only half of the body and close (`truncate`); the
    /// `Content-Length` promises the whole body.
    TruncatedBody,
    /// Process, then answer 200 with a body that is not valid JSON (`malformed`).
    MalformedBody,
}

impl FaultKind {
    /// Every kind, in spec order.
    pub const ALL: [FaultKind; 9] = [
        FaultKind::TooManyRequests,
        FaultKind::InternalServerError,
        FaultKind::BadGateway,
        FaultKind::ServiceUnavailable,
        FaultKind::ResetBeforeProcessing,
        FaultKind::ResetAfterProcessing,
        FaultKind::Latency,
        FaultKind::TruncatedBody,
        FaultKind::MalformedBody,
    ];

    /// The spec name (`429`, `reset-after`, ...).
    pub fn as_str(&self) -> &'static str {
        match self {
            FaultKind::TooManyRequests => "429",
            FaultKind::InternalServerError => "500",
            FaultKind::BadGateway => "502",
            FaultKind::ServiceUnavailable => "503",
            FaultKind::ResetBeforeProcessing => "reset-before",
            FaultKind::ResetAfterProcessing => "reset-after",
            FaultKind::Latency => "latency",
            FaultKind::TruncatedBody => "truncate",
            FaultKind::MalformedBody => "malformed",
        }
    }

    /// True for the kinds that run the handler (the request's effects happen).
    pub fn processes_request(&self) -> bool {
        matches!(
            self,
            FaultKind::ResetAfterProcessing
                | FaultKind::Latency
                | FaultKind::TruncatedBody
                | FaultKind::MalformedBody
        )
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FaultKind {
    type Err = FaultSpecError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        FaultKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                FaultSpecError(format!(
                    "unknown fault kind `{s}`; use one of {}",
                    FaultKind::ALL.map(|k| k.as_str()).join(", ")
                ))
            })
    }
}

/// A fault spec string that could not be parsed; the message names the bad part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault spec: {0}")]
pub struct FaultSpecError(String);

/// Fault settings for one operation, overriding the global rate and kinds.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationFaults {
    /// Probability in `0.0..=1.0` that a request to this operation gets a fault.
    pub rate: f64,
    /// Kinds to choose from; `None` uses the global kinds.
    pub kinds: Option<Vec<FaultKind>>,
}

/// Fault-injection settings. The default injects nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Seed of the fault RNG (the same seed and request sequence give the same faults).
    pub seed: u64,
    /// Probability in `0.0..=1.0` that a routed request gets a fault.
    pub rate: f64,
    /// Kinds to choose from (uniformly). Empty means every kind.
    pub kinds: Vec<FaultKind>,
    /// Overrides by operation id (e.g. `initiateCallV2`).
    pub per_operation: BTreeMap<String, OperationFaults>,
    /// Delay added by [`FaultKind::Latency`] (real time, not scaled).
    pub latency: Duration,
    /// `Retry-After` seconds sent with [`FaultKind::TooManyRequests`].
    pub retry_after_secs: u64,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            rate: 0.0,
            kinds: Vec::new(),
            per_operation: BTreeMap::new(),
            latency: Duration::from_millis(250),
            retry_after_secs: 1,
        }
    }
}

impl FaultConfig {
    /// No faults (the default).
    pub fn none() -> Self {
        Self::default()
    }

    /// Faults on every operation with probability `rate`, chosen from `kinds` (empty = all).
    pub fn new(rate: f64, kinds: impl IntoIterator<Item = FaultKind>) -> Self {
        Self {
            rate,
            kinds: kinds.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Sets the RNG seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Overrides the rate (and optionally the kinds) for one operation id.
    pub fn with_operation(
        mut self,
        operation_id: impl Into<String>,
        rate: f64,
        kinds: Option<Vec<FaultKind>>,
    ) -> Self {
        self.per_operation
            .insert(operation_id.into(), OperationFaults { rate, kinds });
        self
    }

    /// Sets the delay of [`FaultKind::Latency`].
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// True when no request can get a fault.
    pub fn is_off(&self) -> bool {
        self.rate <= 0.0 && self.per_operation.values().all(|o| o.rate <= 0.0)
    }

    /// Parses a spec string: comma-separated `key=value` items.
    ///
    /// | item | meaning |
    /// |---|---|
    /// | `rate=0.2` | global probability |
    /// | `kinds=reset-after+503+429` | kinds (`429 500 502 503 reset-before reset-after latency truncate malformed`) |
    /// | `seed=7` | RNG seed |
    /// | `latency-ms=300` | delay for `latency` |
    /// | `retry-after=2` | `Retry-After` seconds for `429` |
    /// | `op.initiateCallV2=0.5` or `op.initiateCallV2=0.5:reset-after+503` | per-operation override |
    ///
    /// An empty spec, `off` or `none` means no faults.
    ///
    /// ```
    /// use ringg_sim::{FaultConfig, FaultKind};
    /// let f = FaultConfig::parse("rate=0.2,kinds=reset-after+503+429,seed=7").unwrap();
    /// assert_eq!(f.rate, 0.2);
    /// assert_eq!(f.seed, 7);
    /// assert_eq!(f.kinds, vec![FaultKind::ResetAfterProcessing, FaultKind::ServiceUnavailable, FaultKind::TooManyRequests]);
    /// ```
    pub fn parse(spec: &str) -> Result<Self, FaultSpecError> {
        let mut cfg = FaultConfig::default();
        let spec = spec.trim();
        if spec.is_empty() || spec.eq_ignore_ascii_case("off") || spec.eq_ignore_ascii_case("none")
        {
            return Ok(cfg);
        }
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = item.split_once('=').ok_or_else(|| {
                FaultSpecError(format!("`{item}` is not `key=value` (e.g. `rate=0.1`)"))
            })?;
            let (key, value) = (key.trim(), value.trim());
            match key {
                "rate" => cfg.rate = parse_rate(value)?,
                "kinds" => cfg.kinds = parse_kinds(value)?,
                "seed" => {
                    cfg.seed = value.parse().map_err(|_| {
                        FaultSpecError(format!("seed `{value}` is not an unsigned integer"))
                    })?
                }
                "latency-ms" => {
                    let ms: u64 = value.parse().map_err(|_| {
                        FaultSpecError(format!("latency-ms `{value}` is not an integer"))
                    })?;
                    cfg.latency = Duration::from_millis(ms);
                }
                "retry-after" => {
                    cfg.retry_after_secs = value.parse().map_err(|_| {
                        FaultSpecError(format!("retry-after `{value}` is not an integer"))
                    })?
                }
                _ => {
                    let Some(op) = key.strip_prefix("op.") else {
                        return Err(FaultSpecError(format!(
                            "unknown key `{key}`; use rate, kinds, seed, latency-ms, retry-after or op.<operationId>"
                        )));
                    };
                    if !crate::routes::is_operation(op) {
                        return Err(FaultSpecError(format!(
                            "unknown operation id `{op}` (e.g. op.initiateCallV2=0.5)"
                        )));
                    }
                    let (rate, kinds) = match value.split_once(':') {
                        Some((r, k)) => (parse_rate(r)?, Some(parse_kinds(k)?)),
                        None => (parse_rate(value)?, None),
                    };
                    cfg.per_operation
                        .insert(op.to_owned(), OperationFaults { rate, kinds });
                }
            }
        }
        Ok(cfg)
    }
}

impl FromStr for FaultConfig {
    type Err = FaultSpecError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn parse_rate(value: &str) -> Result<f64, FaultSpecError> {
    let rate: f64 = value
        .trim()
        .parse()
        .map_err(|_| FaultSpecError(format!("rate `{value}` is not a number")))?;
    if !(0.0..=1.0).contains(&rate) {
        return Err(FaultSpecError(format!(
            "rate `{value}` must be between 0 and 1"
        )));
    }
    Ok(rate)
}

fn parse_kinds(value: &str) -> Result<Vec<FaultKind>, FaultSpecError> {
    value
        .split('+')
        .filter(|s| !s.trim().is_empty())
        .map(FaultKind::from_str)
        .collect()
}

/// Draws fault decisions from the seeded RNG.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    cfg: FaultConfig,
    rng: Mutex<SmallRng>,
}

impl FaultInjector {
    pub(crate) fn new(cfg: FaultConfig) -> Self {
        let rng = Mutex::new(SmallRng::seed_from_u64(cfg.seed));
        Self { cfg, rng }
    }

    pub(crate) fn config(&self) -> &FaultConfig {
        &self.cfg
    }

    /// The fault for one request to `operation`, if any.
    pub(crate) fn decide(&self, operation: &str) -> Option<FaultKind> {
        if self.cfg.is_off() {
            return None;
        }
        let (rate, kinds) = match self.cfg.per_operation.get(operation) {
            Some(o) => (o.rate, o.kinds.as_deref().unwrap_or(&self.cfg.kinds)),
            None => (self.cfg.rate, self.cfg.kinds.as_slice()),
        };
        if rate <= 0.0 {
            return None;
        }
        let kinds: &[FaultKind] = if kinds.is_empty() {
            &FaultKind::ALL
        } else {
            kinds
        };
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        if rng.random::<f64>() >= rate {
            return None;
        }
        Some(kinds[rng.random_range(0..kinds.len())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_spec() {
        let f = FaultConfig::parse(
            "rate=0.5, kinds=429+reset-before, seed=3, latency-ms=10, retry-after=2, op.initiateCallV2=1:reset-after",
        )
        .unwrap();
        assert_eq!(f.rate, 0.5);
        assert_eq!(f.seed, 3);
        assert_eq!(f.latency, Duration::from_millis(10));
        assert_eq!(f.retry_after_secs, 2);
        assert_eq!(
            f.per_operation["initiateCallV2"],
            OperationFaults {
                rate: 1.0,
                kinds: Some(vec![FaultKind::ResetAfterProcessing])
            }
        );
        assert!(FaultConfig::parse("off").unwrap().is_off());
        assert!(FaultConfig::parse("").unwrap().is_off());
    }

    #[test]
    fn rejects_bad_specs_with_a_reason() {
        for bad in [
            "rate=2",
            "rate=x",
            "kinds=boom",
            "foo=1",
            "op.nope=0.1",
            "justtext",
            "seed=-1",
        ] {
            let err = FaultConfig::parse(bad).unwrap_err().to_string();
            assert!(err.starts_with("invalid fault spec"), "{bad}: {err}");
        }
    }

    #[test]
    fn decisions_are_reproducible_and_respect_rates() {
        let cfg = FaultConfig::new(0.3, []).with_seed(9);
        let a: Vec<_> = {
            let inj = FaultInjector::new(cfg.clone());
            (0..200).map(|_| inj.decide("getWorkspace")).collect()
        };
        let b: Vec<_> = {
            let inj = FaultInjector::new(cfg);
            (0..200).map(|_| inj.decide("getWorkspace")).collect()
        };
        assert_eq!(a, b);
        let hits = a.iter().filter(|d| d.is_some()).count();
        assert!((30..=90).contains(&hits), "hits {hits}");
        let never = FaultInjector::new(FaultConfig::none());
        assert!((0..100).all(|_| never.decide("getWorkspace").is_none()));
        let only = FaultInjector::new(FaultConfig::none().with_operation(
            "getWorkspace",
            1.0,
            Some(vec![FaultKind::BadGateway]),
        ));
        assert_eq!(only.decide("getWorkspace"), Some(FaultKind::BadGateway));
        assert_eq!(only.decide("listNumbers"), None);
    }
}
