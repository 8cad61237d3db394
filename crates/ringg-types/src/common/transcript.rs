//! [`Transcript`]: call transcripts as an array of turns or a JSON-encoded string of one.

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::common::fields::Extra;
use crate::common::timestamp::Timestamp;

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
    /// Any other object (`{"speaker": "bot", "text": "hi"}`, a shape not seen yet): the speaker
    /// and text read from the keys that usually hold them (empty when none does), and every key
    /// kept in `extra`, so the turn is written back as it came.
    Other,
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
    /// The text came as `null` (read as empty, written back as `null`).
    null_text: bool,
    /// Keys other than the speaker and text, kept and written back (every key of a
    /// [`TurnForm::Other`] turn).
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
            null_text: false,
            extra: Extra::new(),
        }
    }

    /// A `{"role": role, "content": text}` turn.
    pub fn role_content(role: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            label: role.into(),
            text: text.into(),
            form: TurnForm::RoleContent,
            null_text: false,
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

    /// What was said, for showing: the text; for a [`TurnForm::Other`] turn in which no text
    /// was found, the turn as the JSON it came as, so its words still show.
    pub fn shown_text(&self) -> std::borrow::Cow<'_, str> {
        if self.form == TurnForm::Other && self.text.is_empty() {
            std::borrow::Cow::Owned(serde_json::to_string(&self.extra).unwrap_or_default())
        } else {
            std::borrow::Cow::Borrowed(&self.text)
        }
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

    fn from_map(mut map: Map<String, Value>) -> Self {
        let is_str =
            |map: &Map<String, Value>, key: &str| matches!(map.get(key), Some(Value::String(_)));
        // What was said may be `null` (nothing heard): an empty text, written back as `null`.
        let is_text = |map: &Map<String, Value>, key: &str| {
            matches!(map.get(key), Some(Value::String(_) | Value::Null))
        };
        if is_str(&map, "role") && is_text(&map, "content") {
            let role = take_string(&mut map, "role");
            let null_text = map.get("content").is_some_and(Value::is_null);
            let content = take_string(&mut map, "content");
            return Self {
                label: role,
                text: content,
                form: TurnForm::RoleContent,
                null_text,
                extra: map,
            };
        }
        let key = SPEAKER_KEYS
            .iter()
            .find(|k| is_text(&map, k))
            .map(|k| (*k).to_owned())
            .or_else(|| match map.iter().next() {
                Some((k, Value::String(_))) if map.len() == 1 => Some(k.clone()),
                _ => None,
            });
        match key {
            Some(key) => {
                let null_text = map.get(&key).is_some_and(Value::is_null);
                let text = take_string(&mut map, &key);
                Self {
                    label: key,
                    text,
                    form: TurnForm::Keyed,
                    null_text,
                    extra: map,
                }
            }
            // A turn of another shape is kept whole rather than failing the answer it is in
            // (a history page, a call's details).
            None => {
                let first_text = |keys: &[&str]| {
                    keys.iter()
                        .find_map(|k| map.get(*k).and_then(Value::as_str))
                        .unwrap_or_default()
                        .to_owned()
                };
                Self {
                    label: first_text(&["speaker", "role", "name", "from", "type"]),
                    text: first_text(&["text", "content", "message", "utterance", "transcript"]),
                    form: TurnForm::Other,
                    null_text: false,
                    extra: map,
                }
            }
        }
    }
}

