//! Tolerant building blocks shared by the models.
//!
//! Ringg's payloads disagree with themselves across documentation generations (see the API
//! reference §7). The types here accept every documented form of a value and remember which form
//! they came in, so that a model re-serializes to exactly the JSON it was read from:
//!
//! - [`Timestamp`]: ISO 8601 with an offset, with `Z`, or naive (no offset, read as UTC).
//! - [`Credits`] and [`Seconds`]: numbers that keep their int-or-float form (`3025` vs `3025.0`).
//! - [`Total`]: a count or the string `"many"`.
//! - [`Transcript`]: an array of turns or a JSON-encoded string of one.
//! - [`CustomVariables`]: a `{name: type}` map or an array of names.
//! - [`FlexBool`]: `true`/`false` or a string such as `"yes"`.
//! - [`TextList`]: a list of strings or one string.
//! - [`Nullable`]: a field that may be absent, `null`, or present.
//! - [`Extra`]: the map of unknown fields every model keeps.
//!
//! [`decode`] parses a response body into a model and, on failure, reports the field path, the
//! serde message and the body.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde::de::{self, DeserializeOwned, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};

/// Unknown fields of a model, kept as raw JSON and written back on serialization.
///
/// Every model has `#[serde(flatten)] pub extra: Extra`, so a field Ringg adds tomorrow is neither
/// an error nor lost.
pub type Extra = Map<String, Value>;

// ---------------------------------------------------------------------------------------------
// Nullable
// ---------------------------------------------------------------------------------------------

/// A field that may be absent, explicitly `null`, or carry a value.
///
/// `Option<T>` cannot tell "absent" from `null`, so a model using it would write `"x": null` back
/// as nothing (or nothing back as `null`). Fields that Ringg documents as sometimes `null` use
/// `Nullable<T>` with `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`, so both
/// forms survive a round trip.
///
/// ```
/// use ringg_types::common::Nullable;
/// let n: Nullable<String> = Nullable::from(Some("x".to_owned()));
/// assert_eq!(n.as_ref(), Some(&"x".to_owned()));
/// assert!(Nullable::<u8>::Null.as_ref().is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// The field was not in the payload.
    #[default]
    Absent,
    /// The field was `null`.
    Null,
    /// The field had a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if there is one.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// A mutable reference to the value, if there is one.
    pub fn as_mut(&mut self) -> Option<&mut T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, dropping the absent/null distinction.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// True when the field was not in the payload (used by `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// True when the field was an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// True when the field had a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }
}

impl Nullable<String> {
    /// The string value as `&str`, if there is one.
    pub fn as_deref(&self) -> Option<&str> {
        self.as_ref().map(String::as_str)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `Some(v)` becomes a value, `None` becomes an explicit `null`.
    fn from(o: Option<T>) -> Self {
        match o {
            Some(v) => Self::Value(v),
            None => Self::Null,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => v.serialize(s),
            Self::Absent | Self::Null => s.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.into())
    }
}

// ---------------------------------------------------------------------------------------------
// Timestamp
// ---------------------------------------------------------------------------------------------

/// Error returned when a string is not a timestamp this crate understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid timestamp {input:?}: expected ISO 8601 such as `2024-12-16T13:03:29.947147+00:00`, \
     `2025-12-14T19:37:13Z` or `2025-11-24T07:33:49.629642` (no offset = UTC)"
)]
pub struct TimestampError {
    input: String,
}

/// An ISO 8601 timestamp that keeps the exact text it was read from.
///
/// Ringg writes timestamps with an offset (`+00:00`), with `Z`, or with no offset at all (the
/// initiate-call response). All three parse; a timestamp without an offset is taken as UTC. The
/// original text is kept, so re-serializing writes the same bytes. Date-only values
/// (`2025-09-25`) parse as midnight UTC, and a space instead of `T` is accepted.
///
/// ```
/// use ringg_types::common::Timestamp;
/// let naive: Timestamp = "2025-11-24T07:33:49.629642".parse().unwrap();
/// let zulu: Timestamp = "2025-11-24T07:33:49.629642Z".parse().unwrap();
/// assert!(!naive.has_offset());
/// assert_eq!(naive.to_utc(), zulu.to_utc());
/// assert_eq!(naive.as_str(), "2025-11-24T07:33:49.629642");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    raw: String,
    instant: DateTime<FixedOffset>,
    has_offset: bool,
}

