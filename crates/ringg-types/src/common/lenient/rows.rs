//! Lists of rows Ringg may write in another JSON form: an object keyed by what each row is
//! about, or a list JSON-encoded in a string.

use serde::de::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::common::fields::Nullable;

/// `Nullable<Vec<Value>>` of per-number rows (`number_analytics`): a list, or an object keyed
/// by number read as one row per number (its object with `number` set to the key, or
/// `{"number": key, "value": …}`); `""` reads as `null`.
pub(crate) fn number_rows<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Nullable<Vec<Value>>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => Nullable::Null,
        Value::String(s) if s.trim().is_empty() => Nullable::Null,
        Value::Array(rows) => Nullable::Value(rows),
        Value::Object(by_number) => Nullable::Value(
            by_number
                .into_iter()
                .map(|(number, row)| match row {
                    Value::Object(mut fields) => {
                        fields
                            .entry("number")
                            .or_insert_with(|| Value::String(number));
                        Value::Object(fields)
                    }
                    value => serde_json::json!({"number": number, "value": value}),
                })
                .collect(),
        ),
        one => Nullable::Value(vec![one]),
    })
}

/// `Option<Vec<Map>>` of rows echoed back (an upload's `custom_args_values`): a list of objects,
/// or the same list JSON-encoded in a string; rows that are not objects (`null`) are left
/// out, and `""`, `null` or a string that is not such a list read as `None`.
pub(crate) fn object_rows<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Map<String, Value>>>, D::Error> {
    let value = match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => serde_json::from_str(&s).ok(),
        other => other,
    };
    Ok(match value {
        Some(Value::Array(rows)) => Some(
            rows.into_iter()
                .filter_map(|row| match row {
                    Value::Object(map) => Some(map),
                    _ => None,
                })
                .collect(),
        ),
        _ => None,
    })
}
