//! [`to_query_pairs`]: a query struct as URL query pairs.

use serde::Serialize;
use serde_json::Value;

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
