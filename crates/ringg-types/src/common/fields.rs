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
