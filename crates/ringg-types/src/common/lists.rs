//! Values that come as one thing or a list: [`TextList`], [`CustomVariables`], [`OneOrMany`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