impl TranscriptTurn {
    /// The text as it is written back: `None` (`null`) when it came as `null`.
    fn text_as_written(&self) -> Option<&str> {
        (!self.null_text).then_some(self.text.as_str())
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
                m.serialize_entry(&self.label, &self.text_as_written())?;
                for (k, v) in &self.extra {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
            TurnForm::RoleContent => {
                let mut m = s.serialize_map(Some(2 + extra_len))?;
                m.serialize_entry("role", &self.label)?;
                m.serialize_entry("content", &self.text_as_written())?;
                for (k, v) in &self.extra {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
            TurnForm::Other => self.extra.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for TranscriptTurn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(d)?;
        Ok(Self::from_map(map))
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
    /// Plain text, one `speaker: text` line per turn (the per-call callback's form, API
    /// reference §3.6), kept as written.
    PlainText,
}

/// A call transcript, read from any of its wire forms.
///
/// Call history (and the live call-details endpoint) send the transcript as a JSON-encoded
/// **string**; webhooks and the documented call details send an **array**; the per-call
/// callback sends **plain text** (`bot: …\nuser: …`, read with
/// [`from_plain_text`](Self::from_plain_text) when a string is not JSON). Turns are single-key
/// `{"bot": text}` / `{"user": text}` objects, possibly with extra keys, or `{role, content}`
/// objects. The transcript remembers its wire form and, for the string forms, the exact
/// original string, so it re-serializes unchanged. An empty string is an empty transcript.
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
    /// Where the array it was read from held `null` (no turn), to write them back.
    nulls: Vec<usize>,
}

impl Transcript {
    /// A transcript written as a JSON array.
    pub fn from_turns(turns: Vec<TranscriptTurn>) -> Self {
        Self {
            turns,
            encoding: TranscriptEncoding::Array,
            raw: None,
            nulls: Vec::new(),
        }
    }

    /// A transcript written as a JSON-encoded string (the call-history form).
    pub fn from_turns_as_string(turns: Vec<TranscriptTurn>) -> Self {
        Self {
            turns,
            encoding: TranscriptEncoding::JsonString,
            raw: None,
            nulls: Vec::new(),
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
            serde_path_to_error::deserialize::<_, Vec<Option<TranscriptTurn>>>(&mut de)
                .map(|turns| turns.into_iter().flatten().collect())
                .map_err(|e| {
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
            nulls: Vec::new(),
        })
    }

    /// Reads the plain-text form, `bot: Hello\nuser: Hi`: a line `label: text` starts a turn,
    /// another line continues the turn before it. The string is kept and written back as it is.
    ///
    /// ```
    /// use ringg_types::common::{Speaker, Transcript, TranscriptEncoding};
    /// let t = Transcript::from_plain_text("bot: Hello John\nuser: Yes,\ngo ahead.");
    /// assert_eq!(t.encoding(), TranscriptEncoding::PlainText);
    /// assert_eq!(t.turns()[1].speaker(), Speaker::User);
    /// assert_eq!(t.turns()[1].text(), "Yes,\ngo ahead.");
    /// ```
    pub fn from_plain_text(raw: &str) -> Self {
        let mut turns: Vec<TranscriptTurn> = Vec::new();
        for line in raw.lines().filter(|l| !l.trim().is_empty()) {
            // `https://…` is a URL (`transcription_url` may hold one), not a turn of `https`.
            let labelled = line.split_once(':').filter(|(label, text)| {
                !label.trim().is_empty() && !label.contains(' ') && !text.starts_with("//")
            });
            match (labelled, turns.last_mut()) {
                (Some((label, text)), _) => {
                    turns.push(TranscriptTurn::keyed(label.trim(), text.trim()));
                }
                (None, Some(last)) => {
                    last.text.push('\n');
                    last.text.push_str(line.trim());
                }
                (None, None) => turns.push(TranscriptTurn::keyed("", line.trim())),
            }
        }
        Self {
            turns,
            encoding: TranscriptEncoding::PlainText,
            raw: Some(raw.to_owned()),
            nulls: Vec::new(),
        }
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

    /// The URL the transcript's field held instead of a transcript (`transcription_url` may
    /// name where the transcript is kept): plain text that is one `http://` or `https://` URL.
    ///
    /// ```
    /// use ringg_types::common::Transcript;
    /// let t: Transcript = serde_json::from_str(r#""https://files.example/t/c-1.json""#).unwrap();
    /// assert_eq!(t.as_url(), Some("https://files.example/t/c-1.json"));
    /// assert_eq!(t.turns()[0].text(), "https://files.example/t/c-1.json");
    /// ```
    pub fn as_url(&self) -> Option<&str> {
        let text = self
            .raw
            .as_deref()
            .filter(|_| self.encoding == TranscriptEncoding::PlainText)?
            .trim();
        let scheme = ["http://", "https://"].iter().any(|s| {
            text.get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        });
        (scheme && !text.contains(char::is_whitespace)).then_some(text)
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
            if turn.form == TurnForm::Other && turn.label.is_empty() && turn.text.is_empty() {
                // Neither a speaker nor a text found: the turn as it came.
                out.push_str(&turn.shown_text());
                continue;
            }
            out.push_str(turn.label());
            out.push_str(": ");
            out.push_str(&turn.shown_text());
        }
        out
    }
}

impl Serialize for Transcript {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.encoding, &self.raw) {
            (TranscriptEncoding::JsonString, Some(raw)) => s.serialize_str(raw),
            (TranscriptEncoding::PlainText, Some(raw)) => s.serialize_str(raw),
            (TranscriptEncoding::PlainText, None) => s.serialize_str(&self.to_plain_text()),
            (TranscriptEncoding::JsonString, None) => {
                let encoded =
                    serde_json::to_string(&self.turns).map_err(serde::ser::Error::custom)?;
                s.serialize_str(&encoded)
            }
            (TranscriptEncoding::Array, _) if self.nulls.is_empty() => self.turns.serialize(s),
            (TranscriptEncoding::Array, _) => {
                // With the nulls it was read with, where they stood.
                let len = self.turns.len() + self.nulls.len();
                let mut seq = s.serialize_seq(Some(len))?;
                let mut turns = self.turns.iter();
                for at in 0..len {
                    match self.nulls.binary_search(&at) {
                        Ok(_) => seq.serialize_element(&())?,
                        Err(_) => {
                            if let Some(turn) = turns.next() {
                                seq.serialize_element(turn)?;
                            }
                        }
                    }
                }
                seq.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Transcript {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Transcript;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a transcript: an array of turns, a JSON-encoded string of one, or plain text",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Transcript, E> {
                match Transcript::parse_encoded(v) {
                    Ok(t) => Ok(t),
                    // Plain text (`bot: …`); a string that looks like JSON and is not a
                    // transcript still fails, naming the field.
                    Err(_) if !v.trim_start().starts_with(['[', '{']) => {
                        Ok(Transcript::from_plain_text(v))
                    }
                    Err(e) => Err(E::custom(e)),
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Transcript, A::Error> {
                let mut turns = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                // A null turn is no turn (kept in place when written back).
                let (mut nulls, mut at) = (Vec::new(), 0);
                while let Some(turn) = seq.next_element::<Option<TranscriptTurn>>()? {
                    match turn {
                        Some(turn) => turns.push(turn),
                        None => nulls.push(at),
                    }
                    at += 1;
                }
                let mut transcript = Transcript::from_turns(turns);
                transcript.nulls = nulls;
                Ok(transcript)
            }
        }
        d.deserialize_any(V)
    }
}