impl Timestamp {
    /// Parses a timestamp, keeping `input` as its text.
    pub fn parse(input: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError {
            input: input.to_owned(),
        };
        let s = input.trim();
        if s.is_empty() {
            return Err(err());
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Ok(Self::with(input, dt, true));
        }
        for fmt in [
            "%Y-%m-%dT%H:%M:%S%.f%:z",
            "%Y-%m-%dT%H:%M:%S%.f%z",
            "%Y-%m-%d %H:%M:%S%.f%:z",
            "%Y-%m-%d %H:%M:%S%.f%z",
            "%Y-%m-%dT%H:%M%:z",
        ] {
            if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
                return Ok(Self::with(input, dt, true));
            }
        }
        for fmt in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
                return Ok(Self::with(
                    input,
                    Utc.from_utc_datetime(&naive).into(),
                    false,
                ));
            }
        }
        if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            let naive = date.and_hms_opt(0, 0, 0).ok_or_else(err)?;
            return Ok(Self::with(
                input,
                Utc.from_utc_datetime(&naive).into(),
                false,
            ));
        }
        Err(err())
    }

    fn with(raw: &str, instant: DateTime<FixedOffset>, has_offset: bool) -> Self {
        Self {
            raw: raw.to_owned(),
            instant,
            has_offset,
        }
    }

    /// A timestamp for `dt`, written as RFC 3339 with microseconds and a numeric offset
    /// (`2024-12-16T13:03:29.947147+00:00`), the style of most Ringg responses.
    pub fn from_datetime<Tz: TimeZone>(dt: &DateTime<Tz>) -> Self {
        let fixed = dt.fixed_offset();
        Self {
            raw: fixed.to_rfc3339_opts(SecondsFormat::Micros, false),
            instant: fixed,
            has_offset: true,
        }
    }

    /// The current time in UTC.
    pub fn now() -> Self {
        Self::from_datetime(&Utc::now())
    }

    /// The text the timestamp was read from (written back unchanged).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// False when the text had no offset (it was read as UTC).
    pub fn has_offset(&self) -> bool {
        self.has_offset
    }

    /// The instant with the offset it was written with (`+00:00` when it had none).
    pub fn to_fixed_offset(&self) -> DateTime<FixedOffset> {
        self.instant
    }

    /// The instant in UTC. A timestamp without an offset is assumed to be UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.instant.with_timezone(&Utc)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.raw)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for Timestamp {
    fn from(dt: DateTime<Tz>) -> Self {
        Self::from_datetime(&dt)
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    /// Orders by instant, then by text.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.instant
            .cmp(&other.instant)
            .then_with(|| self.raw.cmp(&other.raw))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 8601 timestamp string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers that keep their form
// ---------------------------------------------------------------------------------------------

macro_rules! json_number {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Number);

        impl $name {
            /// Wraps a JSON number as it is.
            pub fn new(n: Number) -> Self {
                Self(n)
            }

            /// A value from a float; `None` for NaN or infinity (not representable in JSON).
            pub fn from_f64(v: f64) -> Option<Self> {
                Number::from_f64(v).map(Self)
            }

            /// The value as `f64` (integers are converted).
            pub fn as_f64(&self) -> f64 {
                self.0.as_f64().unwrap_or_default()
            }

            /// The value as `u64`, when it was written as a non-negative integer.
            pub fn as_u64(&self) -> Option<u64> {
                self.0.as_u64()
            }

            /// The value as `i64`, when it was written as an integer.
            pub fn as_i64(&self) -> Option<i64> {
                self.0.as_i64()
            }

            /// True when the value was written as an integer (`3025`, not `3025.0`).
            pub fn is_integer(&self) -> bool {
                self.0.is_i64() || self.0.is_u64()
            }

            /// The underlying JSON number.
            pub fn as_number(&self) -> &Number {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl From<u64> for $name {
            fn from(v: u64) -> Self {
                Self(Number::from(v))
            }
        }

        impl From<u32> for $name {
            fn from(v: u32) -> Self {
                Self(Number::from(v))
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                Self(Number::from(v))
            }
        }

        impl From<Number> for $name {
            fn from(v: Number) -> Self {
                Self(v)
            }
        }
    };
}

json_number!(
    /// An amount of credits (`credits`, `locked_credits`, `call_cost`, ...).
    ///
    /// Ringg writes credits as an integer or a float depending on the endpoint and generation
    /// (`3025` vs `3025.0`). `Credits` accepts both and writes back the form it read.
    ///
    /// ```
    /// use ringg_types::common::Credits;
    /// let a: Credits = serde_json::from_str("3025").unwrap();
    /// let b: Credits = serde_json::from_str("3025.0").unwrap();
    /// assert_eq!(a.as_f64(), b.as_f64());
    /// assert_eq!(serde_json::to_string(&b).unwrap(), "3025.0");
    /// ```
    Credits
);

json_number!(
    /// A duration in seconds as Ringg writes it (`call_duration: 15.733745`, `recording_duration`),
    /// an integer or a float, written back in the form it was read.
    Seconds
);

impl Seconds {
    /// The duration as a [`std::time::Duration`] (negative values become zero).
    pub fn to_duration(&self) -> std::time::Duration {
        std::time::Duration::try_from_secs_f64(self.as_f64()).unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------
// Total
// ---------------------------------------------------------------------------------------------

/// The `total` of a paginated list: a count, or the string `"many"` that the live call-history
/// endpoint sends for large result sets.
///
/// ```
/// use ringg_types::common::Total;
/// let t: Total = serde_json::from_str("\"many\"").unwrap();
/// assert_eq!(t, Total::Many);
/// assert_eq!(serde_json::from_str::<Total>("12").unwrap().count(), Some(12));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Total {
    /// An exact count.
    Count(u64),
    /// The string `"many"`: more rows than the server counted.
    Many,
    /// Any other string, kept as is.
    Other(String),
}

impl Total {
    /// The count, when it is known (a number, or a string holding one).
    pub fn count(&self) -> Option<u64> {
        match self {
            Self::Count(n) => Some(*n),
            Self::Many => None,
            Self::Other(s) => s.trim().parse().ok(),
        }
    }

    /// True for `"many"`.
    pub fn is_many(&self) -> bool {
        matches!(self, Self::Many)
    }
}

impl Serialize for Total {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Count(n) => s.serialize_u64(*n),
            Self::Many => s.serialize_str("many"),
            Self::Other(o) => s.serialize_str(o),
        }
    }
}

