//! Serde helpers for response fields Ringg may write in another JSON form than documented.
//!
//! One row of a list response that does not decode fails the whole page, and with it every
//! stream over the list. The fields below are the ones where another form is plausible:
//! Ringg writes `""` for an absent `bulk_list_id`, `total` as a number or a string, and
//! booleans as words elsewhere (see the API reference §7). Each helper accepts those forms and
//! still fails, naming the field, on anything it cannot read as the field's value. A value read
//! from another form is written back in the documented one (a count `"12"` as `12`; `""` as
//! `null`, or left out for an `Option` field; an epoch time as ISO 8601 text; a phone number
//! written as a JSON number as its digits). Request models keep the strict forms.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, Visitor};
use serde_json::{Map, Value};

use crate::common::fields::Nullable;
use crate::common::scalars::{bool_word, exact_whole};
use crate::common::timestamp::Timestamp;
use crate::enums::Language;
use chrono::DateTime;

mod rows;
pub(crate) use rows::{number_rows, object_rows};

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// The `Option` half of a visitor: `null` (or a missing value) reads as `None`, and a present
/// value goes back through the visitor.
macro_rules! null_reads_as_none {
    () => {
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    };
}

/// The unit of a Unix time, by its size: seconds below `10^11` (the year 5138), milliseconds
/// below `10^14` (from March 1973 on, as milliseconds), microseconds below `10^17`. Larger
/// values are no time Ringg writes.
const EPOCH_UNITS: [(f64, f64); 3] = [(1e11, 1e6), (1e14, 1e3), (1e17, 1.0)];

struct TimeV;

impl TimeV {
    fn epoch<E: de::Error>(
        &self,
        v: f64,
        unexpected: de::Unexpected<'_>,
    ) -> Result<Option<Timestamp>, E> {
        // `0` and `-1` are the usual "not set".
        if v <= 0.0 {
            return Ok(None);
        }
        let micros = EPOCH_UNITS
            .iter()
            .find(|(below, _)| v < *below)
            .map(|(_, to_micros)| (v * to_micros).round() as i64);
        micros
            .and_then(DateTime::from_timestamp_micros)
            .map(|t| Some(Timestamp::from_datetime(&t)))
            .ok_or_else(|| E::invalid_value(unexpected, self))
    }
}

impl<'de> Visitor<'de> for TimeV {
    type Value = Option<Timestamp>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "an ISO 8601 timestamp string, a Unix time in seconds, milliseconds or \
             microseconds, an empty string or null",
        )
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if is_blank(v) {
            return Ok(None);
        }
        Timestamp::parse(v).map(Some).or_else(|e| {
            // A Unix time written as a string, read as the number is: from 10^9 seconds
            // (September 2001) on, so that a year (`2025`) or a compact date (`20251214`)
            // is not taken for one.
            let digits = v.trim();
            match digits.parse::<f64>() {
                Ok(n) if n >= 1e9 && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') => {
                    self.epoch(n, de::Unexpected::Str(v))
                }
                _ => Err(E::custom(e)),
            }
        })
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.epoch(v as f64, de::Unexpected::Unsigned(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.epoch(v as f64, de::Unexpected::Signed(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.epoch(v, de::Unexpected::Float(v))
    }
    null_reads_as_none!();
}

/// `Option<Timestamp>`: `""`, `null`, `0` and negative numbers read as `None`; a Unix time (a
/// positive JSON number) in seconds, milliseconds from `10^11` on, or microseconds from `10^14`
/// on, reads as that instant, written back as ISO 8601.
pub(crate) fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    d.deserialize_option(TimeV)
}

/// `Nullable<String>` of a time kept as written: a string as it is, a number (a Unix time) as
/// its digits; anything else fails, naming the field.
pub(crate) fn nullable_time_text<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => Nullable::Null,
        Value::String(s) => Nullable::Value(s),
        Value::Number(n) => Nullable::Value(n.to_string()),
        _ => {
            return Err(de::Error::custom(
                "expected a time as text or as a Unix time (a number)",
            ));
        }
    })
}

/// `text` read as a time as [`time`] reads a string: ISO 8601, or a Unix time from 10^9 on.
pub(crate) fn parse_time(text: &str) -> Option<Timestamp> {
    TimeV.visit_str::<de::value::Error>(text).ok().flatten()
}

/// `Nullable<Timestamp>`: `""` reads as `null`; a Unix time reads as [`time`] reads it.
pub(crate) fn nullable_time<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<Timestamp>, D::Error> {
    d.deserialize_option(TimeV).map(Nullable::from)
}

struct CountV<T>(PhantomData<T>);

impl<T: TryFrom<u64>> CountV<T> {
    fn of<E: de::Error>(&self, n: u64) -> Result<Option<T>, E> {
        T::try_from(n)
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(n), self))
    }
}

