//! [`Extra`] and [`Nullable`]: the two field wrappers every model uses.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Unknown fields of a model, kept as raw JSON and written back on serialization.
///
/// Every model has `#[serde(flatten)] pub extra: Extra`, so a field Ringg adds tomorrow is neither
/// an error nor lost.
pub type Extra = Map<String, Value>;

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

/// Serde helpers for timestamps in responses, where an empty string stands for "no time".
///
/// Ringg writes `""` for an empty `bulk_list_id`; a response field that should hold a time may
/// come the same way (a call with no next attempt, say). Such a field reads as no value (`null`
/// for a [`Nullable`] field, `None` for an `Option`) instead of failing the
/// whole response; any other text still has to be a timestamp. Requests keep the strict form.
pub(crate) mod empty_is_none {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};

    use crate::common::fields::Nullable;
    use crate::common::timestamp::Timestamp;

    struct V;

    impl<'de> Visitor<'de> for V {
        type Value = Option<Timestamp>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an ISO 8601 timestamp string, an empty string or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                return Ok(None);
            }
            Timestamp::parse(v).map(Some).map_err(E::custom)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(V)
        }
    }

    /// For `Option<Timestamp>` fields: `""` and `null` read as `None`.
    pub(crate) fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        d.deserialize_option(V)
    }

    /// For `Nullable<Timestamp>` fields: `""` reads as `null` (and is written back as `null`).
    pub(crate) fn nullable<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Nullable<Timestamp>, D::Error> {
        d.deserialize_option(V).map(Nullable::from)
    }
}