impl<'de> Deserialize<'de> for Total {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Total;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer or the string \"many\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Total, E> {
                Ok(Total::Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Total, E> {
                u64::try_from(v)
                    .map(Total::Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Total, E> {
                Ok(if v == "many" {
                    Total::Many
                } else {
                    Total::Other(v.to_owned())
                })
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// FlexBool
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FlexBoolForm {
    Bool,
    Text(String),
    Int(i64),
}

/// A boolean that may arrive as `true`/`false`, as a string (`"true"`, `"false"`, `"yes"`,
/// `"no"`, `"y"`, `"n"`, `"1"`, `"0"`, any case), or as the integer `0`/`1`.
///
/// LLM-produced analysis fields such as `callback_requested` come in any of these forms. The
/// original form is remembered and written back.
///
/// ```
/// use ringg_types::common::FlexBool;
/// let b: FlexBool = serde_json::from_str("\"Yes\"").unwrap();
/// assert!(b.get());
/// assert_eq!(serde_json::to_string(&b).unwrap(), "\"Yes\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlexBool {
    value: bool,
    form: FlexBoolForm,
}

impl FlexBool {
    /// The boolean value.
    pub fn get(&self) -> bool {
        self.value
    }

    /// True when the value arrived as a string or a number rather than a JSON boolean.
    pub fn is_stringly(&self) -> bool {
        !matches!(self.form, FlexBoolForm::Bool)
    }

    /// Parses a string form (`"true"`, `"no"`, ...); `None` if it is not a boolean word.
    pub fn parse_str(s: &str) -> Option<Self> {
        let value = match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => true,
            "false" | "no" | "n" | "0" => false,
            _ => return None,
        };
        Some(Self {
            value,
            form: FlexBoolForm::Text(s.to_owned()),
        })
    }
}

impl From<bool> for FlexBool {
    fn from(value: bool) -> Self {
        Self {
            value,
            form: FlexBoolForm::Bool,
        }
    }
}

impl From<FlexBool> for bool {
    fn from(b: FlexBool) -> bool {
        b.value
    }
}

impl Serialize for FlexBool {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.form {
            FlexBoolForm::Bool => s.serialize_bool(self.value),
            FlexBoolForm::Text(t) => s.serialize_str(t),
            FlexBoolForm::Int(i) => s.serialize_i64(*i),
        }
    }
}

impl<'de> Deserialize<'de> for FlexBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = FlexBool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, 0/1, or one of \"true\", \"false\", \"yes\", \"no\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<FlexBool, E> {
                Ok(FlexBool::from(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FlexBool, E> {
                match v {
                    0 | 1 => Ok(FlexBool {
                        value: v == 1,
                        form: FlexBoolForm::Int(v),
                    }),
                    _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FlexBool, E> {
                match i64::try_from(v) {
                    Ok(i) => self.visit_i64(i),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FlexBool, E> {
                FlexBool::parse_str(v)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// TextList
// ---------------------------------------------------------------------------------------------

/// A list of strings that may arrive as a JSON array or as one string (sometimes a JSON-encoded
/// array). Used for analysis fields such as `key_points` and `action_items`.
///
/// ```
/// use ringg_types::common::TextList;
/// let a: TextList = serde_json::from_str(r#"["a","b"]"#).unwrap();
/// let b: TextList = serde_json::from_str(r#""[\"a\",\"b\"]""#).unwrap();
/// assert_eq!(a.items(), b.items());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TextList {
    /// A JSON array of strings.
    List(Vec<String>),
    /// One string: a JSON-encoded array, or free text (one item, or none when empty).
    Text(String),
}

impl TextList {
    /// The items: the array, the decoded JSON array inside a string, or the string itself.
    pub fn items(&self) -> Vec<String> {
        match self {
            Self::List(items) => items.clone(),
            Self::Text(t) => {
                let trimmed = t.trim();
                if trimmed.is_empty() {
                    Vec::new()
                } else if let Ok(items) = serde_json::from_str::<Vec<String>>(trimmed) {
                    items
                } else {
                    vec![t.clone()]
                }
            }
        }
    }
}

impl From<Vec<String>> for TextList {
    fn from(v: Vec<String>) -> Self {
        Self::List(v)
    }
}

// ---------------------------------------------------------------------------------------------
// CustomVariables
// ---------------------------------------------------------------------------------------------

/// An assistant's call variables: a `{name: type}` map (documented agent config) or an array of
/// names (live version config and requests).
///
/// ```
/// use ringg_types::common::CustomVariables;
/// let m: CustomVariables = serde_json::from_str(r#"{"callee_name":"string"}"#).unwrap();
/// let l: CustomVariables = serde_json::from_str(r#"["callee_name"]"#).unwrap();
/// assert_eq!(m.names(), l.names());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CustomVariables {
    /// `{ "callee_name": "string", ... }`.
    Map(Map<String, Value>),
    /// `["callee_name", ...]`.
    List(Vec<String>),
}

impl CustomVariables {
    /// The variable names (map keys in key order, or the list in its order).
    pub fn names(&self) -> Vec<&str> {
        match self {
            Self::Map(m) => m.keys().map(String::as_str).collect(),
            Self::List(l) => l.iter().map(String::as_str).collect(),
        }
    }

    /// True when `name` is one of the variables.
    pub fn contains(&self, name: &str) -> bool {
        match self {
            Self::Map(m) => m.contains_key(name),
            Self::List(l) => l.iter().any(|n| n == name),
        }
    }

    /// Number of variables.
    pub fn len(&self) -> usize {
        match self {
            Self::Map(m) => m.len(),
            Self::List(l) => l.len(),
        }
    }

    /// True when there are no variables.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for CustomVariables {
    fn default() -> Self {
        Self::List(Vec::new())
    }
}

// ---------------------------------------------------------------------------------------------
// Transcript
// ---------------------------------------------------------------------------------------------

/// Who spoke a transcript turn.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Speaker {
    /// The assistant (`bot`, `agent`, `assistant`).
    Bot,
    /// The person called (`user`, `human`, `customer`, `caller`).
    User,
    /// Any other label, as written.
    Other(String),
}

impl Speaker {
    fn from_label(label: &str) -> Self {
        match label.to_ascii_lowercase().as_str() {
            "bot" | "agent" | "assistant" => Self::Bot,
            "user" | "human" | "customer" | "caller" => Self::User,
            _ => Self::Other(label.to_owned()),
        }
    }

    /// `"bot"`, `"user"`, or the other label.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Bot => "bot",
            Self::User => "user",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for Speaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON shape of one transcript turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TurnForm {
    /// `{"bot": "text", ...}`: the speaker is the key.
    Keyed,
    /// `{"role": "bot", "content": "text", ...}`.
    RoleContent,
}

const SPEAKER_KEYS: [&str; 8] = [
    "bot",
    "user",
    "agent",
    "assistant",
    "human",
    "customer",
    "caller",
    "system",
];

/// One turn of a transcript: a speaker, the text, and any extra keys Ringg attaches
/// (`message_id`, `timestamp`, `audio_offset_ms`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptTurn {
    label: String,
    text: String,
    form: TurnForm,
    /// Keys other than the speaker and text, kept and written back.
    pub extra: Extra,
}

impl TranscriptTurn {
    /// A `{"bot": text}` turn.
    pub fn bot(text: impl Into<String>) -> Self {
        Self::keyed("bot", text)
    }

    /// A `{"user": text}` turn.
    pub fn user(text: impl Into<String>) -> Self {
        Self::keyed("user", text)
    }

    /// A `{label: text}` turn.
    pub fn keyed(label: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            text: text.into(),
            form: TurnForm::Keyed,
            extra: Extra::new(),
        }
    }

    /// A `{"role": role, "content": text}` turn.
    pub fn role_content(role: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            label: role.into(),
            text: text.into(),
            form: TurnForm::RoleContent,
            extra: Extra::new(),
        }
    }

    /// Adds an extra key (for example `message_id`).
    #[must_use]
    pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }

    /// Who spoke.
    pub fn speaker(&self) -> Speaker {
        Speaker::from_label(&self.label)
    }

    /// The speaker label exactly as written (`bot`, `user`, `assistant`, ...).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// What was said.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The JSON shape the turn came in.
    pub fn form(&self) -> TurnForm {
        self.form
    }

    /// `message_id`, when present.
    pub fn message_id(&self) -> Option<&str> {
        self.extra.get("message_id").and_then(Value::as_str)
    }

    /// `timestamp`, when present and parseable.
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.extra
            .get("timestamp")
            .and_then(Value::as_str)
            .and_then(|s| Timestamp::parse(s).ok())
    }

    /// `audio_offset_ms`, when present.
    pub fn audio_offset_ms(&self) -> Option<u64> {
        self.extra.get("audio_offset_ms").and_then(Value::as_u64)
    }

    fn from_map(mut map: Map<String, Value>) -> Result<Self, String> {
        let is_str =
            |map: &Map<String, Value>, key: &str| matches!(map.get(key), Some(Value::String(_)));
        if is_str(&map, "role") && is_str(&map, "content") {
            let role = take_string(&mut map, "role");
            let content = take_string(&mut map, "content");
            return Ok(Self {
                label: role,
                text: content,
                form: TurnForm::RoleContent,
                extra: map,
            });
        }
        let key = SPEAKER_KEYS
            .iter()
            .find(|k| is_str(&map, k))
            .map(|k| (*k).to_owned())
            .or_else(|| match map.iter().next() {
                Some((k, Value::String(_))) if map.len() == 1 => Some(k.clone()),
                _ => None,
            });
        match key {
            Some(key) => {
                let text = take_string(&mut map, &key);
                Ok(Self {
                    label: key,
                    text,
                    form: TurnForm::Keyed,
                    extra: map,
                })
            }
            None => Err(format!(
                "a transcript turn must be {{\"bot\": text}}, {{\"user\": text}} or \
                 {{\"role\": speaker, \"content\": text}}; found keys {:?}",
                map.keys().collect::<Vec<_>>()
            )),
        }
    }
}

fn take_string(map: &mut Map<String, Value>, key: &str) -> String {
    match map.remove(key) {
        Some(Value::String(s)) => s,
        _ => String::new(),
    }
}

impl Serialize for TranscriptTurn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let extra_len = self.extra.len();
        match self.form {
            TurnForm::Keyed => {
                let mut m = s.serialize_map(Some(1 + extra_len))?;
                m.serialize_entry(&self.label, &self.text)?;
                for (k, v) in &self.extra {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
            TurnForm::RoleContent => {
                let mut m = s.serialize_map(Some(2 + extra_len))?;
                m.serialize_entry("role", &self.label)?;
                m.serialize_entry("content", &self.text)?;
                for (k, v) in &self.extra {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for TranscriptTurn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(d)?;
        Self::from_map(map).map_err(de::Error::custom)
    }
}

/// The wire form a [`Transcript`] came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TranscriptEncoding {
    /// A JSON array of turns (webhooks, documented call details).
    Array,
    /// A string holding JSON-encoded turns (call history, live call details).
    JsonString,
}

/// A call transcript, read from either wire form.
///
/// Call history (and the live call-details endpoint) send the transcript as a JSON-encoded
/// **string**; webhooks and the documented call details send an **array**. Turns are single-key
/// `{"bot": text}` / `{"user": text}` objects, possibly with extra keys, or `{role, content}`
/// objects. The transcript remembers its wire form and, for the string form, the exact original
/// string, so it re-serializes unchanged. An empty string is an empty transcript.
///
/// ```
/// use ringg_types::common::{Speaker, Transcript, TranscriptEncoding};
/// let t: Transcript = serde_json::from_str(r#""[{\"bot\": \"Hi\"}, {\"user\": \"Hello\"}]""#).unwrap();
/// assert_eq!(t.encoding(), TranscriptEncoding::JsonString);
/// assert_eq!(t.turns()[1].speaker(), Speaker::User);
/// assert_eq!(t.turns()[1].text(), "Hello");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    turns: Vec<TranscriptTurn>,
    encoding: TranscriptEncoding,
    raw: Option<String>,
}

impl Transcript {
    /// A transcript written as a JSON array.
    pub fn from_turns(turns: Vec<TranscriptTurn>) -> Self {
        Self {
            turns,
            encoding: TranscriptEncoding::Array,
            raw: None,
        }
    }

    /// A transcript written as a JSON-encoded string (the call-history form).
    pub fn from_turns_as_string(turns: Vec<TranscriptTurn>) -> Self {
        Self {
            turns,
            encoding: TranscriptEncoding::JsonString,
            raw: None,
        }
    }

    /// Parses the JSON-encoded string form. An empty (or whitespace) string is an empty
    /// transcript; `"null"` too.
    pub fn parse_encoded(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        let turns = if trimmed.is_empty() || trimmed == "null" {
            Vec::new()
        } else {
            let mut de = serde_json::Deserializer::from_str(trimmed);
            serde_path_to_error::deserialize::<_, Vec<TranscriptTurn>>(&mut de).map_err(|e| {
                format!(
                    "transcript string does not hold a transcript (at {}): {}",
                    e.path(),
                    e.inner()
                )
            })?
        };
        Ok(Self {
            turns,
            encoding: TranscriptEncoding::JsonString,
            raw: Some(raw.to_owned()),
        })
    }

    /// The turns, in order.
    pub fn turns(&self) -> &[TranscriptTurn] {
        &self.turns
    }

    /// The turns, by value.
    pub fn into_turns(self) -> Vec<TranscriptTurn> {
        self.turns
    }

    /// The wire form it came in (and will be written in).
    pub fn encoding(&self) -> TranscriptEncoding {
        self.encoding
    }

    /// The original string, for a transcript read from the string form.
    pub fn raw_string(&self) -> Option<&str> {
        self.raw.as_deref()
    }

    /// Number of turns.
    pub fn len(&self) -> usize {
        self.turns.len()
    }

    /// True when there are no turns.
    pub fn is_empty(&self) -> bool {
        self.turns.is_empty()
    }

    /// The conversation as plain text, one `speaker: text` line per turn.
    pub fn to_plain_text(&self) -> String {
        let mut out = String::new();
        for turn in &self.turns {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(turn.label());
            out.push_str(": ");
            out.push_str(turn.text());
        }
        out
    }
}

impl Serialize for Transcript {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.encoding, &self.raw) {
            (TranscriptEncoding::JsonString, Some(raw)) => s.serialize_str(raw),
            (TranscriptEncoding::JsonString, None) => {
                let encoded =
                    serde_json::to_string(&self.turns).map_err(serde::ser::Error::custom)?;
                s.serialize_str(&encoded)
            }
            (TranscriptEncoding::Array, _) => self.turns.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Transcript {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Transcript;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a transcript: an array of turns or a JSON-encoded string of one")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Transcript, E> {
                Transcript::parse_encoded(v).map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Transcript, A::Error> {
                let mut turns = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(turn) = seq.next_element::<TranscriptTurn>()? {
                    turns.push(turn);
                }
                Ok(Transcript::from_turns(turns))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// OneOrMany
// ---------------------------------------------------------------------------------------------

/// A value written either as one item or as an array of items (webhook `event_type`), remembering
/// which.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A single item.
    One(T),
    /// An array.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The items as a slice.
    pub fn as_slice(&self) -> &[T] {
        match self {
            Self::One(one) => std::slice::from_ref(one),
            Self::Many(many) => many,
        }
    }

    /// Iterates over the items.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(v: Vec<T>) -> Self {
        Self::Many(v)
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(v: T) -> Self {
        Self::One(v)
    }
}

// ---------------------------------------------------------------------------------------------
// Pagination query and generic responses
// ---------------------------------------------------------------------------------------------

/// `limit` / `offset` query parameters of the paginated list endpoints.
///
/// Ringg documents two different defaults (10 and 20) and a maximum of 100, so clients should
/// always send both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageQuery {
    /// Rows per page (1–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Rows to skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
}

impl PageQuery {
    /// A page of `limit` rows starting at `offset`.
    pub fn new(limit: u32, offset: u32) -> Self {
        Self {
            limit: Some(limit),
            offset: Some(offset),
        }
    }
}

/// A response that carries only a `message` (delete and terminate endpoints, among others).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageResponse {
    /// Human-readable result, e.g. `"Calls terminated successfully!"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Turns a query struct into `(name, value)` pairs for a URL query string.
///
/// `None` fields are skipped, strings are written as is, numbers and booleans in their JSON
/// form, arrays as one pair per item (repeated key), and objects as JSON text.
pub fn to_query_pairs<T: Serialize>(query: &T) -> Result<Vec<(String, String)>, serde_json::Error> {
    let value = serde_json::to_value(query)?;
    let mut pairs = Vec::new();
    let Value::Object(map) = value else {
        return Err(serde::ser::Error::custom(
            "a query must serialize to a JSON object",
        ));
    };
    for (key, value) in map {
        push_query_value(&mut pairs, &key, value);
    }
    Ok(pairs)
}

fn push_query_value(pairs: &mut Vec<(String, String)>, key: &str, value: Value) {
    match value {
        Value::Null => {}
        Value::String(s) => pairs.push((key.to_owned(), s)),
        Value::Bool(b) => pairs.push((key.to_owned(), b.to_string())),
        Value::Number(n) => pairs.push((key.to_owned(), n.to_string())),
        Value::Array(items) => {
            for item in items {
                push_query_value(pairs, key, item);
            }
        }
        obj @ Value::Object(_) => pairs.push((key.to_owned(), obj.to_string())),
    }
}

// ---------------------------------------------------------------------------------------------
// decode
// ---------------------------------------------------------------------------------------------

const BODY_PREVIEW_CHARS: usize = 512;

/// A body that did not decode into the expected model.
///
/// Carries the JSON path of the failing field (`data.calls[3].status`; `.` for the document
/// itself), serde's message, and the whole body. `Debug` and `Display` show at most the first
/// 512 characters of the body, with values of key-like fields (`api_key`, `token`, ...) masked;
/// [`DecodeError::body`] returns it whole.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "could not decode the response body at `{path}`: {message}. The API may have changed shape; \
     body (first {BODY_PREVIEW_CHARS} chars): {preview}",
    preview = self.body_preview()
)]
pub struct DecodeError {
    path: String,
    message: String,
    line: usize,
    column: usize,
    body: Vec<u8>,
}

impl DecodeError {
    /// Builds an error by hand (for decoders outside this crate).
    pub fn new(
        path: impl Into<String>,
        message: impl Into<String>,
        body: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
            line: 0,
            column: 0,
            body: body.into(),
        }
    }

    /// The JSON path of the field that failed (`.` for the document root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// serde's description of the failure.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Line of the failure in the body (1-based; 0 when unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// Column of the failure in the body (1-based; 0 when unknown).
    pub fn column(&self) -> usize {
        self.column
    }

    /// The whole body, unmodified. It may contain secrets (a workspace API key): do not log it.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The whole body as text (lossy UTF-8).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The first 512 characters of the body with key-like values masked, for logs and messages.
    pub fn body_preview(&self) -> String {
        let text = crate::redact::redact_bytes(&self.body);
        let mut preview: String = text.chars().take(BODY_PREVIEW_CHARS).collect();
        let total = text.chars().count();
        if total > BODY_PREVIEW_CHARS {
            preview.push_str(&format!("… ({} more chars)", total - BODY_PREVIEW_CHARS));
        }
        preview
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.path)
            .field("message", &self.message)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("body_len", &self.body.len())
            .field("body_preview", &self.body_preview())
            .finish()
    }
}