impl<'de, T: TryFrom<u64>> Visitor<'de> for CountV<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a count: a whole number, a string holding one, an empty string or null")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.of(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(n) => self.of(n),
            Err(_) => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        match exact_whole(v) {
            Some(n) => self.of(n),
            None => Err(E::invalid_value(de::Unexpected::Float(v), &self)),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        // Digits, optionally followed by a fraction of zeros (`"12"`, `"12.0"`), read exactly.
        let whole = match t.split_once('.') {
            Some((int, frac)) if frac.bytes().all(|b| b == b'0') => int,
            Some(_) => "",
            None => t,
        };
        match whole.parse::<u64>() {
            Ok(n) => self.of(n),
            Err(_) => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
    null_reads_as_none!();
}

/// A string field that may be `null`: `null` reads as the empty string, as a missing field
/// does.
pub(crate) fn null_is_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// `Nullable<String>` for a free-text field, read as [`any_text`] reads it (`null` is
/// `Null`).
pub(crate) fn nullable_any_text<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<String>, D::Error> {
    any_text(d).map(Nullable::from)
}

/// A text field that may be absent, `null` or another value: `null` reads as the empty string
/// (as a missing field does), a number, a boolean, an object or an array as its JSON text.
pub(crate) fn text_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    any_text(d).map(Option::unwrap_or_default)
}

/// `Option<u64>` or `Option<u32>` counts: a number, `12.0`, `"12"`; `""` and `null` read as
/// `None`.
pub(crate) fn count<'de, D: Deserializer<'de>, T: TryFrom<u64>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    d.deserialize_option(CountV(PhantomData))
}

/// `Nullable<u32>` (or another count type): read as [`count`] reads it, `null`, `""` as `null`.
pub(crate) fn nullable_count<'de, D: Deserializer<'de>, T: TryFrom<u64>>(
    d: D,
) -> Result<Nullable<T>, D::Error> {
    let counted: Option<T> = count(Value::deserialize(d)?).map_err(de::Error::custom)?;
    Ok(counted.map_or(Nullable::Null, Nullable::Value))
}

struct BoolV;

impl<'de> Visitor<'de> for BoolV {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, 0 or 1, a word such as \"true\" or \"no\", an empty string or null")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if is_blank(v) {
            return Ok(None);
        }
        bool_word(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
    null_reads_as_none!();
}

/// `Option<String>` for a free-text field: a string as it is, a number or a boolean as its
/// JSON text, an object or an array as its compact JSON; `null` reads as `None`.
pub(crate) fn any_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    // A string, the common case, is read without a buffered `Value`.
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a text, or any JSON value")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(Value::from(v).to_string()))
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            let v = Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
            Ok(Some(v.to_string()))
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let v = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
            Ok(Some(v.to_string()))
        }
        null_reads_as_none!();
    }
    d.deserialize_option(V)
}

/// `Option<bool>`: a boolean, `0`/`1`, or a word (`"true"`, `"no"`); `""` and `null` read as
/// `None`.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_option(BoolV)
}

/// `Option<f64>`: a number, or a number written as a string (`"31.5"`); `""` and `null`
/// read as `None`.
pub(crate) fn amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    // Read as `Seconds` reads a number (a JSON number, or a string holding one).
    blank_is_null::<D, crate::common::Seconds>(d).map(|n| n.into_option().map(|s| s.as_f64()))
}

/// `Option<T>` read as [`blank_is_null`] reads it (`""` and `null` as `None`): credits `""`.
pub(crate) fn blank_is_none<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    blank_is_null::<D, T>(d).map(Nullable::into_option)
}

/// `Nullable<T>` for a value whose own reading rejects `""` (`Seconds`, `Credits`, a list, an
/// analysis object): `""` reads as `null`, anything else as `T` reads it.
pub(crate) fn blank_is_null<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Nullable<T>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(Nullable::Null),
        Value::String(s) if is_blank(&s) => Ok(Nullable::Null),
        v => T::deserialize(v)
            .map(Nullable::Value)
            .map_err(de::Error::custom),
    }
}

/// `Nullable<T>` for a map or list where `""` and `[]` also mean none (an A/B test's versions,
/// written `[]` when there are none): read as `null`; anything else as `T` reads it.
pub(crate) fn empty_is_null<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Nullable<T>, D::Error> {
    match Value::deserialize(d)? {
        Value::Array(l) if l.is_empty() => Ok(Nullable::Null),
        v => blank_is_null::<Value, T>(v).map_err(de::Error::custom),
    }
}

/// `Nullable<Map>`: an object, or the same object JSON-encoded in a string (as history writes
/// `transcript`); `""` reads as `null` and `[]` as an empty object.
pub(crate) fn nullable_object<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<Map<String, Value>>, D::Error> {
    option_object(d).map(Nullable::from)
}

