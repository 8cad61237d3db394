//! Lists of rows Ringg may write in another JSON form: an object keyed by what each row is
//! about, or a list JSON-encoded in a string.

use serde::de::{Deserialize, Deserializer, Error as _};
use serde_json::{Map, Value};

use crate::common::fields::Nullable;

/// `Nullable<Vec<Value>>` of per-number rows (`number_analytics`): a list; an object keyed by
/// number (every key a phone number, every value an object) read as one row per number, with
/// `number` set to the key where the row has none (kept as `number_key` where the row's differs);
/// any other object as one row. `""` reads as `null`; anything else fails, naming the field.
pub(crate) fn number_rows<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<Vec<Value>>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => Nullable::Null,
        Value::String(s) if s.trim().is_empty() => Nullable::Null,
        Value::Array(rows) => Nullable::Value(rows),
        Value::Object(by_number) if is_keyed_by_number(&by_number) => Nullable::Value(
            by_number
                .into_iter()
                .map(|(number, row)| {
                    let mut fields = match row {
                        Value::Object(fields) => fields,
                        _ => Map::new(),
                    };
                    match fields.get("number") {
                        None | Some(Value::Null) => {
                            fields.insert("number".into(), Value::String(number));
                        }
                        Some(Value::String(own)) if *own == number => {}
                        Some(_) => {
                            fields.insert("number_key".into(), Value::String(number));
                        }
                    }
                    Value::Object(fields)
                })
                .collect(),
        ),
        Value::Object(row) => Nullable::Value(vec![Value::Object(row)]),
        other => {
            return Err(D::Error::custom(format!(
                "expected a list of rows or an object keyed by number, found {}",
                kind(&other)
            )));
        }
    })
}

/// Whether every key of `map` is written like a phone number (`+`, digits, spaces, dashes) and
/// every value is an object: rows keyed by their number.
fn is_keyed_by_number(map: &Map<String, Value>) -> bool {
    !map.is_empty()
        && map.iter().all(|(key, value)| {
            value.is_object()
                && key.chars().any(|c| c.is_ascii_digit())
                && key
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))
        })
}

/// `Option<Vec<Map>>` of rows echoed back (an upload's `custom_args_values`): a list of objects,
/// or the same list JSON-encoded in a string; one object reads as a list of one, a `null` row
/// as an empty one (rows keep their places), `""` and `null` as `None`. Anything else fails,
/// naming the field.
pub(crate) fn object_rows<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Map<String, Value>>>, D::Error> {
    let value = match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(serde_json::from_str(&s).map_err(|e| {
            D::Error::custom(format!("a string that is not a JSON list of rows ({e})"))
        })?),
        other => other,
    };
    let row = |row: Value| match row {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(D::Error::custom(format!(
            "a row that is not an object ({})",
            kind(&other)
        ))),
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(rows)) => rows
            .into_iter()
            .map(row)
            .collect::<Result<_, _>>()
            .map(Some),
        Some(one @ Value::Object(_)) => row(one).map(|r| Some(vec![r])),
        Some(other) => Err(D::Error::custom(format!(
            "expected a list of rows, found {}",
            kind(&other)
        ))),
    }
}

/// What kind of JSON value `value` is, for an error (never the value: rows hold people's data).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