/// Decodes a JSON body into `T`, naming the failing field on error.
///
/// ```
/// use ringg_types::common::decode;
/// use ringg_types::workspace::WorkspaceInfoResponse;
/// let err = decode::<WorkspaceInfoResponse>(br#"{"workspace_info": {"id": 7}}"#).unwrap_err();
/// assert_eq!(err.path(), "workspace_info.id");
/// ```
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = result.map_err(|e| decode_error(e, bytes))?;
    de.end().map_err(|e| DecodeError {
        path: ".".to_owned(),
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
        body: bytes.to_vec(),
    })?;
    Ok(value)
}

/// [`decode`] for a `&str`.
pub fn decode_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    decode(text.as_bytes())
}

pub(crate) fn decode_error(
    e: serde_path_to_error::Error<serde_json::Error>,
    bytes: &[u8],
) -> DecodeError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    DecodeError {
        path,
        message: inner.to_string(),
        line: inner.line(),
        column: inner.column(),
        body: bytes.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamp_forms() {
        let offset = Timestamp::parse("2024-12-16T13:03:29.947147+00:00").unwrap();
        let zulu = Timestamp::parse("2024-12-16T13:03:29.947147Z").unwrap();
        let naive = Timestamp::parse("2024-12-16T13:03:29.947147").unwrap();
        let ist = Timestamp::parse("2024-12-16T18:33:29.947147+05:30").unwrap();
        let spaced = Timestamp::parse("2024-12-16 13:03:29.947147").unwrap();
        let date = Timestamp::parse("2024-12-16").unwrap();
        assert!(offset.has_offset() && zulu.has_offset() && !naive.has_offset());
        for t in [&zulu, &naive, &ist, &spaced] {
            assert_eq!(t.to_utc(), offset.to_utc(), "{t:?}");
        }
        assert_eq!(ist.to_fixed_offset().offset().local_minus_utc(), 19800);
        assert_eq!(date.to_utc().to_rfc3339(), "2024-12-16T00:00:00+00:00");
        for raw in [
            "2024-12-16T18:33:29.947147+05:30",
            "2025-11-24T07:33:49.629642",
        ] {
            let t: Timestamp = serde_json::from_value(json!(raw)).unwrap();
            assert_eq!(serde_json::to_value(&t).unwrap(), json!(raw));
        }
        let err = Timestamp::parse("yesterday").unwrap_err();
        assert!(err.to_string().contains("ISO 8601"));
        assert!(serde_json::from_value::<Timestamp>(json!(12)).is_err());
        assert!(zulu < Timestamp::parse("2024-12-16T13:03:30Z").unwrap());
        let made = Timestamp::from_datetime(&offset.to_utc());
        assert_eq!(made.as_str(), "2024-12-16T13:03:29.947147+00:00");
    }

    #[test]
    fn credits_keep_form() {
        for raw in [json!(3025), json!(3025.0), json!(0.15), json!(-2)] {
            let c: Credits = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(serde_json::to_value(&c).unwrap(), raw);
        }
        let i: Credits = serde_json::from_value(json!(3025)).unwrap();
        let f: Credits = serde_json::from_value(json!(3025.0)).unwrap();
        assert!(i.is_integer() && !f.is_integer());
        assert_eq!(i.as_f64(), f.as_f64());
        assert_eq!(i.as_u64(), Some(3025));
        assert!(Credits::from_f64(f64::NAN).is_none());
        assert!(serde_json::from_value::<Credits>(json!("3025")).is_err());
        let s: Seconds = serde_json::from_value(json!(1.5)).unwrap();
        assert_eq!(s.to_duration(), std::time::Duration::from_millis(1500));
    }

    #[test]
    fn total_forms() {
        assert_eq!(
            serde_json::from_value::<Total>(json!(5)).unwrap(),
            Total::Count(5)
        );
        assert_eq!(
            serde_json::from_value::<Total>(json!("many")).unwrap(),
            Total::Many
        );
        let other: Total = serde_json::from_value(json!("17")).unwrap();
        assert_eq!(other, Total::Other("17".into()));
        assert_eq!(other.count(), Some(17));
        assert!(serde_json::from_value::<Total>(json!(-1)).is_err());
        assert!(serde_json::from_value::<Total>(json!(1.5)).is_err());
        for raw in [json!(5), json!("many"), json!("17")] {
            let t: Total = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(serde_json::to_value(&t).unwrap(), raw);
        }
    }

    #[test]
    fn flex_bool_forms() {
        for (raw, want) in [
            (json!(true), true),
            (json!("false"), false),
            (json!("YES"), true),
            (json!("no"), false),
            (json!(1), true),
            (json!(0), false),
        ] {
            let b: FlexBool = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(b.get(), want, "{raw}");
            assert_eq!(serde_json::to_value(&b).unwrap(), raw);
        }
        assert!(!FlexBool::from(true).is_stringly());
        assert!(serde_json::from_value::<FlexBool>(json!("maybe")).is_err());
        assert!(serde_json::from_value::<FlexBool>(json!(2)).is_err());
    }

    #[test]
    fn custom_variables_forms() {
        let m: CustomVariables =
            serde_json::from_value(json!({"callee_name": "string", "mobile_number": "string"}))
                .unwrap();
        let l: CustomVariables =
            serde_json::from_value(json!(["callee_name", "mobile_number"])).unwrap();
        assert_eq!(m.names(), vec!["callee_name", "mobile_number"]);
        assert_eq!(l.names(), m.names());
        assert!(m.contains("callee_name") && l.contains("mobile_number") && !l.contains("x"));
        assert_eq!(m.len(), 2);
        assert!(CustomVariables::default().is_empty());
        assert!(serde_json::from_value::<CustomVariables>(json!("callee_name")).is_err());
    }

    #[test]
    fn text_list_forms() {
        let l: TextList = serde_json::from_value(json!(["a", "b"])).unwrap();
        let s: TextList = serde_json::from_value(json!("[\"a\", \"b\"]")).unwrap();
        let plain: TextList = serde_json::from_value(json!("just one")).unwrap();
        let empty: TextList = serde_json::from_value(json!("")).unwrap();
        assert_eq!(l.items(), s.items());
        assert_eq!(plain.items(), vec!["just one".to_owned()]);
        assert!(empty.items().is_empty());
        assert_eq!(serde_json::to_value(&s).unwrap(), json!("[\"a\", \"b\"]"));
    }

    #[test]
    fn transcript_string_and_array() {
        let raw = json!("[{\"bot\": \"Hi there! ...\"}, {\"bot\": \"is valuable to us.\"}]");
        let t: Transcript = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(t.encoding(), TranscriptEncoding::JsonString);
        assert_eq!(t.len(), 2);
        assert_eq!(t.turns()[0].speaker(), Speaker::Bot);
        assert_eq!(serde_json::to_value(&t).unwrap(), raw);

        let arr = json!([
            {"bot": "Hello", "message_id": "msg_01", "timestamp": "2025-01-01T00:00:00Z", "audio_offset_ms": 600},
            {"user": "Hi"},
            {"role": "assistant", "content": "How can I help?"},
            {"speaker_x": "odd but single key"}
        ]);
        let t: Transcript = serde_json::from_value(arr.clone()).unwrap();
        assert_eq!(t.encoding(), TranscriptEncoding::Array);
        let turns = t.turns();
        assert_eq!(turns[0].message_id(), Some("msg_01"));
        assert_eq!(turns[0].audio_offset_ms(), Some(600));
        assert!(turns[0].timestamp().is_some());
        assert_eq!(turns[1].speaker(), Speaker::User);
        assert_eq!(turns[2].speaker(), Speaker::Bot);
        assert_eq!(turns[2].form(), TurnForm::RoleContent);
        assert_eq!(turns[2].label(), "assistant");
        assert_eq!(turns[3].speaker(), Speaker::Other("speaker_x".into()));
        assert_eq!(serde_json::to_value(&t).unwrap(), arr);
        assert_eq!(t.to_plain_text().lines().next(), Some("bot: Hello"),);

        let empty: Transcript = serde_json::from_value(json!("")).unwrap();
        assert!(empty.is_empty());
        assert_eq!(serde_json::to_value(&empty).unwrap(), json!(""));

        let built = Transcript::from_turns_as_string(vec![TranscriptTurn::bot("a")]);
        assert_eq!(
            serde_json::to_value(&built).unwrap(),
            json!("[{\"bot\":\"a\"}]")
        );
    }

    #[test]
    fn transcript_errors_name_the_turn() {
        let body = br#"{"transcript": [{"bot": "ok"}, 42]}"#;
        #[derive(Debug, Deserialize)]
        struct Holder {
            #[allow(dead_code)]
            transcript: Transcript,
        }
        let err = decode::<Holder>(body).unwrap_err();
        assert_eq!(err.path(), "transcript[1]");
        let err =
            decode::<Holder>(br#"{"transcript": [{"message_id": "x", "n": 1}]}"#).unwrap_err();
        assert_eq!(err.path(), "transcript[0]");
        assert!(err.message().contains("transcript turn"));
        let err = decode::<Holder>(br#"{"transcript": "not json"}"#).unwrap_err();
        assert_eq!(err.path(), "transcript");
    }

    #[test]
    fn nullable_round_trip() {
        #[derive(Debug, Serialize, Deserialize)]
        struct H {
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            x: Nullable<String>,
        }
        for raw in [json!({}), json!({"x": null}), json!({"x": "v"})] {
            let h: H = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(serde_json::to_value(&h).unwrap(), raw);
        }
        let h: H = serde_json::from_value(json!({"x": "v"})).unwrap();
        assert_eq!(h.x.as_deref(), Some("v"));
        assert!(Nullable::<u8>::from(None).is_null());
    }

    #[test]
    fn decode_error_reports_path_and_truncates_body() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Row {
            id: String,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Page {
            calls: Vec<Row>,
        }
        let mut body = String::from(r#"{"calls": [{"id": "a"}, {"id": 5}], "pad": ""#);
        body.push_str(&"x".repeat(100_000));
        body.push_str("\"}");
        let err = decode::<Page>(body.as_bytes()).unwrap_err();
        assert_eq!(err.path(), "calls[1].id");
        assert!(err.message().contains("invalid type"));
        assert_eq!(err.body().len(), body.len());
        let shown = format!("{err} {err:?}");
        assert!(
            shown.len() < 3_000,
            "Display/Debug must truncate: {}",
            shown.len()
        );
        assert!(shown.contains("calls[1].id"));

        let err = decode::<Page>(b"not json").unwrap_err();
        assert_eq!(err.line(), 1);
        let err = decode::<Page>(br#"{"calls": []} trailing"#).unwrap_err();
        assert!(err.message().contains("trailing"));
    }

    #[test]
    fn decode_error_masks_keys() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct W {
            n: u8,
        }
        let body = br#"{"api_key": "7251cb4b-secret", "new_api_key":"e89b-secret", "n": "x"}"#;
        let err = decode::<W>(body).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("[REDACTED]"));
        assert!(err.body_text().contains("7251cb4b-secret"));
    }

    #[test]
    fn query_pairs() {
        #[derive(Serialize)]
        struct Q {
            a: Option<u32>,
            b: Option<String>,
            #[serde(rename = "agent_id[]")]
            ids: Vec<String>,
            c: bool,
        }
        let pairs = to_query_pairs(&Q {
            a: Some(3),
            b: None,
            ids: vec!["x".into(), "y".into()],
            c: true,
        })
        .unwrap();
        assert_eq!(
            pairs,
            vec![
                ("a".to_owned(), "3".to_owned()),
                ("agent_id[]".to_owned(), "x".to_owned()),
                ("agent_id[]".to_owned(), "y".to_owned()),
                ("c".to_owned(), "true".to_owned()),
            ]
        );
        assert!(to_query_pairs(&5).is_err());
    }
}