/// `Option<Map>`: an object, or the same object JSON-encoded in a string; `[]` reads as an
/// empty object, `null` and `""` as `None`. The common case, an object, is visited directly,
/// without a buffered `Value` (the webhook receiver's path).
pub(crate) fn option_object<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Map<String, Value>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Map<String, Value>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object or a string holding one")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            Map::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            option_object(d)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            let items = Vec::<Value>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
            match items.is_empty() {
                true => Ok(Some(Map::new())),
                false => Err(de::Error::invalid_type(
                    de::Unexpected::Seq,
                    &"an object or a string holding one",
                )),
            }
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            if is_blank(s) {
                return Ok(None);
            }
            match serde_json::from_str::<Value>(s) {
                Ok(Value::Object(m)) => Ok(Some(m)),
                Ok(Value::Null) => Ok(None),
                _ => Err(de::Error::invalid_value(
                    de::Unexpected::Str(s),
                    &"an object or a string holding one",
                )),
            }
        }
    }
    d.deserialize_any(V)
}

/// `Nullable<T>` for a model read from an object ([`nullable_object`]'s forms: the object, the
/// same object JSON-encoded in a string, `""` as `null`, `[]` as an empty object). Written back
/// as an object.
pub(crate) fn analysis_object<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Nullable<T>, D::Error> {
    match nullable_object(d)? {
        Nullable::Value(m) => T::deserialize(Value::Object(m))
            .map(Nullable::Value)
            .map_err(de::Error::custom),
        Nullable::Null => Ok(Nullable::Null),
        Nullable::Absent => Ok(Nullable::Absent),
    }
}

struct NumberTextV;

impl<'de> Visitor<'de> for NumberTextV {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a phone number: a string, a whole number, or null")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // `919876543210.0` is the number's digits.
        exact_whole(v)
            .map(|n| Some(n.to_string()))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }
    null_reads_as_none!();
}

/// `Option<String>` for a phone number: a string as it is, or a JSON number (`919876543210`)
/// as its digits; `null` reads as `None`.
pub(crate) fn number_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_option(NumberTextV)
}

/// `Nullable<String>` for a phone number, read as [`number_text`] reads it.
pub(crate) fn nullable_number_text<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<String>, D::Error> {
    d.deserialize_option(NumberTextV).map(Nullable::from)
}

/// One phone number of a list, read as [`number_text`] reads it.
struct NumberText(Option<String>);

impl<'de> Deserialize<'de> for NumberText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number_text(d).map(NumberText)
    }
}

/// One phone number where a list was expected: a list of one, or `null` when blank.
fn one_number(n: Option<String>) -> Nullable<Vec<String>> {
    match n {
        Some(s) if !is_blank(&s) => Nullable::Value(vec![s]),
        _ => Nullable::Null,
    }
}

struct NumbersV;

impl<'de> Visitor<'de> for NumbersV {
    type Value = Nullable<Vec<String>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of phone numbers, one phone number, or null")
    }
    // One number, read as `number_text` reads it, is a list of one (`""` is `null`).
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        NumberTextV.visit_str(v).map(one_number)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        NumberTextV.visit_u64(v).map(one_number)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        NumberTextV.visit_f64(v).map(one_number)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        // Each entry is read as `number_text` reads it, so an error names its index.
        while let Some(NumberText(n)) = seq.next_element()? {
            out.extend(n);
        }
        Ok(Nullable::Value(out))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Nullable::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Nullable::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// `Nullable<Vec<String>>` of phone numbers: a list, or one number as a list of one; each may
/// be a string or a JSON number (read as [`number_text`] reads it). `""` reads as `null` and
/// `null` entries of a list are left out.
pub(crate) fn nullable_strings<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<Vec<String>>, D::Error> {
    d.deserialize_option(NumbersV)
}

/// `Option<Vec<Value>>` (a numbers row's `tags`): a list, or one value as a list of one; `""`
/// and `null` read as `None`.
pub(crate) fn values<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Value>>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None => None,
        Some(Value::String(s)) if is_blank(&s) => None,
        Some(Value::Array(l)) => Some(l),
        Some(v) => Some(vec![v]),
    })
}

struct LanguagesV;

impl<'de> Visitor<'de> for LanguagesV {
    type Value = Option<Vec<Language>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of language codes, one code (or several separated by commas), or null")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let codes: Vec<Language> = v
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(Language::from)
            .collect();
        Ok((!codes.is_empty()).then_some(codes))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(code) = seq.next_element::<Language>()? {
            out.push(code);
        }
        Ok(Some(out))
    }
    null_reads_as_none!();
}

/// `Option<Vec<Language>>` (a voice's `languages`): a list, or one code as a list of one
/// (several separated by commas are each read); `""` and `null` read as `None`.
pub(crate) fn languages<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Language>>, D::Error> {
    d.deserialize_option(LanguagesV)
}
