//! Tolerant scalars: numbers that keep their int-or-float form ([`Credits`], [`Seconds`]),
//! [`Total`] (a count or `"many"`) and [`FlexBool`].

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Number;

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
