//! Serde helpers for response fields Ringg may write in another JSON form than documented.
//!
//! One row of a list response that does not decode fails the whole page, and with it every
//! stream over the list. The fields below are the ones where another form is plausible:
//! Ringg writes `""` for an absent `bulk_list_id`, `total` as a number or a string, and
//! booleans as words elsewhere (see the API reference §7). Each helper accepts those forms and
//! still fails, naming the field, on anything it cannot read as the field's value. A value read
//! from another form is written back in the documented one (a count `"12"` as `12`; `""` as
//! `null`, or left out for an `Option` field). Request models keep the strict forms.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, Visitor};
use serde_json::{Map, Value};

use crate::common::fields::Nullable;
use crate::common::scalars::bool_word;
use crate::common::timestamp::Timestamp;

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

struct TimeV;

impl<'de> Visitor<'de> for TimeV {
    type Value = Option<Timestamp>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ISO 8601 timestamp string, an empty string or null")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if is_blank(v) {
            return Ok(None);
        }
        Timestamp::parse(v).map(Some).map_err(E::custom)
    }
    null_reads_as_none!();
}

/// `Option<Timestamp>`: `""` and `null` read as `None`.
pub(crate) fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    d.deserialize_option(TimeV)
}

/// `Nullable<Timestamp>`: `""` reads as `null`.
pub(crate) fn nullable_time<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<Timestamp>, D::Error> {
    d.deserialize_option(TimeV).map(Nullable::from)
}

/// 2^53: past it, an `f64` no longer holds every whole number.
const MAX_EXACT_F64: f64 = 9_007_199_254_740_992.0;

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
        // `12.0` is a count; `12.5` or `-1.0` is not, nor a float past 2^53, where whole
        // numbers are no longer exact.
        if v.fract() == 0.0 && (0.0..=MAX_EXACT_F64).contains(&v) {
            return self.of(v as u64);
        }
        Err(E::invalid_value(de::Unexpected::Float(v), &self))
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

/// `Option<u64>` or `Option<u32>` counts: a number, `12.0`, `"12"`; `""` and `null` read as
/// `None`.
pub(crate) fn count<'de, D: Deserializer<'de>, T: TryFrom<u64>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    d.deserialize_option(CountV(PhantomData))
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

/// `Option<bool>`: a boolean, `0`/`1`, or a word (`"true"`, `"no"`); `""` and `null` read as
/// `None`.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_option(BoolV)
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

/// `Nullable<Map>`: an object, or the same object JSON-encoded in a string (as history writes
/// `transcript`); `""` reads as `null` and `[]` as an empty object.
pub(crate) fn nullable_object<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<Map<String, Value>>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(Nullable::Null),
        Value::Array(a) if a.is_empty() => Ok(Nullable::Value(Map::new())),
        Value::String(s) if is_blank(&s) => Ok(Nullable::Null),
        Value::String(s) => match serde_json::from_str::<Value>(&s) {
            Ok(Value::Object(m)) => Ok(Nullable::Value(m)),
            Ok(Value::Null) => Ok(Nullable::Null),
            _ => Err(de::Error::invalid_value(
                de::Unexpected::Str(&s),
                &"an object or a string holding one",
            )),
        },
        // An object, or serde's own "invalid type" for anything else.
        other => Map::deserialize(other)
            .map(Nullable::Value)
            .map_err(de::Error::custom),
    }
}

/// `Nullable<Vec<String>>`: a list of strings, or one string as a list of one; `""` reads as
/// `null` and `null` entries of a list are left out.
pub(crate) fn nullable_strings<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<Vec<String>>, D::Error> {
    match Option::<OneOrList>::deserialize(d)? {
        None => Ok(Nullable::Null),
        Some(OneOrList::One(s)) if is_blank(&s) => Ok(Nullable::Null),
        Some(OneOrList::One(s)) => Ok(Nullable::Value(vec![s])),
        Some(OneOrList::List(l)) => Ok(Nullable::Value(l.into_iter().flatten().collect())),
    }
}

#[derive(serde::Deserialize)]
#[serde(untagged, expecting = "a list of strings, one string, or null")]
enum OneOrList {
    One(String),
    List(Vec<Option<String>>),
}
